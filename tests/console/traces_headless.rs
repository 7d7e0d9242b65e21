//! `acc traces` headless against a real `acc serve`: GenAI-shaped traces
//! sent by the OpenTelemetry Python SDK's own OTLP/HTTP exporters (spans
//! and GenAI log events), a real MCP call through the demo gateway denied
//! by its Cedar policy, then the list with its filters, one trace with its
//! tree, its conversation and its gateway call joined, a diff of two traces,
//! and the exit codes.

use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::platform;

/// `acc --endpoint URL ARGS…`, isolated from the developer's settings.
fn at(url: &str, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_acc"))
        .args(["--endpoint", url])
        .args(args)
        .env("XDG_DATA_HOME", home.path())
        .env_remove("ACC_ENDPOINT")
        .env_remove("ACC_RUNTIME_TOKEN")
        .output()
        .expect("run acc")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// `tests/otlp_exporters/SCRIPT ARGS…` with the venv's Python (the
/// OpenTelemetry SDK and its exporters); what it printed, as JSON.
fn exporter(script: &str, args: &[&str]) -> Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/agentcore-venv/bin/python");
    assert!(
        python.exists(),
        "the OpenTelemetry Python SDK venv is missing: run ./tests/run (it creates target/agentcore-venv)"
    );
    let out = Command::new(&python)
        .arg(root.join("tests/otlp_exporters").join(script))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The trace ids `acc traces -o json ARGS…` lists.
fn listed(url: &str, args: &[&str]) -> Vec<String> {
    let mut all = vec!["traces", "-o", "json"];
    all.extend_from_slice(args);
    json(&at(url, &all))["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["traceId"].as_str().unwrap().to_owned())
        .collect()
}

/// A real MCP `tools/call` through the demo gateway, as the sales agent
/// (which the demo's Cedar policy denies): its capture's id.
fn denied_call(url: &str) -> String {
    let tool = "messaging___schedule_announcement";
    let args = r##"{"channels":["#all"],"text":"townhall","send_at":"2026-12-02T10:00:00Z"}"##;
    let call = at(
        url,
        &[
            "tools",
            "call",
            "enterprise-hub",
            tool,
            "--args",
            args,
            "--as",
            "sales-copilot",
        ],
    );
    assert_eq!(call.status.code(), Some(0), "{}", stderr(&call));
    let captured = json(&at(
        url,
        &["captures", "enterprise-hub", "--tool", tool, "-o", "json"],
    ));
    let capture = &captured.as_array().unwrap()[0];
    assert_eq!(capture["policy"]["decision"], "deny", "{capture}");
    capture["captureId"].as_str().unwrap().to_owned()
}

#[test]
fn traces_list_show_and_diff_headless() {
    let dir = tempfile::tempdir().unwrap();
    let mut serve = platform::acc_serve("127.0.0.1:0", &["--state-dir"])
        .arg(dir.path())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = platform::announced_url(&mut serve);

    // No span yet: an empty list, or (no aws/spans) how to turn it on.
    let before_any = at(&url, &["traces", "-o", "json"]);
    match before_any.status.code() {
        Some(0) => {
            let empty = json(&before_any);
            assert_eq!(empty["traces"], serde_json::json!([]), "{empty}");
            assert_eq!(empty["truncated"], false, "{empty}");
        }
        code => {
            assert_eq!(code, Some(4), "{}", stderr(&before_any));
            assert!(
                stderr(&before_any).contains("Transaction Search is off"),
                "{}",
                stderr(&before_any)
            );
        }
    }

    let capture_id = denied_call(&url);
    let session = "traces-headless-session-0123456789abcdef";
    let sent = exporter(
        "genai_trace.py",
        &[
            &url,
            "/custom/genai-agent",
            "otel-rt-logs",
            session,
            &capture_id,
        ],
    );
    assert_eq!(sent["ok"], true, "{sent}");
    let (before, after) = (
        sent["before"].as_str().unwrap(),
        sent["after"].as_str().unwrap(),
    );

    // The list: newest first, with spans, errors and LLM tokens.
    // The list, read whole: it says so (`truncated` is set when the read
    // stopped at its bound and older traces are missing).
    let list = json(&at(&url, &["traces", "-o", "json"]));
    assert_eq!(list["truncated"], false, "{list}");
    assert!(list["spansRead"].as_u64() >= Some(6), "{list}");
    // Summarised by the platform (a Logs Insights query), one row a trace.
    assert_eq!(list["summarised"], true, "{list}");
    let rows = list["traces"].as_array().unwrap();
    // Two exported traces, and the gateway's own span for the denied call,
    // the oldest (the CLI sent no traceparent, so it is a trace of its own).
    assert_eq!(rows.len(), 3, "{list}");
    assert_eq!(rows[0]["traceId"], after, "newest first: {list}");
    let gateway = &rows[2];
    assert_eq!(
        gateway["rootName"], "tools/call messaging___schedule_announcement",
        "{gateway}"
    );
    assert_eq!(gateway["service"], "acc-local-platform", "{gateway}");
    let b = &rows[1];
    assert_eq!(b["rootName"], "invoke_agent weather", "{b}");
    assert_eq!(b["service"], "genai_demo.DEFAULT", "{b}");
    assert_eq!(b["sessionId"], session, "{b}");
    assert_eq!(
        (b["spanCount"].as_u64(), b["errorCount"].as_u64()),
        (Some(4), Some(1)),
        "{b}"
    );
    assert_eq!(
        (b["inputTokens"].as_i64(), b["outputTokens"].as_i64()),
        (Some(360), Some(70)),
        "{b}"
    );
    let table = String::from_utf8_lossy(&at(&url, &["traces"]).stdout).into_owned();
    assert!(
        table.starts_with("TRACE") && table.contains(before),
        "{table}"
    );

    // Filters and flags.
    let both = vec![after.to_owned(), before.to_owned()];
    assert_eq!(listed(&url, &["--filter", "status=error"]), both);
    assert_eq!(listed(&url, &["--errors"]), both);
    assert_eq!(
        listed(
            &url,
            &[
                "--filter",
                "gen_ai.request.model=us.anthropic.claude-sonnet-4"
            ]
        ),
        both
    );
    assert!(listed(&url, &["--filter", "gen_ai.request.model=amazon.nova-pro"]).is_empty());
    assert_eq!(listed(&url, &["--filter", "duration>1ms"]).len(), 3);
    assert_eq!(
        listed(
            &url,
            &["--filter", "duration>1ms service=genai_demo.DEFAULT"]
        ),
        both
    );
    assert!(listed(&url, &["--filter", "duration>1h"]).is_empty());
    assert_eq!(
        listed(&url, &["--filter", "name=\"execute_tool get_forecast\""]),
        [after]
    );
    assert_eq!(
        listed(&url, &["--session", session, "--since", "15m"]),
        both
    );
    assert!(listed(&url, &["--session", "another-session-0123456789abcdef012"]).is_empty());
    assert!(listed(&url, &["--runtime", "triage"]).is_empty());
    for bad in [
        ["--filter", "status=maybe"],
        ["--filter", "duration>soon"],
        ["--since", "yesterday"],
    ] {
        let mut args = vec!["traces"];
        args.extend_from_slice(&bad);
        let out = at(&url, &args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(bad[1]),
            "names the input: {}",
            stderr(&out)
        );
    }

    // One trace: its tree, the critical path, the conversation from the
    // GenAI log events (masked), and the denied gateway call joined.
    let show = at(&url, &["traces", "show", before, "-o", "json"]);
    let raw = String::from_utf8_lossy(&show.stdout).into_owned();
    assert!(
        !raw.contains("sk_live_abcdefghijklmnopqrstuv"),
        "masked: {raw}"
    );
    let shown = json(&show);
    let depths: Vec<u64> = shown["tree"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["depth"].as_u64().unwrap())
        .collect();
    assert_eq!(depths, [0, 1, 1, 1], "{shown}");
    let spans = shown["spans"].as_array().unwrap();
    let name_of_row = |row: &Value| spans[row["span"].as_u64().unwrap() as usize]["name"].clone();
    let tree = shown["tree"].as_array().unwrap();
    assert_eq!(name_of_row(&tree[2]), "execute_tool get_weather", "{shown}");
    assert_eq!(tree[0]["critical"], true);
    assert_eq!(
        shown["criticalPath"].as_array().unwrap().len(),
        2,
        "root, then the last chat"
    );
    let turns: Vec<String> = shown["conversation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{}: {}",
                t["role"].as_str().unwrap(),
                t["text"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        turns,
        [
            "system: You are a weather assistant.",
            "user: Weather in Paris? My api_key=****",
            "assistant: Let me look that up.",
            "assistant: It is sunny in Paris.",
        ],
        "{shown}"
    );
    assert_eq!(shown["logs"].as_array().unwrap().len(), 6, "{shown}");
    let calls = shown["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "{shown}");
    assert_eq!(calls[0]["capture"]["captureId"], capture_id.as_str());
    assert_eq!(calls[0]["matchedBy"], "capture_id");
    assert_eq!(calls[0]["decision"], "deny");
    assert!(
        !calls[0]["determiningPolicies"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{}",
        calls[0]
    );
    let tool_span = spans
        .iter()
        .find(|s| s["name"] == "execute_tool get_weather")
        .unwrap();
    assert_eq!(calls[0]["spanId"], tool_span["spanId"]);
    let text = String::from_utf8_lossy(&at(&url, &["traces", "show", before]).stdout).into_owned();
    assert!(
        text.contains("# conversation") && text.contains("deny by"),
        "{text}"
    );

    // The diff: one tool call added, token and latency deltas.
    let diff = json(&at(&url, &["traces", "diff", before, after, "-o", "json"]));
    assert_eq!(
        (diff["added"].as_u64(), diff["removed"].as_u64()),
        (Some(1), Some(0)),
        "{diff}"
    );
    assert_eq!(diff["tokenDelta"], 370 - 430, "{diff}");
    let added: Vec<&Value> = diff["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["change"] == "added")
        .collect();
    assert_eq!(added[0]["name"], "execute_tool get_forecast", "{diff}");
    let chats: Vec<i64> = diff["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"].as_str().unwrap().starts_with("chat"))
        .map(|r| r["tokenDelta"].as_i64().unwrap())
        .collect();
    assert_eq!(chats, [-20, -40], "{diff}");

    // Exit codes: an unknown trace 3, a malformed id 2.
    let unknown = at(
        &url,
        &["traces", "show", "0123456789abcdef0123456789abcdef"],
    );
    assert_eq!(unknown.status.code(), Some(3), "{}", stderr(&unknown));
    assert_eq!(
        at(
            &url,
            &["traces", "diff", before, "0123456789abcdef0123456789abcdef"]
        )
        .status
        .code(),
        Some(3)
    );
    assert_eq!(
        at(&url, &["traces", "show", "not-a-trace"]).status.code(),
        Some(2)
    );
    let _ = serve.kill();
    let _ = serve.wait();
}
