//! Results of the runtime jobs, as they come back through the channel.

use acc_backend::RuntimeLogLine;
use acc_domain::{AgentRuntime, RuntimeSession, SessionSpan};

/// A result for the runtime screens.
#[derive(Debug, Clone)]
pub enum Msg {
    /// The runtimes arrived.
    RuntimesLoaded(Result<Vec<AgentRuntime>, String>),
    /// The sessions arrived.
    SessionsLoaded(Result<Vec<RuntimeSession>, String>),
    /// A session's log tail and the spans its agent exported.
    SessionLogsLoaded {
        /// Which session.
        session_id: String,
        /// The log tail, or why not.
        result: Result<Vec<RuntimeLogLine>, String>,
        /// The spans, or why not.
        spans: Result<Vec<SessionSpan>, String>,
    },
    /// DeleteAgentRuntime answered.
    RuntimeDeleted {
        /// Which runtime.
        runtime_id: String,
        /// Whether it was deleted.
        result: Result<(), String>,
    },
    /// StopRuntimeSession answered.
    SessionStopped {
        /// Which session.
        session_id: String,
        /// Whether it stopped.
        result: Result<(), String>,
    },
    /// An invocation answered: its session and content type.
    InvokeStarted {
        /// Which invocation of the console.
        run_id: u64,
        /// The session it runs in.
        session_id: String,
        /// The answer's content type.
        content_type: String,
    },
    /// Bytes of an invocation's answer, `at_ms` after it was sent.
    InvokeChunk {
        /// Which invocation of the console.
        run_id: u64,
        /// When, after sending.
        at_ms: f64,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// The answer ended (or broke, or never came).
    InvokeFinished {
        /// Which invocation of the console.
        run_id: u64,
        /// When, after sending.
        at_ms: f64,
        /// Whether it ended well.
        result: Result<(), String>,
    },
}
