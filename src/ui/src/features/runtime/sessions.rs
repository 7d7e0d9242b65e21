//! The runtimes and sessions lists: loading them (and polling them while
//! shown), their order, one session's lifecycle, spans and log, and
//! stopping a session.

use acc_domain::agent_runtime::clock;
use acc_domain::{AgentRuntime, RuntimeSession};

use crate::features::runtime::invoke::InvokeConsole;
use crate::features::runtime::job::Job;
use crate::features::runtime::keys::Command as Runtime;
use crate::features::runtime::route::Route;
use crate::shell::effect::Effect;
use crate::shell::keymap::Command;
use crate::shell::loadable::Loadable;
use crate::shell::message::{error, info};
use crate::shell::navigation::{clamp_cursor, push};
use crate::shell::state::{AppState, Confirm, Overlay};

/// Ticks (100 ms) between polls of the sessions while they are shown.
pub const SESSIONS_REFRESH_TICKS: u64 = 20;
/// Ticks between polls of the runtimes while they are shown.
pub const RUNTIMES_POLL_TICKS: u64 = 30;
/// Ticks between polls while a runtime or a session is between states, or
/// the invoke console streams.
pub const TRANSITIONAL_POLL_TICKS: u64 = 10;

/// The heading of the log tail in a session's lines.
const LOG_HEADING: &str = "# log";

/// How the sessions list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionSort {
    /// Newest first.
    #[default]
    Age,
    /// Most idle first.
    Idle,
    /// By state.
    State,
    /// By runtime.
    Runtime,
}

impl SessionSort {
    /// How the order is named on screen.
    pub fn label(self) -> &'static str {
        match self {
            SessionSort::Age => "newest",
            SessionSort::Idle => "most idle",
            SessionSort::State => "state",
            SessionSort::Runtime => "runtime",
        }
    }

    /// The order after this one.
    pub fn next(self) -> SessionSort {
        match self {
            SessionSort::Age => SessionSort::Idle,
            SessionSort::Idle => SessionSort::State,
            SessionSort::State => SessionSort::Runtime,
            SessionSort::Runtime => SessionSort::Age,
        }
    }
}

/// Session indices in display order.
pub fn session_order(sessions: &[RuntimeSession], sort: SessionSort) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sessions.len()).collect();
    match sort {
        SessionSort::Age => order.sort_by_key(|&i| sessions[i].age_seconds),
        SessionSort::Idle => order.sort_by_key(|&i| std::cmp::Reverse(sessions[i].idle_seconds)),
        SessionSort::State => order.sort_by(|&a, &b| sessions[a].state.cmp(&sessions[b].state)),
        SessionSort::Runtime => order.sort_by(|&a, &b| {
            sessions[a]
                .agent_runtime_id
                .cmp(&sessions[b].agent_runtime_id)
        }),
    }
    order
}

/// A loaded runtime.
fn runtime<'a>(state: &'a AppState, id: &str) -> Option<&'a AgentRuntime> {
    state.runtime.runtimes.loaded()?.iter().find(|r| r.id == id)
}

/// Loads for the runtimes and sessions screens.
pub(crate) fn load_runtimes(state: &mut AppState) -> Vec<Effect> {
    if state.runtime.runtimes.loaded().is_none() && !state.runtime.runtimes.is_loading() {
        state.runtime.runtimes = Loadable::loading(state.tick);
    }
    refresh_runtimes(state)
}

/// The sessions, unless a listing is on its way.
pub(crate) fn load_sessions(state: &mut AppState) -> Vec<Effect> {
    if state.runtime.sessions_in_flight {
        return Vec::new();
    }
    state.runtime.sessions_in_flight = true;
    if state.runtime.sessions.loaded().is_none() && !state.runtime.sessions.is_loading() {
        state.runtime.sessions = Loadable::loading(state.tick);
    }
    vec![Job::LoadSessions.into()]
}

/// The session shown at `index` of the sessions screen.
pub(crate) fn session_at(state: &AppState, index: usize) -> Option<&RuntimeSession> {
    state.runtime.sessions.loaded()?.get(index)
}

/// The session a sessions screen is about: the selected one, or the one
/// shown.
fn session_of(state: &AppState, route: &Route) -> Option<RuntimeSession> {
    match route {
        Route::Sessions => {
            let index = state.screen().cursor.selected_item()?;
            session_at(state, index).cloned()
        }
        Route::SessionDetail { session_id } => session_by_id(state, session_id).cloned(),
        _ => None,
    }
}

