//! The platform's one request-size limit ([`crate::server::MAX_BODY_BYTES`])
//! refused in each API's own wire shape. axum refuses an oversize body with
//! a `text/plain` 413 that no client can parse; [`shape_too_large`] turns it
//! into the error the caller's client reads: a restJson1
//! `ValidationException`, CloudWatch Logs' awsJson1.1
//! `InvalidParameterException`, a JSON-RPC error from an MCP endpoint, and
//! a `google.rpc.Status` from the OTLP receiver.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::operations::{self, Api};
use crate::otlp::{Encoding, OtlpError};
use crate::server::MAX_BODY_BYTES;
use crate::wire_errors::{ApiError, aws_json_error};

/// What every API says of a body over the limit.
pub(crate) fn too_large_message() -> String {
    format!(
        "The request body is larger than the acc local platform's limit of {} MiB; \
         send a smaller body.",
        MAX_BODY_BYTES >> 20
    )
}

/// Middleware: answer axum's plain-text 413 in the shape of the API the
/// request was for. A handler's own 413 (already in its API's shape) passes.
pub(crate) async fn shape_too_large(request: Request, next: Next) -> Response {
    let api = operations::judge(&request).map_or(Api::ControlPlane, |j| j.api);
    let json_request = is_json(request.headers().get(header::CONTENT_TYPE));
    let response = next.run(request).await;
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"));
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || !plain {
        return response;
    }
    let message = too_large_message();
    match api {
        Api::CloudWatchLogs => aws_json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "InvalidParameterException",
            &message,
        ),
        Api::GatewayMcp => {
            // No message could be read, so no id to answer to: `null`, as
            // JSON-RPC answers a request it cannot parse.
            let body = acc_mcp::jsonrpc::error(
                Value::Null,
                acc_mcp::protocol::error_code::INVALID_REQUEST,
                message,
                None,
            );
            (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response()
        }
        // The receiver's own error shape, in the request's encoding.
        Api::Otlp => OtlpError::too_large(message).into_response(if json_request {
            Encoding::Json
        } else {
            Encoding::Protobuf
        }),
        _ => ApiError::payload_too_large(message).into_response(),
    }
}

fn is_json(content_type: Option<&HeaderValue>) -> bool {
    content_type.is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_limit() {
        assert!(
            too_large_message().contains("16 MiB"),
            "{}",
            too_large_message()
        );
    }
}
