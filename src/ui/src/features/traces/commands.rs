//! What the trace explorer's keys do: the list's order, window, errors
//! only and marks; folding, depth and matches on the waterfall; and the
//! jumps to a span's detail, its session and the decision's "why".

use crate::features::runtime;
use crate::features::traces::keys::Command;
use crate::features::traces::route::Route;
use crate::features::traces::waterfall::{next_match, parsed_filter};
use crate::features::traces::{diff, list, why};
use crate::shell::effect::Effect;
use crate::shell::message::{error, info};
use crate::shell::navigation::{clamp_cursor, push, refresh_top};
use crate::shell::state::AppState;

/// A trace explorer command on the screen `route`.
pub(crate) fn on_command(state: &mut AppState, route: &Route, command: Command) -> Vec<Effect> {
    match (route, command) {
        (Route::Traces, command) => on_list(state, command),
        (Route::Waterfall { trace_id }, command) => on_waterfall(state, trace_id, command),
        (Route::Span { trace_id, span_id }, Command::Why) => why::open(state, trace_id, span_id),
        (Route::Span { trace_id, span_id }, Command::Session) => {
            let session = state
                .traces
                .trace(trace_id)
                .and_then(|t| t.span(t.row_of(span_id)?))
                .map(|s| s.session_id.clone());
            open_session(state, session)
        }
        _ => Vec::new(),
    }
}

/// A key on the traces list.
fn on_list(state: &mut AppState, command: Command) -> Vec<Effect> {
    let tr = &mut state.traces;
    match command {
        Command::Sort => tr.sort = tr.sort.next(),
        Command::Reverse => tr.reversed = !tr.reversed,
        Command::ErrorsOnly => {
            tr.errors_only = !tr.errors_only;
            return list::load(state);
        }
        Command::Window => {
            tr.window = tr.window.next();
            return list::load(state);
        }
        Command::Mark => {
            let Some(id) = list::selected_trace(state).map(|t| t.trace_id.clone()) else {
                return Vec::new();
            };
            let text = if state.traces.marked.as_ref() == Some(&id) {
                state.traces.marked = None;
                format!("unmarked trace {id}")
            } else {
                state.traces.marked = Some(id.clone());
                format!("marked trace {id}: d on another trace diffs them")
            };
            info(state, text);
            return Vec::new();
        }
        Command::Diff => {
            let Some(id) = list::selected_trace(state).map(|t| t.trace_id.clone()) else {
                return Vec::new();
            };
            return diff::open(state, id);
        }
        Command::Session => {
            let session = list::selected_trace(state).map(|t| t.session_id.clone());
            return open_session(state, session);
        }
        _ => return Vec::new(),
    }
    refresh_top(state);
    Vec::new()
}

/// A key on a waterfall.
fn on_waterfall(state: &mut AppState, trace_id: &str, command: Command) -> Vec<Effect> {
    let selected = state.screen().cursor.selected_item();
    match command {
        Command::Detail => return open_detail(state, trace_id),
        Command::Depth(depth) => {
            if let Some(trace) = opened(state, trace_id) {
                trace.collapse_to(depth);
            }
            refresh_top(state);
        }
        Command::NextMatch | Command::PreviousMatch => {
            jump_to_match(state, trace_id, command == Command::NextMatch)
        }
        Command::Session => {
            let session = state.traces.trace(trace_id).and_then(|t| {
                let own = t.span(selected?).map(|s| s.session_id.clone());
                own.filter(|s| !s.is_empty())
                    .or_else(|| t.span(0).map(|s| s.session_id.clone()))
            });
            return open_session(state, session);
        }
        _ => {}
    }
    Vec::new()
}

/// enter on a waterfall row: a parent folds or unfolds, a leaf opens.
pub(crate) fn fold_or_open(state: &mut AppState, trace_id: &str) -> Vec<Effect> {
    let Some(row) = state.screen().cursor.selected_item() else {
        return Vec::new();
    };
    let Some(trace) = opened(state, trace_id) else {
        return Vec::new();
    };
    if !trace.has_children(row) {
        return open_detail(state, trace_id);
    }
    trace.toggle_fold(row);
    refresh_top(state);
    Vec::new()
}

/// A loaded trace, to change how it shows.
fn opened<'a>(
    state: &'a mut AppState,
    trace_id: &str,
) -> Option<&'a mut crate::features::traces::state::OpenTrace> {
    match state.traces.open.get_mut(trace_id)? {
        crate::shell::loadable::Loadable::Loaded(t) => Some(&mut **t),
        _ => None,
    }
}

/// `l`: the selected span's detail.
fn open_detail(state: &mut AppState, trace_id: &str) -> Vec<Effect> {
    let Some(span_id) = state.screen().cursor.selected_item().and_then(|row| {
        let trace = state.traces.trace(trace_id)?;
        Some(trace.span(row)?.span_id.clone())
    }) else {
        return Vec::new();
    };
    let route = Route::Span {
        trace_id: trace_id.to_owned(),
        span_id,
    };
    push(state, route.into())
}

/// n / N: the next or previous span the filter matches.
fn jump_to_match(state: &mut AppState, trace_id: &str, forward: bool) {
    let text = state.screen().cursor.filter.text.clone();
    let filter = match parsed_filter(&text) {
        None => {
            return info(
                state,
                "type a filter first (/), then n and N move between its matches".into(),
            );
        }
        Some(Err(e)) => return error(state, e),
        Some(Ok(f)) => f,
    };
    let cursor = &state.screen().cursor;
    let Some(trace) = state.traces.trace(trace_id) else {
        return;
    };
    let Some(pos) = next_match(trace, &cursor.visible, cursor.selected, &filter, forward) else {
        return info(state, format!("no span matches /{text}"));
    };
    let top = state.stack.len() - 1;
    state.stack[top].cursor.selected = pos;
    clamp_cursor(state, top);
}

/// `o`: the runtime session a trace belongs to.
fn open_session(state: &mut AppState, session: Option<String>) -> Vec<Effect> {
    match session.filter(|s| !s.is_empty()) {
        Some(session_id) => push(state, runtime::Route::SessionDetail { session_id }.into()),
        None => {
            info(state, "this trace names no runtime session".into());
            Vec::new()
        }
    }
}

/// Forgets the traces no screen on the stack shows (a 100 000-span trace
/// is not kept once left).
pub(crate) fn forget_unshown(state: &mut AppState) {
    let shown: Vec<String> = state
        .stack
        .iter()
        .flat_map(|s| match &s.route {
            crate::shell::route::Route::Traces(Route::Waterfall { trace_id })
            | crate::shell::route::Route::Traces(Route::Span { trace_id, .. }) => {
                vec![trace_id.clone()]
            }
            crate::shell::route::Route::Traces(Route::Diff { left, right }) => {
                vec![left.clone(), right.clone()]
            }
            _ => Vec::new(),
        })
        .collect();
    let tr = &mut state.traces;
    tr.open.retain(|id, _| shown.contains(id));
    tr.diffs
        .retain(|(l, r), _| shown.contains(l) && shown.contains(r));
}
