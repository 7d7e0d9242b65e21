//! The `acc` terminal console.
//!
//! Elm architecture: [`state::AppState`] is the model, [`action::Action`]s
//! arrive through one channel (terminal input and effect results alike),
//! [`update::update`] changes state and returns [`effect::Effect`]s, and
//! [`views::view`] draws state without changing it. Effects run on tokio
//! tasks in [`effect::EffectRunner`]; frames are drawn only when state
//! changed, at most ~60 per second.

pub mod action;
pub mod app;
pub mod call_form;
pub mod captures;
pub mod cedar_highlight;
pub mod clipboard;
pub mod describe;
pub mod effect;
pub mod filter;
pub mod keymap;
pub mod layout;
pub mod palette;
pub mod policy_studio;
mod policy_tasks;
pub mod route;
pub mod runtimes;
pub mod state;
pub mod theme;
pub mod tool_calls;
pub mod tool_catalog;
pub mod update;
pub mod views;
pub mod widgets;

pub use app::{UiOptions, run};
