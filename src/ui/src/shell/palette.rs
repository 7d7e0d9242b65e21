//! The `:` command palette: resources and their aliases, as in k9s. Each
//! feature lists its own entries; help and quit are the shell's.

use crate::features::{context, gateway, runtime};
use crate::shell::effect::Effect;
use crate::shell::message::error;
use crate::shell::state::{AppState, Overlay};

/// A palette command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaletteCommand {
    /// The key bindings.
    Help,
    /// Leave the console.
    Quit,
    /// A gateway screen.
    Gateway(gateway::Jump),
    /// A runtime screen.
    Runtime(runtime::Jump),
    /// The `:ctx` screen.
    Context(context::Jump),
}

/// One entry: canonical name, aliases, and a line of description.
#[derive(Debug)]
pub struct Entry {
    /// What the entry runs.
    pub command: PaletteCommand,
    /// The name suggested and completed.
    pub name: &'static str,
    /// Other words for it.
    pub aliases: &'static [&'static str],
    /// The line beside it in the suggestions.
    pub about: &'static str,
}

/// The shell's own entries, after the features'.
const SHELL: &[Entry] = &[
    Entry {
        command: PaletteCommand::Help,
        name: "help",
        aliases: &["h"],
        about: "key bindings of this view",
    },
    Entry {
        command: PaletteCommand::Quit,
        name: "quit",
        aliases: &["q", "q!", "exit"],
        about: "leave acc",
    },
];

/// Every palette entry, in suggestion order.
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    gateway::PALETTE
        .iter()
        .chain(runtime::PALETTE)
        .chain(context::PALETTE)
        .chain(SHELL)
}

/// A parsed palette line: the command and its optional argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The entry's command.
    pub command: PaletteCommand,
    /// The word after it, if any.
    pub argument: Option<String>,
}

/// Parses `tools enterprise-hub`; the first word must be a name or alias.
pub fn parse(line: &str) -> Result<Parsed, String> {
    let mut words = line.split_whitespace();
    let Some(word) = words.next() else {
        return Err("type a command, e.g. :gw".into());
    };
    let entry = entries()
        .find(|e| e.name == word || e.aliases.contains(&word))
        .ok_or_else(|| {
            format!("unknown command `{word}`; try :gw, :targets, :tools, :captures, :rt, :sessions, :ctx or :q")
        })?;
    Ok(Parsed {
        command: entry.command,
        argument: words.next().map(str::to_string),
    })
}

/// Entries whose name or an alias starts with the first word typed.
pub fn suggestions(line: &str) -> Vec<&'static Entry> {
    let word = line.split_whitespace().next().unwrap_or("");
    entries()
        .filter(|e| e.name.starts_with(word) || e.aliases.iter().any(|a| a.starts_with(word)))
        .collect()
}

/// Runs a palette line.
pub(crate) fn run(state: &mut AppState, line: &str) -> Vec<Effect> {
    let parsed = match parse(line) {
        Ok(p) => p,
        Err(e) => {
            error(state, e);
            return Vec::new();
        }
    };
    match parsed.command {
        PaletteCommand::Quit => {
            crate::shell::commands::quit(state);
            Vec::new()
        }
        PaletteCommand::Help => {
            state.overlay = Some(Overlay::Help);
            Vec::new()
        }
        PaletteCommand::Gateway(jump) => gateway::jump(state, jump, parsed.argument, line),
        PaletteCommand::Runtime(jump) => runtime::jump(state, jump),
        PaletteCommand::Context(jump) => context::jump(state, jump),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_arguments() {
        assert_eq!(
            parse("gw").unwrap().command,
            PaletteCommand::Gateway(gateway::Jump::Gateways)
        );
        let p = parse("tools  enterprise-hub").unwrap();
        assert_eq!(
            (p.command, p.argument.as_deref()),
            (
                PaletteCommand::Gateway(gateway::Jump::Tools),
                Some("enterprise-hub")
            )
        );
        assert!(
            parse("nope")
                .unwrap_err()
                .contains("unknown command `nope`")
        );
        assert_eq!(suggestions("t").len(), 2);
        assert_eq!(suggestions("").len(), entries().count());
    }
}
