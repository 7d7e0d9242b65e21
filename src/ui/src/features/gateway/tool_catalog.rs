//! The tool catalog as the console shows it: the gateway's MCP listing,
//! completed by tools the targets declare that the listing lacks, and the
//! built-in search tool's rankings.

use std::collections::HashSet;

use acc_backend::McpCatalog;
use acc_domain::Target;

use crate::features::gateway::job::Job;
use crate::features::gateway::route::Route;
use crate::features::gateway::state::{GatewayState, ToolRef, ToolSearch};
use crate::shell;
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::loadable::{Loadable, start_load};
use crate::shell::message::{error, info};
use crate::shell::navigation::refresh_all;
use crate::shell::state::{AppState, InputMode};

/// The catalog order of a gateway's target-schema tools: indices into
/// `targets`, sorted by qualified name.
pub fn schema_catalog(targets: &[Target]) -> Vec<ToolRef> {
    let mut refs: Vec<ToolRef> = targets
        .iter()
        .enumerate()
        .flat_map(|(t, target)| (0..target.tools.len()).map(move |k| (t as u32, k as u32)))
        .collect();
    let name = |&(t, k): &ToolRef| {
        targets[t as usize].tools[k as usize]
            .qualified_name
            .as_str()
    };
    refs.sort_by(|a, b| name(a).cmp(name(b)));
    refs
}

/// Recompute which declared tools the MCP listing lacks.
pub(crate) fn relink(state: &mut GatewayState, gateway_id: &str) {
    let (Some(mcp), Some(refs), Some(targets)) = (
        state.mcp_catalog(gateway_id),
        state.tools.get(gateway_id),
        state.targets_of(gateway_id),
    ) else {
        state.schema_only.remove(gateway_id);
        return;
    };
    let listed: HashSet<&str> = mcp
        .tools
        .iter()
        .map(|t| t.qualified_name.as_str())
        .collect();
    let missing: Vec<ToolRef> = refs
        .iter()
        .copied()
        .filter(|&(t, k)| {
            !listed.contains(
                targets[t as usize].tools[k as usize]
                    .qualified_name
                    .as_str(),
            )
        })
        .collect();
    state.schema_only.insert(gateway_id.to_owned(), missing);
}

/// Start listing the gateway through MCP unless that is done or under way.
pub(crate) fn load_mcp(state: &mut AppState, gateway_id: &str) -> Vec<Effect> {
    let Some(gateway) = state.gateway.find(gateway_id).cloned() else {
        return Vec::new();
    };
    if !start_load(&mut state.gateway.mcp, gateway_id, state.tick) {
        return Vec::new();
    }
    vec![
        Job::LoadMcpCatalog {
            gateway: Box::new(gateway),
        }
        .into(),
    ]
}

/// The MCP listing arrived (or failed: the target schemas stay shown).
pub(crate) fn on_mcp_loaded(
    state: &mut AppState,
    gateway_id: &str,
    result: Result<McpCatalog, String>,
) {
    match result {
        Ok(catalog) => {
            state
                .gateway
                .mcp
                .insert(gateway_id.to_owned(), Loadable::Loaded(catalog));
        }
        Err(e) => {
            error(
                state,
                format!("MCP tools/list failed, showing the targets' schemas instead: {e}"),
            );
            state
                .gateway
                .mcp
                .insert(gateway_id.to_owned(), Loadable::Failed(e));
        }
    }
    relink(&mut state.gateway, gateway_id);
}

/// `s`: ask for a query.
pub(crate) fn begin_search(state: &mut AppState) {
    state.input = InputMode::Search {
        text: String::new(),
    };
}

/// enter on a typed query: the catalog shows what it found.
pub(crate) fn search_typed(state: &mut AppState, query: String) -> Vec<Effect> {
    let shell::Route::Gateway(Route::Tools { gateway_id }) = state.screen().route.clone() else {
        return Vec::new();
    };
    let effects = run_search(state, &gateway_id, query);
    refresh_all(state);
    effects
}

/// Run a typed query: through the gateway's search tool when it has one,
/// else as a local fuzzy filter (and say so).
fn run_search(state: &mut AppState, gateway_id: &str, query: String) -> Vec<Effect> {
    if query.trim().is_empty() {
        state.gateway.tool_search.remove(gateway_id);
        return Vec::new();
    }
    let has_search = state
        .gateway
        .mcp_catalog(gateway_id)
        .is_some_and(|c| c.has_search_tool);
    let gateway = state.gateway.find(gateway_id).cloned();
    match gateway {
        Some(gateway) if has_search => {
            state.gateway.tool_search.insert(
                gateway_id.to_owned(),
                ToolSearch {
                    query: query.clone(),
                    hits: Loadable::loading(state.tick),
                },
            );
            vec![
                Job::SearchTools {
                    gateway: Box::new(gateway),
                    query,
                }
                .into(),
            ]
        }
        _ => {
            let top = state.stack.len() - 1;
            state.stack[top].cursor.filter = FilterQuery::new(query);
            info(
                state,
                "this gateway has no search tool (search type is not SEMANTIC): filtered locally, fuzzy"
                    .into(),
            );
            Vec::new()
        }
    }
}

/// The search tool answered.
pub(crate) fn on_found(
    state: &mut AppState,
    gateway_id: &str,
    query: String,
    result: Result<Vec<String>, String>,
) {
    let hits = match result {
        Ok(names) => Loadable::Loaded(names),
        Err(e) => {
            error(state, format!("search failed: {e}"));
            Loadable::Failed(e)
        }
    };
    state
        .gateway
        .tool_search
        .insert(gateway_id.to_owned(), ToolSearch { query, hits });
}

/// Catalog indices to show: the search hits in rank order when a search is
/// active, else every tool through the fuzzy filter.
pub(crate) fn visible(state: &GatewayState, gateway_id: &str, filter: &FilterQuery) -> Vec<usize> {
    match state.tool_search.get(gateway_id).map(|s| &s.hits) {
        Some(Loadable::Loaded(names)) => names
            .iter()
            .filter_map(|name| {
                state
                    .catalog_tools(gateway_id)
                    .position(|t| &t.qualified_name == name)
            })
            .collect(),
        Some(Loadable::Loading { .. }) => Vec::new(),
        _ => filter.apply(
            state
                .catalog_tools(gateway_id)
                .map(|t| t.qualified_name.as_str()),
        ),
    }
}
