//! Contexts: where the console can connect (the current context and each
//! AWS profile), listed by `:ctx`; choosing one asks the shell to switch,
//! since the connection is the shell's.

mod job;
pub(crate) mod keys;
mod msg;
mod route;
mod screens;
mod state;
mod update;
mod view;

pub use job::Job;
pub use msg::Msg;
pub(crate) use route::PALETTE;
pub use route::{Jump, Route};
pub use state::{ContextChoice, ContextState};
pub(crate) use update::{jump, update};
