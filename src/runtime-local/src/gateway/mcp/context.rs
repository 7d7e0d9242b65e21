//! What every MCP method of a gateway is answered with: the gateway the
//! request addressed, its verified caller and its trace.

use serde_json::Value;

use crate::gateway::capture_store::Capture;
use crate::gateway::state::GatewayState;
use crate::identity::caller::CallerIdentity;
use crate::observability::otlp::trace_context::TraceParent;

/// The gateway a request addressed.
#[derive(Debug, Clone)]
pub(crate) struct Gateway {
    /// Its id.
    pub(crate) id: String,
    /// Its name.
    pub(crate) name: String,
    /// Its ARN (the Cedar resource, and what captures record).
    pub(crate) arn: String,
    /// The stored document: authorizer, protocol configuration, …
    pub(crate) document: Value,
}

impl Gateway {
    /// The gateway offers the built-in search tool.
    pub(crate) fn searchable(&self) -> bool {
        self.document
            .pointer("/protocolConfiguration/mcp/searchType")
            .and_then(Value::as_str)
            == Some("SEMANTIC")
    }
}

/// What every method handler needs.
pub(crate) struct CallContext<'a> {
    /// The gateway service.
    pub(crate) state: &'a GatewayState,
    /// The gateway addressed.
    pub(crate) gateway: &'a Gateway,
    /// Who called, as the gateway's authorizer verified.
    pub(crate) caller: &'a CallerIdentity,
    /// The X-Ray trace id captures record.
    pub(crate) trace_id: &'a str,
    /// The caller's trace and span, which the gateway's span continues (the
    /// same trace as `trace_id`).
    pub(crate) trace: &'a TraceParent,
}

impl CallContext<'_> {
    /// Store a capture, unless the platform is read-only: a capture is a write.
    pub(crate) async fn keep(&self, capture: Capture) {
        if !self.state.read_only {
            self.state.captures.record(capture).await;
        }
    }
}
