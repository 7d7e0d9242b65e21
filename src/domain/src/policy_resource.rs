//! Policy engines and policies as the console shows them.

use serde::Serialize;

/// A policy engine: a named collection of Cedar policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyEngine {
    /// The policy engine id (`policyEngineId`).
    pub id: String,
    /// The policy engine's ARN.
    pub arn: String,
    /// The policy engine's name.
    pub name: String,
    /// The engine's status, e.g. `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`.
    pub status: String,
    /// The engine's description; None when it has none.
    pub description: Option<String>,
}

/// One policy: one Cedar statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// The policy id (`policyId`).
    pub id: String,
    /// The policy's name; also its Cedar policy id in decisions and dry-runs.
    pub name: String,
    /// The id of the policy engine that holds it.
    pub engine_id: String,
    /// `ACTIVE`, `CREATING`, `CREATE_FAILED`, …
    pub status: String,
    /// Why the policy is in its status (`statusReasons`).
    pub status_reasons: Vec<String>,
    /// `ACTIVE` (decides) or `LOG_ONLY`.
    pub enforcement_mode: String,
    /// The Cedar statement text; empty when the definition is not Cedar text.
    pub statement: String,
    /// The policy's description; None when it has none.
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

/// What AgentCore allows as a policy engine or policy name.
pub const POLICY_NAME_PATTERN: &str = "[A-Za-z][A-Za-z0-9_]{0,47}";

/// Whether `s` matches [`POLICY_NAME_PATTERN`].
pub fn is_policy_name(s: &str) -> bool {
    s.len() <= 48
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
