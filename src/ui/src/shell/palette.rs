//! The `:` command palette: resources and their aliases, as in k9s. Each
//! feature lists its own entries; help and quit are the shell's.

use crate::features::{context, gateway, memory, runtime, traces};
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
    /// A memory screen.
    Memory(memory::Jump),
    /// A trace explorer screen.
    Traces(traces::Jump),
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
        .chain(memory::PALETTE)
        .chain(traces::PALETTE)
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

/// What tab made of a palette line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The line after tab: what was typed, completed; never shorter.
    pub text: String,
    /// The names the word still fits when several do (shown, not chosen).
    pub candidates: Vec<String>,
}

/// Tab on `line`, with the cursor at its end: in the first word, the
/// highlighted (`selected`) command; after it, the argument from `names`,
/// which gives the names a command's argument can take. A unique fit
/// completes; several complete as far as they agree and are listed.
pub fn complete(
    line: &str,
    selected: usize,
    names: &dyn Fn(PaletteCommand) -> Vec<String>,
) -> Completion {
    let unchanged = |candidates| Completion {
        text: line.to_string(),
        candidates,
    };
    if !line.trim_start().contains(char::is_whitespace) {
        return match suggestions(line).get(selected) {
            Some(entry) => Completion {
                text: format!("{} ", entry.name),
                candidates: Vec::new(),
            },
            None => unchanged(Vec::new()),
        };
    }
    let Some((head, word, fits)) = argument_fits(line, names) else {
        return unchanged(Vec::new());
    };
    match fits.as_slice() {
        [] => unchanged(Vec::new()),
        [only] => Completion {
            text: format!("{head}{only}"),
            candidates: Vec::new(),
        },
        several => {
            let common = common_prefix(several);
            let text = if common.chars().count() > word.chars().count() {
                format!("{head}{common}")
            } else {
                line.to_string()
            };
            Completion {
                text,
                candidates: fits,
            }
        }
    }
}

/// After the command word: the line up to the argument being typed, that
/// word, and the names it fits.
fn argument_fits<'a>(
    line: &'a str,
    names: &dyn Fn(PaletteCommand) -> Vec<String>,
) -> Option<(&'a str, &'a str, Vec<String>)> {
    if !line.trim_start().contains(char::is_whitespace) {
        return None;
    }
    let parsed = parse(line).ok()?;
    // The word being typed: after the last space (empty right after one).
    let start = line
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let (head, word) = line.split_at(start);
    Some((head, word, fitting(word, names(parsed.command))))
}

/// The names the argument being typed fits, for the hint under it.
pub(crate) fn argument_hint(state: &AppState, line: &str) -> Vec<String> {
    let names = |command| argument_names(state, command);
    argument_fits(line, &names).map_or_else(Vec::new, |(_, _, fits)| fits)
}

/// The names `word` begins (ignoring case when none fits exactly), sorted.
fn fitting(word: &str, names: Vec<String>) -> Vec<String> {
    let mut exact: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with(word))
        .cloned()
        .collect();
    if exact.is_empty() {
        let lower = word.to_lowercase();
        exact = names
            .into_iter()
            .filter(|n| n.to_lowercase().starts_with(&lower))
            .collect();
    }
    exact.sort();
    exact.dedup();
    exact
}

/// The longest start all `names` share, whole characters only.
fn common_prefix(names: &[String]) -> String {
    let Some(first) = names.first() else {
        return String::new();
    };
    let mut common: Vec<char> = first.chars().collect();
    for name in &names[1..] {
        let shared = common
            .iter()
            .zip(name.chars())
            .take_while(|(a, b)| **a == *b)
            .count();
        common.truncate(shared);
    }
    common.into_iter().collect()
}

/// The names a command's argument can take, from what is loaded: each
/// feature says for its own commands (gateway, policy, runtime and session
/// names).
pub(crate) fn argument_names(state: &AppState, command: PaletteCommand) -> Vec<String> {
    match command {
        PaletteCommand::Gateway(jump) => gateway::argument_names(state, jump),
        PaletteCommand::Runtime(jump) => runtime::argument_names(state, jump),
        PaletteCommand::Traces(jump) => traces::argument_names(state, jump),
        _ => Vec::new(),
    }
}

