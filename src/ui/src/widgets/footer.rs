//! The bottom line: input being typed, else the message, else key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::shell::keymap::{self, keys_label};
use crate::shell::message::Level;
use crate::shell::palette;
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
        InputMode::Palette { text, .. } => {
            // While an argument is typed, the names it fits.
            let fits = palette::argument_hint(state, text);
            let hint = if fits.is_empty() {
                "   tab complete · enter run · esc cancel".to_string()
            } else {
                format!("   tab: {}", fits.join(" · "))
            };
            Line::from(vec![
                Span::styled(":", theme.key),
                Span::raw(text.clone()),
                Span::styled("▏", theme.accent),
                Span::styled(hint, theme.muted),
            ])
        }
        InputMode::PolicyName { text } => Line::from(vec![
            Span::styled("name: ", theme.key),
            Span::raw(text.clone()),
            Span::styled("▏", theme.accent),
            Span::styled("   enter names the new policy · esc cancels", theme.muted),
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
            None => hints(state, area.width as usize),
        },
    };
    frame.render_widget(Paragraph::new(line).style(theme.base), area);
}

/// The current view's own bindings, then the essentials. An editor types
/// `/`, `:` and `?` as text, so it shows only the keys it honours. When the
/// line is short, the view's last own hints go first: help (which lists
/// them all) and back stay visible at any width.
fn hints(state: &AppState, width: usize) -> Line<'static> {
    let theme = &state.theme;
    let screens = state.screen().route.screens();
    let typing = screens.typing();
    let essentials = keymap::GLOBAL.iter().filter(|b| match b.command {
        keymap::Command::Help | keymap::Command::Back => true,
        keymap::Command::Filter | keymap::Command::Palette => !typing,
        _ => false,
    });
    let own = screens
        .bindings()
        .iter()
        .filter(|b| !b.hint.is_empty())
        .map(|b| (b, false));
    let mut hints: Vec<(String, &str, bool)> = Vec::new();
    for (b, essential) in own.chain(essentials.map(|b| (b, true))) {
        // The essentials by their first key (`?`, f1 in an editor).
        let first = if typing {
            keymap::editor_keys(b).first().copied()
        } else if essential {
            b.keys.first()
        } else {
            None
        };
        let label = match first {
            Some(key) => keymap::key_label(key),
            None if typing => continue,
            None => keys_label(b),
        };
        hints.push((format!("<{label}>"), b.hint, essential));
    }
    // Each hint is `<key> hint` and two spaces; the last one's spaces may
    // fall off the edge.
    let used = |hints: &[(String, &str, bool)]| -> usize {
        1 + hints
            .iter()
            .map(|(key, hint, _)| key.chars().count() + hint.chars().count() + 3)
            .sum::<usize>()
            .saturating_sub(2)
    };
    while used(&hints) > width {
        match hints.iter().rposition(|(_, _, essential)| !essential) {
            Some(last_own) => hints.remove(last_own),
            None => break,
        };
    }
    let mut spans = vec![Span::raw(" ")];
    for (key, hint, _) in hints {
        spans.push(Span::styled(key, theme.key));
        spans.push(Span::styled(format!(" {hint}  "), theme.muted));
    }
    Line::from(spans)
}
