//! The gateway screens as the shell sees them: titles, keys, loads, rows,
//! commands and drawing, per screen.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::features::gateway::capture_list::CaptureFilters;
use crate::features::gateway::keys::{self, Command as Gw};
use crate::features::gateway::route::Route;
use crate::features::gateway::update::{self, ask_delete, load_targets, selected_gateway_id};
use crate::features::gateway::{capture_list, describe, tool_calls, tool_catalog, views};
use crate::features::policy;
use crate::shell;
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::keymap::{Binding, Command};
use crate::shell::navigation::{push, refresh_top};
use crate::shell::screens::{Clip, Screens};
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::header::under;

impl Screens for Route {
    fn gateway_id(&self) -> Option<&str> {
        match self {
            Route::Gateways => None,
            Route::GatewayDetail { gateway_id }
            | Route::Targets { gateway_id }
            | Route::Tools { gateway_id }
            | Route::ToolDetail { gateway_id, .. }
            | Route::ToolCall { gateway_id, .. }
            | Route::Captures { gateway_id }
            | Route::CaptureDetail { gateway_id, .. } => Some(gateway_id),
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Route::Gateways => "gateways",
            Route::GatewayDetail { .. } => "describe",
            Route::Targets { .. } => "targets",
            Route::Tools { .. } => "tools",
            Route::ToolDetail { .. } => "schema",
            Route::ToolCall { .. } => "call",
            Route::Captures { .. } => "captures",
            Route::CaptureDetail { .. } => "capture",
        }
    }

    fn crumb(&self, state: &AppState, parent_gateway: Option<&str>) -> String {
        let under = |gateway_id: &str, what: &str| under(state, parent_gateway, gateway_id, what);
        match self {
            Route::Gateways => "gateways".into(),
            Route::GatewayDetail { gateway_id } => under(gateway_id, "describe"),
            Route::Targets { gateway_id } => under(gateway_id, "targets"),
            Route::Tools { gateway_id } => under(gateway_id, "tools"),
            Route::ToolDetail { tool, .. } => tool.clone(),
            Route::ToolCall { .. } => "call".into(),
            Route::Captures { gateway_id } => under(gateway_id, "captures"),
            Route::CaptureDetail { index, .. } => format!("capture {}", index + 1),
        }
    }

