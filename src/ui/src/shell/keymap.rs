//! Key bindings: tables that both dispatch keys and generate the `?` help
//! and the footer hints, so neither can drift from behaviour. The global
//! table is here; each feature keeps the tables of its screens.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::features::{gateway, memory, policy, runtime, traces};

/// What a key asks for, independent of the key: the shell's own commands,
/// and each feature's by family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Select the row above.
    Up,
    /// Select the row below.
    Down,
    /// One page up.
    PageUp,
    /// One page down.
    PageDown,
    /// Select the first row.
    Top,
    /// Select the last row.
    Bottom,
    /// Open the selected row.
    Open,
    /// Dismiss the message, clear the filter, or go back.
    Back,
    /// Leave the console.
    Quit,
    /// Type a filter for the list.
    Filter,
    /// Type a `:` command.
    Palette,
    /// Show the key bindings.
    Help,
    /// Copy the selection as JSON.
    Copy,
    /// Delete (or stop) the selection, after asking.
    Delete,
    /// Reload from the platform.
    Refresh,
    /// Show every table column, or only those that fit.
    Wide,
    /// A command of the gateway screens.
    Gateway(gateway::Command),
    /// A command of the policy screens.
    Policy(policy::Command),
    /// A command of the runtime screens.
    Runtime(runtime::Command),
    /// A command of the memory screens.
    Memory(memory::Command),
    /// A command of the trace explorer.
    Traces(traces::Command),
}

/// A key with modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key itself.
    pub code: KeyCode,
    /// Ctrl, shift, … held with it.
    pub modifiers: KeyModifiers,
}

/// A key without modifiers.
pub(crate) const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}
/// A character key.
pub(crate) const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}
/// A character with ctrl.
pub(crate) const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

/// One line of help: the keys, what they do, and the command they send.
#[derive(Debug)]
pub struct Binding {
    /// The keys that send the command.
    pub keys: &'static [Key],
    /// The command they send.
    pub command: Command,
    /// One or two words for the footer hints.
    pub hint: &'static str,
    /// What the `?` help says the keys do.
    pub help: &'static str,
}

/// A binding, for the tables.
pub(crate) const fn bind(
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
        "command palette (its commands are listed below)",
    ),
    bind(
        &[ch('?'), plain(KeyCode::F(1)), ctrl('?')],
        Command::Help,
        "help",
        "this help (f1 in editors, where ? is text)",
    ),
    bind(
        &[ch('y')],
        Command::Copy,
        "copy",
        "copy selection as JSON (OSC 52)",
    ),
    bind(
        &[ch('W')],
        Command::Wide,
        "wide",
        "every column, or only those that fit (toggle)",
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

/// The command a key sends on a screen with these bindings: the screen's
/// first, then the global ones.
pub fn lookup(bindings: &[Binding], key: &KeyEvent) -> Option<Command> {
    // Shifted letters arrive as uppercase chars, with or without SHIFT.
    let modifiers = match key.code {
        KeyCode::Char(_) => key.modifiers - KeyModifiers::SHIFT,
        _ => key.modifiers,
    };
    bindings
        .iter()
        .chain(GLOBAL)
        .find(|b| {
            b.keys
                .iter()
                .any(|k| k.code == key.code && k.modifiers == modifiers)
        })
        .map(|b| b.command)
}

/// Whether a key is text in an editor (the call dialog, the policy
/// editor, the invoke console): printable characters and the keys that
/// move through or change the text.
pub fn is_text(code: KeyCode, modifiers: KeyModifiers) -> bool {
    matches!(code, KeyCode::Char(_)) && !modifiers.contains(KeyModifiers::CONTROL)
        || matches!(
            code,
            KeyCode::Up
                | KeyCode::Down
                | KeyCode::Left
                | KeyCode::Right
                | KeyCode::Home
                | KeyCode::End
                | KeyCode::Enter
                | KeyCode::Backspace
                | KeyCode::Delete
        )
}

/// The command a key sends while text is being typed (the call dialog,
/// the policy editor, the invoke console): only keys that can't be text
/// count (control chords, esc, tab, paging, f1); everything else is typed.
pub fn lookup_while_typing(bindings: &[Binding], key: &KeyEvent) -> Option<Command> {
    if is_text(key.code, key.modifiers) {
        None
    } else {
        lookup(bindings, key)
    }
}

/// The shell's commands an editor honours: help, back and quit.
pub fn editor_globals() -> impl Iterator<Item = &'static Binding> {
    GLOBAL.iter().filter(|b| {
        matches!(
            b.command,
            Command::Help | Command::Back | Command::Quit | Command::PageUp | Command::PageDown
        )
    })
}

/// The keys of a binding that act in an editor (those that can't be text).
pub fn editor_keys(binding: &Binding) -> Vec<&'static Key> {
    binding
        .keys
        .iter()
        .filter(|k| !is_text(k.code, k.modifiers))
        .collect()
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
        KeyCode::F(n) => format!("f{n}"),
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
    join_labels(binding.keys.iter())
}

/// `a/b`: keys written one after the other.
pub fn join_labels<'a>(keys: impl Iterator<Item = &'a Key>) -> String {
    keys.map(key_label).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::context;

    #[test]
    fn view_bindings_shadow_global_ones_and_shift_is_ignored() {
        let tools = gateway::keys::TOOLS;
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(lookup(tools, &enter), Some(Command::Open));
        let big_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(tools, &big_g), Some(Command::Bottom));
        let ctrl_d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(
            lookup(gateway::keys::GATEWAYS, &ctrl_d),
            Some(Command::Delete)
        );
        assert_eq!(lookup(tools, &ctrl_d), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_a_view() {
        let tables = gateway::keys::TABLES
            .iter()
            .chain(policy::keys::TABLES)
            .chain(runtime::keys::TABLES)
            .chain(memory::keys::TABLES)
            .chain(traces::keys::TABLES)
            .chain(context::keys::TABLES);
        for (view, table) in tables {
            let keys: Vec<&Key> = table.iter().chain(GLOBAL).flat_map(|b| b.keys).collect();
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
