//! The `acc` terminal console.
//!
//! Elm architecture: [`shell::state::AppState`] is the model, [`shell::action::Action`]s
//! arrive through one channel (terminal input and effect results alike),
//! [`shell::update::update`] changes state and returns [`shell::effect::Effect`]s, and
//! [`shell::view::view`] draws state without changing it. Effects run on tokio
//! tasks in [`shell::effect::EffectRunner`]; frames are drawn only when state
//! changed, at most ~60 per second.

pub mod features;
pub mod shell;
pub mod theme;
pub mod widgets;

pub use shell::app::{UiOptions, run};
