//! `update(state, action) -> effects`: the only place state changes.

use acc_domain::Target;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::features::gateway::{capture_list as captures, describe, tool_calls, tool_catalog};
use crate::features::policy::studio as policy_studio;
use crate::features::runtime::invocation as runtimes;
use crate::shell::action::Action;
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::keymap::{self, Command};
use crate::shell::palette::{self, PaletteCommand};
use crate::shell::route::{Route, ViewKind};
use crate::shell::state::{
    AppState, Confirm, InputMode, Level, ListCursor, Loadable, Message, Overlay, Screen,
};

/// Rows moved by one mouse wheel notch.
const WHEEL_ROWS: isize = 3;

/// Applies `action` and returns the effects to run.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Action::Key(_) => Vec::new(),
        Action::Mouse(m) => {
            match m.kind {
                MouseEventKind::ScrollDown => move_by(state, WHEEL_ROWS),
                MouseEventKind::ScrollUp => move_by(state, -WHEEL_ROWS),
                _ => {}
            }
            Vec::new()
        }
        Action::Resize(w, h) => {
            state.size = (w, h);
            for i in 0..state.stack.len() {
                clamp_cursor(state, i);
            }
            Vec::new()
        }
        Action::Tick => {
            state.tick += 1;
            policy_studio::on_tick(state);
            if state.sessions_refresh_at.is_some_and(|at| state.tick >= at) {
                return refresh_sessions(state);
            }
            match state.poll_at_tick {
                Some(due) if state.tick >= due => {
                    state.poll_at_tick = None;
                    reload(state)
                }
                _ => Vec::new(),
            }
        }
        Action::GatewaysLoaded(result) => {
            match result {
                Ok(gateways) => state.gateways = Loadable::Loaded(gateways),
                Err(e) => {
                    error(state, e.clone());
                    state.gateways = Loadable::Failed(e);
                }
            }
            refresh_all(state);
            schedule_poll(state);
            match state.deferred_palette.take() {
                Some(line) if state.gateways.loaded().is_some() => {
                    state.message = None;
                    run_palette(state, &line)
                }
                // Loads that needed the gateway itself (its MCP URL) start now.
                _ if state.gateways.loaded().is_some() => load_for_current(state),
                _ => Vec::new(),
            }
        }
        Action::TargetsLoaded { gateway_id, result } => {
            match result {
                Ok(targets) => {
                    state
                        .tools
                        .insert(gateway_id.clone(), tool_catalog::schema_catalog(&targets));
                    state
                        .targets
                        .insert(gateway_id.clone(), Loadable::Loaded(targets));
                    tool_catalog::relink(state, &gateway_id);
                }
                Err(e) => {
                    error(state, e.clone());
                    state.tools.remove(&gateway_id);
                    state.targets.insert(gateway_id, Loadable::Failed(e));
                }
            }
            refresh_all(state);
            schedule_poll(state);
            Vec::new()
        }
        Action::Deleted { what, result } => match result {
            Ok(()) => {
                info(state, format!("deleted {what}"));
                reload(state)
            }
            Err(e) => {
                error(state, format!("delete {what}: {e}"));
                Vec::new()
            }
        },
        Action::McpCatalogLoaded { gateway_id, result } => {
            tool_catalog::on_mcp_loaded(state, &gateway_id, result);
            refresh_all(state);
            Vec::new()
        }
        Action::ToolsFound {
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
        Action::ToolCalled {
            gateway_id,
            tool,
            result,
        } => {
            tool_calls::on_called(state, &gateway_id, &tool, result.map(|report| *report));
            Vec::new()
        }
        Action::CapturesLoaded { gateway_id, result } => {
            captures::on_loaded(state, &gateway_id, result);
            refresh_all(state);
            Vec::new()
        }
        Action::ContextsLoaded(choices) => {
            state.contexts = choices;
            refresh_all(state);
            Vec::new()
        }
        Action::ContextSwitched(info_) => {
            info(state, format!("switched to {}", info_.label()));
            state.context = info_;
            state.gateways = Loadable::NotLoaded;
            state.targets.clear();
            state.tools.clear();
            state.mcp.clear();
            state.schema_only.clear();
            state.tool_search.clear();
            state.captures.clear();
            state.call = None;
            state.stack = vec![Screen::new(Route::Gateways)];
            load_for_current(state)
        }
        Action::PolicyStudioLoaded { gateway_id, result } => {
            match result {
                Ok(data) => {
                    state
                        .policy_studio
                        .insert(gateway_id.clone(), Loadable::Loaded(data));
                }
                Err(e) => {
                    error(state, e.clone());
                    state
                        .policy_studio
                        .insert(gateway_id.clone(), Loadable::Failed(e));
                }
            }
            // The editor's first validation waited for the schema.
            if let Some(editor) = state.editor.as_mut()
                && editor.gateway_id == gateway_id
                && editor.validate_at_tick.is_some()
            {
                editor.validate_at_tick = Some(state.tick);
                policy_studio::validate(state);
            }
            refresh_all(state);
            Vec::new()
        }
        Action::DryRunDone { gateway_id, result } => {
            let loaded = match result {
                Ok(report) => Loadable::Loaded(report),
                Err(e) => {
                    error(state, format!("dry-run: {e}"));
                    Loadable::Failed(e)
                }
            };
            state.dry_run.insert(gateway_id, loaded);
            refresh_all(state);
            Vec::new()
        }
        Action::PolicyPushed { gateway_id, result } => {
            policy_studio::on_pushed(state, &gateway_id, result);
            policy_studio::load(state, &gateway_id)
        }
        Action::PolicyModeSet { gateway_id, result } => match result {
            Ok(mode) => {
                info(
                    state,
                    format!("{} now in {mode}", state.gateway_name(&gateway_id)),
                );
                state.policy_studio.remove(&gateway_id);
                let mut effects = policy_studio::load(state, &gateway_id);
                effects.push(Effect::LoadGateways);
                effects
            }
            Err(e) => {
                error(state, format!("policy mode: {e}"));
                Vec::new()
            }
        },
        Action::RuntimesLoaded(result) => {
            match result {
                Ok(runtimes) => state.runtimes = Loadable::Loaded(runtimes),
                Err(e) => {
                    error(state, e.clone());
                    state.runtimes = Loadable::Failed(e);
                }
            }
            refresh_all(state);
            Vec::new()
        }
        Action::SessionsLoaded(result) => {
            state.sessions_in_flight = false;
            match result {
                Ok(sessions) => state.sessions = Loadable::Loaded(sessions),
                // A failed refresh keeps what is shown, and says why.
                Err(e) if state.sessions.loaded().is_some() => error(state, e),
                Err(e) => {
                    error(state, e.clone());
                    state.sessions = Loadable::Failed(e);
                }
            }
            refresh_all(state);
            Vec::new()
        }
        Action::SessionLogsLoaded {
            session_id,
            result,
            spans,
        } => {
            let loaded = match result {
                Ok(lines) => Loadable::Loaded(lines),
                Err(e) => Loadable::Failed(e),
            };
            let spans = match spans {
                Ok(spans) => Loadable::Loaded(spans),
                Err(e) => Loadable::Failed(e),
            };
            state.session_spans.insert(session_id.clone(), spans);
            state.session_logs.insert(session_id, loaded);
            refresh_all(state);
            Vec::new()
        }
        Action::SessionStopped { session_id, result } => match result {
            Ok(()) => {
                info(state, format!("stopped session {session_id}"));
                vec![Effect::LoadSessions]
            }
            Err(e) => {
                error(state, format!("stop {session_id}: {e}"));
                Vec::new()
            }
        },
        Action::InvokeStarted {
            run_id,
            session_id,
            content_type,
        } => {
            runtimes::on_started(state, run_id, session_id, content_type);
            Vec::new()
        }
        Action::InvokeChunk {
            run_id,
            at_ms,
            bytes,
        } => {
            runtimes::on_chunk(state, run_id, at_ms, &bytes);
            Vec::new()
        }
        Action::InvokeFinished {
            run_id,
            at_ms,
            result,
        } => {
            if let Err(e) = &result {
                error(state, format!("invoke: {e}"));
            }
            runtimes::on_finished(state, run_id, at_ms, result);
            Vec::new()
        }
        Action::FileSaved { what, result } => {
            match result {
                Ok(path) => info(state, format!("saved {what} to {path}")),
                Err(e) => error(state, e),
            }
            Vec::new()
        }
        Action::Copied { bytes } => {
            info(
                state,
                format!("copied {bytes} bytes of JSON to the clipboard (OSC 52)"),
            );
            Vec::new()
        }
    }
}

