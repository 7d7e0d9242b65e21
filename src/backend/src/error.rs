//! Turning SDK failures into messages that say what failed and what to do.

use aws_sdk_bedrockagentcorecontrol::error::{ProvideErrorMetadata, SdkError};

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
    #[error("{operation} failed: {cause}{hint}")]
    Transport {
        /// The operation that failed, e.g. `ListGateways`.
        operation: String,
        /// What went wrong, in a few words a person can act on.
        cause: String,
        /// What to do about it, starting with `. ` (or `; `); may be empty.
        hint: String,
        /// The underlying error with its chain of causes, for `-v` or the
        /// console's detail key; never part of the one-line message.
        detail: String,
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
        let detail = error_chain(&err);
        let (cause, hint) = diagnose(&detail, ctx);
        BackendError::Transport {
            operation: operation.into(),
            cause,
            hint,
            detail,
        }
    }

    /// The full chain of causes behind a transport failure, for a person who
    /// asks for more (`-v`, or the console's detail key).
    pub fn detail(&self) -> Option<&str> {
        match self {
            BackendError::Transport { detail, .. } => Some(detail),
            _ => None,
        }
    }
}

/// An error and its sources, joined by `: `, each said once (SDK errors
/// repeat their source's text).
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// A short cause and what to do, from the chain of causes.
fn diagnose(detail: &str, ctx: &ContextInfo) -> (String, String) {
    let lower = detail.to_lowercase();
    if lower.contains("credential") || lower.contains("token") && lower.contains("expired") {
        return ("no usable AWS credentials".into(), credentials_hint(ctx));
    }
    let reach = match ctx.kind {
        ContextKind::Aws => ". Check your network and the region".to_owned(),
        _ => ". Is a platform running there? Start one with `acc serve`, or check --endpoint"
            .to_owned(),
    };
    let endpoint = &ctx.endpoint;
    if lower.contains("connection refused") {
        return (format!("nothing is listening at {endpoint}"), reach);
    }
    if lower.contains("dns error") || lower.contains("failed to lookup address") {
        return (format!("the host of {endpoint} cannot be resolved"), reach);
    }
    if lower.contains("timed out") || lower.contains("timeout") {
        return (format!("{endpoint} did not answer in time"), reach);
    }
    if lower.contains("dispatch failure") || lower.contains("connect") {
        return (format!("cannot reach {endpoint}"), reach);
    }
    let root = detail.rsplit(": ").next().unwrap_or(detail);
    (root.to_owned(), String::new())
}

/// Where to get credentials: a profile that exists may need a fresh SSO
/// login; one that doesn't exist needs configuring first.
fn credentials_hint(ctx: &ContextInfo) -> String {
    let profile = &ctx.name;
    if crate::connection::aws_profiles().contains(profile) {
        format!(
            ". Refresh profile `{profile}`: `aws sso login --profile {profile}` if it uses SSO, \
             or renew its keys"
        )
    } else {
        ". No AWS profile or keys are configured: run `aws configure` (or `aws configure sso`), \
         pass --profile with a profile from ~/.aws/config, or set AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY"
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(kind: ContextKind, name: &str) -> ContextInfo {
        ContextInfo {
            kind,
            name: name.into(),
            region: Some("us-east-1".into()),
            endpoint: "http://127.0.0.1:1".into(),
        }
    }

    #[test]
    fn a_refused_connection_reads_as_one_sentence_without_debug_dumps() {
        let detail = "dispatch failure: io error: client error (Connect): tcp connect error: \
                      Connection refused (os error 111)";
        let (cause, hint) = diagnose(detail, &ctx(ContextKind::Endpoint, "endpoint"));
        let message = format!("ListGateways failed: {cause}{hint}");
        assert_eq!(
            message,
            "ListGateways failed: nothing is listening at http://127.0.0.1:1. Is a platform \
             running there? Start one with `acc serve`, or check --endpoint"
        );
    }

    #[test]
    fn a_missing_profile_is_not_told_to_log_in() {
        let (cause, hint) = diagnose(
            "an error occurred while loading credentials",
            &ctx(ContextKind::Aws, "no-such-profile-for-acc-tests"),
        );
        assert_eq!(cause, "no usable AWS credentials");
        assert!(!hint.contains("sso login"), "{hint}");
        assert!(hint.contains("aws configure"), "{hint}");
    }
}
