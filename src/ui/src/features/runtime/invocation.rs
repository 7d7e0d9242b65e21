//! Agent runtimes in the console: the runtimes list, the sessions view
//! (live, sortable, stoppable) and the invoke console, whose stream is
//! parsed as it arrives. Memory stays bounded however long a stream runs:
//! the raw bytes, the frame lines and the text keep only their tails.

use std::collections::VecDeque;

use acc_domain::agent_runtime::clock;
use acc_domain::sse::{FrameMeaning, SseParser, meaning};
use acc_domain::{AgentRuntime, RuntimeSession};
use ratatui::crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use crate::shell::effect::Effect;
use crate::shell::route::Route;
use crate::shell::state::{AppState, Confirm, Loadable, Overlay};
use crate::shell::update::{report_error, report_info};

/// Raw bytes kept of a stream (its tail).
pub const RAW_KEPT: usize = 256 * 1024;
/// Parsed frame lines kept.
pub const FRAMES_KEPT: usize = 2_000;
/// Characters of concatenated text kept.
pub const TEXT_KEPT: usize = 256 * 1024;
/// Ticks (100 ms) between session list refreshes while it is shown.
pub const SESSIONS_REFRESH_TICKS: u64 = 10;

/// How the sessions list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionSort {
    /// Newest first.
    #[default]
    Age,
    Idle,
    State,
    Runtime,
}

impl SessionSort {
    pub fn label(self) -> &'static str {
        match self {
            SessionSort::Age => "newest",
            SessionSort::Idle => "most idle",
            SessionSort::State => "state",
            SessionSort::Runtime => "runtime",
        }
    }

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

/// Which half of the stream panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StreamView {
    /// JSON frames pretty-printed, text deltas concatenated.
    #[default]
    Parsed,
    /// The exact bytes.
    Raw,
}

/// A parsed line of the stream panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameLine {
    Json(String),
    Error(String),
    Raw(String),
}

/// Where an invocation stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    Starting,
    Streaming,
    Done,
    Failed(String),
}

/// One invocation's stream, as it arrives.
#[derive(Debug, Clone)]
pub struct InvocationRun {
    pub id: u64,
    pub session_id: Option<String>,
    pub content_type: String,
    pub state: RunState,
    pub first_byte_ms: Option<f64>,
    pub elapsed_ms: f64,
    pub events: u64,
    pub bytes: u64,
    /// Text deltas, concatenated (tail).
    pub text: String,
    pub frames: VecDeque<FrameLine>,
    pub raw: VecDeque<u8>,
    parser: SseParser,
}

impl InvocationRun {
    pub(crate) fn new(id: u64) -> Self {
        InvocationRun {
            id,
            session_id: None,
            content_type: String::new(),
            state: RunState::Starting,
            first_byte_ms: None,
            elapsed_ms: 0.0,
            events: 0,
            bytes: 0,
            text: String::new(),
            frames: VecDeque::new(),
            raw: VecDeque::new(),
            parser: SseParser::new(),
        }
    }

    /// Events per second so far.
    pub fn rate(&self) -> f64 {
        self.events as f64 / (self.elapsed_ms / 1e3).max(1e-3)
    }

    fn push_frame(&mut self, line: FrameLine) {
        if self.frames.len() == FRAMES_KEPT {
            self.frames.pop_front();
        }
        self.frames.push_back(line);
    }

    fn push_text(&mut self, text: &str) {
        self.text.push_str(text);
        if self.text.len() > TEXT_KEPT {
            let cut = self.text.ceil_char_boundary(self.text.len() - TEXT_KEPT);
            self.text.drain(..cut);
        }
    }

