//! Agent runtimes and their sessions, as the console shows them.

use serde::{Deserialize, Serialize};

/// An agent runtime (its latest version's configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentRuntime {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub latest_version: String,
    /// `READY`, `CREATING`, `UPDATING`, `CREATE_FAILED`, …
    pub status: String,
    pub description: Option<String>,
    /// `containerConfiguration.containerUri`.
    pub artifact: String,
    pub idle_timeout_s: Option<i32>,
    pub max_lifetime_s: Option<i32>,
    pub endpoints: Vec<RuntimeEndpoint>,
    /// How callers authenticate: `IAM` (SigV4, the default) or `CUSTOM_JWT`
    /// (a bearer token over HTTPS; the AWS SDK cannot call these).
    #[serde(default)]
    pub inbound_auth: String,
    /// The customJWTAuthorizer's OIDC discovery URL.
    #[serde(default)]
    pub discovery_url: Option<String>,
}

impl AgentRuntime {
    /// Whether callers need a bearer token (a customJWTAuthorizer).
    pub fn is_jwt(&self) -> bool {
        self.inbound_auth == "CUSTOM_JWT"
    }

    /// `JWT` or `IAM`, for tables.
    pub fn auth_label(&self) -> &'static str {
        if self.is_jwt() { "JWT" } else { "IAM" }
    }

    /// How sessions execute: `native` for `native:` artifacts (a dev loop,
    /// not how AgentCore runs anything), `arm64` otherwise (emulated on x86
    /// hosts, which the session listing tells).
    pub fn architecture(&self) -> &'static str {
        if self.artifact.starts_with("native:") {
            "native"
        } else {
            "arm64"
        }
    }
}

/// A named endpoint of a runtime and the version it serves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeEndpoint {
    pub name: String,
    pub target_version: Option<String>,
    pub live_version: Option<String>,
    pub status: String,
}

/// One session of a runtime.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeSession {
    pub runtime_session_id: String,
    pub agent_runtime_id: String,
    #[serde(default)]
    pub agent_runtime_arn: String,
    #[serde(default)]
    pub endpoint: String,
    #[serde(default)]
    pub version: String,
    /// `native`, `arm64`, `emulated`; empty when unknown (live AWS).
    #[serde(default)]
    pub execution: String,
    /// `STARTING`, `HEALTHY`, `BUSY`, `STOPPED`; `ACTIVE`/`IDLE` when
    /// derived from logs.
    pub state: String,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub age_seconds: i64,
    #[serde(default)]
    pub idle_seconds: i64,
    #[serde(default)]
    pub invocations: u64,
    /// Local sessions only.
    #[serde(default)]
    pub cpu_seconds: Option<f64>,
    #[serde(default)]
    pub memory_bytes: Option<u64>,
    #[serde(default)]
    pub events: Vec<SessionEvent>,
}

/// A lifecycle event of a session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionEvent {
    pub at_ms: i64,
    pub event: String,
}
