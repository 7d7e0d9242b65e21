//! Inbound authorization, as AgentCore does it for gateways (`NONE`,
//! `CUSTOM_JWT`, `AWS_IAM`) and for agent runtimes (SigV4 or a bearer JWT):
//! the request's credentials against the resource's authorizer. The
//! verified claims become the caller's identity.

use axum::http::{HeaderMap, header};
use serde::Deserialize;
use serde_json::Value;

use crate::identity::caller::{AuthRejection, CallerIdentity};
use crate::identity::jwt::{JwtAuthorizer, JwtVerifier};

/// What the inbound checks need: the JWT verifier with its caches, the
/// client that fetches discovery documents and keys, and the account that
/// IAM callers' ARNs name.
#[derive(Debug)]
pub(crate) struct InboundAuth {
    /// Verifies JWTs; caches discovery documents and keys.
    pub(crate) jwt: JwtVerifier,
    /// Fetches OIDC discovery documents and JWKS.
    pub(crate) http: reqwest::Client,
    /// The account in IAM callers' ARNs.
    pub(crate) account_id: String,
}

impl InboundAuth {
    /// Check the request's credentials against the gateway's authorizer
    /// (`gateway` is the stored gateway document: `authorizerType`,
    /// `authorizerConfiguration`).
    pub(crate) async fn authenticate(
        &self,
        gateway: &Value,
        headers: &HeaderMap,
    ) -> Result<CallerIdentity, AuthRejection> {
        match gateway.get("authorizerType").and_then(Value::as_str) {
            Some("NONE") | None => Ok(CallerIdentity::Anonymous),
            Some("CUSTOM_JWT") => {
                let authorizer = gateway
                    .pointer("/authorizerConfiguration/customJWTAuthorizer")
                    .unwrap_or(&Value::Null);
                self.verify_bearer(authorizer, headers).await
            }
            Some("AWS_IAM") => self.iam_caller(headers),
            Some(other) => Err(AuthRejection {
                status: 401,
                www_authenticate: "Bearer realm=\"bedrock-agentcore-gateway\"".into(),
                message: format!("authorizer type {other} is not supported by the local gateway"),
            }),
        }
    }

    /// Check the request's bearer token against a `customJWTAuthorizer`
    /// document (a gateway's or an agent runtime's).
    pub(crate) async fn verify_bearer(
        &self,
        authorizer: &Value,
        headers: &HeaderMap,
    ) -> Result<CallerIdentity, AuthRejection> {
        let authorizer = JwtAuthorizer::deserialize(authorizer).map_err(|_| AuthRejection {
            status: 500,
            www_authenticate: "Bearer realm=\"bedrock-agentcore\"".into(),
            message: "The customJWTAuthorizer configuration is unreadable; update the resource."
                .into(),
        })?;
        let token = bearer_token(headers)?;
        self.jwt.verify(&self.http, &authorizer, token).await
    }

    /// AWS_IAM: locally the SigV4 signature is not verified (there are no real
    /// secrets to check it against); the access key names the caller.
    fn iam_caller(&self, headers: &HeaderMap) -> Result<CallerIdentity, AuthRejection> {
        let unsigned = || AuthRejection {
            status: 403,
            www_authenticate: "AWS4-HMAC-SHA256".into(),
            message: "Missing Authentication Token: this gateway uses AWS_IAM; sign the request \
                      with SigV4 (service bedrock-agentcore)."
                .into(),
        };
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(unsigned)?;
        let credential = value
            .strip_prefix("AWS4-HMAC-SHA256 ")
            .and_then(|rest| rest.split("Credential=").nth(1))
            .ok_or_else(unsigned)?;
        let access_key = credential.split('/').next().unwrap_or_default();
        if access_key.is_empty() {
            return Err(unsigned());
        }
        Ok(CallerIdentity::IamEntity {
            arn: format!("arn:aws:iam::{}:user/{access_key}", self.account_id),
        })
    }
}

fn bearer_token(headers: &HeaderMap) -> Result<&str, AuthRejection> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(AuthRejection {
            status: 401,
            www_authenticate: "Bearer realm=\"bedrock-agentcore-gateway\"".into(),
            message: "Unauthorized: this resource requires a bearer token \
                      (Authorization: Bearer <JWT from its identity provider>)."
                .into(),
        });
    };
    let value = value.to_str().unwrap_or_default();
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(AuthRejection::bearer(
            401,
            "invalid_request",
            "the Authorization header is not 'Bearer <token>'".into(),
        )),
    }
}
