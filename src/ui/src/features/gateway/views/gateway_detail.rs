//! `d` on a gateway: every detail GetGateway returns.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::features::gateway::describe::gateway_lines;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line};

const COLUMNS: &[Column] = &[Column::new("FIELD", 18, 0), Column::new("VALUE", 20, 0)];

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
        wide: state.wide,
        empty: empty_line(state, Some(&state.gateway.list), "gateway", None, None),
    };
    let theme = &state.theme;
    list.render(frame, area, theme, |i, theme| {
        let (label, value) = &lines[i];
        vec![
            Cell::from(*label).style(theme.muted),
            Cell::from(value.clone()),
        ]
    });
}
