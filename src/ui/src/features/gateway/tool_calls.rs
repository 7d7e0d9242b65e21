//! The call dialog's behaviour: opening it, typing, sending, and showing
//! what came back. Its state is [`CallForm`]; its view is `views::tool_call`.

use acc_domain::ToolCallReport;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::features::gateway::call_form::{CallForm, CallState, EditorMode, ResultTab};
use crate::shell::effect::Effect;
use crate::shell::route::Route;
use crate::shell::state::AppState;

/// Open the call dialog for a tool of the catalog.
pub(crate) fn open(state: &mut AppState, gateway_id: &str, tool: &str) -> Option<Route> {
    if state.readonly {
        crate::shell::update::report_error(
            state,
            "read-only mode: tool calls are refused because they can change things \
             (restart without --readonly to call tools)"
                .into(),
        );
        return None;
    }
    let Some(found) = state.tool(gateway_id, tool) else {
        crate::shell::update::report_error(state, format!("tool {tool} is not in the catalog"));
        return None;
    };
    state.call = Some(CallForm::new(gateway_id, found));
    Some(Route::ToolCall {
        gateway_id: gateway_id.to_owned(),
        tool: tool.to_owned(),
    })
}

/// A key that isn't a command: text for the form or the JSON editor.
pub(crate) fn on_typing_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(form) = state.call.as_mut() else {
        return Vec::new();
    };
    if form.call == CallState::InFlight {
        return Vec::new();
    }
    match form.mode {
        EditorMode::Raw => {
            form.raw.input(key);
            form.problems.clear();
        }
        EditorMode::Form => match key.code {
            KeyCode::Enter => return send(state),
            KeyCode::Up => form.move_focus(-1),
            KeyCode::Down => form.move_focus(1),
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

/// Validate and send; problems stay in the dialog instead.
pub(crate) fn send(state: &mut AppState) -> Vec<Effect> {
    if state.readonly {
        crate::shell::update::report_error(state, "read-only mode: tool calls are refused".into());
        return Vec::new();
    }
    let Some(form) = state.call.as_mut() else {
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
    form.problems.clear();
    form.call = CallState::InFlight;
    form.scroll = 0;
    let (gateway_id, tool) = (form.gateway_id.clone(), form.tool.clone());
    let Some(gateway) = state.gateway(&gateway_id).cloned() else {
        if let Some(form) = state.call.as_mut() {
            form.call = CallState::Failed(format!("gateway {gateway_id} is no longer loaded"));
        }
        return Vec::new();
    };
    vec![Effect::CallTool {
        gateway: Box::new(gateway),
        tool,
        arguments,
    }]
}

/// The call came back.
pub(crate) fn on_called(
    state: &mut AppState,
    gateway_id: &str,
    tool: &str,
    result: Result<ToolCallReport, String>,
) {
    // The captures of the gateway now miss this call.
    state.captures.remove(gateway_id);
    let Some(form) = state.call.as_mut() else {
        return;
    };
    if form.gateway_id != gateway_id || form.tool != tool {
        return;
    }
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
pub(crate) fn toggle_editor(state: &mut AppState) {
    if let Some(form) = state.call.as_mut() {
        form.toggle_mode();
    }
}

/// Toggle the result panel between content and exchange.
pub(crate) fn toggle_result(state: &mut AppState) {
    if let Some(form) = state.call.as_mut() {
        form.tab = match form.tab {
            ResultTab::Content => ResultTab::Exchange,
            ResultTab::Exchange => ResultTab::Content,
        };
        form.scroll = 0;
    }
}

/// Move between fields.
pub(crate) fn move_focus(state: &mut AppState, delta: isize) {
    if let Some(form) = state.call.as_mut()
        && form.mode == EditorMode::Form
    {
        form.move_focus(delta);
    }
}

/// Scroll the result panel.
pub(crate) fn scroll(state: &mut AppState, delta: isize) {
    if let Some(form) = state.call.as_mut() {
        form.scroll = (form.scroll as isize + delta).clamp(0, u16::MAX as isize) as u16;
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::shell::keymap::{Command, lookup_while_typing};
    use crate::shell::route::ViewKind;

    #[test]
    fn control_chords_are_commands_while_typing() {
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(
            lookup_while_typing(ViewKind::ToolCall, &ctrl_s),
            Some(Command::Send)
        );
        let s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE);
        assert_eq!(lookup_while_typing(ViewKind::ToolCall, &s), None);
    }
}
