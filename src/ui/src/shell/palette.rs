//! The `:` command palette: resources and their aliases, as in k9s.

/// A palette command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaletteCommand {
    Gateways,
    Targets,
    Tools,
    Captures,
    Contexts,
    Runtimes,
    Sessions,
    Help,
    Quit,
}

/// One entry: canonical name, aliases, and a line of description.
#[derive(Debug)]
pub struct Entry {
    pub command: PaletteCommand,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub about: &'static str,
}

/// Every palette entry, in suggestion order.
pub const ENTRIES: &[Entry] = &[
    Entry {
        command: PaletteCommand::Gateways,
        name: "gateways",
        aliases: &["gw", "gateway", "gws"],
        about: "all gateways",
    },
    Entry {
        command: PaletteCommand::Targets,
        name: "targets",
        aliases: &["tg", "target"],
        about: "targets of a gateway  [:targets GATEWAY]",
    },
    Entry {
        command: PaletteCommand::Tools,
        name: "tools",
        aliases: &["tool"],
        about: "tool catalog of a gateway  [:tools GATEWAY]",
    },
    Entry {
        command: PaletteCommand::Captures,
        name: "captures",
        aliases: &["cap", "requests", "req"],
        about: "captured tool calls of a gateway  [:captures GATEWAY]",
    },
    Entry {
        command: PaletteCommand::Runtimes,
        name: "runtimes",
        aliases: &["rt", "runtime", "agents"],
        about: "agent runtimes: invoke one and watch its stream",
    },
    Entry {
        command: PaletteCommand::Sessions,
        name: "sessions",
        aliases: &["se", "session"],
        about: "every runtime session, live: stop a runaway",
    },
    Entry {
        command: PaletteCommand::Contexts,
        name: "ctx",
        aliases: &["context", "contexts"],
        about: "switch context (local, endpoint, AWS profiles)",
    },
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

/// A parsed palette line: the command and its optional argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub command: PaletteCommand,
    pub argument: Option<String>,
}

/// Parses `tools enterprise-hub`; the first word must be a name or alias.
pub fn parse(line: &str) -> Result<Parsed, String> {
    let mut words = line.split_whitespace();
    let Some(word) = words.next() else {
        return Err("type a command, e.g. :gw".into());
    };
    let entry = ENTRIES
        .iter()
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
    ENTRIES
        .iter()
        .filter(|e| e.name.starts_with(word) || e.aliases.iter().any(|a| a.starts_with(word)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_arguments() {
        assert_eq!(parse("gw").unwrap().command, PaletteCommand::Gateways);
        let p = parse("tools  enterprise-hub").unwrap();
        assert_eq!(
            (p.command, p.argument.as_deref()),
            (PaletteCommand::Tools, Some("enterprise-hub"))
        );
        assert!(
            parse("nope")
                .unwrap_err()
                .contains("unknown command `nope`")
        );
        assert_eq!(suggestions("t").len(), 2);
        assert_eq!(suggestions("").len(), ENTRIES.len());
    }
}
