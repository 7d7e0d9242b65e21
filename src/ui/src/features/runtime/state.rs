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
    /// When the sessions shown are refreshed next (while shown).
    pub sessions_refresh_at: Option<u64>,
    /// A session listing is on its way: a refresh due meanwhile waits for
    /// it instead of stacking another (live listings can take seconds).
    pub sessions_in_flight: bool,
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
    /// spinner), or a sessions refresh is due.
    pub fn needs_ticks(&self) -> bool {
        self.runtimes.is_loading()
            || self.invoke.as_ref().is_some_and(|c| {
                c.run
                    .as_ref()
                    .is_some_and(|r| matches!(r.state, RunState::Starting | RunState::Streaming))
            })
            || self.sessions_refresh_at.is_some()
    }
}
