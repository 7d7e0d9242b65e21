//! Each tool's last calls in this session, newest first: when, as whom,
//! how it ended, and what was sent, so a call can be made again.

use acc_domain::agent_runtime::clock;
use acc_domain::{CallerIdentity, ToolCallReport};
use serde_json::Value;

use crate::features::gateway::state::GatewayState;

/// Calls kept per tool.
pub const HISTORY_KEPT: usize = 20;

/// One call of a tool.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    /// When it was answered, `HH:MM:SS.mmm` UTC.
    pub at: String,
    /// Who it was made as.
    pub caller: CallerIdentity,
    /// The arguments sent.
    pub arguments: Value,
    /// `ok`, `tool error`, `JSON-RPC error -32602`, or `failed: …`.
    pub outcome: String,
}

/// How a call ended, in a few words.
pub fn outcome_of(result: &Result<ToolCallReport, String>) -> String {
    match result {
        Ok(report) => match (&report.rpc_error, report.is_error) {
            (Some(e), _) => format!("JSON-RPC error {}", e.code),
            (None, true) => "tool error".into(),
            (None, false) => "ok".into(),
        },
        Err(e) => format!("failed: {e}"),
    }
}

/// The calls of `tool` through `gateway_id`, newest first.
pub fn of<'a>(state: &'a GatewayState, gateway_id: &str, tool: &str) -> &'a [CallRecord] {
    state
        .call_history
        .get(&(gateway_id.to_owned(), tool.to_owned()))
        .map_or(&[], Vec::as_slice)
}

/// Keeps a call answered now, dropping the oldest past [`HISTORY_KEPT`].
pub(crate) fn record(
    state: &mut GatewayState,
    gateway_id: &str,
    tool: &str,
    (arguments, caller): (Value, CallerIdentity),
    outcome: String,
) {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let calls = state
        .call_history
        .entry((gateway_id.to_owned(), tool.to_owned()))
        .or_default();
    calls.insert(
        0,
        CallRecord {
            at: clock(now_ms),
            caller,
            arguments,
            outcome,
        },
    );
    calls.truncate(HISTORY_KEPT);
}
