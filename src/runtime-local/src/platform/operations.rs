//! Every operation the platform serves, classified once as a read or a
//! write. The read-only guard consults this table (an HTTP method says
//! nothing: ListAgentRuntimes is a POST, a gateway's search tool is a
//! `tools/call`), and so does the refusal of foreign browsers, to answer in
//! each API's own error shape. An operation missing from the table counts
//! as a write.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::observability::otlp::encoding::{Encoding, OtlpError};
use crate::platform::wire_errors::{ApiError, aws_json_error};

/// The API an operation belongs to; it decides the shape of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `bedrock-agentcore-control`, restJson1.
    ControlPlane,
    /// `bedrock-agentcore` (runtimes), restJson1.
    DataPlane,
    /// CloudWatch Logs, awsJson1.1 (`X-Amz-Target: Logs_20140328.*`).
    CloudWatchLogs,
    /// The OTLP/HTTP receiver.
    Otlp,
    /// A gateway's MCP endpoint (JSON-RPC).
    GatewayMcp,
    /// The platform's own listings (`/local/*`), restJson1-shaped.
    Local,
    /// The demo identity provider (OIDC discovery, JWKS, token endpoint).
    DemoIdentity,
    /// The demo services behind the demo gateways' targets.
    DemoServices,
}

/// Whether an operation can change anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Changes nothing; served by a read-only platform.
    Read,
    /// Creates, changes, deletes or runs something; refused read-only.
    Write,
    /// An MCP endpoint: each JSON-RPC message is judged by [`mcp_access`].
    PerMessage,
}

