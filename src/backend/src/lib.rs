//! The console's only path to a platform. Every call goes through the
//! official AWS SDK clients: against live AWS with the real credential chain,
//! or against the local platform (or any AgentCore-compatible endpoint) with
//! an endpoint override. Results come back as `acc_domain` types.

mod connection;
mod error;
mod fan_out;
mod gateway;
mod identity;
mod memory;
mod observability;
pub mod policy;
mod runtime;

pub use acc_domain::{RUNTIME_LOG_PREFIX, SPANS_LOG_GROUP};
pub use connection::{
    Backend, ConnectTarget, ContextInfo, ContextKind, NamedEndpoint, aws_profiles, contexts_file,
    named_endpoints,
};
pub use error::BackendError;
pub use gateway::{CapturePage, McpCatalog, SEARCH_TOOL, SearchHit};
pub use memory::{ErasePlan, EraseReport, RecordScope};
pub use observability::traces::{DEFAULT_SINCE_MS, TraceList, is_trace_id};
pub use runtime::{Invocation, RuntimeLogLine};
