//! What results and keys do to the gateway screens.

use crate::features::gateway::job::Job;
use crate::features::gateway::msg::Msg;
use crate::features::gateway::route::{Jump, Route};
use crate::features::gateway::{capture_list, tool_calls, tool_catalog};
use crate::features::policy;
use crate::shell::effect::Effect;
use crate::shell::loadable::{Loadable, start_load};
use crate::shell::message::{error, info};
use crate::shell::navigation::{self, clamp_cursor, load_for_current, refresh_all, reload};
use crate::shell::state::{AppState, Confirm, Overlay};
use crate::shell::{self, palette};

/// Ticks (of 100 ms) between reloads while something is transitional.
const POLL_TICKS: u64 = 10;

/// Ticks (of 100 ms) between polls of the gateway screen shown (the
/// gateways, a gateway's describe view, its targets) while nothing is
/// transitional.
pub const GATEWAYS_POLL_TICKS: u64 = 50;

/// A result for the gateway screens.
pub(crate) fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::GatewaysLoaded(result) => on_gateways(state, result),
        Msg::TargetsLoaded { gateway_id, result } => {
            let gw = &mut state.gateway;
            gw.targets_in_flight.remove(&gateway_id);
            match result {
                Ok(targets) => {
                    gw.tools
                        .insert(gateway_id.clone(), tool_catalog::schema_catalog(&targets));
                    gw.targets
                        .insert(gateway_id.clone(), Loadable::Loaded(targets));
                    tool_catalog::relink(gw, &gateway_id);
                }
                Err(e) => {
                    gw.tools.remove(&gateway_id);
                    gw.targets.insert(gateway_id, Loadable::Failed(e.clone()));
                    error(state, e);
                }
            }
            refresh_all(state);
            schedule_poll(state);
            Vec::new()
        }
        Msg::Deleted { what, result } => match result {
            Ok(()) => {
                info(state, format!("deleted {what}"));
                reload(state)
            }
            Err(e) => {
                error(state, format!("delete {what}: {e}"));
                Vec::new()
            }
        },
        Msg::McpCatalogLoaded { gateway_id, result } => {
            tool_catalog::on_mcp_loaded(state, &gateway_id, result);
            refresh_all(state);
            Vec::new()
        }
        Msg::ToolsFound {
            gateway_id,
            query,
            result,
        } => {
            tool_catalog::on_found(state, &gateway_id, query, result);
            refresh_all(state);
            let top = state.stack.len() - 1;
            state.stack[top].cursor.selected = 0;
            clamp_cursor(state, top);
            Vec::new()
        }
        Msg::ToolCalled {
            gateway_id,
            tool,
            result,
        } => {
            tool_calls::on_called(state, &gateway_id, &tool, result.map(|report| *report));
            Vec::new()
        }
        Msg::CapturesLoaded { gateway_id, result } => {
            capture_list::on_loaded(state, &gateway_id, result);
            refresh_all(state);
            Vec::new()
        }
    }
}

/// The gateways arrived: a `:` command waiting for them runs now, and loads
/// that needed a gateway itself (its MCP URL) start.
fn on_gateways(
    state: &mut AppState,
    result: Result<Vec<acc_domain::Gateway>, String>,
) -> Vec<Effect> {
    state.gateway.list_in_flight = false;
    match result {
        Ok(gateways) => state.gateway.list = Loadable::Loaded(gateways),
        Err(e) => {
            error(state, e.clone());
            state.gateway.list = Loadable::Failed(e);
        }
    }
    refresh_all(state);
    schedule_poll(state);
    let loaded = state.gateway.list.loaded().is_some();
    match state.deferred_palette.take() {
        Some(line) if loaded => {
            state.message = None;
            palette::run(state, &line)
        }
        _ if loaded => load_for_current(state),
        _ => Vec::new(),
    }
}

/// A transitional status is polled until it settles.
fn schedule_poll(state: &mut AppState) {
    state.gateway.poll_at_tick = state
        .gateway
        .has_transitional()
        .then_some(state.tick + POLL_TICKS);
}

