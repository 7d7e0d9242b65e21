//! A gateway target as stored, and as GetGatewayTarget answers it.

use rusqlite::Connection;
use serde_json::{Value, json};

use crate::gateway::gateway_row::require_gateway;
use crate::gateway::target_calls::outbound::MADE_BY_A_SESSION;
use crate::platform::account::Account;
use crate::platform::ids;
use crate::platform::lifecycle::effective_status;
use crate::platform::resource::{find, stamp, stored_document, stored_resource};
use crate::platform::timestamps::{iso8601, now_ms};
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;

stored_resource! {
    /// A target as stored.
    pub(crate) struct TargetRow in "gateway_targets" {
        pub(crate) target_id: String,
        pub(crate) gateway_id: String,
        pub(crate) name: String,
        status: String,
        settles_at_ms: i64,
        created_at_ms: i64,
        updated_at_ms: i64,
        last_synchronized_at_ms: Option<i64>,
        document: String,
    }
}

impl TargetRow {
    /// The stored document (its input members: configuration, credentials, …).
    pub(crate) fn document(&self) -> Result<Object, ApiError> {
        stored_document("target", &self.target_id, &self.document)
    }

    /// The full target (the model's GatewayTarget / GetGatewayTargetResponse).
    pub(crate) fn to_wire(&self, account: &Account) -> Result<Value, ApiError> {
        let mut doc = self.document()?;
        doc.insert(
            "gatewayArn".into(),
            json!(ids::gateway_arn(
                &account.region,
                &account.account_id,
                &self.gateway_id
            )),
        );
        // The platform's own note, not a member of the API.
        doc.remove(MADE_BY_A_SESSION);
        doc.insert("targetId".into(), json!(self.target_id));
        stamp(
            &mut doc,
            &self.name,
            effective_status(&self.status, self.settles_at_ms, now_ms()),
            None,
            self.created_at_ms,
            self.updated_at_ms,
        );
        if let Some(at) = self.last_synchronized_at_ms {
            doc.insert("lastSynchronizedAt".into(), json!(iso8601(at)));
        }
        // Required in the output shape even when the target has none.
        doc.entry("credentialProviderConfigurations")
            .or_insert_with(|| json!([]));
        if let Some(protocol) = doc.get("targetConfiguration").and_then(protocol_type) {
            doc.insert("protocolType".into(), json!(protocol));
        }
        Ok(Value::Object(doc))
    }
}

/// The only member set in a union object.
fn single_member(union: &Value) -> Option<(&str, &Value)> {
    let mut set = union.as_object()?.iter().filter(|(_, v)| !v.is_null());
    match (set.next(), set.next()) {
        (Some((name, value)), None) => Some((name.as_str(), value)),
        _ => None,
    }
}

/// TargetSummary's `targetType`, from the target configuration's union variants.
pub(crate) fn target_type(configuration: &Value) -> Option<&'static str> {
    let (family, inner) = single_member(configuration)?;
    let (variant, _) = single_member(inner)?;
    Some(match (family, variant) {
        ("mcp", "lambda") => "LAMBDA",
        ("mcp", "openApiSchema") => "OPEN_API_SCHEMA",
        ("mcp", "smithyModel") => "SMITHY_MODEL",
        ("mcp", "mcpServer") => "MCP_SERVER",
        ("mcp", "apiGateway") => "API_GATEWAY",
        ("mcp", "connector") => "CONNECTOR",
        ("http", "agentcoreRuntime") => "AGENTCORE_RUNTIME",
        ("http", "passthrough") => "PASSTHROUGH",
        ("http", "connector") => "HTTP_CONNECTOR",
        ("inference", "provider") => "PROVIDER",
        _ => return None,
    })
}

fn protocol_type(configuration: &Value) -> Option<&'static str> {
    match single_member(configuration)?.0 {
        "mcp" => Some("MCP"),
        "http" => Some("HTTP"),
        _ => None,
    }
}

/// The target, or ResourceNotFoundException naming what is missing.
pub(crate) fn require_target(
    conn: &Connection,
    gateway_id: &str,
    target_id: &str,
) -> Result<TargetRow, ApiError> {
    if let Some(row) = find(
        conn,
        &[("gateway_id", gateway_id), ("target_id", target_id)],
    )? {
        return Ok(row);
    }
    require_gateway(conn, gateway_id)?;
    Err(ApiError::not_found(format!(
        "Target '{target_id}' was not found in gateway '{gateway_id}'."
    )))
}
