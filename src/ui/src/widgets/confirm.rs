//! The one confirm dialog every destructive action goes through.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::shell::state::{AppState, Confirm};

/// Detail lines shown at most; the rest are counted.
const MOST_DETAIL: usize = 16;

/// Draws the dialog over `area`.
pub(crate) fn render(state: &AppState, confirm: &Confirm, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let mut lines = confirm.question.lines();
    let question = lines.next().unwrap_or_default().to_owned();
    let detail: Vec<&str> = lines.collect();
    let mut shown: Vec<Line> = detail
        .iter()
        .take(MOST_DETAIL)
        .map(|l| {
            let style = match l.get(..2) {
                Some("+ ") => theme.success,
                Some("- ") => theme.error,
                _ => theme.muted,
            };
            Line::styled(l.to_string(), style)
        })
        .collect();
    if detail.len() > MOST_DETAIL {
        shown.push(Line::styled(
            format!("… {} more lines", detail.len() - MOST_DETAIL),
            theme.muted,
        ));
    }
    let width = if detail.is_empty() { 64 } else { 90 };
    let height = 8 + shown.len() as u16 + u16::from(!shown.is_empty());
    let rect = super::centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.error)
        .title(Span::styled(format!(" {} ", confirm.title), theme.error));
    let mut text = vec![Line::raw(question)];
    if !shown.is_empty() {
        text.push(Line::raw(""));
        text.extend(shown);
    }
    text.extend([
        Line::raw(""),
        Line::from(vec![
            Span::styled("  y", theme.key),
            Span::raw(" yes, do it    "),
            Span::styled("n/esc", theme.key),
            Span::raw(" no"),
        ]),
    ]);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .style(theme.base)
            .block(block),
        rect,
    );
}
