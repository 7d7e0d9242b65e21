//! The message on the bottom line, which every part of the console may set.
//! A message belongs to the screen shown when it was raised: it is parked
//! while another screen is shown and comes back with its screen, and a
//! later success of what failed clears it.

use crate::shell::route::Route;
use crate::shell::state::AppState;

/// Screens whose parked messages are kept; the oldest go first.
const PARKED_MAX: usize = 8;

/// A message on the bottom line until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Whether it reports a problem.
    pub level: Level,
    /// What it says.
    pub text: String,
    /// The screen it belongs to: it is shown only there.
    pub route: Route,
    /// What failed, for an error a later success of the same clears.
    pub source: Option<&'static str>,
    /// Raised as the `seq`-th message, to tell the ones raised by the
    /// action being handled.
    pub seq: u64,
}

/// How a message is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something done, or worth knowing.
    Info,
    /// Something that failed or was refused.
    Error,
}

/// Shows `text` as information.
pub(crate) fn info(state: &mut AppState, text: String) {
    raise(state, Level::Info, text, None);
}

/// Shows `text` as an error.
pub(crate) fn error(state: &mut AppState, text: String) {
    raise(state, Level::Error, text, None);
}

/// Shows `text` as an error of `source` (e.g. `"runtimes"`), which a later
/// [`succeeded`] of the same source clears.
pub(crate) fn error_from(state: &mut AppState, source: &'static str, text: String) {
    raise(state, Level::Error, text, Some(source));
}

/// `source` worked: its errors, shown or parked, are gone.
pub(crate) fn succeeded(state: &mut AppState, source: &'static str) {
    let stale = |m: &Message| m.level == Level::Error && m.source == Some(source);
    if state.message.as_ref().is_some_and(stale) {
        state.message = None;
    }
    state.parked_messages.retain(|m| !stale(m));
}

fn raise(state: &mut AppState, level: Level, text: String, source: Option<&'static str>) {
    state.message_seq += 1;
    state.message = Some(Message {
        level,
        text,
        route: state.screen().route.clone(),
        source,
        seq: state.message_seq,
    });
}

/// After an action: the message follows the screen shown. One raised by
/// this action (whose `seq` is past `seq_before`) goes with the screen it
/// led to; an older one of another screen is parked until that screen is
/// shown again, and the shown screen's parked message comes back.
pub(crate) fn follow_screen(state: &mut AppState, seq_before: u64) {
    let top = state.screen().route.clone();
    if let Some(message) = state.message.as_mut()
        && message.route != top
    {
        if message.seq > seq_before {
            message.route = top.clone();
        } else if let Some(parked) = state.message.take() {
            state.parked_messages.retain(|m| m.route != parked.route);
            state.parked_messages.push(parked);
            if state.parked_messages.len() > PARKED_MAX {
                state.parked_messages.remove(0);
            }
        }
    }
    if state.message.is_none()
        && let Some(i) = state.parked_messages.iter().position(|m| m.route == top)
    {
        state.message = Some(state.parked_messages.remove(i));
    }
}
