//! The memory screens, and the `:` commands that lead to them.

use crate::shell::palette::{Entry, PaletteCommand};

/// A memory screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Every memory, with its counts.
    Memories,
    /// One memory: strategies, namespace templates, indexed keys, jobs.
    Memory {
        /// Which memory.
        memory_id: String,
    },
    /// The actors with events.
    Actors {
        /// Which memory.
        memory_id: String,
    },
    /// An actor's sessions.
    Sessions {
        /// Which memory.
        memory_id: String,
        /// Which actor.
        actor_id: String,
    },
    /// A session's events as a conversation, with its branches.
    Conversation {
        /// Which memory.
        memory_id: String,
        /// Which actor.
        actor_id: String,
        /// Which session.
        session_id: String,
    },
    /// The namespaces holding records, as a counted tree.
    Namespaces {
        /// Which memory.
        memory_id: String,
    },
    /// The records at or under a namespace path.
    Records {
        /// Which memory.
        memory_id: String,
        /// The namespace path (`/` for all).
        path: String,
    },
    /// One record, and the session it came from.
    Record {
        /// Which memory.
        memory_id: String,
        /// Which record.
        record_id: String,
    },
    /// Retrieve records for a query, ranked with their scores.
    Retrieve {
        /// Which memory.
        memory_id: String,
    },
    /// The sensitive-data scan.
    Scan {
        /// Which memory.
        memory_id: String,
    },
}

/// Where a memory `:` command leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    /// The memories list.
    Memories,
}

/// The memory `:` commands, in suggestion order.
pub(crate) const PALETTE: &[Entry] = &[Entry {
    command: PaletteCommand::Memory(Jump::Memories),
    name: "mem",
    aliases: &["memory", "memories"],
    about: "AgentCore Memory: conversations, records, retrieve, sensitive-data scan",
}];