/// A tick: the due poll reloads what is shown.
pub(crate) fn on_tick(state: &mut AppState) -> Vec<Effect> {
    match state.gateway.poll_at_tick {
        Some(due) if state.tick >= due => {
            state.gateway.poll_at_tick = None;
            reload(state)
        }
        _ => Vec::new(),
    }
}

/// How often the shown gateway screen polls: the gateways list, a
/// gateway's describe view and its targets, once loaded. Not while
/// something is transitional (its own faster schedule runs), nor after a
/// listing failed (ctrl-r asks again; its error would come back).
pub(crate) fn poll_every(state: &AppState, route: &Route) -> Option<u64> {
    let gw = &state.gateway;
    if gw.list.needs_load() || gw.poll_at_tick.is_some() {
        return None;
    }
    match route {
        Route::Gateways | Route::GatewayDetail { .. } => Some(GATEWAYS_POLL_TICKS),
        Route::Targets { gateway_id }
            if gw.targets.get(gateway_id).is_some_and(|t| !t.needs_load()) =>
        {
            Some(GATEWAYS_POLL_TICKS)
        }
        _ => None,
    }
}

/// A due poll: the gateways again (and the targets on their screen),
/// keeping what is shown, one listing of each in flight.
pub(crate) fn poll(state: &mut AppState, route: &Route) -> Vec<Effect> {
    let gw = &mut state.gateway;
    let mut effects = Vec::new();
    if !gw.list_in_flight {
        gw.list_in_flight = true;
        effects.push(Job::LoadGateways.into());
    }
    if let Route::Targets { gateway_id } = route
        && gw.targets_in_flight.insert(gateway_id.clone())
    {
        effects.push(
            Job::LoadTargets {
                gateway_id: gateway_id.clone(),
            }
            .into(),
        );
    }
    effects
}

/// The gateways, unless loaded or under way; every screen needs them.
pub(crate) fn load_gateways(state: &mut AppState) -> Vec<Effect> {
    if !state.gateway.list.needs_load() {
        return Vec::new();
    }
    state.gateway.list = Loadable::loading(state.tick);
    vec![Job::LoadGateways.into()]
}

/// ctrl-r on any screen reloads the gateways, and the targets of the
/// gateway the screen is about.
pub(crate) fn reload_gateways(gateway_id: Option<&str>) -> Vec<Effect> {
    let mut effects = vec![Job::LoadGateways.into()];
    if let Some(id) = gateway_id {
        effects.push(
            Job::LoadTargets {
                gateway_id: id.to_string(),
            }
            .into(),
        );
    }
    effects
}

/// Starts loading a gateway's targets unless loaded or under way.
pub(crate) fn load_targets(state: &mut AppState, gateway_id: &str) -> Vec<Effect> {
    if !start_load(&mut state.gateway.targets, gateway_id, state.tick) {
        return Vec::new();
    }
    vec![
        Job::LoadTargets {
            gateway_id: gateway_id.to_string(),
        }
        .into(),
    ]
}

/// A gateway `:` command; one naming a gateway typed before the gateways
/// arrived runs when they do.
pub(crate) fn jump(
    state: &mut AppState,
    jump: Jump,
    argument: Option<String>,
    line: &str,
) -> Vec<Effect> {
    if jump == Jump::Gateways {
        return navigation::home(state);
    }
    if jump == Jump::Policies {
        return jump_to_policies(state, argument);
    }
    let gateway_id = match argument {
        Some(key) => match find_gateway(state, &key) {
            Some(id) => id,
            // Typed before the gateways arrived: run it when they do.
            None if state.gateway.list.loaded().is_none() => {
                info(
                    state,
                    format!("waiting for gateways to load to run :{line}"),
                );
                state.deferred_palette = Some(line.to_string());
                return load_for_current(state);
            }
            None => {
                error(state, format!("no gateway with id or name `{key}`"));
                return Vec::new();
            }
        },
        None => match context_gateway(state) {
            Some(id) => id,
            None => {
                error(
                    state,
                    "select a gateway first (:gw), or name one: :tools GATEWAY".into(),
                );
                return Vec::new();
            }
        },
    };
    let route = match jump {
        Jump::Tools => Route::Tools { gateway_id },
        Jump::Captures => Route::Captures { gateway_id },
        Jump::Targets | Jump::Gateways | Jump::Policies => Route::Targets { gateway_id },
    };
    navigation::jump(state, route.into())
}

