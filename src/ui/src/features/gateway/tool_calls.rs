//! The call dialog's behaviour: opening it, typing, sending, and showing
//! what came back. Its state is [`CallForm`]; its view is `views::tool_call`.

use acc_domain::curl_command::{CurlAuth, curl_command, tools_call_request};
use acc_domain::{CallerIdentity, ToolCallReport};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::features::gateway::call_form::{CallForm, CallState, EditorMode, ResultTab};
use crate::features::gateway::call_history;
use crate::features::gateway::job::Job;
use crate::features::gateway::keys::Command as Gw;
use crate::features::gateway::route::Route;
use crate::shell::effect::Effect;
use crate::shell::keymap::Command;
use crate::shell::message::{error, info};
use crate::shell::navigation::push;
use crate::shell::state::AppState;

/// `c` on a tool of the catalog or its schema: the call dialog.
pub(crate) fn open_selected(state: &mut AppState, route: &Route) -> Vec<Effect> {
    let (gateway_id, tool) = match route {
        Route::Tools { gateway_id } => {
            let Some(tool) = state
                .screen()
                .cursor
                .selected_item()
                .and_then(|i| state.gateway.catalog_tool(gateway_id, i))
            else {
                return Vec::new();
            };
            (gateway_id.clone(), tool.qualified_name.clone())
        }
        Route::ToolDetail { gateway_id, tool } => (gateway_id.clone(), tool.clone()),
        _ => return Vec::new(),
    };
    match open(state, &gateway_id, &tool) {
        Some(route) => push(state, route.into()),
        None => Vec::new(),
    }
}

/// A command in the dialog; the shell's own (back, quit, help, copy) are
/// left to it, others do nothing while typing.
pub(crate) fn on_command(state: &mut AppState, command: Command) -> Option<Vec<Effect>> {
    let page = state.list_height().max(1) as isize;
    match command {
        Command::PageDown => scroll(state, page / 2),
        Command::PageUp => scroll(state, -page / 2),
        Command::Up | Command::Gateway(Gw::PrevField) => move_focus(state, -1),
        Command::Down | Command::Gateway(Gw::NextField) => move_focus(state, 1),
        Command::Gateway(Gw::Send) => return Some(send(state)),
        Command::Gateway(Gw::ToggleEditor) => toggle_editor(state),
        Command::Gateway(Gw::ToggleResult) => toggle_result(state),
        Command::Gateway(Gw::NextCaller) => next_caller(state),
        Command::Gateway(Gw::HistoryNext) => choose_history(state, 1),
        Command::Gateway(Gw::HistoryPrev) => choose_history(state, -1),
        Command::Gateway(Gw::Rerun) => return Some(rerun(state)),
        Command::Gateway(Gw::Curl) => return Some(curl(state)),
        Command::Copy | Command::Back | Command::Quit | Command::Help => return None,
        _ => {}
    }
    Some(Vec::new())
}

/// Open the call dialog for a tool of the catalog.
fn open(state: &mut AppState, gateway_id: &str, tool: &str) -> Option<Route> {
    if state.readonly {
        error(
            state,
            "read-only mode: tool calls are refused because they can change things \
             (restart without --readonly to call tools)"
                .into(),
        );
        return None;
    }
    let Some(found) = state.gateway.tool(gateway_id, tool) else {
        error(state, format!("tool {tool} is not in the catalog"));
        return None;
    };
    let form = CallForm::new(gateway_id, found);
    state.gateway.call = Some(match state.gateway.find(gateway_id) {
        Some(gateway) => form.with_callers_of(gateway),
        None => form,
    });
    Some(Route::ToolCall {
        gateway_id: gateway_id.to_owned(),
        tool: tool.to_owned(),
    })
}

