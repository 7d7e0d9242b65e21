//! Secrets embedded in free text (issue 12, finding 5).
//!
//! A tool call whose `text` carried the caller's own bearer token kept it
//! verbatim in SQLite (the WAL too) and in the gateway's APPLICATION_LOGS;
//! so did `Authorization: Bearer …` in text, URL passwords, `api_key=…`
//! pairs, AWS keys, JWTs and keys such as `otp` or `cvv`. Masking now finds
//! secrets inside strings, and these tests search the raw database bytes
//! and the log store for each one, and check that ordinary text is kept.

use std::path::Path;

use acc_domain::{CapturedCall, gateway_log_group};
use acc_runtime_local::{DATABASE_FILE_NAME, PlatformConfig, RunningPlatform, StateLocation};
use serde_json::{Value, json};

use crate::mcp::call_tool;
use crate::platform;

/// A demo platform persisting into `dir`, its demo Lambda functions run by
/// this build's `acc demo-function`, so the calls below succeed.
async fn start(dir: &Path) -> RunningPlatform {
    acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Dir(dir.to_path_buf()),
        seed_demo: true,
        demo_function_command: Some(vec![
            env!("CARGO_BIN_EXE_acc").to_owned(),
            "demo-function".to_owned(),
        ]),
        ..PlatformConfig::default()
    })
    .await
    .expect("the platform starts")
}

/// The demo hub gateway's id and MCP URL.
async fn hub(endpoint: &str) -> (String, String) {
    let gateways = platform::client(endpoint)
        .list_gateways()
        .send()
        .await
        .expect("ListGateways");
    let id = gateways
        .items()
        .iter()
        .find(|g| g.name() == "enterprise-hub")
        .expect("the demo hub gateway")
        .gateway_id()
        .to_owned();
    let url = format!("{endpoint}/gateways/{id}/mcp");
    (id, url)
}

/// Every line of the gateway's APPLICATION_LOGS, read through FilterLogEvents.
async fn log_lines(endpoint: &str, gateway_id: &str) -> Vec<String> {
    let logs = platform::logs_client(endpoint);
    let mut lines = Vec::new();
    let mut token = None;
    loop {
        let page = logs
            .filter_log_events()
            .log_group_name(gateway_log_group(gateway_id))
            .set_next_token(token)
            .send()
            .await
            .expect("FilterLogEvents");
        lines.extend(
            page.events()
                .iter()
                .map(|e| e.message().unwrap_or_default().to_owned()),
        );
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return lines;
        }
    }
}

/// The raw bytes of the database and its write-ahead log.
fn database_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    [
        DATABASE_FILE_NAME.to_owned(),
        format!("{DATABASE_FILE_NAME}-wal"),
    ]
    .into_iter()
    .filter_map(|name| Some((name.clone(), std::fs::read(dir.join(&name)).ok()?)))
    .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// One message text, the secrets in it, and what its masked form must show.
struct Shape {
    text: String,
    secrets: Vec<String>,
    masked: Vec<&'static str>,
}

