//! `CUSTOM_JWT`, as AgentCore checks it: the issuer's OIDC discovery
//! document and JWKS (fetched, cached, and refetched at most once per
//! interval), the token's signature, and the claim checks of a
//! `customJWTAuthorizer` (issuer, expiry, audience, client, scope), each
//! failing with its reason.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::identity::caller::{AuthRejection, CallerIdentity};

/// Clock skew tolerated on `exp` and `nbf`.
pub(crate) const LEEWAY_SECONDS: i64 = 60;
/// How long a discovery document is trusted before it is fetched again.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// The JWKS of an issuer is fetched at most once per this interval: a token
/// whose `kid` is not in the cached set is refused without asking again
/// until it has passed, so a stream of forged tokens (each with a new `kid`)
/// cannot make the platform hammer the identity provider. A rotated key is
/// found by the first token after the interval.
pub(crate) const DEFAULT_JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(30);
/// Discovery and JWKS fetches give up after this long.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// The `customJWTAuthorizer` of a gateway.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JwtAuthorizer {
    discovery_url: String,
    #[serde(default)]
    allowed_audience: Vec<String>,
    #[serde(default)]
    allowed_clients: Vec<String>,
    #[serde(default)]
    allowed_scopes: Vec<String>,
}

/// The parts of an OIDC discovery document the checks need.
#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

#[derive(Debug)]
struct CachedDiscovery {
    document: Discovery,
    fetched: Instant,
}

/// One issuer's signing keys.
#[derive(Debug, Default)]
struct CachedKeys {
    /// The last set fetched (`None` until a fetch succeeds).
    set: Option<JwkSet>,
    /// When the set was last fetched, or a fetch was tried.
    fetched: Option<Instant>,
}

/// Caches of discovery documents and JWKS, shared by every gateway.
#[derive(Debug)]
pub(crate) struct JwtVerifier {
    discovery: Mutex<HashMap<String, CachedDiscovery>>,
    /// By JWKS URI; each behind an async lock held across its fetch, so a
    /// burst of tokens waits for one fetch instead of starting one each.
    keys: Mutex<HashMap<String, Arc<tokio::sync::Mutex<CachedKeys>>>>,
    /// See [`DEFAULT_JWKS_REFETCH_INTERVAL`].
    refetch_interval: Duration,
}

impl JwtVerifier {
    /// A verifier fetching each issuer's JWKS at most once per `refetch_interval`.
    pub(crate) fn new(refetch_interval: Duration) -> Self {
        Self {
            discovery: Mutex::default(),
            keys: Mutex::default(),
            refetch_interval,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// Only https, or http to this machine (a rehearsal issuer).
fn fetchable(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url} is not a URL: {e}"))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" => {
            let host = parsed.host_str().unwrap_or_default();
            if acc_domain::loopback::is_loopback_host(host) {
                Ok(())
            } else {
                Err(format!(
                    "{url} uses plain http on a non-loopback host; issuers other than this machine need https"
                ))
            }
        }
        other => Err(format!("{url} has unsupported scheme {other}")),
    }
}

impl JwtVerifier {
    /// Verify `token` against `authorizer`: its issuer's keys and the claim checks.
    pub(crate) async fn verify(
        &self,
        http: &reqwest::Client,
        authorizer: &JwtAuthorizer,
        token: &str,
    ) -> Result<CallerIdentity, AuthRejection> {
        // Cheap structural checks first: a garbage token costs no fetch.
        let header = jsonwebtoken::decode_header(token).map_err(|e| {
            AuthRejection::invalid_token(format!("the token is not a well-formed JWT ({e})"))
        })?;
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(AuthRejection::invalid_token(format!(
                "tokens signed with {:?} are not accepted; use RS256 or ES256",
                header.alg
            )));
        }
        let discovery = self
            .discovery(http, &authorizer.discovery_url)
            .await
            .map_err(|why| {
                AuthRejection::bearer(
                    401,
                    "invalid_token",
                    format!("the identity provider could not be reached: {why}"),
                )
            })?;
        let key = self
            .key(http, &discovery.jwks_uri, header.kid.as_deref(), header.alg)
            .await?;
        let mut validation = Validation::new(header.alg);
        // The claim checks below give precise reasons; the library checks the signature.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims = HashSet::new();
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|e| {
                AuthRejection::invalid_token(format!("the token's signature does not verify ({e})"))
            })?
            .claims;
        check_claims(&claims, &discovery.issuer, authorizer, now_seconds())?;
        let sub = claims
            .get("sub")
            .and_then(Value::as_str)
            .or_else(|| claims.get("client_id").and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned();
        Ok(CallerIdentity::OAuthUser { sub, claims })
    }

