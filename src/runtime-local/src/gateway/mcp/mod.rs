//! Each gateway's MCP endpoint: Streamable HTTP at `/gateways/<id>/mcp`
//! (the `gatewayUrl` GetGateway returns). JSON-RPC arrives by POST and is
//! answered as `application/json` or `text/event-stream`, whichever the
//! client accepts (JSON when it accepts both). There is no server-initiated
//! stream, so GET answers 405 as the spec allows.
//!
//! Order of work per request: the gateway must exist, the caller must pass
//! the gateway's inbound authorizer, then each JSON-RPC message is answered
//! by [`methods`]. A bad message gets a JSON-RPC error; nothing a client
//! sends can take the endpoint down.

mod context;
mod methods;
mod rpc_error;
mod search_tool;
mod tools_call;

use std::sync::Arc;

use acc_mcp::jsonrpc::{self, Incoming};
use acc_mcp::protocol::{
    PROTOCOL_VERSION_HEADER, SESSION_ID_HEADER, SUPPORTED_VERSIONS, error_code,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

use crate::gateway::gateway_row::find_gateway;
use crate::gateway::state::GatewayState;
use crate::identity::caller::AuthRejection;
use crate::observability::otlp::trace_context::TraceParent;
use crate::platform::ids;
use crate::platform::validation::{GATEWAY_ID, check_id};
use context::{CallContext, Gateway};

/// Routes of the gateways' MCP endpoints.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<GatewayState>: FromRef<S>,
{
    Router::new().route(
        "/gateways/{gateway_id}/mcp",
        post(handle_post).get(no_stream).delete(end_session),
    )
}

async fn handle_post(
    State(state): State<Arc<GatewayState>>,
    Path(gateway_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let gateway = match load_gateway(&state, &gateway_id).await {
        Ok(gateway) => gateway,
        Err(response) => return response,
    };
    let caller = match state
        .inbound
        .authenticate(&gateway.document, &headers)
        .await
    {
        Ok(caller) => caller,
        Err(rejection) => return rejected(rejection),
    };
    if let Some(version) = headers.get(PROTOCOL_VERSION_HEADER)
        && !SUPPORTED_VERSIONS
            .iter()
            .any(|v| version.as_bytes() == v.as_bytes())
    {
        let message = format!(
            "Unsupported MCP-Protocol-Version {:?}; this gateway speaks {}.",
            String::from_utf8_lossy(version.as_bytes()),
            SUPPORTED_VERSIONS.join(", ")
        );
        return json_reply(
            StatusCode::BAD_REQUEST,
            &jsonrpc::error(Value::Null, error_code::INVALID_REQUEST, message, None),
        );
    }
    let (trace_id, trace) = trace_of(&headers);
    let incoming = match jsonrpc::parse(&body) {
        Ok(incoming) => incoming,
        Err(error) => return json_reply(StatusCode::BAD_REQUEST, &error),
    };
    let context = CallContext {
        state: &state,
        gateway: &gateway,
        caller: &caller,
        trace_id: &trace_id,
        trace: &trace,
    };
    let (responses, batch, initialized) = match incoming {
        Incoming::Responses => return StatusCode::ACCEPTED.into_response(),
        Incoming::Single(message) => {
            let initialize = matches!(&message, Ok(m) if m.method == "initialize");
            let response = answer(&context, message).await;
            (response.into_iter().collect::<Vec<_>>(), false, initialize)
        }
        Incoming::Batch(messages) => {
            let initialize = messages
                .iter()
                .any(|m| matches!(m, Ok(m) if m.method == "initialize"));
            let mut responses = Vec::new();
            for message in messages {
                responses.extend(answer(&context, message).await);
            }
            (responses, true, initialize)
        }
    };
    if responses.is_empty() {
        // Only notifications: accepted, nothing to say.
        return StatusCode::ACCEPTED.into_response();
    }
    let mut response = if wants_json(&headers) {
        let body = if batch {
            Value::Array(responses)
        } else {
            responses.into_iter().next().unwrap_or(Value::Null)
        };
        json_reply(StatusCode::OK, &body)
    } else {
        let stream: String = responses.iter().map(jsonrpc::sse_frame).collect();
        (
            [
                (header::CONTENT_TYPE, "text/event-stream"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            stream,
        )
            .into_response()
    };
    if initialized {
        let session = uuid::Uuid::new_v4().hyphenated().to_string();
        if let Ok(value) = HeaderValue::from_str(&session) {
            response.headers_mut().insert(SESSION_ID_HEADER, value);
        }
    }
    response
}

async fn answer(
    context: &CallContext<'_>,
    message: Result<jsonrpc::Message, Value>,
) -> Option<Value> {
    match message {
        Err(error) => Some(error),
        Ok(message) => methods::dispatch(context, message).await,
    }
}

/// JSON unless the client accepts only an event stream.
fn wants_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let accept = accept.to_ascii_lowercase();
    accept.is_empty()
        || accept.contains("application/json")
        || accept.contains("*/*")
        || !accept.contains("text/event-stream")
}

async fn load_gateway(state: &GatewayState, gateway_id: &str) -> Result<Gateway, Response> {
    // The id in the URL is checked like every id (validation's table).
    let checked = check_id("gatewayIdentifier", gateway_id, &GATEWAY_ID);
    if let Err(e) = checked {
        let error = jsonrpc::error(Value::Null, error_code::INVALID_REQUEST, e.message, None);
        return Err(json_reply(StatusCode::BAD_REQUEST, &error));
    }
    let id = gateway_id.to_owned();
    let row = state
        .store
        .read(move |conn| find_gateway(conn, &id))
        .await
        .map_err(|e| internal(&e.to_string()))?;
    let Some(row) = row else {
        return Err(json_reply(
            StatusCode::NOT_FOUND,
            &jsonrpc::error(
                Value::Null,
                error_code::INVALID_REQUEST,
                format!(
                    "Gateway '{gateway_id}' was not found. Check the gateway URL (GetGateway's gatewayUrl)."
                ),
                None,
            ),
        ));
    };
    let document = Value::Object(row.document().map_err(|e| internal(&e.to_string()))?);
    Ok(Gateway {
        arn: ids::gateway_arn(
            &state.account.region,
            &state.account.account_id,
            &row.gateway_id,
        ),
        id: row.gateway_id.clone(),
        name: row.name.clone(),
        document,
    })
}

fn rejected(rejection: AuthRejection) -> Response {
    let status = StatusCode::from_u16(rejection.status).unwrap_or(StatusCode::UNAUTHORIZED);
    let mut response = json_reply(
        status,
        &jsonrpc::error(
            Value::Null,
            error_code::INVALID_REQUEST,
            rejection.message,
            None,
        ),
    );
    if let Ok(value) = HeaderValue::from_str(&rejection.www_authenticate) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

fn internal(message: &str) -> Response {
    tracing::error!(%message, "gateway MCP endpoint failed");
    json_reply(
        StatusCode::INTERNAL_SERVER_ERROR,
        &jsonrpc::error(Value::Null, error_code::INTERNAL_ERROR, message, None),
    )
}

fn json_reply(status: StatusCode, body: &Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// The call's trace, as captures record it (X-Ray's form) and as its span
/// continues it: the caller's X-Ray header, else its W3C `traceparent`,
/// else a new trace. Both name the same trace; the span's parent is the
/// caller's span when either header names one.
fn trace_of(headers: &HeaderMap) -> (String, TraceParent) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let xray_field = |key: &str| {
        header("x-amzn-trace-id").and_then(|v| {
            v.split(';')
                .find_map(|part| part.trim().strip_prefix(key))
                .map(str::to_owned)
        })
    };
    let traceparent = header("traceparent").and_then(TraceParent::parse);
    match xray_field("Root=") {
        Some(root) => {
            let parent = xray_field("Parent=");
            // A traceparent of the same trace names the closer parent.
            let trace = match (
                TraceParent::from_xray(&root, parent.as_deref()),
                traceparent,
            ) {
                (Some(xray), Some(w3c)) if w3c.trace_id == xray.trace_id => w3c,
                (Some(xray), _) => xray,
                (None, w3c) => w3c.unwrap_or_else(TraceParent::new_trace),
            };
            (root, trace)
        }
        None => {
            let trace = traceparent.unwrap_or_else(TraceParent::new_trace);
            (trace.xray_trace_id(), trace)
        }
    }
}

/// No server-initiated stream: the spec's answer is 405.
async fn no_stream() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, "POST, DELETE")],
        "This gateway sends no server-initiated messages; POST JSON-RPC requests instead.",
    )
        .into_response()
}

/// Sessions hold no server state, so ending one always succeeds.
async fn end_session() -> StatusCode {
    StatusCode::OK
}
