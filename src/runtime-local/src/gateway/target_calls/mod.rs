//! Calls from the gateway to its targets' real backends: `mcpServer`
//! (proxied MCP), `openApiSchema` (HTTP), and `lambda` (a locally bound
//! command). Downstream failures become MCP tool errors with the cause;
//! every downstream call has a timeout, so nothing hangs the gateway.

mod lambda_function;
mod mcp_server;
mod openapi_http;

use serde_json::{Value, json};

use crate::identity::inbound_auth::CallerIdentity;
use crate::platform::state::PlatformState;
use crate::runtime::session_host::egress_proxy::is_this_machine;

/// The member of a stored target that says a session may have made it
/// (through its relay, or through the platform's own outbound HTTP).
pub(crate) const MADE_BY_A_SESSION: &str = "accLocalMadeByASession";

/// The HTTP client for a call to `url` of `target`. The operator's targets
/// reach whatever the platform does (their local services too); a target a
/// session made is held to the session's egress rules: never this machine
/// (loopback, link-local, its own addresses; the name resolved once, here,
/// and pinned), and no redirects, which could lead back to it.
pub(crate) async fn http_for(
    state: &PlatformState,
    target: &Value,
    url: &str,
) -> Result<reqwest::Client, String> {
    if target.get(MADE_BY_A_SESSION).is_none() {
        return Ok(state.http.clone());
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url} is not a URL: {e}"))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("{url} names no host"))?;
    let port = parsed.port_or_known_default().unwrap_or(80);
    let name = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((name, port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let Some(public) = addrs.iter().find(|a| !is_this_machine(a.ip())) else {
        return Err(format!(
            "{url} is this machine: a target made from inside a runtime session is called as \
             the session's own traffic would be, and sessions are isolated from the host"
        ));
    };
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .default_headers(crate::runtime::agent_runtimes::platform_outbound_headers())
        .redirect(reqwest::redirect::Policy::none())
        .resolve(name, *public)
        .build()
        .map_err(|e| format!("cannot build an HTTP client for {url}: {e}"))
}

/// What a tool call produced, in MCP `CallToolResult` terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolCallResult {
    /// MCP content items (`{"type":"text","text":…}` …).
    pub(crate) content: Vec<Value>,
    /// `structuredContent`, when the backend answered a JSON object.
    pub(crate) structured_content: Option<Value>,
    /// A tool-level failure (`isError: true`), with the cause in `content`.
    pub(crate) is_error: bool,
}

impl ToolCallResult {
    /// A tool error whose text names the cause.
    pub(crate) fn error(message: impl Into<String>) -> Self {
        Self {
            content: vec![json!({ "type": "text", "text": message.into() })],
            structured_content: None,
            is_error: true,
        }
    }

    /// A plain text result.
    pub(crate) fn text(text: String) -> Self {
        Self {
            content: vec![json!({ "type": "text", "text": text })],
            structured_content: None,
            is_error: false,
        }
    }
}

/// A JSON answer: as text, and as structured content when it is an object.
fn json_result(value: Value) -> ToolCallResult {
    ToolCallResult {
        content: vec![json!({ "type": "text", "text": value.to_string() })],
        structured_content: value.is_object().then_some(value),
        is_error: false,
    }
}

/// A tool as a target's backend describes it (before qualification).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DiscoveredTool {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) input_schema: Value,
}

/// Where a call happens, for backends that want to know.
pub(crate) struct CallSite<'a> {
    pub(crate) gateway_id: &'a str,
    pub(crate) target_name: &'a str,
    pub(crate) qualified_name: &'a str,
}

/// Call `tool` (the unqualified name) on the target whose stored document is
/// `target` (with `name` and `targetConfiguration`).
pub(crate) async fn call_tool(
    state: &PlatformState,
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
        return lambda_function::call(state, site, arn, arguments).await;
    }
    if let Some(openapi) = mcp.get("openApiSchema") {
        let document = match openapi_document(openapi).await {
            Ok(document) => document,
            Err(problem) => return ToolCallResult::error(problem),
        };
        return openapi_http::call(state, target, &document, tool, arguments).await;
    }
    if let Some(server) = mcp.get("mcpServer") {
        let Some(endpoint) = server.get("endpoint").and_then(Value::as_str) else {
            return ToolCallResult::error("the MCP server target has no endpoint");
        };
        let http = match http_for(state, target, endpoint).await {
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
    state: &PlatformState,
    target: &Value,
    endpoint: &str,
) -> Result<Vec<DiscoveredTool>, String> {
    mcp_server::discover(http_for(state, target, endpoint).await?, endpoint).await
}
