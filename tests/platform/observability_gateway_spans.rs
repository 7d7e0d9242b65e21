//! The gateway's own span per MCP `tools/call`: a SERVER span named
//! `tools/call <tool>`, continuing the caller's W3C `traceparent` (a new
//! trace without one), tying the span to its capture and its Cedar
//! decision, written to `aws/spans` like every received span. Driven by the
//! official MCP Rust SDK (rmcp) against the demo hub (its policy engine in
//! LOG_ONLY), read back through the CloudWatch Logs API.

use crate::platform;

use std::collections::HashMap;

use acc_domain::{CapturedCall, SPANS_LOG_GROUP, gateway_log_group};
use reqwest::header::{HeaderName, HeaderValue};
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};

/// An rmcp client of `url` with the demo `token`, sending `traceparent`
/// on every request when given.
async fn client(
    url: &str,
    token: &str,
    traceparent: Option<&str>,
) -> rmcp::service::RunningService<rmcp::RoleClient, ()> {
    let mut custom_headers = HashMap::new();
    if let Some(tp) = traceparent {
        custom_headers.insert(
            HeaderName::from_static("traceparent"),
            HeaderValue::from_str(tp).unwrap(),
        );
    }
    let config = StreamableHttpClientTransportConfig::with_uri(url)
        .auth_header(token)
        .custom_headers(custom_headers);
    ().serve(StreamableHttpClientTransport::with_client(
        reqwest::Client::new(),
        config,
    ))
    .await
    .expect("rmcp completes the MCP handshake with the hub")
}

async fn call(
    client: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
    tool: &str,
    arguments: Value,
) -> Result<rmcp::model::CallToolResult, rmcp::ServiceError> {
    let Value::Object(arguments) = arguments else {
        panic!("arguments are an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
        .await
}

/// Every `aws/spans` record whose name starts with `tools/call `.
async fn gateway_spans(endpoint: &str) -> Vec<Value> {
    let events = platform::logs_client(endpoint)
        .filter_log_events()
        .log_group_name(SPANS_LOG_GROUP)
        .send()
        .await
        .expect("aws/spans exists once the gateway has written a span");
    events
        .events()
        .iter()
        .map(|e| serde_json::from_str::<Value>(e.message().unwrap()).unwrap())
        .filter(|r| {
            r["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("tools/call "))
        })
        .collect()
}

#[tokio::test]
async fn each_tool_call_is_a_server_span_in_the_callers_trace() {
    let platform = platform::start_ephemeral(true).await;
    let endpoint = platform.endpoint_url();
    let (url, hub) = platform::demo_hub(&endpoint).await;
    let sales = platform::demo_token(&endpoint, "sales-copilot").await;

    // Within the caller's trace: allowed by the demo policies.
    let (trace, parent) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
    let traced = client(&url, &sales, Some(&format!("00-{trace}-{parent}-01"))).await;
    let allowed = call(
        &traced,
        "knowledge-base___search_articles",
        json!({ "query": "reset" }),
    )
    .await
    .expect("search_articles answers");
    assert_eq!(allowed.is_error, Some(false));
    traced.cancel().await.ok();

    // No traceparent: a new trace. Denied by a demo policy (LOG_ONLY: the
    // call still goes through, the decision is kept).
    let untraced = client(&url, &sales, None).await;
    call(
        &untraced,
        "messaging___schedule_announcement",
        json!({ "channels": ["all-hands"], "text": "hello", "send_at": "2030-01-01T09:00:00Z" }),
    )
    .await
    .expect("LOG_ONLY lets the call through");
    // An unknown tool: an error span.
    call(&untraced, "knowledge-base___nope", json!({}))
        .await
        .expect_err("an unknown tool is refused");
    untraced.cancel().await.ok();

    let spans = gateway_spans(&endpoint).await;
    assert_eq!(spans.len(), 3, "{spans:#?}");
    let named = |name: &str| {
        spans
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no span {name}: {spans:#?}"))
    };
    let captures: Vec<CapturedCall> = platform::logs_client(&endpoint)
        .filter_log_events()
        .log_group_name(gateway_log_group(&hub))
        .send()
        .await
        .unwrap()
        .events()
        .iter()
        .map(|e| serde_json::from_str(e.message().unwrap()).unwrap())
        .collect();

    let search = named("tools/call knowledge-base___search_articles");
    assert_eq!(search["traceId"], trace, "continues the caller's trace");
    assert_eq!(search["parentSpanId"], parent);
    assert_eq!(search["kind"], "SERVER");
    assert_eq!(search["status"]["code"], "UNSET");
    let attributes = &search["attributes"];
    assert_eq!(attributes["gen_ai.operation.name"], "execute_tool");
    assert_eq!(
        attributes["gen_ai.tool.name"],
        "knowledge-base___search_articles"
    );
    assert_eq!(attributes["aws.agentcore.policy.decision"], "ALLOW");
    assert_eq!(
        search["resource"]["attributes"]["service.name"],
        "acc-local-platform"
    );
    let capture_id = attributes["aws.agentcore.gateway.capture_id"]
        .as_str()
        .unwrap();
    let capture = captures
        .iter()
        .find(|c| c.capture_id == capture_id)
        .unwrap_or_else(|| panic!("the span names its capture: {captures:#?}"));
    assert_eq!(capture.tool, "knowledge-base___search_articles");
    assert!(search["durationNano"].as_i64().unwrap() > 0, "{search}");

    let denied = named("tools/call messaging___schedule_announcement");
    let new_trace = denied["traceId"].as_str().unwrap();
    assert_eq!(new_trace.len(), 32);
    assert_ne!(new_trace, trace);
    assert!(denied.get("parentSpanId").is_none(), "{denied}");
    assert_eq!(
        denied["attributes"]["aws.agentcore.policy.decision"],
        "DENY"
    );

    let unknown = named("tools/call knowledge-base___nope");
    assert_eq!(unknown["status"]["code"], "ERROR");
    assert!(
        unknown["status"]["message"]
            .as_str()
            .unwrap()
            .contains("Unknown tool"),
        "{unknown}"
    );
    assert!(
        unknown["attributes"]
            .get("aws.agentcore.policy.decision")
            .is_none(),
        "no decision was made: {unknown}"
    );
    platform.shutdown().await;
}

/// A traceparent that is not W3C's is ignored: the span starts a trace.
#[tokio::test]
async fn a_malformed_traceparent_starts_a_new_trace() {
    let platform = platform::start_ephemeral(true).await;
    let endpoint = platform.endpoint_url();
    let (url, _) = platform::demo_hub(&endpoint).await;
    let sales = platform::demo_token(&endpoint, "sales-copilot").await;
    let zeros = format!("00-{}-00f067aa0ba902b7-01", "0".repeat(32));
    let bad = client(&url, &sales, Some(&zeros)).await;
    call(
        &bad,
        "knowledge-base___search_articles",
        json!({ "query": "x" }),
    )
    .await
    .unwrap();
    bad.cancel().await.ok();
    let spans = gateway_spans(&endpoint).await;
    assert_eq!(spans.len(), 1, "{spans:#?}");
    let id = spans[0]["traceId"].as_str().unwrap();
    assert!(
        id.len() == 32 && id != "0".repeat(32) && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    assert!(spans[0].get("parentSpanId").is_none());
    platform.shutdown().await;
}
