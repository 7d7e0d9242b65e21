//! What results do to the runtime screens.

use crate::features::runtime::job::Job;
use crate::features::runtime::msg::Msg;
use crate::features::runtime::route::{Jump, Route};
use crate::features::runtime::{invoke, sessions};
use crate::shell::effect::Effect;
use crate::shell::loadable::Loadable;
use crate::shell::message::{error, error_from, info, succeeded};
use crate::shell::navigation::{self, refresh_all};
use crate::shell::state::AppState;

/// What failed, for messages a later success clears: the runtimes listing.
const RUNTIMES: &str = "runtimes";
/// The sessions listing.
const SESSIONS: &str = "sessions";

/// A result for the runtime screens.
pub(crate) fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let rt = &mut state.runtime;
    match msg {
        Msg::RuntimesLoaded(result) => {
            rt.runtimes_in_flight = false;
            match result {
                Ok(runtimes) => {
                    rt.runtimes = Loadable::Loaded(runtimes);
                    succeeded(state, RUNTIMES);
                }
                // A failed poll keeps what is shown, and says why.
                Err(e) if rt.runtimes.loaded().is_some() => error_from(state, RUNTIMES, e),
                Err(e) => {
                    rt.runtimes = Loadable::Failed(e.clone());
                    error_from(state, RUNTIMES, e);
                }
            }
            refresh_all(state);
        }
        Msg::SessionsLoaded(result) => {
            rt.sessions_in_flight = false;
            match result {
                Ok(sessions) => {
                    rt.sessions = Loadable::Loaded(sessions);
                    sessions::mark_streaming(state);
                    succeeded(state, SESSIONS);
                }
                // A failed refresh keeps what is shown, and says why.
                Err(e) if rt.sessions.loaded().is_some() => error_from(state, SESSIONS, e),
                Err(e) => {
                    rt.sessions = Loadable::Failed(e.clone());
                    error_from(state, SESSIONS, e);
                }
            }
            refresh_all(state);
        }
        Msg::SessionLogsLoaded {
            session_id,
            result,
            spans,
        } => {
            rt.logs_in_flight = false;
            let loaded = match result {
                Ok(lines) => Loadable::Loaded(lines),
                Err(e) => Loadable::Failed(e),
            };
            let spans = match spans {
                Ok(spans) => Loadable::Loaded(spans),
                Err(e) => Loadable::Failed(e),
            };
            rt.session_spans.insert(session_id.clone(), spans);
            rt.session_logs.insert(session_id, loaded);
            refresh_all(state);
        }
        Msg::RuntimeDeleted { runtime_id, result } => match result {
            Ok(()) => {
                info(state, format!("deleting runtime {runtime_id}"));
                return sessions::refresh_runtimes(state);
            }
            Err(e) => error(state, format!("delete {runtime_id}: {e}")),
        },
        Msg::SessionStopped { session_id, result } => match result {
            Ok(()) => {
                info(state, format!("stopped session {session_id}"));
                return vec![Job::LoadSessions.into()];
            }
            Err(e) => error(state, format!("stop {session_id}: {e}")),
        },
        Msg::InvokeStarted {
            run_id,
            session_id,
            content_type,
        } => {
            invoke::on_started(state, run_id, session_id, content_type);
            sessions::mark_streaming(state);
            refresh_all(state);
        }
        Msg::InvokeChunk {
            run_id,
            at_ms,
            bytes,
        } => invoke::on_chunk(state, run_id, at_ms, &bytes),
        Msg::InvokeFinished {
            run_id,
            at_ms,
            result,
        } => {
            if let Err(e) = &result {
                error(state, format!("invoke: {e}"));
            }
            invoke::on_finished(state, run_id, at_ms, result);
        }
    }
    Vec::new()
}

/// A runtime `:` command; its argument (a runtime name, a session id)
/// narrows the list as `/` would.
pub(crate) fn jump(state: &mut AppState, jump: Jump, argument: Option<String>) -> Vec<Effect> {
    let route = match jump {
        Jump::Runtimes => Route::Runtimes,
        Jump::Sessions => Route::Sessions,
    };
    navigation::jump_filtered(state, route.into(), argument)
}

/// The names a runtime `:` command's argument can take, from what is
/// loaded: runtime names for `:rt`, session ids and runtime names for
/// `:sessions`.
pub(crate) fn argument_names(state: &AppState, jump: Jump) -> Vec<String> {
    let runtimes = state
        .runtime
        .runtimes
        .loaded()
        .map(|list| list.iter().map(|r| r.name.clone()).collect::<Vec<_>>())
        .unwrap_or_default();
    match jump {
        Jump::Runtimes => runtimes,
        Jump::Sessions => state
            .runtime
            .sessions
            .loaded()
            .into_iter()
            .flatten()
            .map(|s| s.runtime_session_id.clone())
            .chain(runtimes)
            .collect(),
    }
}