fn shape(text: &str, secrets: &[&str], masked: &[&'static str]) -> Shape {
    Shape {
        text: text.to_owned(),
        secrets: secrets.iter().map(|s| (*s).to_owned()).collect(),
        masked: masked.to_vec(),
    }
}

/// Each shape of secret the finding named, embedded in ordinary prose.
fn shapes(own_token: &str) -> Vec<Shape> {
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJib2IiLCJyb2xlIjoiYWRtaW4ifQ.\
               R0FNLXNpZ25hdHVyZS1ub3QtcmVhbGx5LWEtc2ln";
    vec![
        Shape {
            text: format!("debugging: my token is {own_token} (please check)"),
            secrets: vec![own_token.to_owned()],
            masked: vec!["my token is **** (please check)"],
        },
        shape(
            "replay with header Authorization: Bearer q8Xz21LmP0vWc9RtYb7N\nthanks",
            &["q8Xz21LmP0vWc9RtYb7N"],
            &["Authorization: Bearer ****\nthanks"],
        ),
        shape(
            "curl -H 'authorization: bearer Zm9vYmFyYmF6cXV4MTIz' https://api",
            &["Zm9vYmFyYmF6cXV4MTIz"],
            &["authorization: bearer ****'"],
        ),
        shape(
            "the app uses postgres://admin:Tr0ub4dor-and-3@db.internal:5432/orders now",
            &["Tr0ub4dor-and-3"],
            &["postgres://admin:****@db.internal:5432/orders"],
        ),
        shape(
            "retry GET /v1/items?api_key=sk-live-7c1f9e2d4b&limit=5 and token=tok_5Yf3kP9q, \
             the password=correct-horse-42 too",
            &["sk-live-7c1f9e2d4b", "tok_5Yf3kP9q", "correct-horse-42"],
            &["api_key=****&limit=5", "token=****,", "password=****"],
        ),
        shape(
            "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
             aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
            &[
                "AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ],
            &["AKIA****", "aws_secret_access_key = ****"],
        ),
        shape(
            &format!("someone else's session: {jwt}."),
            &[jwt, "R0FNLXNpZ25hdHVyZS1ub3QtcmVhbGx5LWEtc2ln"],
            &["someone else's session: ****."],
        ),
        shape(
            r#"card on file {"cvv": "7391", "pin": "5820", "otp": "664213", "auth": "s3ss10n-xyz"}"#,
            // Short numbers are searched with their opening quote: bare,
            // they could occur by chance in ids elsewhere in the file.
            &["\"7391", "\"5820", "\"664213", "s3ss10n-xyz"],
            &[r#"{"cvv": "****", "pin": "****", "otp": "****", "auth": "****"}"#],
        ),
    ]
}

/// Ordinary text that looks a little like a secret and must be kept as is.
const ORDINARY: &str = "Please pin the version to 3f786850e387550fdab836ed7e6dc881de23001b; \
                        the bearer of this note knows the password policy.";

/// The stored arguments' `text` of each captured `post_message`, by channel.
fn stored_texts(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|line| serde_json::from_str::<CapturedCall>(line).expect("a captured call"))
        .filter(|call| call.tool == "messaging___post_message")
        .map(|call| {
            let text = |k: &str| call.arguments[k].as_str().unwrap_or_default().to_owned();
            (text("channel"), text("text"))
        })
        .collect()
}

#[tokio::test]
async fn secrets_in_tool_call_text_reach_neither_the_database_nor_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let platform = start(dir.path()).await;
    let endpoint = platform.endpoint_url();
    let (hub_id, url) = hub(&endpoint).await;
    let token = platform::demo_token(&endpoint, "sales-copilot").await;

    let shapes = shapes(&token);
    for (i, shape) in shapes.iter().enumerate() {
        let reply = call_tool(
            &url,
            Some(&token),
            "messaging___post_message",
            json!({ "channel": format!("#case-{i}"), "text": shape.text }),
        )
        .await;
        assert_eq!(reply.result()["isError"], json!(false), "{}", reply.body);
    }
    // Secrets as JSON keys of the arguments themselves.
    let keyed = json!({ "channel": "#keyed", "text": "see fields",
        "auth": "auth-f1e2d3c4", "bearer": "bearer-a9b8c7d6", "otp": "482913",
        "pin": "6047", "cvv": "4412" });
    let reply = call_tool(&url, Some(&token), "messaging___post_message", keyed).await;
    assert_eq!(reply.result()["isError"], json!(false), "{}", reply.body);
    // The caller's token as a tool name, and a secret quoted back in a
    // schema violation: both end up in the capture's `tool` and `detail`.
    let unknown = call_tool(&url, Some(&token), &token, json!({})).await;
    assert!(
        unknown.error_message().contains(&token),
        "{:?}",
        unknown.body
    );
    let violation = call_tool(
        &url,
        Some(&token),
        "messaging___post_message",
        json!({ "channel": "#bad", "text": "x", "mentions": "Bearer Vq93LrXe0pQs7TnB2w" }),
    )
    .await;
    assert!(violation.error_message().contains("Vq93LrXe0pQs7TnB2w"));
    let ordinary = call_tool(
        &url,
        Some(&token),
        "messaging___post_message",
        json!({ "channel": "#ordinary", "text": ORDINARY }),
    )
    .await;
    assert_eq!(ordinary.result()["isError"], json!(false));

    let mut secrets: Vec<String> = shapes.iter().flat_map(|s| s.secrets.clone()).collect();
    secrets.extend(
        [
            "auth-f1e2d3c4",
            "bearer-a9b8c7d6",
            "\"482913",
            "\"6047",
            "\"4412",
            "Vq93LrXe0pQs7TnB2w",
        ]
        .map(str::to_owned),
    );
    let lines = log_lines(&endpoint, &hub_id).await;
    assert!(lines.len() >= shapes.len() + 4, "{lines:#?}");
    let files = database_bytes(dir.path());
    assert!(files.iter().any(|(name, _)| name.ends_with("-wal")));
    for secret in &secrets {
        for line in &lines {
            assert!(!line.contains(secret.as_str()), "{secret} logged: {line}");
        }
        for (name, bytes) in &files {
            assert!(!contains(bytes, secret), "{secret} is stored in {name}");
        }
    }

    // What is kept still says what was there, and ordinary text is intact.
    let texts = stored_texts(&lines);
    for (i, shape) in shapes.iter().enumerate() {
        let (_, stored) = texts
            .iter()
            .find(|(channel, _)| *channel == format!("#case-{i}"))
            .unwrap_or_else(|| panic!("case {i} was not captured"));
        for masked in &shape.masked {
            assert!(
                stored.contains(masked),
                "case {i}: {masked:?} not in {stored:?}"
            );
        }
    }
    let kept = texts.iter().find(|(channel, _)| channel == "#ordinary");
    assert_eq!(kept.map(|(_, t)| t.as_str()), Some(ORDINARY));

    // The checkpoint at shutdown moves the WAL into the database file.
    platform.shutdown().await;
    for (name, bytes) in database_bytes(dir.path()) {
        for secret in &secrets {
            assert!(!contains(&bytes, secret), "{secret} is stored in {name}");
        }
    }
}

/// Keys are found in JSON arguments whatever their nesting, and the stored
/// form of the keyed call shows the keys with masked values.
#[tokio::test]
async fn secret_keys_in_arguments_are_masked_and_others_kept() {
    let dir = tempfile::tempdir().unwrap();
    let platform = start(dir.path()).await;
    let endpoint = platform.endpoint_url();
    let (hub_id, url) = hub(&endpoint).await;
    let token = platform::demo_token(&endpoint, "sales-copilot").await;
    let arguments = json!({ "channel": "#nested", "text": "ok",
        "thread_id": "t-1", "meta": { "otp": "771204", "x-auth-token": "xat-0c9d8e7f",
        "spin": 3, "pinned": true } });
    let reply = call_tool(&url, Some(&token), "messaging___post_message", arguments).await;
    assert_eq!(reply.result()["isError"], json!(false), "{}", reply.body);
    let lines = log_lines(&endpoint, &hub_id).await;
    let call: CapturedCall = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(
        call.arguments["meta"],
        json!({ "otp": "****", "x-auth-token": "****", "spin": 3, "pinned": true })
    );
    assert_eq!(call.arguments["thread_id"], Value::from("t-1"));
    platform.shutdown().await;
}
