//! What results do to the policy studio.

use crate::features::gateway;
use crate::features::policy::job::Job;
use crate::features::policy::msg::Msg;
use crate::features::policy::{editor, studio};
use crate::shell::effect::Effect;
use crate::shell::loadable::Loadable;
use crate::shell::message::{error, error_from, info, succeeded};
use crate::shell::navigation::refresh_all;
use crate::shell::state::AppState;

/// What failed, for messages a later success clears: a policy engine's load.
const POLICIES: &str = "policies";

/// A result for the policy studio.
pub(crate) fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::PolicyStudioLoaded { gateway_id, result } => {
            let polled = state.policy.polling.remove(&gateway_id);
            let loaded = match result {
                Ok(data) => {
                    succeeded(state, POLICIES);
                    Loadable::Loaded(data)
                }
                // A failed poll keeps what is shown, and says why.
                Err(e) if polled && state.policy.studio_of(&gateway_id).is_some() => {
                    error_from(state, POLICIES, e);
                    return Vec::new();
                }
                Err(e) => {
                    error_from(state, POLICIES, e.clone());
                    Loadable::Failed(e)
                }
            };
            state.policy.studio.insert(gateway_id.clone(), loaded);
            editor::on_schema(state, &gateway_id);
            refresh_all(state);
            Vec::new()
        }
        Msg::DryRunDone { gateway_id, result } => {
            let loaded = match result {
                Ok(report) => Loadable::Loaded(report),
                Err(e) => {
                    error(state, format!("dry-run: {e}"));
                    Loadable::Failed(e)
                }
            };
            state.policy.dry_run.insert(gateway_id.clone(), loaded);
            refresh_all(state);
            crate::features::policy::dry_run::why_ready(state, &gateway_id)
        }
        Msg::PolicyPushed { gateway_id, result } => {
            studio::on_pushed(state, &gateway_id, result);
            studio::load(state, &gateway_id)
        }
        Msg::DraftDiscarded { gateway_id, name } => {
            editor::on_discarded(state, &gateway_id, &name);
            Vec::new()
        }
        Msg::DraftsDiscardedToQuit => {
            state.policy.drafts.clear();
            state.should_quit = true;
            Vec::new()
        }
        Msg::PolicyModeSet { gateway_id, result } => match result {
            Ok(mode) => {
                info(
                    state,
                    format!("{} now in {mode}", state.gateway.name_of(&gateway_id)),
                );
                state.policy.studio.remove(&gateway_id);
                let mut effects = studio::load(state, &gateway_id);
                // The gateways list shows the engine's mode.
                effects.push(gateway::Job::LoadGateways.into());
                effects
            }
            Err(e) => {
                error(state, format!("policy mode: {e}"));
                Vec::new()
            }
        },
    }
}

/// Ticks (100 ms) between polls of a gateway's policies while shown.
pub const POLICIES_POLL_TICKS: u64 = 50;
/// Ticks between polls while a policy is between states (a push is being
/// applied: CREATING, UPDATING, DELETING).
pub const TRANSITIONAL_POLL_TICKS: u64 = 10;

/// Ticks between polls of a gateway's policies while they are shown;
/// `None` when their load failed (ctrl-r asks again, not the poll: its
/// error would come back every few seconds).
pub(crate) fn poll_every(state: &AppState, gateway_id: &str) -> Option<u64> {
    if state
        .policy
        .studio
        .get(gateway_id)
        .is_none_or(Loadable::needs_load)
    {
        return None;
    }
    let transitional = state.policy.studio_of(gateway_id).is_some_and(|data| {
        data.policies
            .iter()
            .any(|p| p.status.ends_with("ING") && !p.status.ends_with("FAILED"))
    });
    Some(if transitional {
        TRANSITIONAL_POLL_TICKS
    } else {
        POLICIES_POLL_TICKS
    })
}

/// A due poll: the gateway's engine and policies again, keeping what is
/// shown, unless a load of them is under way.
pub(crate) fn poll(state: &mut AppState, gateway_id: &str) -> Vec<Effect> {
    let under_way = state
        .policy
        .studio
        .get(gateway_id)
        .is_some_and(Loadable::is_loading);
    if under_way || state.policy.polling.contains(gateway_id) {
        return Vec::new();
    }
    let Some(gateway) = state.gateway.find(gateway_id).cloned() else {
        return Vec::new();
    };
    state.policy.polling.insert(gateway_id.to_owned());
    vec![
        Job::LoadPolicyStudio {
            gateway: Box::new(gateway),
        }
        .into(),
    ]
}
