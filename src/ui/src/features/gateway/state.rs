//! What the console knows of gateways: the list, each gateway's targets,
//! its tool catalog (MCP listing and target schemas), searches, the open
//! call dialog and the captured calls.

use std::collections::{HashMap, HashSet};

use acc_backend::McpCatalog;
use acc_domain::{Gateway, SchemaNode, Target, Tool, schema_tree};

use crate::features::gateway::call_form::{CallForm, CallState};
use crate::features::gateway::call_history::CallRecord;
use crate::features::gateway::capture_list::{CaptureFilters, CaptureList};
use crate::shell::loadable::Loadable;

/// Where a catalog entry lives: (target index, tool index).
pub type ToolRef = (u32, u32);

/// A search through a gateway's built-in search tool.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSearch {
    /// What was asked.
    pub query: String,
    /// Qualified tool names, best first.
    pub hits: Loadable<Vec<String>>,
}

/// The gateway screens' state.
#[derive(Debug, Clone, Default)]
pub struct GatewayState {
    /// Every gateway of the context.
    pub list: Loadable<Vec<Gateway>>,
    /// Each gateway's targets.
    pub targets: HashMap<String, Loadable<Vec<Target>>>,
    /// Each gateway's catalog order: (target, tool) indices into its loaded
    /// targets, sorted by qualified name once when they load. The tools stay
    /// in their targets, so 10 000 tools are neither copied nor re-sorted.
    pub tools: HashMap<String, Vec<ToolRef>>,
    /// Each gateway's catalog as its MCP endpoint lists it (every page).
    pub mcp: HashMap<String, Loadable<McpCatalog>>,
    /// Tools the targets declare that the MCP listing lacks (shown after
    /// the MCP tools, marked `schema`), as indices like `tools`.
    pub schema_only: HashMap<String, Vec<ToolRef>>,
    /// The latest search per gateway; cleared with esc.
    pub tool_search: HashMap<String, ToolSearch>,
    /// The open call dialog.
    pub call: Option<CallForm>,
    /// Captured calls per gateway, newest first.
    pub captures: HashMap<String, Loadable<CaptureList>>,
    /// The captures list's outcome and decision filters (`o`, `D`).
    pub capture_filters: CaptureFilters,
    /// While a resource is CREATING/UPDATING/DELETING, reload at this tick
    /// so the user sees it settle without pressing ctrl-r.
    pub poll_at_tick: Option<u64>,
    /// A poll's ListGateways is on its way (one at a time).
    pub list_in_flight: bool,
    /// Gateways whose targets a poll is listing (one at a time each).
    pub targets_in_flight: HashSet<String>,
    /// Each tool's last calls this session, newest first, by (gateway id,
    /// tool).
    pub call_history: HashMap<(String, String), Vec<CallRecord>>,
}

impl GatewayState {
    /// Forgets everything (the context switched).
    pub fn reset(&mut self) {
        *self = GatewayState::default();
    }

    /// A loaded gateway.
    pub fn find(&self, id: &str) -> Option<&Gateway> {
        self.list.loaded()?.iter().find(|g| g.id == id)
    }

    /// A gateway's display name, falling back to its id.
    pub fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.find(id).map(|g| g.name.as_str()).unwrap_or(id)
    }

    /// A gateway's targets, once loaded.
    pub fn targets_of(&self, gateway_id: &str) -> Option<&Vec<Target>> {
        self.targets.get(gateway_id)?.loaded()
    }

    /// The MCP listing of a gateway, once loaded.
    pub fn mcp_catalog(&self, gateway_id: &str) -> Option<&McpCatalog> {
        self.mcp.get(gateway_id)?.loaded()
    }

    /// Tools in a gateway's catalog: the MCP listing (when loaded) followed
    /// by target-schema tools it lacks; else the target schemas alone.
    pub fn catalog_len(&self, gateway_id: &str) -> usize {
        match self.mcp_catalog(gateway_id) {
            Some(mcp) => mcp.tools.len() + self.schema_only.get(gateway_id).map_or(0, Vec::len),
            None => self.tools.get(gateway_id).map_or(0, Vec::len),
        }
    }

    /// The `index`th tool of a gateway's catalog.
    pub fn catalog_tool(&self, gateway_id: &str, index: usize) -> Option<&Tool> {
        let refs = match self.mcp_catalog(gateway_id) {
            Some(mcp) if index < mcp.tools.len() => return mcp.tools.get(index),
            Some(mcp) => {
                let rest = self.schema_only.get(gateway_id)?;
                return self.resolve(gateway_id, *rest.get(index - mcp.tools.len())?);
            }
            None => self.tools.get(gateway_id)?,
        };
        self.resolve(gateway_id, *refs.get(index)?)
    }

    fn resolve(&self, gateway_id: &str, (target, tool): ToolRef) -> Option<&Tool> {
        let targets = self.targets_of(gateway_id)?;
        targets.get(target as usize)?.tools.get(tool as usize)
    }

    /// A gateway's catalog in order.
    pub fn catalog_tools<'a>(
        &'a self,
        gateway_id: &'a str,
    ) -> impl Iterator<Item = &'a Tool> + use<'a> {
        (0..self.catalog_len(gateway_id)).filter_map(move |i| self.catalog_tool(gateway_id, i))
    }

    /// A tool of a gateway's catalog by its qualified name.
    pub fn tool<'a>(&'a self, gateway_id: &'a str, qualified: &str) -> Option<&'a Tool> {
        self.catalog_tools(gateway_id)
            .find(|t| t.qualified_name == qualified)
    }

    /// The schema rows of a tool detail screen.
    pub fn schema_rows(&self, gateway_id: &str, tool: &str) -> Vec<SchemaNode> {
        self.tool(gateway_id, tool)
            .map(|t| schema_tree(&t.input_schema))
            .unwrap_or_default()
    }

    /// Whether the loop must keep ticking: something loads (the spinner) or
    /// a poll is due.
    pub fn needs_ticks(&self) -> bool {
        self.list.is_loading()
            || self.targets.values().any(Loadable::is_loading)
            || self.mcp.values().any(Loadable::is_loading)
            || self.captures.values().any(Loadable::is_loading)
            || self.tool_search.values().any(|s| s.hits.is_loading())
            || self
                .call
                .as_ref()
                .is_some_and(|c| c.call == CallState::InFlight)
            || self.poll_at_tick.is_some()
    }

    /// Whether anything shown is still changing state on the platform.
    pub fn has_transitional(&self) -> bool {
        let gateways = self
            .list
            .loaded()
            .into_iter()
            .flatten()
            .map(|g| g.status.as_str());
        let targets = self
            .targets
            .values()
            .filter_map(Loadable::loaded)
            .flatten()
            .map(|t| t.status.as_str());
        gateways.chain(targets).any(is_transitional)
    }
}

/// Statuses that AgentCore moves on from by itself.
pub fn is_transitional(status: &str) -> bool {
    matches!(
        status,
        "CREATING" | "UPDATING" | "DELETING" | "SYNCHRONIZING"
    )
}
