//! The bottom line: input being typed, else the message, else key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::shell::keymap::{self, keys_label};
use crate::shell::message::Level;
use crate::shell::state::{AppState, InputMode};

/// Draws the bottom line.
pub(crate) fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let line = match &state.input {
        InputMode::Filter => Line::from(vec![
            Span::styled("/", theme.key),
            Span::raw(state.screen().cursor.filter.text.clone()),
            Span::styled("▏", theme.accent),
            Span::styled("   enter keep · esc clear · ! inverts", theme.muted),
        ]),
        InputMode::Palette { text, .. } => Line::from(vec![
            Span::styled(":", theme.key),
            Span::raw(text.clone()),
            Span::styled("▏", theme.accent),
            Span::styled("   tab complete · enter run · esc cancel", theme.muted),
        ]),
        InputMode::Search { text } => Line::from(vec![
            Span::styled("search: ", theme.key),
            Span::raw(text.clone()),
            Span::styled("▏", theme.accent),
            Span::styled(
                "   enter asks the gateway's search tool · esc cancels",
                theme.muted,
            ),
        ]),
        InputMode::Normal => match &state.message {
            Some(m) => {
                let style = if m.level == Level::Error {
                    theme.error
                } else {
                    theme.success
                };
                let tag = if m.level == Level::Error {
                    "error: "
                } else {
                    ""
                };
                Line::from(vec![
                    Span::styled(format!(" {tag}{}", m.text), style),
                    Span::styled("  (esc dismisses)", theme.muted),
                ])
            }
            None => hints(state),
        },
    };
    frame.render_widget(Paragraph::new(line).style(theme.base), area);
}

/// The current view's own bindings, then the essentials.
fn hints(state: &AppState) -> Line<'static> {
    let theme = &state.theme;
    let own = state.screen().route.screens().bindings();
    let mut spans = vec![Span::raw(" ")];
    let essentials = keymap::GLOBAL.iter().filter(|b| {
        matches!(
            b.command,
            keymap::Command::Filter
                | keymap::Command::Palette
                | keymap::Command::Help
                | keymap::Command::Back
        )
    });
    for b in own.iter().chain(essentials) {
        spans.push(Span::styled(format!("<{}>", keys_label(b)), theme.key));
        spans.push(Span::styled(format!(" {}  ", b.hint), theme.muted));
    }
    Line::from(spans)
}
