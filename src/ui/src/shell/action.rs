//! Everything that can happen to the console: input, and results of effects.

use acc_backend::{ContextInfo, McpCatalog};
use acc_domain::{Gateway, Target, ToolCallReport};
use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use crate::shell::state::ContextChoice;

/// An event for `update`. Input arrives from the terminal thread; results
/// arrive from effect tasks; all through one channel.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Periodic while something is loading, to animate progress.
    Tick,
    GatewaysLoaded(Result<Vec<Gateway>, String>),
    TargetsLoaded {
        gateway_id: String,
        result: Result<Vec<Target>, String>,
    },
    /// A delete finished; `what` names the resource for the message.
    Deleted {
        what: String,
        result: Result<(), String>,
    },
    McpCatalogLoaded {
        gateway_id: String,
        result: Result<McpCatalog, String>,
    },
    /// The search tool answered: qualified names, best first.
    ToolsFound {
        gateway_id: String,
        query: String,
        result: Result<Vec<String>, String>,
    },
    ToolCalled {
        gateway_id: String,
        tool: String,
        result: Result<Box<ToolCallReport>, String>,
    },
    CapturesLoaded {
        gateway_id: String,
        result: Result<crate::features::gateway::capture_list::CaptureList, String>,
    },
    ContextsLoaded(Vec<ContextChoice>),
    ContextSwitched(ContextInfo),
    Copied {
        bytes: usize,
    },
    PolicyStudioLoaded {
        gateway_id: String,
        result: Result<Box<crate::features::policy::studio::StudioData>, String>,
    },
    DryRunDone {
        gateway_id: String,
        result: Result<Box<crate::features::policy::studio::DryRunReport>, String>,
    },
    PolicyPushed {
        gateway_id: String,
        result: Result<acc_domain::Policy, String>,
    },
    PolicyModeSet {
        gateway_id: String,
        result: Result<String, String>,
    },
    RuntimesLoaded(Result<Vec<acc_domain::AgentRuntime>, String>),
    SessionsLoaded(Result<Vec<acc_domain::RuntimeSession>, String>),
    /// A session's log tail and the spans its agent exported.
    SessionLogsLoaded {
        session_id: String,
        result: Result<Vec<acc_backend::RuntimeLogLine>, String>,
        spans: Result<Vec<acc_domain::SessionSpan>, String>,
    },
    SessionStopped {
        session_id: String,
        result: Result<(), String>,
    },
    /// An invocation answered: its session and content type.
    InvokeStarted {
        run_id: u64,
        session_id: String,
        content_type: String,
    },
    /// Bytes of an invocation's answer, `at_ms` after it was sent.
    InvokeChunk {
        run_id: u64,
        at_ms: f64,
        bytes: Vec<u8>,
    },
    /// The answer ended (or broke, or never came).
    InvokeFinished {
        run_id: u64,
        at_ms: f64,
        result: Result<(), String>,
    },
    /// A local file was written (or not); `what` names its contents.
    FileSaved {
        what: String,
        result: Result<String, String>,
    },
}
