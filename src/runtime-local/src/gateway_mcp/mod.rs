//! Each gateway's MCP endpoint (Streamable HTTP at `/gateways/<id>/mcp`).

use std::sync::Arc;

use axum::Router;

use crate::platform_state::PlatformState;

/// Routes of the gateways' MCP endpoints.
pub(crate) fn routes() -> Router<Arc<PlatformState>> {
    Router::new()
}
