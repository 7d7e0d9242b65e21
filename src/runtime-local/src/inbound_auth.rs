//! Inbound authorization of gateway MCP requests, as AgentCore does it:
//! `NONE`, or `CUSTOM_JWT` (OIDC discovery, JWKS, and the claim checks).
//! The verified claims become the caller's identity that captures record and
//! Cedar policies see.

use axum::http::HeaderMap;
use serde_json::{Map, Value};

use crate::platform_state::PlatformState;

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

/// Caches of discovery documents and JWKS, shared by every gateway.
#[derive(Debug, Default)]
pub(crate) struct JwtVerifier {}

/// Check the request's credentials against the gateway's authorizer
/// (`gateway` is the stored gateway document: `authorizerType`,
/// `authorizerConfiguration`).
pub(crate) async fn authenticate(
    _state: &PlatformState,
    gateway: &Value,
    _headers: &HeaderMap,
) -> Result<CallerIdentity, AuthRejection> {
    match gateway.get("authorizerType").and_then(Value::as_str) {
        Some("NONE") | None => Ok(CallerIdentity::Anonymous),
        Some(other) => Err(AuthRejection {
            status: 401,
            www_authenticate: "Bearer error=\"invalid_request\"".into(),
            message: format!("authorizer {other} is not supported by the local gateway yet"),
        }),
    }
}
