//! What results do to the trace explorer.

use acc_backend::TraceList;

use crate::features::traces::msg::Msg;
use crate::features::traces::route::{Jump, Route};
use crate::features::traces::{list, live};
use crate::shell::effect::Effect;
use crate::shell::loadable::Loadable;
use crate::shell::message::{error_from, succeeded};
use crate::shell::navigation::{self, clamp_cursor, refresh_all};
use crate::shell::state::AppState;

/// What failed, for messages a later success clears: the traces listing.
const TRACES: &str = "traces";

/// A result for the trace explorer.
pub(crate) fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::TracesLoaded { query: _, result } => listed(
            state,
            result.map(|traces| TraceList {
                traces,
                ..TraceList::default()
            }),
        ),
        Msg::TracesPage { query: _, result } => listed(state, result),
        Msg::TraceLoaded { trace_id, result } => live::loaded(state, trace_id, result),
    }
    Vec::new()
}

/// The traces listed, keeping the selected trace selected.
fn listed(state: &mut AppState, result: Result<TraceList, String>) {
    let kept = selected_on_list(state);
    let tr = &mut state.traces;
    tr.list_in_flight = false;
    match result {
        Ok(page) => {
            tr.list = Loadable::Loaded(page.traces);
            tr.truncated = page.truncated;
            succeeded(state, TRACES);
        }
        // A failed poll keeps what is shown, and says why.
        Err(e) if tr.list.loaded().is_some() => error_from(state, TRACES, e),
        Err(e) => tr.list = Loadable::Failed(e),
    }
    refresh_all(state);
    reselect(state, kept);
}

/// The traces list's place on the stack and the trace selected there.
fn selected_on_list(state: &AppState) -> Option<(usize, String)> {
    let at = state
        .stack
        .iter()
        .position(|s| matches!(s.route, crate::shell::route::Route::Traces(Route::Traces)))?;
    let item = state.stack[at].cursor.selected_item()?;
    Some((at, list::trace_at(state, item)?.trace_id.clone()))
}

/// The same trace selected again after the list changed under it.
fn reselect(state: &mut AppState, kept: Option<(usize, String)>) {
    let Some((at, trace_id)) = kept else {
        return;
    };
    let Some(list) = state.traces.list.loaded() else {
        return;
    };
    let cursor = &state.stack[at].cursor;
    let Some(pos) = cursor
        .visible
        .iter()
        .position(|&i| list.get(i).is_some_and(|t| t.trace_id == trace_id))
    else {
        return;
    };
    state.stack[at].cursor.selected = pos;
    clamp_cursor(state, at);
}

/// A traces `:` command; an argument narrows the list to that session.
pub(crate) fn jump(state: &mut AppState, jump: Jump, argument: Option<String>) -> Vec<Effect> {
    let Jump::Traces = jump;
    if state.traces.session != argument {
        state.traces.session = argument;
        state.traces.list = Loadable::NotLoaded;
    }
    navigation::jump(state, Route::Traces.into())
}

/// The sessions `:traces SESSION` completes: the runtime sessions loaded
/// and those of the traces listed.
pub(crate) fn argument_names(state: &AppState, jump: Jump) -> Vec<String> {
    let Jump::Traces = jump;
    let runtime = state.runtime.sessions.loaded().into_iter().flatten();
    let listed = state.traces.list.loaded().into_iter().flatten();
    runtime
        .map(|s| s.runtime_session_id.clone())
        .chain(listed.map(|t| t.session_id.clone()))
        .filter(|s| !s.is_empty())
        .collect()
}
