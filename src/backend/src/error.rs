//! Turning SDK failures into messages that say what failed and what to do.

use aws_sdk_bedrockagentcorecontrol::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::error::display::DisplayErrorContext;

use crate::connection::{ContextInfo, ContextKind};

/// A failed backend call, ready to show to a person.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum BackendError {
    /// The service answered with an error (e.g. ResourceNotFoundException).
    #[error("{operation} failed: {code}: {message}")]
    Service {
        /// The operation that failed, e.g. `GetGateway` or `tools/call`.
        operation: String,
        /// The error code, e.g. `ResourceNotFoundException`.
        code: String,
        /// The service's message.
        message: String,
    },
    /// The request never got an answer: connection refused, DNS, TLS, timeout,
    /// or credentials could not be resolved.
    #[error("{operation} failed: {hint}{detail}")]
    Transport {
        /// The operation that failed, e.g. `ListGateways`.
        operation: String,
        /// The underlying error, with its chain of causes.
        detail: String,
        /// What to do about it, shown before `detail`; may be empty.
        hint: String,
    },
    /// The context's configuration cannot work (e.g. no region).
    #[error("{0}")]
    Config(String),
}

impl BackendError {
    /// Classifies an SDK error, adding a hint for the common fixes.
    pub(crate) fn from_sdk<E, R>(operation: &str, ctx: &ContextInfo, err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        if let SdkError::ServiceError(service) = &err {
            let e = service.err();
            return BackendError::Service {
                operation: operation.into(),
                code: e.code().unwrap_or("UnknownError").into(),
                message: e.message().unwrap_or("(no message)").into(),
            };
        }
        let detail = DisplayErrorContext(&err).to_string();
        BackendError::Transport {
            operation: operation.into(),
            hint: hint_for(&detail, ctx),
            detail,
        }
    }
}

fn hint_for(detail: &str, ctx: &ContextInfo) -> String {
    let lower = detail.to_lowercase();
    if lower.contains("credential") || lower.contains("token") && lower.contains("expired") {
        let profile = &ctx.name;
        return format!(
            "no usable AWS credentials for profile `{profile}`: run `aws sso login --profile {profile}`, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. Cause: "
        );
    }
    if lower.contains("connection refused") || lower.contains("dispatch failure") {
        return match ctx.kind {
            ContextKind::Aws => " — check your network and the region".into(),
            _ => format!(
                " — is a platform listening at {}? Start one with `acc serve`",
                ctx.endpoint
            ),
        };
    }
    String::new()
}
