//! The runtime service's control-plane handlers: agent runtimes, their
//! versions and endpoints, over the restJson plumbing.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, Query, State};
use axum::routing::{get, post};

use crate::identity::requester::Requester;
use crate::platform::pagination::ListKind;
use crate::platform::rest_json::{
    Answer, Body, PathParams, QueryPairs, accepted, control_plane_routes, ok, page, parse_input,
    path_param,
};
use crate::runtime::state::RuntimeState;
use crate::runtime::{agent_runtimes, endpoints};

type Runtimes = State<Arc<RuntimeState>>;

/// The routes of agent runtimes, their versions and endpoints.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<RuntimeState>: FromRef<S>,
{
    control_plane_routes(vec![
        (
            "/runtimes",
            post(list_agent_runtimes).put(create_agent_runtime),
        ),
        (
            "/runtimes/{runtime_id}",
            get(get_agent_runtime)
                .put(update_agent_runtime)
                .delete(delete_agent_runtime),
        ),
        (
            "/runtimes/{runtime_id}/versions",
            post(list_agent_runtime_versions),
        ),
        (
            "/runtimes/{runtime_id}/runtime-endpoints",
            post(list_runtime_endpoints).put(create_runtime_endpoint),
        ),
        (
            "/runtimes/{runtime_id}/runtime-endpoints/{endpoint}",
            get(get_runtime_endpoint),
        ),
    ])
}

async fn create_agent_runtime(State(ctx): Runtimes, requester: Requester, body: Body) -> Answer {
    let input = parse_input(body, "CreateAgentRuntime")?;
    accepted(agent_runtimes::create_agent_runtime(&ctx, &requester, input).await?)
}

async fn get_agent_runtime(
    State(ctx): Runtimes,
    id: PathParams<String>,
    query: QueryPairs,
) -> Answer {
    let version = query
        .ok()
        .and_then(|Query(q)| q.into_iter().find(|(k, _)| k == "version").map(|(_, v)| v));
    ok(agent_runtimes::get_agent_runtime(&ctx, path_param(id)?, version).await?)
}

async fn list_agent_runtimes(State(ctx): Runtimes, query: QueryPairs) -> Answer {
    ok(agent_runtimes::list_agent_runtimes(&ctx, page(query, ListKind::AgentRuntimes)?).await?)
}

async fn update_agent_runtime(
    State(ctx): Runtimes,
    requester: Requester,
    id: PathParams<String>,
    body: Body,
) -> Answer {
    let id = path_param(id)?;
    let input = parse_input(body, "UpdateAgentRuntime")?;
    accepted(agent_runtimes::update_agent_runtime(&ctx, &requester, id, input).await?)
}

async fn delete_agent_runtime(State(ctx): Runtimes, id: PathParams<String>) -> Answer {
    accepted(agent_runtimes::delete_agent_runtime(&ctx, path_param(id)?).await?)
}

async fn list_agent_runtime_versions(
    State(ctx): Runtimes,
    id: PathParams<String>,
    query: QueryPairs,
) -> Answer {
    let page = page(query, ListKind::RuntimeVersions)?;
    ok(agent_runtimes::list_agent_runtime_versions(&ctx, path_param(id)?, page).await?)
}

async fn create_runtime_endpoint(
    State(ctx): Runtimes,
    id: PathParams<String>,
    body: Body,
) -> Answer {
    let id = path_param(id)?;
    accepted(
        endpoints::create_runtime_endpoint(
            &ctx,
            id,
            parse_input(body, "CreateAgentRuntimeEndpoint")?,
        )
        .await?,
    )
}

async fn get_runtime_endpoint(State(ctx): Runtimes, ids: PathParams<(String, String)>) -> Answer {
    let (id, name) = path_param(ids)?;
    ok(endpoints::get_runtime_endpoint(&ctx, id, name).await?)
}

async fn list_runtime_endpoints(
    State(ctx): Runtimes,
    id: PathParams<String>,
    query: QueryPairs,
) -> Answer {
    let page = page(query, ListKind::RuntimeEndpoints)?;
    ok(endpoints::list_runtime_endpoints(&ctx, path_param(id)?, page).await?)
}
