//! Calls from the gateway to its targets' real backends: `mcpServer`
//! (proxied MCP), `openApiSchema` (HTTP), and `lambda` (a locally bound
//! command). Downstream failures become MCP tool errors, never hangs.

use serde_json::Value;

use crate::inbound_auth::CallerIdentity;
use crate::platform_state::PlatformState;

/// What a tool call produced, in MCP `CallToolResult` terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolCallResult {
    /// MCP content items (`{"type":"text","text":…}` …).
    pub(crate) content: Vec<Value>,
    /// `structuredContent`, when the backend answered JSON.
    pub(crate) structured_content: Option<Value>,
    /// A tool-level failure (`isError: true`), with the cause in `content`.
    pub(crate) is_error: bool,
}

impl ToolCallResult {
    /// A tool error whose text names the cause.
    pub(crate) fn error(message: impl Into<String>) -> Self {
        Self {
            content: vec![serde_json::json!({ "type": "text", "text": message.into() })],
            structured_content: None,
            is_error: true,
        }
    }
}

/// A tool as a target's backend describes it (before qualification).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DiscoveredTool {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) input_schema: Value,
}

/// Call `tool` (the unqualified name) on the target whose stored document is
/// `target` (it has `name` and `targetConfiguration`).
pub(crate) async fn call_tool(
    _state: &PlatformState,
    target: &Value,
    tool: &str,
    _arguments: Value,
    _caller: &CallerIdentity,
) -> ToolCallResult {
    let name = target.get("name").and_then(Value::as_str).unwrap_or("?");
    ToolCallResult::error(format!(
        "target {name}: calling {tool} is not implemented by the local gateway yet"
    ))
}

/// List the tools of an MCP server target (every page).
pub(crate) async fn discover_mcp_tools(
    _state: &PlatformState,
    endpoint: &str,
) -> Result<Vec<DiscoveredTool>, String> {
    Err(format!("cannot list the tools of {endpoint}: not implemented yet"))
}
