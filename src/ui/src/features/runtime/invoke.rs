//! The invoke console of a runtime: the payload and user id typed, the
//! invocation sent, and its stream followed as it arrives, below the
//! earlier turns of the session (the last [`TURNS_KEPT`]).

use std::collections::VecDeque;

use acc_domain::AgentRuntime;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;

use crate::features::runtime::invocation::{InvocationRun, RunState, StreamView};
use crate::features::runtime::job::Job;
use crate::features::runtime::keys::Command as Runtime;
use crate::features::runtime::route::Route;
use crate::shell::effect::Effect;
use crate::shell::keymap::Command;
use crate::shell::message::{error, info};
use crate::shell::state::AppState;

/// Turns of a session kept in the transcript, the latest one included.
pub const TURNS_KEPT: usize = 50;
/// Lines a page up or down scrolls the transcript.
pub const SCROLL_PAGE: usize = 10;

/// Which field of the invoke console takes typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvokeFocus {
    /// The JSON payload.
    #[default]
    Payload,
    /// The user id.
    User,
}

/// The invoke console of one runtime.
#[derive(Debug, Clone)]
pub struct InvokeConsole {
    /// The runtime invoked.
    pub runtime: AgentRuntime,
    /// The JSON sent.
    pub payload: TextArea<'static>,
    /// The user id sent, if not empty.
    pub user: String,
    /// Which field takes typing.
    pub focus: InvokeFocus,
    /// The session the next invocation reuses (multi-turn); `None` starts
    /// a new one.
    pub session: Option<String>,
    /// Which half of the stream panel shows.
    pub view: StreamView,
    /// The latest invocation.
    pub run: Option<InvocationRun>,
    /// The session's earlier turns, oldest first.
    pub transcript: VecDeque<InvocationRun>,
    /// Lines the transcript is scrolled up from its end (0 follows it).
    pub scroll: usize,
    /// Why the payload cannot be sent.
    pub problem: Option<String>,
    next_run: u64,
}

