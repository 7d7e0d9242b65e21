//! The policy studio's lists: a gateway's engine and its policies, and the
//! templates a new policy starts from.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

const COLUMNS: &[Column] = &[
    Column::new("NAME", 12, 0),
    Column::new("STATUS", 7, 1),
    Column::new("MODE", 4, 2),
    Column::new("STATEMENT / REASONS", 10, 3),
];

pub(crate) fn render(
    state: &AppState,
    gateway_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &state.theme;
    let data = state.policy.studio_of(gateway_id);
    let policies = data.map(|d| d.policies.as_slice()).unwrap_or_default();
    let title = match data {
        Some(d) => format!(
            "policies({} · engine {} · {})",
            state.gateway.name_of(gateway_id),
            d.engine_name,
            d.mode
        ),
        None => format!("policies({})", state.gateway.name_of(gateway_id)),
    };
    let list = ListView {
        title,
        columns: COLUMNS,
        cursor,
        total: policies.len(),
        wide: state.wide,
        empty: empty_line(
            state,
            state.policy.studio.get(gateway_id),
            "policies",
            Some("n starts one from a template"),
            filter_of(cursor),
        ),
    };
    list.render(frame, area, theme, |i, theme| {
        let Some(p) = policies.get(i) else {
            return Vec::new();
        };
        let status_style = if p.status.ends_with("FAILED") {
            theme.error
        } else if p.status == "ACTIVE" {
            theme.success
        } else {
            theme.warning
        };
        let summary = if p.status_reasons.is_empty() {
            p.statement.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            p.status_reasons.join("; ")
        };
        vec![
            Cell::from(p.name.clone()),
            Cell::from(p.status.clone()).style(status_style),
            Cell::from(p.enforcement_mode.clone()),
            Cell::from(summary).style(theme.muted),
        ]
    });
}

const TEMPLATE_COLUMNS: &[Column] = &[
    Column::new("TEMPLATE", 10, 0),
    Column::new("POLICY NAME", 10, 1),
];

pub(crate) fn render_templates(
    state: &AppState,
    gateway_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let templates = state
        .policy
        .studio_of(gateway_id)
        .map(|d| d.templates.as_slice())
        .unwrap_or_default();
    let list = ListView {
        title: format!("new policy({})", state.gateway.name_of(gateway_id)),
        columns: TEMPLATE_COLUMNS,
        cursor,
        total: templates.len(),
        wide: state.wide,
        empty: empty_line(
            state,
            state.policy.studio.get(gateway_id),
            "templates",
            None,
            filter_of(cursor),
        ),
    };
    list.render(frame, area, &state.theme, |i, _| {
        let Some(t) = templates.get(i) else {
            return Vec::new();
        };
        vec![Cell::from(t.title.clone()), Cell::from(t.name.clone())]
    });
}
