//! Agent runtimes: versions, endpoints, artifact, architecture (arm64,
//! emulated, or native for dev loops), inbound auth (IAM or JWT) and live
//! sessions.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

const COLUMNS: &[Column] = &[
    Column::new("NAME", 12, 0),
    Column::new("VERSION", 7, 2),
    Column::new("STATUS", 7, 1),
    Column::new("ARCH", 8, 3),
    Column::new("AUTH", 4, 3),
    Column::new("SESSIONS", 8, 2),
    Column::new("ENDPOINTS", 10, 4),
    Column::new("ARTIFACT", 10, 5),
];

pub(crate) fn render(state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let runtimes = state
        .runtime
        .runtimes
        .loaded()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let sessions = state
        .runtime
        .sessions
        .loaded()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let list = ListView {
        title: "runtimes".into(),
        columns: COLUMNS,
        cursor,
        total: runtimes.len(),
        wide: state.wide,
        empty: empty_line(
            state,
            Some(&state.runtime.runtimes),
            "agent runtimes",
            Some("acc runtime run ARTIFACT creates one"),
            filter_of(cursor),
        ),
    };
    list.render(frame, area, theme, |i, theme| {
        let Some(r) = runtimes.get(i) else {
            return Vec::new();
        };
        let live: Vec<_> = sessions
            .iter()
            .filter(|s| s.agent_runtime_id == r.id && s.state != "STOPPED")
            .collect();
        // What the sessions say (emulated on x86 hosts); else the artifact's kind.
        let arch = live
            .first()
            .map(|s| s.execution.clone())
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| r.architecture().to_owned());
        let arch_style = if arch == "native" {
            theme.warning
        } else {
            theme.base
        };
        let status_style = if r.status.ends_with("FAILED") {
            theme.error
        } else if r.status == "READY" {
            theme.success
        } else {
            theme.warning
        };
        vec![
            Cell::from(r.name.clone()),
            Cell::from(format!("v{}", r.latest_version)),
            Cell::from(r.status.clone()).style(status_style),
            Cell::from(arch).style(arch_style),
            Cell::from(r.auth_label()),
            Cell::from(live.len().to_string()),
            Cell::from(
                r.endpoints
                    .iter()
                    .map(|e| format!("{}→v{}", e.name, e.target_version.as_deref().unwrap_or("?")))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Cell::from(r.artifact.clone()).style(theme.muted),
        ]
    });
}
