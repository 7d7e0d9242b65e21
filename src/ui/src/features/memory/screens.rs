//! The memory screens as the shell sees them: titles, keys, loads, rows,
//! commands and drawing, per screen.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::features::memory::keys::{self, Command as Memory};
use crate::features::memory::route::Route;
use crate::features::memory::state::session_key;
use crate::features::memory::text_screens::lines_of;
use crate::features::memory::{erase, loads, records, retrieve, views};
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::keymap::{Binding, Command};
use crate::shell::navigation::{push, refresh_all};
use crate::shell::screens::{Clip, Screens};
use crate::shell::state::{AppState, ListCursor};

/// How often the memories list polls while one is settling, in ticks.
const SETTLE_TICKS: u64 = 10;

/// How often the memories list polls once all are settled, in ticks (the
/// gateway screens' 5 s): extraction adds records after events arrive.
const COUNTS_TICKS: u64 = 50;

/// How often a followed conversation polls, in ticks (100 ms).
const FOLLOW_TICKS: u64 = 10;

/// Whether a listed memory is CREATING, UPDATING or DELETING; `None`
/// until the memories are listed.
fn settling(state: &AppState) -> Option<bool> {
    let memories = state.memory.memories.loaded()?;
    Some(
        memories
            .iter()
            .any(|m| m.status != "ACTIVE" && m.status != "FAILED"),
    )
}

impl Route {
    /// The memory the screen is about, if any.
    pub(crate) fn memory_id(&self) -> Option<&str> {
        match self {
            Route::Memories => None,
            Route::Memory { memory_id }
            | Route::Actors { memory_id }
            | Route::Sessions { memory_id, .. }
            | Route::Conversation { memory_id, .. }
            | Route::Namespaces { memory_id }
            | Route::Records { memory_id, .. }
            | Route::Record { memory_id, .. }
            | Route::Retrieve { memory_id }
            | Route::Scan { memory_id } => Some(memory_id),
        }
    }
}

