//! An agent runtime as stored (its configuration lives in its versions),
//! and as the runtime operations answer it.

use rusqlite::{Connection, OptionalExtension as _, params};
use serde_json::{Value, json};

use crate::platform::account::Account;
use crate::platform::ids;
use crate::platform::lifecycle::effective_status;
use crate::platform::resource::{require, stored_document, stored_resource};
use crate::platform::timestamps::{iso8601, now_ms};
use crate::platform::wire_errors::ApiError;

/// What AgentCore allows as a runtime (and endpoint) name.
pub(crate) const RUNTIME_NAME_PATTERN: &str = "[a-zA-Z][a-zA-Z0-9_]{0,47}";

/// [`RUNTIME_NAME_PATTERN`].
pub(crate) fn is_runtime_name(s: &str) -> bool {
    s.len() <= 48
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

stored_resource! {
    /// A runtime as stored (its configuration lives in its versions).
    pub(crate) struct RuntimeRow in "agent_runtimes" {
        pub(crate) agent_runtime_id: String,
        pub(crate) name: String,
        pub(crate) latest_version: i64,
        status: String,
        failure_reason: Option<String>,
        settles_at_ms: i64,
        created_at_ms: i64,
        updated_at_ms: i64,
    }
}

impl RuntimeRow {
    /// The status reported now: CREATING/UPDATING settle to READY.
    pub(crate) fn status(&self) -> &str {
        effective_status(&self.status, self.settles_at_ms, now_ms())
    }

    fn arn(&self, account: &Account) -> String {
        ids::agent_runtime_arn(&account.region, &account.account_id, &self.agent_runtime_id)
    }

    fn workload_identity(&self, account: &Account) -> Value {
        let arn = ids::workload_identity_arn(
            &account.region,
            &account.account_id,
            &self.agent_runtime_id,
        );
        json!({ "workloadIdentityArn": arn })
    }

    /// What CreateAgentRuntime (`updated`: UpdateAgentRuntime) answers:
    /// the runtime and the version just made.
    pub(crate) fn written(&self, account: &Account, updated: bool) -> Value {
        let mut out = json!({
            "agentRuntimeArn": self.arn(account),
            "agentRuntimeId": self.agent_runtime_id,
            "agentRuntimeVersion": self.latest_version.to_string(),
            "createdAt": iso8601(self.created_at_ms),
        });
        if updated {
            out["lastUpdatedAt"] = json!(iso8601(self.updated_at_ms));
        }
        out["status"] = json!(self.status());
        out["workloadIdentityDetails"] = self.workload_identity(account);
        out
    }

    /// The summary ListAgentRuntimes returns for the latest version.
    pub(crate) fn summary(&self, account: &Account, description: Option<&str>) -> Value {
        let description = description.map(|d| json!(d));
        self.version_summary(
            account,
            self.latest_version,
            self.updated_at_ms,
            description,
        )
    }

    /// The summary of one version (ListAgentRuntimeVersions): older
    /// versions are READY, the latest has the runtime's status.
    pub(crate) fn version_summary(
        &self,
        account: &Account,
        version: i64,
        last_updated_ms: i64,
        description: Option<Value>,
    ) -> Value {
        let mut out = json!({
            "agentRuntimeArn": self.arn(account),
            "agentRuntimeId": self.agent_runtime_id,
            "agentRuntimeVersion": version.to_string(),
            "agentRuntimeName": self.name,
            "lastUpdatedAt": iso8601(last_updated_ms),
            "status": if version == self.latest_version { self.status() } else { "READY" },
        });
        if let Some(d) = description {
            out["description"] = d;
        }
        out
    }

    /// GetAgentRuntime's answer for one version's document.
    pub(crate) fn detail(
        &self,
        account: &Account,
        version: i64,
        document: &str,
    ) -> Result<Value, ApiError> {
        let mut doc = stored_document("agent runtime", &self.agent_runtime_id, document)?;
        doc.remove("tags");
        doc.insert("agentRuntimeArn".into(), json!(self.arn(account)));
        doc.insert("agentRuntimeId".into(), json!(self.agent_runtime_id));
        doc.insert("agentRuntimeName".into(), json!(self.name));
        doc.insert("agentRuntimeVersion".into(), json!(version.to_string()));
        doc.insert("createdAt".into(), json!(iso8601(self.created_at_ms)));
        doc.insert("lastUpdatedAt".into(), json!(iso8601(self.updated_at_ms)));
        doc.insert("status".into(), json!(self.status()));
        if let Some(reason) = &self.failure_reason {
            doc.insert("failureReason".into(), json!(reason));
        }
        doc.insert(
            "workloadIdentityDetails".into(),
            self.workload_identity(account),
        );
        Ok(Value::Object(doc))
    }
}

/// The runtime with this id, or ResourceNotFoundException.
pub(crate) fn require_runtime(conn: &Connection, id: &str) -> Result<RuntimeRow, ApiError> {
    require(conn, &[("agent_runtime_id", id)], || {
        ApiError::not_found(format!("Agent runtime '{id}' was not found."))
    })
}

/// A version's document and how it executes (`arm64`, `emulated`, `native`).
pub(crate) fn version_document(
    conn: &Connection,
    id: &str,
    version: i64,
) -> Result<(String, String), ApiError> {
    conn.prepare_cached(
        "SELECT document, execution FROM agent_runtime_versions \
         WHERE agent_runtime_id = ?1 AND version = ?2",
    )?
    .query_row(params![id, version], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?
    .ok_or_else(|| {
        ApiError::not_found(format!(
            "Version {version} of agent runtime '{id}' was not found."
        ))
    })
}
