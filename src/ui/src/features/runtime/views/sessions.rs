//! Every runtime session, refreshed live: state, runtime, age, idle time,
//! invocations, and CPU and memory when local; and one session's
//! lifecycle and log tail.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::Cell;

use crate::features::runtime::sessions::session_detail_lines;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{ListView, empty_line};

const COLUMNS: &[(&str, Constraint)] = &[
    ("SESSION", Constraint::Percentage(28)),
    ("RUNTIME", Constraint::Percentage(20)),
    ("STATE", Constraint::Length(9)),
    ("EXEC", Constraint::Length(9)),
    ("AGE", Constraint::Length(7)),
    ("IDLE", Constraint::Length(7)),
    ("CALLS", Constraint::Length(6)),
    ("CPU", Constraint::Length(8)),
    ("MEMORY", Constraint::Min(9)),
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
        empty: empty_line(
            state,
            Some(&state.runtime.sessions),
            "sessions (invoke a runtime to start one)",
            !cursor.filter.is_empty(),
        ),
    };
    list.render(frame, area, theme, |i| {
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

const DETAIL_COLUMNS: &[(&str, Constraint)] = &[("SESSION", Constraint::Min(10))];

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
        empty: Line::raw(""),
    };
    list.render(frame, area, theme, |i| {
        let text = lines.get(i).cloned().unwrap_or_default();
        let style = if text.starts_with("# ") {
            theme.accent.add_modifier(Modifier::BOLD)
        } else {
            theme.base
        };
        vec![Cell::from(text).style(style)]
    });
}