/// How a request names its operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selector {
    /// An HTTP method and route; `{}` stands for a path parameter, and a
    /// trailing slash is ignored.
    Route(&'static str, &'static str),
    /// A CloudWatch Logs operation: `POST /` with `X-Amz-Target: Logs_20140328.<name>`.
    LogsTarget(&'static str),
    /// A JSON-RPC method of a gateway's MCP endpoint; `notifications/*`
    /// stands for every notification.
    McpMethod(&'static str),
    /// `tools/call` of one named tool (judged before [`Selector::McpMethod`]).
    McpTool(&'static str),
}

/// One operation of one API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Its API.
    pub api: Api,
    /// Its name, as the API's SDKs or specification call it.
    pub name: &'static str,
    /// How requests name it.
    pub selector: Selector,
    /// Read or write.
    pub access: Access,
}

const LOGS_TARGET_PREFIX: &str = "Logs_20140328.";
pub(crate) use acc_domain::tool::SEARCH_TOOL;

macro_rules! operations {
    ($($api:ident $name:literal $selector:expr => $access:ident;)*) => {
        &[$(Operation {
            api: Api::$api,
            name: $name,
            selector: $selector,
            access: Access::$access,
        }),*]
    };
}

use Selector::{LogsTarget, McpMethod, McpTool, Route};

/// Every operation the platform serves.
pub const OPERATIONS: &[Operation] = operations! {
    ControlPlane "ListGateways" Route("GET", "/gateways") => Read;
    ControlPlane "CreateGateway" Route("POST", "/gateways") => Write;
    ControlPlane "GetGateway" Route("GET", "/gateways/{}") => Read;
    ControlPlane "UpdateGateway" Route("PUT", "/gateways/{}") => Write;
    ControlPlane "DeleteGateway" Route("DELETE", "/gateways/{}") => Write;
    ControlPlane "ListGatewayTargets" Route("GET", "/gateways/{}/targets") => Read;
    ControlPlane "CreateGatewayTarget" Route("POST", "/gateways/{}/targets") => Write;
    ControlPlane "GetGatewayTarget" Route("GET", "/gateways/{}/targets/{}") => Read;
    ControlPlane "UpdateGatewayTarget" Route("PUT", "/gateways/{}/targets/{}") => Write;
    ControlPlane "DeleteGatewayTarget" Route("DELETE", "/gateways/{}/targets/{}") => Write;
    ControlPlane "SynchronizeGatewayTargets" Route("PUT", "/gateways/{}/synchronizeTargets") => Write;
    ControlPlane "ListPolicyEngines" Route("GET", "/policy-engines") => Read;
    ControlPlane "CreatePolicyEngine" Route("POST", "/policy-engines") => Write;
    ControlPlane "GetPolicyEngine" Route("GET", "/policy-engines/{}") => Read;
    ControlPlane "UpdatePolicyEngine" Route("PATCH", "/policy-engines/{}") => Write;
    ControlPlane "DeletePolicyEngine" Route("DELETE", "/policy-engines/{}") => Write;
    ControlPlane "ListPolicies" Route("GET", "/policy-engines/{}/policies") => Read;
    ControlPlane "CreatePolicy" Route("POST", "/policy-engines/{}/policies") => Write;
    ControlPlane "GetPolicy" Route("GET", "/policy-engines/{}/policies/{}") => Read;
    ControlPlane "UpdatePolicy" Route("PATCH", "/policy-engines/{}/policies/{}") => Write;
    ControlPlane "DeletePolicy" Route("DELETE", "/policy-engines/{}/policies/{}") => Write;
    ControlPlane "ListAgentRuntimes" Route("POST", "/runtimes") => Read;
    ControlPlane "CreateAgentRuntime" Route("PUT", "/runtimes") => Write;
    ControlPlane "GetAgentRuntime" Route("GET", "/runtimes/{}") => Read;
    ControlPlane "UpdateAgentRuntime" Route("PUT", "/runtimes/{}") => Write;
    ControlPlane "DeleteAgentRuntime" Route("DELETE", "/runtimes/{}") => Write;
    ControlPlane "ListAgentRuntimeVersions" Route("POST", "/runtimes/{}/versions") => Read;
    ControlPlane "ListAgentRuntimeEndpoints" Route("POST", "/runtimes/{}/runtime-endpoints") => Read;
    ControlPlane "CreateAgentRuntimeEndpoint" Route("PUT", "/runtimes/{}/runtime-endpoints") => Write;
    ControlPlane "GetAgentRuntimeEndpoint" Route("GET", "/runtimes/{}/runtime-endpoints/{}") => Read;
    ControlPlane "CreateMemory" Route("POST", "/memories/create") => Write;
    ControlPlane "ListMemories" Route("POST", "/memories") => Read;
    ControlPlane "GetMemory" Route("GET", "/memories/{}/details") => Read;
    ControlPlane "UpdateMemory" Route("PUT", "/memories/{}/update") => Write;
    ControlPlane "DeleteMemory" Route("DELETE", "/memories/{}/delete") => Write;
    ControlPlane "ListTagsForResource" Route("GET", "/tags/{}") => Read;
    ControlPlane "TagResource" Route("POST", "/tags/{}") => Write;
    ControlPlane "UntagResource" Route("DELETE", "/tags/{}") => Write;
    DataPlane "CreateEvent" Route("POST", "/memories/{}/events") => Write;
    DataPlane "GetEvent" Route("GET", "/memories/{}/actor/{}/sessions/{}/events/{}") => Read;
    DataPlane "DeleteEvent" Route("DELETE", "/memories/{}/actor/{}/sessions/{}/events/{}") => Write;
    DataPlane "ListEvents" Route("POST", "/memories/{}/actor/{}/sessions/{}") => Read;
    DataPlane "ListActors" Route("POST", "/memories/{}/actors") => Read;
    DataPlane "ListSessions" Route("POST", "/memories/{}/actor/{}/sessions") => Read;
    DataPlane "RetrieveMemoryRecords" Route("POST", "/memories/{}/retrieve") => Read;
    DataPlane "ListMemoryRecords" Route("POST", "/memories/{}/memoryRecords") => Read;
    DataPlane "GetMemoryRecord" Route("GET", "/memories/{}/memoryRecord/{}") => Read;
    DataPlane "DeleteMemoryRecord" Route("DELETE", "/memories/{}/memoryRecords/{}") => Write;
    DataPlane "BatchCreateMemoryRecords" Route("POST", "/memories/{}/memoryRecords/batchCreate") => Write;
    DataPlane "BatchUpdateMemoryRecords" Route("POST", "/memories/{}/memoryRecords/batchUpdate") => Write;
    DataPlane "BatchDeleteMemoryRecords" Route("POST", "/memories/{}/memoryRecords/batchDelete") => Write;
    DataPlane "ListMemoryExtractionJobs" Route("POST", "/memories/{}/extractionJobs") => Read;
    DataPlane "StartMemoryExtractionJob" Route("POST", "/memories/{}/extractionJobs/start") => Write;
    // Running an agent can do anything the agent does.
    DataPlane "InvokeAgentRuntime" Route("POST", "/runtimes/{}/invocations") => Write;
    DataPlane "StopRuntimeSession" Route("POST", "/runtimes/{}/stopruntimesession") => Write;
    CloudWatchLogs "DescribeLogGroups" LogsTarget("DescribeLogGroups") => Read;
    CloudWatchLogs "DescribeLogStreams" LogsTarget("DescribeLogStreams") => Read;
    CloudWatchLogs "FilterLogEvents" LogsTarget("FilterLogEvents") => Read;
    CloudWatchLogs "GetLogEvents" LogsTarget("GetLogEvents") => Read;
    CloudWatchLogs "StartQuery" LogsTarget("StartQuery") => Read;
    CloudWatchLogs "GetQueryResults" LogsTarget("GetQueryResults") => Read;
    // A query stops by itself; stopping it changes nothing stored (and
    // the Logs model gives StopQuery no AccessDeniedException).
    CloudWatchLogs "StopQuery" LogsTarget("StopQuery") => Read;
    Otlp "ExportTraces" Route("POST", "/v1/traces") => Write;
    Otlp "ExportLogs" Route("POST", "/v1/logs") => Write;
    Otlp "ExportMetrics" Route("POST", "/v1/metrics") => Write;
    GatewayMcp "McpPost" Route("POST", "/gateways/{}/mcp") => PerMessage;
    // No server-initiated stream (405), and sessions hold no server state.
    GatewayMcp "McpGetStream" Route("GET", "/gateways/{}/mcp") => Read;
    GatewayMcp "McpEndSession" Route("DELETE", "/gateways/{}/mcp") => Read;
    GatewayMcp "initialize" McpMethod("initialize") => Read;
    GatewayMcp "ping" McpMethod("ping") => Read;
    GatewayMcp "tools/list" McpMethod("tools/list") => Read;
    GatewayMcp "notifications/*" McpMethod("notifications/*") => Read;
    // A tool can change anything its target can.
    GatewayMcp "tools/call" McpMethod("tools/call") => Write;
    // The built-in search tool only ranks the gateway's own catalog.
    GatewayMcp "tools/call x_amz_bedrock_agentcore_search" McpTool(SEARCH_TOOL) => Read;
    Local "ListRuntimeSessions" Route("GET", "/local/runtime-sessions") => Read;
    Local "GetRuntimeSession" Route("GET", "/local/runtime-sessions/{}") => Read;
    Local "ListSpans" Route("GET", "/local/spans") => Read;
    Local "GetOtlpStats" Route("GET", "/local/otlp") => Read;
    Local "ListMetricPoints" Route("GET", "/local/metrics") => Read;
    DemoIdentity "OpenIdConfiguration" Route("GET", "/demo/idp/.well-known/openid-configuration") => Read;
    DemoIdentity "Jwks" Route("GET", "/demo/idp/jwks.json") => Read;
    // Issuing a token stores nothing; read-only callers need one for JWT gateways.
    DemoIdentity "Token" Route("POST", "/demo/idp/token") => Read;
    DemoServices "ListWarehouses" Route("GET", "/demo/inventory/v1/warehouses") => Read;
    DemoServices "SearchItems" Route("GET", "/demo/inventory/v1/items") => Read;
    DemoServices "GetItem" Route("GET", "/demo/inventory/v1/items/{}") => Read;
    DemoServices "SetReorderPoint" Route("PUT", "/demo/inventory/v1/items/{}/reorder-point") => Write;
    DemoServices "ReserveStock" Route("POST", "/demo/inventory/v1/reservations") => Write;
    DemoServices "ReleaseReservation" Route("DELETE", "/demo/inventory/v1/reservations/{}") => Write;
    // Searches and reads fixed articles, whatever the JSON-RPC method.
    DemoServices "KnowledgeBaseMcp" Route("POST", "/demo/knowledge-base/mcp") => Read;
};

/// A request's operation as far as the table knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Judged {
    /// The API whose error shape a refusal takes.
    pub(crate) api: Api,
    /// The operation's name (`None`: not in the table).
    pub(crate) name: Option<&'static str>,
    /// `Write` for an operation missing from the table.
    pub(crate) access: Access,
}

