//! The policy service's control-plane handlers: policy engines and their
//! policies, over the restJson plumbing.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::get;

use crate::platform::pagination::ListKind;
use crate::platform::rest_json::{
    Answer, Body, PathParams, QueryPairs, accepted, control_plane_routes, ok, page, parse_input,
    path_param,
};
use crate::policy::state::PolicyState;
use crate::policy::{engines, policies};

type Policy = State<Arc<PolicyState>>;

/// The routes of policy engines and policies.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<PolicyState>: FromRef<S>,
{
    control_plane_routes(vec![
        (
            "/policy-engines",
            get(list_policy_engines).post(create_policy_engine),
        ),
        (
            "/policy-engines/{engine_id}",
            get(get_policy_engine)
                .patch(update_policy_engine)
                .delete(delete_policy_engine),
        ),
        (
            "/policy-engines/{engine_id}/policies",
            get(list_policies).post(create_policy),
        ),
        (
            "/policy-engines/{engine_id}/policies/{policy_id}",
            get(get_policy).patch(update_policy).delete(delete_policy),
        ),
    ])
}

async fn create_policy_engine(State(ctx): Policy, body: Body) -> Answer {
    accepted(engines::create_policy_engine(&ctx, parse_input(body, "CreatePolicyEngine")?).await?)
}

async fn get_policy_engine(State(ctx): Policy, id: PathParams<String>) -> Answer {
    ok(engines::get_policy_engine(&ctx, path_param(id)?).await?)
}

async fn list_policy_engines(State(ctx): Policy, query: QueryPairs) -> Answer {
    ok(engines::list_policy_engines(&ctx, page(query, ListKind::PolicyEngines)?).await?)
}

async fn update_policy_engine(State(ctx): Policy, id: PathParams<String>, body: Body) -> Answer {
    let id = path_param(id)?;
    accepted(
        engines::update_policy_engine(&ctx, id, parse_input(body, "UpdatePolicyEngine")?).await?,
    )
}

async fn delete_policy_engine(State(ctx): Policy, id: PathParams<String>) -> Answer {
    accepted(engines::delete_policy_engine(&ctx, path_param(id)?).await?)
}

async fn create_policy(State(ctx): Policy, id: PathParams<String>, body: Body) -> Answer {
    let id = path_param(id)?;
    accepted(policies::create_policy(&ctx, id, parse_input(body, "CreatePolicy")?).await?)
}

async fn list_policies(State(ctx): Policy, id: PathParams<String>, query: QueryPairs) -> Answer {
    let id = path_param(id)?;
    ok(policies::list_policies(&ctx, id, page(query, ListKind::Policies)?).await?)
}

async fn get_policy(State(ctx): Policy, ids: PathParams<(String, String)>) -> Answer {
    let (engine_id, policy_id) = path_param(ids)?;
    ok(policies::get_policy(&ctx, engine_id, policy_id).await?)
}

async fn update_policy(
    State(ctx): Policy,
    ids: PathParams<(String, String)>,
    body: Body,
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

async fn delete_policy(State(ctx): Policy, ids: PathParams<(String, String)>) -> Answer {
    let (engine_id, policy_id) = path_param(ids)?;
    accepted(policies::delete_policy(&ctx, engine_id, policy_id).await?)
}
