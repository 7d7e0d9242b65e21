//! AgentCore Memory in the console: the memories with their counts, a
//! memory's strategies and extraction jobs, conversations (actors →
//! sessions → events, branches as a tree, followed live), the records by
//! namespace, retrieval with scores, the sensitive-data scan (masked until
//! revealed) and the erasure of an actor.

pub mod conversation;
pub mod details;
mod erase;
mod job;
pub(crate) mod keys;
mod loads;
mod msg;
mod records;
mod retrieve;
mod route;
mod screens;
mod state;
mod text_screens;
mod update;
pub mod view_line;
mod views;

pub use job::Job;
pub use keys::Command;
pub use msg::Msg;
pub(crate) use route::PALETTE;
pub use route::{Jump, Route};
pub use state::{Conversation, MemoryState, RecordSet, RetrieveConsole, session_key};
pub(crate) use update::{jump, update};