    /// Bytes arrived `at_ms` after the request started.
    pub fn on_chunk(&mut self, at_ms: f64, bytes: &[u8]) {
        self.state = RunState::Streaming;
        self.first_byte_ms.get_or_insert(at_ms);
        self.elapsed_ms = at_ms;
        self.bytes += bytes.len() as u64;
        self.raw.extend(bytes);
        if self.raw.len() > RAW_KEPT {
            let excess = self.raw.len() - RAW_KEPT;
            self.raw.drain(..excess);
        }
        if !self.content_type.starts_with("text/event-stream") {
            self.push_text(&String::from_utf8_lossy(bytes));
            return;
        }
        for event in self.parser.feed(bytes) {
            self.on_event(&event);
        }
    }

    fn on_event(&mut self, event: &acc_domain::sse::SseEvent) {
        self.events += 1;
        match meaning(event) {
            FrameMeaning::Text(text) => self.push_text(&text),
            FrameMeaning::Error(e) => self.push_frame(FrameLine::Error(e)),
            FrameMeaning::Json(value) => {
                let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
                self.push_frame(FrameLine::Json(pretty));
            }
            FrameMeaning::Raw(text) => self.push_frame(FrameLine::Raw(text)),
        }
    }

    pub fn on_finished(&mut self, at_ms: f64, result: Result<(), String>) {
        if let Some(event) = self.parser.finish() {
            self.on_event(&event);
        }
        self.elapsed_ms = at_ms;
        self.state = match result {
            Ok(()) => RunState::Done,
            Err(e) => RunState::Failed(e),
        };
    }

    /// Mid-stream error frames.
    pub fn errors(&self) -> impl Iterator<Item = &String> {
        self.frames.iter().filter_map(|f| match f {
            FrameLine::Error(e) => Some(e),
            _ => None,
        })
    }
}

/// Which field of the invoke console takes typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvokeFocus {
    #[default]
    Payload,
    User,
}

/// The invoke console of one runtime.
#[derive(Debug, Clone)]
pub struct InvokeConsole {
    pub runtime: AgentRuntime,
    pub payload: TextArea<'static>,
    pub user: String,
    pub focus: InvokeFocus,
    /// The session the next invocation reuses (multi-turn); `None` starts
    /// a new one.
    pub session: Option<String>,
    pub view: StreamView,
    pub run: Option<InvocationRun>,
    /// Why the payload cannot be sent.
    pub problem: Option<String>,
    next_run: u64,
}

impl InvokeConsole {
    pub fn new(runtime: AgentRuntime) -> Self {
        InvokeConsole {
            runtime,
            payload: TextArea::new(vec![r#"{"prompt": "What can you do for me?"}"#.into()]),
            user: String::new(),
            focus: InvokeFocus::Payload,
            session: None,
            view: StreamView::Parsed,
            run: None,
            problem: None,
            next_run: 1,
        }
    }
}

pub(crate) fn runtime<'a>(state: &'a AppState, id: &str) -> Option<&'a AgentRuntime> {
    state.runtimes.loaded()?.iter().find(|r| r.id == id)
}

/// Loads for the runtimes and sessions screens.
pub(crate) fn load_runtimes(state: &mut AppState) -> Vec<Effect> {
    if state.runtimes.is_loading() {
        return Vec::new();
    }
    if state.runtimes.loaded().is_none() {
        state.runtimes = Loadable::Loading {
            since_tick: state.tick,
        };
    }
    vec![Effect::LoadRuntimes]
}

pub(crate) fn load_sessions(state: &mut AppState) -> Vec<Effect> {
    state.sessions_refresh_at = Some(state.tick + SESSIONS_REFRESH_TICKS);
    if state.sessions_in_flight {
        return Vec::new();
    }
    state.sessions_in_flight = true;
    if state.sessions.loaded().is_none() && !state.sessions.is_loading() {
        state.sessions = Loadable::Loading {
            since_tick: state.tick,
        };
    }
    vec![Effect::LoadSessions]
}

