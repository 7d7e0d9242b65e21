//! The gateway service's control-plane handlers: gateways and their
//! targets, over the restJson plumbing.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::{get, put};
use serde_json::Value;

use crate::gateway::state::GatewayState;
use crate::gateway::target_calls::outbound::MADE_BY_A_SESSION;
use crate::gateway::{gateways, targets};
use crate::identity::requester::Requester;
use crate::platform::pagination::ListKind;
use crate::platform::rest_json::{
    Answer, Body, PathParams, QueryPairs, accepted, control_plane_routes, ok, page, parse_input,
    path_param,
};
use crate::platform::validation::Object;

type Gateways = State<Arc<GatewayState>>;

/// The routes of gateways and their targets.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<GatewayState>: FromRef<S>,
{
    control_plane_routes(vec![
        ("/gateways", get(list_gateways).post(create_gateway)),
        (
            "/gateways/{gateway_id}",
            get(get_gateway).put(update_gateway).delete(delete_gateway),
        ),
        (
            "/gateways/{gateway_id}/targets",
            get(list_gateway_targets).post(create_gateway_target),
        ),
        (
            "/gateways/{gateway_id}/targets/{target_id}",
            get(get_gateway_target)
                .put(update_gateway_target)
                .delete(delete_gateway_target),
        ),
        (
            "/gateways/{gateway_id}/synchronizeTargets",
            put(synchronize_gateway_targets),
        ),
    ])
}

async fn create_gateway(State(ctx): Gateways, body: Body) -> Answer {
    accepted(gateways::create_gateway(&ctx, parse_input(body, "CreateGateway")?).await?)
}

async fn get_gateway(State(ctx): Gateways, id: PathParams<String>) -> Answer {
    ok(gateways::get_gateway(&ctx, path_param(id)?).await?)
}

async fn list_gateways(State(ctx): Gateways, query: QueryPairs) -> Answer {
    ok(gateways::list_gateways(&ctx, page(query, ListKind::Gateways)?).await?)
}

async fn update_gateway(State(ctx): Gateways, id: PathParams<String>, body: Body) -> Answer {
    let id = path_param(id)?;
    accepted(gateways::update_gateway(&ctx, id, parse_input(body, "UpdateGateway")?).await?)
}

async fn delete_gateway(State(ctx): Gateways, id: PathParams<String>) -> Answer {
    accepted(gateways::delete_gateway(&ctx, path_param(id)?).await?)
}

async fn create_gateway_target(
    State(ctx): Gateways,
    requester: Requester,
    id: PathParams<String>,
    body: Body,
) -> Answer {
    let id = path_param(id)?;
    let input = marked_target(&requester, parse_input(body, "CreateGatewayTarget")?);
    accepted(targets::create_gateway_target(&ctx, id, input).await?)
}

/// A target's create or update input, marked when a session may have made
/// it: the platform then calls it as the session's egress proxy would,
/// never on this machine
/// ([`crate::gateway::target_calls::outbound::TargetBackends::http_for`]).
fn marked_target(requester: &Requester, mut input: Object) -> Object {
    if requester.may_be_a_session() {
        input.insert(MADE_BY_A_SESSION.into(), Value::Bool(true));
    }
    input
}

async fn list_gateway_targets(
    State(ctx): Gateways,
    id: PathParams<String>,
    query: QueryPairs,
) -> Answer {
    let id = path_param(id)?;
    ok(targets::list_gateway_targets(&ctx, id, page(query, ListKind::GatewayTargets)?).await?)
}

async fn get_gateway_target(State(ctx): Gateways, ids: PathParams<(String, String)>) -> Answer {
    let (gateway_id, target_id) = path_param(ids)?;
    ok(targets::get_gateway_target(&ctx, gateway_id, target_id).await?)
}

async fn update_gateway_target(
    State(ctx): Gateways,
    requester: Requester,
    ids: PathParams<(String, String)>,
    body: Body,
) -> Answer {
    let (gateway_id, target_id) = path_param(ids)?;
    let input = marked_target(&requester, parse_input(body, "UpdateGatewayTarget")?);
    accepted(targets::update_gateway_target(&ctx, gateway_id, target_id, input).await?)
}

async fn delete_gateway_target(State(ctx): Gateways, ids: PathParams<(String, String)>) -> Answer {
    let (gateway_id, target_id) = path_param(ids)?;
    accepted(targets::delete_gateway_target(&ctx, gateway_id, target_id).await?)
}

async fn synchronize_gateway_targets(
    State(ctx): Gateways,
    id: PathParams<String>,
    body: Body,
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
