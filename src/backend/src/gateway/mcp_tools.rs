//! A gateway's tools through its MCP endpoint: the catalog (every page),
//! the built-in search tool, and calls. Live and local alike: the client
//! reaches whatever `gatewayUrl` GetGateway returned.

use acc_domain::{CallerIdentity, Gateway, RpcError, Tool, ToolCallReport, ToolSource};
use acc_mcp::client::{McpClient, McpError};
use serde_json::Value;

use crate::connection::{Backend, HTTP};
use crate::error::BackendError;
use crate::identity::bearer_tokens::{JwtResource, token_for, token_for_client};

pub use acc_domain::tool::SEARCH_TOOL;

/// A gateway's catalog as its MCP endpoint lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct McpCatalog {
    /// Every tool, in listing order, marked `ToolSource::Mcp`.
    pub tools: Vec<Tool>,
    /// `tools/list` pages it took.
    pub pages: usize,
    /// The gateway offers the built-in search tool.
    pub has_search_tool: bool,
}

/// One search result, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The tool's qualified name, `<TargetName>___<toolName>`.
    pub name: String,
    /// The tool's description; empty when the search result gave none.
    pub description: String,
}

fn mcp_error(gateway: &Gateway, operation: &str, e: McpError) -> BackendError {
    let (cause, hint) = match &e {
        McpError::Unauthorized { .. } if is_iam(gateway) => (
            "the gateway refused this context's AWS credentials".to_owned(),
            format!(
                ". It authorizes AWS_IAM callers: check that the identity may call \
                 bedrock-agentcore:InvokeGateway on {}",
                gateway.name
            ),
        ),
        McpError::Unauthorized { .. } => (
            "the gateway refused the token".to_owned(),
            ". Check ACC_GATEWAY_TOKEN or gateways.toml".to_owned(),
        ),
        _ => (e.to_string(), String::new()),
    };
    BackendError::Transport {
        operation: operation.to_owned(),
        cause,
        hint,
        detail: e.to_string(),
    }
}

/// The gateway authenticates callers by SigV4 rather than by token.
fn is_iam(gateway: &Gateway) -> bool {
    gateway.authorizer_type == "AWS_IAM"
}

/// `Target___tool` → (target, tool); the search tool has no target.
fn split(name: &str) -> (&str, &str) {
    name.split_once(acc_domain::tool::TOOL_NAME_SEPARATOR)
        .unwrap_or(("", name))
}

impl Backend {
    async fn mcp_client(&self, gateway: &Gateway) -> Result<McpClient, BackendError> {
        self.mcp_client_as(gateway, &CallerIdentity::Configured)
            .await
    }

    /// A client that calls the gateway as `caller`: a chosen OAuth client
    /// or a given token (CUSTOM_JWT gateways only), else as configured.
    async fn mcp_client_as(
        &self,
        gateway: &Gateway,
        caller: &CallerIdentity,
    ) -> Result<McpClient, BackendError> {
        self.check_config()?;
        let url = gateway.url.clone().ok_or_else(|| {
            BackendError::Config(format!("gateway {} has no gatewayUrl", gateway.name))
        })?;
        let endpoint = &self.context().endpoint;
        let token = match (JwtResource::gateway(gateway), caller) {
            (Some(resource), CallerIdentity::Configured) => {
                Some(token_for(&HTTP, resource, endpoint).await?)
            }
            (Some(resource), CallerIdentity::Client(id)) => {
                Some(token_for_client(&HTTP, resource, endpoint, id).await?)
            }
            (Some(_), CallerIdentity::Token(token)) => Some(token.clone()),
            (None, CallerIdentity::Configured) => None,
            (None, _) => {
                return Err(BackendError::Config(format!(
                    "gateway {} authorizes {} callers: choosing a caller (an OAuth client or a \
                     token) applies to CUSTOM_JWT gateways only",
                    gateway.name, gateway.authorizer_type
                )));
            }
        };
        let client = McpClient::new(HTTP.clone(), url, token);
        if is_iam(gateway) {
            let signer = self.sigv4_signer().await?;
            return Ok(client.with_signer(std::sync::Arc::new(signer)));
        }
        Ok(client)
    }

