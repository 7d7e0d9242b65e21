//! `:traces` end to end in tmux against `acc serve` with the demo
//! workspace: the demo agent is invoked with a tool call first (from the
//! CLI), then its trace is listed, its waterfall opened, its tool span's
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
