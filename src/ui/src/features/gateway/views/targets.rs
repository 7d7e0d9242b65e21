//! The targets of one gateway.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Cell;

use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{ListView, empty_line};

const COLUMNS: &[(&str, Constraint)] = &[
    ("NAME", Constraint::Min(14)),
    ("ID", Constraint::Length(10)),
    ("TYPE", Constraint::Length(10)),
    ("STATUS", Constraint::Length(9)),
    ("TOOLS", Constraint::Length(5)),
    ("ENDPOINT", Constraint::Min(20)),
];

pub(crate) fn render(
    state: &AppState,
    gateway_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let data = state.gateway.targets.get(gateway_id);
    let targets = data
        .and_then(|d| d.loaded())
        .map(Vec::as_slice)
        .unwrap_or_default();
    let list = ListView {
        title: format!("targets({})", state.gateway.name_of(gateway_id)),
        columns: COLUMNS,
        cursor,
        total: targets.len(),
        empty: empty_line(state, data, "targets", !cursor.filter.is_empty()),
    };
    let theme = &state.theme;
    list.render(frame, area, theme, |i| {
        let t = &targets[i];
        let tools = match (&t.tools_note, t.tools.len()) {
            (Some(_), 0) => "-".to_string(),
            (_, n) => n.to_string(),
        };
        let endpoint = t
            .endpoint
            .clone()
            .or_else(|| t.tools_note.clone())
            .unwrap_or_default();
        vec![
            Cell::from(t.name.clone()),
            Cell::from(t.id.clone()),
            Cell::from(t.target_type.label().to_string()),
            Cell::from(t.status.clone()).style(if t.status == "READY" {
                theme.success
            } else {
                theme.warning
            }),
            Cell::from(tools),
            Cell::from(endpoint).style(theme.muted),
        ]
    });
}
