//! Exit codes, and the failures that carry them to `run.rs`.
//!
//! 0 success; 1 the platform refused or failed the call, or the command
//! could not do its job; 2 bad arguments or input files (clap uses 2 for its
//! own usage errors too); 3 a named resource does not exist; 4 the platform
//! could not be reached (connection, credentials, region); 5 a change was
//! not confirmed, or was refused by `--readonly`.

use acc_backend::BackendError;
use acc_backend::policy::workflow::PolicyWorkflowError;

const EXIT_FAILED: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_NOT_FOUND: u8 = 3;
const EXIT_UNREACHABLE: u8 = 4;
const EXIT_REFUSED: u8 = 5;

/// Why a command stopped: its exit code and what to tell the operator.
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
    /// More than the one sentence, shown with `-v`: the chain of causes,
    /// or every reason of a refusal.
    pub(crate) detail: Option<String>,
}

impl From<BackendError> for Failure {
    fn from(e: BackendError) -> Self {
        let code = match &e {
            BackendError::Service { code, .. } if code == "ResourceNotFoundException" => {
                EXIT_NOT_FOUND
            }
            BackendError::Service { .. } => EXIT_FAILED,
            BackendError::Transport { .. } | BackendError::Config(_) => EXIT_UNREACHABLE,
        };
        Failure {
            code,
            message: e.to_string(),
            detail: e.detail().map(|chain| format!("cause: {chain}")),
        }
    }
}

impl From<PolicyWorkflowError> for Failure {
    fn from(e: PolicyWorkflowError) -> Self {
        match e {
            PolicyWorkflowError::Platform(e) => e.into(),
            // The edit comes from the command line's files.
            PolicyWorkflowError::Edit(message) => usage(message),
            e @ (PolicyWorkflowError::NoEngine { .. }
            | PolicyWorkflowError::Schema(_)
            | PolicyWorkflowError::Task(_)) => failed(e.to_string()),
        }
    }
}

/// A command that could not do its job (exit 1).
pub(crate) fn failed(message: String) -> Failure {
    Failure {
        code: EXIT_FAILED,
        message,
        detail: None,
    }
}

/// Bad arguments or input files (exit 2).
pub(crate) fn usage(message: String) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message,
        detail: None,
    }
}

/// A named resource that does not exist (exit 3).
pub(crate) fn not_found(message: String) -> Failure {
    Failure {
        code: EXIT_NOT_FOUND,
        message,
        detail: None,
    }
}

/// A change that was not confirmed or not allowed (exit 5).
pub(crate) fn refused(message: &str) -> Failure {
    Failure {
        code: EXIT_REFUSED,
        message: message.into(),
        detail: None,
    }
}

/// A change to the platform goes ahead only when confirmed, and never
/// read-only.
pub(crate) fn confirm(readonly: bool, yes: bool, what: &str) -> Result<(), Failure> {
    if readonly {
        return Err(refused(&format!("--readonly: refusing to {what}")));
    }
    if !yes {
        return Err(refused(&format!(
            "this would {what}; pass --yes to confirm"
        )));
    }
    Ok(())
}
