//! The demo workspace's backends, served by the platform itself under
//! `/demo/…` so the demo gateways' tools reach something real: an inventory
//! HTTP API (the OpenAPI target), a knowledge-base MCP server (the mcpServer
//! target), and the functions behind the Lambda targets.

use std::sync::Arc;

use axum::Router;

use crate::platform_state::PlatformState;

/// Routes of the demo backends.
pub(crate) fn routes() -> Router<Arc<PlatformState>> {
    Router::new()
}
