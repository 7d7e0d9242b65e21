//! The console's only path to a platform. Every call goes through the
//! official AWS SDK clients: against live AWS with the real credential chain,
//! or against the local platform (or any AgentCore-compatible endpoint) with
//! an endpoint override. Results come back as `acc_domain` types.

mod bearer_tokens;
mod captured_calls;
mod connection;
mod error;
mod fan_out;
mod gateways;
mod mcp_tools;
mod policies;
pub mod policy_workflow;
mod runtimes;
mod schema_conversion;
mod transaction_search;

pub use acc_domain::{RUNTIME_LOG_PREFIX, SPANS_LOG_GROUP};
pub use captured_calls::CapturePage;
pub use connection::{Backend, ConnectTarget, ContextInfo, ContextKind, aws_profiles};
pub use error::BackendError;
pub use mcp_tools::{McpCatalog, SEARCH_TOOL, SearchHit};
pub use runtimes::{Invocation, RuntimeLogLine};