/// ctrl-d, `l` or `i` on a session (listed or shown); `None` leaves other
/// commands to the shell.
pub(crate) fn on_session_command(
    state: &mut AppState,
    route: &Route,
    command: Command,
) -> Option<Vec<Effect>> {
    if !matches!(
        command,
        Command::Delete | Command::Runtime(Runtime::Logs | Runtime::Continue)
    ) {
        return None;
    }
    let Some(session) = session_of(state, route) else {
        return Some(Vec::new());
    };
    Some(match command {
        Command::Delete => ask_stop(state, session),
        Command::Runtime(Runtime::Logs) => to_logs(state, route, &session),
        _ => continue_session(state, &session),
    })
}

/// The runtime a session belongs to; when not listed (yet), an IAM runtime
/// known only by the session's ARN.
fn runtime_of(state: &AppState, session: &RuntimeSession) -> AgentRuntime {
    runtime(state, &session.agent_runtime_id)
        .cloned()
        .unwrap_or_else(|| AgentRuntime {
            id: session.agent_runtime_id.clone(),
            arn: session.agent_runtime_arn.clone(),
            name: session.agent_runtime_id.clone(),
            ..AgentRuntime::default()
        })
}

/// ctrl-d on a runtime: delete it, its versions and endpoints (asks
/// first; refused read-only).
pub(crate) fn ask_delete_runtime(state: &mut AppState) -> Vec<Effect> {
    if state.readonly {
        error(
            state,
            "read-only mode: deleting a runtime is refused".into(),
        );
        return Vec::new();
    }
    let Some(runtime) = state
        .screen()
        .cursor
        .selected_item()
        .and_then(|i| state.runtime.runtimes.loaded()?.get(i))
    else {
        return Vec::new();
    };
    state.overlay = Some(Overlay::Confirm(Confirm {
        title: "Delete runtime".into(),
        question: format!(
            "Delete runtime {} ({})? Its versions and endpoints go with it.",
            runtime.name, runtime.id
        ),
        on_yes: Job::DeleteRuntime {
            runtime_id: runtime.id.clone(),
        }
        .into(),
    }));
    Vec::new()
}

/// Stop a session (asks first; refused read-only).
fn ask_stop(state: &mut AppState, session: RuntimeSession) -> Vec<Effect> {
    if state.readonly {
        error(
            state,
            "read-only mode: stopping a session is refused".into(),
        );
        return Vec::new();
    }
    if session.state == "STOPPED" {
        info(
            state,
            format!("session {} has already stopped", session.runtime_session_id),
        );
        return Vec::new();
    }
    let target = runtime_of(state, &session);
    state.overlay = Some(Overlay::Confirm(Confirm {
        title: "Stop session".into(),
        question: format!(
            "Stop session {} of {}? Its processes end and its files are destroyed.",
            session.runtime_session_id, session.agent_runtime_id
        ),
        on_yes: Job::StopSession {
            runtime: Box::new(target),
            session_id: session.runtime_session_id,
        }
        .into(),
    }));
    Vec::new()
}

/// `l`: the session's log tail, read again, its heading at the top (the
/// session's screen is opened from the list).
fn to_logs(state: &mut AppState, route: &Route, session: &RuntimeSession) -> Vec<Effect> {
    let session_id = session.runtime_session_id.clone();
    let mut effects = match route {
        Route::Sessions => push(
            state,
            Route::SessionDetail {
                session_id: session_id.clone(),
            }
            .into(),
        ),
        _ => Vec::new(),
    };
    effects.push(load_logs(session));
    state.runtime.logs_in_flight = true;
    let heading = session_detail_lines(state, &session_id)
        .iter()
        .position(|l| l == LOG_HEADING)
        .unwrap_or_default();
    let top = state.stack.len() - 1;
    let cursor = &mut state.stack[top].cursor;
    cursor.selected = heading;
    cursor.offset = heading;
    clamp_cursor(state, top);
    effects
}

/// `i`: the invoke console of the session's runtime, whose next
/// invocation continues this session.
fn continue_session(state: &mut AppState, session: &RuntimeSession) -> Vec<Effect> {
    let runtime = runtime_of(state, session);
    let runtime_id = runtime.id.clone();
    let mut console = match state.runtime.invoke.take() {
        Some(console) if console.runtime.id == runtime_id => console,
        _ => InvokeConsole::new(runtime),
    };
    console.continue_in(session.runtime_session_id.clone());
    state.runtime.invoke = Some(console);
    let effects = push(state, Route::Invoke { runtime_id }.into());
    info(
        state,
        format!(
            "the next invocation continues session {}",
            session.runtime_session_id
        ),
    );
    effects
}

/// A session's log tail and spans.
pub(crate) fn load_logs(session: &RuntimeSession) -> Effect {
    Job::LoadSessionLogs {
        runtime_id: session.agent_runtime_id.clone(),
        endpoint: session.endpoint.clone(),
        session_id: session.runtime_session_id.clone(),
    }
    .into()
}

