//! AgentCore Identity as the platform's services meet it: who a caller is.
//! Gateways and runtimes share the inbound checks (`NONE`, `CUSTOM_JWT`
//! against the issuer's keys, `AWS_IAM` by SigV4 access key).

pub(crate) mod inbound_auth;
