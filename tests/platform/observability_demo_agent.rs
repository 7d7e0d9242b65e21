//! The demo agent's GenAI telemetry, end to end: the concierge (the demo
//! agent in a sandboxed session, calling the hub's tools as the sales
//! copilot) is invoked with a tool; its trace in `aws/spans` is
//! `invoke_agent` → `chat` (model, tokens) / `execute_tool`, the gateway's
//! own `tools/call` span joins it under `execute_tool` (the agent sent
//! `traceparent`), and the user's prompt and the assistant's answer land as
//! GenAI events in the runtime's log group, stream `otel-rt-logs`, carrying
//! the trace's ids. Everything is read back through the CloudWatch Logs API.

use crate::platform;

use std::time::{Duration, Instant};

use acc_domain::{SPANS_LOG_GROUP, runtime_log_group};
use acc_runtime_local::{PlatformConfig, StateLocation};
use serde_json::{Value, json};

/// Every record of `group` (and `stream`, when given) in the trace `trace`.
async fn records(endpoint: &str, group: &str, stream: Option<&str>, trace: &str) -> Vec<Value> {
    let page = platform::logs_client(endpoint)
        .filter_log_events()
        .log_group_name(group)
        .set_log_stream_names(stream.map(|s| vec![s.to_owned()]))
        .send()
        .await;
    let Ok(page) = page else {
        return Vec::new();
    };
    page.events()
        .iter()
        .map(|e| serde_json::from_str::<Value>(e.message().unwrap()).unwrap())
        .filter(|r| r["traceId"] == trace)
        .collect()
}

/// Poll until `group` holds at least `count` records of `trace`.
async fn wait_for(
    endpoint: &str,
    group: &str,
    stream: Option<&str>,
    trace: &str,
    count: usize,
) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let found = records(endpoint, group, stream, trace).await;
        if found.len() >= count {
            return found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{group} holds {} records of trace {trace}, not {count}, after 15 s: {found:#?}",
            found.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_concierges_trace_joins_its_model_calls_its_tool_call_and_its_messages() {
    platform::require_bwrap();
    let platform = acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: true,
        demo_agent_command: Some(vec![
            env!("CARGO_BIN_EXE_acc").to_owned(),
            "demo-agent".to_owned(),
        ]),
        ..PlatformConfig::default()
    })
    .await
    .expect("the demo platform starts");
    let endpoint = platform.endpoint_url();
    let runtimes = platform::client(&endpoint)
        .list_agent_runtimes()
        .send()
        .await
        .unwrap();
    let concierge = runtimes
        .agent_runtimes()
        .iter()
        .find(|r| r.agent_runtime_name() == "concierge_agent")
        .unwrap();
    let (arn, runtime_id) = (
        concierge.agent_runtime_arn().to_owned(),
        concierge.agent_runtime_id().to_owned(),
    );
    let session = "genai-telemetry-test-session-000000000001";
    let prompt = "Which articles explain a password reset?";
    let body = platform::raw_invocation(&endpoint, &arn, Some(session))
        .header("accept", "text/event-stream")
        .json(&json!({
            "prompt": prompt,
            "delay_ms": 0,
            "tool": "knowledge-base___search_articles",
            "arguments": { "query": "reset" },
        }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let frames = platform::frames(&body);
    let result = frames
        .iter()
        .find(|f| f["type"] == "tool_result")
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(result["isError"], false, "{body}");

    // The trace: the session's root span names it.
    let kept = platform::wait_for_spans(&endpoint, session, 4).await;
    let root = kept
        .iter()
        .find(|s| s["parentSpanId"] == "")
        .unwrap_or_else(|| panic!("{kept:#?}"));
    let trace = root["traceId"].as_str().unwrap();
    let spans = wait_for(&endpoint, SPANS_LOG_GROUP, None, trace, 5).await;
    let named = |prefix: &str| -> Vec<&Value> {
        spans
            .iter()
            .filter(|s| s["name"].as_str().unwrap().starts_with(prefix))
            .collect()
    };
    let agent = named("invoke_agent ");
    assert_eq!(agent.len(), 1, "{spans:#?}");
    let agent = agent[0];
    assert_eq!(agent["attributes"]["gen_ai.operation.name"], "invoke_agent");
    assert_eq!(agent["attributes"]["session.id"], session);
    let chats = named("chat ");
    assert_eq!(
        chats.len(),
        2,
        "one model call decides on the tool, one answers: {spans:#?}"
    );
    for chat in &chats {
        let a = &chat["attributes"];
        assert_eq!(a["gen_ai.operation.name"], "chat");
        assert_eq!(chat["parentSpanId"], agent["spanId"]);
        assert_eq!(
            chat["name"],
            format!("chat {}", a["gen_ai.request.model"].as_str().unwrap())
        );
        assert!(
            a["gen_ai.usage.input_tokens"].as_i64().unwrap() > 0,
            "{chat}"
        );
        assert!(
            a["gen_ai.usage.output_tokens"].as_i64().unwrap() > 0,
            "{chat}"
        );
    }
    let tool = named("execute_tool ");
    assert_eq!(tool.len(), 1, "{spans:#?}");
    let tool = tool[0];
    assert_eq!(
        tool["name"],
        "execute_tool knowledge-base___search_articles"
    );
    assert_eq!(tool["parentSpanId"], agent["spanId"]);
    assert_eq!(
        tool["attributes"]["gen_ai.tool.name"],
        "knowledge-base___search_articles"
    );
    // The gateway's span joined the trace, under the agent's tool span.
    let gateway = named("tools/call ");
    assert_eq!(gateway.len(), 1, "{spans:#?}");
    assert_eq!(gateway[0]["parentSpanId"], tool["spanId"]);
    assert_eq!(gateway[0]["kind"], "SERVER");
    assert_eq!(
        gateway[0]["attributes"]["aws.agentcore.policy.decision"],
        "ALLOW"
    );

    // What the model saw and said: GenAI events in otel-rt-logs.
    let group = runtime_log_group(&runtime_id, "DEFAULT");
    let logs = wait_for(&endpoint, &group, Some("otel-rt-logs"), trace, 3).await;
    let event = |name: &str| -> &Value {
        logs.iter()
            .find(|r| r["attributes"]["event.name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {logs:#?}"))
    };
    let user = event("gen_ai.user.message");
    assert_eq!(user["body"]["content"], prompt);
    assert!(
        chats.iter().any(|c| c["spanId"] == user["spanId"]),
        "the prompt belongs to a model call: {user}"
    );
    let tool_message = event("gen_ai.tool.message");
    assert!(
        tool_message["body"]["content"]
            .as_str()
            .unwrap()
            .contains("search_articles"),
        "{tool_message}"
    );
    let choice = event("gen_ai.choice");
    let answer = choice["body"]["message"]["content"].as_str().unwrap();
    assert!(answer.contains(prompt), "{choice}");
    assert_eq!(choice["body"]["message"]["role"], "assistant");
    assert!(chats.iter().any(|c| c["spanId"] == choice["spanId"]));
    assert_eq!(choice["attributes"]["session.id"], session);
    platform.shutdown().await;
}
