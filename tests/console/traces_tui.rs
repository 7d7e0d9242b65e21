//! `:traces` end to end in tmux against `acc serve` with the demo
//! workspace: the demo agent is invoked with a tool call first (from the
//! CLI), then its trace is listed, its waterfall opened (and read again
//! live: a span exported into the trace shows up), its tool span's
//! detail shows the captured gateway call with the Cedar decision, and `p`
//! opens the policy studio's "why" of that decision.

use std::process::Stdio;

use super::Tmux;

/// `acc serve`, stopped when dropped.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// POST /v1/traces (OTLP JSON) of one span named `name` under the root
/// span of the trace `acc traces` lists first.
fn add_span_to_listed_trace(url: &str, name: &str) {
    let json = |args: &[&str]| -> serde_json::Value {
        let out = crate::acc_at(url, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON on stdout")
    };
    let listed = json(&["traces", "-o", "json"]);
    let trace_id = listed["traces"][0]["traceId"]
        .as_str()
        .expect("a trace")
        .to_owned();
    let shown = json(&["traces", "show", &trace_id, "-o", "json"]);
    let root = shown["spans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["parentSpanId"].as_str().unwrap_or("").is_empty())
        .unwrap_or_else(|| panic!("a root span: {shown}"))
        .clone();
    let start = root["startUnixNano"].as_i64().unwrap();
    let body = serde_json::json!({ "resourceSpans": [{
        "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "live_probe" } }] },
        "scopeSpans": [{ "spans": [{
            "traceId": trace_id, "spanId": "1ee19b7ec3c1b174", "parentSpanId": root["spanId"],
            "name": name, "kind": 1,
            "startTimeUnixNano": (start + 1_000).to_string(),
            "endTimeUnixNano": (start + 2_000).to_string(),
        }] }]
    }] });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let response = runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{url}/v1/traces"))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("POST /v1/traces")
    });
    assert_eq!(response.status().as_u16(), 200, "the span accepted");
}

#[test]
fn the_demo_agents_trace_its_tool_span_its_capture_and_the_decision() {
    let mut serve = crate::platform::acc_serve("127.0.0.1:0", &["--ephemeral"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = crate::platform::announced_url(&mut serve);
    let _serve = Served(serve);
    let invoked = crate::acc_at(
        &url,
        &[
            "invoke",
            "concierge_agent",
            "--payload",
            r#"{"prompt":"retail?","tool":"crm___search_accounts","arguments":{"query":"retail"},"delay_ms":1}"#,
        ],
    );
    assert!(
        invoked.status.success(),
        "{}",
        String::from_utf8_lossy(&invoked.stderr)
    );
    let t = Tmux::start("traces", &["--endpoint", &url]);
    t.wait_text("enterprise-hub");

    // The list fills by itself as the agent's spans arrive (it polls).
    t.literal(":traces");
    t.keys(&["Enter"]);
    let list = t.wait_for("the agent's trace", |s| {
        s.contains("traces · last 1h") && s.contains("[1]")
    });
    assert!(list.contains("DURATION"), "{list}");

    // Its waterfall: the tool call's span under the invocation.
    t.keys(&["Enter"]);
    let waterfall = t.wait_for("the waterfall with the tool span", |s| {
        s.contains("tools/call crm___search_accounts") && s.contains("critical path")
    });
    assert!(
        waterfall.contains("▌"),
        "the critical path is marked:\n{waterfall}"
    );
    // The open waterfall reads its trace again: a span exported into it
    // now shows up by itself.
    add_span_to_listed_trace(&url, "live.step");
    t.wait_for("the span exported while the waterfall is open", |s| {
        s.contains("live.step") && s.contains("tools/call crm___search_accounts")
    });
    // With GenAI telemetry the agent's `execute_tool` span holds the
    // gateway's own span, which names the capture; before it, the agent's
    // one span per call is all there is (its call is not linked).
    let gen_ai = waterfall.contains("execute_tool crm___search_accounts");

    // Search the trace for the gateway call, open its span.
    t.literal("/tools/call");
    t.keys(&["Enter"]);
    t.wait_text("</tools/call>");
    t.literal("n");
    t.literal("l");
    if !gen_ai {
        let span = t.wait_for("the tool span's detail", |s| {
            s.contains("› span tools/call")
                && s.contains("# tools/call crm___search_accounts")
                && s.contains("gen_ai.tool.name = crm___search_accounts")
        });
        assert!(span.contains("# conversation"), "{span}");
        t.literal("o");
        t.wait_for("the session it belongs to", |s| {
            s.contains("# spans") && s.contains("tools/call crm___search_accounts")
        });
        return;
    }
    let span = t.wait_for("the span's captured call and decision", |s| {
        s.contains("› span tools/call")
            && s.contains("# tool call crm___search_accounts")
            && s.contains("decision   ALLOW by")
    });
    assert!(
        span.contains("\"query\": \"retail\""),
        "the arguments in full:\n{span}"
    );
    assert!(span.contains("matched by capture id"), "{span}");

    // The policy studio's why of that decision.
    t.literal("p");
    let why = t.wait_for("the why of the decision", |s| {
        s.contains("why(") && s.contains("# crm___search_accounts by")
    });
    assert!(why.contains("# request"), "{why}");
}
