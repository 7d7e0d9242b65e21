//! `update(state, action) -> effects`: the only place state changes. The
//! shell handles input, ticks and the context switch, and hands each
//! feature's results to that feature.

use ratatui::crossterm::event::{KeyEventKind, MouseEventKind};

use crate::features::{context, gateway, memory, policy, runtime, traces};
use crate::shell::action::Action;
use crate::shell::commands::{on_key, scroll_help};
use crate::shell::effect::Effect;
use crate::shell::message::{self, error, info};
use crate::shell::navigation::{clamp_cursor, load_for_current, move_by, poll_due};
use crate::shell::route::Route;
use crate::shell::state::{AppState, Overlay, Screen};

/// Rows moved by one mouse wheel notch.
const WHEEL_ROWS: isize = 3;

/// Applies `action` and returns the effects to run.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    let seq_before = state.message_seq;
    let effects = dispatch(state, action);
    // A message stays with the screen it belongs to.
    message::follow_screen(state, seq_before);
    effects
}

/// The action, by kind and by feature.
fn dispatch(state: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Action::Key(_) => Vec::new(),
        Action::Mouse(m) if state.overlay == Some(Overlay::Help) => {
            match m.kind {
                MouseEventKind::ScrollDown => scroll_help(state, WHEEL_ROWS),
                MouseEventKind::ScrollUp => scroll_help(state, -WHEEL_ROWS),
                _ => {}
            }
            Vec::new()
        }
        Action::Mouse(m) => {
            match m.kind {
                MouseEventKind::ScrollDown => move_by(state, WHEEL_ROWS),
                MouseEventKind::ScrollUp => move_by(state, -WHEEL_ROWS),
                _ => {}
            }
            Vec::new()
        }
        Action::Resize(w, h) => {
            state.size = (w, h);
            for i in 0..state.stack.len() {
                clamp_cursor(state, i);
            }
            Vec::new()
        }
        Action::Tick => on_tick(state),
        Action::ContextSwitched(context) => {
            info(state, format!("switched to {}", context.label()));
            state.context = context;
            // Nothing of the previous context may show, nor stop a load.
            state.reset_features();
            state.stack = vec![Screen::new(Route::home())];
            load_for_current(state)
        }
        Action::FileSaved { what, result } => {
            match result {
                Ok(path) => info(state, format!("saved {what} to {path}")),
                Err(e) => error(state, e),
            }
            Vec::new()
        }
        Action::Copied { bytes } => {
            info(
                state,
                format!("copied {bytes} bytes to the clipboard (OSC 52)"),
            );
            Vec::new()
        }
        Action::Gateway(msg) => gateway::update(state, msg),
        Action::Policy(msg) => policy::update(state, msg),
        Action::Runtime(msg) => runtime::update(state, msg),
        Action::Context(msg) => context::update(state, msg),
        Action::Memory(msg) => memory::update(state, msg),
        Action::Traces(msg) => traces::update(state, msg),
    }
}

/// The first effects of a session: load what the root screen shows.
pub fn start(state: &mut AppState) -> Vec<Effect> {
    load_for_current(state)
}

/// Time passes: progress animates and what is due runs.
fn on_tick(state: &mut AppState) -> Vec<Effect> {
    state.tick += 1;
    policy::on_tick(state);
    // The shown screen's due poll, and the gateways' transitional poll.
    let mut effects = poll_due(state);
    effects.extend(gateway::on_tick(state));
    effects
}