/// The first effects of a session: load what the root screen shows.
pub fn start(state: &mut AppState) -> Vec<Effect> {
    load_for_current(state)
}

fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.should_quit = true;
        return Vec::new();
    }
    match &state.overlay {
        Some(Overlay::Confirm(confirm)) => {
            let on_yes = confirm.on_yes.clone();
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    state.overlay = None;
                    vec![on_yes]
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
                    state.overlay = None;
                    info(state, "cancelled".into());
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        Some(Overlay::Help) => {
            if matches!(
                key.code,
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter
            ) {
                state.overlay = None;
            }
            return Vec::new();
        }
        None => {}
    }
    match state.input.clone() {
        InputMode::Filter => return on_filter_key(state, key),
        InputMode::Palette { text, selected } => return on_palette_key(state, key, text, selected),
        InputMode::Search { text } => return on_search_key(state, key, text),
        InputMode::Normal => {}
    }
    let view = state.screen().route.kind();
    if view == ViewKind::ToolCall {
        return match keymap::lookup_while_typing(view, &key) {
            Some(command) => on_command(state, command),
            None => tool_calls::on_typing_key(state, key),
        };
    }
    if view == ViewKind::Invoke {
        return match keymap::lookup_while_typing(view, &key) {
            Some(command) => on_command(state, command),
            None => runtimes::on_typing_key(state, key),
        };
    }
    if view == ViewKind::PolicyEditor {
        return match keymap::lookup_while_typing(view, &key) {
            Some(command) => on_command(state, command),
            None => policy_studio::on_typing_key(state, key),
        };
    }
    match keymap::lookup(view, &key) {
        Some(command) => on_command(state, command),
        None => Vec::new(),
    }
}

