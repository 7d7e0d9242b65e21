//! What results do to the policy studio.

use crate::features::gateway;
use crate::features::policy::msg::Msg;
use crate::features::policy::{editor, studio};
use crate::shell::effect::Effect;
use crate::shell::loadable::Loadable;
use crate::shell::message::{error, info};
use crate::shell::navigation::refresh_all;
use crate::shell::state::AppState;

/// A result for the policy studio.
pub(crate) fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::PolicyStudioLoaded { gateway_id, result } => {
            let loaded = match result {
                Ok(data) => Loadable::Loaded(data),
                Err(e) => {
                    error(state, e.clone());
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
            state.policy.dry_run.insert(gateway_id, loaded);
            refresh_all(state);
            Vec::new()
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