/// A key that isn't a command: text for the form or the JSON editor.
pub(crate) fn on_typing_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(form) = state.gateway.call.as_mut() else {
        return Vec::new();
    };
    if form.call == CallState::InFlight {
        return Vec::new();
    }
    if form.token_focus {
        type_token(form, key);
        return Vec::new();
    }
    match form.mode {
        EditorMode::Raw => {
            form.raw.input(key);
            form.problems.clear();
        }
        EditorMode::Form => match key.code {
            // Enter moves on (ctrl-s sends): a line typed as text, `:gw⏎`
            // included, never sends the call.
            KeyCode::Up => form.move_focus(-1),
            KeyCode::Down | KeyCode::Enter => form.move_focus(1),
            KeyCode::Backspace => form.backspace(),
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                form.clear_field()
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => form.type_char(c),
            _ => {}
        },
    }
    Vec::new()
}

/// A key typed while the token is chosen: into the token, masked on
/// screen; enter or a move leaves it for the arguments.
fn type_token(form: &mut CallForm, key: KeyEvent) {
    match key.code {
        KeyCode::Enter | KeyCode::Up | KeyCode::Down => form.token_focus = false,
        KeyCode::Backspace => form.edit_token(|t| {
            t.pop();
        }),
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            form.edit_token(String::clear)
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            form.edit_token(|t| t.push(c))
        }
        _ => {}
    }
}

/// Validate and send; problems stay in the dialog instead.
fn send(state: &mut AppState) -> Vec<Effect> {
    if state.readonly {
        error(state, "read-only mode: tool calls are refused".into());
        return Vec::new();
    }
    let Some(form) = state.gateway.call.as_mut() else {
        return Vec::new();
    };
    if form.call == CallState::InFlight {
        return Vec::new();
    }
    let arguments = match form.arguments() {
        Ok(arguments) => arguments,
        Err(problems) => {
            form.problems = problems;
            return Vec::new();
        }
    };
    let caller = form.caller();
    if caller == CallerIdentity::Token(String::new()) {
        form.problems = vec!["type the token to call with (ctrl-o chooses another caller)".into()];
        form.token_focus = true;
        return Vec::new();
    }
    form.problems.clear();
    form.call = CallState::InFlight;
    form.scroll = 0;
    form.token_focus = false;
    form.sent = Some((arguments.clone(), caller.clone()));
    if matches!(form.tab, ResultTab::History | ResultTab::Curl) {
        form.tab = ResultTab::Content;
    }
    let (gateway_id, tool) = (form.gateway_id.clone(), form.tool.clone());
    let Some(gateway) = state.gateway.find(&gateway_id).cloned() else {
        if let Some(form) = state.gateway.call.as_mut() {
            form.call = CallState::Failed(format!("gateway {gateway_id} is no longer loaded"));
        }
        return Vec::new();
    };
    vec![
        Job::CallTool {
            gateway: Box::new(gateway),
            tool,
            arguments,
            caller,
        }
        .into(),
    ]
}

/// The call came back.
pub(crate) fn on_called(
    state: &mut AppState,
    gateway_id: &str,
    tool: &str,
    result: Result<ToolCallReport, String>,
) {
    // The captures of the gateway now miss this call.
    state.gateway.captures.remove(gateway_id);
    let Some(form) = state.gateway.call.as_mut() else {
        return;
    };
    if form.gateway_id != gateway_id || form.tool != tool {
        return;
    }
    if let Some(sent) = form.sent.take() {
        let outcome = call_history::outcome_of(&result);
        form.history_selected = 0;
        call_history::record(&mut state.gateway, gateway_id, tool, sent, outcome);
    }
    let Some(form) = state.gateway.call.as_mut() else {
        return;
    };
    form.call = match result {
        Ok(report) => {
            // A JSON-RPC error has no content to show: show the exchange.
            if report.rpc_error.is_some() {
                form.tab = ResultTab::Exchange;
            }
            CallState::Done(Box::new(report))
        }
        Err(e) => CallState::Failed(e),
    };
}

/// The JSON-RPC exchange of the last call, for copying.
pub(crate) fn exchange_json(form: &CallForm) -> Option<String> {
    let CallState::Done(report) = &form.call else {
        return None;
    };
    serde_json::to_string_pretty(&serde_json::json!({
        "request": report.request,
        "response": report.response,
        "latencyMs": report.latency_ms,
    }))
    .ok()
}

