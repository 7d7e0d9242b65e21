//! What the trace explorer knows: the traces listed and the query they
//! answer, how the list is shown, the traces opened (with their tree,
//! folds and depth), the marked trace and the diffs computed.

use std::collections::{HashMap, HashSet};

use acc_domain::traces::TraceDetail;
use acc_domain::traces::{TraceDiff, TraceSummary, TraceTree};

use crate::features::traces::list::{TraceSort, Window};
use crate::shell::loadable::Loadable;

/// What the traces list asks the backend.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// How far back.
    pub window: Window,
    /// Only traces with an error span.
    pub errors_only: bool,
    /// The filter expression typed after `/` (a valid one).
    pub filter: Option<String>,
    /// Only this session's traces (`:traces SESSION`).
    pub session: Option<String>,
}

/// An opened trace: its spans, logs and calls, their tree, and how the
/// waterfall shows it.
#[derive(Debug, Clone)]
pub struct OpenTrace {
    /// What GetTrace answered.
    pub detail: TraceDetail,
    /// The spans as a tree, depth first.
    pub tree: TraceTree,
    /// Rows (indices into the tree's rows) whose children are hidden.
    pub folded: HashSet<usize>,
    /// Rows deeper than this are hidden (digits 1–9; 0 clears it).
    pub max_depth: Option<u16>,
    /// Each span's row, by span id.
    pub rows_by_id: HashMap<String, usize>,
    /// The first span's start, in Unix nanoseconds.
    pub start_nano: i64,
    /// The last span's end minus the first span's start (≥ 1).
    pub span_nano: i64,
}

/// The trace explorer's state.
#[derive(Debug, Clone, Default)]
pub struct TracesState {
    /// The traces of the current query.
    pub list: Loadable<Vec<TraceSummary>>,
    /// The query `list` answers (or is being asked).
    pub asked: Option<ListQuery>,
    /// A listing is on its way: a poll due meanwhile waits.
    pub list_in_flight: bool,
    /// The last listing stopped at the backend's read bound: older traces
    /// were not read.
    pub truncated: bool,
    /// The column the list is sorted by.
    pub sort: TraceSort,
    /// The order is reversed (`S`).
    pub reversed: bool,
    /// Only traces with an error span (`e`).
    pub errors_only: bool,
    /// How far back the list looks (`w`).
    pub window: Window,
    /// Only this session's traces (`:traces SESSION`).
    pub session: Option<String>,
    /// The trace marked to diff against (`m`).
    pub marked: Option<String>,
    /// The traces opened, by id.
    pub open: HashMap<String, Loadable<Box<OpenTrace>>>,
    /// The traces whose read is on its way: a re-read due meanwhile waits.
    pub reading: HashSet<String>,
    /// Diffs computed, by (left, right) trace ids.
    pub diffs: HashMap<(String, String), TraceDiff>,
}

impl TracesState {
    /// Forgets the data, keeping how the list is shown (the context
    /// switched).
    pub fn reset(&mut self) {
        *self = TracesState {
            sort: self.sort,
            reversed: self.reversed,
            window: self.window,
            ..TracesState::default()
        };
    }

    /// Whether the loop must keep ticking: something loads (the spinner).
    pub fn needs_ticks(&self) -> bool {
        self.list.is_loading() || self.open.values().any(Loadable::is_loading)
    }

    /// An opened trace, once loaded.
    pub fn trace(&self, trace_id: &str) -> Option<&OpenTrace> {
        self.open.get(trace_id)?.loaded().map(|b| &**b)
    }
}
