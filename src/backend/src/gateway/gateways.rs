//! Gateways, targets and their tools through the control-plane SDK client.

use acc_domain::openapi::tools_from_openapi_text;
use acc_domain::{Gateway, PolicyEngineAttachment, Target, TargetType, Tool};
use aws_sdk_bedrockagentcorecontrol::operation::get_gateway::GetGatewayOutput;
use aws_sdk_bedrockagentcorecontrol::operation::get_gateway_target::GetGatewayTargetOutput;
use aws_sdk_bedrockagentcorecontrol::types::{
    AuthorizerConfiguration, GatewayProtocolConfiguration, GatewaySummary,
    McpServerTargetConfiguration, McpTargetConfiguration, McpToolSchemaConfiguration,
    TargetConfiguration, ToolSchema,
};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;

use crate::connection::Backend;
use crate::error::BackendError;
use crate::fan_out::fan_out;
use crate::gateway::schema_conversion::to_json_schema;

/// Page size for list calls; the paginator follows every page.
const PAGE_SIZE: i32 = 100;

impl Backend {
    /// Every gateway, with detail and target counts filled in. Details are
    /// fetched concurrently (bounded); a gateway whose detail call fails (e.g.
    /// deleted meanwhile) still shows with its summary.
    pub async fn list_gateways(&self) -> Result<Vec<Gateway>, BackendError> {
        let summaries = self.gateway_summaries().await?;
        let ids = summaries
            .iter()
            .map(|s| s.gateway_id().to_string())
            .collect();
        let details = fan_out(ids, |id: String| {
            let me = self.clone();
            async move {
                let detail = me.get_gateway(&id).await.ok();
                let count = me.list_target_summaries(&id).await.ok().map(|t| t.len());
                (detail, count)
            }
        })
        .await;
        Ok(summaries
            .iter()
            .zip(details)
            .map(|(summary, fetched)| {
                let (detail, count) = fetched.unwrap_or((None, None));
                let mut gateway = detail.unwrap_or_else(|| gateway_from_summary(summary));
                gateway.target_count = count;
                gateway
            })
            .collect())
    }

    /// A gateway by id, or else by exact name (unique per account and
    /// region). Costs one call for an id, a listing for a name.
    pub async fn find_gateway(&self, key: &str) -> Result<Option<Gateway>, BackendError> {
        match self.get_gateway(key).await {
            Ok(gateway) => return Ok(Some(gateway)),
            // A name is not a valid id, so either answer means "try names".
            Err(BackendError::Service { code, .. })
                if code == "ResourceNotFoundException" || code == "ValidationException" => {}
            Err(e) => return Err(e),
        }
        let summaries = self.gateway_summaries().await?;
        match summaries.iter().find(|s| s.name() == key) {
            Some(s) => self.get_gateway(s.gateway_id()).await.map(Some),
            None => Ok(None),
        }
    }