/// Toggle between the form and the JSON editor.
fn toggle_editor(state: &mut AppState) {
    if let Some(form) = state.gateway.call.as_mut() {
        form.toggle_mode();
    }
}

/// Toggle the result panel between content and exchange.
fn toggle_result(state: &mut AppState) {
    if let Some(form) = state.gateway.call.as_mut() {
        form.tab = match form.tab {
            ResultTab::Content => ResultTab::Exchange,
            ResultTab::Exchange => ResultTab::History,
            ResultTab::History | ResultTab::Curl => ResultTab::Content,
        };
        form.scroll = 0;
    }
}

/// Move between fields.
fn move_focus(state: &mut AppState, delta: isize) {
    if let Some(form) = state.gateway.call.as_mut()
        && form.mode == EditorMode::Form
    {
        form.move_focus(delta);
    }
}

/// Scroll the result panel.
fn scroll(state: &mut AppState, delta: isize) {
    if let Some(form) = state.gateway.call.as_mut() {
        form.scroll = (form.scroll as isize + delta).clamp(0, u16::MAX as isize) as u16;
    }
}

/// ctrl-o: the next caller.
fn next_caller(state: &mut AppState) {
    if let Some(form) = state.gateway.call.as_mut() {
        form.next_caller();
    }
}

/// ctrl-n / ctrl-p: the history shows, the chosen entry moving by `delta`
/// (older is +1).
fn choose_history(state: &mut AppState, delta: isize) {
    let Some(form) = state.gateway.call.as_ref() else {
        return;
    };
    let kept = call_history::of(&state.gateway, &form.gateway_id, &form.tool).len();
    let Some(form) = state.gateway.call.as_mut() else {
        return;
    };
    if form.tab != ResultTab::History {
        // The first press shows the history at its newest call.
        form.tab = ResultTab::History;
        form.history_selected = 0;
        form.scroll = 0;
        return;
    }
    let last = kept.saturating_sub(1) as isize;
    form.history_selected = (form.history_selected as isize + delta).clamp(0, last) as usize;
}

/// ctrl-g: the chosen history call, its arguments and caller, sent again.
fn rerun(state: &mut AppState) -> Vec<Effect> {
    let Some(form) = state.gateway.call.as_ref() else {
        return Vec::new();
    };
    let calls = call_history::of(&state.gateway, &form.gateway_id, &form.tool);
    let Some(entry) = calls.get(form.history_selected).cloned() else {
        info(
            state,
            "no call of this tool to run again yet (ctrl-s sends one)".into(),
        );
        return Vec::new();
    };
    if let Some(form) = state.gateway.call.as_mut() {
        form.load(&entry.arguments, &entry.caller);
    }
    send(state)
}

/// ctrl-x: the call as a curl command, shown and copied; its credential
/// is an env var, never the token.
fn curl(state: &mut AppState) -> Vec<Effect> {
    let Some(form) = state.gateway.call.as_ref() else {
        return Vec::new();
    };
    let made = curl_of(state, form);
    let Some(form) = state.gateway.call.as_mut() else {
        return Vec::new();
    };
    match made {
        Ok(command) => {
            form.curl = Some(command.clone());
            form.tab = ResultTab::Curl;
            form.scroll = 0;
            vec![Effect::Copy(command)]
        }
        Err(problems) => {
            form.problems = problems;
            Vec::new()
        }
    }
}

/// The curl command of the dialog's call, or why there is none.
fn curl_of(state: &AppState, form: &CallForm) -> Result<String, Vec<String>> {
    let arguments = form.arguments()?;
    let gateway = state
        .gateway
        .find(&form.gateway_id)
        .ok_or_else(|| vec![format!("gateway {} is no longer loaded", form.gateway_id)])?;
    let url = gateway
        .url
        .as_deref()
        .ok_or_else(|| vec![format!("gateway {} has no gatewayUrl", gateway.name)])?;
    let region = state.context.region.clone().unwrap_or_default();
    let auth = CurlAuth::for_authorizer(&gateway.authorizer_type, &region);
    Ok(curl_command(
        url,
        auth,
        &tools_call_request(&form.tool, arguments),
    ))
}
