//! `d` on a gateway: every detail GetGateway returns.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Cell;

use crate::features::gateway::describe::gateway_lines;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{ListView, empty_line};

const COLUMNS: &[(&str, Constraint)] = &[
    ("FIELD", Constraint::Length(18)),
    ("VALUE", Constraint::Min(20)),
];

pub(crate) fn render(
    state: &AppState,
    gateway_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let lines = state
        .gateway
        .find(gateway_id)
        .map(gateway_lines)
        .unwrap_or_default();
    let list = ListView {
        title: format!("describe {}", state.gateway.name_of(gateway_id)),
        columns: COLUMNS,
        cursor,
        total: lines.len(),
        empty: empty_line(state, Some(&state.gateway.list), "gateway", false),
    };
    let theme = &state.theme;
    list.render(frame, area, theme, |i| {
        let (label, value) = &lines[i];
        vec![
            Cell::from(*label).style(theme.muted),
            Cell::from(value.clone()),
        ]
    });
}
