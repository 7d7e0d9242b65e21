//! AgentCore Observability: the CloudWatch Logs API over the platform's log
//! groups (`cloudwatch_logs`, named so it does not read like the platform's
//! own logging), and the OTLP receiver that keeps agents' spans (`otlp`).

pub(crate) mod cloudwatch_logs;
pub(crate) mod otlp;
