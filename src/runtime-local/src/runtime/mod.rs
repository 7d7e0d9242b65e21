//! AgentCore Runtime: agent runtimes, their versions and endpoints (control
//! plane), invocations (data plane), the artifacts they run and how images
//! are unpacked, and the session host that runs one sandbox per session.

pub(crate) mod agent_runtimes;
pub(crate) mod artifacts;
pub(crate) mod endpoints;
pub(crate) mod image_unpack;
pub(crate) mod invocations;
pub(crate) mod session_host;