    /// `tools/list` through the gateway, every page.
    pub async fn mcp_catalog(&self, gateway: &Gateway) -> Result<McpCatalog, BackendError> {
        let client = self.mcp_client(gateway).await?;
        let (listed, pages) = client
            .list_all_tools()
            .await
            .map_err(|e| mcp_error(gateway, "tools/list", e))?;
        let has_search_tool = listed.iter().any(|t| t["name"] == SEARCH_TOOL);
        let tools = listed
            .iter()
            .filter_map(|t| {
                let name = t["name"].as_str()?;
                let (target, tool) = split(name);
                Some(Tool {
                    qualified_name: name.to_owned(),
                    target: target.to_owned(),
                    name: tool.to_owned(),
                    description: t["description"].as_str().unwrap_or_default().to_owned(),
                    input_schema: t
                        .get("inputSchema")
                        .cloned()
                        .unwrap_or_else(|| serde_json::json!({"type": "object"})),
                    source: ToolSource::Mcp,
                })
            })
            .collect();
        Ok(McpCatalog {
            tools,
            pages,
            has_search_tool,
        })
    }

    /// Rank the gateway's tools for `query` with its built-in search tool.
    pub async fn search_tools(
        &self,
        gateway: &Gateway,
        query: &str,
    ) -> Result<Vec<SearchHit>, BackendError> {
        let report = self
            .call_tool(gateway, SEARCH_TOOL, serde_json::json!({ "query": query }))
            .await?;
        if let Some(e) = report.rpc_error {
            return Err(BackendError::Service {
                operation: "search".into(),
                code: e.code.to_string(),
                message: if e.code == acc_mcp::protocol::error_code::INVALID_PARAMS {
                    format!(
                        "{} (the gateway may have no search tool: its search type is not SEMANTIC)",
                        e.message
                    )
                } else {
                    e.message
                },
            });
        }
        let listed = report
            .structured_content
            .clone()
            .or_else(|| {
                report
                    .content
                    .iter()
                    .find_map(|c| serde_json::from_str(c["text"].as_str()?).ok())
            })
            .unwrap_or(Value::Null);
        Ok(listed["tools"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some(SearchHit {
                    name: t["name"].as_str()?.to_owned(),
                    description: t["description"].as_str().unwrap_or_default().to_owned(),
                })
            })
            .collect())
    }

    /// `tools/call` through the gateway. A JSON-RPC error is a report with
    /// `rpc_error` (the user wants to see it); only transport and auth
    /// failures are errors.
    pub async fn call_tool(
        &self,
        gateway: &Gateway,
        tool: &str,
        arguments: Value,
    ) -> Result<ToolCallReport, BackendError> {
        self.call_tool_as(gateway, tool, arguments, &CallerIdentity::Configured)
            .await
    }

    /// [`call_tool`](Self::call_tool) as `caller`, so that what the
    /// gateway's policies decide for that caller shows.
    pub async fn call_tool_as(
        &self,
        gateway: &Gateway,
        tool: &str,
        arguments: Value,
        caller: &CallerIdentity,
    ) -> Result<ToolCallReport, BackendError> {
        let client = self.mcp_client_as(gateway, caller).await?;
        let exchange = client
            .call_tool(tool, arguments)
            .await
            .map_err(|e| mcp_error(gateway, "tools/call", e))?;
        let (content, structured_content, is_error, rpc_error) = match exchange.result() {
            Ok(result) => (
                result["content"].as_array().cloned().unwrap_or_default(),
                result.get("structuredContent").cloned(),
                result["isError"].as_bool().unwrap_or(false),
                None,
            ),
            Err((code, message)) => (Vec::new(), None, false, Some(RpcError { code, message })),
        };
        Ok(ToolCallReport {
            tool: tool.to_owned(),
            latency_ms: exchange.latency.as_secs_f64() * 1e3,
            request: exchange.request,
            response: exchange.response,
            content,
            structured_content,
            is_error,
            rpc_error,
            http: Some(exchange.http),
        })
    }
}
