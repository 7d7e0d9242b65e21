//! Reusable drawing pieces. All take `&AppState` (or parts) and never mutate.

pub mod confirm;
pub mod footer;
pub mod header;
pub mod help;
pub mod list_view;
pub mod palette_popup;

use ratatui::layout::{Constraint, Flex, Layout, Rect};

/// A rectangle of at most `width`×`height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}
