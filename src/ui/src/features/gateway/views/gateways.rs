//! The gateways list.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Cell;

use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{ListView, empty_line};

const COLUMNS: &[(&str, Constraint)] = &[
    ("NAME", Constraint::Min(16)),
    ("ID", Constraint::Length(27)),
    ("STATUS", Constraint::Length(9)),
    ("AUTHORIZER", Constraint::Length(11)),
    ("PROTOCOL", Constraint::Length(8)),
    ("POLICY ENGINE", Constraint::Min(18)),
    ("TARGETS", Constraint::Length(7)),
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
        empty: empty_line(
            state,
            Some(&state.gateway.list),
            "gateways",
            !cursor.filter.is_empty(),
        ),
    };
    let theme = &state.theme;
    list.render(frame, area, theme, |i| {
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
