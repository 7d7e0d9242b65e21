//! The platform's one request-size limit ([`MAX_BODY_BYTES`]), refused in
//! each API's own wire shape. axum refuses an oversize body with a
//! `text/plain` 413 that no client can parse; [`shape_too_large`] turns it
//! into the error the caller's client reads: a restJson1
//! `ValidationException`, CloudWatch Logs' awsJson1.1
//! `InvalidParameterException`, a JSON-RPC error from an MCP endpoint, and
//! a `google.rpc.Status` from the OTLP receiver. Small bodies are read whole
//! before anything answers ([`read_small_bodies`]), so an early error keeps
//! the connection.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::platform::operations::{self, Api, Refusal};
use crate::platform::wire_errors::ApiError;

/// Request bodies up to this size are accepted (inline OpenAPI documents and
/// tool catalogs can be large; AWS's own limits are below this).
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

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
    let content_type = request.headers().get(header::CONTENT_TYPE).cloned();
    let response = next.run(request).await;
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"));
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || !plain {
        return response;
    }
    api.refuse(
        Refusal::TooLarge,
        too_large_message(),
        content_type.as_ref(),
    )
}

/// Bodies up to this declared length are read whole before any guard or
/// handler runs ([`read_small_bodies`]).
pub(crate) const READ_AHEAD_BYTES: usize = 1024 * 1024;

/// Middleware: read a small body (by its `Content-Length`) to its end before
/// the request goes on. botocore writes the headers and the body in two
/// sends; an error answered from the headers alone (a bad path or session
/// id, a read-only refusal) would otherwise go out before the body came in,
/// and hyper closes a connection whose request body is left unread, so the
/// client's next call on it fails with a closed connection. Larger bodies
/// (invocation payloads, big catalogs) stream to their handlers as before.
pub(crate) async fn read_small_bodies(request: Request, next: Next) -> Response {
    let small = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|length| length > 0 && length <= READ_AHEAD_BYTES);
    if !small {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, READ_AHEAD_BYTES).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        // The client broke off its own request: nobody reads this answer.
        Err(e) => ApiError::cannot_parse(format!("The request body could not be read: {e}"))
            .into_response(),
    }
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
