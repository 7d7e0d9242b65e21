//! `?` (f1 in editors): the current view's bindings and the global ones
//! (in an editor, the few it honours), from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::shell::keymap::{self, Command, keys_label};
use crate::shell::palette;
use crate::shell::state::AppState;

/// `label` then `words`, wrapped to the help's width under one another.
fn wrapped(
    label: &str,
    words: impl Iterator<Item = String>,
    style: ratatui::style::Style,
) -> Vec<Line<'static>> {
    let mut rows: Vec<String> = Vec::new();
    for word in words {
        match rows.last_mut() {
            Some(row) if row.chars().count() + word.chars().count() < usize::from(WIDTH) - 20 => {
                row.push_str(" · ");
                row.push_str(&word);
            }
            _ => rows.push(word),
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let label = if i == 0 { label } else { "" };
            Line::from(vec![
                Span::styled(format!("  {label:<14}"), style),
                Span::raw(row),
            ])
        })
        .collect()
}

/// The help box's width.
const WIDTH: u16 = 72;

/// The help's lines for the shown screen.
fn lines(state: &AppState) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let route = &state.screen().route;
    let mut lines = vec![Line::styled(
        format!("{} view", route.title()),
        theme.accent,
    )];
    let typing = route.screens().typing();
    // In an editor only the keys that can't be text act.
    let label = |b: &keymap::Binding| {
        if typing {
            keymap::join_labels(keymap::editor_keys(b).into_iter())
        } else {
            keys_label(b)
        }
    };
    let section = |lines: &mut Vec<Line>, bindings: &mut dyn Iterator<Item = &keymap::Binding>| {
        // A binding without help is another key of the line before
        // (the digits of collapse-to-depth).
        for b in bindings.filter(|b| !b.help.is_empty()) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<14}", label(b)), theme.key),
                Span::raw(b.help),
            ]));
        }
    };
    let own = route.screens().bindings();
    if own.is_empty() {
        lines.push(Line::styled("  (no keys of its own)", theme.muted));
    }
    section(&mut lines, &mut own.iter());
    lines.push(Line::raw(""));
    if typing {
        lines.push(Line::styled("in this editor", theme.accent));
        section(&mut lines, &mut keymap::editor_globals());
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "  other keys are typed as text, : / ? q included · esc or f1 closes",
            theme.muted,
        ));
    } else {
        lines.push(Line::styled("everywhere", theme.accent));
        // Moving around takes one wrapped entry, the other keys one line each.
        let moves = [
            Command::Down,
            Command::Up,
            Command::PageDown,
            Command::PageUp,
            Command::Top,
            Command::Bottom,
        ];
        let (movement, others): (Vec<_>, Vec<_>) = keymap::GLOBAL
            .iter()
            .partition(|b| moves.contains(&b.command));
        let words = movement
            .iter()
            .map(|b| format!("{} {}", keys_label(b), b.hint));
        lines.extend(wrapped("move", words, theme.key));
        section(&mut lines, &mut others.into_iter());
        let commands = palette::entries().map(|e| format!(":{}", e.name));
        lines.extend(wrapped("commands", commands, theme.key));
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "  mouse wheel scrolls · esc, ? or f1 closes",
            theme.muted,
        ));
    }
    lines
}

/// Lines of help shown at once in a terminal `rows` high (inside the borders).
fn shown_rows(rows: u16) -> usize {
    usize::from(rows.saturating_sub(2))
}

/// How far the help can scroll: its lines beyond what the terminal shows.
pub(crate) fn max_scroll(state: &AppState) -> usize {
    lines(state).len().saturating_sub(shown_rows(state.size.1))
}

/// Lines a page key moves the help by.
pub(crate) fn page(state: &AppState) -> usize {
    shown_rows(state.size.1).saturating_sub(1).max(1)
}

/// Draws the help over `area`, from line `state.help_scroll`; the title says
/// which lines show when they do not all fit.
pub(crate) fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let lines = lines(state);
    let total = lines.len();
    let height = u16::try_from(total).unwrap_or(u16::MAX).saturating_add(2);
    let rect = super::centered(area, WIDTH, height);
    let shown = shown_rows(rect.height);
    let scroll = state.help_scroll.min(total.saturating_sub(shown));
    let title = if shown < total {
        format!(
            " help · j/k/pgup/pgdn/g/G scroll {}-{}/{total} ",
            scroll + 1,
            (scroll + shown).min(total)
        )
    } else {
        " help ".to_owned()
    };
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(title);
    frame.render_widget(
        Paragraph::new(lines)
            .style(theme.base)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        rect,
    );
}
