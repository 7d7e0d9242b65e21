//! Everything the console knows. Views read it; only `update` changes it.

use std::collections::HashMap;

use acc_backend::{ContextInfo, McpCatalog};
use acc_domain::{Gateway, SchemaNode, Target, Tool, schema_tree};

use crate::features::gateway::call_form::CallForm;
use crate::shell::filter::FilterQuery;
use crate::shell::layout;
use crate::shell::route::Route;
use crate::theme::Theme;

/// Where a catalog entry lives: (target index, tool index).
pub type ToolRef = (u32, u32);

/// Data that arrives asynchronously.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    NotLoaded,
    /// `tick` when the request started, for the progress display.
    Loading {
        since_tick: u64,
    },
    Loaded(T),
    Failed(String),
}

impl<T> Loadable<T> {
    pub fn loaded(&self) -> Option<&T> {
        match self {
            Loadable::Loaded(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_loading(&self) -> bool {
        matches!(self, Loadable::Loading { .. })
    }
}

/// Selection, scroll and filter of one list screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListCursor {
    /// Index into `visible`.
    pub selected: usize,
    /// First visible row (index into `visible`).
    pub offset: usize,
    pub filter: FilterQuery,
    /// Indices into the screen's underlying items that pass the filter, in
    /// display order. Recomputed by `update` whenever data or filter change,
    /// so drawing never filters.
    pub visible: Vec<usize>,
}

impl ListCursor {
    /// The selected item's index in the underlying collection.
    pub fn selected_item(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }
}

/// A screen on the breadcrumb stack with its own cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub route: Route,
    pub cursor: ListCursor,
}

impl Screen {
    pub fn new(route: Route) -> Screen {
        Screen {
            route,
            cursor: ListCursor::default(),
        }
    }
}

/// What the bottom line is being used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputMode {
    Normal,
    /// Editing the current list's filter; the text lives in the cursor.
    Filter,
    /// Typing a `:` command.
    Palette {
        text: String,
        selected: usize,
    },
    /// Typing a query for the gateway's search tool.
    Search {
        text: String,
    },
}

/// A search through a gateway's built-in search tool.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSearch {
    pub query: String,
    /// Qualified tool names, best first.
    pub hits: Loadable<Vec<String>>,
}

/// A modal layer over the current screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    Confirm(Confirm),
}

/// A pending destructive action waiting for `y`.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub title: String,
    pub question: String,
    pub on_yes: crate::shell::effect::Effect,
}

/// A message on the bottom line until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// A context the user can switch to from `:ctx`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextChoice {
    pub label: String,
    pub detail: String,
    pub profile: Option<String>,
    pub current: bool,
}

/// The whole console state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub context: ContextInfo,
    pub readonly: bool,
    pub theme: Theme,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Breadcrumbs; the last screen is the one shown.
    pub stack: Vec<Screen>,
    pub gateways: Loadable<Vec<Gateway>>,
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
    pub captures: HashMap<String, Loadable<crate::features::gateway::capture_list::CaptureList>>,
    pub contexts: Vec<ContextChoice>,
    /// Each gateway's policy engine, policies and Cedar schema.
    pub policy_studio: HashMap<String, Loadable<Box<crate::features::policy::studio::StudioData>>>,
    /// The open policy editor.
    pub editor: Option<crate::features::policy::studio::PolicyEditor>,
    /// The latest dry-run per gateway.
    pub dry_run: HashMap<String, Loadable<Box<crate::features::policy::studio::DryRunReport>>>,
    pub dry_run_options: crate::features::policy::studio::DryRunOptions,
    pub runtimes: Loadable<Vec<acc_domain::AgentRuntime>>,
    pub sessions: Loadable<Vec<acc_domain::RuntimeSession>>,
    pub session_sort: crate::features::runtime::invocation::SessionSort,
    /// When the sessions shown are refreshed next (while shown).
    pub sessions_refresh_at: Option<u64>,
    /// A session listing is on its way: a refresh due meanwhile waits for
    /// it instead of stacking another (live listings can take seconds).
    pub sessions_in_flight: bool,
    /// Log tails of the sessions opened.
    pub session_logs: HashMap<String, Loadable<Vec<acc_backend::RuntimeLogLine>>>,
    /// The spans each opened session's agent exported.
    pub session_spans: HashMap<String, Loadable<Vec<acc_domain::SessionSpan>>>,
    /// The open invoke console.
    pub invoke: Option<crate::features::runtime::invocation::InvokeConsole>,
    pub input: InputMode,
    /// A `:` command naming a gateway, typed before the gateways loaded.
    pub deferred_palette: Option<String>,
    pub overlay: Option<Overlay>,
    pub message: Option<Message>,
    /// Advances while something loads; drives the spinner.
    pub tick: u64,
    /// While a resource is CREATING/UPDATING/DELETING, reload at this tick
    /// so the user sees it settle without pressing ctrl-r.
    pub poll_at_tick: Option<u64>,
    pub should_quit: bool,
}

