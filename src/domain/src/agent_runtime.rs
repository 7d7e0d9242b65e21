//! Agent runtimes and their sessions, as the console shows them.

use serde::{Deserialize, Serialize};

/// The prefix of every runtime's log group.
pub const RUNTIME_LOG_PREFIX: &str = "/aws/bedrock-agentcore/runtimes/";
/// Where CloudWatch Transaction Search keeps spans, a JSON record each.
pub const SPANS_LOG_GROUP: &str = "aws/spans";

/// The log group of a runtime endpoint's sessions, as AgentCore names it.
pub fn runtime_log_group(runtime_id: &str, endpoint: &str) -> String {
    format!("{RUNTIME_LOG_PREFIX}{runtime_id}-{endpoint}")
}

/// `(runtime id, endpoint)` of a runtime log group's name. (Runtime ids
/// end in `-<suffix>`, so the endpoint is after the last `-`.)
pub fn parse_runtime_log_group(name: &str) -> Option<(&str, &str)> {
    name.strip_prefix(RUNTIME_LOG_PREFIX)?.rsplit_once('-')
}

/// An agent runtime (its latest version's configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentRuntime {
    /// The runtime id (`agentRuntimeId`), `<name>-<suffix>`.
    pub id: String,
    /// The runtime's ARN (`agentRuntimeArn`).
    pub arn: String,
    /// The runtime's name (`agentRuntimeName`).
    pub name: String,
    /// The newest version number (`agentRuntimeVersion`), e.g. `"3"`.
    pub latest_version: String,
    /// `READY`, `CREATING`, `UPDATING`, `CREATE_FAILED`, …
    pub status: String,
    /// The runtime's description; None when it has none.
    pub description: Option<String>,
    /// `containerConfiguration.containerUri`.
    pub artifact: String,
    /// Seconds a session may stay idle before it is ended
    /// (`lifecycleConfiguration.idleRuntimeSessionTimeout`; AgentCore's default
    /// is 900); None when not reported.
    pub idle_timeout_s: Option<i32>,
    /// Longest a session may live, in seconds
    /// (`lifecycleConfiguration.maxLifetime`); None when not reported.
    pub max_lifetime_s: Option<i32>,
    /// Its named endpoints (ListAgentRuntimeEndpoints), e.g. `DEFAULT`.
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
    /// The endpoint's name, e.g. `DEFAULT`.
    pub name: String,
    /// The version the endpoint is set to serve (`targetVersion`); None when not reported.
    pub target_version: Option<String>,
    /// The version it serves now (`liveVersion`); None until it is first `READY`.
    pub live_version: Option<String>,
    /// `READY`, `CREATING`, `UPDATING`, `CREATE_FAILED`, …
    pub status: String,
}

/// One session of a runtime.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeSession {
    /// The session id (`X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`).
    pub runtime_session_id: String,
    /// The id of the runtime the session belongs to.
    pub agent_runtime_id: String,
    /// The runtime's ARN; empty when the session was derived from logs.
    #[serde(default)]
    pub agent_runtime_arn: String,
    /// The runtime endpoint that serves it, e.g. `DEFAULT`; empty when unknown.
    #[serde(default)]
    pub endpoint: String,
    /// The runtime version the session runs; empty when unknown (live AWS).
    #[serde(default)]
    pub version: String,
    /// `native`, `arm64`, `emulated`; empty when unknown (live AWS).
    #[serde(default)]
    pub execution: String,
    /// `STARTING`, `HEALTHY`, `BUSY`, `STOPPED`; `ACTIVE`/`IDLE` when
    /// derived from logs.
    pub state: String,
    /// When the session started, ISO 8601; empty when unknown (live AWS).
    #[serde(default)]
    pub created_at: String,
    /// Seconds since the session started (or its first logged activity).
    #[serde(default)]
    pub age_seconds: i64,
    /// Seconds since its last activity.
    #[serde(default)]
    pub idle_seconds: i64,
    /// Invocations it has served (live AWS: counted from its root spans).
    #[serde(default)]
    pub invocations: u64,
    /// Local sessions only.
    #[serde(default)]
    pub cpu_seconds: Option<f64>,
    /// Resident memory of its processes, in bytes (local sessions only).
    #[serde(default)]
    pub memory_bytes: Option<u64>,
    /// Its lifecycle events, oldest first (local sessions only).
    #[serde(default)]
    pub events: Vec<SessionEvent>,
    /// Its recent invocations, oldest first (local sessions only).
    #[serde(default)]
    pub invocation_history: Vec<SessionInvocation>,
}

impl RuntimeSession {
    /// Its header, lifecycle and invocation history, a line each (the
    /// console's session view and `acc sessions show`).
    pub fn detail_lines(&self) -> Vec<String> {
        let mut lines = vec![
            format!(
                "# {} · {} · {} · {} invocation(s)",
                self.runtime_session_id, self.agent_runtime_id, self.state, self.invocations
            ),
            "# lifecycle".into(),
        ];
        lines.extend(
            self.events
                .iter()
                .map(|e| format!("{}  {}", clock(e.at_ms), e.event)),
        );
        lines.push(String::new());
        lines.push("# invocations".into());
        if self.invocation_history.is_empty() {
            lines.push("(none recorded: live AWS keeps no invocation list)".into());
        }
        lines.extend(self.invocation_history.iter().map(invocation_line));
        lines
    }
}

