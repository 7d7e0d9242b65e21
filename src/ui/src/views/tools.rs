//! A gateway's tool catalog: `Target___tool` names and descriptions.

use acc_domain::ToolSource;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Cell;

use crate::state::{AppState, ListCursor};
use crate::widgets::list_view::ListView;

const COLUMNS: &[(&str, Constraint)] = &[
    ("NAME", Constraint::Percentage(38)),
    ("SOURCE", Constraint::Length(6)),
    ("DESCRIPTION", Constraint::Min(20)),
];

pub fn render(
    state: &AppState,
    gateway_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let list = ListView {
        title: format!("tools({})", state.gateway_name(gateway_id)),
        columns: COLUMNS,
        cursor,
        total: state.catalog_len(gateway_id),
        empty: super::empty_line(
            state,
            state.targets.get(gateway_id),
            "tools",
            !cursor.filter.is_empty(),
        ),
    };
    let theme = &state.theme;
    list.render(frame, area, theme, |i| {
        let Some(t) = state.catalog_tool(gateway_id, i) else {
            return Vec::new();
        };
        let source = match t.source {
            ToolSource::TargetSchema => "schema",
            ToolSource::Mcp => "mcp",
        };
        vec![
            Cell::from(t.qualified_name.clone()),
            Cell::from(source).style(theme.muted),
            Cell::from(t.description.clone()),
        ]
    });
}
