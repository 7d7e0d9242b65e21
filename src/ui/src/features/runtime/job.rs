//! The runtime screens' work against the platform, run on effect tasks.

use std::time::Instant;

use acc_backend::Backend;
use acc_domain::AgentRuntime;

use crate::features::runtime::msg::Msg;
use crate::shell::effect::Reply;

/// Work for the runtime screens.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// ListAgentRuntimes.
    LoadRuntimes,
    /// Every runtime's sessions.
    LoadSessions,
    /// A session's log tail (its runtime's log group, its stream) and its spans.
    LoadSessionLogs {
        /// The session's runtime.
        runtime_id: String,
        /// The endpoint it runs behind.
        endpoint: String,
        /// Which session.
        session_id: String,
    },
    /// DeleteAgentRuntime.
    DeleteRuntime {
        /// Which runtime.
        runtime_id: String,
    },
    /// StopRuntimeSession.
    StopSession {
        /// The session's runtime (its authorizer decides SigV4 or bearer).
        runtime: Box<AgentRuntime>,
        /// Which session.
        session_id: String,
    },
    /// InvokeAgentRuntime, streamed back as `InvokeChunk`s.
    Invoke {
        /// Which invocation of the console.
        run_id: u64,
        /// The runtime (its authorizer decides SigV4 or bearer).
        runtime: Box<AgentRuntime>,
        /// The JSON payload.
        payload: Vec<u8>,
        /// The session to continue; `None` starts one.
        session: Option<String>,
        /// The user id to send, if any.
        user: Option<String>,
    },
}

impl Job {
    /// Whether this job writes to the platform (refused in read-only mode).
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Job::DeleteRuntime { .. } | Job::StopSession { .. } | Job::Invoke { .. }
        )
    }

    /// Runs on its own task; results come back through `reply`.
    pub(crate) fn run(self, backend: Backend, reply: Reply) {
        tokio::spawn(async move {
            match self {
                // A stream answers many times.
                Job::Invoke {
                    run_id,
                    runtime,
                    payload,
                    session,
                    user,
                } => invoke(&backend, run_id, &runtime, payload, session, user, &reply).await,
                job => reply.send(job.perform(&backend).await),
            }
        });
    }

    async fn perform(self, backend: &Backend) -> Msg {
        let text = |e: acc_backend::BackendError| e.to_string();
        match self {
            Job::LoadRuntimes => Msg::RuntimesLoaded(backend.agent_runtimes().await.map_err(text)),
            Job::LoadSessions => {
                Msg::SessionsLoaded(backend.runtime_sessions().await.map_err(text))
            }
            Job::LoadSessionLogs {
                runtime_id,
                endpoint,
                session_id,
            } => {
                let result = backend
                    .runtime_logs(&runtime_id, &endpoint, Some(&session_id), None)
                    .await
                    .map_err(text);
                let spans = backend.session_spans(&session_id).await.map_err(text);
                Msg::SessionLogsLoaded {
                    session_id,
                    result,
                    spans,
                }
            }
            Job::DeleteRuntime { runtime_id } => Msg::RuntimeDeleted {
                result: backend
                    .delete_agent_runtime(&runtime_id)
                    .await
                    .map_err(text),
                runtime_id,
            },
            Job::StopSession {
                runtime,
                session_id,
            } => Msg::SessionStopped {
                result: backend
                    .stop_runtime_session(&runtime, &session_id)
                    .await
                    .map_err(text),
                session_id,
            },
            Job::Invoke { .. } => unreachable!("`run` streams invocations through `invoke`"),
        }
    }
}

/// InvokeAgentRuntime: the answer's start, each chunk as it arrives, and
/// its end, timed from the request.
async fn invoke(
    backend: &Backend,
    run_id: u64,
    runtime: &AgentRuntime,
    payload: Vec<u8>,
    session: Option<String>,
    user: Option<String>,
    reply: &Reply,
) {
    let started = Instant::now();
    let ms = |s: Instant| s.elapsed().as_secs_f64() * 1e3;
    let mut answer = match backend
        .invoke_agent_runtime(runtime, payload, session.as_deref(), user.as_deref(), None)
        .await
    {
        Ok(answer) => answer,
        Err(e) => {
            reply.send(Msg::InvokeFinished {
                run_id,
                at_ms: ms(started),
                result: Err(e.to_string()),
            });
            return;
        }
    };
    reply.send(Msg::InvokeStarted {
        run_id,
        session_id: answer.session_id.clone(),
        content_type: answer.content_type.clone(),
    });
    let mut result = Ok(());
    while let Some(chunk) = answer.next_chunk().await {
        match chunk {
            Ok(bytes) => reply.send(Msg::InvokeChunk {
                run_id,
                at_ms: ms(started),
                bytes,
            }),
            Err(e) => {
                result = Err(format!("the stream broke: {e}"));
                break;
            }
        }
    }
    reply.send(Msg::InvokeFinished {
        run_id,
        at_ms: ms(started),
        result,
    });
}