fn on_command(state: &mut AppState, command: Command) -> Vec<Effect> {
    let page = state.list_height().max(1) as isize;
    if state.screen().route.kind() == ViewKind::ToolCall {
        match command {
            Command::PageDown => tool_calls::scroll(state, page / 2),
            Command::PageUp => tool_calls::scroll(state, -page / 2),
            Command::Up | Command::PrevField => tool_calls::move_focus(state, -1),
            Command::Down | Command::NextField => tool_calls::move_focus(state, 1),
            Command::Send => return tool_calls::send(state),
            Command::ToggleEditor => tool_calls::toggle_editor(state),
            Command::ToggleResult => tool_calls::toggle_result(state),
            Command::Copy => return copy(state),
            Command::Back => back(state),
            Command::Quit => state.should_quit = true,
            Command::Help => state.overlay = Some(Overlay::Help),
            _ => {}
        }
        return Vec::new();
    }
    if state.screen().route.kind() == ViewKind::Invoke {
        match command {
            Command::Send => return runtimes::send(state),
            Command::ToggleResult => runtimes::toggle_view(state),
            Command::NewSession => runtimes::new_session(state),
            Command::NextField | Command::PrevField => runtimes::toggle_focus(state),
            Command::Back => back(state),
            Command::Quit => state.should_quit = true,
            Command::Help => state.overlay = Some(Overlay::Help),
            _ => {}
        }
        return Vec::new();
    }
    if state.screen().route.kind() == ViewKind::PolicyEditor {
        match command {
            Command::Validate => policy_studio::validate(state),
            Command::NextProblem => policy_studio::next_diagnostic(state),
            Command::Format => policy_studio::format(state),
            Command::DryRun => return policy_studio::dry_run(state),
            Command::Push => return policy_studio::ask_push(state),
            Command::PageDown => policy_studio::page(state, page / 2),
            Command::PageUp => policy_studio::page(state, -page / 2),
            Command::Back => back(state),
            Command::Quit => state.should_quit = true,
            Command::Help => state.overlay = Some(Overlay::Help),
            _ => {}
        }
        return Vec::new();
    }
    match command {
        Command::Down => move_by(state, 1),
        Command::Up => move_by(state, -1),
        Command::PageDown => move_by(state, page),
        Command::PageUp => move_by(state, -page),
        Command::Top => move_by(state, isize::MIN / 2),
        Command::Bottom => move_by(state, isize::MAX / 2),
        Command::Filter => state.input = InputMode::Filter,
        Command::Palette => {
            state.input = InputMode::Palette {
                text: String::new(),
                selected: 0,
            }
        }
        Command::Help => state.overlay = Some(Overlay::Help),
        Command::Quit => state.should_quit = true,
        Command::Back => back(state),
        Command::Refresh => return reload(state),
        Command::Copy => return copy(state),
        Command::Open => return open(state),
        Command::Describe => {
            if let Some(id) = selected_gateway_id(state) {
                return push(state, Route::GatewayDetail { gateway_id: id });
            }
        }
        Command::Targets => {
            if let Some(id) = selected_gateway_id(state) {
                return push(state, Route::Targets { gateway_id: id });
            }
        }
        Command::Tools => {
            if let Some(id) = selected_gateway_id(state) {
                return push(state, Route::Tools { gateway_id: id });
            }
        }
        Command::Delete => return ask_delete(state),
        Command::Call => return open_call(state),
        Command::Search => {
            if matches!(state.screen().route, Route::Tools { .. }) {
                tool_catalog::begin_search(state);
            }
        }
        Command::Captures => {
            if let Some(id) = selected_gateway_id(state) {
                return push(state, Route::Captures { gateway_id: id });
            }
        }
        Command::Policies => {
            if let Some(id) = selected_gateway_id(state) {
                return push(state, Route::Policies { gateway_id: id });
            }
        }
        Command::NewPolicy => {
            if let Route::Policies { gateway_id } = state.screen().route.clone() {
                return push(state, Route::PolicyTemplates { gateway_id });
            }
        }
        Command::PolicyMode => {
            if let Some(id) = state.screen().route.gateway_id().map(str::to_owned) {
                return policy_studio::ask_mode(state, &id);
            }
        }
        Command::Sort if state.screen().route == Route::Sessions => {
            state.session_sort = state.session_sort.next();
            let top = state.stack.len() - 1;
            refresh(state, top);
        }
        Command::Sort | Command::FlipsOnly => {
            if command == Command::Sort {
                policy_studio::cycle_sort(state);
            } else {
                policy_studio::toggle_flips_only(state);
            }
            let top = state.stack.len() - 1;
            state.stack[top].cursor.selected = 0;
            refresh(state, top);
        }
        Command::SaveTests => {
            if let Route::DryRun { gateway_id } = state.screen().route.clone() {
                let order = state.screen().cursor.visible.clone();
                return policy_studio::save_tests(state, &gateway_id, &order);
            }
        }
        Command::Send
        | Command::ToggleEditor
        | Command::ToggleResult
        | Command::NextField
        | Command::PrevField
        | Command::Validate
        | Command::Format
        | Command::NextProblem
        | Command::DryRun
        | Command::Push
        | Command::NewSession => {}
    }
    Vec::new()
}

