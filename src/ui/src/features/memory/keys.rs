//! Key bindings of the memory screens, and the commands they send.

use ratatui::crossterm::event::KeyCode;

use crate::shell::keymap::{self, Binding, bind, ch, ctrl, plain};

/// What a key asks of a memory screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// The memory's actors, their sessions and conversations.
    Conversations,
    /// The memory's records, by namespace.
    Records,
    /// Retrieve records for a query.
    Retrieve,
    /// Scan for personal data and secrets.
    Scan,
    /// Conversation: poll for new events as they arrive.
    Follow,
    /// Show sensitive data as it is, or masked.
    Reveal,
    /// Record: the session it came from.
    Origin,
    /// Retrieve console: run the query.
    Ask,
}

const fn memory(command: Command) -> keymap::Command {
    keymap::Command::Memory(command)
}

const CONVERSATIONS: Binding = bind(
    &[ch('c')],
    memory(Command::Conversations),
    "conversations",
    "actors → sessions → events",
);
const RECORDS: Binding = bind(
    &[ch('r')],
    memory(Command::Records),
    "records",
    "long-term records by namespace",
);
const RETRIEVE: Binding = bind(
    &[ch('s')],
    memory(Command::Retrieve),
    "retrieve",
    "rank records for a query (here: this namespace)",
);
const SCAN: Binding = bind(
    &[ch('x')],
    memory(Command::Scan),
    "scan",
    "find personal data and secrets in events and records",
);
const REVEAL: Binding = bind(
    &[ch('v')],
    memory(Command::Reveal),
    "reveal",
    "show flagged personal data as it is, or masked again",
);
const ERASE: Binding = bind(
    &[ctrl('d')],
    keymap::Command::Delete,
    "erase actor",
    "erase this actor's records and events (shows the counts first; refused read-only)",
);

/// The memories list.
pub(crate) const MEMORIES: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "open",
        "strategies, namespaces, extraction jobs",
    ),
    CONVERSATIONS,
    RECORDS,
    RETRIEVE,
    SCAN,
];

/// One memory.
pub(crate) const MEMORY: &[Binding] = &[CONVERSATIONS, RECORDS, RETRIEVE, SCAN];

/// The actors.
pub(crate) const ACTORS: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "sessions",
        "the actor's sessions",
    ),
    ERASE,
];

/// An actor's sessions.
pub(crate) const SESSIONS: &[Binding] = &[bind(
    &[plain(KeyCode::Enter)],
    keymap::Command::Open,
    "conversation",
    "the session's events as a conversation",
)];

/// A conversation.
pub(crate) const CONVERSATION: &[Binding] = &[
    bind(
        &[ch('f')],
        memory(Command::Follow),
        "follow",
        "show new events as they arrive (polls every second)",
    ),
    REVEAL,
];

/// The namespace tree.
pub(crate) const NAMESPACES: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "records",
        "the records at or under this namespace",
    ),
    RETRIEVE,
];

/// Records under a namespace.
pub(crate) const RECORD_LIST: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "record",
        "the record and where it came from",
    ),
    RETRIEVE,
    REVEAL,
];

/// One record.
pub(crate) const RECORD: &[Binding] = &[
    bind(
        &[ch('o')],
        memory(Command::Origin),
        "session",
        "the conversation the record came from",
    ),
    REVEAL,
];

/// The retrieve console (typing: only keys that are not text).
pub(crate) const RETRIEVE_CONSOLE: &[Binding] = &[bind(
    &[ctrl('s')],
    memory(Command::Ask),
    "retrieve",
    "rank records for the query (enter does too)",
)];

/// The scan.
pub(crate) const SCAN_VIEW: &[Binding] = &[REVEAL, ERASE];

/// Every table, named, for the check that no key is bound twice.
#[cfg(test)]
pub(crate) const TABLES: &[(&str, &[Binding])] = &[
    ("memories", MEMORIES),
    ("memory", MEMORY),
    ("actors", ACTORS),
    ("sessions", SESSIONS),
    ("conversation", CONVERSATION),
    ("namespaces", NAMESPACES),
    ("records", RECORD_LIST),
    ("record", RECORD),
    ("retrieve", RETRIEVE_CONSOLE),
    ("scan", SCAN_VIEW),
];
