//! The headless commands: `acc` with a subcommand, the console's views for
//! scripts and CI. This file and `args.rs` hold the command-line grammar;
//! `run.rs` is the one dispatch; `exit.rs` the exit codes and failures;
//! `output.rs` the tables and `-o json`; `resolve.rs` finds a resource by
//! name or id; the other files are one command family each.
//!
//! A family file imports only `args`, `exit`, `output` and `resolve` (and,
//! inside a family folder, its siblings), never this file or `run.rs`: the
//! imports form no circle.

mod args;
mod artifact;
mod captures;
mod exit;
mod gateways;
mod invoke;
mod memory;
mod output;
mod policy;
mod resolve;
mod run;
mod runtime;
mod tools;
mod traces;

use std::path::PathBuf;

use acc_runtime_local::OtlpLimits;
use clap::{Args, Parser};

pub use args::{Command, Output};
pub(crate) use output::emit;
pub use run::execute;

/// The most spans, log records or data points `--otlp-max-*` may keep.
const MAX_OTLP_KEPT: i64 = 100_000_000;
/// The most exports `--otlp-queue` may hold waiting (each holds its body).
const MAX_OTLP_QUEUE: u64 = 4_096;

/// A terminal operations console for Amazon Bedrock AgentCore.
///
/// With no command, opens the console on the embedded local platform seeded
/// with a demo workspace. `--endpoint` targets any AgentCore-compatible
/// endpoint; `--profile`/`--region` target live AWS.
#[derive(Debug, Parser)]
#[command(name = "acc", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every command understands; `--help` lists them under their own
/// heading, apart from the command's own.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Use this AgentCore-compatible endpoint (e.g. from `acc serve`).
    #[arg(long, global = true, env = "ACC_ENDPOINT", conflicts_with = "profile")]
    pub endpoint: Option<String>,
    /// AWS profile for live AWS (SSO, assume-role and env credentials work).
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// AWS region for live AWS (or for a custom endpoint's ARNs).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Refuse every write (deletes, updates, tool calls).
    #[arg(long, global = true)]
    pub readonly: bool,
    /// Theme name (dark, light, high-contrast) or a path to a theme TOML file.
    #[arg(long, global = true, env = "ACC_THEME")]
    pub theme: Option<String>,
    /// Where the local platform keeps its SQLite state (default: XDG data dir).
    #[arg(long, global = true, conflicts_with = "ephemeral")]
    pub state_dir: Option<PathBuf>,
    /// Keep the local platform's state in memory only.
    #[arg(long, global = true)]
    pub ephemeral: bool,
    /// Do not seed the demo workspace into a fresh local platform.
    #[arg(long, global = true)]
    pub no_demo: bool,
    /// Also seed a `bulk-catalog` gateway with this many tools (benchmarks).
    #[arg(long, global = true, default_value_t = 0, hide = true)]
    pub bulk_tools: usize,
    /// Lambda bindings for the local platform: a TOML file binding function
    /// ARNs to local commands (default: $XDG_CONFIG_HOME/acc/functions.toml if present).
    #[arg(long, global = true, env = "ACC_FUNCTIONS")]
    pub functions: Option<PathBuf>,
    /// Where the local platform takes OTLP over gRPC. Without it, 4317
    /// beside the platform when that port is free.
    #[arg(long, global = true, value_name = "ADDR")]
    pub otlp_grpc: Option<std::net::SocketAddr>,
    /// Spans the local platform's OTLP receiver keeps before evicting the
    /// oldest (evictions are counted at `GET /local/otlp`).
    #[arg(long, global = true, value_name = "N", allow_negative_numbers = true, default_value_t = OtlpLimits::default().spans, value_parser = clap::value_parser!(i64).range(1..=MAX_OTLP_KEPT))]
    pub otlp_max_spans: i64,
    /// OTLP log records the local platform keeps before evicting the oldest.
    #[arg(long, global = true, value_name = "N", allow_negative_numbers = true, default_value_t = OtlpLimits::default().log_records, value_parser = clap::value_parser!(i64).range(1..=MAX_OTLP_KEPT))]
    pub otlp_max_log_records: i64,
    /// OTLP metric data points the local platform keeps before evicting the oldest.
    #[arg(long, global = true, value_name = "N", allow_negative_numbers = true, default_value_t = OtlpLimits::default().data_points, value_parser = clap::value_parser!(i64).range(1..=MAX_OTLP_KEPT))]
    pub otlp_max_data_points: i64,
    /// OTLP exports the local platform stores or holds waiting at once;
    /// one more is answered 503 (gRPC UNAVAILABLE) with Retry-After.
    #[arg(long, global = true, value_name = "N", allow_negative_numbers = true, default_value_t = OtlpLimits::default().queue as u64, value_parser = clap::value_parser!(u64).range(1..=MAX_OTLP_QUEUE))]
    pub otlp_queue: u64,
    /// Captured tool calls the local platform keeps before evicting the oldest.
    #[arg(long, global = true, default_value_t = acc_runtime_local::DEFAULT_CAPTURE_CAP)]
    pub capture_cap: usize,
    /// Each local session's memory limit in MiB (AgentCore's default: 8 GiB).
    #[arg(long, global = true, default_value_t = 8192, value_parser = clap::value_parser!(u64).range(64..))]
    pub session_memory_mib: u64,
    /// Processes and threads each local session may run together.
    #[arg(long, global = true, default_value_t = acc_runtime_local::DEFAULT_SESSION_MAX_PROCESSES, value_parser = clap::value_parser!(u64).range(16..))]
    pub session_max_processes: u64,
    /// Milliseconds after an event arrives before the local platform's
    /// rule-based memory extraction runs (AWS's model-driven extraction
    /// takes about a minute: 60000 mimics it).
    #[arg(long, global = true, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub memory_extraction_delay_ms: u64,
    /// Output format for headless commands.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = Output::Text)]
    pub output: Output,
    /// Say more: an error's full chain of causes, and the AWS SDK's warnings.
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,
}
