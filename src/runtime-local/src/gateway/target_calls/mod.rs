//! Calls from the gateway to its targets' real backends: `mcpServer`
//! (proxied MCP), `openApiSchema` (HTTP), and `lambda` (a locally bound
//! command). Downstream failures become MCP tool errors with the cause;
//! every downstream call has a timeout, so nothing hangs the gateway.

mod lambda_function;
mod mcp_server;
mod openapi_http;

pub(crate) mod outbound;
pub(crate) mod tool_result;

use serde_json::Value;

use crate::identity::caller::CallerIdentity;
use outbound::TargetBackends;
use tool_result::{CallSite, DiscoveredTool, ToolCallResult};

/// Call `tool` (the unqualified name) on the target whose stored document is
/// `target` (with `name` and `targetConfiguration`).
pub(crate) async fn call_tool(
    backends: &TargetBackends,
    site: &CallSite<'_>,
    target: &Value,
    tool: &str,
    arguments: Value,
    _caller: &CallerIdentity,
) -> ToolCallResult {
    let Some(mcp) = target.pointer("/targetConfiguration/mcp") else {
        return ToolCallResult::error("the target has no MCP target configuration");
    };
    if let Some(lambda) = mcp.get("lambda") {
        let arn = lambda
            .get("lambdaArn")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return lambda_function::call(backends, site, arn, arguments).await;
    }
    if let Some(openapi) = mcp.get("openApiSchema") {
        let document = match openapi_document(openapi).await {
            Ok(document) => document,
            Err(problem) => return ToolCallResult::error(problem),
        };
        return openapi_http::call(backends, target, &document, tool, arguments).await;
    }
    if let Some(server) = mcp.get("mcpServer") {
        let Some(endpoint) = server.get("endpoint").and_then(Value::as_str) else {
            return ToolCallResult::error("the MCP server target has no endpoint");
        };
        let http = match backends.http_for(target, endpoint).await {
            Ok(http) => http,
            Err(problem) => return ToolCallResult::error(problem),
        };
        return mcp_server::call(http, endpoint, tool, arguments).await;
    }
    ToolCallResult::error(format!(
        "target {}: this kind of target is not served by the local gateway (Lambda, OpenAPI and MCP server targets are)",
        site.target_name
    ))
}

/// The OpenAPI document, which must be inline: the platform cannot read S3,
/// and never reads a host file a request names.
async fn openapi_document(openapi: &Value) -> Result<Value, String> {
    let Some(text) = openapi.get("inlinePayload").and_then(Value::as_str) else {
        let uri = openapi
            .pointer("/s3/uri")
            .and_then(Value::as_str)
            .ok_or("the OpenAPI target has no schema")?;
        return Err(format!(
            "{uri}: the local platform cannot read S3; give the OpenAPI document inline (inlinePayload)"
        ));
    };
    serde_json::from_str(text).map_err(|e| format!("the OpenAPI document is not JSON: {e}"))
}

/// List the tools of an MCP server target (every page).
pub(crate) async fn discover_mcp_tools(
    backends: &TargetBackends,
    target: &Value,
    endpoint: &str,
) -> Result<Vec<DiscoveredTool>, String> {
    mcp_server::discover(backends.http_for(target, endpoint).await?, endpoint).await
}
