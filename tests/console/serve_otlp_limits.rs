//! `acc serve`'s OTLP receiver limits (`--otlp-max-spans`,
//! `--otlp-max-log-records`, `--otlp-max-data-points`, `--otlp-queue`):
//! shown in `--help`, refused with exit 2 naming the flag when bad, and
//! kept by the real receiver, which counts what it evicts.

use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

use crate::platform;

const FLAGS: [&str; 4] = [
    "--otlp-max-spans",
    "--otlp-max-log-records",
    "--otlp-max-data-points",
    "--otlp-queue",
];

/// `acc ARGS…`, isolated from the developer's settings.
fn acc(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_acc"))
        .args(args)
        .env("XDG_DATA_HOME", home.path())
        .env_remove("ACC_ENDPOINT")
        .output()
        .expect("run acc")
}

#[test]
fn serve_help_shows_the_receiver_limits() {
    let out = acc(&["serve", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in FLAGS {
        assert!(help.contains(&format!("{flag} <N>")), "{flag} in:\n{help}");
    }
    assert!(help.contains("[default: 100000]"), "{help}");
}

#[test]
fn a_bad_limit_exits_2_naming_its_flag() {
    for flag in FLAGS {
        for bad in ["0", "-3", "many", "99999999999999999999"] {
            let out = acc(&["serve", "--ephemeral", flag, bad]);
            let said = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{flag} {bad}: {said}");
            assert!(said.contains(flag), "{flag} {bad}: {said}");
            assert!(!said.contains("panicked"), "{said}");
        }
    }
}

/// An OTLP/JSON export of spans `from..to` of one trace.
fn export(from: u64, to: u64) -> Value {
    let spans: Vec<Value> = (from..to)
        .map(|i| {
            json!({
                "traceId": "ab".repeat(16),
                "spanId": format!("{:016x}", i + 1),
                "name": format!("span {i}"),
                "kind": 1,
                "startTimeUnixNano": (1_700_000_000_000_000_000u64 + i * 1_000).to_string(),
                "endTimeUnixNano": (1_700_000_000_000_000_000u64 + i * 1_000 + 500).to_string(),
            })
        })
        .collect();
    json!({ "resourceSpans": [{
        "resource": { "attributes": [
            { "key": "service.name", "value": { "stringValue": "limits-test" } }
        ] },
        "scopeSpans": [{ "spans": spans }]
    }] })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_keeps_the_spans_its_flag_says_and_counts_evictions() {
    let mut serve = platform::acc_serve(
        "127.0.0.1:0",
        &[
            "--ephemeral",
            "--no-demo",
            "--otlp-grpc",
            "127.0.0.1:0",
            "--otlp-max-spans",
            "10",
            "--otlp-queue",
            "3",
        ],
    )
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let url = platform::announced_url(&mut serve);
    let http = reqwest::Client::new();
    let mut answers = Vec::new();
    for (from, to) in [(0, 8), (8, 16), (16, 25)] {
        let response = http
            .post(format!("{url}/v1/traces"))
            .json(&export(from, to))
            .send()
            .await
            .unwrap();
        answers.push(response.status().as_u16());
    }
    let stats: Value = reqwest::get(format!("{url}/local/otlp"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = platform::local_spans(&url, None).await;
    serve.kill().unwrap();
    let _ = serve.wait();
    assert_eq!(answers, [200, 200, 200]);
    assert_eq!(stats["spans"]["limit"], 10, "{stats}");
    assert_eq!(stats["spans"]["kept"], 10, "{stats}");
    assert_eq!(stats["spans"]["evicted"], 15, "{stats}");
    assert_eq!(stats["queue"], 3, "{stats}");
    let mut names: Vec<&str> = listed["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    let newest: Vec<String> = (15..25).map(|i| format!("span {i}")).collect();
    let mut newest: Vec<&str> = newest.iter().map(String::as_str).collect();
    newest.sort_unstable();
    assert_eq!(names, newest, "the newest 10 are kept");
}
