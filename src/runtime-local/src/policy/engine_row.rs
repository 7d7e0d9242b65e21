//! A policy engine as stored, and as GetPolicyEngine answers it.

use rusqlite::Connection;
use serde_json::{Value, json};

use crate::platform::account::Account;
use crate::platform::ids;
use crate::platform::lifecycle::settled_status;
use crate::platform::resource::{require, stamp, stored_document, stored_resource};
use crate::platform::timestamps::now_ms;
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;

stored_resource! {
    /// A policy engine as stored.
    pub(crate) struct EngineRow in "policy_engines" {
        pub(crate) policy_engine_id: String,
        pub(crate) name: String,
        status: String,
        settles_at_ms: i64,
        created_at_ms: i64,
        updated_at_ms: i64,
        document: String,
    }
}

impl EngineRow {
    /// The stored document (name, description, …).
    pub(crate) fn document(&self) -> Result<Object, ApiError> {
        stored_document("policy engine", &self.policy_engine_id, &self.document)
    }

    /// The engine as GetPolicyEngine (and every engine operation) answers it.
    pub(crate) fn to_wire(&self, account: &Account) -> Result<Value, ApiError> {
        let mut doc = self.document()?;
        doc.remove("tags");
        let id = &self.policy_engine_id;
        doc.insert("policyEngineId".into(), json!(id));
        doc.insert(
            "policyEngineArn".into(),
            json!(ids::policy_engine_arn(
                &account.region,
                &account.account_id,
                id
            )),
        );
        let status = settled_status(&self.status, self.settles_at_ms, now_ms(), "ACTIVE");
        stamp(
            &mut doc,
            &self.name,
            status,
            Some(json!([])),
            self.created_at_ms,
            self.updated_at_ms,
        );
        Ok(Value::Object(doc))
    }
}

/// The engine with this id, or ResourceNotFoundException.
pub(crate) fn require_engine(conn: &Connection, engine_id: &str) -> Result<EngineRow, ApiError> {
    require(conn, &[("policy_engine_id", engine_id)], || {
        ApiError::not_found(format!("Policy engine '{engine_id}' was not found."))
    })
}

/// The engine id in a policy engine ARN.
pub(crate) fn engine_id_of_arn(arn: &str) -> Option<&str> {
    arn.split_once(":policy-engine/").map(|(_, id)| id)
}
