//! The memory service's handlers: its control plane
//! (`bedrock-agentcore-control`) and data plane (`bedrock-agentcore`),
//! over the restJson plumbing. Path labels are percent-decoded and checked
//! as ids before a handler runs (actor ids hold `/` and `:`, event ids `#`).

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};

use crate::memory::state::MemoryState;
use crate::memory::{actors, event_query, events, memories, tags};
use crate::platform::rest_json::{
    Answer, Body, PathParams, QueryPairs, accepted, control_plane_routes, ok, parse_body,
    parse_input, path_param,
};
use crate::platform::validation::Object;
use crate::platform::wire_errors::{ApiError, internal_as_service_exception};

type Memory = State<Arc<MemoryState>>;

/// Every memory route.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<MemoryState>: FromRef<S>,
{
    let m = "/memories/{memory_id}";
    let session = format!("{m}/actor/{{actor_id}}/sessions/{{session_id}}");
    let tags = control_plane_routes(vec![(
        "/tags/{resource_arn}",
        get(list_tags).post(tag_resource).delete(untag_resource),
    )]);
    let mut routes = vec![
        ("/memories/create".to_owned(), post(create_memory)),
        ("/memories".to_owned(), post(list_memories)),
        (format!("{m}/details"), get(get_memory)),
        (format!("{m}/update"), put(update_memory)),
        (format!("{m}/delete"), delete(delete_memory)),
        (format!("{m}/events"), post(create_event)),
        (
            format!("{session}/events/{{event_id}}"),
            get(get_event).delete(delete_event),
        ),
        (session, post(list_events)),
        (format!("{m}/actors"), post(list_actors)),
        (
            format!("{m}/actor/{{actor_id}}/sessions"),
            post(list_sessions),
        ),
    ];
    routes.extend(crate::memory::records::routes());
    // The memory models list ServiceException for internal failures; the
    // tagging operations, shared with other resources, InternalServerException.
    control_plane_routes(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    )
    .layer(axum::middleware::map_response(
        internal_as_service_exception,
    ))
    .merge(tags)
}

/// A CreateEvent or BatchCreate answer: 201 Created.
pub(crate) fn created(body: serde_json::Value) -> Answer {
    Ok((StatusCode::CREATED, axum::Json(body)))
}

/// A data-plane body (every member kept; validation reads what it knows).
pub(crate) fn body(body: Body) -> Result<Object, ApiError> {
    parse_body(body)
}

async fn create_memory(State(ctx): Memory, body: Body) -> Answer {
    accepted(memories::create_memory(&ctx, parse_input(body, "CreateMemory")?).await?)
}

async fn list_memories(State(ctx): Memory, body: Body) -> Answer {
    ok(memories::list_memories(&ctx, parse_body(body)?).await?)
}

async fn get_memory(State(ctx): Memory, id: PathParams<String>) -> Answer {
    ok(memories::get_memory(&ctx, path_param(id)?).await?)
}

async fn update_memory(State(ctx): Memory, id: PathParams<String>, body: Body) -> Answer {
    let id = path_param(id)?;
    accepted(memories::update_memory(&ctx, id, parse_input(body, "UpdateMemory")?).await?)
}

async fn delete_memory(State(ctx): Memory, id: PathParams<String>) -> Answer {
    accepted(memories::delete_memory(&ctx, path_param(id)?).await?)
}

async fn list_tags(State(ctx): Memory, arn: PathParams<String>) -> Answer {
    ok(tags::list_tags(&ctx, path_param(arn)?).await?)
}

/// TagResource and UntagResource answer 204 No Content, as their model says.
type NoContent = Result<StatusCode, ApiError>;

async fn tag_resource(State(ctx): Memory, arn: PathParams<String>, body: Body) -> NoContent {
    let arn = path_param(arn)?;
    let input = parse_body(body)?;
    let add = match input.get("tags") {
        Some(serde_json::Value::Object(tags)) => tags.clone(),
        _ => {
            return Err(ApiError::invalid_fields(
                "1 validation error detected: Value null at 'tags' failed to satisfy constraint: \
                 Member must not be null",
                vec![("tags".into(), "Member must not be null".into())],
            ));
        }
    };
    tags::change_tags(&ctx, arn, add, Vec::new()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn untag_resource(
    State(ctx): Memory,
    arn: PathParams<String>,
    query: QueryPairs,
) -> NoContent {
    let arn = path_param(arn)?;
    let Query(pairs) =
        query.map_err(|e| ApiError::cannot_parse(format!("Invalid query string: {e}")))?;
    let remove = pairs
        .into_iter()
        .filter(|(k, _)| k == "tagKeys")
        .map(|(_, v)| v)
        .collect();
    tags::change_tags(&ctx, arn, Object::new(), remove).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn create_event(State(ctx): Memory, id: PathParams<String>, b: Body) -> Answer {
    let id = path_param(id)?;
    created(events::create_event(&ctx, id, body(b)?).await?)
}

async fn get_event(State(ctx): Memory, path: PathParams<events::EventPath>) -> Answer {
    ok(events::get_event(&ctx, path_param(path)?).await?)
}

async fn delete_event(State(ctx): Memory, path: PathParams<events::EventPath>) -> Answer {
    ok(events::delete_event(&ctx, path_param(path)?).await?)
}

async fn list_events(
    State(ctx): Memory,
    path: PathParams<(String, String, String)>,
    b: Body,
) -> Answer {
    let path = path_param(path)?;
    ok(event_query::list_events(&ctx, path, body(b)?).await?)
}

async fn list_actors(State(ctx): Memory, id: PathParams<String>, b: Body) -> Answer {
    let id = path_param(id)?;
    ok(actors::list_actors(&ctx, id, body(b)?).await?)
}

async fn list_sessions(State(ctx): Memory, path: PathParams<(String, String)>, b: Body) -> Answer {
    let path = path_param(path)?;
    ok(actors::list_sessions(&ctx, path, body(b)?).await?)
}
