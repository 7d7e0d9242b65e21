//! `:ctx`: where the console can connect.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView};

const COLUMNS: &[Column] = &[
    Column::new("", 1, 0),
    Column::new("CONTEXT", 10, 0),
    Column::new("DETAIL", 10, 1),
];

pub(crate) fn render(state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
    let list = ListView {
        title: "contexts".into(),
        columns: COLUMNS,
        cursor,
        total: state.contexts.choices.len(),
        wide: state.wide,
        empty: Line::raw("loading contexts…"),
    };
    let theme = &state.theme;
    list.render(frame, area, theme, |i, theme| {
        let c = &state.contexts.choices[i];
        vec![
            Cell::from(if c.current { "*" } else { "" }).style(theme.accent),
            Cell::from(c.label.clone()),
            Cell::from(c.detail.clone()).style(theme.muted),
        ]
    });
}