impl InvokeConsole {
    /// A console on `runtime` with an example payload.
    pub fn new(runtime: AgentRuntime) -> Self {
        InvokeConsole {
            runtime,
            payload: TextArea::new(vec![r#"{"prompt": "What can you do for me?"}"#.into()]),
            user: String::new(),
            focus: InvokeFocus::Payload,
            session: None,
            view: StreamView::Parsed,
            run: None,
            transcript: VecDeque::new(),
            scroll: 0,
            problem: None,
            next_run: 1,
        }
    }

    /// The next invocation continues `session`: the turns of another
    /// session leave the transcript (unless one is under way).
    pub(crate) fn continue_in(&mut self, session: String) {
        if self.session.as_deref() != Some(session.as_str()) && !under_way(self) {
            self.start_over();
        }
        self.session = Some(session);
    }

    /// A fresh transcript, its first turn in a new session.
    fn start_over(&mut self) {
        self.session = None;
        self.run = None;
        self.transcript.clear();
        self.scroll = 0;
    }
}

/// A command in the console; the shell's own (back, quit, help) are left
/// to it, others do nothing while typing.
pub(crate) fn on_command(state: &mut AppState, command: Command) -> Option<Vec<Effect>> {
    match command {
        Command::Runtime(Runtime::Send) => return Some(send(state)),
        Command::Runtime(Runtime::ToggleResult) => toggle_view(state),
        Command::Runtime(Runtime::NewSession) => new_session(state),
        Command::Runtime(Runtime::NextField) => toggle_focus(state),
        Command::PageUp => scroll(state, true),
        Command::PageDown => scroll(state, false),
        Command::Back | Command::Quit | Command::Help => return None,
        _ => {}
    }
    Some(Vec::new())
}

/// `enter` on a runtime: its invoke console.
pub(crate) fn open_invoke(state: &mut AppState, index: usize) -> Option<Route> {
    let runtime = state.runtime.runtimes.loaded()?.get(index)?.clone();
    let id = runtime.id.clone();
    if state
        .runtime
        .invoke
        .as_ref()
        .is_none_or(|c| c.runtime.id != id)
    {
        state.runtime.invoke = Some(InvokeConsole::new(runtime));
    }
    Some(Route::Invoke { runtime_id: id })
}

pub(crate) fn on_typing_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(console) = state.runtime.invoke.as_mut() else {
        return Vec::new();
    };
    match console.focus {
        InvokeFocus::Payload => {
            console.payload.input(key);
            console.problem = None;
        }
        InvokeFocus::User => match key.code {
            KeyCode::Char(c) => console.user.push(c),
            KeyCode::Backspace => {
                console.user.pop();
            }
            _ => {}
        },
    }
    Vec::new()
}

fn toggle_focus(state: &mut AppState) {
    if let Some(console) = state.runtime.invoke.as_mut() {
        console.focus = match console.focus {
            InvokeFocus::Payload => InvokeFocus::User,
            InvokeFocus::User => InvokeFocus::Payload,
        };
    }
}

fn toggle_view(state: &mut AppState) {
    if let Some(console) = state.runtime.invoke.as_mut() {
        console.view = match console.view {
            StreamView::Parsed => StreamView::Raw,
            StreamView::Raw => StreamView::Parsed,
        };
    }
}

/// Page up or down the transcript, within its lines.
fn scroll(state: &mut AppState, up: bool) {
    if let Some(console) = state.runtime.invoke.as_mut() {
        console.scroll = if up {
            let lines: usize = console
                .transcript
                .iter()
                .chain(&console.run)
                .map(|r| r.payload.lines().count() + r.line_count(console.view) + 1)
                .sum();
            (console.scroll + SCROLL_PAGE).min(lines)
        } else {
            console.scroll.saturating_sub(SCROLL_PAGE)
        };
    }
}

/// Whether the latest invocation is still under way.
fn under_way(console: &InvokeConsole) -> bool {
    console
        .run
        .as_ref()
        .is_some_and(|r| matches!(r.state, RunState::Starting | RunState::Streaming))
}

/// ctrl-n: the next invocation starts a new session, on a fresh
/// transcript (not while an answer streams: it would land in neither).
fn new_session(state: &mut AppState) {
    let Some(console) = state.runtime.invoke.as_mut() else {
        return;
    };
    if under_way(console) {
        info(
            state,
            "an answer is streaming: a new session once it ends".into(),
        );
        return;
    }
    console.start_over();
    info(state, "the next invocation starts a new session".into());
}

/// ctrl-s: send the payload (checked to be JSON first).
fn send(state: &mut AppState) -> Vec<Effect> {
    if state.readonly {
        error(state, "read-only mode: invoking an agent is refused".into());
        return Vec::new();
    }
    let Some(console) = state.runtime.invoke.as_mut() else {
        return Vec::new();
    };
    if under_way(console) {
        return Vec::new();
    }
    let text = console.payload.lines().join("\n");
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
        console.problem = Some(format!("the payload is not valid JSON: {e}"));
        return Vec::new();
    }
    let id = console.next_run;
    console.next_run += 1;
    if let Some(previous) = console.run.replace(InvocationRun::new(id, text.clone())) {
        if console.transcript.len() + 1 >= TURNS_KEPT {
            console.transcript.pop_front();
        }
        console.transcript.push_back(previous);
    }
    console.scroll = 0;
    vec![
        Job::Invoke {
            run_id: id,
            runtime: Box::new(console.runtime.clone()),
            payload: text.into_bytes(),
            session: console.session.clone(),
            user: (!console.user.is_empty()).then(|| console.user.clone()),
        }
        .into(),
    ]
}

/// The runtime answered: the stream's session and content type.
pub(crate) fn on_started(state: &mut AppState, run_id: u64, session: String, content_type: String) {
    if let Some(console) = state.runtime.invoke.as_mut()
        && let Some(run) = console.run.as_mut().filter(|r| r.id == run_id)
    {
        run.content_type = content_type;
        run.session_id = Some(session.clone());
        // The next turn continues this session.
        console.session = Some(session);
    }
}

/// Bytes of the stream.
pub(crate) fn on_chunk(state: &mut AppState, run_id: u64, at_ms: f64, bytes: &[u8]) {
    if let Some(run) = run_of(state, run_id) {
        run.on_chunk(at_ms, bytes);
    }
}

/// The stream ended (or broke).
pub(crate) fn on_finished(
    state: &mut AppState,
    run_id: u64,
    at_ms: f64,
    result: Result<(), String>,
) {
    if let Some(run) = run_of(state, run_id) {
        run.on_finished(at_ms, result);
    }
}

/// The console's invocation `run_id`, the latest or an earlier turn still
/// in the transcript.
fn run_of(state: &mut AppState, run_id: u64) -> Option<&mut InvocationRun> {
    let console = state.runtime.invoke.as_mut()?;
    console
        .run
        .iter_mut()
        .chain(console.transcript.iter_mut().rev())
        .find(|r| r.id == run_id)
}
