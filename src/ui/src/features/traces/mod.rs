//! The trace explorer: the traces of the context (live, filtered on any
//! attribute, sorted by any column), a trace's waterfall (virtualized,
//! folding, the critical path, GenAI kinds with models and tokens), a
//! span's detail (attributes, events, the model's conversation from the
//! joined log records, the gateway call it made and the Cedar decision on
//! it), and the diff of two traces.

mod commands;
mod detail;
mod diff;
mod job;
pub(crate) mod keys;
mod list;
mod live;
mod msg;
mod route;
mod screens;
mod state;
mod update;
mod views;
pub mod waterfall;
mod why;

pub use job::Job;
pub use keys::Command;
pub use list::{TraceSort, Window};
pub use msg::Msg;
pub(crate) use route::PALETTE;
pub use route::{Jump, Route};
pub use state::{ListQuery, OpenTrace, TracesState};
pub(crate) use update::{argument_names, jump, update};