impl Screens for Route {
    fn title(&self) -> &'static str {
        match self {
            Route::Memories => "memories",
            Route::Memory { .. } => "memory",
            Route::Actors { .. } => "actors",
            Route::Sessions { .. } => "memory sessions",
            Route::Conversation { .. } => "conversation",
            Route::Namespaces { .. } => "namespaces",
            Route::Records { .. } => "records",
            Route::Record { .. } => "record",
            Route::Retrieve { .. } => "retrieve",
            Route::Scan { .. } => "scan",
        }
    }

    fn crumb(&self, _state: &AppState, _parent_gateway: Option<&str>) -> String {
        match self {
            Route::Memories => "memories".into(),
            Route::Memory { memory_id } => format!("memory {memory_id}"),
            Route::Actors { .. } => "actors".into(),
            Route::Sessions { actor_id, .. } => format!("actor {actor_id}"),
            Route::Conversation { session_id, .. } => format!("session {session_id}"),
            Route::Namespaces { .. } => "namespaces".into(),
            Route::Records { path, .. } => format!("records {path}"),
            Route::Record { record_id, .. } => format!("record {record_id}"),
            Route::Retrieve { .. } => "retrieve".into(),
            Route::Scan { .. } => "scan".into(),
        }
    }

    fn bindings(&self) -> &'static [Binding] {
        match self {
            Route::Memories => keys::MEMORIES,
            Route::Memory { .. } => keys::MEMORY,
            Route::Actors { .. } => keys::ACTORS,
            Route::Sessions { .. } => keys::SESSIONS,
            Route::Conversation { .. } => keys::CONVERSATION,
            Route::Namespaces { .. } => keys::NAMESPACES,
            Route::Records { .. } => keys::RECORD_LIST,
            Route::Record { .. } => keys::RECORD,
            Route::Retrieve { .. } => keys::RETRIEVE_CONSOLE,
            Route::Scan { .. } => keys::SCAN_VIEW,
        }
    }

    fn typing(&self) -> bool {
        matches!(self, Route::Retrieve { .. })
    }

    fn on_typed(&self, state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
        retrieve::on_typed(state, key)
    }

    fn load(&self, state: &mut AppState) -> Vec<Effect> {
        loads::load_route(state, self, false)
    }

    fn reload(&self, state: &mut AppState) -> Vec<Effect> {
        loads::load_route(state, self, true)
    }

    fn poll_every(&self, state: &AppState) -> Option<u64> {
        let mem = &state.memory;
        match self {
            Route::Conversation { .. } => mem
                .conversation
                .as_ref()
                .is_some_and(|c| c.follow)
                .then_some(FOLLOW_TICKS),
            // CREATING, UPDATING and DELETING settle in moments; then the
            // counts still grow as extraction adds records.
            Route::Memories => Some(if settling(state)? {
                SETTLE_TICKS
            } else {
                COUNTS_TICKS
            }),
            _ => None,
        }
    }

    fn poll(&self, state: &mut AppState) -> Vec<Effect> {
        match self {
            // Counted again once listed: a settling memory fills up.
            Route::Memories if settling(state) == Some(true) => loads::reload_memories(state),
            Route::Memories => loads::poll_memories(state),
            _ => loads::poll_events(state),
        }
    }

    fn visible_rows(&self, state: &AppState, filter: &FilterQuery) -> Vec<usize> {
        let mem = &state.memory;
        match self {
            Route::Memories => match mem.memories.loaded() {
                Some(list) => filter.apply_to(list.iter().map(|m| {
                    let kinds: Vec<&str> = m.strategies.iter().map(|s| s.kind.as_str()).collect();
                    format!("{} {} {} {}", m.name, m.id, m.status, kinds.join(" "))
                })),
                None => Vec::new(),
            },
            Route::Actors { memory_id } => match mem.actors.get(memory_id).and_then(|a| a.loaded())
            {
                Some(actors) => filter.apply(actors.iter().map(String::as_str)),
                None => Vec::new(),
            },
            Route::Sessions {
                memory_id,
                actor_id,
            } => {
                match mem
                    .sessions
                    .get(&session_key(memory_id, actor_id))
                    .and_then(|s| s.loaded())
                {
                    Some(list) => filter.apply(list.iter().map(|s| s.session_id.as_str())),
                    None => Vec::new(),
                }
            }
            Route::Namespaces { memory_id } => match mem.record_set(memory_id) {
                Some(set) => filter.apply(set.tree.iter().map(|n| n.path.as_str())),
                None => Vec::new(),
            },
            Route::Records { memory_id, path } => records::visible(state, memory_id, path, filter),
            Route::Retrieve { .. } => {
                match mem.retrieve.as_ref().and_then(|r| r.results.loaded()) {
                    Some(results) => (0..results.len()).collect(),
                    None => Vec::new(),
                }
            }
            Route::Memory { .. }
            | Route::Conversation { .. }
            | Route::Record { .. }
            | Route::Scan { .. } => match lines_of(state, self) {
                Some(lines) => filter.apply(lines.iter().map(|l| l.text.as_str())),
                None => Vec::new(),
            },
        }
    }

    fn on_command(&self, state: &mut AppState, command: Command) -> Option<Vec<Effect>> {
        let memory_id = self.memory_id().map(str::to_owned).or_else(|| {
            let i = state.screen().cursor.selected_item()?;
            Some(state.memory.memories.loaded()?.get(i)?.id.clone())
        });
        let Command::Memory(command) = command else {
            return match (self, command) {
                (Route::Actors { memory_id }, Command::Delete) => {
                    let actor = selected_actor(state);
                    Some(erase::ask_erase(state, memory_id, actor))
                }
                (Route::Scan { memory_id }, Command::Delete) => {
                    let actor = lines_of(state, self).and_then(|lines| {
                        lines
                            .get(state.screen().cursor.selected_item()?)?
                            .actor
                            .clone()
                    });
                    Some(erase::ask_erase(state, memory_id, actor))
                }
                _ => None,
            };
        };
        let memory_id = memory_id?;
        let effects = match command {
            Memory::Conversations => push(state, Route::Actors { memory_id }.into()),
            Memory::Records => push(state, Route::Namespaces { memory_id }.into()),
            Memory::Scan => push(state, Route::Scan { memory_id }.into()),
            Memory::Retrieve => {
                let path = records::selected_path(state, self).unwrap_or_else(|| "/".into());
                retrieve::open(state, &memory_id, &path)
            }
            Memory::Ask => retrieve::ask(state),
            Memory::Reveal => {
                let mem = &mut state.memory;
                mem.revealed = !mem.revealed;
                if let Some(c) = mem.conversation.as_mut() {
                    c.relayout(mem.revealed);
                }
                refresh_all(state);
                Vec::new()
            }
            Memory::Follow => {
                if let Some(c) = state.memory.conversation.as_mut() {
                    c.follow = !c.follow;
                }
                refresh_all(state);
                Vec::new()
            }
            Memory::Origin => records::open_origin(state, self),
        };
        Some(effects)
    }

    fn open(&self, state: &mut AppState, index: usize) -> Vec<Effect> {
        let mem = &state.memory;
        let route = match self {
            Route::Memories => {
                mem.memories
                    .loaded()
                    .and_then(|l| l.get(index))
                    .map(|m| Route::Memory {
                        memory_id: m.id.clone(),
                    })
            }
            Route::Actors { memory_id } => mem
                .actors
                .get(memory_id)
                .and_then(|a| a.loaded()?.get(index))
                .map(|a| Route::Sessions {
                    memory_id: memory_id.clone(),
                    actor_id: a.clone(),
                }),
            Route::Sessions {
                memory_id,
                actor_id,
            } => mem
                .sessions
                .get(&session_key(memory_id, actor_id))
                .and_then(|s| s.loaded()?.get(index))
                .map(|s| Route::Conversation {
                    memory_id: memory_id.clone(),
                    actor_id: actor_id.clone(),
                    session_id: s.session_id.clone(),
                }),
            Route::Namespaces { memory_id } => mem
                .record_set(memory_id)
                .and_then(|set| set.tree.get(index))
                .map(|n| Route::Records {
                    memory_id: memory_id.clone(),
                    path: n.path.clone(),
                }),
            Route::Records { memory_id, .. } => mem
                .record_set(memory_id)
                .and_then(|set| set.records.get(index))
                .map(|r| Route::Record {
                    memory_id: memory_id.clone(),
                    record_id: r.id.clone(),
                }),
            _ => None,
        };
        match route {
            Some(route) => push(state, route.into()),
            None => Vec::new(),
        }
    }

    fn copy(&self, state: &AppState, selected: Option<usize>) -> Clip {
        let mem = &state.memory;
        match self {
            Route::Memories => Clip::json(selected.and_then(|i| mem.memories.loaded()?.get(i))),
            Route::Records { memory_id, .. } => {
                Clip::json(selected.and_then(|i| mem.record_set(memory_id)?.records.get(i)))
            }
            Route::Scan { memory_id } => {
                Clip::json(mem.scans.get(memory_id).and_then(|s| s.loaded()))
            }
            _ => match lines_of(state, self) {
                Some(lines) => Clip::Text(
                    lines
                        .iter()
                        .map(|l| l.text.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                None => Clip::NOTHING_SELECTED,
            },
        }
    }

    fn render(&self, state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
        match self {
            Route::Memories => views::memories::render(state, cursor, frame, area),
            Route::Actors { memory_id } => {
                views::memories::render_actors(state, memory_id, cursor, frame, area)
            }
            Route::Sessions {
                memory_id,
                actor_id,
            } => views::memories::render_sessions(state, memory_id, actor_id, cursor, frame, area),
            Route::Namespaces { memory_id } => {
                views::records::render_namespaces(state, memory_id, cursor, frame, area)
            }
            Route::Records { memory_id, path } => {
                views::records::render(state, memory_id, path, cursor, frame, area)
            }
            Route::Retrieve { .. } => views::retrieve::render(state, cursor, frame, area),
            Route::Memory { .. }
            | Route::Conversation { .. }
            | Route::Record { .. }
            | Route::Scan { .. } => views::text::render(state, self, cursor, frame, area),
        }
    }
}

/// The actor selected on the actors screen.
fn selected_actor(state: &AppState) -> Option<String> {
    let Route::Actors { memory_id } = state_route(state)? else {
        return None;
    };
    let i = state.screen().cursor.selected_item()?;
    state
        .memory
        .actors
        .get(memory_id)?
        .loaded()?
        .get(i)
        .cloned()
}

/// The memory route shown, if the shown screen is one.
pub(crate) fn state_route(state: &AppState) -> Option<&Route> {
    match &state.screen().route {
        crate::shell::route::Route::Memory(r) => Some(r),
        _ => None,
    }
}
