//! A gateway as stored, and as GetGateway answers it.

use rusqlite::Connection;
use serde_json::{Value, json};

use crate::platform::account::Account;
use crate::platform::ids;
use crate::platform::lifecycle::effective_status;
use crate::platform::resource::{find, stamp, stored_document, stored_resource};
use crate::platform::timestamps::now_ms;
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;

stored_resource! {
    /// A gateway as stored.
    pub(crate) struct GatewayRow in "gateways" {
        pub(crate) gateway_id: String,
        pub(crate) name: String,
        status: String,
        settles_at_ms: i64,
        created_at_ms: i64,
        updated_at_ms: i64,
        document: String,
    }
}

impl GatewayRow {
    /// The stored document (the gateway's input members: authorizer,
    /// protocol configuration, policy engine, …).
    pub(crate) fn document(&self) -> Result<Object, ApiError> {
        stored_document("gateway", &self.gateway_id, &self.document)
    }

    /// The full gateway as GetGateway (and Create/Update) answer it;
    /// `endpoint_url` is the base of its `gatewayUrl`.
    pub(crate) fn to_wire(&self, account: &Account, endpoint_url: &str) -> Result<Value, ApiError> {
        let mut doc = self.document()?;
        // Tags are read through ListTagsForResource, not GetGateway.
        doc.remove("tags");
        let (region, account_id) = (&account.region, &account.account_id);
        let id = &self.gateway_id;
        doc.insert("gatewayId".into(), json!(id));
        doc.insert(
            "gatewayArn".into(),
            json!(ids::gateway_arn(region, account_id, id)),
        );
        doc.insert("gatewayUrl".into(), json!(gateway_url(endpoint_url, id)));
        stamp(
            &mut doc,
            &self.name,
            effective_status(&self.status, self.settles_at_ms, now_ms()),
            None,
            self.created_at_ms,
            self.updated_at_ms,
        );
        doc.insert(
            "workloadIdentityDetails".into(),
            json!({ "workloadIdentityArn": ids::workload_identity_arn(region, account_id, id) }),
        );
        Ok(Value::Object(doc))
    }
}

/// The MCP endpoint of a gateway of the platform at `endpoint_url`.
pub(crate) fn gateway_url(endpoint_url: &str, gateway_id: &str) -> String {
    format!("{endpoint_url}/gateways/{gateway_id}/mcp")
}

/// The gateway with this id, if any.
pub(crate) fn find_gateway(
    conn: &Connection,
    gateway_id: &str,
) -> Result<Option<GatewayRow>, ApiError> {
    find(conn, &[("gateway_id", gateway_id)])
}

/// The gateway with this id, or ResourceNotFoundException.
pub(crate) fn require_gateway(conn: &Connection, gateway_id: &str) -> Result<GatewayRow, ApiError> {
    find_gateway(conn, gateway_id)?
        .ok_or_else(|| ApiError::not_found(format!("Gateway '{gateway_id}' was not found.")))
}
