//! Inbound CUSTOM_JWT auth of the local gateway against a real OpenID
//! issuer run by the test (discovery + JWKS over loopback HTTP, keys made
//! with aws-lc-rs): every check fails with 401/403 and a WWW-Authenticate
//! that says why, and the verified claims reach the capture.

use crate::issuer;
use crate::mcp;
use crate::platform;

use std::sync::atomic::Ordering;

use aws_sdk_bedrockagentcorecontrol::types::CustomJwtAuthorizerConfiguration;
use base64::Engine as _;
use issuer::{key, now, sign, start_issuer};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mcp::rpc;
use platform::{client, custom_jwt_gateway, start_with_jwks_refetch};
use serde_json::{Value, json};

fn claims(issuer: &str) -> Value {
    json!({
        "iss": issuer, "sub": "agent-42", "aud": "hub-api", "client_id": "copilot",
        "scope": "openid tools:call", "exp": now() + 300, "nbf": now() - 5,
        "department": "finance", "password": "hunter2"
    })
}

async fn jwt_gateway(endpoint: &str, discovery_url: &str, name: &str) -> String {
    let authorizer = CustomJwtAuthorizerConfiguration::builder()
        .discovery_url(discovery_url)
        .allowed_audience("hub-api")
        .allowed_clients("copilot")
        .allowed_scopes("tools:call")
        .build()
        .unwrap();
    custom_jwt_gateway(endpoint, name, authorizer).await
}

/// The status and WWW-Authenticate of a `ping` with `token`.
async fn attempt(url: &str, token: Option<&str>) -> (u16, String, String) {
    let reply = rpc(url, token, "ping", json!({})).await;
    let header = reply
        .headers
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (reply.status, header, reply.body.to_string())
}

#[tokio::test]
async fn custom_jwt_checks_each_claim_and_says_why() {
    let rsa = key(Algorithm::RS256, "rsa-1");
    let ec = key(Algorithm::ES256, "ec-1");
    let issuer = start_issuer(vec![rsa.jwk.clone(), ec.jwk.clone()]).await;
    let iss = issuer.url.lock().unwrap().clone();
    // The JWKS is refetched at most once per this (tests/security/wire_details.rs
    // proves forged kids within it fetch nothing).
    const REFETCH: std::time::Duration = std::time::Duration::from_secs(2);
    let platform = start_with_jwks_refetch(REFETCH).await;
    let url = jwt_gateway(
        &platform.endpoint_url(),
        &format!("{iss}/.well-known/openid-configuration"),
        "jwt-hub",
    )
    .await;

    // Both algorithms pass.
    for key in [&rsa, &ec] {
        let (status, _, body) = attempt(&url, Some(&sign(key, &claims(&iss)))).await;
        assert_eq!(status, 200, "{:?}: {body}", key.alg);
    }

    let no_token = attempt(&url, None).await;
    assert_eq!(no_token.0, 401);
    assert!(no_token.1.starts_with("Bearer realm="), "{}", no_token.1);

    let with = |edit: &dyn Fn(&mut Value)| {
        let mut c = claims(&iss);
        edit(&mut c);
        sign(&rsa, &c)
    };
    let tampered = {
        let token = sign(&rsa, &claims(&iss));
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut forged = claims(&iss);
        forged["sub"] = json!("admin");
        parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&forged).unwrap());
        parts.join(".")
    };
    let hs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(&iss),
        &EncodingKey::from_secret(b"shared"),
    )
    .unwrap();
    let unknown_kid = sign(&key(Algorithm::ES256, "ec-unknown"), &claims(&iss));
    let cases: Vec<(&str, String, u16, &str)> = vec![
        (
            "expired",
            with(&|c| c["exp"] = json!(now() - 120)),
            401,
            "expired",
        ),
        (
            "not yet valid",
            with(&|c| c["nbf"] = json!(now() + 600)),
            401,
            "not valid for another",
        ),
        (
            "wrong issuer",
            with(&|c| c["iss"] = json!("http://127.0.0.1:1/evil")),
            401,
            "issuer",
        ),
        (
            "wrong audience",
            with(&|c| c["aud"] = json!(["other-api"])),
            401,
            "audience",
        ),
        (
            "wrong client",
            with(&|c| c["client_id"] = json!("intruder")),
            401,
            "(intruder) is not among",
        ),
        (
            "no scope",
            with(&|c| c["scope"] = json!("openid")),
            403,
            "insufficient_scope",
        ),
        ("tampered payload", tampered, 401, "signature"),
        ("HS256", hs256, 401, "HS256"),
        ("unknown kid", unknown_kid, 401, "kid ec-unknown"),
        ("garbage", "not-a-jwt".to_owned(), 401, "well-formed"),
    ];
    for (case, token, status, why) in cases {
        let (got, header, body) = attempt(&url, Some(&token)).await;
        assert_eq!(got, status, "{case}: {header} {body}");
        assert!(
            header.contains(why),
            "{case}: WWW-Authenticate {header:?} should say {why:?}"
        );
        assert!(
            !header.contains(&token) && !body.contains(&token),
            "{case}: the token leaked"
        );
    }

    // Azp stands in for client_id.
    let azp = with(&|c| {
        c.as_object_mut().unwrap().remove("client_id");
        c["azp"] = json!("copilot");
    });
    assert_eq!(attempt(&url, Some(&azp)).await.0, 200);

    // Discovery was fetched once; the JWKS once, plus at most one refetch
    // for the unknown kid (none when it came within REFETCH of the first).
    assert_eq!(issuer.discovery_hits.load(Ordering::SeqCst), 1);
    let fetched = issuer.jwks_hits.load(Ordering::SeqCst);
    assert!(fetched <= 2, "{fetched} JWKS fetches");
    // The same unknown kid again does not hammer the issuer.
    let again = sign(&key(Algorithm::ES256, "ec-unknown"), &claims(&iss));
    assert_eq!(attempt(&url, Some(&again)).await.0, 401);
    assert_eq!(issuer.jwks_hits.load(Ordering::SeqCst), fetched);

    // Rotation: a new key published later is found by refreshing on its
    // kid, once the refetch interval has passed.
    let rotated = key(Algorithm::ES256, "ec-2");
    issuer.keys.lock().unwrap().push(rotated.jwk.clone());
    tokio::time::sleep(REFETCH).await;
    let (status, _, body) = attempt(&url, Some(&sign(&rotated, &claims(&iss)))).await;
    assert_eq!(status, 200, "rotated key: {body}");
    assert_eq!(issuer.jwks_hits.load(Ordering::SeqCst), fetched + 1);

    // The verified identity is what the capture records (secrets masked).
    let token = sign(&ec, &claims(&iss));
    let reply = mcp::call_tool(&url, Some(&token), "nothing___here", json!({})).await;
    assert_eq!(reply.error_code(), -32602);
    platform.shutdown().await;
}

