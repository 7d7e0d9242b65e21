//! One session: what it runs, its state and lifecycle events, the
//! sandboxed agent's process and sockets, and how it is listed.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value;
use tokio::process::Child;

use super::invocation_history::InvocationHistory;
use super::limits::SessionCgroup;
use super::netns::NetnsSockets;
use crate::platform::timestamps::{iso8601, now_ms};
use crate::runtime::artifacts::Execution;

/// The agent's port inside its session, as in AgentCore.
pub(crate) const AGENT_PORT: u16 = 8080;
/// What a session runs: the runtime's version, resolved.
#[derive(Debug, Clone)]
pub(crate) struct SessionConfig {
    pub(crate) runtime_id: String,
    pub(crate) runtime_arn: String,
    pub(crate) endpoint: String,
    pub(crate) version: i64,
    pub(crate) container_uri: String,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) idle_timeout_s: i64,
    pub(crate) max_lifetime_s: i64,
    /// `PUBLIC` (outbound through the session proxy) or `VPC` (none).
    pub(crate) network_mode: String,
}

/// A session's state as listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum SessionState {
    Starting,
    Healthy,
    Busy,
    Stopped,
}

/// One lifecycle event of a session.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LifecycleEvent {
    pub(crate) at_ms: i64,
    pub(crate) event: String,
}

/// A running (or just stopped) session.
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) config: SessionConfig,
    pub(crate) execution: Execution,
    /// Its directory on the host (its root copy, if any).
    pub(super) dir: PathBuf,
    pub(crate) created_at_ms: i64,
    pub(crate) last_activity_ms: AtomicI64,
    pub(crate) invocations: AtomicU64,
    /// Invocations in flight: a session serving one is never idle.
    pub(crate) in_flight: AtomicU64,
    /// Its recent invocations.
    pub(crate) history: InvocationHistory,
    pub(super) state: Mutex<SessionState>,
    pub(super) events: Mutex<Vec<LifecycleEvent>>,
    pub(super) tail: Arc<Mutex<VecDeque<String>>>,
    pub(super) sockets: NetnsSockets,
    pub(super) child: Mutex<Option<Child>>,
    pub(super) pid: u32,
    /// The relay to the platform and the egress proxy: they hold sockets in
    /// the session's namespace, so they end with the session.
    pub(super) relays: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// Its cgroups, removed once it has ended.
    pub(super) cgroup: Mutex<Option<SessionCgroup>>,
}

impl Session {
    pub(crate) fn state(&self) -> SessionState {
        *self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn set_state(&self, state: SessionState, event: &str) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = state;
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(LifecycleEvent {
                at_ms: now_ms(),
                event: event.to_owned(),
            });
    }

    pub(crate) fn events(&self) -> Vec<LifecycleEvent> {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(super) fn tail(&self) -> String {
        tail_text(&self.tail)
    }

    /// A connection to the agent's port inside the session.
    pub(crate) async fn connect(&self) -> std::io::Result<tokio::net::TcpStream> {
        self.sockets
            .connect(SocketAddr::from((Ipv4Addr::LOCALHOST, AGENT_PORT)))
            .await
    }

    /// CPU seconds and resident memory of the session's processes.
    pub(crate) fn usage(&self) -> (f64, u64) {
        process_tree_usage(self.pid)
    }

    /// How the agent ended, once it has.
    pub(super) fn exited(&self) -> Option<std::process::ExitStatus> {
        self.child
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    pub(super) fn touch(&self) {
        self.last_activity_ms.store(now_ms(), Ordering::SeqCst);
    }
}

/// The last lines of a session's output, for error reports.
pub(super) fn tail_text(tail: &Mutex<VecDeque<String>>) -> String {
    let tail = tail.lock().unwrap_or_else(|p| p.into_inner());
    if tail.is_empty() {
        "(no output)".into()
    } else {
        tail.iter().cloned().collect::<Vec<_>>().join("\n")
    }
}

/// CPU seconds and resident bytes of a process and its descendants.
fn process_tree_usage(pid: u32) -> (f64, u64) {
    let ticks = 100.0;
    let page = 4096u64;
    let mut cpu = 0.0;
    let mut rss = 0;
    let mut pending = vec![pid];
    while let Some(p) = pending.pop() {
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat"))
            && let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r)
        {
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let num = |i: usize| {
                fields
                    .get(i)
                    .and_then(|f| f.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            // utime and stime are fields 14 and 15 (1-based), rss 24.
            cpu += (num(11) + num(12)) as f64 / ticks;
            rss += num(21) * page;
        }
        if let Ok(children) = std::fs::read_to_string(format!("/proc/{p}/task/{p}/children")) {
            pending.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
    (cpu, rss)
}

/// A session's JSON for the local session listing.
pub(crate) fn session_json(session: &Session) -> Value {
    let (cpu, rss) = session.usage();
    let now = now_ms();
    serde_json::json!({
        "runtimeSessionId": session.id,
        "agentRuntimeId": session.config.runtime_id,
        "agentRuntimeArn": session.config.runtime_arn,
        "endpoint": session.config.endpoint,
        "version": session.config.version.to_string(),
        "execution": session.execution.label(),
        "workDirectory": session.dir,
        "state": session.state(),
        "createdAt": iso8601(session.created_at_ms),
        "ageSeconds": (now - session.created_at_ms) / 1000,
        "idleSeconds": (now - session.last_activity_ms.load(Ordering::SeqCst)) / 1000,
        "lastActivityAt": iso8601(session.last_activity_ms.load(Ordering::SeqCst)),
        "invocations": session.invocations.load(Ordering::SeqCst),
        "cpuSeconds": cpu,
        "memoryBytes": rss,
        "events": session.events(),
        "invocationHistory": session.history.list(),
    })
}