/// `enter` on a runtime: its invoke console.
pub(crate) fn open_invoke(state: &mut AppState, index: usize) -> Option<Route> {
    let runtime = state.runtimes.loaded()?.get(index)?.clone();
    let id = runtime.id.clone();
    if state.invoke.as_ref().is_none_or(|c| c.runtime.id != id) {
        state.invoke = Some(InvokeConsole::new(runtime));
    }
    Some(Route::Invoke { runtime_id: id })
}

pub(crate) fn on_typing_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(console) = state.invoke.as_mut() else {
        return Vec::new();
    };
    match console.focus {
        InvokeFocus::Payload => {
            console.payload.input(key);
            console.problem = None;
        }
        InvokeFocus::User => {
            use ratatui::crossterm::event::KeyCode;
            match key.code {
                KeyCode::Char(c) => console.user.push(c),
                KeyCode::Backspace => {
                    console.user.pop();
                }
                _ => {}
            }
        }
    }
    Vec::new()
}

pub(crate) fn toggle_focus(state: &mut AppState) {
    if let Some(console) = state.invoke.as_mut() {
        console.focus = match console.focus {
            InvokeFocus::Payload => InvokeFocus::User,
            InvokeFocus::User => InvokeFocus::Payload,
        };
    }
}

pub(crate) fn toggle_view(state: &mut AppState) {
    if let Some(console) = state.invoke.as_mut() {
        console.view = match console.view {
            StreamView::Parsed => StreamView::Raw,
            StreamView::Raw => StreamView::Parsed,
        };
    }
}

/// ctrl-n: the next invocation starts a new session.
pub(crate) fn new_session(state: &mut AppState) {
    if let Some(console) = state.invoke.as_mut() {
        console.session = None;
    }
    report_info(state, "the next invocation starts a new session".into());
}

/// ctrl-s: send the payload (checked to be JSON first).
pub(crate) fn send(state: &mut AppState) -> Vec<Effect> {
    if state.readonly {
        report_error(state, "read-only mode: invoking an agent is refused".into());
        return Vec::new();
    }
    let Some(console) = state.invoke.as_mut() else {
        return Vec::new();
    };
    if console
        .run
        .as_ref()
        .is_some_and(|r| matches!(r.state, RunState::Starting | RunState::Streaming))
    {
        return Vec::new();
    }
    let text = console.payload.lines().join("\n");
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
        console.problem = Some(format!("the payload is not valid JSON: {e}"));
        return Vec::new();
    }
    let id = console.next_run;
    console.next_run += 1;
    console.run = Some(InvocationRun::new(id));
    vec![Effect::Invoke {
        run_id: id,
        runtime: Box::new(console.runtime.clone()),
        payload: text.into_bytes(),
        session: console.session.clone(),
        user: (!console.user.is_empty()).then(|| console.user.clone()),
    }]
}

/// The stream's events, in order.
pub(crate) fn on_started(state: &mut AppState, run_id: u64, session: String, content_type: String) {
    if let Some(console) = state.invoke.as_mut()
        && let Some(run) = console.run.as_mut().filter(|r| r.id == run_id)
    {
        run.content_type = content_type;
        run.session_id = Some(session.clone());
        // The next turn continues this session.
        console.session = Some(session);
    }
}

pub(crate) fn on_chunk(state: &mut AppState, run_id: u64, at_ms: f64, bytes: &[u8]) {
    if let Some(run) = state
        .invoke
        .as_mut()
        .and_then(|c| c.run.as_mut())
        .filter(|r| r.id == run_id)
    {
        run.on_chunk(at_ms, bytes);
    }
}

pub(crate) fn on_finished(
    state: &mut AppState,
    run_id: u64,
    at_ms: f64,
    result: Result<(), String>,
) {
    if let Some(run) = state
        .invoke
        .as_mut()
        .and_then(|c| c.run.as_mut())
        .filter(|r| r.id == run_id)
    {
        run.on_finished(at_ms, result);
    }
}

/// The session shown at `index` of the sessions screen.
pub(crate) fn session_at(state: &AppState, index: usize) -> Option<&RuntimeSession> {
    state.sessions.loaded()?.get(index)
}