    async fn discovery(&self, http: &reqwest::Client, url: &str) -> Result<Discovery, String> {
        if let Some(cached) = lock(&self.discovery).get(url)
            && cached.fetched.elapsed() < DISCOVERY_TTL
        {
            return Ok(cached.document.clone());
        }
        fetchable(url)?;
        let document: Discovery = fetch_json(http, url).await?;
        fetchable(&document.jwks_uri).map_err(|e| format!("jwks_uri: {e}"))?;
        lock(&self.discovery).insert(
            url.to_owned(),
            CachedDiscovery {
                document: document.clone(),
                fetched: Instant::now(),
            },
        );
        Ok(document)
    }

    /// The verification key for `kid`, refetching the JWKS when the cached
    /// set does not have it (keys rotate), but not within the refetch
    /// interval of the last fetch.
    async fn key(
        &self,
        http: &reqwest::Client,
        jwks_uri: &str,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<DecodingKey, AuthRejection> {
        let entry = Arc::clone(lock(&self.keys).entry(jwks_uri.to_owned()).or_default());
        let mut cached = entry.lock().await;
        if let Some(jwk) = cached.set.as_ref().and_then(|set| select(set, kid, alg)) {
            return decoding_key(jwk);
        }
        let label = kid.unwrap_or("(none)");
        if let Some(at) = cached.fetched
            && at.elapsed() < self.refetch_interval
        {
            return Err(match cached.set {
                Some(_) => unknown_kid(label),
                None => AuthRejection::invalid_token(format!(
                    "the signing keys could not be fetched {}s ago; the next attempt is \
                     allowed {}s after that",
                    at.elapsed().as_secs(),
                    self.refetch_interval.as_secs()
                )),
            });
        }
        cached.fetched = Some(Instant::now());
        let set: JwkSet = fetch_json(http, jwks_uri).await.map_err(|why| {
            AuthRejection::invalid_token(format!("the signing keys could not be fetched: {why}"))
        })?;
        let set = cached.set.insert(set);
        select(set, kid, alg).map_or_else(|| Err(unknown_kid(label)), decoding_key)
    }
}

fn unknown_kid(kid: &str) -> AuthRejection {
    AuthRejection::invalid_token(format!(
        "the token's signing key (kid {kid}) is not in the issuer's JWKS"
    ))
}

/// The key named by `kid`; without a `kid`, the only key of the right type.
fn select<'a>(set: &'a JwkSet, kid: Option<&str>, alg: Algorithm) -> Option<&'a Jwk> {
    match kid {
        Some(kid) => set.find(kid),
        None => {
            let family = alg.family();
            let mut usable = set
                .keys
                .iter()
                .filter(|k| DecodingKey::from_jwk(k).is_ok_and(|d| d.family() == family));
            let only = usable.next();
            only.filter(|_| usable.next().is_none())
        }
    }
}

fn decoding_key(jwk: &Jwk) -> Result<DecodingKey, AuthRejection> {
    DecodingKey::from_jwk(jwk)
        .map_err(|e| AuthRejection::invalid_token(format!("the issuer's key is unusable ({e})")))
}

async fn fetch_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T, String> {
    let response = http
        .get(url)
        .timeout(FETCH_TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("GET {url} answered {status}"));
    }
    response
        .json()
        .await
        .map_err(|e| format!("GET {url}: not the expected JSON ({e})"))
}

