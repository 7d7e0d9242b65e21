//! The message on the bottom line, which every part of the console may set.

use crate::shell::state::AppState;

/// A message on the bottom line until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Whether it reports a problem.
    pub level: Level,
    /// What it says.
    pub text: String,
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
    state.message = Some(Message {
        level: Level::Info,
        text,
    });
}

/// Shows `text` as an error.
pub(crate) fn error(state: &mut AppState, text: String) {
    state.message = Some(Message {
        level: Level::Error,
        text,
    });
}
