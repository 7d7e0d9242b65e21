//! An opened trace read again while its waterfall or a span of it is
//! shown: one read at a time, every few seconds, and the new spans merged
//! in keeping each screen's selected span, its folds and its scroll.

use acc_domain::traces::TraceDetail;

use crate::features::traces::diff;
use crate::features::traces::job::Job;
use crate::features::traces::list::LIVE_TICKS;
use crate::features::traces::route::Route;
use crate::features::traces::state::OpenTrace;
use crate::shell::effect::Effect;
use crate::shell::loadable::Loadable;
use crate::shell::message::{error_from, succeeded};
use crate::shell::navigation::{clamp_cursor, refresh_all};
use crate::shell::route::Route as ShellRoute;
use crate::shell::state::AppState;

/// What failed, for messages a later success clears: a trace's re-read.
const TRACE: &str = "trace";

/// Spans per extra [`LIVE_TICKS`] between reads of a big trace.
pub const SPANS_PER_INTERVAL: usize = 10_000;

/// Ticks between reads of the trace shown, once it is loaded (a failed
/// read is retried with ctrl-r): every 3 s up to 10 000 spans, then 3 s
/// more per 10 000 (a 100 000-span trace every 33 s), as rebuilding a big
/// trace's tree takes the loop ~80 ms.
pub(crate) fn poll_every(state: &AppState, trace_id: &str) -> Option<u64> {
    let spans = state.traces.trace(trace_id)?.tree.spans.len();
    Some(LIVE_TICKS * (1 + (spans / SPANS_PER_INTERVAL) as u64))
}

/// Trace `trace_id` read (again), unless a read of it is on its way.
pub(crate) fn read(state: &mut AppState, trace_id: &str) -> Vec<Effect> {
    if !state.traces.reading.insert(trace_id.to_owned()) {
        return Vec::new();
    }
    vec![
        Job::GetTrace {
            trace_id: trace_id.to_owned(),
        }
        .into(),
    ]
}

/// A read of `trace_id` answered. A first read fills its screens; a
/// re-read replaces the trace keeping how each screen shows it, and a
/// failed one keeps what is shown and says why. An answer for a trace no
/// screen shows any more is dropped.
pub(crate) fn loaded(
    state: &mut AppState,
    trace_id: String,
    result: Result<Box<TraceDetail>, String>,
) {
    state.traces.reading.remove(&trace_id);
    let Some(entry) = state.traces.open.get(&trace_id) else {
        return;
    };
    let shown = match entry {
        Loadable::Loaded(old) => Some(old),
        _ => None,
    };
    match (result, shown) {
        (Ok(detail), Some(old)) => {
            let trace = OpenTrace::new(*detail).keeping_view_of(old);
            let kept = selections(state, &trace_id);
            state
                .traces
                .open
                .insert(trace_id, Loadable::Loaded(Box::new(trace)));
            succeeded(state, TRACE);
            refresh_all(state);
            restore(state, kept);
            return;
        }
        (Err(e), Some(_)) => error_from(state, TRACE, e),
        (Ok(detail), None) => {
            let trace = Box::new(OpenTrace::new(*detail));
            state.traces.open.insert(trace_id, Loadable::Loaded(trace));
        }
        (Err(e), None) => {
            state.traces.open.insert(trace_id, Loadable::Failed(e));
        }
    }
    diff::ensure(state);
    refresh_all(state);
}

/// Where a waterfall's selection was: its screen, the span selected, and
/// its line on screen (from the top of the rows in view).
struct Selection {
    screen: usize,
    span_id: String,
    line: usize,
}

/// The selections of the waterfalls of `trace_id` on the stack.
fn selections(state: &AppState, trace_id: &str) -> Vec<Selection> {
    let Some(trace) = state.traces.trace(trace_id) else {
        return Vec::new();
    };
    let on_trace = |route: &ShellRoute| matches!(route, ShellRoute::Traces(Route::Waterfall { trace_id: t }) if t == trace_id);
    state
        .stack
        .iter()
        .enumerate()
        .filter(|(_, s)| on_trace(&s.route))
        .filter_map(|(screen, s)| {
            let span = trace.span(s.cursor.selected_item()?)?;
            Some(Selection {
                screen,
                span_id: span.span_id.clone(),
                line: s.cursor.selected.saturating_sub(s.cursor.offset),
            })
        })
        .collect()
}

/// The same spans selected again, on the same lines where they can be.
fn restore(state: &mut AppState, kept: Vec<Selection>) {
    for sel in kept {
        let ShellRoute::Traces(Route::Waterfall { trace_id }) = &state.stack[sel.screen].route
        else {
            continue;
        };
        let Some(row) = state
            .traces
            .trace(trace_id)
            .and_then(|t| t.row_of(&sel.span_id))
        else {
            continue;
        };
        let cursor = &mut state.stack[sel.screen].cursor;
        let Some(pos) = cursor.visible.iter().position(|&r| r == row) else {
            continue;
        };
        cursor.selected = pos;
        cursor.offset = pos.saturating_sub(sel.line);
        clamp_cursor(state, sel.screen);
    }
}
