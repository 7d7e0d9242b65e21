//! `:ctx`: where the console can connect.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::Cell;

use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::ListView;

const COLUMNS: &[(&str, Constraint)] = &[
    ("", Constraint::Length(1)),
    ("CONTEXT", Constraint::Min(20)),
    ("DETAIL", Constraint::Min(20)),
];

pub(crate) fn render(state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
    let list = ListView {
        title: "contexts".into(),
        columns: COLUMNS,
        cursor,
        total: state.contexts.choices.len(),
        empty: Line::raw("loading contexts…"),
    };
    let theme = &state.theme;
    list.render(frame, area, theme, |i| {
        let c = &state.contexts.choices[i];
        vec![
            Cell::from(if c.current { "*" } else { "" }).style(theme.accent),
            Cell::from(c.label.clone()),
            Cell::from(c.detail.clone()).style(theme.muted),
        ]
    });
}
