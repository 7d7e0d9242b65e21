//! Key bindings: the single table that both dispatches keys and generates
//! the `?` help, so help can never drift from behaviour.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::shell::route::ViewKind;

/// What a key asks for, independent of the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Quit,
    Filter,
    Palette,
    Help,
    Copy,
    Delete,
    Refresh,
    Describe,
    Targets,
    Tools,
    /// Open the call dialog of the selected tool.
    Call,
    /// Search the catalog with the gateway's search tool.
    Search,
    /// Captured tool calls of the gateway.
    Captures,
    /// Call dialog: send the call.
    Send,
    /// Call dialog: switch between the form and the raw JSON editor.
    ToggleEditor,
    /// Call dialog: switch the result between content and JSON-RPC exchange.
    ToggleResult,
    /// Call dialog: next / previous field.
    NextField,
    PrevField,
    /// The policy studio of the gateway.
    Policies,
    /// A new policy from a template.
    NewPolicy,
    /// Switch the policy engine between LOG_ONLY and ENFORCE.
    PolicyMode,
    /// Editor: validate now.
    Validate,
    /// Editor: Cedar's formatter.
    Format,
    /// Editor: jump to the next problem.
    NextProblem,
    /// Editor: dry-run the edit against captured calls.
    DryRun,
    /// Editor: push the policy (CreatePolicy/UpdatePolicy).
    Push,
    /// Dry-run: next sort order.
    Sort,
    /// Dry-run: only the calls whose decision flips.
    FlipsOnly,
    /// Dry-run: save the shown calls as a policy test file.
    SaveTests,
    /// Invoke console: the next invocation starts a new session.
    NewSession,
}

/// A key with modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}
const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

/// One line of help: the keys, what they do, and the command they send.
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    pub command: Command,
    /// One or two words for the footer hints.
    pub hint: &'static str,
    pub help: &'static str,
}

const fn bind(
    keys: &'static [Key],
    command: Command,
    hint: &'static str,
    help: &'static str,
) -> Binding {
    Binding {
        keys,
        command,
        hint,
        help,
    }
}

/// Bindings every view has.
pub const GLOBAL: &[Binding] = &[
    bind(
        &[ch('j'), plain(KeyCode::Down)],
        Command::Down,
        "down",
        "move down",
    ),
    bind(&[ch('k'), plain(KeyCode::Up)], Command::Up, "up", "move up"),
    bind(
        &[plain(KeyCode::PageDown), ctrl('f')],
        Command::PageDown,
        "page down",
        "page down",
    ),
    bind(
        &[plain(KeyCode::PageUp), ctrl('b')],
        Command::PageUp,
        "page up",
        "page up",
    ),
    bind(
        &[ch('g'), plain(KeyCode::Home)],
        Command::Top,
        "top",
        "first row",
    ),
    bind(
        &[ch('G'), plain(KeyCode::End)],
        Command::Bottom,
        "bottom",
        "last row",
    ),
    bind(
        &[ch('/')],
        Command::Filter,
        "filter",
        "filter (fuzzy; ^prefix, 'exact; ! in front inverts)",
    ),
    bind(
        &[ch(':')],
        Command::Palette,
        "command",
        "command palette (:gw :targets :tools :ctx :q)",
    ),
    bind(&[ch('?')], Command::Help, "help", "this help"),
    bind(
        &[ch('y')],
        Command::Copy,
        "copy",
        "copy selection as JSON (OSC 52)",
    ),
    bind(
        &[ctrl('r')],
        Command::Refresh,
        "reload",
        "reload from the platform",
    ),
    bind(
        &[plain(KeyCode::Esc)],
        Command::Back,
        "back",
        "clear filter / dismiss / go back",
    ),
    bind(&[ch('q'), ctrl('c')], Command::Quit, "quit", "quit"),
];

/// Shared by the gateways list and the gateway's describe view.
const GATEWAY_TARGETS: Binding = bind(
    &[plain(KeyCode::Enter)],
    Command::Open,
    "targets",
    "targets of the gateway",
);
const GATEWAY_TOOLS: Binding = bind(
    &[ch('t')],
    Command::Tools,
    "tools",
    "tool catalog of the gateway",
);

const GATEWAY_CAPTURES: Binding = bind(
    &[ch('c')],
    Command::Captures,
    "captures",
    "captured tool calls of the gateway (from its APPLICATION_LOGS)",
);

const GATEWAY_POLICIES: Binding = bind(
    &[ch('p')],
    Command::Policies,
    "policies",
    "policy studio: the gateway's Cedar policies, editor, dry-run",
);

const GATEWAYS: &[Binding] = &[
    GATEWAY_TARGETS,
    GATEWAY_TOOLS,
    GATEWAY_CAPTURES,
    GATEWAY_POLICIES,
    bind(
        &[ch('d')],
        Command::Describe,
        "describe",
        "describe the gateway",
    ),
    bind(
        &[ctrl('d')],
        Command::Delete,
        "delete",
        "delete the gateway (asks first)",
    ),
];

