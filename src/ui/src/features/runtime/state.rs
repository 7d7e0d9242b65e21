//! What the console knows of agent runtimes: the runtimes, their sessions,
//! the logs and spans of the sessions opened, and the invoke console.

use std::collections::HashMap;

use acc_backend::RuntimeLogLine;
use acc_domain::{AgentRuntime, RuntimeSession, SessionSpan};

use crate::features::runtime::invocation::RunState;
use crate::features::runtime::invoke::InvokeConsole;
use crate::features::runtime::sessions::SessionSort;
use crate::shell::loadable::Loadable;

/// The runtime screens' state.
#[derive(Debug, Clone, Default)]
pub struct RuntimeState {
    /// Every agent runtime of the context.
    pub runtimes: Loadable<Vec<AgentRuntime>>,
    /// Every runtime session, live.
    pub sessions: Loadable<Vec<RuntimeSession>>,
    /// How the sessions list is ordered.
    pub session_sort: SessionSort,
    /// A runtime listing is on its way: a poll due meanwhile waits for it.
    pub runtimes_in_flight: bool,
    /// A session listing is on its way: a poll due meanwhile waits for
    /// it instead of stacking another (live listings can take seconds).
    pub sessions_in_flight: bool,
    /// A session's log tail and spans are on their way.
    pub logs_in_flight: bool,
    /// Log tails of the sessions opened.
    pub session_logs: HashMap<String, Loadable<Vec<RuntimeLogLine>>>,
    /// The spans each opened session's agent exported.
    pub session_spans: HashMap<String, Loadable<Vec<SessionSpan>>>,
    /// The open invoke console.
    pub invoke: Option<InvokeConsole>,
}

impl RuntimeState {
    /// Forgets everything but the sessions' order, a preference (the
    /// context switched).
    pub fn reset(&mut self) {
        *self = RuntimeState {
            session_sort: self.session_sort,
            ..RuntimeState::default()
        };
    }

    /// Whether the loop must keep ticking: something loads or streams (the
    /// spinner).
    pub fn needs_ticks(&self) -> bool {
        self.runtimes.is_loading() || self.streaming_session().is_some()
    }

    /// The session the invoke console is streaming an answer from, once
    /// known; `Some("")` while the invocation starts.
    pub fn streaming_session(&self) -> Option<&str> {
        let run = self.invoke.as_ref()?.run.as_ref()?;
        matches!(run.state, RunState::Starting | RunState::Streaming)
            .then(|| run.session_id.as_deref().unwrap_or_default())
    }
}
