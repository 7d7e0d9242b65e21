//! `mcpServer` targets: the gateway is an MCP client of the target's server,
//! listing its tools and forwarding calls.

use std::time::Duration;

use acc_mcp::client::McpClient;
use serde_json::Value;

use super::tool_result::{DiscoveredTool, ToolCallResult};

/// A target server that doesn't answer in this long is reported as down.
const TIMEOUT: Duration = Duration::from_secs(30);

fn client(http: reqwest::Client, endpoint: &str) -> McpClient {
    McpClient::new(http, endpoint, None).with_timeout(TIMEOUT)
}

pub(super) async fn call(
    http: reqwest::Client,
    endpoint: &str,
    tool: &str,
    arguments: Value,
) -> ToolCallResult {
    let exchange = match client(http, endpoint).call_tool(tool, arguments).await {
        Ok(exchange) => exchange,
        Err(e) => return ToolCallResult::error(e.to_string()),
    };
    match exchange.result() {
        Ok(result) => ToolCallResult {
            content: result["content"].as_array().cloned().unwrap_or_default(),
            structured_content: result.get("structuredContent").cloned(),
            is_error: result["isError"].as_bool().unwrap_or(false),
        },
        Err((code, message)) => ToolCallResult::error(format!(
            "the MCP server {endpoint} answered error {code}: {message}"
        )),
    }
}

pub(super) async fn discover(
    http: reqwest::Client,
    endpoint: &str,
) -> Result<Vec<DiscoveredTool>, String> {
    let (tools, _pages) = client(http, endpoint)
        .list_all_tools()
        .await
        .map_err(|e| e.to_string())?;
    Ok(tools
        .into_iter()
        .filter_map(|t| {
            Some(DiscoveredTool {
                name: t.get("name")?.as_str()?.to_owned(),
                description: t
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                input_schema: t
                    .get("inputSchema")
                    .cloned()
                    .unwrap_or_else(|| serde_json::json!({"type": "object"})),
            })
        })
        .collect())
}
