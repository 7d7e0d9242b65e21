//! The trace explorer's screens, and the `:` command that leads to them.

use crate::shell::palette::{Entry, PaletteCommand};

/// A trace explorer screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The traces of the context, live.
    Traces,
    /// One trace's spans on a time axis.
    Waterfall {
        /// Which trace.
        trace_id: String,
    },
    /// One span: attributes, events, conversation, tool call and decision.
    Span {
        /// Its trace.
        trace_id: String,
        /// Which span.
        span_id: String,
    },
    /// Two traces aligned span by span.
    Diff {
        /// The trace marked first (`m`).
        left: String,
        /// The trace diffed against it (`d`).
        right: String,
    },
}

/// Where a traces `:` command leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    /// The traces list.
    Traces,
}

/// The traces `:` commands, in suggestion order.
pub(crate) const PALETTE: &[Entry] = &[Entry {
    command: PaletteCommand::Traces(Jump::Traces),
    name: "traces",
    aliases: &["trace", "tr"],
    about: "traces: waterfall, spans, diff  [:traces SESSION]",
}];
