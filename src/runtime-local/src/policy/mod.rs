//! AgentCore Policy: policy engines and their Cedar policies (control
//! plane), and their enforcement at the gateways that attach them.

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;

pub(crate) mod enforcement;
pub(crate) mod engine_row;
pub(crate) mod engines;
mod handlers;
pub(crate) mod policies;
pub(crate) mod policy_row;
pub(crate) mod state;

/// The policy service's routes: policy engines and their policies.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<state::PolicyState>: FromRef<S>,
{
    handlers::routes()
}
