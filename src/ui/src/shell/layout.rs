//! Screen geometry shared by drawing and by `update` (which must know how
//! many rows are visible to keep the selection on screen).

use ratatui::layout::{Constraint, Layout, Rect};

/// Rows used by the header (context line + breadcrumbs).
pub const HEADER_ROWS: u16 = 2;
/// Rows used by the footer (hints, messages, input).
pub const FOOTER_ROWS: u16 = 1;

/// The three bands of the screen.
pub struct Bands {
    /// The context line and the breadcrumbs.
    pub header: Rect,
    /// The screen.
    pub body: Rect,
    /// Hints, messages and input.
    pub footer: Rect,
}

/// The screen split into its three bands.
pub fn bands(area: Rect) -> Bands {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(HEADER_ROWS),
        Constraint::Min(0),
        Constraint::Length(FOOTER_ROWS),
    ])
    .areas(area);
    Bands {
        header,
        body,
        footer,
    }
}

/// Data rows visible in a list: the body minus its border and column header.
pub fn list_body_height(terminal_rows: u16) -> usize {
    terminal_rows.saturating_sub(HEADER_ROWS + FOOTER_ROWS + 2 + 1) as usize
}
