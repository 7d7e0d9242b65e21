//! The policy studio: a gateway's policy engine and its Cedar policies, the
//! editor (with Cedar highlighting and validation), templates, the dry-run
//! against captured calls, pushing a policy and switching the engine's mode.

pub mod cedar_highlight;
pub mod dry_run;
pub mod editor;
mod job;
pub(crate) mod keys;
mod msg;
mod policy_tasks;
mod route;
mod screens;
mod state;
pub mod studio;
mod update;
mod views;

pub(crate) use editor::{ask_quit, ask_switch};
pub use job::Job;
pub use keys::Command;
pub use msg::Msg;
pub use route::Route;
pub use state::PolicyState;
pub(crate) use update::update;

use crate::shell::state::AppState;

/// A tick: a debounced validation that is due runs.
pub(crate) fn on_tick(state: &mut AppState) {
    editor::on_tick(state);
}
