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
    let height = (entries.len() as u16 + 2).min(body.height);
    let width = 66.min(body.width);
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
                Span::styled(format!(" {:<9}", e.name), style),
                Span::styled(format!("{:<16}", e.aliases.join(" ")), theme.muted),
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
