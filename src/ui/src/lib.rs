//! The `acc` terminal console.
//!
//! Elm architecture: [`AppState`](shell::AppState) is the model,
//! [`Action`](shell::Action)s arrive through one channel (terminal input and
//! effect results alike), [`update`](fn@shell::update) changes state and
//! returns [`Effect`](shell::Effect)s, and [`view`](fn@shell::view) draws
//! state without changing it. Effects run on tokio tasks in
//! [`EffectRunner`](shell::effect::EffectRunner); frames are drawn only when
//! state changed, at most ~60 per second.
//!
//! [`shell`] holds the stack of screens, input, overlays, messages and the
//! one dispatch by feature; [`features`] holds one folder per AgentCore
//! service, each with its state, routes, messages, jobs, keys and views.

pub mod features;
pub mod shell;
pub mod theme;
pub(crate) mod widgets;

pub use shell::app::{UiOptions, run};
