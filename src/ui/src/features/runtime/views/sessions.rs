//! Every runtime session, refreshed live: state, runtime, age, idle time,
//! invocations, and CPU and memory when local; and one session's
//! lifecycle and log tail.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;

use crate::features::runtime::sessions::session_detail_lines;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

const COLUMNS: &[Column] = &[
    Column::new("SESSION", 20, 0).id(),
    Column::new("RUNTIME", 12, 1).id(),
    Column::new("STATE", 7, 1),
    Column::new("EXEC", 6, 3),
    Column::new("AGE", 6, 2),
    Column::new("IDLE", 6, 2),
    Column::new("CALLS", 5, 3),
    Column::new("CPU", 5, 4),
    Column::new("MEMORY", 8, 4),
];

fn duration(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{}s", s / 60, s % 60),
        s => format!("{}h{}m", s / 3600, s / 60 % 60),
    }
}

pub(crate) fn render(state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let sessions = state
        .runtime
        .sessions
        .loaded()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let list = ListView {
        title: format!("sessions · sort: {}", state.runtime.session_sort.label()),
        columns: COLUMNS,
        cursor,
        total: sessions.len(),
        wide: state.wide,
        empty: empty_line(
            state,
            Some(&state.runtime.sessions),
            "sessions",
            Some("invoke a runtime (enter on :rt) to start one"),
            filter_of(cursor),
        ),
    };
    list.render(frame, area, theme, |i, theme| {
        let Some(s) = sessions.get(i) else {
            return Vec::new();
        };
        let state_style = match s.state.as_str() {
            "HEALTHY" | "ACTIVE" => theme.success,
            "BUSY" | "STARTING" => theme.warning,
            _ => theme.muted,
        };
        vec![
            Cell::from(s.runtime_session_id.clone()),
            Cell::from(s.agent_runtime_id.clone()),
            Cell::from(s.state.clone()).style(state_style),
            Cell::from(s.execution.clone()),
            Cell::from(duration(s.age_seconds)),
            Cell::from(duration(s.idle_seconds)),
            Cell::from(s.invocations.to_string()),
            Cell::from(
                s.cpu_seconds
                    .map(|c| format!("{c:.2}s"))
                    .unwrap_or_default(),
            ),
            Cell::from(
                s.memory_bytes
                    .map(|m| format!("{:.1} MiB", m as f64 / 1_048_576.0))
                    .unwrap_or_default(),
            ),
        ]
    });
}

const DETAIL_COLUMNS: &[Column] = &[Column::new("SESSION", 10, 0)];

pub(crate) fn render_detail(
    state: &AppState,
    session_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let lines = session_detail_lines(state, session_id);
    let theme = &state.theme;
    let list = ListView {
        title: format!("session {session_id}"),
        columns: DETAIL_COLUMNS,
        cursor,
        total: lines.len(),
        wide: state.wide,
        empty: Line::raw(""),
    };
    list.render(frame, area, theme, |i, theme| {
        let text = lines.get(i).cloned().unwrap_or_default();
        let style = if text.starts_with("# ") {
            theme.accent.add_modifier(Modifier::BOLD)
        } else {
            theme.base
        };
        vec![Cell::from(text).style(style)]
    });
}
