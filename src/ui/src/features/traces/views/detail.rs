//! One span's detail: its lines coloured by tone (roles of the
//! conversation, the decision), in a list that scrolls and filters.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::features::traces::detail::span_lines;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

const COLUMNS: &[Column] = &[Column::new("", 20, 0)];

pub(crate) fn render(
    state: &AppState,
    trace_id: &str,
    span_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let trace = state.traces.trace(trace_id);
    let lines = trace.map(|t| span_lines(t, span_id)).unwrap_or_default();
    let title = trace.and_then(|t| t.span(t.row_of(span_id)?)).map_or_else(
        || format!("span {span_id}"),
        |s| format!("span {} · {span_id}", s.name),
    );
    let list = ListView {
        title,
        columns: COLUMNS,
        cursor,
        total: lines.len(),
        wide: state.wide,
        empty: empty_line(
            state,
            state.traces.open.get(trace_id),
            "the span",
            None,
            filter_of(cursor),
        ),
    };
    list.render(frame, area, &state.theme, |i, theme| {
        lines
            .get(i)
            .map(|l| vec![Cell::from(l.text.clone()).style(l.tone.style(theme))])
            .unwrap_or_default()
    });
}
