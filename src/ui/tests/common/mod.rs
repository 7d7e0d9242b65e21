//! What the view tests share: the screen drawn on a `TestBackend`, as text.

use acc_ui::shell::{AppState, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// The screen drawn at `width`×`height`, with its colours.
pub fn draw_at(state: &AppState, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view(state, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen drawn at `width`×`height`, as text (trailing spaces trimmed).
pub fn screen_text(state: &AppState, width: u16, height: u16) -> String {
    let buffer = draw_at(state, width, height);
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
