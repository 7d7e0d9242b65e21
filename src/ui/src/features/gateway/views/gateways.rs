//! The gateways list.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

const COLUMNS: &[Column] = &[
    Column::new("NAME", 10, 0),
    Column::new("ID", 12, 2).id(),
    Column::new("STATUS", 6, 1),
    Column::new("AUTHORIZER", 10, 3),
    Column::new("PROTOCOL", 8, 4),
    Column::new("POLICY ENGINE", 10, 3),
    Column::new("TARGETS", 7, 2),
];

pub(crate) fn render(state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
    let gateways = state
        .gateway
        .list
        .loaded()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let list = ListView {
        title: "gateways".into(),
        columns: COLUMNS,
        cursor,
        total: gateways.len(),
        wide: state.wide,
        empty: empty_line(
            state,
            Some(&state.gateway.list),
            "gateways",
            None,
            filter_of(cursor),
        ),
    };
    let theme = &state.theme;
    list.render(frame, area, theme, |i, theme| {
        let g = &gateways[i];
        let status_style = match g.status.as_str() {
            "READY" => theme.success,
            "FAILED" | "UPDATE_UNSUCCESSFUL" => theme.error,
            _ => theme.warning,
        };
        vec![
            Cell::from(g.name.clone()),
            Cell::from(g.id.clone()),
            Cell::from(g.status.clone()).style(status_style),
            Cell::from(g.authorizer_type.clone()),
            Cell::from(g.protocol_type.clone()),
            Cell::from(
                g.policy_engine
                    .as_ref()
                    .map(|p| format!("{} ({})", p.short_name(), p.mode))
                    .unwrap_or_else(|| "-".into()),
            ),
            Cell::from(
                g.target_count
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "?".into()),
            ),
        ]
    });
}
