//! A tool's input schema as a readable tree: required fields marked, enums shown.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView};

const COLUMNS: &[Column] = &[
    Column::new("FIELD", 12, 0),
    Column::new("TYPE", 6, 1),
    Column::new("REQ", 3, 1),
    Column::new("ALLOWED / CONSTRAINTS", 10, 2),
    Column::new("DESCRIPTION", 10, 3),
];

pub(crate) fn render(
    state: &AppState,
    gateway_id: &str,
    tool: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &state.theme;
    let Some(t) = state.gateway.tool(gateway_id, tool) else {
        frame.render_widget(
            Paragraph::new(format!("tool {tool} is no longer in the catalog")).style(theme.error),
            area,
        );
        return;
    };
    let [about, tree] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    let head = vec![
        Line::from(vec![
            Span::styled(format!(" {} ", t.qualified_name), theme.accent),
            Span::styled(
                format!("target {} · tool {}", t.target, t.name),
                theme.muted,
            ),
        ]),
        Line::raw(format!(" {}", t.description)),
    ];
    frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: false }), about);
    let rows = state.gateway.schema_rows(gateway_id, tool);
    let list = ListView {
        title: "input schema".into(),
        columns: COLUMNS,
        cursor,
        total: rows.len(),
        wide: state.wide,
        empty: Line::raw("this tool takes no arguments"),
    };
    list.render(frame, tree, theme, |i, theme| {
        let r = &rows[i];
        let branch = if r.depth == 0 {
            String::new()
        } else {
            format!("{}└ ", "  ".repeat(r.depth - 1))
        };
        let allowed = if r.enum_values.is_empty() {
            r.constraints.join(" ")
        } else {
            format!("one of {}", r.enum_values.join(" | "))
        };
        vec![
            Cell::from(format!("{branch}{}", r.name)).style(if r.required {
                theme.accent
            } else {
                theme.base
            }),
            Cell::from(r.type_label.clone()),
            Cell::from(if r.required { "*" } else { "" }).style(theme.error),
            Cell::from(allowed).style(theme.warning),
            Cell::from(r.description.clone().unwrap_or_default()).style(theme.muted),
        ]
    });
}