    pub(crate) async fn gateway_summaries(&self) -> Result<Vec<GatewaySummary>, BackendError> {
        self.check_config()?;
        self.control
            .list_gateways()
            .max_results(PAGE_SIZE)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| BackendError::from_sdk("ListGateways", self.context(), e))
    }

    /// One gateway's full detail.
    pub async fn get_gateway(&self, id: &str) -> Result<Gateway, BackendError> {
        self.check_config()?;
        let out = self
            .control
            .get_gateway()
            .gateway_identifier(id)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("GetGateway", self.context(), e))?;
        Ok(gateway_from_detail(&out))
    }

    async fn list_target_summaries(
        &self,
        gateway_id: &str,
    ) -> Result<Vec<aws_sdk_bedrockagentcorecontrol::types::TargetSummary>, BackendError> {
        self.control
            .list_gateway_targets()
            .gateway_identifier(gateway_id)
            .max_results(PAGE_SIZE)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| BackendError::from_sdk("ListGatewayTargets", self.context(), e))
    }

    /// Every target of a gateway with its configuration and declared tools.
    pub async fn list_targets(&self, gateway_id: &str) -> Result<Vec<Target>, BackendError> {
        self.check_config()?;
        let summaries = self.list_target_summaries(gateway_id).await?;
        let ids = summaries
            .iter()
            .map(|s| s.target_id().to_string())
            .collect();
        let targets = fan_out(ids, |id: String| {
            let me = self.clone();
            let gateway = gateway_id.to_string();
            async move { me.get_target(&gateway, &id).await }
        })
        .await;
        targets
            .into_iter()
            .map(|t| {
                t.unwrap_or_else(|| {
                    Err(BackendError::Config(
                        "a GetGatewayTarget task panicked".into(),
                    ))
                })
            })
            .collect()
    }

    /// One target's full detail.
    pub async fn get_target(
        &self,
        gateway_id: &str,
        target_id: &str,
    ) -> Result<Target, BackendError> {
        self.check_config()?;
        let out = self
            .control
            .get_gateway_target()
            .gateway_identifier(gateway_id)
            .target_id(target_id)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("GetGatewayTarget", self.context(), e))?;
        Ok(target_from_detail(gateway_id, &out))
    }

    /// The gateway's tool catalog as declared by its targets' schemas,
    /// sorted by qualified name.
    pub async fn list_tools(&self, gateway_id: &str) -> Result<Vec<Tool>, BackendError> {
        let mut tools: Vec<Tool> = self
            .list_targets(gateway_id)
            .await?
            .into_iter()
            .flat_map(|t| t.tools)
            .collect();
        tools.sort_by(|a, b| a.qualified_name.cmp(&b.qualified_name));
        Ok(tools)
    }

    /// Deletes a gateway (its targets must be deleted first, as on AWS).
    pub async fn delete_gateway(&self, id: &str) -> Result<(), BackendError> {
        self.check_config()?;
        self.control
            .delete_gateway()
            .gateway_identifier(id)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("DeleteGateway", self.context(), e))?;
        Ok(())
    }

    /// Deletes one target of a gateway.
    pub async fn delete_target(
        &self,
        gateway_id: &str,
        target_id: &str,
    ) -> Result<(), BackendError> {
        self.check_config()?;
        self.control
            .delete_gateway_target()
            .gateway_identifier(gateway_id)
            .target_id(target_id)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("DeleteGatewayTarget", self.context(), e))?;
        Ok(())
    }
}

fn timestamp(dt: &DateTime) -> Option<String> {
    dt.fmt(Format::DateTime).ok()
}

fn gateway_from_summary(s: &GatewaySummary) -> Gateway {
    Gateway {
        id: s.gateway_id().into(),
        name: s.name().into(),
        description: s.description().map(Into::into),
        status: s.status().as_str().into(),
        authorizer_type: s.authorizer_type().as_str().into(),
        protocol_type: s.protocol_type().as_str().into(),
        created_at: timestamp(s.created_at()),
        updated_at: timestamp(s.updated_at()),
        ..Gateway::default()
    }
}

fn gateway_from_detail(g: &GetGatewayOutput) -> Gateway {
    let jwt = match g.authorizer_configuration() {
        Some(AuthorizerConfiguration::CustomJwtAuthorizer(jwt)) => Some(jwt),
        _ => None,
    };
    let mcp = match g.protocol_configuration() {
        Some(GatewayProtocolConfiguration::Mcp(m)) => Some(m),
        _ => None,
    };
    Gateway {
        id: g.gateway_id().into(),
        name: g.name().into(),
        arn: Some(g.gateway_arn().into()),
        description: g.description().map(Into::into),
        status: g.status().as_str().into(),
        status_reasons: g.status_reasons().to_vec(),
        authorizer_type: g.authorizer_type().as_str().into(),
        discovery_url: jwt.map(|j| j.discovery_url().to_string()),
        allowed_audiences: jwt
            .map(|j| j.allowed_audience().to_vec())
            .unwrap_or_default(),
        allowed_clients: jwt
            .map(|j| j.allowed_clients().to_vec())
            .unwrap_or_default(),
        protocol_type: g.protocol_type().as_str().into(),
        search_type: mcp
            .and_then(|m| m.search_type())
            .map(|s| s.as_str().to_string()),
        supported_versions: mcp
            .map(|m| m.supported_versions().to_vec())
            .unwrap_or_default(),
        url: g.gateway_url().map(Into::into),
        role_arn: g.role_arn().map(Into::into),
        policy_engine: g
            .policy_engine_configuration()
            .map(|p| PolicyEngineAttachment {
                arn: p.arn().into(),
                mode: p.mode().as_str().into(),
            }),
        created_at: timestamp(g.created_at()),
        updated_at: timestamp(g.updated_at()),
        target_count: None,
    }
}

/// What a target's configuration says about its kind, endpoint and tools.
struct TargetShape {
    kind: TargetType,
    endpoint: Option<String>,
    tools: Vec<Tool>,
    note: Option<String>,
}

