//! Gateways and their targets.

use serde::Serialize;

use crate::tool::Tool;

/// A gateway as the console shows it: the summary members plus the detail
/// that only GetGateway returns (policy engine, URL, authorizer settings).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gateway {
    /// The gateway id (`gatewayId`); it names the gateway's log group and MCP host.
    pub id: String,
    /// The gateway's name.
    pub name: String,
    /// The gateway's ARN; None when only the list summary is known (it carries no ARN).
    pub arn: Option<String>,
    /// The gateway's description; None when it has none.
    pub description: Option<String>,
    /// The gateway's status, e.g. `READY`, `CREATING`, `UPDATING`, `FAILED`.
    pub status: String,
    /// Why the gateway is in its status (`statusReasons`); empty from a list summary.
    pub status_reasons: Vec<String>,
    /// `NONE`, `CUSTOM_JWT`, `AWS_IAM`, ...
    pub authorizer_type: String,
    /// OIDC discovery URL when the authorizer is `CUSTOM_JWT`.
    pub discovery_url: Option<String>,
    /// The JWT `aud` values a `CUSTOM_JWT` authorizer accepts (`allowedAudience`);
    /// empty otherwise.
    pub allowed_audiences: Vec<String>,
    /// The client ids a `CUSTOM_JWT` authorizer accepts (`allowedClients`); empty otherwise.
    pub allowed_clients: Vec<String>,
    /// `MCP` today.
    pub protocol_type: String,
    /// `SEMANTIC` when the gateway offers the built-in search tool.
    pub search_type: Option<String>,
    /// The MCP protocol versions the gateway accepts (`supportedVersions`), e.g.
    /// `2025-03-26`; empty when unset or from a list summary.
    pub supported_versions: Vec<String>,
    /// The MCP endpoint.
    pub url: Option<String>,
    /// The IAM role the gateway assumes to reach its targets; None when not
    /// known (list summaries).
    pub role_arn: Option<String>,
    /// The attached policy engine; None when none is attached (or from a list summary).
    pub policy_engine: Option<PolicyEngineAttachment>,
    /// Creation time, RFC 3339; None when it could not be formatted.
    pub created_at: Option<String>,
    /// Last update time, RFC 3339; None when it could not be formatted.
    pub updated_at: Option<String>,
    /// Number of targets, when it has been counted.
    pub target_count: Option<usize>,
}

/// The policy engine a gateway is attached to, and how its decisions apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyEngineAttachment {
    /// The policy engine's ARN.
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
    /// A Lambda function with an inline (or S3) tool schema.
    Lambda,
    /// A REST API described by an OpenAPI schema.
    OpenApi,
    /// A service described by a Smithy model.
    Smithy,
    /// A remote MCP server.
    McpServer,
    /// An Amazon API Gateway REST API stage.
    ApiGateway,
    /// A kind this console does not know; holds the label to show.
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
    /// The target id (`targetId`).
    pub id: String,
    /// The id of the gateway the target belongs to.
    pub gateway_id: String,
    /// The target's name: the `<TargetName>` prefix of its tools' names.
    pub name: String,
    /// The target's description; None when it has none.
    pub description: Option<String>,
    /// The target's status, e.g. `READY`, `CREATING`, `SYNCHRONIZING`, `FAILED`.
    pub status: String,
    /// Why the target is in its status (`statusReasons`).
    pub status_reasons: Vec<String>,
    /// What kind of backend it fronts.
    pub target_type: TargetType,
    /// The Lambda ARN, MCP server URL or API endpoint the target reaches.
    pub endpoint: Option<String>,
    /// The tools its configuration declares inline; empty when they are not
    /// known from it (see `tools_note`).
    pub tools: Vec<Tool>,
    /// When the tool list cannot be known from the configuration alone (an
    /// MCP server not yet synchronised, a schema in S3), say why.
    pub tools_note: Option<String>,
    /// Creation time, RFC 3339; None when it could not be formatted.
    pub created_at: Option<String>,
    /// Last update time, RFC 3339; None when it could not be formatted.
    pub updated_at: Option<String>,
}
