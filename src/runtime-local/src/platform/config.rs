//! How the platform is started: where its state lives, what it listens on,
//! and the limits and seeds it is given (`acc serve`'s options).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the platform keeps its state.
#[derive(Debug, Clone)]
pub enum StateLocation {
    /// A directory holding `platform.sqlite3` (created if missing).
    Dir(PathBuf),
    /// In memory only; gone when the process exits.
    Ephemeral,
}

/// The default state directory: `$XDG_DATA_HOME/acc` (usually `~/.local/share/acc`).
pub fn default_state_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("acc")
}

/// The name of the SQLite file inside a state directory.
pub const DATABASE_FILE_NAME: &str = "platform.sqlite3";

/// How to start the platform.
#[derive(Debug, Clone)]
pub struct PlatformConfig {
    /// Where state lives: a directory (persistent) or memory (ephemeral).
    pub state: StateLocation,
    /// Address to bind; loopback unless the user asks otherwise. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// Region reported in ARNs and URLs.
    pub region: String,
    /// Twelve-digit account id reported in ARNs.
    pub account_id: String,
    /// Seed the demo workspace into a fresh state (once per state dir).
    pub seed_demo: bool,
    /// When > 0, also ensure a gateway named `bulk-catalog` exists whose
    /// targets hold this many tools in total (for benchmarks of large catalogs).
    pub bulk_tools: usize,
    /// Refuse every mutating operation with `AccessDeniedException`, as AWS
    /// does for a principal without write permissions. Useful to show a
    /// workspace on a shared screen without risk.
    pub read_only: bool,
    /// Lambda ARNs bound to local commands (the `lambda` targets' backends).
    pub function_bindings: Vec<crate::gateway::function_bindings::FunctionBinding>,
    /// The command that runs the demo workspace's functions (`acc demo-function`);
    /// `None` leaves the demo's Lambda targets unbound.
    pub demo_function_command: Option<Vec<String>>,
    /// Captured tool calls kept; the oldest are evicted (and counted) beyond it.
    pub capture_cap: usize,
    /// The command that runs the demo agent (`acc demo-agent`); with
    /// `seed_demo`, the demo workspace hosts it as three runtimes.
    pub demo_agent_command: Option<Vec<String>>,
    /// The lowest `idleRuntimeSessionTimeout`/`maxLifetime` accepted, in
    /// seconds: AgentCore's 60 by default; lower it to rehearse timeouts
    /// quickly.
    pub min_session_timeout_s: i64,
    /// Each session's memory limit in bytes: AgentCore's 8 GiB by default.
    pub session_memory_bytes: u64,
    /// The most processes (and threads) one session may run at once.
    pub session_max_processes: u64,
    /// Accept `native:` artifacts (host commands) while listening beyond
    /// loopback. Off by default: anyone who can reach the platform could
    /// then run commands on this machine (`acc serve --allow-native-artifacts`).
    pub allow_native_remote: bool,
    /// The shortest time between two JWKS fetches for one issuer: a token
    /// whose `kid` is unknown within it is refused without asking again, so
    /// forged tokens cannot make the platform hammer an identity provider.
    pub jwks_refetch_interval: std::time::Duration,
    /// How long after an event arrives AgentCore Memory's (rule-based,
    /// local) extraction runs: about a second by default; AWS takes about
    /// a minute, which `Duration::from_secs(60)` mimics.
    pub memory_extraction_delay: std::time::Duration,
    /// AgentCore Memory data-plane writes in flight at once; more are
    /// answered with `ThrottledException` (429), as AWS throttles.
    pub memory_write_concurrency: usize,
    /// The OTLP receiver's limits: spans, log records and data points
    /// kept, and exports waiting for the store.
    pub otlp: crate::observability::otlp::limits::OtlpLimits,
    /// Where OTLP/gRPC listens (`acc serve --otlp-grpc`, 4317 beside the
    /// platform from the CLI); `None` serves OTLP over HTTP only.
    pub otlp_grpc: Option<SocketAddr>,
    /// Whether `otlp_grpc` is only a default: when its port is taken (by
    /// another `acc`), the platform starts without gRPC and says so, instead
    /// of failing. An address the user asked for must bind.
    pub otlp_grpc_optional: bool,
}

/// How long after an event local memory extraction runs, by default.
pub const DEFAULT_MEMORY_EXTRACTION_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// Memory data-plane writes in flight at once, by default.
pub const DEFAULT_MEMORY_WRITE_CONCURRENCY: usize = 512;

/// AgentCore's memory per session.
pub const DEFAULT_SESSION_MEMORY_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// Processes (and threads) per session by default, as Lambda allows.
pub const DEFAULT_SESSION_MAX_PROCESSES: u64 = 1024;

/// AgentCore's lower bound on a runtime's `idleRuntimeSessionTimeout` and
/// `maxLifetime`, in seconds (the default `min_session_timeout_s`).
const LIFECYCLE_MIN_S: i64 = 60;

/// Captured tool calls kept by default.
pub const DEFAULT_CAPTURE_CAP: usize = 100_000;

impl Default for PlatformConfig {
    fn default() -> Self {
        Self {
            state: StateLocation::Ephemeral,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            seed_demo: true,
            bulk_tools: 0,
            read_only: false,
            function_bindings: Vec::new(),
            demo_function_command: None,
            capture_cap: DEFAULT_CAPTURE_CAP,
            demo_agent_command: None,
            min_session_timeout_s: LIFECYCLE_MIN_S,
            session_memory_bytes: DEFAULT_SESSION_MEMORY_BYTES,
            session_max_processes: DEFAULT_SESSION_MAX_PROCESSES,
            allow_native_remote: false,
            jwks_refetch_interval: crate::identity::jwt::DEFAULT_JWKS_REFETCH_INTERVAL,
            memory_extraction_delay: DEFAULT_MEMORY_EXTRACTION_DELAY,
            memory_write_concurrency: DEFAULT_MEMORY_WRITE_CONCURRENCY,
            otlp: Default::default(),
            otlp_grpc: None,
            otlp_grpc_optional: false,
        }
    }
}
