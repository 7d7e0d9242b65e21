//! Key bindings: the single table that both dispatches keys and generates
//! the `?` help, so help can never drift from behaviour.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::route::ViewKind;

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

const GATEWAYS: &[Binding] = &[
    GATEWAY_TARGETS,
    GATEWAY_TOOLS,
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

const GATEWAY_DETAIL: &[Binding] = &[GATEWAY_TARGETS, GATEWAY_TOOLS];

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

const TOOLS: &[Binding] = &[bind(
    &[plain(KeyCode::Enter)],
    Command::Open,
    "schema",
    "input schema of the tool",
)];

const CONTEXTS: &[Binding] = &[bind(
    &[plain(KeyCode::Enter)],
    Command::Open,
    "switch",
    "switch to the context",
)];

/// The bindings specific to a view.
pub fn view_bindings(view: ViewKind) -> &'static [Binding] {
    match view {
        ViewKind::Gateways => GATEWAYS,
        ViewKind::GatewayDetail => GATEWAY_DETAIL,
        ViewKind::Targets => TARGETS,
        ViewKind::Tools => TOOLS,
        ViewKind::ToolDetail => &[],
        ViewKind::Contexts => CONTEXTS,
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
            ViewKind::Contexts,
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
