//! Request capture: every `tools/call` through a gateway is stored in SQLite
//! and written as a JSON line to the gateway's APPLICATION_LOGS log group.

use std::time::Duration;

use serde_json::Value;

use crate::inbound_auth::CallerIdentity;

/// How a captured call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The target answered a result.
    Ok,
    /// The target answered `isError: true` (or failed downstream).
    ToolError,
    /// Refused before reaching the target (policy, read-only).
    Denied,
}

/// One `tools/call`, as the gateway saw it.
#[derive(Debug, Clone)]
pub(crate) struct Capture {
    pub(crate) gateway_id: String,
    pub(crate) target_name: String,
    /// Qualified: `<Target>___<tool>`.
    pub(crate) tool_name: String,
    pub(crate) caller: CallerIdentity,
    pub(crate) arguments: Value,
    pub(crate) outcome: Outcome,
    /// Why it failed or was denied.
    pub(crate) detail: Option<String>,
    pub(crate) latency: Duration,
    pub(crate) trace_id: String,
    /// When the call arrived (Unix ms).
    pub(crate) at_ms: i64,
}

/// Writes captures durably, batching concurrent calls into one transaction.
#[derive(Debug, Default)]
pub(crate) struct CaptureRecorder {}

impl CaptureRecorder {
    /// Store one capture; returns once it is committed.
    pub(crate) async fn record(&self, _capture: Capture) {}
}
