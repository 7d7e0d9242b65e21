//! Traces: the spans of CloudWatch Transaction Search (`aws/spans`) as the
//! trace list, the waterfall, span detail and trace diff read them. Pure:
//! no I/O; the backend fetches, the console and the CLI show.
//!
//! API:
//! - [`TraceSpan`] (+ [`SpanEvent`]): one span; `duration_nano`, `is_error`,
//!   `kind_gen_ai` → [`GenAiKind`], `model`, `input_tokens`/`output_tokens`,
//!   `attribute`, `from_record` (an `aws/spans` record), `masked`.
//! - [`TraceSummary`], [`summarize`]: one line per trace, newest first.
//! - [`TraceTree::build`]: depth-first [`TreeRow`]s (orphans and cycles as
//!   roots, O(n log n)), `critical_path`, `visible_rows(folded, max_depth)`.
//! - [`TraceFilter::parse`] → `matches_span`, `matches_trace`; [`FilterError`]
//!   names the bad term and shows [`FILTER_SYNTAX`].
//! - [`diff_traces`] → [`TraceDiff`] of [`DiffRow`]s (added/removed, deltas).
//! - [`TraceLogRecord`] (`from_record` of an `otel-rt-logs` record) and
//!   [`conversation`] → [`ConversationTurn`]s.
//! - [`TraceDetail`], [`SpanCall`], [`TraceQuery`]: what the backend answers.
//! - [`insights::SummaryQuery`] and [`insights::TraceAggregate`]: the list
//!   as one Logs Insights query, summarised per trace by the service.

pub mod conversation;
pub mod detail;
pub mod diff;
pub mod filter;
pub mod insights;
pub mod span;
pub mod summary;
pub mod tree;

pub use conversation::{ConversationTurn, TraceLogRecord, conversation};
pub use detail::{
    CAPTURE_ID_ATTRIBUTE, SpanCall, TraceDetail, TraceQuery, link_calls, rfc3339_unix_ms,
    w3c_trace_id,
};
pub use diff::{DiffRow, TraceDiff, diff_traces};
pub use filter::{
    FILTER_SYNTAX, FilterError, FilterOp, FilterTerm, TraceFilter, parse_duration_nanos,
};
pub use span::{GenAiKind, SpanEvent, TraceSpan};
pub use summary::{TraceSummary, summarize, token_totals};
pub use tree::{TraceTree, TreeRow};