/// Judge a routed request. A request no route matched is `None`: the
/// fallback answers it with `UnknownOperationException` and touches nothing.
pub(crate) fn judge(request: &Request) -> Option<Judged> {
    let route = request.extensions().get::<MatchedPath>()?.as_str();
    let route = normalize(route);
    // axum answers HEAD with the GET handler.
    let method = match request.method().as_str() {
        "HEAD" => "GET",
        method => method,
    };
    if route == "/" {
        let target = request
            .headers()
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let operation = target.strip_prefix(LOGS_TARGET_PREFIX).and_then(|name| {
            find(|s| matches!(s, LogsTarget(t) if t == name)).filter(|_| method == "POST")
        });
        return Some(judged(Api::CloudWatchLogs, operation));
    }
    let operation = find(|s| matches!(s, Route(m, r) if m == method && r == route));
    // A method the route does not serve still answers in its API's shape.
    let api = operation
        .or_else(|| find(|s| matches!(s, Route(_, r) if r == route)))
        .map_or(Api::ControlPlane, |o| o.api);
    Some(judged(api, operation))
}

/// Judge one JSON-RPC message to a gateway's MCP endpoint.
pub(crate) fn mcp_access(method: &str, params: &Value) -> Access {
    let tool = params.get("name").and_then(Value::as_str);
    let operation = match tool {
        Some(tool) if method == "tools/call" => find(|s| matches!(s, McpTool(t) if t == tool)),
        _ => None,
    }
    .or_else(|| {
        let key = if method.starts_with("notifications/") {
            "notifications/*"
        } else {
            method
        };
        find(|s| matches!(s, McpMethod(m) if m == key))
    });
    operation.map_or(Access::Write, |o| o.access)
}

