//! The runtime screens, and the `:` commands that lead to them.

use crate::shell::palette::{Entry, PaletteCommand};

/// A runtime screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Agent runtimes.
    Runtimes,
    /// The invoke console of a runtime (its state is `RuntimeState::invoke`).
    Invoke {
        /// Which runtime.
        runtime_id: String,
    },
    /// Every runtime session, live.
    Sessions,
    /// One session: lifecycle, spans and log tail.
    SessionDetail {
        /// Which session.
        session_id: String,
    },
}

/// Where a runtime `:` command leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    /// The runtimes list.
    Runtimes,
    /// The sessions list.
    Sessions,
}

/// The runtime `:` commands, in suggestion order.
pub(crate) const PALETTE: &[Entry] = &[
    Entry {
        command: PaletteCommand::Runtime(Jump::Runtimes),
        name: "runtimes",
        aliases: &["rt", "runtime", "agents"],
        about: "agent runtimes: invoke one and watch its stream",
    },
    Entry {
        command: PaletteCommand::Runtime(Jump::Sessions),
        name: "sessions",
        aliases: &["se", "session"],
        about: "every runtime session, live: stop a runaway",
    },
];
