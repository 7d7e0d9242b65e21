//! A gateway's tool catalog: `Target___tool` names and descriptions.

use acc_domain::ToolSource;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::shell::loadable::Loadable;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

const COLUMNS: &[Column] = &[
    Column::new("NAME", 16, 0),
    Column::new("SOURCE", 6, 2),
    Column::new("DESCRIPTION", 10, 1),
];

pub(crate) fn render(
    state: &AppState,
    gateway_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let list = ListView {
        title: title(state, gateway_id),
        columns: COLUMNS,
        cursor,
        total: state.gateway.catalog_len(gateway_id),
        wide: state.wide,
        empty: empty_line(
            state,
            state.gateway.targets.get(gateway_id),
            "tools",
            None,
            filter_of(cursor),
        ),
    };
    let theme = &state.theme;
    list.render(frame, area, theme, |i, theme| {
        let Some(t) = state.gateway.catalog_tool(gateway_id, i) else {
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

/// `tools(gw) · via MCP, 3 pages` / `· target schemas` / the active search.
fn title(state: &AppState, gateway_id: &str) -> String {
    let name = state.gateway.name_of(gateway_id);
    let source = match state.gateway.mcp.get(gateway_id) {
        Some(Loadable::Loaded(c)) => format!(
            "via MCP, {} page{}",
            c.pages,
            if c.pages == 1 { "" } else { "s" }
        ),
        Some(Loadable::Loading { .. }) => "listing through MCP…".into(),
        Some(Loadable::Failed(_)) => "target schemas (MCP listing failed)".into(),
        _ => "target schemas".into(),
    };
    let search = match state.gateway.tool_search.get(gateway_id) {
        Some(s) => match &s.hits {
            Loadable::Loaded(hits) => {
                format!(
                    " · search \"{}\": {} hits, lexical (esc clears)",
                    s.query,
                    hits.len()
                )
            }
            Loadable::Loading { .. } => format!(" · searching \"{}\"…", s.query),
            Loadable::Failed(_) => format!(" · search \"{}\" failed", s.query),
            Loadable::NotLoaded => String::new(),
        },
        None => String::new(),
    };
    format!("tools({name}) · {source}{search}")
}
