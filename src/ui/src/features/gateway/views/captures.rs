//! A gateway's captured tool calls, newest first: when, which tool, who
//! called, how it ended, what the policy engine decided, how long it took.
//! `o` and `D` narrow it by outcome and decision; the title shows them.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::features::gateway::capture_list::in_view;
use crate::shell::loadable::Loadable;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

const COLUMNS: &[Column] = &[
    // TIME is as wide as its `10:00:00`: it is never cut.
    Column::new("TIME", 8, 1),
    Column::new("TOOL", 12, 0),
    Column::new("CALLER", 8, 1),
    Column::new("OUTCOME", 10, 1),
    Column::new("DECISION", 8, 2),
    Column::new("LATENCY", 7, 3),
];

pub(crate) fn render(
    state: &AppState,
    gateway_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &state.theme;
    let loaded = state
        .gateway
        .captures
        .get(gateway_id)
        .and_then(Loadable::loaded);
    let rows = loaded.map(|l| l.rows.as_slice()).unwrap_or_default();
    let note = loaded
        .and_then(|l| l.note.as_deref())
        .map(|n| format!(" · {n}"))
        .unwrap_or_default();
    let tags = state.gateway.capture_filters.tags();
    let shown_tags: String = tags.iter().map(|t| format!(" <{t}>")).collect();
    // `o` and `D` hide rows as `/` does: the empty list names them all.
    let filters: Vec<String> = tags.into_iter().chain(filter_of(cursor)).collect();
    let list = ListView {
        title: format!(
            "captures({}){shown_tags}{note}",
            state.gateway.name_of(gateway_id)
        ),
        columns: COLUMNS,
        cursor,
        // Under `o` and `D`, the calls they keep.
        total: in_view(&state.gateway, gateway_id).len(),
        wide: state.wide,
        empty: empty_line(
            state,
            state.gateway.captures.get(gateway_id),
            "captured calls",
            Some("call a tool (c on a tool) and it shows here"),
            (!filters.is_empty()).then(|| filters.join(" ")),
        ),
    };
    list.render(frame, area, theme, |i, theme| {
        let Some(r) = rows.get(i) else {
            return Vec::new();
        };
        let outcome_style = match r.outcome.as_str() {
            "ok" => theme.success,
            "denied" => theme.warning,
            _ => theme.error,
        };
        vec![
            Cell::from(r.short_time()).style(theme.muted),
            Cell::from(r.tool.clone()),
            Cell::from(r.caller.clone()),
            Cell::from(r.outcome.clone()).style(outcome_style),
            Cell::from(r.decision_label()).style(match r.decision.as_deref() {
                Some("deny") => theme.warning,
                Some(_) => theme.success,
                None => theme.muted,
            }),
            Cell::from(format!("{:.1} ms", r.latency_ms)),
        ]
    });
}
