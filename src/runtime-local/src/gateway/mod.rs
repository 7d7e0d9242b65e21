//! AgentCore Gateway: gateways and their targets (control plane), each
//! gateway's tool catalog and MCP endpoint (`mcp`), the calls to its
//! targets' backends (`target_calls`: Lambda functions bound to local
//! commands, OpenAPI services, MCP servers), and the captures of every tool
//! call (`capture_store`).

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;

pub(crate) mod capture_store;
pub(crate) mod function_bindings;
pub(crate) mod gateway_row;
pub(crate) mod gateways;
mod handlers;
pub(crate) mod mcp;
pub(crate) mod state;
pub(crate) mod target_calls;
pub(crate) mod target_row;
pub(crate) mod target_validation;
pub(crate) mod targets;
pub(crate) mod tool_catalog;
pub(crate) mod tool_spans;

/// The gateway service's routes: the control plane's gateways and targets,
/// and each gateway's MCP endpoint.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<state::GatewayState>: FromRef<S>,
{
    handlers::routes().merge(mcp::routes())
}
