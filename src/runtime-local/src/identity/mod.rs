//! AgentCore Identity as the platform's services meet it: who a caller is.
//! Gateways and runtimes share the inbound checks (`NONE`, `CUSTOM_JWT`
//! against the issuer's keys, `AWS_IAM` by SigV4 access key); the control
//! plane asks who stands behind a request (the operator, a session through
//! its relay, or the platform itself).

pub(crate) mod caller;
pub(crate) mod inbound_auth;
pub(crate) mod jwt;
pub(crate) mod requester;
