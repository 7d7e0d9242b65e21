//! Diffing two traces: both loaded, then aligned once (the domain's
//! structural alignment) and kept until the diff is left.

use acc_domain::traces::diff_traces;

use crate::features::traces::live;
use crate::features::traces::route::Route;
use crate::shell::effect::Effect;
use crate::shell::loadable::start_load;
use crate::shell::message::info;
use crate::shell::navigation::push;
use crate::shell::state::AppState;

/// `d` on the list: the selected trace diffed against the marked one.
pub(crate) fn open(state: &mut AppState, right: String) -> Vec<Effect> {
    let Some(left) = state.traces.marked.clone() else {
        info(
            state,
            "mark a trace first (m), then d on another diffs them".into(),
        );
        return Vec::new();
    };
    if left == right {
        info(
            state,
            "this is the marked trace: d on another one diffs them".into(),
        );
        return Vec::new();
    }
    push(state, Route::Diff { left, right }.into())
}

/// The traces of the diff shown that are not loaded (nor loading).
pub(crate) fn load_both(state: &mut AppState) -> Vec<Effect> {
    let Some((left, right)) = shown(state) else {
        return Vec::new();
    };
    let tick = state.tick;
    let mut effects = Vec::new();
    for id in [left, right] {
        if start_load(&mut state.traces.open, &id, tick) {
            effects.extend(live::read(state, &id));
        }
    }
    ensure(state);
    effects
}

/// The diff shown's trace ids.
fn shown(state: &AppState) -> Option<(String, String)> {
    match &state.screen().route {
        crate::shell::route::Route::Traces(Route::Diff { left, right }) => {
            Some((left.clone(), right.clone()))
        }
        _ => None,
    }
}

/// Aligns the diff shown once both its traces are loaded.
pub(crate) fn ensure(state: &mut AppState) {
    let Some(key) = shown(state) else {
        return;
    };
    let tr = &mut state.traces;
    if tr.diffs.contains_key(&key) {
        return;
    }
    let (Some(left), Some(right)) = (tr.trace(&key.0), tr.trace(&key.1)) else {
        return;
    };
    let diff = diff_traces(&left.tree, &right.tree);
    tr.diffs.insert(key, diff);
}
