//! Who called, as the inbound checks found: the caller's identity that
//! captures record and Cedar policies see, or why the request is refused.

use serde_json::{Map, Value};

/// Who called, as far as the gateway could verify.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CallerIdentity {
    /// A gateway with authorizer `NONE`: nobody was verified.
    Anonymous,
    /// A verified JWT: `sub` and every claim (the token itself is never kept).
    OAuthUser {
        sub: String,
        claims: Map<String, Value>,
    },
    /// An IAM principal (AWS_IAM gateways), by ARN.
    IamEntity { arn: String },
}

/// A request the gateway refuses before any JSON-RPC processing.
#[derive(Debug, Clone)]
pub(crate) struct AuthRejection {
    /// 401 (no or bad credentials) or 403 (valid token, not allowed).
    pub(crate) status: u16,
    /// The `WWW-Authenticate` header value, saying why (RFC 6750 style).
    pub(crate) www_authenticate: String,
    /// A human explanation for the body; never contains the token.
    pub(crate) message: String,
}

impl AuthRejection {
    /// RFC 6750 `invalid_token`: the token is missing a check.
    pub(crate) fn invalid_token(why: impl Into<String>) -> Self {
        Self::bearer(401, "invalid_token", why.into())
    }

    pub(crate) fn bearer(status: u16, error: &str, why: String) -> Self {
        // Quotes and backslashes would break the header's quoted-string.
        let description: String = why
            .chars()
            .map(|c| if c == '"' || c == '\\' { '\'' } else { c })
            .collect();
        Self {
            status,
            www_authenticate: format!(
                "Bearer realm=\"bedrock-agentcore-gateway\", error=\"{error}\", error_description=\"{description}\""
            ),
            message: format!("Unauthorized: {why}"),
        }
    }
}