/// `c` on a tool: the call dialog.
fn open_call(state: &mut AppState) -> Vec<Effect> {
    let screen = state.screen().clone();
    let (gateway_id, tool) = match &screen.route {
        Route::Tools { gateway_id } => {
            let Some(tool) = screen
                .cursor
                .selected_item()
                .and_then(|i| state.catalog_tool(gateway_id, i))
            else {
                return Vec::new();
            };
            (gateway_id.clone(), tool.qualified_name.clone())
        }
        Route::ToolDetail { gateway_id, tool } => (gateway_id.clone(), tool.clone()),
        _ => return Vec::new(),
    };
    match tool_calls::open(state, &gateway_id, &tool) {
        Some(route) => push(state, route),
        None => Vec::new(),
    }
}

fn on_search_key(state: &mut AppState, key: KeyEvent, mut text: String) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => {
            state.input = InputMode::Normal;
            return Vec::new();
        }
        KeyCode::Enter => {
            state.input = InputMode::Normal;
            let Route::Tools { gateway_id } = state.screen().route.clone() else {
                return Vec::new();
            };
            let effects = tool_catalog::run_search(state, &gateway_id, text);
            refresh_all(state);
            return effects;
        }
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => text.push(c),
        _ => {}
    }
    state.input = InputMode::Search { text };
    Vec::new()
}

fn on_filter_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let cursor = &mut state.screen_mut().cursor;
    match key.code {
        KeyCode::Enter => state.input = InputMode::Normal,
        KeyCode::Esc => {
            cursor.filter = FilterQuery::default();
            state.input = InputMode::Normal;
        }
        KeyCode::Backspace => {
            cursor.filter.text.pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            cursor.filter.text.push(c)
        }
        _ => return Vec::new(),
    }
    let top = state.stack.len() - 1;
    state.stack[top].cursor.selected = 0;
    refresh(state, top);
    Vec::new()
}

fn on_palette_key(
    state: &mut AppState,
    key: KeyEvent,
    mut text: String,
    mut selected: usize,
) -> Vec<Effect> {
    let count = palette::suggestions(&text).len();
    match key.code {
        KeyCode::Esc => {
            state.input = InputMode::Normal;
            return Vec::new();
        }
        KeyCode::Enter => {
            state.input = InputMode::Normal;
            // An incomplete word runs the highlighted suggestion.
            let line = match palette::parse(&text) {
                Ok(_) => text,
                Err(_) => match palette::suggestions(&text).get(selected) {
                    Some(entry) if !text.trim().is_empty() => entry.name.to_string(),
                    _ => text,
                },
            };
            return run_palette(state, &line);
        }
        KeyCode::Tab => {
            if let Some(entry) = palette::suggestions(&text).get(selected) {
                text = format!("{} ", entry.name);
                selected = 0;
            }
        }
        KeyCode::Down => selected = (selected + 1).min(count.saturating_sub(1)),
        KeyCode::Up => selected = selected.saturating_sub(1),
        KeyCode::Backspace => {
            if text.pop().is_none() {
                state.input = InputMode::Normal;
                return Vec::new();
            }
            selected = 0;
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.push(c);
            selected = 0;
        }
        _ => {}
    }
    state.input = InputMode::Palette { text, selected };
    Vec::new()
}

