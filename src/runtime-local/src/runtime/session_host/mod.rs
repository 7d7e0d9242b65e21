//! The session host: one sandboxed agent process per runtime session, as
//! AgentCore runs one microVM per session. A session starts on its first
//! invocation (cold start: the sandbox comes up and `/ping` answers
//! healthy), serves invocations streamed straight through, and ends when
//! stopped, idle past the runtime's `idleRuntimeSessionTimeout` (unless the
//! agent reports HealthyBusy), or at `maxLifetime`. Its output goes to the
//! runtime's log group; its lifecycle events are recorded with it.

mod agent_http;
pub(crate) mod egress_proxy;
mod emulated_program;
mod identity;
mod image_user;
mod invocation_history;
mod limits;
pub(crate) mod netns;
mod otlp_env;
pub(crate) mod sandbox;
mod session;

use std::collections::{HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

pub(crate) use agent_http::{invoke, ping};
use identity::HostIdentity;
use invocation_history::InvocationHistory;
pub(crate) use invocation_history::InvocationRecord;
use limits::SessionCgroup;
use netns::{NetnsSockets, RelayPeers};
use sandbox::{Program, SandboxSpec};
pub(crate) use session::{AGENT_PORT, Session, SessionConfig, SessionState, session_json};
use session::{LifecycleEvent, tail_text};

use crate::identity::requester::SessionCaller;
use crate::observability::cloudwatch_logs::log_store::{NewEvent, append};
use crate::platform::store::Store;
use crate::platform::timestamps::now_ms;
use crate::platform::wire_errors::ApiError;
use crate::runtime::artifacts::{ArtifactSource, Execution, inspect};

/// How long a cold start may take before it is reported as failed.
pub(crate) const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Lines of agent output kept for error reports.
const TAIL_LINES: usize = 20;

/// The layer of the relays' listener: every request there comes from a
/// session, and its connection says which.
pub(crate) async fn mark_session_caller(
    axum::extract::State(host): axum::extract::State<Arc<SessionHost>>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let session = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .and_then(|peer| host.relayed_session(peer.0))
        .unwrap_or_else(|| "(unknown: its relay connection has ended)".to_owned());
    request.extensions_mut().insert(SessionCaller { session });
    next.run(request).await
}

/// The log group and stream of a session's output, as AgentCore names them.
pub(crate) fn log_names(
    runtime_id: &str,
    endpoint: &str,
    session_id: &str,
    at_ms: i64,
) -> (String, String) {
    let date = crate::platform::timestamps::iso8601(at_ms);
    let day = date.get(..10).unwrap_or("1970-01-01").replace('-', "/");
    (
        acc_domain::runtime_log_group(runtime_id, endpoint),
        format!("{day}/[runtime-logs]{session_id}"),
    )
}

/// How a platform's sessions are hosted.
#[derive(Debug, Clone)]
pub(crate) struct SessionHostConfig {
    pub(crate) region: String,
    /// Hidden from every session (the platform's state).
    pub(crate) hidden: Vec<PathBuf>,
    /// Where the platform listens: the address sessions are given (their
    /// relay listens on it inside the session).
    pub(crate) platform: SocketAddr,
    /// The loopback listener the relays connect to, which marks every
    /// request as a session's (see [`SessionCaller`]).
    pub(crate) relay_target: SocketAddr,
    /// The platform's OTLP/gRPC port, when it is open (sessions reach it
    /// through a relay of their own).
    pub(crate) otlp_grpc: Option<SocketAddr>,
    /// Each session's memory limit.
    pub(crate) memory_bytes: u64,
    /// Each session's process (and thread) limit.
    pub(crate) max_processes: u64,
    /// Native artifacts are accepted while listening beyond loopback.
    pub(crate) allow_native_remote: bool,
}

/// Every session of the platform.
pub(crate) struct SessionHost {
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    /// Sessions being started, so concurrent first invocations share one.
    starting: tokio::sync::Mutex<()>,
    store: Arc<Store>,
    config: SessionHostConfig,
    /// Session directories live here, named `s-<n>`: generated, never a
    /// caller's id.
    work_dir: PathBuf,
    /// This platform's number in the process, in its cgroups' names.
    instance: u64,
    /// The `n` of the next session's directory and cgroups.
    next_session: AtomicU64,
    /// Which session each relay connection to the platform serves.
    relay_peers: Arc<RelayPeers>,
}

impl SessionHost {
    pub(crate) fn new(store: Arc<Store>, config: SessionHostConfig) -> SessionHost {
        // Once per process, off the start-up path: dead platforms' copies
        // can be large, and nothing here depends on their removal.
        static SWEEP: std::sync::Once = std::sync::Once::new();
        SWEEP.call_once(|| {
            std::thread::spawn(sweep_stale_work_dirs);
        });
        // One directory per platform, not per process: a process may host
        // several platforms (tests do), and each removes its own on drop.
        static PLATFORMS: AtomicU64 = AtomicU64::new(0);
        let instance = PLATFORMS.fetch_add(1, Ordering::Relaxed);
        let work_dir = std::env::temp_dir()
            .join(format!("acc-sessions-{}", std::process::id()))
            .join(format!("platform-{instance}"));
        SessionHost {
            sessions: Mutex::new(HashMap::new()),
            starting: tokio::sync::Mutex::new(()),
            store,
            config,
            work_dir,
            instance,
            next_session: AtomicU64::new(0),
            relay_peers: Arc::default(),
        }
    }

    /// Why a client on this machine may not create a `native:` artifact
    /// (a host command), if it may not: the platform listens beyond
    /// loopback and the operator did not allow them.
    pub(crate) fn native_refused_to_clients(&self) -> Option<String> {
        let listen = self.config.platform;
        (!listen.ip().is_loopback() && !self.config.allow_native_remote).then(|| {
            format!(
                "the local platform listens on {listen}, beyond loopback, so native artifacts (host \
                 commands) are refused: anyone who reaches it could run commands on this machine. \
                 Restart it with `acc serve --allow-native-artifacts` to allow them"
            )
        })
    }

    /// The session a relay connection from `peer` serves, if it is one.
    pub(crate) fn relayed_session(&self, peer: SocketAddr) -> Option<String> {
        self.relay_peers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&peer)
            .cloned()
    }

    /// All sessions, newest first.
    pub(crate) fn list(&self) -> Vec<Arc<Session>> {
        let mut all: Vec<Arc<Session>> = self
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        all.sort_by_key(|s| std::cmp::Reverse(s.created_at_ms));
        all
    }

    pub(crate) fn get(&self, id: &str) -> Option<Arc<Session>> {
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// The session with this id, started (cold) when it is not running.
    pub(crate) async fn session(
        self: &Arc<Self>,
        id: &str,
        config: &SessionConfig,
    ) -> Result<Arc<Session>, ApiError> {
        if let Some(session) = self.get(id).filter(|s| s.state() != SessionState::Stopped) {
            if session.config.runtime_id != config.runtime_id {
                return Err(ApiError::conflict(format!(
                    "Session {id} belongs to another agent runtime ({}).",
                    session.config.runtime_id
                )));
            }
            return Ok(session);
        }
        let _one_at_a_time = self.starting.lock().await;
        if let Some(session) = self.get(id).filter(|s| s.state() != SessionState::Stopped) {
            return Ok(session);
        }
        let session = self.start(id, config).await?;
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_owned(), Arc::clone(&session));
        Ok(session)
    }

    async fn start(
        self: &Arc<Self>,
        id: &str,
        config: &SessionConfig,
    ) -> Result<Arc<Session>, ApiError> {
        let failed = |what: String| ApiError::runtime_client_error(what);
        let n = self.next_session.fetch_add(1, Ordering::Relaxed);
        let session_dir = self.work_dir.join(format!("s-{n}"));
        // Reading the artifact and copying its image are blocking file work
        // (seconds for a large image): kept off the async workers, so the
        // platform serves everything else meanwhile.
        let host = Arc::clone(self);
        let (session_config, dir) = (config.clone(), session_dir.clone());
        let (artifact, spec) = tokio::task::spawn_blocking(move || {
            let artifact = inspect(&session_config.container_uri, None)?;
            match host.prepare(&artifact, &session_config, &dir) {
                Ok(spec) => Ok((artifact, spec)),
                Err(why) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    Err(why)
                }
            }
        })
        .await
        .map_err(|e| failed(format!("the session's preparation failed: {e}")))?
        .map_err(failed)?;
        let cgroup = SessionCgroup::create(
            &limits::cgroup_name(self.instance, n),
            self.config.memory_bytes,
            self.config.max_processes,
        );
        let session = self
            .launch(id, config, artifact.execution, spec, session_dir, cgroup)
            .await?;
        // Cold start: wait for a healthy /ping.
        let deadline = tokio::time::Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(status) = ping(&session).await {
                session.set_state(SessionState::Healthy, &format!("healthy ({status})"));
                break;
            }
            if let Some(status) = session.exited() {
                // Let the output readers catch up with the last lines.
                tokio::time::sleep(Duration::from_millis(50)).await;
                self.terminate(&session, "exited during start").await;
                return Err(failed(format!(
                    "the agent exited ({status}) before /ping answered; its last output:\n{}",
                    session.tail()
                )));
            }
            if tokio::time::Instant::now() >= deadline {
                self.terminate(&session, "start timeout").await;
                return Err(failed(format!(
                    "the agent did not answer /ping on port {AGENT_PORT} within {} s; its last output:\n{}",
                    START_TIMEOUT.as_secs(),
                    session.tail()
                )));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.watch(Arc::clone(&session));
        Ok(session)
    }

    /// The session's directory (its root copy, for an image), given to
    /// its host identity, and its sandbox.
    fn prepare(
        &self,
        artifact: &crate::runtime::artifacts::Artifact,
        config: &SessionConfig,
        session_dir: &Path,
    ) -> Result<SandboxSpec, String> {
        std::fs::create_dir_all(&self.work_dir)
            .and_then(|()| std::fs::create_dir(session_dir))
            .map_err(|e| format!("cannot prepare the session directory: {e}"))?;
        let identity = HostIdentity::for_new_session();
        let mut ids = image_user::DEFAULT_ID;
        let mut program = match &artifact.source {
            ArtifactSource::Native(command) => Program::Native {
                command: command.clone(),
                cwd: std::env::current_dir().unwrap_or_else(|_| "/".into()),
                named: Vec::new(),
            },
            source => {
                let root = session_dir.join("rootfs");
                crate::runtime::image_unpack::session_root(source, &root)?;
                let config = artifact.config.clone().unwrap_or_default();
                ids = image_user::resolve(config.user.as_deref(), &root)?;
                let argv = config
                    .entrypoint
                    .iter()
                    .chain(&config.cmd)
                    .cloned()
                    .collect();
                Program::Image {
                    root,
                    config,
                    execution: artifact.execution,
                    argv,
                }
            }
        };
        // The session owns its copy (as it did when it was host root), and
        // nothing else on the host.
        identity
            .hand_over(session_dir)
            .map_err(|e| format!("cannot give the session its directory: {e}"))?;
        if let Program::Native { command, named, .. } = &mut program {
            *named = sandbox::named_for(command, identity, session_dir)?;
        }
        let platform_url = format!("http://{}", self.platform_in_session());
        let mut env = sandbox::agentcore_env(&self.config.region, &platform_url);
        if config.network_mode == "PUBLIC" {
            env.extend(egress_proxy::proxy_env());
        }
        // What the image and the runtime set, applied after (and over) ours.
        let mut chosen: Vec<(String, String)> = Vec::new();
        if let Some(image) = &artifact.config {
            chosen.extend(image.env.iter().filter_map(|kv| {
                kv.split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
            }));
        }
        chosen.extend(config.env.iter().cloned());
        let grpc_url = self.grpc_in_session().map(|at| format!("http://{at}"));
        env.extend(otlp_env::otlp_env(
            &platform_url,
            grpc_url.as_deref(),
            &chosen,
        ));
        env.extend(chosen);
        if let Program::Image {
            root,
            config: image,
            execution: Execution::Emulated,
            argv,
        } = &mut program
        {
            // The last PATH set wins, as with `--setenv`.
            let path = env.iter().rev().find(|(k, _)| k == "PATH").map(|(_, v)| v);
            let workdir = image.working_dir.as_deref().unwrap_or("/");
            *argv = emulated_program::emulated_argv(root, workdir, argv, path.map_or("", |p| p))?;
        }
        Ok(SandboxSpec {
            program,
            env,
            hidden: self.config.hidden.clone(),
            ids,
            identity,
            memory_bytes: self.config.memory_bytes,
            max_processes: self.config.max_processes,
            cgroup_procs: Vec::new(),
        })
    }

    /// Where sessions reach the platform: its address (a wildcard listener
    /// through loopback), served inside by the session's relay.
    fn platform_in_session(&self) -> SocketAddr {
        let mut platform = self.config.platform;
        if platform.ip().is_unspecified() {
            platform.set_ip(Ipv4Addr::LOCALHOST.into());
        }
        platform
    }

    /// Where sessions reach the platform's OTLP/gRPC port, when it is open:
    /// its port on the address they reach the platform at, served inside by
    /// the session's second relay.
    fn grpc_in_session(&self) -> Option<SocketAddr> {
        let grpc = self.config.otlp_grpc?;
        Some(SocketAddr::new(
            self.platform_in_session().ip(),
            grpc.port(),
        ))
    }

    /// Start the sandbox, its output capture and its relays. On failure
    /// nothing of the session remains.
    async fn launch(
        &self,
        id: &str,
        config: &SessionConfig,
        execution: Execution,
        mut spec: SandboxSpec,
        dir: PathBuf,
        cgroup: Option<SessionCgroup>,
    ) -> Result<Arc<Session>, ApiError> {
        let failed = |what: String| {
            let _ = std::fs::remove_dir_all(&dir);
            ApiError::runtime_client_error(what)
        };
        spec.cgroup_procs = cgroup
            .as_ref()
            .map(SessionCgroup::procs_files)
            .unwrap_or_default();
        let argv = sandbox::command(&spec);
        let spawned = tokio::process::Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => {
                drop(cgroup);
                return Err(failed(format!(
                    "cannot start the session sandbox ({}): {e}; it needs prlimit and setpriv \
                     (apt-get install util-linux) and bwrap (apt-get install bubblewrap)",
                    argv[0]
                )));
            }
        };
        let launcher = child.id().unwrap_or_default();
        let created = now_ms();
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        self.capture_output(&mut child, config, id, &tail);
        // The launcher execs into bwrap; bwrap's first child holds the
        // namespaces.
        let joined = match namespace_pid(launcher).await {
            Some(pid) => NetnsSockets::join(pid)
                .map(|sockets| (pid, sockets))
                .map_err(|e| format!("cannot reach the session's network: {e}")),
            None => Err(format!(
                "the session sandbox did not start; its last output:\n{}",
                tail_text(&tail)
            )),
        };
        let started = match joined {
            Ok((pid, sockets)) => self
                .start_relays(id, config, &sockets)
                .await
                .map(|relays| (pid, sockets, relays)),
            Err(why) => Err(why),
        };
        let (pid, sockets, relays) = match started {
            Ok(started) => started,
            Err(why) => {
                let _ = child.kill().await;
                drop(cgroup);
                return Err(failed(why));
            }
        };
        Ok(Arc::new(Session {
            id: id.to_owned(),
            config: config.clone(),
            execution,
            dir,
            created_at_ms: created,
            last_activity_ms: AtomicI64::new(created),
            invocations: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            history: InvocationHistory::default(),
            state: Mutex::new(SessionState::Starting),
            events: Mutex::new(vec![LifecycleEvent {
                at_ms: created,
                event: format!("starting ({})", execution.label()),
            }]),
            tail,
            sockets,
            child: Mutex::new(Some(child)),
            pid,
            relays: Mutex::new(relays),
            cgroup: Mutex::new(cgroup),
        }))
    }

    /// The agent reaches the platform's endpoints at the platform's own
    /// address, through a relay marking it as this session's; a PUBLIC
    /// session also the internet, through the proxy.
    async fn start_relays(
        &self,
        id: &str,
        config: &SessionConfig,
        sockets: &NetnsSockets,
    ) -> Result<Vec<tokio::task::JoinHandle<()>>, String> {
        let mut relays = Vec::new();
        let listener = sockets
            .listen_when_up(self.platform_in_session())
            .await
            .map_err(|e| format!("cannot relay the platform into the session: {e}"))?;
        relays.push(tokio::spawn(netns::forward_to_host(
            listener,
            self.config.relay_target,
            id.to_owned(),
            Arc::clone(&self.relay_peers),
        )));
        if let (Some(inside), Some(mut grpc)) = (self.grpc_in_session(), self.config.otlp_grpc) {
            if grpc.ip().is_unspecified() {
                grpc.set_ip(Ipv4Addr::LOCALHOST.into());
            }
            let listener = match sockets.listen_when_up(inside).await {
                Ok(listener) => listener,
                Err(e) => {
                    relays.iter().for_each(|r| r.abort());
                    return Err(format!("cannot relay OTLP/gRPC into the session: {e}"));
                }
            };
            relays.push(tokio::spawn(netns::forward_to_host(
                listener,
                grpc,
                id.to_owned(),
                Arc::clone(&self.relay_peers),
            )));
        }
        if config.network_mode == "PUBLIC" {
            let listener = match sockets.listen_when_up(egress_proxy::PROXY_ADDR).await {
                Ok(listener) => listener,
                Err(e) => {
                    relays.iter().for_each(|r| r.abort());
                    return Err(format!("cannot start the session's egress proxy: {e}"));
                }
            };
            relays.push(tokio::spawn(egress_proxy::serve(listener)));
        }
        Ok(relays)
    }

    /// Stream the agent's stdout and stderr into the runtime's log group
    /// (and keep the last lines for error reports).
    fn capture_output(
        &self,
        child: &mut Child,
        config: &SessionConfig,
        id: &str,
        tail: &Arc<Mutex<VecDeque<String>>>,
    ) {
        let (group, stream) = log_names(&config.runtime_id, &config.endpoint, id, now_ms());
        let readers: Vec<Box<dyn tokio::io::AsyncRead + Unpin + Send>> = [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
        ]
        .into_iter()
        .flatten()
        .collect();
        for reader in readers {
            let (store, group, stream, tail) = (
                Arc::clone(&self.store),
                group.clone(),
                stream.clone(),
                Arc::clone(tail),
            );
            tokio::spawn(async move {
                let mut lines = BufReader::new(reader).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    {
                        let mut tail = tail.lock().unwrap_or_else(|p| p.into_inner());
                        if tail.len() == TAIL_LINES {
                            tail.pop_front();
                        }
                        tail.push_back(line.clone());
                    }
                    let (group, stream) = (group.clone(), stream.clone());
                    let at = now_ms();
                    let _ = store
                        .write(move |tx| {
                            append(
                                tx,
                                &group,
                                &stream,
                                at,
                                &[NewEvent {
                                    timestamp_ms: at,
                                    message: line,
                                    trace_id: None,
                                }],
                            )
                        })
                        .await;
                }
            });
        }
    }

    /// Ends the session at its idle timeout (unless busy) or max lifetime,
    /// or when the agent exits by itself.
    fn watch(self: &Arc<Self>, session: Arc<Session>) {
        let host = Arc::clone(self);
        tokio::spawn(async move {
            let idle_ms = session.config.idle_timeout_s * 1000;
            let lifetime_ms = session.config.max_lifetime_s * 1000;
            let mut unanswered = 0;
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if session.state() == SessionState::Stopped {
                    return;
                }
                let now = now_ms();
                if let Some(status) = session.exited() {
                    host.terminate(&session, &format!("agent exited ({status})"))
                        .await;
                    return;
                }
                if now - session.created_at_ms >= lifetime_ms {
                    host.terminate(&session, "max lifetime").await;
                    return;
                }
                let idle = now - session.last_activity_ms.load(Ordering::SeqCst);
                if idle >= idle_ms && session.in_flight.load(Ordering::SeqCst) == 0 {
                    // HealthyBusy (background work) keeps a session alive.
                    match ping(&session).await {
                        Ok(status) if status == "HealthyBusy" => {
                            unanswered = 0;
                            if session.state() != SessionState::Busy {
                                session.set_state(SessionState::Busy, "busy (HealthyBusy)");
                            }
                        }
                        // A slow answer is not an idle agent: ask again,
                        // a few times, before calling it gone.
                        Err(_) if unanswered < 5 => unanswered += 1,
                        _ => {
                            host.terminate(&session, "idle timeout").await;
                            return;
                        }
                    }
                }
            }
        });
    }

    /// Stop a session: its processes end and its root copy is removed.
    pub(crate) async fn terminate(&self, session: &Session, reason: &str) {
        if session.state() == SessionState::Stopped {
            return;
        }
        let child = session
            .child
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(mut child) = child {
            let _ = child.kill().await;
        }
        for relay in session
            .relays
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            relay.abort();
        }
        // The session's directory (its root copy, if any) goes with it (off
        // the async workers: a large image's copy takes a while to remove),
        // and its cgroups once its last process is gone.
        let dir = session.dir.clone();
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_dir_all(dir)).await;
        drop(
            session
                .cgroup
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take(),
        );
        session.set_state(SessionState::Stopped, &format!("stopped ({reason})"));
        tracing::info!(session = %session.id, reason, "session stopped");
    }

    /// Mark an invocation's start and end.
    pub(crate) fn begin(&self, session: &Session) {
        session.touch();
        session.invocations.fetch_add(1, Ordering::SeqCst);
        session.in_flight.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn end(&self, session: &Session) {
        session.touch();
        session.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Drop for SessionHost {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.work_dir);
        // The process's directory goes with its last platform.
        if let Some(parent) = self.work_dir.parent() {
            let _ = std::fs::remove_dir(parent);
        }
    }
}

