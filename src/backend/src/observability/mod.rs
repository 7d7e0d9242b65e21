//! AgentCore Observability: the spans agents export, read through CloudWatch
//! Logs (`aws/spans`), and the sessions derived from them.

pub(crate) mod insights;
pub(crate) mod log_scan;
pub(crate) mod traces;
pub(crate) mod transaction_search;