fn judged(api: Api, operation: Option<&'static Operation>) -> Judged {
    Judged {
        api,
        name: operation.map(|o| o.name),
        access: operation.map_or(Access::Write, |o| o.access),
    }
}

fn find(mut matches: impl FnMut(Selector) -> bool) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| matches(o.selector))
}

/// `/gateways/{gateway_id}/` → `/gateways/{}`: the table does not depend
/// on how a route names its parameters, nor on botocore's trailing slash.
fn normalize(route: &str) -> String {
    let trimmed = route.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_owned();
    }
    trimmed
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Why a request is refused before any handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Read-only mode, or a browser page of another site (403).
    AccessDenied,
    /// A body over the platform's size limit (413).
    TooLarge,
}

impl Api {
    /// A refusal in this API's own error shape. `content_type` is the
    /// request's: the OTLP receiver answers in the encoding it was sent.
    pub(crate) fn refuse(
        self,
        why: Refusal,
        message: String,
        content_type: Option<&HeaderValue>,
    ) -> Response {
        let status = match why {
            Refusal::AccessDenied => StatusCode::FORBIDDEN,
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        };
        match (self, why) {
            (Api::GatewayMcp, _) => {
                // Nothing was read, so there is no id to answer to: `null`,
                // as JSON-RPC answers a request it cannot parse.
                let body = acc_mcp::jsonrpc::error(
                    Value::Null,
                    acc_mcp::protocol::error_code::INVALID_REQUEST,
                    message,
                    None,
                );
                (status, axum::Json(body)).into_response()
            }
            (Api::CloudWatchLogs, Refusal::AccessDenied) => {
                aws_json_error(status, "AccessDeniedException", &message)
            }
            (Api::CloudWatchLogs, Refusal::TooLarge) => {
                aws_json_error(status, "InvalidParameterException", &message)
            }
            (Api::Otlp, _) => {
                let json =
                    content_type.is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
                OtlpError::new(status, message).into_response(if json {
                    Encoding::Json
                } else {
                    Encoding::Protobuf
                })
            }
            (_, Refusal::AccessDenied) => ApiError::access_denied(message).into_response(),
            (_, Refusal::TooLarge) => ApiError::payload_too_large(message).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_selector_is_classified_once() {
        for (i, a) in OPERATIONS.iter().enumerate() {
            for b in &OPERATIONS[i + 1..] {
                assert_ne!(a.selector, b.selector, "{} and {}", a.name, b.name);
                assert!(
                    a.api != b.api || a.name != b.name,
                    "{} is listed twice",
                    a.name
                );
            }
        }
    }

    #[test]
    fn routes_are_normalized() {
        assert_eq!(normalize("/gateways/{gateway_id}/"), "/gateways/{}");
        assert_eq!(
            normalize("/runtimes/{runtime}/invocations"),
            "/runtimes/{}/invocations"
        );
        assert_eq!(normalize("/"), "/");
    }

    #[test]
    fn mcp_messages_are_judged_by_method_and_tool() {
        let search = json!({ "name": SEARCH_TOOL, "arguments": { "query": "x" } });
        assert_eq!(mcp_access("tools/call", &search), Access::Read);
        assert_eq!(
            mcp_access("tools/call", &json!({ "name": "crm___delete" })),
            Access::Write
        );
        assert_eq!(mcp_access("tools/call", &json!({})), Access::Write);
        assert_eq!(mcp_access("tools/list", &Value::Null), Access::Read);
        assert_eq!(
            mcp_access("notifications/initialized", &Value::Null),
            Access::Read
        );
        // Unknown: a write until someone classifies it.
        assert_eq!(mcp_access("resources/write", &Value::Null), Access::Write);
        // The search tool's name is not a method.
        assert_eq!(mcp_access(SEARCH_TOOL, &Value::Null), Access::Write);
    }
}
