//! A policy as stored, as GetPolicy answers it, and as the gateways'
//! enforcement reads it (its statement, status and enforcement mode).

use rusqlite::Connection;
use serde_json::{Value, json};

use crate::platform::account::Account;
use crate::platform::ids;
use crate::platform::lifecycle::settled_status;
use crate::platform::resource::{
    StoredResource, find, require, stamp, stored_document, stored_resource,
};
use crate::platform::timestamps::now_ms;
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;

stored_resource! {
    /// A policy as stored.
    #[derive(Debug, Clone)]
    pub(crate) struct PolicyRow in "policies" {
        pub(crate) policy_id: String,
        pub(crate) policy_engine_id: String,
        pub(crate) name: String,
        pub(crate) status: String,
        status_reasons: String,
        settles_at_ms: i64,
        created_at_ms: i64,
        updated_at_ms: i64,
        document: String,
    }
}

impl PolicyRow {
    /// The status reported now: CREATING/UPDATING settle to ACTIVE.
    pub(crate) fn status(&self, now: i64) -> &str {
        settled_status(&self.status, self.settles_at_ms, now, "ACTIVE")
    }

    /// When a transitional status (CREATING, UPDATING) settles, if it has not yet.
    pub(crate) fn settles_after(&self, now: i64) -> Option<i64> {
        matches!(self.status(now), "CREATING" | "UPDATING").then_some(self.settles_at_ms)
    }

    /// The stored document (definition, modes, description, …).
    pub(crate) fn document(&self) -> Result<Object, ApiError> {
        stored_document("policy", &self.policy_id, &self.document)
    }

    /// The Cedar statement.
    pub(crate) fn statement(&self) -> Option<String> {
        let doc: Value = serde_json::from_str(&self.document).ok()?;
        statement_of(doc.get("definition")?).map(str::to_owned)
    }

    /// `ACTIVE` (decides) or `LOG_ONLY` (evaluated, never decides).
    pub(crate) fn enforcement_mode(&self) -> String {
        serde_json::from_str::<Value>(&self.document)
            .ok()
            .and_then(|d| d["enforcementMode"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "ACTIVE".into())
    }

    /// The policy as GetPolicy (and every policy operation) answers it.
    pub(crate) fn to_wire(&self, account: &Account) -> Result<Value, ApiError> {
        let mut doc = self.document()?;
        doc.remove("validationMode");
        doc.entry("enforcementMode")
            .or_insert_with(|| json!("ACTIVE"));
        doc.insert("policyId".into(), json!(self.policy_id));
        doc.insert("policyEngineId".into(), json!(self.policy_engine_id));
        doc.insert(
            "policyArn".into(),
            json!(ids::policy_arn(
                &account.region,
                &account.account_id,
                &self.policy_engine_id,
                &self.policy_id
            )),
        );
        let reasons: Value = serde_json::from_str(&self.status_reasons).unwrap_or(json!([]));
        stamp(
            &mut doc,
            &self.name,
            self.status(now_ms()),
            Some(reasons),
            self.created_at_ms,
            self.updated_at_ms,
        );
        Ok(Value::Object(doc))
    }
}

/// The statement of a `definition` union (`cedar` or `policy` variant).
pub(crate) fn statement_of(definition: &Value) -> Option<&str> {
    definition
        .pointer("/cedar/statement")
        .or_else(|| definition.pointer("/policy/statement"))
        .and_then(Value::as_str)
}

/// The policy of this engine with this id, or ResourceNotFoundException.
pub(crate) fn require_policy(
    conn: &Connection,
    engine_id: &str,
    policy_id: &str,
) -> Result<PolicyRow, ApiError> {
    // Looked up by id alone (ids are unique), then checked against the engine.
    find::<PolicyRow>(conn, &[("policy_id", policy_id)])?
        .filter(|p| p.policy_engine_id == engine_id)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Policy '{policy_id}' was not found in policy engine '{engine_id}'."
            ))
        })
}

/// The policy with this id, in whichever engine (after its insert).
pub(crate) fn require_inserted(conn: &Connection, policy_id: &str) -> Result<PolicyRow, ApiError> {
    require(conn, &[("policy_id", policy_id)], || {
        ApiError::internal("the policy vanished after its insert")
    })
}

/// Every policy of an engine, in creation order.
pub(crate) fn engine_policies(
    conn: &Connection,
    engine_id: &str,
) -> Result<Vec<PolicyRow>, ApiError> {
    let sql = format!(
        "SELECT {} FROM {} WHERE policy_engine_id = ?1 ORDER BY seq",
        PolicyRow::COLUMNS.join(", "),
        PolicyRow::TABLE
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([engine_id], PolicyRow::from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
