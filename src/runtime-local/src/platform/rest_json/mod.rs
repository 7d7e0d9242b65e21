//! The AgentCore control plane (`bedrock-agentcore-control`), restJson1:
//! the paths, methods and members of `aws-sdk-bedrockagentcorecontrol`.
//!
//! Each route is registered with and without a trailing slash: the Rust SDK
//! requests `/gateways`, botocore's model says `/gateways/`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{
    BytesRejection, PathRejection, QueryRejection, RawPathParamsRejection,
};
use axum::extract::{Path, Query, RawPathParams, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post, put};
use serde_json::Value;

use crate::platform::pagination::{ListKind, PageRequest};
use crate::platform::state::PlatformState;
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;

mod request_members;

use crate::gateway::{gateways, targets};
use crate::policy::engines as policy_engines;
use crate::policy::policies;
use crate::runtime::agent_runtimes;
use crate::runtime::endpoints as runtime_endpoints;

type Shared = State<Arc<PlatformState>>;
type Answer = Result<(StatusCode, axum::Json<Value>), ApiError>;

/// The control-plane routes.
pub(crate) fn routes() -> Router<Arc<PlatformState>> {
    let mut router = Router::new();
    let mut both = |path: &str, method_router: MethodRouter<Arc<PlatformState>>| {
        router = std::mem::take(&mut router)
            .route(path, method_router.clone())
            .route(&format!("{path}/"), method_router);
    };
    both("/gateways", get(list_gateways).post(create_gateway));
    both(
        "/gateways/{gateway_id}",
        get(get_gateway).put(update_gateway).delete(delete_gateway),
    );
    both(
        "/gateways/{gateway_id}/targets",
        get(list_gateway_targets).post(create_gateway_target),
    );
    both(
        "/gateways/{gateway_id}/targets/{target_id}",
        get(get_gateway_target)
            .put(update_gateway_target)
            .delete(delete_gateway_target),
    );
    both(
        "/gateways/{gateway_id}/synchronizeTargets",
        put(synchronize_gateway_targets),
    );
    both(
        "/policy-engines",
        get(list_policy_engines).post(create_policy_engine),
    );
    both(
        "/policy-engines/{engine_id}",
        get(get_policy_engine)
            .patch(update_policy_engine)
            .delete(delete_policy_engine),
    );
    both(
        "/policy-engines/{engine_id}/policies",
        get(list_policies).post(create_policy),
    );
    both(
        "/policy-engines/{engine_id}/policies/{policy_id}",
        get(get_policy).patch(update_policy).delete(delete_policy),
    );
    both(
        "/runtimes",
        post(list_agent_runtimes).put(create_agent_runtime),
    );
    both(
        "/runtimes/{runtime_id}",
        get(get_agent_runtime)
            .put(update_agent_runtime)
            .delete(delete_agent_runtime),
    );
    both(
        "/runtimes/{runtime_id}/versions",
        post(list_agent_runtime_versions),
    );
    both(
        "/runtimes/{runtime_id}/runtime-endpoints",
        post(list_runtime_endpoints).put(create_runtime_endpoint),
    );
    both(
        "/runtimes/{runtime_id}/runtime-endpoints/{endpoint}",
        get(get_runtime_endpoint),
    );
    router.route_layer(middleware::from_fn(checked_path_ids))
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
fn parse_input(
    body: Result<Bytes, BytesRejection>,
    operation: &'static str,
) -> Result<Object, ApiError> {
    let mut input = parse_body(body)?;
    request_members::keep_modelled(operation, &mut input)
        .ok_or_else(|| ApiError::internal(format_args!("{operation} has no request model")))?;
    Ok(input)
}

/// The request body as a JSON object. An empty body is an empty object
/// (required members are then reported missing, by name).
fn parse_body(body: Result<Bytes, BytesRejection>) -> Result<Object, ApiError> {
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

fn path_param<T>(path: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    path.map(|Path(value)| value)
        .map_err(|e| ApiError::cannot_parse(format!("Invalid path parameter: {e}")))
}

fn page(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    kind: ListKind,
) -> Result<PageRequest, ApiError> {
    let Query(pairs) =
        query.map_err(|e| ApiError::cannot_parse(format!("Invalid query string: {e}")))?;
    PageRequest::from_query(&pairs, kind)
}

fn ok(body: Value) -> Answer {
    Ok((StatusCode::OK, axum::Json(body)))
}

/// Create, update, delete and sync answer 202 Accepted, as the model says:
/// the work finishes asynchronously (see `lifecycle`).
fn accepted(body: Value) -> Answer {
    Ok((StatusCode::ACCEPTED, axum::Json(body)))
}

async fn create_gateway(State(ctx): Shared, body: Result<Bytes, BytesRejection>) -> Answer {
    accepted(gateways::create_gateway(&ctx, parse_input(body, "CreateGateway")?).await?)
}

async fn get_gateway(State(ctx): Shared, id: Result<Path<String>, PathRejection>) -> Answer {
    ok(gateways::get_gateway(&ctx, path_param(id)?).await?)
}

async fn list_gateways(
    State(ctx): Shared,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    ok(gateways::list_gateways(&ctx, page(query, ListKind::Gateways)?).await?)
}

async fn update_gateway(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let id = path_param(id)?;
    accepted(gateways::update_gateway(&ctx, id, parse_input(body, "UpdateGateway")?).await?)
}

async fn delete_gateway(State(ctx): Shared, id: Result<Path<String>, PathRejection>) -> Answer {
    accepted(gateways::delete_gateway(&ctx, path_param(id)?).await?)
}

async fn create_gateway_target(
    State(ctx): Shared,
    requester: agent_runtimes::Requester,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let id = path_param(id)?;
    let input = marked_target(&requester, parse_input(body, "CreateGatewayTarget")?);
    accepted(targets::create_gateway_target(&ctx, id, input).await?)
}

/// A target's create or update input, marked when a session may have made
/// it: the platform then calls it as the session's egress proxy would,
/// never on this machine ([`crate::gateway::target_calls::http_for`]).
fn marked_target(requester: &agent_runtimes::Requester, mut input: Object) -> Object {
    if requester.may_be_a_session() {
        input.insert(
            crate::gateway::target_calls::MADE_BY_A_SESSION.into(),
            Value::Bool(true),
        );
    }
    input
}

async fn list_gateway_targets(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    let id = path_param(id)?;
    ok(targets::list_gateway_targets(&ctx, id, page(query, ListKind::GatewayTargets)?).await?)
}

async fn get_gateway_target(
    State(ctx): Shared,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let (gateway_id, target_id) = path_param(ids)?;
    ok(targets::get_gateway_target(&ctx, gateway_id, target_id).await?)
}

async fn update_gateway_target(
    State(ctx): Shared,
    requester: agent_runtimes::Requester,
    ids: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let (gateway_id, target_id) = path_param(ids)?;
    let input = marked_target(&requester, parse_input(body, "UpdateGatewayTarget")?);
    accepted(targets::update_gateway_target(&ctx, gateway_id, target_id, input).await?)
}

async fn delete_gateway_target(
    State(ctx): Shared,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let (gateway_id, target_id) = path_param(ids)?;
    accepted(targets::delete_gateway_target(&ctx, gateway_id, target_id).await?)
}

async fn synchronize_gateway_targets(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let id = path_param(id)?;
    accepted(
        targets::synchronize_gateway_targets(
            &ctx,
            id,
            parse_input(body, "SynchronizeGatewayTargets")?,
        )
        .await?,
    )
}

async fn create_policy_engine(State(ctx): Shared, body: Result<Bytes, BytesRejection>) -> Answer {
    accepted(
        policy_engines::create_policy_engine(&ctx, parse_input(body, "CreatePolicyEngine")?)
            .await?,
    )
}

async fn get_policy_engine(State(ctx): Shared, id: Result<Path<String>, PathRejection>) -> Answer {
    ok(policy_engines::get_policy_engine(&ctx, path_param(id)?).await?)
}

async fn list_policy_engines(
    State(ctx): Shared,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    ok(policy_engines::list_policy_engines(&ctx, page(query, ListKind::PolicyEngines)?).await?)
}

async fn update_policy_engine(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let id = path_param(id)?;
    accepted(
        policy_engines::update_policy_engine(&ctx, id, parse_input(body, "UpdatePolicyEngine")?)
            .await?,
    )
}

async fn delete_policy_engine(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
) -> Answer {
    accepted(policy_engines::delete_policy_engine(&ctx, path_param(id)?).await?)
}

async fn create_policy(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let id = path_param(id)?;
    accepted(policies::create_policy(&ctx, id, parse_input(body, "CreatePolicy")?).await?)
}

async fn list_policies(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    let id = path_param(id)?;
    ok(policies::list_policies(&ctx, id, page(query, ListKind::Policies)?).await?)
}

async fn get_policy(
    State(ctx): Shared,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let (engine_id, policy_id) = path_param(ids)?;
    ok(policies::get_policy(&ctx, engine_id, policy_id).await?)
}

async fn update_policy(
    State(ctx): Shared,
    ids: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let (engine_id, policy_id) = path_param(ids)?;
    accepted(
        policies::update_policy(
            &ctx,
            engine_id,
            policy_id,
            parse_input(body, "UpdatePolicy")?,
        )
        .await?,
    )
}

async fn delete_policy(
    State(ctx): Shared,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let (engine_id, policy_id) = path_param(ids)?;
    accepted(policies::delete_policy(&ctx, engine_id, policy_id).await?)
}

async fn create_agent_runtime(
    State(ctx): Shared,
    requester: agent_runtimes::Requester,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let input = parse_input(body, "CreateAgentRuntime")?;
    accepted(agent_runtimes::create_agent_runtime(&ctx, &requester, input).await?)
}

async fn get_agent_runtime(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    let version = query
        .ok()
        .and_then(|Query(q)| q.into_iter().find(|(k, _)| k == "version").map(|(_, v)| v));
    ok(agent_runtimes::get_agent_runtime(&ctx, path_param(id)?, version).await?)
}

async fn list_agent_runtimes(
    State(ctx): Shared,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    ok(agent_runtimes::list_agent_runtimes(&ctx, page(query, ListKind::AgentRuntimes)?).await?)
}

async fn update_agent_runtime(
    State(ctx): Shared,
    requester: agent_runtimes::Requester,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let id = path_param(id)?;
    let input = parse_input(body, "UpdateAgentRuntime")?;
    accepted(agent_runtimes::update_agent_runtime(&ctx, &requester, id, input).await?)
}

async fn delete_agent_runtime(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
) -> Answer {
    accepted(agent_runtimes::delete_agent_runtime(&ctx, path_param(id)?).await?)
}

async fn list_agent_runtime_versions(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    let page = page(query, ListKind::RuntimeVersions)?;
    ok(agent_runtimes::list_agent_runtime_versions(&ctx, path_param(id)?, page).await?)
}

async fn create_runtime_endpoint(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let id = path_param(id)?;
    accepted(
        runtime_endpoints::create_runtime_endpoint(
            &ctx,
            id,
            parse_input(body, "CreateAgentRuntimeEndpoint")?,
        )
        .await?,
    )
}

async fn get_runtime_endpoint(
    State(ctx): Shared,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let (id, name) = path_param(ids)?;
    ok(runtime_endpoints::get_runtime_endpoint(&ctx, id, name).await?)
}

async fn list_runtime_endpoints(
    State(ctx): Shared,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    let page = page(query, ListKind::RuntimeEndpoints)?;
    ok(runtime_endpoints::list_runtime_endpoints(&ctx, path_param(id)?, page).await?)
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
