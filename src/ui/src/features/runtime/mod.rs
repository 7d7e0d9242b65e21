//! Agent runtimes in the console: the runtimes list, the sessions view
//! (live, sortable, stoppable) with each session's lifecycle, spans and
//! log, and the invoke console, whose stream is parsed as it arrives.

pub mod invocation;
pub mod invoke;
mod job;
pub(crate) mod keys;
mod msg;
mod route;
mod screens;
pub mod sessions;
mod state;
mod update;
mod views;

pub use job::Job;
pub use keys::Command;
pub use msg::Msg;
pub(crate) use route::PALETTE;
pub use route::{Jump, Route};
pub use state::RuntimeState;
pub(crate) use update::{argument_names, jump, update};
