//! Starting the memory screens' loads: each only when nothing arrived and
//! nothing is under way, or, for a reload, whatever is shown.

use std::collections::HashMap;

use crate::features::memory::job::Job;
use crate::features::memory::route::Route;
use acc_domain::memory::Memory;

use crate::features::memory::state::{Conversation, MemoryState, session_key};
use crate::shell::effect::Effect;
use crate::shell::loadable::{Loadable, start_load};
use crate::shell::state::AppState;

/// The memories, unless they are loaded or loading.
pub(crate) fn load_memories(state: &mut AppState) -> Vec<Effect> {
    let mem = &mut state.memory;
    if !mem.memories.needs_load() {
        return Vec::new();
    }
    mem.memories = Loadable::loading(state.tick);
    mem.memories_in_flight = true;
    vec![Job::LoadMemories.into()]
}

/// The memories again, keeping what is shown (their counts follow).
pub(crate) fn reload_memories(state: &mut AppState) -> Vec<Effect> {
    if state.memory.memories_in_flight {
        return Vec::new();
    }
    state.memory.memories_in_flight = true;
    if state.memory.memories.loaded().is_none() {
        state.memory.memories = Loadable::loading(state.tick);
    }
    state.memory.counts.clear();
    vec![Job::LoadMemories.into()]
}

/// A poll of the settled memories: listed again and each counted again,
/// keeping what is shown until the new counts arrive; a memory whose count
/// is still on its way is not asked twice.
pub(crate) fn poll_memories(state: &mut AppState) -> Vec<Effect> {
    let mem = &mut state.memory;
    let mut effects = Vec::new();
    if !mem.memories_in_flight {
        mem.memories_in_flight = true;
        effects.push(Job::LoadMemories.into());
    }
    let Some(memories) = mem.memories.loaded() else {
        return effects;
    };
    for memory in memories {
        let counting = matches!(mem.counts.get(&memory.id), Some(Loadable::Loading { .. }));
        if !counting && mem.recounting.insert(memory.id.clone()) {
            effects.push(Job::LoadCounts(Box::new(memory.clone())).into());
        }
    }
    effects
}

/// Each listed memory's counts that are not there yet.
pub(crate) fn load_counts(state: &mut AppState) -> Vec<Effect> {
    let tick = state.tick;
    let mem = &mut state.memory;
    let Some(memories) = mem.memories.loaded() else {
        return Vec::new();
    };
    memories
        .iter()
        .filter(|m| start_load(&mut mem.counts, &m.id, tick))
        .map(|m| Job::LoadCounts(Box::new(m.clone())).into())
        .collect()
}

fn keyed(map: &mut HashMap<String, impl Sized>, key: &str, reload: bool) {
    if reload {
        map.remove(key);
    }
}

/// What `route` shows, loading what is missing (`reload`: everything again).
pub(crate) fn load_route(state: &mut AppState, route: &Route, reload: bool) -> Vec<Effect> {
    let mut effects = if reload {
        reload_memories(state)
    } else {
        load_memories(state)
    };
    let tick = state.tick;
    let mem = &mut state.memory;
    match route {
        Route::Memories => {
            if !reload {
                effects.extend(load_counts(state));
            }
        }
        Route::Memory { memory_id } => {
            keyed(&mut mem.jobs, memory_id, reload);
            if start_load(&mut mem.jobs, memory_id, tick) {
                effects.push(
                    Job::LoadJobs {
                        memory_id: memory_id.clone(),
                    }
                    .into(),
                );
            }
        }
        Route::Actors { memory_id } => {
            keyed(&mut mem.actors, memory_id, reload);
            if start_load(&mut mem.actors, memory_id, tick) {
                effects.push(
                    Job::LoadActors {
                        memory_id: memory_id.clone(),
                    }
                    .into(),
                );
            }
        }
        Route::Sessions {
            memory_id,
            actor_id,
        } => {
            let key = session_key(memory_id, actor_id);
            keyed(&mut mem.sessions, &key, reload);
            if start_load(&mut mem.sessions, &key, tick) {
                effects.push(
                    Job::LoadSessions {
                        memory_id: memory_id.clone(),
                        actor_id: actor_id.clone(),
                    }
                    .into(),
                );
            }
        }
        Route::Conversation {
            memory_id,
            actor_id,
            session_id,
        } => {
            effects.extend(load_events(state, memory_id, actor_id, session_id, reload));
        }
        Route::Namespaces { memory_id }
        | Route::Records { memory_id, .. }
        | Route::Record { memory_id, .. } => {
            keyed(&mut mem.records, memory_id, reload);
            effects.extend(load_with_memory(
                state,
                memory_id,
                |m| &mut m.records,
                Job::LoadRecords,
            ));
        }
        Route::Scan { memory_id } => {
            keyed(&mut mem.scans, memory_id, reload);
            effects.extend(load_with_memory(
                state,
                memory_id,
                |m| &mut m.scans,
                Job::Scan,
            ));
        }
        Route::Retrieve { .. } => {}
    }
    effects
}

/// A job that needs the memory's strategies, once the memory is listed,
/// kept in the map `store` picks (keyed by memory id).
fn load_with_memory<T>(
    state: &mut AppState,
    memory_id: &str,
    store: fn(&mut MemoryState) -> &mut HashMap<String, Loadable<T>>,
    job: fn(Box<Memory>) -> Job,
) -> Vec<Effect> {
    let tick = state.tick;
    let Some(memory) = state.memory.memory(memory_id).cloned() else {
        return Vec::new();
    };
    if !start_load(store(&mut state.memory), memory_id, tick) {
        return Vec::new();
    }
    vec![job(Box::new(memory)).into()]
}

/// A session's events: the conversation is (re)opened on it.
pub(crate) fn load_events(
    state: &mut AppState,
    memory_id: &str,
    actor_id: &str,
    session_id: &str,
    reload: bool,
) -> Vec<Effect> {
    let mem = &mut state.memory;
    let same = mem.conversation.as_ref().is_some_and(|c| {
        c.memory_id == memory_id && c.session_id == session_id && c.actor_id == actor_id
    });
    if !same {
        mem.conversation = Some(Conversation {
            memory_id: memory_id.to_owned(),
            actor_id: actor_id.to_owned(),
            session_id: session_id.to_owned(),
            events: Loadable::loading(state.tick),
            ..Conversation::default()
        });
    } else if !reload {
        return Vec::new();
    }
    poll_events(state)
}

/// The open conversation's events again, unless a listing is on its way.
pub(crate) fn poll_events(state: &mut AppState) -> Vec<Effect> {
    let Some(c) = state.memory.conversation.as_mut() else {
        return Vec::new();
    };
    if c.in_flight {
        return Vec::new();
    }
    c.in_flight = true;
    vec![
        Job::LoadEvents {
            memory_id: c.memory_id.clone(),
            actor_id: c.actor_id.clone(),
            session_id: c.session_id.clone(),
        }
        .into(),
    ]
}
