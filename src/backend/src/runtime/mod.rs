//! AgentCore Runtime: agent runtimes, their endpoints and sessions, invocations
//! with their streamed answers, and the runtime's logs.

mod runtimes;

pub use runtimes::{Invocation, RuntimeLogLine};
