//! The demo workspace's backends, served by the platform itself under
//! `/demo/…` so the demo gateways' tools reach something real: an inventory
//! HTTP API (the OpenAPI target), a knowledge-base MCP server (the mcpServer
//! target), and the functions behind the Lambda targets (run as
//! `acc demo-function NAME`).

mod functions;
mod inventory_api;
mod knowledge_base;

pub(crate) use knowledge_base::tools as knowledge_base_tools;

use axum::Router;

pub(crate) use functions::FUNCTION_NAMES;

/// Routes of the demo backends.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .merge(inventory_api::routes())
        .merge(knowledge_base::routes())
}

/// Run the demo function `name` for the tool `tool` on a Lambda event.
pub(crate) fn run_function(name: &str, tool: &str, event_json: &str) -> Result<String, String> {
    functions::run(name, tool, event_json)
}