fn run_palette(state: &mut AppState, line: &str) -> Vec<Effect> {
    let parsed = match palette::parse(line) {
        Ok(p) => p,
        Err(e) => {
            error(state, e);
            return Vec::new();
        }
    };
    match parsed.command {
        PaletteCommand::Quit => {
            state.should_quit = true;
            Vec::new()
        }
        PaletteCommand::Help => {
            state.overlay = Some(Overlay::Help);
            Vec::new()
        }
        PaletteCommand::Gateways => {
            state.stack.truncate(1);
            state.stack[0].route = Route::Gateways;
            refresh(state, 0);
            load_for_current(state)
        }
        PaletteCommand::Contexts => {
            state.stack.truncate(1);
            push(state, Route::Contexts)
        }
        PaletteCommand::Runtimes => {
            state.stack.truncate(1);
            push(state, Route::Runtimes)
        }
        PaletteCommand::Sessions => {
            state.stack.truncate(1);
            push(state, Route::Sessions)
        }
        PaletteCommand::Targets | PaletteCommand::Tools | PaletteCommand::Captures => {
            let gateway_id = match parsed.argument {
                Some(key) => match find_gateway(state, &key) {
                    Some(id) => id,
                    // Typed before the gateways arrived: run it when they do.
                    None if state.gateways.loaded().is_none() => {
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
            state.stack.truncate(1);
            state.stack[0].route = Route::Gateways;
            let route = match parsed.command {
                PaletteCommand::Tools => Route::Tools { gateway_id },
                PaletteCommand::Captures => Route::Captures { gateway_id },
                _ => Route::Targets { gateway_id },
            };
            push(state, route)
        }
    }
}

fn find_gateway(state: &AppState, key: &str) -> Option<String> {
    state
        .gateways
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
            Some(state.gateways.loaded()?.get(index)?.id.clone())
        })
}

fn selected_gateway_id(state: &AppState) -> Option<String> {
    match &state.screen().route {
        Route::Gateways => {
            let index = state.screen().cursor.selected_item()?;
            Some(state.gateways.loaded()?.get(index)?.id.clone())
        }
        other => other.gateway_id().map(str::to_string),
    }
}

fn open(state: &mut AppState) -> Vec<Effect> {
    let screen = state.screen().clone();
    let Some(index) = screen.cursor.selected_item() else {
        return Vec::new();
    };
    match &screen.route {
        Route::Gateways | Route::GatewayDetail { .. } => match selected_gateway_id(state) {
            Some(id) => push(state, Route::Targets { gateway_id: id }),
            None => Vec::new(),
        },
        Route::Targets { gateway_id } => {
            let Some(target) = targets_of(state, gateway_id).and_then(|t| t.get(index)) else {
                return Vec::new();
            };
            let filter = format!("^{}___", target.name);
            let effects = push(
                state,
                Route::Tools {
                    gateway_id: gateway_id.clone(),
                },
            );
            let top = state.stack.len() - 1;
            state.stack[top].cursor.filter = FilterQuery::new(filter);
            refresh(state, top);
            effects
        }
        Route::Tools { gateway_id } => {
            let Some(tool) = state.catalog_tool(gateway_id, index) else {
                return Vec::new();
            };
            let route = Route::ToolDetail {
                gateway_id: gateway_id.clone(),
                tool: tool.qualified_name.clone(),
            };
            push(state, route)
        }
        Route::ToolDetail { .. } | Route::ToolCall { .. } | Route::CaptureDetail { .. } => {
            Vec::new()
        }
        Route::Captures { gateway_id } => push(
            state,
            Route::CaptureDetail {
                gateway_id: gateway_id.clone(),
                index,
            },
        ),
        Route::Policies { gateway_id } => {
            match policy_studio::edit_selected(state, gateway_id, index) {
                Some(route) => push(state, route),
                None => Vec::new(),
            }
        }
        Route::PolicyTemplates { gateway_id } => {
            match policy_studio::edit_template(state, gateway_id, index) {
                Some(route) => push(state, route),
                None => Vec::new(),
            }
        }
        Route::DryRun { gateway_id } => push(
            state,
            Route::DryRunDetail {
                gateway_id: gateway_id.clone(),
                index,
            },
        ),
        Route::PolicyEditor { .. } | Route::DryRunDetail { .. } => Vec::new(),
        Route::Runtimes => match runtimes::open_invoke(state, index) {
            Some(route) => push(state, route),
            None => Vec::new(),
        },
        Route::Sessions => {
            let Some(session) = runtimes::session_at(state, index).cloned() else {
                return Vec::new();
            };
            let mut effects = push(
                state,
                Route::SessionDetail {
                    session_id: session.runtime_session_id.clone(),
                },
            );
            effects.push(Effect::LoadSessionLogs {
                runtime_id: session.agent_runtime_id,
                endpoint: session.endpoint,
                session_id: session.runtime_session_id,
            });
            effects
        }
        Route::Invoke { .. } | Route::SessionDetail { .. } => Vec::new(),
        Route::Contexts => {
            let Some(choice) = state.contexts.get(index).cloned() else {
                return Vec::new();
            };
            match choice.profile {
                Some(p) if !choice.current => vec![Effect::SwitchProfile(p)],
                _ => {
                    info(state, format!("already on {}", choice.label));
                    Vec::new()
                }
            }
        }
    }
}

fn ask_delete(state: &mut AppState) -> Vec<Effect> {
    if state.screen().route == Route::Sessions {
        return match state.screen().cursor.selected_item() {
            Some(index) => runtimes::ask_stop(state, index),
            None => Vec::new(),
        };
    }
    let screen = state.screen().clone();
    let Some(index) = screen.cursor.selected_item() else {
        return Vec::new();
    };
    let confirm = match &screen.route {
        Route::Gateways => {
            let Some(g) = state.gateways.loaded().and_then(|g| g.get(index)) else {
                return Vec::new();
            };
            Confirm {
                title: "Delete gateway".into(),
                question: format!(
                    "Delete gateway {} ({})? Its targets must be deleted first. This cannot be undone.",
                    g.name, g.id
                ),
                on_yes: Effect::DeleteGateway {
                    id: g.id.clone(),
                    name: g.name.clone(),
                },
            }
        }
        Route::Targets { gateway_id } => {
            let Some(t) = targets_of(state, gateway_id).and_then(|t| t.get(index)) else {
                return Vec::new();
            };
            Confirm {
                title: "Delete target".into(),
                question: format!(
                    "Delete target {} ({}) from gateway {}? Its tools disappear from the gateway.",
                    t.name,
                    t.id,
                    state.gateway_name(gateway_id)
                ),
                on_yes: Effect::DeleteTarget {
                    gateway_id: gateway_id.clone(),
                    target_id: t.id.clone(),
                    name: t.name.clone(),
                },
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

fn copy(state: &mut AppState) -> Vec<Effect> {
    let screen = state.screen();
    let index = screen.cursor.selected_item();
    let json = match &screen.route {
        Route::Gateways => index
            .and_then(|i| state.gateways.loaded()?.get(i))
            .map(serde_json::to_string_pretty),
        Route::GatewayDetail { gateway_id } => {
            state.gateway(gateway_id).map(serde_json::to_string_pretty)
        }
        Route::Targets { gateway_id } => index
            .and_then(|i| targets_of(state, gateway_id)?.get(i))
            .map(serde_json::to_string_pretty),
        Route::Tools { gateway_id } => index
            .and_then(|i| state.catalog_tool(gateway_id, i))
            .map(serde_json::to_string_pretty),
        Route::ToolDetail { gateway_id, tool } => state
            .tool(gateway_id, tool)
            .map(serde_json::to_string_pretty),
        Route::ToolCall { .. } => match state.call.as_ref().and_then(tool_calls::exchange_json) {
            Some(text) => return vec![Effect::Copy(text)],
            None => {
                info(state, "no call made yet: nothing to copy".into());
                return Vec::new();
            }
        },
        Route::Captures { gateway_id } => index
            .and_then(|i| captures::call(state, gateway_id, i))
            .map(serde_json::to_string_pretty),
        Route::CaptureDetail { gateway_id, index } => {
            captures::call(state, gateway_id, *index).map(serde_json::to_string_pretty)
        }
        Route::Policies { gateway_id } => index
            .and_then(|i| policy_studio::studio(state, gateway_id)?.policies.get(i))
            .map(serde_json::to_string_pretty),
        Route::DryRun { gateway_id } => index
            .and_then(|i| state.dry_run.get(gateway_id)?.loaded()?.run.rows.get(i))
            .map(serde_json::to_string_pretty),
        Route::PolicyEditor { .. } => match &state.editor {
            Some(editor) => return vec![Effect::Copy(editor.contents())],
            None => None,
        },
        Route::Runtimes => index
            .and_then(|i| state.runtimes.loaded()?.get(i))
            .map(serde_json::to_string_pretty),
        Route::Sessions => index
            .and_then(|i| runtimes::session_at(state, i))
            .map(serde_json::to_string_pretty),
        Route::Invoke { .. } => match state.invoke.as_ref().and_then(|c| c.run.as_ref()) {
            Some(run) => {
                let bytes: Vec<u8> = run.raw.iter().copied().collect();
                return vec![Effect::Copy(String::from_utf8_lossy(&bytes).into_owned())];
            }
            None => None,
        },
        Route::PolicyTemplates { .. }
        | Route::DryRunDetail { .. }
        | Route::Contexts
        | Route::SessionDetail { .. } => None,
    };
    match json {
        // The runner performs the copy and reports `Copied`.
        Some(Ok(text)) => return vec![Effect::Copy(text)],
        Some(Err(e)) => error(state, format!("cannot render JSON: {e}")),
        None => info(state, "nothing selected to copy".into()),
    }
    Vec::new()
}

fn back(state: &mut AppState) {
    if state.message.is_some() {
        state.message = None;
        return;
    }
    let top = state.stack.len() - 1;
    if let Route::Tools { gateway_id } = &state.stack[top].route
        && state.tool_search.remove(gateway_id.as_str()).is_some()
    {
        refresh(state, top);
        return;
    }
    if !state.stack[top].cursor.filter.text.is_empty() {
        state.stack[top].cursor.filter = FilterQuery::default();
        refresh(state, top);
        return;
    }
    if state.stack.len() > 1 {
        match state.stack.pop().map(|s| s.route.kind()) {
            Some(ViewKind::ToolCall) => state.call = None,
            Some(ViewKind::PolicyEditor) => state.editor = None,
            _ => {}
        }
    }
}

pub(crate) fn push(state: &mut AppState, route: Route) -> Vec<Effect> {
    state.stack.push(Screen::new(route));
    let top = state.stack.len() - 1;
    refresh(state, top);
    load_for_current(state)
}

/// Starts loads the current screen needs and marks them in progress.
fn load_for_current(state: &mut AppState) -> Vec<Effect> {
    let mut effects = Vec::new();
    if matches!(state.gateways, Loadable::NotLoaded | Loadable::Failed(_)) {
        state.gateways = Loadable::Loading {
            since_tick: state.tick,
        };
        effects.push(Effect::LoadGateways);
    }
    let route = state.screen().route.clone();
    if let Some(id) = route.gateway_id() {
        let needs = !matches!(
            state.targets.get(id),
            Some(Loadable::Loaded(_) | Loadable::Loading { .. })
        );
        // Screens that show the targets' tools need the targets.
        let shows_tools = matches!(
            route.kind(),
            ViewKind::Targets | ViewKind::Tools | ViewKind::ToolDetail
        );
        if needs && shows_tools {
            state.targets.insert(
                id.to_string(),
                Loadable::Loading {
                    since_tick: state.tick,
                },
            );
            effects.push(Effect::LoadTargets {
                gateway_id: id.to_string(),
            });
        }
    }
    match &route {
        Route::Tools { gateway_id } => effects.extend(tool_catalog::load_mcp(state, gateway_id)),
        Route::Captures { gateway_id } => effects.extend(captures::load(state, gateway_id)),
        Route::Contexts => effects.push(Effect::LoadContexts),
        Route::Policies { gateway_id }
        | Route::PolicyTemplates { gateway_id }
        | Route::PolicyEditor { gateway_id } => {
            effects.extend(policy_studio::load(state, gateway_id))
        }
        Route::Runtimes => {
            effects.extend(runtimes::load_runtimes(state));
            effects.extend(runtimes::load_sessions(state));
        }
        Route::Sessions | Route::SessionDetail { .. } => {
            if state.runtimes.loaded().is_none() {
                effects.extend(runtimes::load_runtimes(state));
            }
            effects.extend(runtimes::load_sessions(state));
        }
        _ => {}
    }
    effects
}

/// The sessions (and the open session's log) again, while they are shown.
fn refresh_sessions(state: &mut AppState) -> Vec<Effect> {
    let route = state.screen().route.clone();
    match route {
        Route::Sessions | Route::Runtimes => runtimes::load_sessions(state),
        Route::SessionDetail { session_id } => {
            let mut effects = runtimes::load_sessions(state);
            if let Some(session) = state
                .sessions
                .loaded()
                .and_then(|s| s.iter().find(|s| s.runtime_session_id == session_id))
            {
                effects.push(Effect::LoadSessionLogs {
                    runtime_id: session.agent_runtime_id.clone(),
                    endpoint: session.endpoint.clone(),
                    session_id,
                });
            }
            effects
        }
        // Not shown any more: stop refreshing.
        _ => {
            state.sessions_refresh_at = None;
            Vec::new()
        }
    }
}

/// ctrl-r: reload everything the current screen shows, keeping what is
/// displayed until the new data arrives.
fn reload(state: &mut AppState) -> Vec<Effect> {
    let mut effects = vec![Effect::LoadGateways];
    if let Some(id) = state.screen().route.gateway_id() {
        effects.push(Effect::LoadTargets {
            gateway_id: id.to_string(),
        });
    }
    match state.screen().route.clone() {
        Route::Tools { gateway_id } => {
            state.mcp.remove(&gateway_id);
            effects.extend(tool_catalog::load_mcp(state, &gateway_id));
        }
        Route::Captures { gateway_id } => {
            state.captures.remove(&gateway_id);
            effects.extend(captures::load(state, &gateway_id));
        }
        Route::Contexts => effects.push(Effect::LoadContexts),
        Route::Policies { gateway_id } | Route::PolicyTemplates { gateway_id } => {
            state.policy_studio.remove(&gateway_id);
            effects.extend(policy_studio::load(state, &gateway_id));
        }
        Route::Runtimes | Route::Sessions => {
            effects.push(Effect::LoadRuntimes);
            effects.extend(runtimes::load_sessions(state));
        }
        _ => {}
    }
    effects
}

/// Ticks (of 100 ms) between reloads while something is transitional.
const POLL_TICKS: u64 = 10;

fn schedule_poll(state: &mut AppState) {
    state.poll_at_tick = state.has_transitional().then_some(state.tick + POLL_TICKS);
}

fn targets_of<'a>(state: &'a AppState, gateway_id: &str) -> Option<&'a Vec<Target>> {
    state.targets.get(gateway_id)?.loaded()
}

fn move_by(state: &mut AppState, delta: isize) {
    let top = state.stack.len() - 1;
    let cursor = &mut state.stack[top].cursor;
    let len = cursor.visible.len();
    if len == 0 {
        return;
    }
    let next = (cursor.selected as isize)
        .saturating_add(delta)
        .clamp(0, len as isize - 1);
    cursor.selected = next as usize;
    clamp_cursor(state, top);
}

fn refresh_all(state: &mut AppState) {
    for i in 0..state.stack.len() {
        refresh(state, i);
    }
}

/// Recomputes a screen's filtered rows and keeps its selection valid.
fn refresh(state: &mut AppState, index: usize) {
    let visible = visible_rows(state, &state.stack[index]);
    let cursor = &mut state.stack[index].cursor;
    // Keep the same item selected when it survives the refresh.
    let previously = cursor.selected_item();
    cursor.visible = visible;
    if let Some(item) = previously
        && let Some(pos) = cursor.visible.iter().position(|&i| i == item)
    {
        cursor.selected = pos;
    }
    clamp_cursor(state, index);
}

fn visible_rows(state: &AppState, screen: &Screen) -> Vec<usize> {
    let filter = &screen.cursor.filter;
    match &screen.route {
        Route::Gateways => match state.gateways.loaded() {
            Some(gws) => {
                let hay: Vec<String> = gws
                    .iter()
                    .map(|g| format!("{} {} {} {}", g.name, g.id, g.status, g.authorizer_type))
                    .collect();
                filter.apply(hay.iter().map(String::as_str))
            }
            None => Vec::new(),
        },
        Route::Targets { gateway_id } => match targets_of(state, gateway_id) {
            Some(ts) => {
                let hay: Vec<String> = ts
                    .iter()
                    .map(|t| format!("{} {} {} {}", t.name, t.target_type.label(), t.status, t.id))
                    .collect();
                filter.apply(hay.iter().map(String::as_str))
            }
            None => Vec::new(),
        },
        Route::Tools { gateway_id } => tool_catalog::visible(state, gateway_id, filter),
        Route::ToolCall { .. } => Vec::new(),
        Route::Captures { gateway_id } => captures::visible(state, gateway_id, filter),
        Route::CaptureDetail { gateway_id, index } => {
            (0..captures::detail_lines(state, gateway_id, *index).len()).collect()
        }
        Route::ToolDetail { gateway_id, tool } => {
            let rows = state.schema_rows(gateway_id, tool);
            filter.apply(rows.iter().map(|r| r.name.as_str()))
        }
        Route::GatewayDetail { gateway_id } => match state.gateway(gateway_id) {
            Some(g) => (0..describe::gateway_lines(g).len()).collect(),
            None => Vec::new(),
        },
        Route::Contexts => {
            let hay: Vec<&str> = state.contexts.iter().map(|c| c.label.as_str()).collect();
            filter.apply(hay.into_iter())
        }
        Route::Policies { gateway_id } => match policy_studio::studio(state, gateway_id) {
            Some(data) => {
                let hay: Vec<String> = data
                    .policies
                    .iter()
                    .map(|p| format!("{} {} {}", p.name, p.status, p.enforcement_mode))
                    .collect();
                filter.apply(hay.iter().map(String::as_str))
            }
            None => Vec::new(),
        },
        Route::PolicyTemplates { gateway_id } => match policy_studio::studio(state, gateway_id) {
            Some(data) => filter.apply(data.templates.iter().map(|t| t.title.as_str())),
            None => Vec::new(),
        },
        Route::PolicyEditor { .. } => Vec::new(),
        Route::DryRun { gateway_id } => {
            match state.dry_run.get(gateway_id).and_then(Loadable::loaded) {
                Some(report) => {
                    let order = policy_studio::dry_run_order(report, state.dry_run_options);
                    let hay: Vec<String> = order
                        .iter()
                        .map(|&i| {
                            let r = &report.run.rows[i];
                            format!("{} {} {}", r.tool, r.caller, r.after.decision.as_str())
                        })
                        .collect();
                    filter
                        .apply(hay.iter().map(String::as_str))
                        .into_iter()
                        .map(|k| order[k])
                        .collect()
                }
                None => Vec::new(),
            }
        }
        Route::DryRunDetail { gateway_id, index } => {
            (0..policy_studio::dry_run_detail_lines(state, gateway_id, *index).len()).collect()
        }
        Route::Runtimes => match state.runtimes.loaded() {
            Some(list) => {
                let hay: Vec<String> = list
                    .iter()
                    .map(|r| format!("{} {} {} {}", r.name, r.id, r.status, r.artifact))
                    .collect();
                filter.apply(hay.iter().map(String::as_str))
            }
            None => Vec::new(),
        },
        Route::Sessions => match state.sessions.loaded() {
            Some(list) => {
                let order = runtimes::session_order(list, state.session_sort);
                let hay: Vec<String> = order
                    .iter()
                    .map(|&i| {
                        let s = &list[i];
                        format!(
                            "{} {} {} {}",
                            s.runtime_session_id, s.agent_runtime_id, s.state, s.execution
                        )
                    })
                    .collect();
                filter
                    .apply(hay.iter().map(String::as_str))
                    .into_iter()
                    .map(|k| order[k])
                    .collect()
            }
            None => Vec::new(),
        },
        Route::SessionDetail { session_id } => {
            (0..runtimes::session_detail_lines(state, session_id).len()).collect()
        }
        Route::Invoke { .. } => Vec::new(),
    }
}

/// Keeps `selected` in range and on screen.
fn clamp_cursor(state: &mut AppState, index: usize) {
    let height = state.list_height().max(1);
    let cursor: &mut ListCursor = &mut state.stack[index].cursor;
    let len = cursor.visible.len();
    cursor.selected = cursor.selected.min(len.saturating_sub(1));
    if cursor.selected < cursor.offset {
        cursor.offset = cursor.selected;
    } else if cursor.selected >= cursor.offset + height {
        cursor.offset = cursor.selected + 1 - height;
    }
    cursor.offset = cursor.offset.min(len.saturating_sub(height));
}

/// Show an error on the bottom line (for the feature modules).
pub(crate) fn report_error(state: &mut AppState, text: String) {
    error(state, text);
}

/// Show a message on the bottom line (for the feature modules).
pub(crate) fn report_info(state: &mut AppState, text: String) {
    info(state, text);
}

fn info(state: &mut AppState, text: String) {
    state.message = Some(Message {
        level: Level::Info,
        text,
    });
}

fn error(state: &mut AppState, text: String) {
    state.message = Some(Message {
        level: Level::Error,
        text,
    });
}
