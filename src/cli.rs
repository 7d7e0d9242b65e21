//! Command-line grammar.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

/// Flags every command understands.
#[derive(Debug, Args)]
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
    /// Output format for headless commands.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

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
    /// The tool catalog of a gateway.
    #[command(alias = "tool")]
    Tools {
        #[command(subcommand)]
        action: ToolsAction,
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
pub enum ToolsAction {
    /// List the tools the gateway's targets declare.
    List {
        /// Gateway id or name.
        gateway: String,
        /// Show each tool's input schema tree.
        #[arg(long)]
        schema: bool,
    },
}
