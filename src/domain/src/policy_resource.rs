//! Policy engines and policies as the console shows them.

use serde::Serialize;

/// A policy engine: a named collection of Cedar policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyEngine {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub status: String,
    pub description: Option<String>,
}

/// One policy: one Cedar statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub engine_id: String,
    /// `ACTIVE`, `CREATING`, `CREATE_FAILED`, …
    pub status: String,
    pub status_reasons: Vec<String>,
    /// `ACTIVE` (decides) or `LOG_ONLY`.
    pub enforcement_mode: String,
    pub statement: String,
    pub description: Option<String>,
}

impl Policy {
    /// Whether the policy is part of the engine's deciding set: ACTIVE, or
    /// on its way there (CREATING, UPDATING), and not LOG_ONLY. A dry-run
    /// compares against this set, the one the engine is rolling out.
    pub fn decides(&self) -> bool {
        matches!(self.status.as_str(), "ACTIVE" | "CREATING" | "UPDATING")
            && self.enforcement_mode == "ACTIVE"
    }
}
