//! `view(&state, frame)`: draws the whole console from state, mutating
//! nothing. The shell draws the header, the footer and the overlays; the
//! screen's feature draws the body.

use ratatui::Frame;

use crate::shell::layout;
use crate::shell::state::{AppState, InputMode, Overlay};
use crate::widgets::{confirm, footer, header, help, palette_popup};

/// Draws one frame.
pub fn view(state: &AppState, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(
        ratatui::widgets::Block::default().style(state.theme.base),
        area,
    );
    let bands = layout::bands(area);
    header::render(state, frame, bands.header);
    let screen = state.screen();
    screen
        .route
        .screens()
        .render(state, &screen.cursor, frame, bands.body);
    footer::render(state, frame, bands.footer);
    if let InputMode::Palette { text, selected } = &state.input {
        palette_popup::render(state, text, *selected, frame, bands.body);
    }
    match &state.overlay {
        Some(Overlay::Help) => help::render(state, frame, area),
        Some(Overlay::Confirm(c)) => confirm::render(state, c, frame, area),
        None => {}
    }
}
