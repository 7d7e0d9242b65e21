//! AgentCore Identity, as the console needs it: bearer tokens for JWT-authorized
//! gateways and runtimes.

pub(crate) mod bearer_tokens;