fn now_seconds() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The registered-claim and authorizer checks, each failing with its reason.
fn check_claims(
    claims: &Map<String, Value>,
    issuer: &str,
    authorizer: &JwtAuthorizer,
    now: i64,
) -> Result<(), AuthRejection> {
    let number = |name: &str| claims.get(name).and_then(Value::as_f64).map(|v| v as i64);
    match number("exp") {
        None => return Err(AuthRejection::invalid_token("the token has no exp claim")),
        Some(exp) if now > exp + LEEWAY_SECONDS => {
            return Err(AuthRejection::invalid_token(format!(
                "the token expired {}s ago",
                now - exp
            )));
        }
        Some(_) => {}
    }
    if let Some(nbf) = number("nbf")
        && now + LEEWAY_SECONDS < nbf
    {
        return Err(AuthRejection::invalid_token(format!(
            "the token is not valid for another {}s (nbf)",
            nbf - now
        )));
    }
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if iss != issuer {
        return Err(AuthRejection::invalid_token(format!(
            "the token's issuer {iss:?} is not the discovery document's issuer {issuer:?}"
        )));
    }
    if !authorizer.allowed_audience.is_empty() {
        let audiences: Vec<&str> = match claims.get("aud") {
            Some(Value::String(aud)) => vec![aud.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !audiences.iter().any(|a| {
            authorizer
                .allowed_audience
                .iter()
                .any(|allowed| allowed == a)
        }) {
            return Err(AuthRejection::invalid_token(format!(
                "the token's audience {audiences:?} is not among the gateway's allowed audiences"
            )));
        }
    }
    if !authorizer.allowed_clients.is_empty() {
        let client = claims
            .get("client_id")
            .or_else(|| claims.get("azp"))
            .and_then(Value::as_str);
        if !client.is_some_and(|c| authorizer.allowed_clients.iter().any(|a| a == c)) {
            return Err(AuthRejection::invalid_token(format!(
                "the token's client ({}) is not among the gateway's allowed clients",
                client.unwrap_or("no client_id or azp claim")
            )));
        }
    }
    if !authorizer.allowed_scopes.is_empty() {
        let granted: Vec<&str> = match claims.get("scope").or_else(|| claims.get("scp")) {
            Some(Value::String(s)) => s.split_whitespace().collect(),
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !granted
            .iter()
            .any(|g| authorizer.allowed_scopes.iter().any(|a| a == g))
        {
            let mut rejection = AuthRejection::bearer(
                403,
                "insufficient_scope",
                format!(
                    "the token's scopes {granted:?} include none of the gateway's allowed scopes"
                ),
            );
            rejection.www_authenticate.push_str(&format!(
                ", scope=\"{}\"",
                authorizer.allowed_scopes.join(" ")
            ));
            return Err(rejection);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    fn authorizer() -> JwtAuthorizer {
        JwtAuthorizer {
            discovery_url: String::new(),
            allowed_audience: vec!["hub".into()],
            allowed_clients: vec!["agent".into()],
            allowed_scopes: vec!["tools".into()],
        }
    }

    const NOW: i64 = 1_800_000_000;

    fn good() -> Value {
        json!({ "iss": "https://idp", "aud": ["other", "hub"], "client_id": "agent",
                "scope": "openid tools", "exp": NOW + 300, "nbf": NOW - 10, "sub": "u1" })
    }

    fn reason(value: Value) -> String {
        let e = check_claims(&claims(value), "https://idp", &authorizer(), NOW).unwrap_err();
        format!("{} | {}", e.www_authenticate, e.message)
    }

    #[test]
    fn claims_pass_within_leeway_and_fail_outside_it() {
        check_claims(&claims(good()), "https://idp", &authorizer(), NOW).unwrap();
        let mut late = good();
        late["exp"] = json!(NOW - 30);
        check_claims(&claims(late), "https://idp", &authorizer(), NOW).unwrap();
        let mut expired = good();
        expired["exp"] = json!(NOW - 61);
        assert!(reason(expired).contains("expired 61s ago"));
        let mut early = good();
        early["nbf"] = json!(NOW + 120);
        assert!(reason(early).contains("not valid for another 120s"));
    }

    #[test]
    fn each_authorizer_check_names_its_reason() {
        let mut v = good();
        v["iss"] = json!("https://evil");
        assert!(reason(v).contains("issuer"));
        let mut v = good();
        v["aud"] = json!("nope");
        assert!(reason(v).contains("audience"));
        let mut v = good();
        v.as_object_mut().unwrap().remove("client_id");
        v["azp"] = json!("intruder");
        assert!(reason(v).contains("(intruder) is not among"));
        let mut v = good();
        v["scope"] = json!("openid");
        let r = reason(v);
        assert!(
            r.contains("insufficient_scope") && r.contains("scope=\"tools\""),
            "{r}"
        );
    }

    #[test]
    fn only_https_or_loopback_http_is_fetched() {
        assert!(fetchable("https://idp.example.com/.well-known/openid-configuration").is_ok());
        assert!(fetchable("http://127.0.0.1:9/x").is_ok());
        assert!(fetchable("http://localhost:9/x").is_ok());
        assert!(fetchable("http://[::1]:9/x").is_ok());
        let e = fetchable("http://idp.example.com/x").unwrap_err();
        assert!(e.contains("need https"), "{e}");
    }
}
