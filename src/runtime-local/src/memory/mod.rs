//! AgentCore Memory: memories and their strategies (control plane), events,
//! actors and sessions, long-term records and their retrieval, and the
//! extraction jobs that turn events into records (data plane).
//!
//! AWS extracts with a model about a minute after events arrive; this
//! platform extracts **by rules**, deterministically, a configurable delay
//! after them ([`extraction`]), and ranks records **lexically** (SQLite
//! FTS5 BM25, [`retrieval`]). Both say so where they show.

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;

mod actors;
mod event_query;
pub(crate) mod events;
pub(crate) mod extraction;
mod handlers;
mod jobs;
pub(crate) mod memories;
mod memory_row;
mod record_filters;
mod records;
pub(crate) mod retrieval;
pub(crate) mod state;
mod strategies;
mod tags;
mod wire;

/// The memory service's routes: its control plane and its data plane.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<state::MemoryState>: FromRef<S>,
{
    handlers::routes()
}
