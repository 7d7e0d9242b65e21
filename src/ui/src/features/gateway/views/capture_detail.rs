//! One captured call in full, as indented JSON (`y` copies it).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::features::gateway::capture_list::detail_lines;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView};

const COLUMNS: &[Column] = &[Column::new("CAPTURED CALL", 10, 0)];

pub(crate) fn render(
    state: &AppState,
    gateway_id: &str,
    index: usize,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let lines = detail_lines(&state.gateway, gateway_id, index);
    let list = ListView {
        title: format!("capture({})", state.gateway.name_of(gateway_id)),
        columns: COLUMNS,
        cursor,
        total: lines.len(),
        wide: state.wide,
        empty: Line::raw("this capture is no longer loaded (esc, then ctrl-r)"),
    };
    list.render(frame, area, &state.theme, |i, _| {
        vec![Cell::from(lines.get(i).cloned().unwrap_or_default())]
    });
}
