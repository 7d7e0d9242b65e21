//! Drawing pieces the shell and several features share. All take
//! `&AppState` (or parts) and never mutate.

pub(crate) mod confirm;
pub(crate) mod footer;
pub(crate) mod header;
pub(crate) mod help;
pub(crate) mod list_view;
pub(crate) mod palette_popup;

use ratatui::layout::{Constraint, Flex, Layout, Rect};

/// A rectangle of at most `width`×`height` centred in `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}
