//! The local AgentCore platform: an AWS-compatible API server on loopback,
//! persisted in SQLite. It speaks the same restJson1 wire protocol as
//! `aws-sdk-bedrockagentcorecontrol`, so the console (and boto3, the AWS CLI,
//! any SDK) reach it exactly as they reach AWS.
//!
//! Start it with [`start`]; the returned [`RunningPlatform`] tells where it
//! listens and stops it gracefully.
//!
//! One folder per AgentCore service (`gateway`, `policy`, `runtime`,
//! `identity`, `memory`, `observability`), the shared pieces in `platform`, and the
//! demo workspace in `demo`.

mod demo;
/// Entry points of the fuzz targets (`fuzz/`) and their corpus replay; not an API.
#[doc(hidden)]
pub mod fuzzing;
mod gateway;
mod identity;
mod memory;
mod observability;
mod platform;
mod policy;
mod runtime;

pub use gateway::function_bindings::{FunctionBinding, load_function_bindings};
pub use observability::otlp::limits::OtlpLimits;
pub use platform::config::{
    DATABASE_FILE_NAME, DEFAULT_CAPTURE_CAP, DEFAULT_SESSION_MAX_PROCESSES,
    DEFAULT_SESSION_MEMORY_BYTES, PlatformConfig, StateLocation, default_state_dir,
};
pub use platform::operations;
pub use platform::server::{RunningPlatform, SHUTDOWN_DEADLINE, start};

/// Run one of the demo workspace's functions (the backends of its Lambda
/// targets): `event_json` is the Lambda event, the answer is the function's
/// JSON result. `acc demo-function NAME` calls this with stdin and stdout.
/// `tool` is the qualified tool name the gateway passes in `ACC_TOOL_NAME`.
pub fn run_demo_function(name: &str, tool: &str, event_json: &str) -> Result<String, String> {
    demo::services::run_function(name, tool, event_json)
}

pub use demo::agent::serve as serve_demo_agent;
