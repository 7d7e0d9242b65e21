//! The one confirm dialog every destructive action goes through.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::shell::state::{AppState, Confirm};

/// Draws the dialog over `area`.
pub(crate) fn render(state: &AppState, confirm: &Confirm, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let rect = super::centered(area, 64, 8);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.error)
        .title(Span::styled(format!(" {} ", confirm.title), theme.error));
    let text = vec![
        Line::raw(confirm.question.clone()),
        Line::raw(""),
        Line::from(vec![
            Span::styled("  y", theme.key),
            Span::raw(" yes, do it    "),
            Span::styled("n/esc", theme.key),
            Span::raw(" no"),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .style(theme.base)
            .block(block),
        rect,
    );
}
