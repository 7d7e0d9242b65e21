//! Results of the trace explorer's jobs, as they come back through the
//! channel.

use acc_backend::TraceList;
use acc_domain::traces::TraceDetail;
use acc_domain::traces::TraceSummary;

use crate::features::traces::state::ListQuery;

/// A result for the trace explorer.
#[derive(Debug, Clone)]
pub enum Msg {
    /// The traces of a query arrived, read whole (no read bound hit).
    TracesLoaded {
        /// The query they answer.
        query: ListQuery,
        /// The traces, or why not (Transaction Search off says how to
        /// enable it).
        result: Result<Vec<TraceSummary>, String>,
    },
    /// The traces of a query arrived with how they were read: cut at the
    /// backend's read bound (`truncated`), older traces are missing.
    TracesPage {
        /// The query they answer.
        query: ListQuery,
        /// The traces and how they were read, or why not.
        result: Result<TraceList, String>,
    },
    /// A trace arrived (opened, or read again while shown).
    TraceLoaded {
        /// Which trace.
        trace_id: String,
        /// Its spans, logs and calls, or why not.
        result: Result<Box<TraceDetail>, String>,
    },
}