    fn bindings(&self) -> &'static [Binding] {
        match self {
            Route::Gateways => keys::GATEWAYS,
            Route::GatewayDetail { .. } => keys::GATEWAY_DETAIL,
            Route::Targets { .. } => keys::TARGETS,
            Route::Tools { .. } => keys::TOOLS,
            Route::ToolDetail { .. } => keys::TOOL_DETAIL,
            Route::ToolCall { .. } => keys::TOOL_CALL,
            Route::Captures { .. } => keys::CAPTURES,
            Route::CaptureDetail { .. } => &[],
        }
    }

    fn typing(&self) -> bool {
        matches!(self, Route::ToolCall { .. })
    }

    fn on_typed(&self, state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
        tool_calls::on_typing_key(state, key)
    }

    fn load(&self, state: &mut AppState) -> Vec<Effect> {
        let mut effects = Vec::new();
        // Screens that show the targets' tools need the targets.
        if let Route::Targets { gateway_id }
        | Route::Tools { gateway_id }
        | Route::ToolDetail { gateway_id, .. } = self
        {
            effects.extend(load_targets(state, gateway_id));
        }
        match self {
            Route::Tools { gateway_id } => {
                effects.extend(tool_catalog::load_mcp(state, gateway_id))
            }
            Route::Captures { gateway_id } => effects.extend(capture_list::load(state, gateway_id)),
            _ => {}
        }
        effects
    }

    fn poll_every(&self, state: &AppState) -> Option<u64> {
        update::poll_every(state, self)
    }

    fn poll(&self, state: &mut AppState) -> Vec<Effect> {
        update::poll(state, self)
    }

    fn reload(&self, state: &mut AppState) -> Vec<Effect> {
        match self {
            Route::Tools { gateway_id } => {
                state.gateway.mcp.remove(gateway_id);
                tool_catalog::load_mcp(state, gateway_id)
            }
            Route::Captures { gateway_id } => {
                state.gateway.captures.remove(gateway_id);
                capture_list::load(state, gateway_id)
            }
            _ => Vec::new(),
        }
    }

    fn visible_rows(&self, state: &AppState, filter: &FilterQuery) -> Vec<usize> {
        let gw = &state.gateway;
        match self {
            Route::Gateways => match gw.list.loaded() {
                Some(gws) => filter
                    .apply_to(gws.iter().map(|g| {
                        format!("{} {} {} {}", g.name, g.id, g.status, g.authorizer_type)
                    })),
                None => Vec::new(),
            },
            Route::Targets { gateway_id } => match gw.targets_of(gateway_id) {
                Some(ts) => filter.apply_to(ts.iter().map(|t| {
                    format!("{} {} {} {}", t.name, t.target_type.label(), t.status, t.id)
                })),
                None => Vec::new(),
            },
            Route::Tools { gateway_id } => tool_catalog::visible(gw, gateway_id, filter),
            Route::ToolCall { .. } => Vec::new(),
            Route::Captures { gateway_id } => capture_list::visible(gw, gateway_id, filter),
            Route::CaptureDetail { gateway_id, index } => {
                (0..capture_list::detail_lines(gw, gateway_id, *index).len()).collect()
            }
            Route::ToolDetail { gateway_id, tool } => {
                let rows = gw.schema_rows(gateway_id, tool);
                filter.apply(rows.iter().map(|r| r.name.as_str()))
            }
            Route::GatewayDetail { gateway_id } => match gw.find(gateway_id) {
                Some(g) => (0..describe::gateway_lines(g).len()).collect(),
                None => Vec::new(),
            },
        }
    }

    fn on_command(&self, state: &mut AppState, command: Command) -> Option<Vec<Effect>> {
        if let Route::ToolCall { .. } = self {
            return tool_calls::on_command(state, command);
        }
        let Command::Gateway(command) = command else {
            return match command {
                Command::Delete => Some(ask_delete(state, self)),
                _ => None,
            };
        };
        Some(match command {
            Gw::Describe => open_for_selected(state, |gateway_id| {
                Route::GatewayDetail { gateway_id }.into()
            }),
            Gw::Targets => {
                open_for_selected(state, |gateway_id| Route::Targets { gateway_id }.into())
            }
            Gw::Tools => open_for_selected(state, |gateway_id| Route::Tools { gateway_id }.into()),
            Gw::Captures => {
                open_for_selected(state, |gateway_id| Route::Captures { gateway_id }.into())
            }
            Gw::Policies => open_for_selected(state, |gateway_id| {
                policy::Route::Policies { gateway_id }.into()
            }),
            Gw::Call => tool_calls::open_selected(state, self),
            Gw::Search => {
                if let Route::Tools { .. } = self {
                    tool_catalog::begin_search(state);
                }
                Vec::new()
            }
            Gw::CycleOutcome | Gw::CycleDecision => {
                if let Route::Captures { .. } = self {
                    capture_list::cycle(
                        state,
                        match command {
                            Gw::CycleOutcome => CaptureFilters::cycle_outcome,
                            _ => CaptureFilters::cycle_decision,
                        },
                    );
                }
                Vec::new()
            }
            // The call dialog's own, answered above.
            Gw::Send
            | Gw::ToggleEditor
            | Gw::ToggleResult
            | Gw::NextField
            | Gw::PrevField
            | Gw::NextCaller
            | Gw::Curl
            | Gw::HistoryNext
            | Gw::HistoryPrev
            | Gw::Rerun => Vec::new(),
        })
    }

    fn open(&self, state: &mut AppState, index: usize) -> Vec<Effect> {
        match self {
            Route::Gateways | Route::GatewayDetail { .. } => match selected_gateway_id(state) {
                Some(gateway_id) => push(state, Route::Targets { gateway_id }.into()),
                None => Vec::new(),
            },
            Route::Targets { gateway_id } => {
                let Some(target) = state
                    .gateway
                    .targets_of(gateway_id)
                    .and_then(|t| t.get(index))
                else {
                    return Vec::new();
                };
                // The target's tools: the catalog, filtered to its prefix.
                let filter = format!("^{}___", target.name);
                let route = Route::Tools {
                    gateway_id: gateway_id.clone(),
                };
                let effects = push(state, route.into());
                state.screen_mut().cursor.filter = FilterQuery::new(filter);
                refresh_top(state);
                effects
            }
            Route::Tools { gateway_id } => {
                let Some(tool) = state.gateway.catalog_tool(gateway_id, index) else {
                    return Vec::new();
                };
                let route = Route::ToolDetail {
                    gateway_id: gateway_id.clone(),
                    tool: tool.qualified_name.clone(),
                };
                push(state, route.into())
            }
            Route::Captures { gateway_id } => {
                let route = Route::CaptureDetail {
                    gateway_id: gateway_id.clone(),
                    index,
                };
                push(state, route.into())
            }
            Route::ToolDetail { .. } | Route::ToolCall { .. } | Route::CaptureDetail { .. } => {
                Vec::new()
            }
        }
    }

    fn copy(&self, state: &AppState, selected: Option<usize>) -> Clip {
        let gw = &state.gateway;
        match self {
            Route::Gateways => Clip::json(selected.and_then(|i| gw.list.loaded()?.get(i))),
            Route::GatewayDetail { gateway_id } => Clip::json(gw.find(gateway_id)),
            Route::Targets { gateway_id } => {
                Clip::json(selected.and_then(|i| gw.targets_of(gateway_id)?.get(i)))
            }
            Route::Tools { gateway_id } => {
                Clip::json(selected.and_then(|i| gw.catalog_tool(gateway_id, i)))
            }
            Route::ToolDetail { gateway_id, tool } => Clip::json(gw.tool(gateway_id, tool)),
            Route::ToolCall { .. } => match gw.call.as_ref().and_then(tool_calls::exchange_json) {
                Some(text) => Clip::Text(text),
                None => Clip::Nothing("no call made yet: nothing to copy"),
            },
            Route::Captures { gateway_id } => {
                Clip::json(selected.and_then(|i| capture_list::call(gw, gateway_id, i)))
            }
            Route::CaptureDetail { gateway_id, index } => {
                Clip::json(capture_list::call(gw, gateway_id, *index))
            }
        }
    }

    fn on_back(&self, state: &mut AppState) -> bool {
        // esc first clears the search the catalog shows.
        if let Route::Tools { gateway_id } = self
            && state.gateway.tool_search.remove(gateway_id).is_some()
        {
            refresh_top(state);
            return true;
        }
        // esc first clears the captures' outcome and decision filters.
        if let Route::Captures { .. } = self
            && state.gateway.capture_filters.is_active()
        {
            state.gateway.capture_filters = CaptureFilters::default();
            refresh_top(state);
            return true;
        }
        false
    }

    fn on_close(&self, state: &mut AppState) {
        if let Route::ToolCall { .. } = self {
            state.gateway.call = None;
        }
    }

    fn render(&self, state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
        match self {
            Route::Gateways => views::gateways::render(state, cursor, frame, area),
            Route::GatewayDetail { gateway_id } => {
                views::gateway_detail::render(state, gateway_id, cursor, frame, area)
            }
            Route::Targets { gateway_id } => {
                views::targets::render(state, gateway_id, cursor, frame, area)
            }
            Route::Tools { gateway_id } => {
                views::tools::render(state, gateway_id, cursor, frame, area)
            }
            Route::ToolDetail { gateway_id, tool } => {
                views::tool_detail::render(state, gateway_id, tool, cursor, frame, area)
            }
            Route::ToolCall { .. } => views::tool_call::render(state, frame, area),
            Route::Captures { gateway_id } => {
                views::captures::render(state, gateway_id, cursor, frame, area)
            }
            Route::CaptureDetail { gateway_id, index } => {
                views::capture_detail::render(state, gateway_id, *index, cursor, frame, area)
            }
        }
    }
}

/// A screen about the selected gateway (or the current screen's).
fn open_for_selected(state: &mut AppState, route: fn(String) -> shell::Route) -> Vec<Effect> {
    match selected_gateway_id(state) {
        Some(gateway_id) => push(state, route(gateway_id)),
        None => Vec::new(),
    }
}