/// `12:00:01.250  200  ttfb 12 ms  1400 ms  2048 B  completed  user alice  jwt support-triage`
fn invocation_line(i: &SessionInvocation) -> String {
    let ms = |v: Option<f64>| v.map_or("—".to_owned(), |v| format!("{v:.0} ms"));
    let mut line = format!(
        "{}  {}  ttfb {}  {}  {} B  {}",
        clock(i.started_at_ms),
        i.status.map_or("—".to_owned(), |s| s.to_string()),
        ms(i.first_byte_ms),
        ms(i.duration_ms),
        i.bytes,
        i.outcome
    );
    if let Some(user) = &i.user_id {
        line.push_str(&format!("  user {user}"));
    }
    if let Some(caller) = &i.caller {
        line.push_str(&format!("  jwt {caller}"));
    }
    line
}

/// `HH:MM:SS.mmm` (UTC) of a Unix time in milliseconds.
pub fn clock(ms: i64) -> String {
    let day = ms.rem_euclid(86_400_000);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        day / 3_600_000,
        day / 60_000 % 60,
        day / 1000 % 60,
        day % 1000
    )
}

/// A span an agent exported (OTLP), as the local platform kept it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionSpan {
    /// The trace id, hex (`traceId`).
    pub trace_id: String,
    /// The span id, hex (`spanId`).
    pub span_id: String,
    /// The parent's span id (`parentSpanId`); empty for a root span.
    #[serde(default)]
    pub parent_span_id: String,
    /// The span's name (`name`), e.g. `agent.turn`.
    pub name: String,
    /// Start time, nanoseconds since the epoch (`startTimeUnixNano`).
    pub start_unix_nano: i64,
    /// End time, nanoseconds since the epoch (`endTimeUnixNano`).
    pub end_unix_nano: i64,
    /// 0 unset, 1 ok, 2 error.
    #[serde(default)]
    pub status_code: i64,
    /// The status message (`status.message`); empty when none was given.
    #[serde(default)]
    pub status_message: String,
    /// The exporting service (`resource.attributes.service.name`); empty when unknown.
    #[serde(default)]
    pub service: String,
}

/// Spans as an indented tree, depth-first with children in start order
/// (the trace tree's rows), a line each:
/// `12:00:00.030      250.0 ms  agent.turn` (children indented under
/// their parent; errors end with their message).
pub fn span_lines(spans: &[SessionSpan]) -> Vec<String> {
    let tree = crate::traces::TraceTree::build(spans.iter().map(Into::into).collect());
    (0..tree.rows.len()).map(|row| tree.row_line(row)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_nest_under_their_parent_in_start_order() {
        let span = |id: &str, parent: &str, start: i64, code: i64| SessionSpan {
            span_id: id.into(),
            parent_span_id: parent.into(),
            name: id.into(),
            start_unix_nano: start,
            end_unix_nano: start + 2_500_000,
            status_code: code,
            status_message: "no".into(),
            ..Default::default()
        };
        let lines = span_lines(&[
            span("grandchild", "child", 3_000_000, 1),
            span("root", "", 1_000_000, 1),
            span("child", "root", 2_000_000, 2),
        ]);
        assert_eq!(
            lines,
            [
                "00:00:00.001        2.5 ms  root",
                "00:00:00.002        2.5 ms    child  ERROR no",
                "00:00:00.003        2.5 ms      grandchild",
            ]
        );
    }
}

/// One invocation of a session, as the local platform recorded it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInvocation {
    /// The request id the platform gave it (a UUID, forwarded to the agent as
    /// `X-Amzn-Bedrock-AgentCore-Runtime-Request-Id`).
    pub request_id: String,
    /// When the invocation started, milliseconds since the epoch.
    pub started_at_ms: i64,
    /// The `X-Amzn-Bedrock-AgentCore-Runtime-User-Id` it carried; None when absent.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The verified JWT's subject, for JWT-authorized runtimes.
    #[serde(default)]
    pub caller: Option<String>,
    /// The agent's HTTP status; None until the agent answered.
    #[serde(default)]
    pub status: Option<u16>,
    /// Milliseconds from the start to the answer's first byte; None before any byte.
    #[serde(default)]
    pub first_byte_ms: Option<f64>,
    /// Milliseconds from the start to the end of the answer; None while it streams.
    #[serde(default)]
    pub duration_ms: Option<f64>,
    /// Bytes of answer body sent so far.
    #[serde(default)]
    pub bytes: u64,
    /// `streaming`, `completed`, `caller disconnected`, or what failed.
    pub outcome: String,
}

/// A lifecycle event of a session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionEvent {
    /// When it happened, milliseconds since the epoch.
    pub at_ms: i64,
    /// What happened, e.g. `starting (arm64)`, `busy (HealthyBusy)`, `stopped (…)`.
    pub event: String,
}
