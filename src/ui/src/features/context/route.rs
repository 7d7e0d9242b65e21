//! The `:ctx` screen, and the command that leads to it.

use crate::shell::palette::{Entry, PaletteCommand};

/// The `:ctx` screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The contexts list.
    Contexts,
}

/// Where the `:ctx` command leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    /// The contexts list.
    Contexts,
}

/// The `:ctx` command.
pub(crate) const PALETTE: &[Entry] = &[Entry {
    command: PaletteCommand::Context(Jump::Contexts),
    name: "ctx",
    aliases: &["context", "contexts"],
    about: "switch context (local, endpoint, AWS profiles)",
}];
