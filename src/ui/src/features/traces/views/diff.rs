//! Two traces aligned span by span: added spans `+`, removed `−`, and per
//! aligned span the latency and token deltas; the totals in the title.

use acc_domain::traces::DiffRow;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::features::traces::state::OpenTrace;
use crate::features::traces::views::format::{delta, duration};
use crate::shell::state::{AppState, ListCursor};
use crate::theme::Theme;
use crate::widgets::list_view::{Cell, Column, ListView, empty_line};

const COLUMNS: &[Column] = &[
    Column::new("", 1, 0),
    Column::new("SPAN", 20, 0),
    Column::new("LEFT", 8, 1),
    Column::new("RIGHT", 8, 1),
    Column::new("Δ LATENCY", 9, 0),
    Column::new("Δ TOKENS", 8, 0),
];

/// The first characters of a trace id.
fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// How a token delta reads.
fn tokens(delta: i64) -> String {
    match delta {
        0 => "=".into(),
        d if d > 0 => format!("+{d}"),
        d => d.to_string(),
    }
}

pub(crate) fn render(
    state: &AppState,
    left: &str,
    right: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let tr = &state.traces;
    let diff = tr.diffs.get(&(left.to_owned(), right.to_owned()));
    let (l, r) = (tr.trace(left), tr.trace(right));
    let title = match diff {
        Some(d) => format!(
            "Δ {} · Δ {} tokens · +{} −{} spans · {} → {}",
            delta(d.latency_delta_nano),
            tokens(d.token_delta),
            d.added,
            d.removed,
            short(left),
            short(right),
        ),
        None => format!("diff {} → {}", short(left), short(right)),
    };
    let pending = match (tr.open.get(left), tr.open.get(right)) {
        (Some(a), _) if a.loaded().is_none() => Some(a),
        (_, b) => b,
    };
    let list = ListView {
        title,
        columns: COLUMNS,
        cursor,
        total: diff.map_or(0, |d| d.rows.len()),
        wide: state.wide,
        empty: empty_line(state, pending, "the traces", None, None),
    };
    let rows = diff.map(|d| d.rows.as_slice()).unwrap_or_default();
    list.render(frame, area, &state.theme, |i, theme| match rows.get(i) {
        Some(row) => cells(row, l, r, theme),
        None => Vec::new(),
    });
}

/// One aligned row's cells.
fn cells(row: &DiffRow, l: Option<&OpenTrace>, r: Option<&OpenTrace>, theme: &Theme) -> Vec<Cell> {
    let left = row.left.and_then(|i| l?.span(i));
    let right = row.right.and_then(|i| r?.span(i));
    let (mark, style) = match (left, right) {
        (None, Some(_)) => ("+", theme.success),
        (Some(_), None) => ("−", theme.error),
        _ => (" ", theme.base),
    };
    let name = right.or(left).map_or("", |s| s.name.as_str());
    let dur = |s: Option<&acc_domain::traces::TraceSpan>| {
        s.map_or_else(String::new, |s| duration(s.duration_nano()))
    };
    let latency = row.latency_delta_nano.map_or_else(String::new, delta);
    let latency_style = match row.latency_delta_nano {
        Some(d) if d > 0 => theme.warning,
        Some(d) if d < 0 => theme.success,
        _ => theme.muted,
    };
    vec![
        Cell::from(mark).style(style),
        Cell::from(format!("{}{name}", "  ".repeat(usize::from(row.depth)))).style(style),
        Cell::from(dur(left)),
        Cell::from(dur(right)),
        Cell::from(latency).style(latency_style),
        Cell::from(row.token_delta.map_or_else(String::new, tokens)),
    ]
}
