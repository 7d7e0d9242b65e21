//! Gateways and their targets.

use serde::Serialize;

use crate::tool::Tool;

/// A gateway as the console shows it: the summary members plus the detail
/// that only GetGateway returns (policy engine, URL, authorizer settings).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gateway {
    pub id: String,
    pub name: String,
    pub arn: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub status_reasons: Vec<String>,
    /// `NONE`, `CUSTOM_JWT`, `AWS_IAM`, ...
    pub authorizer_type: String,
    /// OIDC discovery URL when the authorizer is `CUSTOM_JWT`.
    pub discovery_url: Option<String>,
    pub allowed_audiences: Vec<String>,
    pub allowed_clients: Vec<String>,
    /// `MCP` today.
    pub protocol_type: String,
    /// `SEMANTIC` when the gateway offers the built-in search tool.
    pub search_type: Option<String>,
    pub supported_versions: Vec<String>,
    /// The MCP endpoint.
    pub url: Option<String>,
    pub role_arn: Option<String>,
    pub policy_engine: Option<PolicyEngineAttachment>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    /// Number of targets, when it has been counted.
    pub target_count: Option<usize>,
}

/// The policy engine a gateway is attached to, and how its decisions apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyEngineAttachment {
    pub arn: String,
    /// `LOG_ONLY` or `ENFORCE`.
    pub mode: String,
}

impl PolicyEngineAttachment {
    /// The engine's short name: the last segment of its ARN.
    pub fn short_name(&self) -> &str {
        self.arn.rsplit('/').next().unwrap_or(&self.arn)
    }
}

/// What kind of backend a target fronts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TargetType {
    Lambda,
    OpenApi,
    Smithy,
    McpServer,
    ApiGateway,
    Other(String),
}

impl TargetType {
    /// A short label for tables.
    pub fn label(&self) -> &str {
        match self {
            TargetType::Lambda => "lambda",
            TargetType::OpenApi => "openapi",
            TargetType::Smithy => "smithy",
            TargetType::McpServer => "mcp-server",
            TargetType::ApiGateway => "api-gateway",
            TargetType::Other(s) => s,
        }
    }
}

/// A gateway target with the tools its configuration declares.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub id: String,
    pub gateway_id: String,
    pub name: String,
    pub description: Option<String>,
    pub status: String,
    pub status_reasons: Vec<String>,
    pub target_type: TargetType,
    /// The Lambda ARN, MCP server URL or API endpoint the target reaches.
    pub endpoint: Option<String>,
    pub tools: Vec<Tool>,
    /// When the tool list cannot be known from the configuration alone (an
    /// MCP server not yet synchronised, a schema in S3), say why.
    pub tools_note: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}