/// `:policies [POLICY]`: the policy studio of the gateway the user is in,
/// narrowed to POLICY.
fn jump_to_policies(state: &mut AppState, policy: Option<String>) -> Vec<Effect> {
    let Some(gateway_id) = context_gateway(state) else {
        error(
            state,
            "select a gateway first (:gw), then :policies [POLICY]".into(),
        );
        return Vec::new();
    };
    navigation::jump_filtered(state, policy::Route::Policies { gateway_id }.into(), policy)
}

/// The names a gateway `:` command's argument can take, from what is
/// loaded: gateway names, or for `:policies` the policies of the gateway
/// the user is in.
pub(crate) fn argument_names(state: &AppState, jump: Jump) -> Vec<String> {
    match jump {
        Jump::Gateways => Vec::new(),
        Jump::Policies => context_gateway(state)
            .and_then(|id| {
                let studio = state.policy.studio.get(&id)?.loaded()?;
                Some(studio.policies.iter().map(|p| p.name.clone()).collect())
            })
            .unwrap_or_default(),
        Jump::Targets | Jump::Tools | Jump::Captures => state
            .gateway
            .list
            .loaded()
            .map(|list| list.iter().map(|g| g.name.clone()).collect())
            .unwrap_or_default(),
    }
}

fn find_gateway(state: &AppState, key: &str) -> Option<String> {
    state
        .gateway
        .list
        .loaded()?
        .iter()
        .find(|g| g.id == key || g.name == key)
        .map(|g| g.id.clone())
}

/// The gateway the user is "in": the current screen's, or the selected one.
fn context_gateway(state: &AppState) -> Option<String> {
    state
        .stack
        .iter()
        .rev()
        .find_map(|s| s.route.gateway_id().map(str::to_string))
        .or_else(|| {
            let root = &state.stack[0];
            let index = root.cursor.selected_item()?;
            Some(state.gateway.list.loaded()?.get(index)?.id.clone())
        })
}

/// The gateway selected on the gateways list, or the current screen's.
pub(crate) fn selected_gateway_id(state: &AppState) -> Option<String> {
    let screen = state.screen();
    match &screen.route {
        shell::Route::Gateway(Route::Gateways) => {
            let index = screen.cursor.selected_item()?;
            Some(state.gateway.list.loaded()?.get(index)?.id.clone())
        }
        other => other.gateway_id().map(str::to_string),
    }
}

/// ctrl-d on a gateway or a target: delete it, after asking.
pub(crate) fn ask_delete(state: &mut AppState, route: &Route) -> Vec<Effect> {
    let Some(index) = state.screen().cursor.selected_item() else {
        return Vec::new();
    };
    let confirm = match route {
        Route::Gateways => {
            let Some(g) = state.gateway.list.loaded().and_then(|g| g.get(index)) else {
                return Vec::new();
            };
            Confirm {
                title: "Delete gateway".into(),
                question: format!(
                    "Delete gateway {} ({})? Its targets must be deleted first. This cannot be undone.",
                    g.name, g.id
                ),
                on_yes: Job::DeleteGateway {
                    id: g.id.clone(),
                    name: g.name.clone(),
                }
                .into(),
            }
        }
        Route::Targets { gateway_id } => {
            let Some(t) = state
                .gateway
                .targets_of(gateway_id)
                .and_then(|t| t.get(index))
            else {
                return Vec::new();
            };
            Confirm {
                title: "Delete target".into(),
                question: format!(
                    "Delete target {} ({}) from gateway {}? Its tools disappear from the gateway.",
                    t.name,
                    t.id,
                    state.gateway.name_of(gateway_id)
                ),
                on_yes: Job::DeleteTarget {
                    gateway_id: gateway_id.clone(),
                    target_id: t.id.clone(),
                    name: t.name.clone(),
                }
                .into(),
            }
        }
        _ => return Vec::new(),
    };
    if state.readonly && confirm.on_yes.is_write() {
        error(
            state,
            "read-only mode: delete refused (restart without --readonly to make changes)".into(),
        );
        return Vec::new();
    }
    state.overlay = Some(Overlay::Confirm(confirm));
    Vec::new()
}