/// Enter on a line whose first word is unfinished: the highlighted
/// command in its place, the argument kept.
pub(crate) fn with_command(line: &str, entry: &Entry) -> String {
    let typed = line.trim_start();
    let rest = typed.find(char::is_whitespace).map_or("", |i| &typed[i..]);
    format!("{}{rest}", entry.name)
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
        PaletteCommand::Runtime(jump) => runtime::jump(state, jump, parsed.argument),
        PaletteCommand::Context(jump) => context::jump(state, jump),
        PaletteCommand::Memory(jump) => memory::jump(state, jump),
        PaletteCommand::Traces(jump) => traces::jump(state, jump, parsed.argument),
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
        assert_eq!(suggestions("t").len(), 3);
        assert_eq!(suggestions("").len(), entries().count());
    }

    fn gateways(command: PaletteCommand) -> Vec<String> {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect();
        match command {
            PaletteCommand::Gateway(gateway::Jump::Targets | gateway::Jump::Tools) => {
                names(&["tenant-acme", "tenant-beta", "orbit-hub"])
            }
            PaletteCommand::Gateway(gateway::Jump::Policies) => {
                names(&["small_refunds", "sales_read_only"])
            }
            PaletteCommand::Runtime(runtime::Jump::Runtimes) => {
                names(&["concierge_agent", "dev_loop"])
            }
            PaletteCommand::Runtime(runtime::Jump::Sessions) => {
                names(&["fresh-0123", "ended-0123", "dev_loop"])
            }
            _ => Vec::new(),
        }
    }

    #[test]
    fn tab_completes_runtime_session_and_policy_arguments() {
        assert_eq!(tab("rt con").text, "rt concierge_agent");
        assert_eq!(tab("runtimes d").text, "runtimes dev_loop");
        assert_eq!(tab("sessions fr").text, "sessions fresh-0123");
        assert_eq!(tab("se dev").text, "se dev_loop");
        assert_eq!(tab("policies sm").text, "policies small_refunds");
        let several = tab("pol s");
        assert_eq!(several.text, "pol s");
        assert_eq!(several.candidates, ["sales_read_only", "small_refunds"]);
        // Commands that take no argument complete none.
        assert_eq!(tab("ctx con").text, "ctx con");
        assert_eq!(tab("gw tenant").text, "gw tenant");
    }

    fn tab(line: &str) -> Completion {
        complete(line, 0, &gateways)
    }

    #[test]
    fn tab_never_erases_a_typed_argument() {
        assert_eq!(tab("targets tenant-acme").text, "targets tenant-acme");
        assert_eq!(
            tab("targets nothing-like-it").text,
            "targets nothing-like-it"
        );
        assert_eq!(tab("gw something").text, "gw something");
        assert_eq!(tab("nope arg").text, "nope arg");
    }

    #[test]
    fn tab_completes_a_unique_argument_and_lists_several() {
        assert_eq!(tab("targets orb").text, "targets orbit-hub");
        assert_eq!(tab("tools  ORB").text, "tools  orbit-hub");
        let several = tab("targets t");
        assert_eq!(several.text, "targets tenant-");
        assert_eq!(several.candidates, ["tenant-acme", "tenant-beta"]);
        let listed = tab("targets tenant-");
        assert_eq!(listed.text, "targets tenant-");
        assert_eq!(listed.candidates.len(), 2);
        let all = tab("tools ");
        assert_eq!((all.text.as_str(), all.candidates.len()), ("tools ", 3));
    }

    #[test]
    fn tab_in_the_first_word_completes_the_command() {
        assert_eq!(tab("tar").text, "targets ");
        assert_eq!(tab("tg").text, "targets ");
        assert_eq!(complete("t", 1, &gateways).text, "tools ");
        assert_eq!(tab("zzz").text, "zzz");
        let entry = entries().find(|e| e.name == "targets").unwrap();
        assert_eq!(
            with_command("tar tenant-acme", entry),
            "targets tenant-acme"
        );
    }
}
