//! Bearer tokens for JWT-authorized resources (CUSTOM_JWT gateways, and
//! agent runtimes with a customJWTAuthorizer), first match wins:
//! 1. `ACC_GATEWAY_TOKEN` (gateways) or `ACC_RUNTIME_TOKEN` (runtimes);
//! 2. the tokens file (`$XDG_CONFIG_HOME/acc/gateways.toml`, or
//!    `ACC_GATEWAYS_FILE`), by the resource's name or id:
//!    ```toml
//!    [gateway.enterprise-hub]
//!    token_env = "HUB_TOKEN"            # a token from an env var, or
//!    client_id = "sales-copilot"        # OAuth client credentials against the
//!    client_secret_env = "HUB_SECRET"   # discovery document's token_endpoint
//!    scope = "tools"
//!
//!    [runtime.triage_agent]             # the same keys, for a runtime
//!    client_id = "support-triage"
//!    client_secret_env = "TRIAGE_SECRET"
//!    ```
//! 3. for a resource whose issuer is the local platform's demo identity
//!    provider, its demo client (`sales-copilot` / `acc-demo`, not a secret).
//!
//! Tokens from client credentials are cached until shortly before expiry.
//! Tokens and secrets are never logged or shown.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use acc_domain::{AgentRuntime, Gateway};
use serde::Deserialize;

use crate::error::BackendError;

/// The demo identity provider's client the console uses by default.
const DEMO_CLIENT: (&str, &str) = ("sales-copilot", "acc-demo");

#[derive(Debug, Default, Deserialize)]
struct TokensFile {
    #[serde(default)]
    gateway: HashMap<String, ClientAuth>,
    #[serde(default)]
    runtime: HashMap<String, ClientAuth>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientAuth {
    token_env: Option<String>,
    client_id: Option<String>,
    client_secret_env: Option<String>,
    scope: Option<String>,
}

/// A token endpoint and the client id asking it.
type ClientKey = (String, String);
/// A token and when it stops being worth sending.
type CachedToken = (String, Instant);

/// Cached tokens by (discovery URL, client id).
static CACHE: LazyLock<Mutex<HashMap<ClientKey, CachedToken>>> = LazyLock::new(Default::default);

/// A resource that takes bearer tokens.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JwtResource<'a> {
    /// `gateway` or `runtime`: the tokens file's table and the env var.
    kind: &'static str,
    name: &'a str,
    id: &'a str,
    discovery_url: Option<&'a str>,
}

impl<'a> JwtResource<'a> {
    /// A CUSTOM_JWT gateway; `None` for the others.
    pub(crate) fn gateway(gateway: &'a Gateway) -> Option<Self> {
        (gateway.authorizer_type == "CUSTOM_JWT").then_some(Self {
            kind: "gateway",
            name: &gateway.name,
            id: &gateway.id,
            discovery_url: gateway.discovery_url.as_deref(),
        })
    }

    /// A runtime (whatever its authorizer: the caller asked for a token).
    pub(crate) fn runtime(runtime: &'a AgentRuntime) -> Self {
        Self {
            kind: "runtime",
            name: &runtime.name,
            id: &runtime.id,
            discovery_url: runtime.discovery_url.as_deref(),
        }
    }

    fn env_var(self) -> &'static str {
        if self.kind == "gateway" {
            "ACC_GATEWAY_TOKEN"
        } else {
            "ACC_RUNTIME_TOKEN"
        }
    }

    fn problem(self, why: &str) -> BackendError {
        BackendError::Config(format!(
            "{kind} {name} needs a bearer token (it is JWT-authorized): {why}. Set {var}, or add \
             [{kind}.{name}] with token_env or client_id/client_secret_env to \
             $XDG_CONFIG_HOME/acc/gateways.toml",
            kind = self.kind,
            name = self.name,
            var = self.env_var(),
        ))
    }
}

