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

/// A session's state, age and idle seconds as listed at `now` (ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ListedClock {
    /// `BUSY` while an invocation is in flight, else the session's state.
    pub(crate) state: SessionState,
    /// Seconds from its start to now, or to its stop.
    pub(crate) age_seconds: i64,
    /// Seconds since its last activity: 0 while serving, frozen once stopped.
    pub(crate) idle_seconds: i64,
}

/// What the listing says of a session's clock: a session streaming an
/// answer is busy, never idle; a stopped one's clock stopped with it.
pub(crate) fn listed_clock(
    state: SessionState,
    in_flight: u64,
    created_ms: i64,
    last_activity_ms: i64,
    stopped_ms: Option<i64>,
    now: i64,
) -> ListedClock {
    let end = match (state, stopped_ms) {
        (SessionState::Stopped, Some(at)) => at.min(now),
        _ => now,
    };
    let serving = in_flight > 0 && state != SessionState::Stopped;
    ListedClock {
        state: if serving && state == SessionState::Healthy {
            SessionState::Busy
        } else {
            state
        },
        age_seconds: (end - created_ms).max(0) / 1000,
        idle_seconds: if serving {
            0
        } else {
            (end - last_activity_ms).max(0) / 1000
        },
    }
}

/// A session's JSON for the local session listing.
pub(crate) fn session_json(session: &Session) -> Value {
    let (cpu, rss) = session.usage();
    let events = session.events();
    let state = session.state();
    let last_activity = session.last_activity_ms.load(Ordering::SeqCst);
    // Its stop is the last lifecycle event once it is stopped.
    let stopped_ms = (state == SessionState::Stopped)
        .then(|| events.last().map(|e| e.at_ms))
        .flatten();
    let clock = listed_clock(
        state,
        session.in_flight.load(Ordering::SeqCst),
        session.created_at_ms,
        last_activity,
        stopped_ms,
        now_ms(),
    );
    serde_json::json!({
        "runtimeSessionId": session.id,
        "agentRuntimeId": session.config.runtime_id,
        "agentRuntimeArn": session.config.runtime_arn,
        "endpoint": session.config.endpoint,
        "version": session.config.version.to_string(),
        "execution": session.execution.label(),
        "workDirectory": session.dir,
        "state": clock.state,
        "createdAt": iso8601(session.created_at_ms),
        "ageSeconds": clock.age_seconds,
        "idleSeconds": clock.idle_seconds,
        "lastActivityAt": iso8601(last_activity),
        "invocations": session.invocations.load(Ordering::SeqCst),
        "cpuSeconds": cpu,
        "memoryBytes": rss,
        "events": events,
        "invocationHistory": session.history.list(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = 1_000_000;

    /// A healthy session 20 s old, `in_flight` invocations under way, last
    /// active `ago` ms before now.
    fn healthy(in_flight: u64, ago: i64) -> ListedClock {
        let now = START + 20_000;
        listed_clock(
            SessionState::Healthy,
            in_flight,
            START,
            now - ago,
            None,
            now,
        )
    }

    #[test]
    fn a_session_serving_an_invocation_is_busy_and_not_idle() {
        // Its last activity was the invocation's start, 16 s ago.
        let clock = healthy(1, 16_000);
        assert_eq!(clock.state, SessionState::Busy);
        assert_eq!(clock.idle_seconds, 0);
        assert_eq!(clock.age_seconds, 20);
        // Once it answered, it is healthy and idles from the answer's end.
        let done = healthy(0, 2_000);
        assert_eq!(done.state, SessionState::Healthy);
        assert_eq!(done.idle_seconds, 2);
    }

    #[test]
    fn a_stopped_session_s_age_and_idle_freeze_at_its_stop() {
        let at = |now| {
            listed_clock(
                SessionState::Stopped,
                0,
                START,
                START + 5_000,
                Some(START + 8_000),
                now,
            )
        };
        let soon = at(START + 9_000);
        let later = at(START + 600_000);
        assert_eq!(soon, later, "nothing counts after the stop");
        assert_eq!(later.state, SessionState::Stopped);
        assert_eq!(later.age_seconds, 8);
        assert_eq!(later.idle_seconds, 3);
    }
}
