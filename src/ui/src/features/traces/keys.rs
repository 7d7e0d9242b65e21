//! Key bindings of the trace explorer, and the commands they send.

use ratatui::crossterm::event::KeyCode;

use crate::shell::keymap::{self, Binding, bind, ch, plain};

/// What a key asks of a trace explorer screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Traces: the next column to sort by.
    Sort,
    /// Traces: the order reversed.
    Reverse,
    /// Traces: only those with an error span, or all.
    ErrorsOnly,
    /// Traces: the next time window (15m, 1h, 6h, 24h).
    Window,
    /// Traces: mark this trace to diff against.
    Mark,
    /// Traces: diff this trace against the marked one.
    Diff,
    /// Waterfall: the span's detail.
    Detail,
    /// Waterfall: the next span the filter matches.
    NextMatch,
    /// Waterfall: the previous span the filter matches.
    PreviousMatch,
    /// Waterfall: fold everything deeper than this depth (0: unfold all).
    Depth(u8),
    /// The session the trace belongs to.
    Session,
    /// Span: the policy studio's "why" of the gateway call's decision.
    Why,
}

const fn traces(command: Command) -> keymap::Command {
    keymap::Command::Traces(command)
}

const SESSION: Binding = bind(
    &[ch('o')],
    traces(Command::Session),
    "session",
    "the runtime session the trace belongs to",
);

/// The traces list.
pub(crate) const TRACES: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "waterfall",
        "the trace's spans on a time axis",
    ),
    bind(
        &[ch('s')],
        traces(Command::Sort),
        "sort",
        "sort by the next column (start, duration, spans, errors, tokens, root, service, session)",
    ),
    bind(
        &[ch('S')],
        traces(Command::Reverse),
        "reverse",
        "reverse the order",
    ),
    bind(
        &[ch('e')],
        traces(Command::ErrorsOnly),
        "errors",
        "only traces with an error span, or all",
    ),
    bind(
        &[ch('w')],
        traces(Command::Window),
        "window",
        "time window: 15m, 1h, 6h, 24h",
    ),
    bind(
        &[ch('m')],
        traces(Command::Mark),
        "mark",
        "mark this trace to diff another against",
    ),
    bind(
        &[ch('d')],
        traces(Command::Diff),
        "diff",
        "diff this trace against the marked one (m)",
    ),
    SESSION,
];

/// A collapse-to-depth digit: the `1` line's help says it for all ten.
macro_rules! depth {
    ($c:literal, $n:literal) => {
        bind(&[ch($c)], traces(Command::Depth($n)), "", "")
    };
}

/// A trace's waterfall.
pub(crate) const WATERFALL: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "fold",
        "fold or unfold the span's children (a leaf: its detail)",
    ),
    bind(
        &[ch('l'), plain(KeyCode::Right)],
        traces(Command::Detail),
        "detail",
        "the span: attributes, events, conversation, tool call and decision",
    ),
    bind(
        &[ch('n')],
        traces(Command::NextMatch),
        "next",
        "the next span the filter (/) matches",
    ),
    bind(
        &[ch('N')],
        traces(Command::PreviousMatch),
        "previous",
        "the previous span the filter (/) matches",
    ),
    bind(
        &[ch('1')],
        traces(Command::Depth(1)),
        "depth",
        "1-9 collapse to that depth · 0 expands all",
    ),
    depth!('2', 2),
    depth!('3', 3),
    depth!('4', 4),
    depth!('5', 5),
    depth!('6', 6),
    depth!('7', 7),
    depth!('8', 8),
    depth!('9', 9),
    depth!('0', 0),
    SESSION,
];

/// A span's detail.
pub(crate) const SPAN: &[Binding] = &[
    bind(
        &[ch('p')],
        traces(Command::Why),
        "why",
        "the policy studio's why of the gateway call's Cedar decision",
    ),
    SESSION,
];

/// A diff of two traces.
pub(crate) const DIFF: &[Binding] = &[];

/// Every table, named, for the check that no key is bound twice.
#[cfg(test)]
pub(crate) const TABLES: &[(&str, &[Binding])] = &[
    ("traces", TRACES),
    ("waterfall", WATERFALL),
    ("span", SPAN),
    ("diff", DIFF),
];
