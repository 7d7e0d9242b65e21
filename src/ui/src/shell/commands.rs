//! What a key does: the overlays and the input line take it first, then
//! the screen's bindings turn it into a command, which the screen's feature
//! handles or leaves to the shell.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::features::policy;
use crate::shell::effect::Effect;
use crate::shell::input;
use crate::shell::keymap::{self, Command};
use crate::shell::message::{error, info};
use crate::shell::navigation::{back, move_by, reload};
use crate::shell::screens::Clip;
use crate::shell::state::{AppState, InputMode, Overlay};
use crate::widgets::help;

/// A key pressed (or repeated).
pub(crate) fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        quit(state);
        return Vec::new();
    }
    if let Some(overlay) = &state.overlay {
        return on_overlay_key(state, overlay.clone(), key);
    }
    match state.input.clone() {
        InputMode::Filter => return input::on_filter_key(state, key),
        InputMode::Palette { text, selected } => {
            return input::on_palette_key(state, key, text, selected);
        }
        InputMode::Search { text } => return input::on_search_key(state, key, text),
        InputMode::PolicyName { text } => return input::on_policy_name_key(state, key, text),
        InputMode::Normal => {}
    }
    let route = state.screen().route.clone();
    let screens = route.screens();
    if screens.typing() {
        return match keymap::lookup_while_typing(screens.bindings(), &key) {
            Some(command) => on_command(state, command),
            None => screens.on_typed(state, key),
        };
    }
    match keymap::lookup(screens.bindings(), &key) {
        Some(command) => on_command(state, command),
        None => Vec::new(),
    }
}

/// The confirm dialog answers to y and n; help closes.
fn on_overlay_key(state: &mut AppState, overlay: Overlay, key: KeyEvent) -> Vec<Effect> {
    match overlay {
        Overlay::Confirm(confirm) => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                state.overlay = None;
                answer_yes(state, confirm.on_yes)
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
                state.overlay = None;
                info(state, "cancelled".into());
                Vec::new()
            }
            _ => Vec::new(),
        },
        Overlay::Help => {
            on_help_key(state, key);
            Vec::new()
        }
    }
}

/// In help: the moving keys scroll it; esc, ?, f1, q and enter close it
/// (it opens at the top again).
fn on_help_key(state: &mut AppState, key: KeyEvent) {
    if matches!(
        key.code,
        KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter | KeyCode::F(1)
    ) {
        state.overlay = None;
        state.help_scroll = 0;
        return;
    }
    let page = help::page(state) as isize;
    match keymap::lookup(keymap::GLOBAL, &key) {
        Some(Command::Down) => scroll_help(state, 1),
        Some(Command::Up) => scroll_help(state, -1),
        Some(Command::PageDown) => scroll_help(state, page),
        Some(Command::PageUp) => scroll_help(state, -page),
        Some(Command::Top) => scroll_help(state, isize::MIN),
        Some(Command::Bottom) => scroll_help(state, isize::MAX),
        _ => {}
    }
}

/// Scrolls the help by `delta` lines, within its length.
pub(crate) fn scroll_help(state: &mut AppState, delta: isize) {
    state.help_scroll = state
        .help_scroll
        .saturating_add_signed(delta)
        .min(help::max_scroll(state));
}

/// A yes: its effect runs, or, when it needs no platform (discarding
/// unsaved edits), takes effect at once.
fn answer_yes(state: &mut AppState, effect: Effect) -> Vec<Effect> {
    if let Effect::Policy(job) = &effect
        && let Some(msg) = job.at_once()
    {
        return policy::update(state, msg);
    }
    vec![effect]
}

/// q, ctrl-c, `:q`: leave, after asking when unsaved edits would be lost.
pub(crate) fn quit(state: &mut AppState) {
    if !policy::ask_quit(state) {
        state.should_quit = true;
    }
}

/// A command: the screen's feature first, then the shell's own.
fn on_command(state: &mut AppState, command: Command) -> Vec<Effect> {
    let route = state.screen().route.clone();
    if let Some(effects) = route.screens().on_command(state, command) {
        return effects;
    }
    let page = state.list_height().max(1) as isize;
    match command {
        Command::Down => move_by(state, 1),
        Command::Up => move_by(state, -1),
        Command::PageDown => move_by(state, page),
        Command::PageUp => move_by(state, -page),
        Command::Top => move_by(state, isize::MIN / 2),
        Command::Bottom => move_by(state, isize::MAX / 2),
        Command::Filter => state.input = InputMode::Filter,
        Command::Palette => {
            state.input = InputMode::Palette {
                text: String::new(),
                selected: 0,
            }
        }
        Command::Help => state.overlay = Some(Overlay::Help),
        Command::Quit => quit(state),
        Command::Back => back(state),
        Command::Refresh => return reload(state),
        Command::Copy => return copy(state),
        Command::Wide => state.wide = !state.wide,
        Command::Open => {
            if let Some(index) = state.screen().cursor.selected_item() {
                return route.screens().open(state, index);
            }
        }
        // Screens that have these answer them above.
        Command::Delete
        | Command::Gateway(_)
        | Command::Policy(_)
        | Command::Runtime(_)
        | Command::Memory(_)
        | Command::Traces(_) => {}
    }
    Vec::new()
}

/// `y`: what the screen offers goes to the clipboard.
fn copy(state: &mut AppState) -> Vec<Effect> {
    let screen = state.screen();
    match screen
        .route
        .screens()
        .copy(state, screen.cursor.selected_item())
    {
        // The runner performs the copy and reports `Copied`.
        Clip::Text(text) => return vec![Effect::Copy(text)],
        Clip::Nothing(why) => info(state, why.into()),
        Clip::Unwritable(e) => error(state, format!("cannot render JSON: {e}")),
    }
    Vec::new()
}