/// The token to send to `resource`. `endpoint` is the platform the console
/// is connected to (for the demo issuer).
pub(crate) async fn token_for(
    http: &reqwest::Client,
    resource: JwtResource<'_>,
    endpoint: &str,
) -> Result<String, BackendError> {
    if let Ok(token) = std::env::var(resource.env_var())
        && !token.is_empty()
    {
        return Ok(token);
    }
    let configured = configured(resource)?;
    if let Some(var) = &configured.token_env {
        return match std::env::var(var) {
            Ok(token) if !token.is_empty() => Ok(token),
            _ => Err(resource.problem(&format!("the env var {var} named by token_env is empty"))),
        };
    }
    let discovery = resource
        .discovery_url
        .ok_or_else(|| resource.problem("it has no discovery URL"))?;
    let (client_id, secret) = match (&configured.client_id, &configured.client_secret_env) {
        (Some(id), Some(var)) => (
            id.clone(),
            std::env::var(var).map_err(|_| {
                resource.problem(&format!("the env var {var} (client_secret_env) is not set"))
            })?,
        ),
        _ if is_demo_issuer(discovery, endpoint) => {
            (DEMO_CLIENT.0.to_owned(), DEMO_CLIENT.1.to_owned())
        }
        _ => return Err(resource.problem("none is configured")),
    };
    client_credentials(
        http,
        resource,
        discovery,
        &client_id,
        &secret,
        configured.scope.as_deref(),
    )
    .await
}

/// The token of OAuth client `client_id` for `resource` (the caller chosen
/// in the call dialog, `acc tools call --as`): its secret from the tokens
/// file when that names this client, else the demo issuer's shared one.
pub(crate) async fn token_for_client(
    http: &reqwest::Client,
    resource: JwtResource<'_>,
    endpoint: &str,
    client_id: &str,
) -> Result<String, BackendError> {
    let discovery = resource
        .discovery_url
        .ok_or_else(|| resource.problem("it has no discovery URL"))?;
    let configured = configured(resource)?;
    let (secret, scope) = match (&configured.client_id, &configured.client_secret_env) {
        (Some(id), Some(var)) if id == client_id => (
            std::env::var(var).map_err(|_| {
                resource.problem(&format!("the env var {var} (client_secret_env) is not set"))
            })?,
            configured.scope.as_deref(),
        ),
        _ if is_demo_issuer(discovery, endpoint) => (DEMO_CLIENT.1.to_owned(), None),
        _ => {
            return Err(BackendError::Config(format!(
                "no secret is known for client {client_id} of {kind} {name}: add [{kind}.{name}] \
                 with client_id = \"{client_id}\" and client_secret_env to \
                 $XDG_CONFIG_HOME/acc/gateways.toml, or give a token instead",
                kind = resource.kind,
                name = resource.name,
            )));
        }
    };
    client_credentials(http, resource, discovery, client_id, &secret, scope).await
}

/// The issuer is the connected local platform's demo identity provider.
fn is_demo_issuer(discovery: &str, endpoint: &str) -> bool {
    discovery.starts_with(&format!("{}/demo/idp/", endpoint.trim_end_matches('/')))
}

fn configured(resource: JwtResource<'_>) -> Result<ClientAuth, BackendError> {
    let path = match std::env::var_os("ACC_GATEWAYS_FILE") {
        Some(path) => std::path::PathBuf::from(path),
        None => match dirs::config_dir() {
            Some(dir) => dir.join("acc").join("gateways.toml"),
            None => return Ok(ClientAuth::default()),
        },
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(ClientAuth::default());
    };
    let file: TokensFile = toml::from_str(&text).map_err(|e| {
        BackendError::Config(format!(
            "{} is not a valid tokens file: {e}",
            path.display()
        ))
    })?;
    let table = if resource.kind == "gateway" {
        &file.gateway
    } else {
        &file.runtime
    };
    Ok(table
        .get(resource.name)
        .or_else(|| table.get(resource.id))
        .cloned()
        .unwrap_or_default())
}

async fn client_credentials(
    http: &reqwest::Client,
    resource: JwtResource<'_>,
    discovery: &str,
    client_id: &str,
    secret: &str,
    scope: Option<&str>,
) -> Result<String, BackendError> {
    let fail = |why: String| BackendError::Transport {
        operation: format!("getting a token for {} {}", resource.kind, resource.name),
        cause: why.clone(),
        hint: String::new(),
        detail: why,
    };
    // Keyed by the discovery URL, so a cached token costs no request.
    let key = (discovery.to_owned(), client_id.to_owned());
    if let Some((token, until)) = CACHE.lock().unwrap_or_else(|p| p.into_inner()).get(&key)
        && Instant::now() < *until
    {
        return Ok(token.clone());
    }
    let endpoint = acc_mcp::oauth::token_endpoint(http, discovery)
        .await
        .map_err(fail)?;
    let grant = acc_mcp::oauth::client_credentials(http, &endpoint, client_id, secret, scope)
        .await
        .map_err(fail)?;
    let lifetime = grant.expires_in.unwrap_or(300);
    let until = Instant::now() + Duration::from_secs(lifetime.saturating_sub(30));
    CACHE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, (grant.access_token.clone(), until));
    Ok(grant.access_token)
}
