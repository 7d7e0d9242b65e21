//! The bottom line while something is typed into it: the list's filter, a
//! `:` command, or a query for the gateway's search tool.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::features::gateway;
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::navigation::refresh_from_top;
use crate::shell::palette;
use crate::shell::state::{AppState, InputMode};

/// A key while the filter is typed: the list narrows as it changes.
pub(crate) fn on_filter_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let cursor = &mut state.screen_mut().cursor;
    match key.code {
        KeyCode::Enter => state.input = InputMode::Normal,
        KeyCode::Esc => {
            cursor.filter = FilterQuery::default();
            state.input = InputMode::Normal;
        }
        KeyCode::Backspace => {
            cursor.filter.text.pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            cursor.filter.text.push(c)
        }
        _ => return Vec::new(),
    }
    refresh_from_top(state);
    Vec::new()
}

/// A key while a `:` command is typed: suggestions follow, tab completes,
/// enter runs.
pub(crate) fn on_palette_key(
    state: &mut AppState,
    key: KeyEvent,
    mut text: String,
    mut selected: usize,
) -> Vec<Effect> {
    let count = palette::suggestions(&text).len();
    match key.code {
        KeyCode::Esc => {
            state.input = InputMode::Normal;
            return Vec::new();
        }
        KeyCode::Enter => {
            state.input = InputMode::Normal;
            // An incomplete word runs the highlighted suggestion, with the
            // argument typed after it.
            let line = match palette::parse(&text) {
                Ok(_) => text,
                Err(_) => match palette::suggestions(&text).get(selected) {
                    Some(entry) if !text.trim().is_empty() => palette::with_command(&text, entry),
                    _ => text,
                },
            };
            return palette::run(state, &line);
        }
        KeyCode::Tab => {
            let names = |command| palette::argument_names(state, command);
            let completion = palette::complete(&text, selected, &names);
            if completion.text != text {
                text = completion.text;
                selected = 0;
            }
        }
        KeyCode::Down => selected = (selected + 1).min(count.saturating_sub(1)),
        KeyCode::Up => selected = selected.saturating_sub(1),
        KeyCode::Backspace => {
            if text.pop().is_none() {
                state.input = InputMode::Normal;
                return Vec::new();
            }
            selected = 0;
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.push(c);
            selected = 0;
        }
        _ => {}
    }
    state.input = InputMode::Palette { text, selected };
    Vec::new()
}

/// What a key does to a one-line input.
enum LineEdit {
    /// esc: the input is dropped.
    Cancel,
    /// enter: the text is done.
    Submit(String),
    /// Anything else: the text as it now stands.
    Typing(String),
}

/// Applies `key` to a one-line input's `text`.
fn edit_line(key: KeyEvent, mut text: String) -> LineEdit {
    match key.code {
        KeyCode::Esc => return LineEdit::Cancel,
        KeyCode::Enter => return LineEdit::Submit(text),
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => text.push(c),
        _ => {}
    }
    LineEdit::Typing(text)
}

/// A key while a search query is typed; enter asks the gateway.
pub(crate) fn on_search_key(state: &mut AppState, key: KeyEvent, text: String) -> Vec<Effect> {
    state.input = InputMode::Normal;
    match edit_line(key, text) {
        LineEdit::Cancel => Vec::new(),
        LineEdit::Submit(text) => gateway::tool_catalog::search_typed(state, text),
        LineEdit::Typing(text) => {
            state.input = InputMode::Search { text };
            Vec::new()
        }
    }
}

/// A key while the new policy's name is typed; enter names it.
pub(crate) fn on_policy_name_key(state: &mut AppState, key: KeyEvent, text: String) -> Vec<Effect> {
    state.input = InputMode::Normal;
    match edit_line(key, text) {
        LineEdit::Cancel => {}
        LineEdit::Submit(text) => crate::features::policy::studio::name_typed(state, &text),
        LineEdit::Typing(text) => state.input = InputMode::PolicyName { text },
    }
    Vec::new()
}
