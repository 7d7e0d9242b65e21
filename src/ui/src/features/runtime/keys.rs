//! Key bindings of the runtime screens, and the commands they send.

use ratatui::crossterm::event::KeyCode;

use crate::shell::keymap::{self, Binding, bind, ch, ctrl, plain};

/// What a key asks of a runtime screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Invoke console: invoke with the payload.
    Send,
    /// Invoke console: the parsed stream or its exact bytes.
    ToggleResult,
    /// Invoke console: the next invocation starts a new session, on a
    /// fresh transcript.
    NewSession,
    /// Invoke console: type in the payload or the user id.
    NextField,
    /// Sessions: next sort order.
    Sort,
    /// A session: its log tail.
    Logs,
    /// A session: the invoke console of its runtime, continuing it.
    Continue,
}

const fn runtime(command: Command) -> keymap::Command {
    keymap::Command::Runtime(command)
}

/// The runtimes list.
pub(crate) const RUNTIMES: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "invoke",
        "the runtime's invoke console",
    ),
    bind(
        &[ctrl('d')],
        keymap::Command::Delete,
        "delete",
        "delete the runtime (asks first; refused read-only)",
    ),
];

/// The invoke console.
pub(crate) const INVOKE: &[Binding] = &[
    bind(
        &[ctrl('s')],
        runtime(Command::Send),
        "send",
        "invoke with the payload (refused read-only)",
    ),
    bind(
        &[ctrl('t')],
        runtime(Command::ToggleResult),
        "parsed/raw",
        "the parsed stream or its exact bytes",
    ),
    bind(
        &[ctrl('n')],
        runtime(Command::NewSession),
        "new session",
        "a new session, on a fresh transcript (otherwise the last one continues)",
    ),
    bind(
        &[plain(KeyCode::Tab)],
        runtime(Command::NextField),
        "payload/user",
        "type in the payload or the user id",
    ),
];

/// ctrl-d on a session.
const STOP: Binding = bind(
    &[ctrl('d')],
    keymap::Command::Delete,
    "stop",
    "stop the session (asks first; refused read-only)",
);

/// `i` on a session.
const CONTINUE: Binding = bind(
    &[ch('i')],
    runtime(Command::Continue),
    "continue",
    "invoke its runtime again in this session",
);

/// The sessions list.
pub(crate) const SESSIONS: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "inspect",
        "the session's lifecycle and log tail",
    ),
    bind(
        &[ch('s')],
        runtime(Command::Sort),
        "sort",
        "next sort order",
    ),
    STOP,
    bind(
        &[ch('l')],
        runtime(Command::Logs),
        "logs",
        "the session's log tail",
    ),
    CONTINUE,
];

/// One session.
pub(crate) const SESSION_DETAIL: &[Binding] = &[
    STOP,
    bind(
        &[ch('l')],
        runtime(Command::Logs),
        "logs",
        "to the log tail, read again",
    ),
    CONTINUE,
];

/// Every table, named, for the check that no key is bound twice.
#[cfg(test)]
pub(crate) const TABLES: &[(&str, &[Binding])] = &[
    ("runtimes", RUNTIMES),
    ("invoke", INVOKE),
    ("sessions", SESSIONS),
    ("session", SESSION_DETAIL),
];
