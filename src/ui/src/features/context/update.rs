//! What the `:ctx` result and command do.

use crate::features::context::msg::Msg;
use crate::features::context::route::{Jump, Route};
use crate::shell::effect::Effect;
use crate::shell::navigation::{self, refresh_all};
use crate::shell::state::AppState;

/// A result for the `:ctx` screen.
pub(crate) fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let Msg::ContextsLoaded(choices) = msg;
    state.contexts.choices = choices;
    refresh_all(state);
    Vec::new()
}

/// The `:ctx` command.
pub(crate) fn jump(state: &mut AppState, jump: Jump) -> Vec<Effect> {
    let Jump::Contexts = jump;
    navigation::jump(state, Route::Contexts.into())
}
