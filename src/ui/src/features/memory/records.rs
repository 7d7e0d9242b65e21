//! The records screens' logic: which records a namespace path shows, the
//! namespace a retrieve starts from, and the way from a record back to the
//! session it came from.

use acc_domain::memory::{record_origin, under_namespace};

use crate::features::memory::route::Route;
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::message::info;
use crate::shell::navigation::push;
use crate::shell::state::AppState;

/// The records at or under `path` that pass `filter`, newest first.
pub(crate) fn visible(
    state: &AppState,
    memory_id: &str,
    path: &str,
    filter: &FilterQuery,
) -> Vec<usize> {
    let Some(set) = state.memory.record_set(memory_id) else {
        return Vec::new();
    };
    let under: Vec<usize> = (0..set.records.len())
        .filter(|&i| path == "/" || under_namespace(&set.records[i].namespace, path))
        .collect();
    if filter.is_empty() {
        return under;
    }
    filter.apply_in_order(&under, |i| {
        let r = &set.records[i];
        format!("{} {} {}", r.strategy_id, r.namespace, r.text)
    })
}

/// The namespace path a retrieve from this screen searches: the selected
/// namespace, the records' path, or the record's namespace.
pub(crate) fn selected_path(state: &AppState, route: &Route) -> Option<String> {
    let mem = &state.memory;
    match route {
        Route::Namespaces { memory_id } => {
            let i = state.screen().cursor.selected_item()?;
            Some(mem.record_set(memory_id)?.tree.get(i)?.path.clone())
        }
        Route::Records { path, .. } => Some(path.clone()),
        Route::Record {
            memory_id,
            record_id,
        } => mem
            .record_set(memory_id)?
            .records
            .iter()
            .find(|r| &r.id == record_id)
            .map(|r| r.namespace.clone()),
        _ => None,
    }
}

/// `o` on a record: its session's conversation, or its actor's sessions.
pub(crate) fn open_origin(state: &mut AppState, route: &Route) -> Vec<Effect> {
    let Route::Record {
        memory_id,
        record_id,
    } = route
    else {
        return Vec::new();
    };
    let mem = &state.memory;
    let Some(record) = mem
        .record_set(memory_id)
        .and_then(|set| set.records.iter().find(|r| &r.id == record_id))
    else {
        return Vec::new();
    };
    let strategies = mem
        .memory(memory_id)
        .map(|m| m.strategies.as_slice())
        .unwrap_or_default();
    let origin = record_origin(record, strategies);
    let memory_id = memory_id.clone();
    let next = match (origin.actor_id, origin.session_id) {
        (Some(actor_id), Some(session_id)) => Route::Conversation {
            memory_id,
            actor_id,
            session_id,
        },
        (Some(actor_id), None) => Route::Sessions {
            memory_id,
            actor_id,
        },
        _ => {
            info(
                state,
                "this record's namespace names no actor or session".into(),
            );
            return Vec::new();
        }
    };
    push(state, next.into())
}
