//! The runtime screens as the shell sees them: titles, keys, loads, rows,
//! commands and drawing, per screen.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::features::runtime::keys::{self, Command as Runtime};
use crate::features::runtime::route::Route;
use crate::features::runtime::sessions::{self, session_order};
use crate::features::runtime::{invoke, views};
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::keymap::{Binding, Command};
use crate::shell::navigation::{push, refresh_top};
use crate::shell::screens::{Clip, Screens};
use crate::shell::state::{AppState, ListCursor};

impl Screens for Route {
    fn title(&self) -> &'static str {
        match self {
            Route::Runtimes => "runtimes",
            Route::Invoke { .. } => "invoke",
            Route::Sessions => "sessions",
            Route::SessionDetail { .. } => "session",
        }
    }

    fn crumb(&self, _state: &AppState, _parent_gateway: Option<&str>) -> String {
        match self {
            Route::Runtimes => "runtimes".into(),
            Route::Invoke { runtime_id } => format!("invoke {runtime_id}"),
            Route::Sessions => "sessions".into(),
            Route::SessionDetail { session_id } => format!("session {session_id}"),
        }
    }

    fn bindings(&self) -> &'static [Binding] {
        match self {
            Route::Runtimes => keys::RUNTIMES,
            Route::Invoke { .. } => keys::INVOKE,
            Route::Sessions => keys::SESSIONS,
            Route::SessionDetail { .. } => keys::SESSION_DETAIL,
        }
    }

    fn typing(&self) -> bool {
        matches!(self, Route::Invoke { .. })
    }

    fn on_typed(&self, state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
        invoke::on_typing_key(state, key)
    }

    fn load(&self, state: &mut AppState) -> Vec<Effect> {
        let mut effects = Vec::new();
        match self {
            Route::Runtimes => {
                effects.extend(sessions::load_runtimes(state));
                effects.extend(sessions::load_sessions(state));
            }
            Route::Sessions | Route::SessionDetail { .. } => {
                if state.runtime.runtimes.loaded().is_none() {
                    effects.extend(sessions::load_runtimes(state));
                }
                effects.extend(sessions::load_sessions(state));
            }
            Route::Invoke { .. } => {}
        }
        effects
    }

    fn reload(&self, state: &mut AppState) -> Vec<Effect> {
        match self {
            Route::Runtimes | Route::Sessions => {
                let mut effects = sessions::refresh_runtimes(state);
                effects.extend(sessions::load_sessions(state));
                effects
            }
            Route::Invoke { .. } | Route::SessionDetail { .. } => Vec::new(),
        }
    }

    fn poll_every(&self, state: &AppState) -> Option<u64> {
        sessions::poll_every(state, self)
    }

    fn poll(&self, state: &mut AppState) -> Vec<Effect> {
        sessions::poll(state, self)
    }

    fn visible_rows(&self, state: &AppState, filter: &FilterQuery) -> Vec<usize> {
        let rt = &state.runtime;
        match self {
            Route::Runtimes => match rt.runtimes.loaded() {
                Some(list) => filter.apply_to(
                    list.iter()
                        .map(|r| format!("{} {} {} {}", r.name, r.id, r.status, r.artifact)),
                ),
                None => Vec::new(),
            },
            Route::Sessions => match rt.sessions.loaded() {
                Some(list) => {
                    let order = session_order(list, rt.session_sort);
                    filter.apply_in_order(&order, |i| {
                        let s = &list[i];
                        format!(
                            "{} {} {} {}",
                            s.runtime_session_id, s.agent_runtime_id, s.state, s.execution
                        )
                    })
                }
                None => Vec::new(),
            },
            Route::SessionDetail { session_id } => {
                (0..sessions::session_detail_lines(state, session_id).len()).collect()
            }
            Route::Invoke { .. } => Vec::new(),
        }
    }

    fn on_command(&self, state: &mut AppState, command: Command) -> Option<Vec<Effect>> {
        match (self, command) {
            (Route::Invoke { .. }, command) => invoke::on_command(state, command),
            (Route::Sessions, Command::Runtime(Runtime::Sort)) => {
                state.runtime.session_sort = state.runtime.session_sort.next();
                refresh_top(state);
                Some(Vec::new())
            }
            (Route::Runtimes, Command::Delete) => Some(sessions::ask_delete_runtime(state)),
            (Route::Sessions | Route::SessionDetail { .. }, command) => {
                sessions::on_session_command(state, self, command)
            }
            _ => None,
        }
    }

    fn open(&self, state: &mut AppState, index: usize) -> Vec<Effect> {
        match self {
            Route::Runtimes => match invoke::open_invoke(state, index) {
                Some(route) => push(state, route.into()),
                None => Vec::new(),
            },
            Route::Sessions => {
                let Some(session) = sessions::session_at(state, index).cloned() else {
                    return Vec::new();
                };
                let route = Route::SessionDetail {
                    session_id: session.runtime_session_id.clone(),
                };
                let mut effects = push(state, route.into());
                effects.push(sessions::load_logs(&session));
                state.runtime.logs_in_flight = true;
                effects
            }
            Route::Invoke { .. } | Route::SessionDetail { .. } => Vec::new(),
        }
    }

    fn copy(&self, state: &AppState, selected: Option<usize>) -> Clip {
        let rt = &state.runtime;
        match self {
            Route::Runtimes => Clip::json(selected.and_then(|i| rt.runtimes.loaded()?.get(i))),
            Route::Sessions => Clip::json(selected.and_then(|i| sessions::session_at(state, i))),
            Route::Invoke { .. } => match rt.invoke.as_ref().and_then(|c| c.run.as_ref()) {
                Some(run) => {
                    let bytes: Vec<u8> = run.raw.iter().copied().collect();
                    Clip::Text(String::from_utf8_lossy(&bytes).into_owned())
                }
                None => Clip::NOTHING_SELECTED,
            },
            Route::SessionDetail { .. } => Clip::NOTHING_SELECTED,
        }
    }

    fn render(&self, state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
        match self {
            Route::Runtimes => views::runtimes::render(state, cursor, frame, area),
            Route::Invoke { .. } => views::invoke::render(state, frame, area),
            Route::Sessions => views::sessions::render(state, cursor, frame, area),
            Route::SessionDetail { session_id } => {
                views::sessions::render_detail(state, session_id, cursor, frame, area)
            }
        }
    }
}
