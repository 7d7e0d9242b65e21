//! The policy studio's lists: a gateway's engine and its policies, and the
//! templates a new policy starts from.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Cell;

use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{ListView, empty_line};

const COLUMNS: &[(&str, Constraint)] = &[
    ("NAME", Constraint::Percentage(25)),
    ("STATUS", Constraint::Length(14)),
    ("MODE", Constraint::Length(9)),
    ("STATEMENT / REASONS", Constraint::Min(20)),
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
        empty: empty_line(
            state,
            state.policy.studio.get(gateway_id),
            "policies (n starts one from a template)",
            !cursor.filter.is_empty(),
        ),
    };
    list.render(frame, area, theme, |i| {
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

const TEMPLATE_COLUMNS: &[(&str, Constraint)] = &[
    ("TEMPLATE", Constraint::Percentage(60)),
    ("POLICY NAME", Constraint::Min(10)),
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
        empty: empty_line(
            state,
            state.policy.studio.get(gateway_id),
            "templates",
            !cursor.filter.is_empty(),
        ),
    };
    list.render(frame, area, &state.theme, |i| {
        let Some(t) = templates.get(i) else {
            return Vec::new();
        };
        vec![Cell::from(t.title.clone()), Cell::from(t.name.clone())]
    });
}
