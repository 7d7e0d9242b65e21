//! A demo OpenID provider served by the platform under `/demo/idp`, so the
//! demo's CUSTOM_JWT gateway can be called out of the box: discovery, JWKS and
//! a client-credentials token endpoint. Its ES256 key is made at startup and
//! never leaves the process, so its tokens die with the platform.

use std::sync::OnceLock;

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Deserialize;
use serde_json::{Value, json};

/// The demo clients' shared secret: not a secret, the issuer only exists here.
pub(crate) const DEMO_CLIENT_SECRET: &str = "acc-demo";
/// The audience every demo token carries (the demo hub gateway allows it).
const AUDIENCE: &str = "enterprise-hub";
/// Demo tokens live this long.
const TOKEN_LIFETIME_SECONDS: i64 = 3600;
const KEY_ID: &str = "acc-demo-es256";

/// The demo's agents, with the claims policies can look at.
struct DemoClient {
    id: &'static str,
    department: &'static str,
    role: &'static str,
    tenant: &'static str,
}

const CLIENTS: &[DemoClient] = &[
    DemoClient {
        id: "sales-copilot",
        department: "sales",
        role: "agent",
        tenant: "northwind",
    },
    DemoClient {
        id: "support-triage",
        department: "support",
        role: "agent",
        tenant: "northwind",
    },
    DemoClient {
        id: "ops-assistant",
        department: "operations",
        role: "operator",
        tenant: "northwind",
    },
];

struct SigningKey {
    encoding: EncodingKey,
    public: Jwk,
}

fn signing_key() -> Result<&'static SigningKey, String> {
    static KEY: OnceLock<Result<SigningKey, String>> = OnceLock::new();
    KEY.get_or_init(|| {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .map_err(|_| "cannot generate the demo signing key".to_owned())?;
        let der = pair
            .to_pkcs8v1()
            .map_err(|_| "cannot encode the demo signing key".to_owned())?;
        let encoding = EncodingKey::from_ec_der(der.as_ref());
        let mut public = Jwk::from_encoding_key(&encoding, Algorithm::ES256)
            .map_err(|e| format!("cannot describe the demo signing key: {e}"))?;
        public.common.key_id = Some(KEY_ID.to_owned());
        Ok(SigningKey { encoding, public })
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The demo issuer of the platform at an endpoint URL: its tokens' `iss`.
#[derive(Debug, Clone)]
pub(crate) struct DemoIssuer(String);

impl DemoIssuer {
    /// The issuer of the platform at `endpoint_url`.
    pub(crate) fn of(endpoint_url: &str) -> Self {
        Self(format!("{endpoint_url}/demo/idp"))
    }
}

/// The OIDC discovery URL of the demo issuer of the platform at `endpoint_url`.
pub(crate) fn discovery_url(endpoint_url: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        DemoIssuer::of(endpoint_url).0
    )
}

/// Routes of the demo identity provider.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    DemoIssuer: FromRef<S>,
{
    Router::new()
        .route("/demo/idp/.well-known/openid-configuration", get(discovery))
        .route("/demo/idp/jwks.json", get(jwks))
        .route("/demo/idp/token", post(token))
}

async fn discovery(State(DemoIssuer(issuer)): State<DemoIssuer>) -> Json<Value> {
    Json(json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/jwks.json"),
        "token_endpoint": format!("{issuer}/token"),
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
    }))
}

async fn jwks() -> Response {
    match signing_key() {
        Ok(key) => Json(JwkSet {
            keys: vec![key.public.clone()],
        })
        .into_response(),
        Err(e) => oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e),
    }
}

#[derive(Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
}

/// RFC 6749 §4.4: client credentials in the form body.
async fn token(
    State(DemoIssuer(issuer)): State<DemoIssuer>,
    Form(request): Form<TokenRequest>,
) -> Response {
    if request.grant_type.as_deref() != Some("client_credentials") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "the demo identity provider only grants client_credentials",
        );
    }
    let client = CLIENTS
        .iter()
        .find(|c| Some(c.id) == request.client_id.as_deref());
    let Some(client) =
        client.filter(|_| request.client_secret.as_deref() == Some(DEMO_CLIENT_SECRET))
    else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret (demo clients: sales-copilot, support-triage, ops-assistant; secret acc-demo)",
        );
    };
    let key = match signing_key() {
        Ok(key) => key,
        Err(e) => return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e),
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let scope = request.scope.unwrap_or_else(|| "tools".to_owned());
    let claims = json!({
        "iss": issuer,
        "sub": client.id,
        "aud": AUDIENCE,
        "client_id": client.id,
        "scope": scope,
        "token_use": "access",
        "iat": now,
        "nbf": now,
        "exp": now + TOKEN_LIFETIME_SECONDS,
        "jti": uuid::Uuid::new_v4().to_string(),
        "department": client.department,
        "role": client.role,
        "tenant": client.tenant,
    });
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(KEY_ID.to_owned());
    match jsonwebtoken::encode(&header, &claims, &key.encoding) {
        Ok(token) => Json(json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "scope": scope,
        }))
        .into_response(),
        Err(e) => oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            &format!("cannot sign the token: {e}"),
        ),
    }
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}
