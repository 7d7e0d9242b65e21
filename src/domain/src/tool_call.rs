//! One `tools/call` as the console made it: what was sent, what came back,
//! and how long it took.

use serde::Serialize;
use serde_json::Value;

/// A JSON-RPC error answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RpcError {
    /// The JSON-RPC error code, e.g. -32602 (invalid params).
    pub code: i64,
    /// The error's message.
    pub message: String,
}

/// The report of one tool call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCallReport {
    /// `<Target>___<tool>`.
    pub tool: String,
    /// The JSON-RPC request sent.
    pub request: Value,
    /// The JSON-RPC response received.
    pub response: Value,
    /// Measured by the client, request to whole reply.
    pub latency_ms: f64,
    /// The result's content items.
    pub content: Vec<Value>,
    /// The result's `structuredContent`; None when the tool returned none.
    pub structured_content: Option<Value>,
    /// The tool reported a failure (`isError: true`).
    pub is_error: bool,
    /// The gateway answered a JSON-RPC error instead of a result.
    pub rpc_error: Option<RpcError>,
}
