//! Suggestions above the footer while typing a `:` command.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::shell::palette;
use crate::shell::state::AppState;

/// Draws the suggestions for `text` at the bottom of `body`.
pub(crate) fn render(state: &AppState, text: &str, selected: usize, frame: &mut Frame, body: Rect) {
    let theme = &state.theme;
    let entries = palette::suggestions(text);
    if entries.is_empty() {
        return;
    }
    // Each column as wide as its widest entry, two blanks between.
    let name_width = entries
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let alias_width = entries
        .iter()
        .map(|e| e.aliases.join(" ").chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let about_width = entries
        .iter()
        .map(|e| e.about.chars().count())
        .max()
        .unwrap_or(0);
    let wanted = 1 + name_width + alias_width + about_width + 2;
    let height = (entries.len() as u16 + 2).min(body.height);
    let width = u16::try_from(wanted).unwrap_or(u16::MAX).min(body.width);
    let rect = Rect {
        x: body.x,
        y: body.bottom().saturating_sub(height),
        width,
        height,
    };
    let lines: Vec<Line> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let style = if i == selected {
                theme.selection
            } else {
                theme.base
            };
            Line::from(vec![
                Span::styled(format!(" {:<name_width$}", e.name), style),
                Span::styled(
                    format!("{:<alias_width$}", e.aliases.join(" ")),
                    theme.muted,
                ),
                Span::raw(e.about),
            ])
        })
        .collect();
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(" commands ");
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
