//! The traces list: its order (any column, either way), its time window,
//! the query it answers, and loading it (polled while shown, keeping the
//! selected trace selected).

use acc_domain::traces::{TraceFilter, TraceSummary};

use crate::features::traces::job::Job;
use crate::features::traces::route::Route;
use crate::features::traces::state::ListQuery;
use crate::shell::effect::Effect;
use crate::shell::loadable::Loadable;
use crate::shell::state::AppState;

/// Ticks (100 ms) between polls of the list while it is shown.
pub const LIVE_TICKS: u64 = 30;
/// Ticks after a change of the query (a filter typed) before it is asked.
pub const QUERY_TICKS: u64 = 3;
/// Ticks between polls while the listing fails (Transaction Search off).
pub const FAILED_TICKS: u64 = 100;

/// The column the list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TraceSort {
    /// When the trace started.
    #[default]
    Start,
    /// How long it took.
    Duration,
    /// How many spans.
    Spans,
    /// How many error spans.
    Errors,
    /// Input and output tokens.
    Tokens,
    /// The root span's name.
    Root,
    /// The service (agent).
    Service,
    /// The session.
    Session,
}

impl TraceSort {
    /// How the column is named on screen.
    pub fn label(self) -> &'static str {
        match self {
            TraceSort::Start => "start",
            TraceSort::Duration => "duration",
            TraceSort::Spans => "spans",
            TraceSort::Errors => "errors",
            TraceSort::Tokens => "tokens",
            TraceSort::Root => "root",
            TraceSort::Service => "service",
            TraceSort::Session => "session",
        }
    }

    /// The column after this one.
    pub fn next(self) -> TraceSort {
        match self {
            TraceSort::Start => TraceSort::Duration,
            TraceSort::Duration => TraceSort::Spans,
            TraceSort::Spans => TraceSort::Errors,
            TraceSort::Errors => TraceSort::Tokens,
            TraceSort::Tokens => TraceSort::Root,
            TraceSort::Root => TraceSort::Service,
            TraceSort::Service => TraceSort::Session,
            TraceSort::Session => TraceSort::Start,
        }
    }
}

/// How far back the list looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Window {
    /// The last 15 minutes.
    Minutes15,
    /// The last hour.
    #[default]
    Hour1,
    /// The last 6 hours.
    Hours6,
    /// The last 24 hours.
    Hours24,
}

impl Window {
    /// How it is named on screen.
    pub fn label(self) -> &'static str {
        match self {
            Window::Minutes15 => "15m",
            Window::Hour1 => "1h",
            Window::Hours6 => "6h",
            Window::Hours24 => "24h",
        }
    }

    /// Its length in milliseconds.
    pub fn millis(self) -> i64 {
        let minutes = match self {
            Window::Minutes15 => 15,
            Window::Hour1 => 60,
            Window::Hours6 => 360,
            Window::Hours24 => 1440,
        };
        minutes * 60_000
    }

    /// The window after this one.
    pub fn next(self) -> Window {
        match self {
            Window::Minutes15 => Window::Hour1,
            Window::Hour1 => Window::Hours6,
            Window::Hours6 => Window::Hours24,
            Window::Hours24 => Window::Minutes15,
        }
    }
}

/// Trace indices in display order: by `sort`, largest (newest) first
/// unless `reversed`; ties keep the listing's order.
pub fn trace_order(traces: &[TraceSummary], sort: TraceSort, reversed: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..traces.len()).collect();
    let tokens = |t: &TraceSummary| t.input_tokens + t.output_tokens;
    match sort {
        TraceSort::Start => order.sort_by_key(|&i| std::cmp::Reverse(traces[i].start_unix_nano)),
        TraceSort::Duration => order.sort_by_key(|&i| std::cmp::Reverse(traces[i].duration_nano)),
        TraceSort::Spans => order.sort_by_key(|&i| std::cmp::Reverse(traces[i].span_count)),
        TraceSort::Errors => order.sort_by_key(|&i| std::cmp::Reverse(traces[i].error_count)),
        TraceSort::Tokens => order.sort_by_key(|&i| std::cmp::Reverse(tokens(&traces[i]))),
        TraceSort::Root => order.sort_by(|&a, &b| traces[a].root_name.cmp(&traces[b].root_name)),
        TraceSort::Service => order.sort_by(|&a, &b| traces[a].service.cmp(&traces[b].service)),
        TraceSort::Session => {
            order.sort_by(|&a, &b| traces[a].session_id.cmp(&traces[b].session_id))
        }
    }
    if reversed {
        order.reverse();
    }
    order
}

/// The query the list shows now: its window, errors only, and the filter
/// typed after `/` (when it parses; a bad one keeps the last good one).
pub(crate) fn current_query(state: &AppState) -> ListQuery {
    let tr = &state.traces;
    let typed = list_filter_text(state);
    let filter = match typed {
        Some(text) if TraceFilter::parse(&text).is_ok() => Some(text),
        Some(_) => tr.asked.as_ref().and_then(|q| q.filter.clone()),
        None => None,
    };
    ListQuery {
        window: tr.window,
        errors_only: tr.errors_only,
        filter,
        session: tr.session.clone(),
    }
}

/// The filter typed on the traces list, if any.
fn list_filter_text(state: &AppState) -> Option<String> {
    let screen = state
        .stack
        .iter()
        .find(|s| matches!(s.route, crate::shell::route::Route::Traces(Route::Traces)))?;
    let text = screen.cursor.filter.text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The traces for the current query, unless a listing is on its way.
pub(crate) fn load(state: &mut AppState) -> Vec<Effect> {
    if state.traces.list_in_flight {
        return Vec::new();
    }
    let query = current_query(state);
    let tr = &mut state.traces;
    tr.list_in_flight = true;
    if tr.list.loaded().is_none() && !tr.list.is_loading() {
        tr.list = Loadable::loading(state.tick);
    }
    tr.asked = Some(query.clone());
    vec![Job::ListTraces(query).into()]
}

/// Ticks between polls of the list: soon after the query changed, else
/// every few seconds (slowly while the listing fails).
pub(crate) fn poll_every(state: &AppState) -> u64 {
    let tr = &state.traces;
    if tr.asked.as_ref() != Some(&current_query(state)) {
        QUERY_TICKS
    } else if matches!(tr.list, Loadable::Failed(_)) {
        FAILED_TICKS
    } else {
        LIVE_TICKS
    }
}

/// The trace shown at `index` of the list.
pub(crate) fn trace_at(state: &AppState, index: usize) -> Option<&TraceSummary> {
    state.traces.list.loaded()?.get(index)
}

/// The trace selected on the list.
pub(crate) fn selected_trace(state: &AppState) -> Option<&TraceSummary> {
    trace_at(state, state.screen().cursor.selected_item()?)
}