const GATEWAY_DETAIL: &[Binding] = &[
    GATEWAY_TARGETS,
    GATEWAY_TOOLS,
    GATEWAY_CAPTURES,
    GATEWAY_POLICIES,
];

const POLICY_MODE: Binding = bind(
    &[ch('m')],
    Command::PolicyMode,
    "mode",
    "switch the engine LOG_ONLY ⇄ ENFORCE (asks first; refused read-only)",
);

const POLICIES: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter), ch('e')],
        Command::Open,
        "edit",
        "edit the policy",
    ),
    bind(
        &[ch('n')],
        Command::NewPolicy,
        "new",
        "new policy from a template",
    ),
    POLICY_MODE,
];

const POLICY_TEMPLATES: &[Binding] = &[bind(
    &[plain(KeyCode::Enter)],
    Command::Open,
    "use",
    "edit a new policy from the template",
)];

const POLICY_EDITOR: &[Binding] = &[
    bind(
        &[ctrl('s')],
        Command::Validate,
        "validate",
        "validate now (it also runs as you type)",
    ),
    bind(
        &[ctrl('n')],
        Command::NextProblem,
        "next problem",
        "jump to the next error or warning",
    ),
    bind(
        &[ctrl('o')],
        Command::Format,
        "format",
        "format with Cedar's formatter",
    ),
    bind(
        &[ctrl('d')],
        Command::DryRun,
        "dry-run",
        "dry-run the edit against the gateway's captured calls",
    ),
    bind(
        &[ctrl('p')],
        Command::Push,
        "push",
        "push the policy: CreatePolicy/UpdatePolicy (asks first; refused read-only)",
    ),
];

const DRY_RUN: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        Command::Open,
        "why",
        "the call's Cedar request, entities and deciding policies",
    ),
    bind(&[ch('s')], Command::Sort, "sort", "next sort order"),
    bind(
        &[ch('f')],
        Command::FlipsOnly,
        "flips",
        "only the calls whose decision flips",
    ),
    bind(
        &[ch('w')],
        Command::SaveTests,
        "save tests",
        "save the shown calls as a cedar run-tests file expecting the new decisions",
    ),
    POLICY_MODE,
];

const TARGETS: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        Command::Open,
        "tools",
        "tools of the target",
    ),
    bind(
        &[ch('t')],
        Command::Tools,
        "all tools",
        "tool catalog of the whole gateway",
    ),
    bind(
        &[ctrl('d')],
        Command::Delete,
        "delete",
        "delete the target (asks first)",
    ),
];

const CALL: Binding = bind(
    &[ch('c')],
    Command::Call,
    "call",
    "call the tool (form or raw JSON; refused read-only)",
);

const TOOLS: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        Command::Open,
        "schema",
        "input schema of the tool",
    ),
    CALL,
    bind(
        &[ch('s')],
        Command::Search,
        "search",
        "search with the gateway's search tool (fuzzy filter when it has none)",
    ),
];

const TOOL_DETAIL: &[Binding] = &[CALL];

const TOOL_CALL: &[Binding] = &[
    bind(
        &[ctrl('s')],
        Command::Send,
        "send",
        "validate and send the call",
    ),
    bind(
        &[ctrl('e')],
        Command::ToggleEditor,
        "form/json",
        "switch between the form and the raw JSON editor",
    ),
    bind(
        &[ctrl('t')],
        Command::ToggleResult,
        "result/rpc",
        "show the result content or the raw JSON-RPC exchange",
    ),
    bind(
        &[plain(KeyCode::Tab)],
        Command::NextField,
        "next",
        "next field",
    ),
    bind(
        &[plain(KeyCode::BackTab)],
        Command::PrevField,
        "prev",
        "previous field",
    ),
    bind(
        &[ctrl('y')],
        Command::Copy,
        "copy",
        "copy the JSON-RPC exchange as JSON (OSC 52)",
    ),
];

const CAPTURES: &[Binding] = &[bind(
    &[plain(KeyCode::Enter)],
    Command::Open,
    "inspect",
    "the captured call in full",
)];

const CONTEXTS: &[Binding] = &[bind(
    &[plain(KeyCode::Enter)],
    Command::Open,
    "switch",
    "switch to the context",
)];

const RUNTIMES: &[Binding] = &[bind(
    &[plain(KeyCode::Enter)],
    Command::Open,
    "invoke",
    "the runtime's invoke console",
)];

const INVOKE: &[Binding] = &[
    bind(
        &[ctrl('s')],
        Command::Send,
        "send",
        "invoke with the payload (refused read-only)",
    ),
    bind(
        &[ctrl('t')],
        Command::ToggleResult,
        "parsed/raw",
        "the parsed stream or its exact bytes",
    ),
    bind(
        &[ctrl('n')],
        Command::NewSession,
        "new session",
        "start a new session next (otherwise the last one continues)",
    ),
    bind(
        &[plain(KeyCode::Tab)],
        Command::NextField,
        "payload/user",
        "type in the payload or the user id",
    ),
];

