//! A real OpenID issuer run by a test: discovery and JWKS over loopback
//! HTTP, keys made with aws-lc-rs, and counters of how often each document
//! was fetched (so tests can prove what the platform asks of an issuer).
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine as _;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// A signing key and its public JWK.
pub struct Key {
    pub alg: Algorithm,
    pub kid: String,
    pub encoding: EncodingKey,
    pub jwk: Jwk,
}

/// A new ES256 or RS256 key named `kid`.
pub fn key(alg: Algorithm, kid: &str) -> Key {
    let encoding = match alg {
        Algorithm::ES256 => {
            let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
            EncodingKey::from_ec_der(pair.to_pkcs8v1().unwrap().as_ref())
        }
        Algorithm::RS256 => {
            let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
            let der = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair).unwrap();
            let body = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
            let pem = format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n");
            EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap()
        }
        other => panic!("no test keys for {other:?}"),
    };
    let mut jwk = Jwk::from_encoding_key(&encoding, alg).unwrap();
    jwk.common.key_id = Some(kid.to_owned());
    Key {
        alg,
        kid: kid.to_owned(),
        encoding,
        jwk,
    }
}

/// The test's identity provider: what it publishes and how often it is asked.
#[derive(Default)]
pub struct Issuer {
    /// `http://127.0.0.1:PORT/idp`, the `iss` of its tokens.
    pub url: Mutex<String>,
    /// The published keys (push to rotate).
    pub keys: Mutex<Vec<Jwk>>,
    pub discovery_hits: AtomicUsize,
    pub jwks_hits: AtomicUsize,
}

impl Issuer {
    /// The issuer URL (`iss`).
    pub fn url(&self) -> String {
        self.url.lock().unwrap().clone()
    }

    /// Its OIDC discovery URL, for a `customJWTAuthorizer`.
    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.url())
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.jwks_hits.load(Ordering::SeqCst)
    }
}

async fn discovery(State(issuer): State<Arc<Issuer>>) -> Json<Value> {
    issuer.discovery_hits.fetch_add(1, Ordering::SeqCst);
    let url = issuer.url();
    Json(json!({ "issuer": url, "jwks_uri": format!("{url}/jwks") }))
}

async fn jwks(State(issuer): State<Arc<Issuer>>) -> Json<JwkSet> {
    issuer.jwks_hits.fetch_add(1, Ordering::SeqCst);
    Json(JwkSet {
        keys: issuer.keys.lock().unwrap().clone(),
    })
}

/// Serve an issuer publishing `keys` on a free loopback port.
pub async fn start_issuer(keys: Vec<Jwk>) -> Arc<Issuer> {
    let issuer = Arc::new(Issuer::default());
    *issuer.keys.lock().unwrap() = keys;
    let app = Router::new()
        .route("/idp/.well-known/openid-configuration", get(discovery))
        .route("/idp/jwks", get(jwks))
        .with_state(Arc::clone(&issuer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    *issuer.url.lock().unwrap() = format!("http://{}/idp", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    issuer
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A JWT of `claims` signed with `key` (its `kid` in the header).
pub fn sign(key: &Key, claims: &Value) -> String {
    let mut header = Header::new(key.alg);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &key.encoding).unwrap()
}
