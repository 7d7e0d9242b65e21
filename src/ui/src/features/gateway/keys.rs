//! Key bindings of the gateway screens, and the commands they send.

use ratatui::crossterm::event::KeyCode;

use crate::shell::keymap::{self, Binding, bind, ch, ctrl, plain};

/// What a key asks of a gateway screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Describe the gateway.
    Describe,
    /// The gateway's targets.
    Targets,
    /// The gateway's tool catalog.
    Tools,
    /// Open the call dialog of the selected tool.
    Call,
    /// Search the catalog with the gateway's search tool.
    Search,
    /// Captured tool calls of the gateway.
    Captures,
    /// The policy studio of the gateway.
    Policies,
    /// Call dialog: send the call.
    Send,
    /// Call dialog: switch between the form and the raw JSON editor.
    ToggleEditor,
    /// Call dialog: switch the result between content and JSON-RPC exchange.
    ToggleResult,
    /// Call dialog: next field.
    NextField,
    /// Call dialog: previous field.
    PrevField,
    /// Call dialog: the next caller (configured, the gateway's OAuth
    /// clients, a token).
    NextCaller,
    /// Call dialog: the call as a curl command, shown and copied.
    Curl,
    /// Call dialog: the next (older) entry of the tool's call history.
    HistoryNext,
    /// Call dialog: the previous (newer) entry of the tool's call history.
    HistoryPrev,
    /// Call dialog: send the chosen history entry again.
    Rerun,
    /// Captures: the next outcome filter (all, ok, tool_error, denied).
    CycleOutcome,
    /// Captures: the next policy decision filter (all, allow, deny).
    CycleDecision,
}

const fn gw(command: Command) -> keymap::Command {
    keymap::Command::Gateway(command)
}

/// Shared by the gateways list and the gateway's describe view.
const GATEWAY_TARGETS: Binding = bind(
    &[plain(KeyCode::Enter)],
    keymap::Command::Open,
    "targets",
    "targets of the gateway",
);
const GATEWAY_TOOLS: Binding = bind(
    &[ch('t')],
    gw(Command::Tools),
    "tools",
    "tool catalog of the gateway",
);

const GATEWAY_CAPTURES: Binding = bind(
    &[ch('c')],
    gw(Command::Captures),
    "captures",
    "captured tool calls of the gateway (from its APPLICATION_LOGS)",
);

const GATEWAY_POLICIES: Binding = bind(
    &[ch('p')],
    gw(Command::Policies),
    "policies",
    "policy studio: the gateway's Cedar policies, editor, dry-run",
);

/// The gateways list.
pub(crate) const GATEWAYS: &[Binding] = &[
    GATEWAY_TARGETS,
    GATEWAY_TOOLS,
    GATEWAY_CAPTURES,
    GATEWAY_POLICIES,
    bind(
        &[ch('d')],
        gw(Command::Describe),
        "describe",
        "describe the gateway",
    ),
    bind(
        &[ctrl('d')],
        keymap::Command::Delete,
        "delete",
        "delete the gateway (asks first)",
    ),
];

/// A gateway's describe view.
pub(crate) const GATEWAY_DETAIL: &[Binding] = &[
    GATEWAY_TARGETS,
    GATEWAY_TOOLS,
    GATEWAY_CAPTURES,
    GATEWAY_POLICIES,
];

/// A gateway's targets.
pub(crate) const TARGETS: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "tools",
        "tools of the target",
    ),
    bind(
        &[ch('t')],
        gw(Command::Tools),
        "all tools",
        "tool catalog of the whole gateway",
    ),
    bind(
        &[ctrl('d')],
        keymap::Command::Delete,
        "delete",
        "delete the target (asks first)",
    ),
];

const CALL: Binding = bind(
    &[ch('c')],
    gw(Command::Call),
    "call",
    "call the tool (form or raw JSON; refused read-only)",
);

/// The tool catalog.
pub(crate) const TOOLS: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "schema",
        "input schema of the tool",
    ),
    CALL,
    bind(
        &[ch('s')],
        gw(Command::Search),
        "search",
        "search with the gateway's search tool (fuzzy filter when it has none)",
    ),
];

/// A tool's input schema.
pub(crate) const TOOL_DETAIL: &[Binding] = &[CALL];

/// The call dialog.
pub(crate) const TOOL_CALL: &[Binding] = &[
    bind(
        &[ctrl('s')],
        gw(Command::Send),
        "send",
        "validate and send the call",
    ),
    bind(
        &[ctrl('e')],
        gw(Command::ToggleEditor),
        "form/json",
        "switch between the form and the raw JSON editor",
    ),
    bind(
        &[ctrl('t')],
        gw(Command::ToggleResult),
        "result/raw",
        "show the result content, the raw exchange (HTTP headers, JSON-RPC), the history",
    ),
    bind(
        &[plain(KeyCode::Tab)],
        gw(Command::NextField),
        "next",
        "next field",
    ),
    bind(
        &[plain(KeyCode::BackTab)],
        gw(Command::PrevField),
        "prev",
        "previous field",
    ),
    bind(
        &[ctrl('o')],
        gw(Command::NextCaller),
        "caller",
        "call as: configured → each OAuth client of the gateway → a token you type (masked)",
    ),
    bind(
        &[ctrl('n')],
        gw(Command::HistoryNext),
        "history",
        "the tool's last calls (time, caller, outcome); again for an older one",
    ),
    bind(
        &[ctrl('p')],
        gw(Command::HistoryPrev),
        "newer",
        "a newer call of the history",
    ),
    bind(
        &[ctrl('g')],
        gw(Command::Rerun),
        "re-run",
        "send the chosen history call again (its arguments and caller)",
    ),
    bind(
        &[ctrl('x')],
        gw(Command::Curl),
        "curl",
        "the call as a curl command, copied (OSC 52); the token is $ACC_TOKEN",
    ),
    bind(
        &[ctrl('y')],
        keymap::Command::Copy,
        "copy",
        "copy the JSON-RPC exchange as JSON (OSC 52)",
    ),
];

/// A gateway's captured calls.
pub(crate) const CAPTURES: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "inspect",
        "the captured call in full",
    ),
    bind(
        &[ch('o')],
        gw(Command::CycleOutcome),
        "outcome",
        "filter by outcome: all → ok → tool_error → denied (esc clears)",
    ),
    bind(
        &[ch('D')],
        gw(Command::CycleDecision),
        "decision",
        "filter by policy decision: all → allow → deny (esc clears; / matches tool, caller, outcome, decision)",
    ),
];

/// Every table, named, for the check that no key is bound twice.
#[cfg(test)]
pub(crate) const TABLES: &[(&str, &[Binding])] = &[
    ("gateways", GATEWAYS),
    ("gateway detail", GATEWAY_DETAIL),
    ("targets", TARGETS),
    ("tools", TOOLS),
    ("tool detail", TOOL_DETAIL),
    ("tool call", TOOL_CALL),
    ("captures", CAPTURES),
];

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::{Command, TOOL_CALL};
    use crate::shell::keymap::{self, lookup_while_typing};

    #[test]
    fn control_chords_are_commands_while_typing() {
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(
            lookup_while_typing(TOOL_CALL, &ctrl_s),
            Some(keymap::Command::Gateway(Command::Send))
        );
        let s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE);
        assert_eq!(lookup_while_typing(TOOL_CALL, &s), None);
    }
}