/// ctrl-d on a session: stop it (asks first; refused read-only).
pub(crate) fn ask_stop(state: &mut AppState, index: usize) -> Vec<Effect> {
    if state.readonly {
        report_error(
            state,
            "read-only mode: stopping a session is refused".into(),
        );
        return Vec::new();
    }
    let Some(session) = session_at(state, index).cloned() else {
        return Vec::new();
    };
    if session.state == "STOPPED" {
        report_info(
            state,
            format!("session {} has already stopped", session.runtime_session_id),
        );
        return Vec::new();
    }
    // Not listed (yet): an IAM runtime known only by the session's ARN.
    let target = runtime(state, &session.agent_runtime_id)
        .cloned()
        .unwrap_or_else(|| AgentRuntime {
            id: session.agent_runtime_id.clone(),
            arn: session.agent_runtime_arn.clone(),
            ..AgentRuntime::default()
        });
    state.overlay = Some(Overlay::Confirm(Confirm {
        title: "Stop session".into(),
        question: format!(
            "Stop session {} of {}? Its processes end and its files are destroyed.",
            session.runtime_session_id, session.agent_runtime_id
        ),
        on_yes: Effect::StopSession {
            runtime: Box::new(target),
            session_id: session.runtime_session_id,
        },
    }));
    Vec::new()
}

/// The session-detail lines: lifecycle events and invocations, the spans,
/// then the log tail.
pub fn session_detail_lines(state: &AppState, session_id: &str) -> Vec<String> {
    let Some(session) = state
        .sessions
        .loaded()
        .and_then(|s| s.iter().find(|s| s.runtime_session_id == session_id))
    else {
        return vec!["this session is no longer listed (esc)".into()];
    };
    let mut lines = session.detail_lines();
    lines.push(String::new());
    lines.push("# spans".into());
    match state.session_spans.get(session_id) {
        Some(Loadable::Loaded(spans)) if spans.is_empty() => {
            lines.push("(none: the agent exported no OTLP spans for this session)".into())
        }
        Some(Loadable::Loaded(spans)) => lines.extend(acc_domain::agent_runtime::span_lines(spans)),
        Some(Loadable::Failed(e)) => lines.push(format!("could not read the spans: {e}")),
        _ => lines.push("loading…".into()),
    }
    lines.push(String::new());
    lines.push("# log".into());
    match state.session_logs.get(session_id) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_stream_is_counted_exactly_and_kept_bounded() {
        let mut run = InvocationRun::new(1);
        run.content_type = "text/event-stream".into();
        let frame = b"data: {\"text\":\"x\"}\n\ndata: {\"n\":1}\n\n";
        // 200 000 events in chunks that split frames anywhere.
        let stream: Vec<u8> = frame.repeat(100_000);
        for (i, chunk) in stream.chunks(997).enumerate() {
            run.on_chunk(i as f64, chunk);
        }
        run.on_finished(1000.0, Ok(()));
        assert_eq!(run.events, 200_000);
        assert_eq!(run.bytes, stream.len() as u64);
        assert!(run.raw.len() <= RAW_KEPT);
        assert!(run.frames.len() <= FRAMES_KEPT);
        assert!(run.text.len() <= TEXT_KEPT);
        assert_eq!(run.state, RunState::Done);
    }

    #[test]
    fn errors_mid_stream_are_frames_of_their_own() {
        let mut run = InvocationRun::new(1);
        run.content_type = "text/event-stream".into();
        run.on_chunk(
            5.0,
            b"data: {\"text\":\"partial \"}\n\ndata: {\"error\": \"model timed out\"}\n\n",
        );
        run.on_finished(9.0, Ok(()));
        assert_eq!(run.errors().collect::<Vec<_>>(), ["model timed out"]);
        assert_eq!(run.first_byte_ms, Some(5.0));
        assert_eq!(run.text, "partial ");
    }
}