impl AppState {
    pub fn new(context: ContextInfo, readonly: bool, theme: Theme, size: (u16, u16)) -> AppState {
        AppState {
            context,
            readonly,
            theme,
            size,
            stack: vec![Screen::new(Route::Gateways)],
            gateways: Loadable::NotLoaded,
            targets: HashMap::new(),
            tools: HashMap::new(),
            mcp: HashMap::new(),
            schema_only: HashMap::new(),
            tool_search: HashMap::new(),
            call: None,
            captures: HashMap::new(),
            contexts: Vec::new(),
            policy_studio: HashMap::new(),
            editor: None,
            dry_run: HashMap::new(),
            dry_run_options: Default::default(),
            runtimes: Loadable::NotLoaded,
            sessions: Loadable::NotLoaded,
            session_sort: Default::default(),
            sessions_refresh_at: None,
            sessions_in_flight: false,
            session_logs: HashMap::new(),
            session_spans: HashMap::new(),
            invoke: None,
            input: InputMode::Normal,
            deferred_palette: None,
            overlay: None,
            message: None,
            tick: 0,
            poll_at_tick: None,
            should_quit: false,
        }
    }

    pub fn screen(&self) -> &Screen {
        self.stack
            .last()
            .expect("the stack always holds the root screen")
    }

    pub fn screen_mut(&mut self) -> &mut Screen {
        self.stack
            .last_mut()
            .expect("the stack always holds the root screen")
    }

    pub fn gateway(&self, id: &str) -> Option<&Gateway> {
        self.gateways.loaded()?.iter().find(|g| g.id == id)
    }

    /// A gateway's display name, falling back to its id.
    pub fn gateway_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.gateway(id).map(|g| g.name.as_str()).unwrap_or(id)
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
        let targets = self.targets.get(gateway_id)?.loaded()?;
        targets.get(target as usize)?.tools.get(tool as usize)
    }

    /// A gateway's catalog in order.
    pub fn catalog_tools<'a>(
        &'a self,
        gateway_id: &'a str,
    ) -> impl Iterator<Item = &'a Tool> + use<'a> {
        (0..self.catalog_len(gateway_id)).filter_map(move |i| self.catalog_tool(gateway_id, i))
    }

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

    /// Whether anything is in flight (the spinner needs ticks).
    pub fn is_loading(&self) -> bool {
        self.gateways.is_loading()
            || self.targets.values().any(Loadable::is_loading)
            || self.mcp.values().any(Loadable::is_loading)
            || self.captures.values().any(Loadable::is_loading)
            || self.policy_studio.values().any(Loadable::is_loading)
            || self.dry_run.values().any(Loadable::is_loading)
            || self.runtimes.is_loading()
            || self.invoke.as_ref().is_some_and(|c| {
                c.run.as_ref().is_some_and(|r| {
                    matches!(
                        r.state,
                        crate::features::runtime::invocation::RunState::Starting
                            | crate::features::runtime::invocation::RunState::Streaming
                    )
                })
            })
            || self.tool_search.values().any(|s| s.hits.is_loading())
            || self
                .call
                .as_ref()
                .is_some_and(|c| c.call == crate::features::gateway::call_form::CallState::InFlight)
    }

    /// Whether the loop must keep sending ticks (progress or a pending poll).
    pub fn needs_ticks(&self) -> bool {
        self.is_loading()
            || self.poll_at_tick.is_some()
            || self.sessions_refresh_at.is_some()
            || self
                .editor
                .as_ref()
                .is_some_and(|e| e.validate_at_tick.is_some_and(|at| at != u64::MAX))
    }

    /// Whether anything shown is still changing state on the platform.
    pub fn has_transitional(&self) -> bool {
        let gateways = self
            .gateways
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

    /// Rows available to the current list.
    pub fn list_height(&self) -> usize {
        layout::list_body_height(self.size.1)
    }
}

/// Statuses that AgentCore moves on from by itself.
pub fn is_transitional(status: &str) -> bool {
    matches!(
        status,
        "CREATING" | "UPDATING" | "DELETING" | "SYNCHRONIZING"
    )
}