/// Session directories of platforms that ended without cleaning up (killed,
/// crashed): `acc-sessions-<pid>` whose process is gone. Their root copies
/// would otherwise fill the disk run after run.
fn sweep_stale_work_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("acc-sessions-"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The pid of bwrap's first child (the one in the new namespaces), found
/// below the launcher `prlimit` exec'd into bwrap.
async fn namespace_pid(launcher: u32) -> Option<u32> {
    for _ in 0..500 {
        let children =
            std::fs::read_to_string(format!("/proc/{launcher}/task/{launcher}/children")).ok()?;
        if let Some(first) = children
            .split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
        {
            return Some(first);
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dead platform's session directory goes; a live one's stays.
    #[test]
    fn stale_session_directories_are_swept() {
        let tmp = std::env::temp_dir();
        // No process has this pid (above any pid_max).
        let dead = tmp.join(format!("acc-sessions-{}", u32::MAX - 1));
        let live = tmp.join(format!("acc-sessions-{}", std::process::id()));
        std::fs::create_dir_all(dead.join("platform-0/s-1/rootfs")).unwrap();
        std::fs::create_dir_all(&live).unwrap();
        sweep_stale_work_dirs();
        assert!(!dead.exists(), "{} survived", dead.display());
        assert!(live.exists(), "{} was swept", live.display());
        let _ = std::fs::remove_dir(&live);
    }
}
