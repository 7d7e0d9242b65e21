//! The retrieve console: type a query, enter ranks the records under the
//! namespace path with their scores, so "why doesn't my agent remember X?"
//! gets its answer on one screen. ↑/↓ move over the results.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::features::memory::job::Job;
use crate::features::memory::route::Route;
use crate::features::memory::state::RetrieveConsole;
use crate::shell::effect::Effect;
use crate::shell::loadable::Loadable;
use crate::shell::message::info;
use crate::shell::navigation::{move_by, push};
use crate::shell::state::AppState;

/// The longest query the console takes (characters).
const MAX_QUERY: usize = 1000;

/// Opens the console on `memory_id`, searching under `namespace_path`.
pub(crate) fn open(state: &mut AppState, memory_id: &str, namespace_path: &str) -> Vec<Effect> {
    let keep = state
        .memory
        .retrieve
        .take()
        .filter(|r| r.memory_id == memory_id && r.namespace_path == namespace_path);
    state.memory.retrieve = Some(keep.unwrap_or_else(|| RetrieveConsole {
        memory_id: memory_id.to_owned(),
        namespace_path: namespace_path.to_owned(),
        ..RetrieveConsole::default()
    }));
    push(
        state,
        Route::Retrieve {
            memory_id: memory_id.to_owned(),
        }
        .into(),
    )
}

/// Runs the typed query.
pub(crate) fn ask(state: &mut AppState) -> Vec<Effect> {
    let tick = state.tick;
    let Some(console) = state.memory.retrieve.as_mut() else {
        return Vec::new();
    };
    let query = console.query.trim().to_owned();
    if query.is_empty() {
        info(
            state,
            "type what the agent should remember, then enter".into(),
        );
        return Vec::new();
    }
    console.results = Loadable::loading(tick);
    console.asked = query.clone();
    vec![
        Job::Retrieve {
            memory_id: console.memory_id.clone(),
            namespace_path: console.namespace_path.clone(),
            query,
        }
        .into(),
    ]
}

/// A key typed into the console.
pub(crate) fn on_typed(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(console) = state.memory.retrieve.as_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Enter => return ask(state),
        KeyCode::Up => move_by(state, -1),
        KeyCode::Down => move_by(state, 1),
        KeyCode::Backspace => {
            console.query.pop();
        }
        KeyCode::Char(c)
            if !key.modifiers.contains(KeyModifiers::CONTROL)
                && console.query.chars().count() < MAX_QUERY =>
        {
            console.query.push(c);
        }
        _ => {}
    }
    Vec::new()
}
