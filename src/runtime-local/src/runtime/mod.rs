//! AgentCore Runtime: agent runtimes, their versions and endpoints (control
//! plane), invocations (data plane), the artifacts they run and how images
//! are unpacked, and the session host that runs one sandbox per session.

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;

pub(crate) mod agent_runtimes;
pub(crate) mod artifacts;
pub(crate) mod endpoints;
mod handlers;
pub(crate) mod image_unpack;
pub(crate) mod invocations;
pub(crate) mod python_venv;
pub(crate) mod runtime_row;
pub(crate) mod session_host;
pub(crate) mod state;

/// The runtime service's routes: runtimes, versions and endpoints on the
/// control plane, invocations and sessions on the data plane.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<state::RuntimeState>: FromRef<S>,
{
    handlers::routes().merge(invocations::routes())
}