/// Whether what `route` shows is between states (a runtime CREATING or
/// UPDATING, a session STARTING or streaming): it then polls faster.
fn transitional(state: &AppState, route: &Route) -> bool {
    let rt = &state.runtime;
    let settled = |status: &str| status == "READY" || status.ends_with("FAILED");
    let runtimes_moving = matches!(route, Route::Runtimes)
        && rt
            .runtimes
            .loaded()
            .is_some_and(|list| list.iter().any(|r| !settled(&r.status)));
    runtimes_moving
        || rt
            .sessions
            .loaded()
            .is_some_and(|list| list.iter().any(|s| s.state == "STARTING"))
        || rt.streaming_session().is_some()
}

/// Ticks between polls of a runtime screen while it is shown.
pub(crate) fn poll_every(state: &AppState, route: &Route) -> Option<u64> {
    let rt = &state.runtime;
    // A listing that failed is not asked again by itself (ctrl-r does):
    // its error would come back every few seconds.
    let every = match route {
        Route::Runtimes if !rt.runtimes.needs_load() => RUNTIMES_POLL_TICKS,
        Route::Sessions | Route::SessionDetail { .. } if !rt.sessions.needs_load() => {
            SESSIONS_REFRESH_TICKS
        }
        _ => return None,
    };
    Some(if transitional(state, route) {
        TRANSITIONAL_POLL_TICKS
    } else {
        every
    })
}

/// A due poll of a runtime screen: what it shows, unless still under way.
pub(crate) fn poll(state: &mut AppState, route: &Route) -> Vec<Effect> {
    let mut effects = Vec::new();
    match route {
        Route::Runtimes => {
            effects.extend(refresh_runtimes(state));
            effects.extend(load_sessions(state));
        }
        Route::Sessions => effects.extend(load_sessions(state)),
        Route::SessionDetail { session_id } => {
            effects.extend(load_sessions(state));
            if !state.runtime.logs_in_flight
                && let Some(session) = session_by_id(state, session_id)
            {
                effects.push(load_logs(session));
                state.runtime.logs_in_flight = true;
            }
        }
        Route::Invoke { .. } => {}
    }
    effects
}

/// The runtimes again, keeping what is shown, unless a listing is on its way.
pub(crate) fn refresh_runtimes(state: &mut AppState) -> Vec<Effect> {
    if state.runtime.runtimes_in_flight {
        return Vec::new();
    }
    state.runtime.runtimes_in_flight = true;
    vec![Job::LoadRuntimes.into()]
}

/// The session the invoke console streams from is busy, not idle, whatever
/// the listing (taken before, or derived from logs on live AWS) says.
pub(crate) fn mark_streaming(state: &mut AppState) {
    let Some(streaming) = state.runtime.streaming_session().map(str::to_owned) else {
        return;
    };
    if let Loadable::Loaded(list) = &mut state.runtime.sessions
        && let Some(session) = list
            .iter_mut()
            .find(|s| s.runtime_session_id == streaming && s.state != "STOPPED")
    {
        session.state = "BUSY".into();
        session.idle_seconds = 0;
    }
}

/// A listed session.
fn session_by_id<'a>(state: &'a AppState, session_id: &str) -> Option<&'a RuntimeSession> {
    state
        .runtime
        .sessions
        .loaded()?
        .iter()
        .find(|s| s.runtime_session_id == session_id)
}

/// The session-detail lines: lifecycle events and invocations, the spans,
/// then the log tail.
pub(crate) fn session_detail_lines(state: &AppState, session_id: &str) -> Vec<String> {
    let Some(session) = state
        .runtime
        .sessions
        .loaded()
        .and_then(|s| s.iter().find(|s| s.runtime_session_id == session_id))
    else {
        return vec!["this session is no longer listed (esc)".into()];
    };
    let mut lines = session.detail_lines();
    lines.push(String::new());
    lines.push("# spans".into());
    match state.runtime.session_spans.get(session_id) {
        Some(Loadable::Loaded(spans)) if spans.is_empty() => {
            lines.push("(none: the agent exported no OTLP spans for this session)".into())
        }
        Some(Loadable::Loaded(spans)) => lines.extend(acc_domain::agent_runtime::span_lines(spans)),
        Some(Loadable::Failed(e)) => lines.push(format!("could not read the spans: {e}")),
        _ => lines.push("loading…".into()),
    }
    lines.push(String::new());
    lines.push(LOG_HEADING.into());
    match state.runtime.session_logs.get(session_id) {
        Some(Loadable::Loaded(log)) if log.is_empty() => lines.push("(nothing logged yet)".into()),
        Some(Loadable::Loaded(log)) => lines.extend(
            log.iter()
                .map(|l| format!("{}  {}", clock(l.timestamp_ms), l.message)),
        ),
        Some(Loadable::Failed(e)) => lines.push(format!("could not read the log: {e}")),
        _ => lines.push("loading…".into()),
    }
    lines
}
