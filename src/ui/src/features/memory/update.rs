//! What results do to the memory screens.

use crate::features::memory::msg::Msg;
use crate::features::memory::route::{Jump, Route};
use crate::features::memory::state::{RecordSet, session_key};
use crate::features::memory::{erase, loads};
use crate::shell::effect::Effect;
use crate::shell::loadable::Loadable;
use crate::shell::message::{error, error_from, info, succeeded};
use crate::shell::navigation::{self, load_for_current, move_by, refresh_all};
use crate::shell::state::AppState;

/// What failed, for messages a later success clears: the memories listing.
const MEMORIES: &str = "memories";

fn loadable<T>(result: Result<T, String>) -> Loadable<T> {
    match result {
        Ok(v) => Loadable::Loaded(v),
        Err(e) => Loadable::Failed(e),
    }
}

/// A result for the memory screens.
pub(crate) fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mem = &mut state.memory;
    let mut effects = Vec::new();
    match msg {
        Msg::MemoriesLoaded(result) => {
            mem.memories_in_flight = false;
            match result {
                Ok(list) => {
                    mem.memories = Loadable::Loaded(list);
                    succeeded(state, MEMORIES);
                }
                Err(e) if mem.memories.loaded().is_some() => error_from(state, MEMORIES, e),
                Err(e) => {
                    mem.memories = Loadable::Failed(e.clone());
                    error_from(state, MEMORIES, e);
                }
            }
            // Screens waiting for the memory's strategies can load now.
            effects = load_for_current(state);
            if matches!(
                state.screen().route,
                crate::shell::route::Route::Memory(Route::Memories)
            ) {
                effects.extend(loads::load_counts(state));
            }
        }
        Msg::CountsLoaded { memory_id, result } => {
            mem.recounting.remove(&memory_id);
            mem.counts.insert(memory_id, loadable(result));
        }
        Msg::JobsLoaded { memory_id, result } => {
            mem.jobs.insert(memory_id, loadable(result));
        }
        Msg::ActorsLoaded { memory_id, result } => {
            mem.actors.insert(memory_id, loadable(result));
        }
        Msg::SessionsLoaded {
            memory_id,
            actor_id,
            result,
        } => {
            mem.sessions
                .insert(session_key(&memory_id, &actor_id), loadable(result));
        }
        Msg::EventsLoaded { session_id, result } => {
            let Some(c) = mem
                .conversation
                .as_mut()
                .filter(|c| c.session_id == session_id)
            else {
                return Vec::new();
            };
            c.in_flight = false;
            let follow = c.follow;
            match result {
                Ok(events) => {
                    c.events = Loadable::Loaded(events);
                    c.relayout(mem.revealed);
                }
                Err(e) if c.events.loaded().is_some() => error(state, format!("events: {e}")),
                Err(e) => c.events = Loadable::Failed(e),
            }
            refresh_all(state);
            if follow {
                move_by(state, isize::MAX / 2);
            }
            return Vec::new();
        }
        Msg::RecordsLoaded { memory_id, result } => {
            mem.records
                .insert(memory_id, loadable(result.map(RecordSet::new)));
        }
        Msg::Retrieved { query, result } => {
            if let Some(r) = mem.retrieve.as_mut().filter(|r| r.asked == query) {
                r.results = loadable(result);
            }
            navigation::refresh_from_top(state);
            return Vec::new();
        }
        Msg::Scanned { memory_id, result } => {
            mem.scans.insert(memory_id, loadable(result));
        }
        Msg::ErasePlanned(result) => erase::planned(state, result),
        Msg::Erased {
            memory_id,
            actor_id,
            result,
        } => {
            state.memory.erase_plan = None;
            match result {
                Ok(report) => {
                    info(
                        state,
                        format!(
                            "erased {actor_id}: {} records in {} batches, {} events",
                            report.records_deleted, report.batches, report.events_deleted
                        ),
                    );
                    // Everything about this memory is stale now.
                    let mem = &mut state.memory;
                    mem.actors.remove(&memory_id);
                    mem.jobs.remove(&memory_id);
                    mem.records.remove(&memory_id);
                    mem.scans.remove(&memory_id);
                    mem.counts.remove(&memory_id);
                    mem.sessions.remove(&session_key(&memory_id, &actor_id));
                    effects = navigation::reload(state);
                }
                Err(e) => error(state, format!("erase {actor_id}: {e}")),
            }
        }
    }
    refresh_all(state);
    effects
}

/// A memory `:` command.
pub(crate) fn jump(state: &mut AppState, jump: Jump) -> Vec<Effect> {
    let route = match jump {
        Jump::Memories => Route::Memories,
    };
    navigation::jump(state, route.into())
}
