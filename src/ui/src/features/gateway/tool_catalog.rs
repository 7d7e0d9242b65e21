//! The tool catalog as the console shows it: the gateway's MCP listing,
//! completed by tools the targets declare that the listing lacks, and the
//! built-in search tool's rankings.

use std::collections::HashSet;

use acc_backend::McpCatalog;
use acc_domain::Target;

use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::state::{AppState, InputMode, Loadable, ToolRef, ToolSearch};

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
pub(crate) fn relink(state: &mut AppState, gateway_id: &str) {
    let (Some(mcp), Some(refs), Some(targets)) = (
        state.mcp_catalog(gateway_id),
        state.tools.get(gateway_id),
        state.targets.get(gateway_id).and_then(Loadable::loaded),
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
pub(crate) fn load_mcp(state: &mut AppState, gateway_id: &str) -> Option<Effect> {
    if matches!(
        state.mcp.get(gateway_id),
        Some(Loadable::Loaded(_) | Loadable::Loading { .. })
    ) {
        return None;
    }
    let gateway = state.gateway(gateway_id)?.clone();
    state.mcp.insert(
        gateway_id.to_owned(),
        Loadable::Loading {
            since_tick: state.tick,
        },
    );
    Some(Effect::LoadMcpCatalog {
        gateway: Box::new(gateway),
    })
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
                .mcp
                .insert(gateway_id.to_owned(), Loadable::Loaded(catalog));
        }
        Err(e) => {
            crate::shell::update::report_error(
                state,
                format!("MCP tools/list failed, showing the targets' schemas instead: {e}"),
            );
            state.mcp.insert(gateway_id.to_owned(), Loadable::Failed(e));
        }
    }
    relink(state, gateway_id);
}

/// `s`: ask for a query.
pub(crate) fn begin_search(state: &mut AppState) {
    state.input = InputMode::Search {
        text: String::new(),
    };
}

/// Run a typed query: through the gateway's search tool when it has one,
/// else as a local fuzzy filter (and say so).
pub(crate) fn run_search(state: &mut AppState, gateway_id: &str, query: String) -> Vec<Effect> {
    if query.trim().is_empty() {
        state.tool_search.remove(gateway_id);
        return Vec::new();
    }
    let has_search = state
        .mcp_catalog(gateway_id)
        .is_some_and(|c| c.has_search_tool);
    let gateway = state.gateway(gateway_id).cloned();
    match gateway {
        Some(gateway) if has_search => {
            state.tool_search.insert(
                gateway_id.to_owned(),
                ToolSearch {
                    query: query.clone(),
                    hits: Loadable::Loading {
                        since_tick: state.tick,
                    },
                },
            );
            vec![Effect::SearchTools {
                gateway: Box::new(gateway),
                query,
            }]
        }
        _ => {
            let top = state.stack.len() - 1;
            state.stack[top].cursor.filter = FilterQuery::new(query);
            crate::shell::update::report_info(
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
            crate::shell::update::report_error(state, format!("search failed: {e}"));
            Loadable::Failed(e)
        }
    };
    state
        .tool_search
        .insert(gateway_id.to_owned(), ToolSearch { query, hits });
}

/// Catalog indices to show: the search hits in rank order when a search is
/// active, else every tool through the fuzzy filter.
pub(crate) fn visible(state: &AppState, gateway_id: &str, filter: &FilterQuery) -> Vec<usize> {
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
