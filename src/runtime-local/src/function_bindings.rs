//! Local commands that stand in for Lambda functions: a `lambda` target's
//! ARN is bound to a command that gets the event JSON on stdin and answers
//! JSON on stdout.

use std::time::Duration;

/// One Lambda ARN bound to a local command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionBinding {
    /// The function ARN as the target configuration names it.
    pub arn: String,
    /// Program and arguments.
    pub command: Vec<String>,
    /// Killed and reported as a tool error after this long.
    pub timeout: Duration,
}