fn target_shape(name: &str, config: Option<&TargetConfiguration>) -> TargetShape {
    let unknown = |kind: TargetType, note: &str| TargetShape {
        kind,
        endpoint: None,
        tools: Vec::new(),
        note: Some(note.into()),
    };
    let Some(TargetConfiguration::Mcp(mcp)) = config else {
        return unknown(TargetType::Other("other".into()), "not an MCP target");
    };
    match mcp {
        McpTargetConfiguration::Lambda(l) => {
            let (tools, note) = match l.tool_schema() {
                Some(ToolSchema::InlinePayload(defs)) => (
                    defs.iter()
                        .map(|d| {
                            let schema = d
                                .input_schema()
                                .map(to_json_schema)
                                .unwrap_or_else(|| serde_json::json!({"type": "object"}));
                            Tool::from_target(name, d.name(), d.description(), schema)
                        })
                        .collect(),
                    None,
                ),
                Some(ToolSchema::S3(s3)) => (
                    Vec::new(),
                    Some(format!(
                        "tool schema in S3 ({}); not fetched",
                        s3.uri().unwrap_or("?")
                    )),
                ),
                _ => (Vec::new(), Some("no tool schema".into())),
            };
            TargetShape {
                kind: TargetType::Lambda,
                endpoint: Some(l.lambda_arn().into()),
                tools,
                note,
            }
        }
        McpTargetConfiguration::OpenApiSchema(api) => {
            let (tools, note) = match api.as_inline_payload() {
                Ok(text) => match tools_from_openapi_text(name, text) {
                    Ok(tools) => (tools, None),
                    Err(e) => (Vec::new(), Some(e.to_string())),
                },
                Err(_) => (Vec::new(), Some("OpenAPI schema in S3; not fetched".into())),
            };
            TargetShape {
                kind: TargetType::OpenApi,
                endpoint: None,
                tools,
                note,
            }
        }
        McpTargetConfiguration::McpServer(server) => mcp_server_shape(name, server),
        McpTargetConfiguration::SmithyModel(_) => unknown(
            TargetType::Smithy,
            "Smithy model tools are listed through the gateway",
        ),
        McpTargetConfiguration::ApiGateway(_) => unknown(
            TargetType::ApiGateway,
            "API Gateway tools are listed through the gateway",
        ),
        _ => unknown(
            TargetType::Other("mcp".into()),
            "unrecognised MCP target type",
        ),
    }
}

fn mcp_server_shape(name: &str, server: &McpServerTargetConfiguration) -> TargetShape {
    let (tools, note) = match server.mcp_tool_schema() {
        Some(McpToolSchemaConfiguration::InlinePayload(text)) => parse_mcp_tool_list(name, text),
        _ => (
            Vec::new(),
            Some("tools are discovered from the MCP server".into()),
        ),
    };
    TargetShape {
        kind: TargetType::McpServer,
        endpoint: Some(server.endpoint().into()),
        tools,
        note,
    }
}

/// An inline MCP tool schema: a JSON array of `{name, description, inputSchema}`
/// (or an object with a `tools` array, as `tools/list` returns it).
fn parse_mcp_tool_list(target: &str, text: &str) -> (Vec<Tool>, Option<String>) {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(list) => (acc_domain::tools_from_list(target, &list), None),
        Err(e) => (
            Vec::new(),
            Some(format!("inline MCP tool schema is not JSON: {e}")),
        ),
    }
}

fn target_from_detail(gateway_id: &str, t: &GetGatewayTargetOutput) -> Target {
    let shape = target_shape(t.name(), t.target_configuration());
    Target {
        id: t.target_id().into(),
        gateway_id: gateway_id.into(),
        name: t.name().into(),
        description: t.description().map(Into::into),
        status: t.status().as_str().into(),
        status_reasons: t.status_reasons().to_vec(),
        target_type: shape.kind,
        endpoint: shape.endpoint,
        tools: shape.tools,
        tools_note: shape.note,
        created_at: timestamp(t.created_at()),
        updated_at: timestamp(t.updated_at()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_mcp_tool_lists_parse_or_say_why_not() {
        let (tools, note) = parse_mcp_tool_list(
            "kb",
            r#"{"tools": [{"name": "search", "description": "find", "inputSchema": {"type": "object"}}, {"description": "nameless"}]}"#,
        );
        assert_eq!(note, None);
        assert_eq!(tools.len(), 1, "entries without a name are skipped");
        assert_eq!(tools[0].qualified_name, "kb___search");

        let (tools, note) = parse_mcp_tool_list("kb", "[{\"name\": ");
        assert!(tools.is_empty());
        assert!(
            note.unwrap()
                .starts_with("inline MCP tool schema is not JSON")
        );
    }
}