#[tokio::test]
async fn a_plain_http_issuer_off_this_machine_is_refused() {
    let platform = platform::start_ephemeral(false).await;
    let url = jwt_gateway(
        &platform.endpoint_url(),
        "http://idp.example.com/.well-known/openid-configuration",
        "remote-http",
    )
    .await;
    let token = sign(
        &key(Algorithm::ES256, "k"),
        &claims("http://idp.example.com"),
    );
    let (status, header, _) = attempt(&url, Some(&token)).await;
    assert_eq!(status, 401);
    assert!(header.contains("need https"), "{header}");
    platform.shutdown().await;
}

#[tokio::test]
async fn the_demo_hub_accepts_tokens_from_the_demo_identity_provider() {
    let platform = platform::start_ephemeral(true).await;
    let endpoint = platform.endpoint_url();
    let http = reqwest::Client::new();
    let discovery: Value = http
        .get(format!(
            "{endpoint}/demo/idp/.well-known/openid-configuration"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token_endpoint = discovery["token_endpoint"].as_str().unwrap();
    let request = |secret: &'static str| {
        http.post(token_endpoint).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "sales-copilot"),
            ("client_secret", secret),
        ])
    };
    assert_eq!(request("wrong").send().await.unwrap().status(), 401);
    let granted: Value = request("acc-demo")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = granted["access_token"].as_str().unwrap();
    let hub = client(&endpoint)
        .list_gateways()
        .send()
        .await
        .unwrap()
        .items()
        .iter()
        .find(|g| g.name() == "enterprise-hub")
        .unwrap()
        .gateway_id()
        .to_owned();
    let url = format!("{endpoint}/gateways/{hub}/mcp");
    assert_eq!(attempt(&url, None).await.0, 401);
    let tools = rpc(&url, Some(token), "tools/list", json!({})).await;
    assert!(
        !tools.result()["tools"].as_array().unwrap().is_empty(),
        "{}",
        tools.body
    );
    platform.shutdown().await;
}
