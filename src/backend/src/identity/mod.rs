//! AgentCore Identity, as the console needs it: bearer tokens for JWT-authorized
//! gateways and runtimes, and SigV4 signatures for `AWS_IAM` gateways.

pub(crate) mod bearer_tokens;
pub(crate) mod sigv4_signing;
