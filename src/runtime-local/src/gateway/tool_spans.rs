//! The gateway's own span per MCP `tools/call`: a SERVER span named
//! `tools/call <tool>` in the caller's trace (its W3C `traceparent`, else
//! its X-Ray header, else a new trace), tied to the call's capture and its
//! Cedar decision. It is built from the masked capture and committed in the
//! capture's own transaction (group commit), so it costs the call no write
//! of its own, and stored like every received span (`spans` and `aws/spans`).

use std::sync::Arc;

use acc_domain::cedar_model::evaluation::PolicyDecision;
use acc_domain::{CaptureOutcome, CapturedCall};
use serde_json::{Map, Value, json};

use crate::observability::otlp::SpanRecord;
use crate::observability::otlp::trace_context::{TraceParent, new_id};

/// The `service.name` of the spans the platform writes about its own work.
pub(crate) const PLATFORM_SERVICE_NAME: &str = "acc-local-platform";

/// OTLP's SERVER span kind.
const SERVER: i64 = 2;

/// Where a call's span sits and when the call arrived.
#[derive(Debug, Clone)]
pub(crate) struct CallSpan {
    /// The caller's trace and span (or a new trace).
    pub(crate) parent: TraceParent,
    /// When the call arrived (Unix ns).
    pub(crate) start_unix_nano: i64,
}

/// Unix time now in nanoseconds.
pub(crate) fn now_unix_nano() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The span of the captured `call` (secrets already masked), placed by
/// `at`, lasting `latency_ns`.
pub(crate) fn span_of(call: &CapturedCall, at: &CallSpan, latency_ns: i64) -> SpanRecord {
    let mut attributes = Map::new();
    let mut put = |key: &str, value: Value| {
        attributes.insert(key.to_owned(), value);
    };
    put("gen_ai.operation.name", json!("execute_tool"));
    put("gen_ai.tool.name", json!(call.tool));
    put("mcp.method.name", json!("tools/call"));
    put("aws.agentcore.gateway.capture_id", json!(call.capture_id));
    put("aws.agentcore.gateway.id", json!(call.gateway_id));
    put(
        "aws.agentcore.gateway.outcome",
        json!(call.outcome.as_str()),
    );
    if !call.target.is_empty() {
        put("aws.agentcore.gateway.target", json!(call.target));
    }
    if let Some(policy) = &call.policy {
        let decision = match policy.decision {
            PolicyDecision::Allow => "ALLOW",
            PolicyDecision::Deny => "DENY",
        };
        put("aws.agentcore.policy.decision", json!(decision));
        put("aws.agentcore.policy.mode", json!(policy.mode));
    }
    let (status_code, status_message) = match call.outcome {
        CaptureOutcome::Ok => (0, String::new()),
        CaptureOutcome::ToolError | CaptureOutcome::Denied => (
            2,
            call.detail
                .clone()
                .unwrap_or_else(|| call.outcome.as_str().to_owned()),
        ),
    };
    let resource: Map<String, Value> = [
        ("service.name", json!(PLATFORM_SERVICE_NAME)),
        ("cloud.platform", json!("aws_bedrock_agentcore")),
        ("cloud.resource_id", json!(call.gateway_arn)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    SpanRecord {
        trace_id: at.parent.trace_id.clone(),
        span_id: new_id(8),
        parent_span_id: at.parent.parent_span_id.clone(),
        name: format!("tools/call {}", call.tool),
        kind: SERVER,
        start_unix_nano: at.start_unix_nano,
        end_unix_nano: at.start_unix_nano.saturating_add(latency_ns.max(1)),
        status_code,
        status_message,
        service: PLATFORM_SERVICE_NAME.to_owned(),
        session_id: String::new(),
        attributes,
        resource: Arc::new(resource),
    }
}
