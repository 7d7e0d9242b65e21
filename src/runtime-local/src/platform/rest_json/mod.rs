//! The restJson1 plumbing of the AgentCore control plane
//! (`bedrock-agentcore-control`): what every service's handlers share to
//! speak the paths, methods and members of `aws-sdk-bedrockagentcorecontrol`.
//! Bodies are parsed and cut to the members the SDK models
//! ([`request_members`]), path labels are checked as ids before any handler
//! runs, lists read their page from the query string, and answers are 200
//! OK or 202 Accepted.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{
    BytesRejection, PathRejection, QueryRejection, RawPathParamsRejection,
};
use axum::extract::{Path, Query, RawPathParams, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde_json::Value;

use crate::platform::pagination::{ListKind, PageRequest};
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;

mod request_members;

/// A control-plane handler's answer: a status and a JSON body, or an AWS error.
pub(crate) type Answer = Result<(StatusCode, axum::Json<Value>), ApiError>;
/// A request body, as axum hands it over (a read failure is reported by [`parse_input`]).
pub(crate) type Body = Result<Bytes, BytesRejection>;
/// Path parameters, as axum hands them over (reported by [`path_param`]).
pub(crate) type PathParams<T> = Result<Path<T>, PathRejection>;
/// The query string's pairs, as axum hands them over (reported by [`page`]).
pub(crate) type QueryPairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// A service's control-plane routes. Each is registered with and without a
/// trailing slash (the Rust SDK requests `/gateways`, botocore's model says
/// `/gateways/`), and its path labels are checked as ids first.
pub(crate) fn control_plane_routes<S>(routes: Vec<(&str, MethodRouter<S>)>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, method_router)| {
            router
                .route(path, method_router.clone())
                .route(&format!("{path}/"), method_router)
        })
        .route_layer(middleware::from_fn(checked_path_ids))
}

/// Every path label is an id, checked against its AWS pattern before any
/// handler sees it (an id is only ever looked up, but a malformed one gets
/// AWS's ValidationException, not a confusing "not found").
async fn checked_path_ids(
    labels: Result<RawPathParams, RawPathParamsRejection>,
    request: Request,
    next: Next,
) -> Response {
    let checked = match &labels {
        Ok(labels) => crate::platform::validation::check_path_ids(labels),
        Err(e) => Err(ApiError::cannot_parse(format!(
            "Invalid path parameter: {e}; identifiers are ASCII."
        ))),
    };
    match checked {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// Members a request cannot set are dropped, as are explicit nulls (an
/// absent member and a null one mean the same in the model). The rest is the
/// resource's document, kept verbatim.
pub(crate) fn input_document(mut input: Object, computed: &[&str]) -> Object {
    input.retain(|key, value| !value.is_null() && !computed.contains(&key.as_str()));
    input
}

/// The body of `operation` as a JSON object holding only the members its
/// model has ([`request_members`]).
pub(crate) fn parse_input(body: Body, operation: &'static str) -> Result<Object, ApiError> {
    let mut input = parse_body(body)?;
    request_members::keep_modelled(operation, &mut input)
        .ok_or_else(|| ApiError::internal(format_args!("{operation} has no request model")))?;
    Ok(input)
}

/// The request body as a JSON object. An empty body is an empty object
/// (required members are then reported missing, by name).
pub(crate) fn parse_body(body: Body) -> Result<Object, ApiError> {
    let bytes = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::payload_too_large(crate::platform::body_limits::too_large_message())
        }
        _ => ApiError::cannot_parse(format!("Cannot read the request body: {e}")),
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Object::new());
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(ApiError::cannot_parse(format!(
            "The request body must be a JSON object, but it is {}.",
            match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "null",
            }
        ))),
        Err(e) => Err(ApiError::cannot_parse(format!(
            "The request body is not valid JSON: {e}."
        ))),
    }
}

/// The path's parameters, or ValidationException saying why they do not parse.
pub(crate) fn path_param<T>(path: PathParams<T>) -> Result<T, ApiError> {
    path.map(|Path(value)| value)
        .map_err(|e| ApiError::cannot_parse(format!("Invalid path parameter: {e}")))
}

/// The page a list request asks for (`maxResults`, `nextToken`).
pub(crate) fn page(query: QueryPairs, kind: ListKind) -> Result<PageRequest, ApiError> {
    let Query(pairs) =
        query.map_err(|e| ApiError::cannot_parse(format!("Invalid query string: {e}")))?;
    PageRequest::from_query(&pairs, kind)
}

/// A read's answer: 200 OK.
pub(crate) fn ok(body: Value) -> Answer {
    Ok((StatusCode::OK, axum::Json(body)))
}

/// Create, update, delete and sync answer 202 Accepted, as the model says:
/// the work finishes asynchronously (see [`crate::platform::lifecycle`]).
pub(crate) fn accepted(body: Value) -> Answer {
    Ok((StatusCode::ACCEPTED, axum::Json(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_must_be_json_objects() {
        assert!(parse_body(Ok(Bytes::from_static(b" "))).unwrap().is_empty());
        let err = parse_body(Ok(Bytes::from_static(b"{\"name\": "))).unwrap_err();
        assert!(err.message.contains("not valid JSON"), "{}", err.message);
        let err = parse_body(Ok(Bytes::from_static(b"[1]"))).unwrap_err();
        assert!(err.message.contains("an array"), "{}", err.message);
    }
}
