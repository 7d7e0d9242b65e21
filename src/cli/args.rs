//! The grammar of the headless commands: every subcommand, its flags and
//! arguments. Their doc comments are the `--help` text.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// How headless commands print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the local platform headless and print its URL.
    Serve {
        /// Address to listen on. Loopback by default; anything else exposes
        /// the platform to the network.
        #[arg(long, default_value = "127.0.0.1:4577")]
        listen: SocketAddr,
        /// Accept `native:` runtime artifacts (host commands) while listening
        /// beyond loopback: whoever reaches the port could run commands here.
        #[arg(long)]
        allow_native_artifacts: bool,
    },
    /// Gateways: list them or show one.
    #[command(alias = "gw", alias = "gateway")]
    Gateways {
        #[command(subcommand)]
        action: Option<GatewaysAction>,
    },
    /// The targets of a gateway.
    #[command(alias = "target")]
    Targets {
        /// Gateway id or name.
        gateway: String,
    },
    /// The tool catalog of a gateway: list, search and call its tools.
    #[command(alias = "tool")]
    Tools {
        #[command(subcommand)]
        action: ToolsAction,
    },
    /// Cedar policies: engines, policies, the gateway's schema, validation
    /// and dry-runs against captured calls.
    #[command(alias = "policies")]
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// Captured tool calls of a gateway, newest first (read from its
    /// APPLICATION_LOGS log group).
    #[command(alias = "cap", alias = "requests")]
    Captures {
        /// Gateway id or name.
        gateway: String,
        /// Only calls of this tool (`Target___tool`; a trailing `*` matches a prefix).
        #[arg(long)]
        tool: Option<String>,
        /// Only calls by this caller (JWT `sub` or IAM ARN).
        #[arg(long)]
        caller: Option<String>,
        /// Only calls with this outcome: ok, tool_error or denied.
        #[arg(long, value_parser = ["ok", "tool_error", "denied"])]
        outcome: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Agent runtimes: list them, or run an artifact as one.
    #[command(alias = "runtimes", alias = "rt")]
    Runtime {
        #[command(subcommand)]
        action: Option<RuntimeAction>,
    },
    /// Invoke an agent runtime and stream its answer to stdout as it
    /// arrives (text deltas of SSE frames; `--raw` for the exact bytes).
    Invoke {
        /// Runtime id, name or ARN.
        runtime: String,
        /// The payload: JSON text, or @file.
        #[arg(long)]
        payload: String,
        /// Reuse a session (33–256 characters); a new one otherwise.
        #[arg(long)]
        session: Option<String>,
        /// The user id forwarded to the agent.
        #[arg(long)]
        user: Option<String>,
        /// The endpoint to invoke (DEFAULT when absent).
        #[arg(long)]
        qualifier: Option<String>,
        /// Print the exact bytes of the answer.
        #[arg(long)]
        raw: bool,
    },
    /// Runtime sessions: state, age, idle time, invocations, CPU and
    /// memory (local); or stop one.
    #[command(alias = "session")]
    Sessions {
        #[command(subcommand)]
        action: Option<SessionsAction>,
    },
    /// A runtime's logs (stdout and stderr of its sessions).
    Logs {
        /// Runtime id, name or ARN.
        runtime: String,
        /// Only this session's stream.
        #[arg(long)]
        session: Option<String>,
        /// The endpoint whose log group to read.
        #[arg(long, default_value = "DEFAULT")]
        qualifier: String,
        /// Keep printing new lines as they arrive.
        #[arg(long, short)]
        follow: bool,
    },
    /// AgentCore Memory: memories, conversations, records, retrieval, the
    /// sensitive-data scan and erasure of an actor.
    #[command(alias = "mem", alias = "memories")]
    Memory {
        #[command(subcommand)]
        action: Option<MemoryAction>,
    },
    /// Traces from Transaction Search (`aws/spans`): the list (newest
    /// first), one trace with its logs and gateway calls, or a diff of two.
    #[command(alias = "trace")]
    Traces {
        #[command(subcommand)]
        action: Option<TracesAction>,
        /// Only this session's traces.
        #[arg(long)]
        session: Option<String>,
        /// Only traces of this runtime (its id, or the start of its service name).
        #[arg(long)]
        runtime: Option<String>,
        /// How far back: 15m, 1h, 6h, 7d.
        #[arg(long, default_value = "1h")]
        since: String,
        /// Only traces with an error span.
        #[arg(long)]
        errors: bool,
        /// A filter: `status=error gen_ai.request.model=… duration>2s`, any
        /// attribute with =, !=, ~ (contains), > and <, or bare words.
        #[arg(long)]
        filter: Option<String>,
    },
    /// Run the built-in demo agent: the AgentCore runtime contract (`/ping`,
    /// streaming `/invocations`) on port 8080, deterministic answers.
    DemoAgent {
        /// Address to listen on.
        #[arg(long, default_value = "0.0.0.0:8080")]
        listen: std::net::SocketAddr,
    },
    /// Run a demo workspace function (the local backend of the demo's Lambda
    /// targets): the event on stdin, the result on stdout.
    #[command(hide = true)]
    DemoFunction {
        /// The function's name (the last segment of its ARN).
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RuntimeAction {
    /// List every runtime (the default).
    List,
    /// Create a runtime from an artifact (or give the runtime of that name
    /// a new version): oci-archive:PATH, docker-archive:PATH, oci:DIR,
    /// rootfs:DIR or native:COMMAND.
    Run {
        artifact: String,
        /// The runtime's name.
        #[arg(long, default_value = "local_agent")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TracesAction {
    /// One trace: its span tree with the critical path, attributes, the log
    /// records joined to it (as a conversation) and its gateway calls with
    /// their Cedar decisions.
    Show {
        /// The trace id (32 hex digits).
        trace_id: String,
    },
    /// Two traces aligned by structure: added and removed spans, latency
    /// and token deltas.
    Diff {
        /// The first trace id (before).
        left: String,
        /// The second trace id (after).
        right: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MemoryAction {
    /// Every memory with its strategies and counts (the default).
    List,
    /// One memory: strategies with namespace templates, indexed keys,
    /// extraction jobs.
    Show {
        /// Memory id, name or ARN.
        memory: String,
    },
    /// The actors with events in a memory.
    Actors {
        /// Memory id, name or ARN.
        memory: String,
    },
    /// An actor's sessions.
    Sessions {
        /// Memory id, name or ARN.
        memory: String,
        actor: String,
    },
    /// A session's events as a conversation, with its branches.
    Events {
        /// Memory id, name or ARN.
        memory: String,
        actor: String,
        session: String,
        /// Only this branch (and the branches it forks from).
        #[arg(long)]
        branch: Option<String>,
    },
    /// Long-term records: all, in a namespace, or under a namespace path.
    Records {
        /// Memory id, name or ARN.
        memory: String,
        /// Exactly this namespace.
        #[arg(long, conflicts_with = "namespace_path")]
        namespace: Option<String>,
        /// This namespace and those under it.
        #[arg(long)]
        namespace_path: Option<String>,
        /// Only this strategy's records (its id).
        #[arg(long)]
        strategy: Option<String>,
    },
    /// The records most relevant to a query, with their scores.
    Retrieve {
        /// Memory id, name or ARN.
        memory: String,
        /// What to look for.
        query: String,
        /// Exactly this namespace.
        #[arg(long, conflicts_with = "namespace_path")]
        namespace: Option<String>,
        /// This namespace and those under it.
        #[arg(long)]
        namespace_path: Option<String>,
        /// Only this strategy's records (its id).
        #[arg(long)]
        strategy: Option<String>,
        /// How many records (1–100).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(i32).range(1..=100))]
        top_k: i32,
    },
    /// Scan events and records for personal data and secrets (shown masked).
    Scan {
        /// Memory id, name or ARN.
        memory: String,
    },
    /// Delete every record about an actor (across namespaces, in batches
    /// of 100) and every event of theirs. Asks for --yes; refused read-only.
    Erase {
        /// Memory id, name or ARN.
        memory: String,
        /// The actor to erase.
        #[arg(long)]
        actor: String,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionsAction {
    /// List every session (the default).
    List,
    /// One session: its lifecycle, invocation history, spans and log tail.
    Show {
        /// The runtime session id.
        session: String,
    },
    /// Stop a session (StopRuntimeSession). Asks for --yes; refused read-only.
    Stop {
        /// Runtime id, name or ARN.
        runtime: String,
        session: String,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum GatewaysAction {
    /// List every gateway (the default).
    List,
    /// Show one gateway in full.
    Get {
        /// Gateway id or name.
        gateway: String,
    },
    /// Delete a gateway (its targets must be deleted first).
    Delete {
        /// Gateway id or name.
        gateway: String,
        /// Confirm the deletion; without it nothing is deleted.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// List the policy engines.
    Engines,
    /// List an engine's policies with their status and statements.
    List {
        /// Policy engine id or name.
        engine: String,
    },
    /// Print the Cedar schema generated from a gateway's tools.
    Schema {
        /// Gateway id or name.
        gateway: String,
    },
    /// Validate Cedar files against a gateway's schema (strict), printing
    /// `file:line:column: error: …`; exits 1 when there are errors.
    Validate {
        /// Gateway id or name.
        gateway: String,
        /// Files of Cedar statements.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also analyse each statement symbolically, with the policies of
        /// the gateway's engine, for allow-all / allow-none / deny-all /
        /// deny-none findings (needs cvc5), as FAIL_ON_ANY_FINDINGS would.
        #[arg(long)]
        findings: bool,
    },
    /// Create or update a policy from a file of one Cedar statement
    /// (CreatePolicy / UpdatePolicy). Asks for --yes; refused read-only.
    Push {
        /// Policy engine id or name.
        engine: String,
        /// The statement.
        file: PathBuf,
        /// The policy's name (default: the file's stem).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Accept the policy even when the symbolic analysis has findings
        /// (IGNORE_ALL_FINDINGS); by default findings fail it.
        #[arg(long)]
        ignore_findings: bool,
        /// The policy only records its decisions (enforcementMode LOG_ONLY);
        /// `--active` makes it decide again. Without either, an existing
        /// policy keeps its mode and a new one is ACTIVE.
        #[arg(long, conflicts_with = "active")]
        log_only: bool,
        /// The policy decides (enforcementMode ACTIVE).
        #[arg(long)]
        active: bool,
        /// Confirm; without it nothing is pushed.
        #[arg(long)]
        yes: bool,
    },
    /// Switch a gateway's policy engine between log-only and enforce.
    /// Asks for --yes; refused read-only.
    Mode {
        /// Gateway id or name.
        gateway: String,
        #[arg(value_parser = ["log-only", "enforce"])]
        mode: String,
        /// Confirm; without it nothing changes.
        #[arg(long)]
        yes: bool,
    },
    /// Dry-run an edit of the gateway's policies against its captured calls:
    /// the decision before and after, per call, and the flips.
    DryRun {
        /// Gateway id or name.
        gateway: String,
        #[command(flatten)]
        calls: CallSelection,
        /// Show only the calls whose decision flips.
        #[arg(long)]
        flips_only: bool,
        /// Exit 1 when any decision flips (for CI).
        #[arg(long)]
        fail_on_flip: bool,
        /// Skip the symbolic per-action comparison (it needs cvc5).
        #[arg(long)]
        no_symbolic: bool,
        #[command(flatten)]
        edit: PolicyEdit,
    },
    /// Save captured calls as a policy test file (the `cedar run-tests` JSON
    /// format), expecting the decisions the (edited) policies give them.
    SaveTests {
        /// Gateway id or name.
        gateway: String,
        /// The test file to write.
        out: PathBuf,
        #[command(flatten)]
        calls: CallSelection,
        #[command(flatten)]
        edit: PolicyEdit,
    },
    /// Run a policy test file (`cedar run-tests` JSON) against an engine's
    /// policies (with an edit); exits 1 when a test fails.
    Test {
        /// Policy engine id or name.
        #[arg(long)]
        engine: String,
        /// The test file.
        tests: PathBuf,
        #[command(flatten)]
        edit: PolicyEdit,
    },
    /// Write an engine's deciding policies (with an edit) to
    /// `DIR/<engine>.cedar`, each under an `@id` annotation, for
    /// `cedar run-tests --policies` on the files `save-tests` writes.
    Export {
        /// Policy engine id or name.
        engine: String,
        /// The directory to write into (created when missing).
        dir: PathBuf,
        #[command(flatten)]
        edit: PolicyEdit,
    },
}

/// An edit of an engine's policies, for dry-runs and tests.
#[derive(Debug, Clone, Default, Args)]
pub struct PolicyEdit {
    /// Files of Cedar statements to add to the engine's policies.
    pub files: Vec<PathBuf>,
    /// Replace the engine's policy NAME with a file's statement: NAME=FILE.
    #[arg(long, value_name = "NAME=FILE")]
    pub replace: Vec<String>,
    /// Leave the engine's policy NAME out.
    #[arg(long, value_name = "NAME")]
    pub remove: Vec<String>,
}

/// Which captured calls to use.
#[derive(Debug, Clone, Args)]
pub struct CallSelection {
    /// Only calls of this tool (a trailing `*` matches a prefix).
    #[arg(long)]
    pub tool: Option<String>,
    /// Only calls by this caller.
    #[arg(long)]
    pub caller: Option<String>,
    /// At most this many captured calls (newest).
    #[arg(long, default_value_t = acc_backend::policy::workflow::DRY_RUN_CALLS)]
    pub limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum ToolsAction {
    /// List the gateway's tools through its MCP endpoint (every page), or
    /// from the targets' schemas when the endpoint can't be reached.
    List {
        /// Gateway id or name.
        gateway: String,
        /// Show each tool's input schema tree.
        #[arg(long)]
        schema: bool,
    },
    /// Rank the gateway's tools for a task, with its built-in search tool
    /// (a local fuzzy match when the gateway has none).
    Search {
        /// Gateway id or name.
        gateway: String,
        /// What you want to do, in words.
        query: String,
    },
    /// Call a tool: arguments are checked against its input schema first.
    Call {
        /// Gateway id or name.
        gateway: String,
        /// `Target___tool`.
        tool: String,
        /// The arguments as a JSON object; `-` reads them from stdin.
        #[arg(long, default_value = "{}")]
        args: String,
        /// Read the arguments from this file.
        #[arg(long, conflicts_with = "args")]
        args_file: Option<PathBuf>,
        /// Call as this OAuth client of the gateway's issuer (a CUSTOM_JWT
        /// gateway's allowed client, e.g. the demo's ops-assistant), so its
        /// policies decide for that caller.
        #[arg(long = "as", value_name = "CLIENT")]
        caller: Option<String>,
        /// Print the call as a curl command (the token as $ACC_TOKEN, AWS
        /// keys as their env vars) instead of sending it.
        #[arg(long)]
        curl: bool,
    },
}
