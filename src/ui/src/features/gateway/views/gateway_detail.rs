//! `d` on a gateway: every detail GetGateway returns.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Cell;

use crate::features::gateway::describe::gateway_lines;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::ListView;

const COLUMNS: &[(&str, Constraint)] = &[
    ("FIELD", Constraint::Length(18)),
    ("VALUE", Constraint::Min(20)),
];

pub fn render(
    state: &AppState,
    gateway_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let lines = state
        .gateway(gateway_id)
        .map(gateway_lines)
        .unwrap_or_default();
    let list = ListView {
        title: format!("describe {}", state.gateway_name(gateway_id)),
        columns: COLUMNS,
        cursor,
        total: lines.len(),
        empty: crate::shell::view::empty_line(state, Some(&state.gateways), "gateway", false),
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