const SESSIONS: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        Command::Open,
        "inspect",
        "the session's lifecycle and log tail",
    ),
    bind(&[ch('s')], Command::Sort, "sort", "next sort order"),
    bind(
        &[ctrl('d')],
        Command::Delete,
        "stop",
        "stop the session (asks first; refused read-only)",
    ),
];

/// The bindings specific to a view.
pub fn view_bindings(view: ViewKind) -> &'static [Binding] {
    match view {
        ViewKind::Gateways => GATEWAYS,
        ViewKind::GatewayDetail => GATEWAY_DETAIL,
        ViewKind::Targets => TARGETS,
        ViewKind::Tools => TOOLS,
        ViewKind::ToolDetail => TOOL_DETAIL,
        ViewKind::ToolCall => TOOL_CALL,
        ViewKind::Captures => CAPTURES,
        ViewKind::CaptureDetail => &[],
        ViewKind::Contexts => CONTEXTS,
        ViewKind::Runtimes => RUNTIMES,
        ViewKind::Invoke => INVOKE,
        ViewKind::Sessions => SESSIONS,
        ViewKind::SessionDetail => &[],
        ViewKind::Policies => POLICIES,
        ViewKind::PolicyTemplates => POLICY_TEMPLATES,
        ViewKind::PolicyEditor => POLICY_EDITOR,
        ViewKind::DryRun => DRY_RUN,
        ViewKind::DryRunDetail => &[],
    }
}

/// The command a key sends in a view: view bindings first, then global.
pub fn lookup(view: ViewKind, key: &KeyEvent) -> Option<Command> {
    // Shifted letters arrive as uppercase chars, with or without SHIFT.
    let modifiers = match key.code {
        KeyCode::Char(_) => key.modifiers - KeyModifiers::SHIFT,
        _ => key.modifiers,
    };
    view_bindings(view)
        .iter()
        .chain(GLOBAL)
        .find(|b| {
            b.keys
                .iter()
                .any(|k| k.code == key.code && k.modifiers == modifiers)
        })
        .map(|b| b.command)
}

/// The command a key sends while text is being typed (the call dialog,
/// the policy editor):
/// only keys that can't be text count (control chords, esc, tab, paging);
/// everything else is typed.
pub fn lookup_while_typing(view: ViewKind, key: &KeyEvent) -> Option<Command> {
    let typable = matches!(key.code, KeyCode::Char(_))
        && !key.modifiers.contains(KeyModifiers::CONTROL)
        || matches!(
            key.code,
            KeyCode::Up
                | KeyCode::Down
                | KeyCode::Left
                | KeyCode::Right
                | KeyCode::Home
                | KeyCode::End
                | KeyCode::Enter
                | KeyCode::Backspace
                | KeyCode::Delete
        );
    if typable { None } else { lookup(view, key) }
}

/// How a key is written in help and hints: `enter`, `ctrl-d`, `j`.
pub fn key_label(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::PageUp => "pgup".into(),
        KeyCode::PageDown => "pgdn".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "shift-tab".into(),
        other => format!("{other:?}").to_lowercase(),
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        format!("ctrl-{base}")
    } else {
        base
    }
}

/// `j/↓`: all keys of a binding.
pub fn keys_label(binding: &Binding) -> String {
    binding
        .keys
        .iter()
        .map(key_label)
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_bindings_shadow_global_ones_and_shift_is_ignored() {
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(lookup(ViewKind::Tools, &enter), Some(Command::Open));
        let big_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(ViewKind::Tools, &big_g), Some(Command::Bottom));
        let ctrl_d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(lookup(ViewKind::Gateways, &ctrl_d), Some(Command::Delete));
        assert_eq!(lookup(ViewKind::Tools, &ctrl_d), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_a_view() {
        for view in [
            ViewKind::Gateways,
            ViewKind::GatewayDetail,
            ViewKind::Targets,
            ViewKind::Tools,
            ViewKind::ToolDetail,
            ViewKind::ToolCall,
            ViewKind::Captures,
            ViewKind::CaptureDetail,
            ViewKind::Contexts,
            ViewKind::Policies,
            ViewKind::PolicyTemplates,
            ViewKind::PolicyEditor,
            ViewKind::DryRun,
            ViewKind::DryRunDetail,
            ViewKind::Runtimes,
            ViewKind::Invoke,
            ViewKind::Sessions,
            ViewKind::SessionDetail,
        ] {
            let keys: Vec<&Key> = view_bindings(view)
                .iter()
                .chain(GLOBAL)
                .flat_map(|b| b.keys)
                .collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(
                    !keys[i + 1..].contains(k),
                    "{view:?}: {} bound twice",
                    key_label(k)
                );
            }
        }
    }
}
