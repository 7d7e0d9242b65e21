//! The OAuth 2.0 client-credentials grant, as MCP clients use it to get a
//! gateway's bearer token (machine-to-machine): the issuer's token endpoint
//! comes from its OpenID discovery document. Secrets and tokens are never
//! put in error messages.

use serde_json::Value;

/// A token granted to a client.
#[derive(Clone)]
pub struct Grant {
    /// The bearer token.
    pub access_token: String,
    /// Its lifetime in seconds, when the issuer said.
    pub expires_in: Option<u64>,
}

impl std::fmt::Debug for Grant {
    // The token is a secret: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("access_token", &"****")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// The `token_endpoint` of the issuer whose discovery document is at `discovery`.
pub async fn token_endpoint(http: &reqwest::Client, discovery: &str) -> Result<String, String> {
    let document: Value = http
        .get(discovery)
        .send()
        .await
        .map_err(|e| format!("cannot fetch {discovery}: {e}"))?
        .json()
        .await
        .map_err(|e| format!("{discovery} is not an OpenID configuration: {e}"))?;
    document["token_endpoint"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{discovery} names no token_endpoint"))
}

/// Ask `endpoint` for a token for `client_id` (with `scope`, when given).
pub async fn client_credentials(
    http: &reqwest::Client,
    endpoint: &str,
    client_id: &str,
    secret: &str,
    scope: Option<&str>,
) -> Result<Grant, String> {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
    ];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    let response = http
        .post(endpoint)
        .form(&form)
        .send()
        .await
        .map_err(|e| format!("cannot reach {endpoint}: {e}"))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    match body["access_token"].as_str() {
        Some(token) => Ok(Grant {
            access_token: token.to_owned(),
            expires_in: body["expires_in"].as_u64(),
        }),
        None => Err(format!(
            "{endpoint} refused client {client_id} (HTTP {status}: {})",
            body.get("error").cloned().unwrap_or(Value::Null)
        )),
    }
}
