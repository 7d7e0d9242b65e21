//! The platform's OTLP/HTTP receiver with bodies as exporters send them:
//! JSON spans kept and listed by session, logs and metrics reported as
//! rejected (with counts and the reason), bad bodies refused by name, and
//! nothing stored by a read-only platform. (The protobuf path is exercised
//! by the Python SDK agent's real OpenTelemetry exporter.)

use crate::platform;

use serde_json::{Value, json};

async fn post(endpoint: &str, path: &str, content_type: &str, body: Vec<u8>) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{endpoint}{path}"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// POST /v1/traces of [`spans_json`] for `session`.
async fn export_spans(endpoint: &str, session: &str) -> (u16, String) {
    post(
        endpoint,
        "/v1/traces",
        "application/json",
        spans_json(session),
    )
    .await
}

fn spans_json(session: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({ "resourceSpans": [{
        "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "json_agent" } }] },
        "scopeSpans": [{ "spans": [
            { "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
              "name": "agent.turn", "kind": 2, "startTimeUnixNano": "1700000000000000000",
              "endTimeUnixNano": "1700000000250000000",
              "attributes": [{ "key": "session.id", "value": { "stringValue": session } },
                             { "key": "tokens", "value": { "intValue": "42" } }],
              "status": { "code": 1 } },
            { "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b175",
              "parentSpanId": "eee19b7ec3c1b174", "name": "tool.call", "kind": 3,
              "startTimeUnixNano": "1700000000100000000", "endTimeUnixNano": "1700000000200000000",
              "attributes": [{ "key": "session.id", "value": { "stringValue": session } }],
              "status": { "code": 2, "message": "tool failed" } }
        ] }]
    }] }))
    .unwrap()
}

#[tokio::test]
async fn spans_are_kept_and_the_rest_is_reported_rejected() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let (status, body) = export_spans(&endpoint, "s-json").await;
    assert_eq!((status, body.as_str()), (200, "{}"));
    // Another session's span is not listed with this one's.
    export_spans(&endpoint, "s-other").await;
    let listed = platform::local_spans(&endpoint, Some("s-json")).await;
    let spans = listed["spans"].as_array().unwrap();
    assert_eq!(spans.len(), 2, "{listed}");
    // Newest first: the tool call started later.
    assert_eq!(spans[0]["name"], "tool.call");
    assert_eq!(spans[0]["parentSpanId"], "eee19b7ec3c1b174");
    assert_eq!(spans[0]["statusCode"], 2);
    assert_eq!(spans[0]["statusMessage"], "tool failed");
    assert_eq!(spans[1]["attributes"]["tokens"], 42);
    assert_eq!(spans[1]["service"], "json_agent");

    // Logs and metrics: every record counted as rejected, with the reason.
    let logs = json!({ "resourceLogs": [{ "scopeLogs": [{ "logRecords": [{}, {}] }] }] });
    let (status, body) = post(
        &endpoint,
        "/v1/logs",
        "application/json",
        logs.to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["partialSuccess"]["rejectedLogRecords"], "2", "{body}");
    assert!(
        body["partialSuccess"]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("traces only")
    );
    let metrics = json!({ "resourceMetrics": [{ "scopeMetrics": [{ "metrics": [
        { "name": "a", "sum": { "dataPoints": [{}, {}, {}] } },
        { "name": "b", "gauge": { "dataPoints": [{}] } }
    ] }] }] });
    let (_, body) = post(
        &endpoint,
        "/v1/metrics",
        "application/json",
        metrics.to_string().into_bytes(),
    )
    .await;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["partialSuccess"]["rejectedDataPoints"], "4", "{body}");

    // Bad bodies are refused, naming what was expected.
    let (status, body) = post(
        &endpoint,
        "/v1/traces",
        "application/x-protobuf",
        vec![0xff, 0xff, 0xff],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("ExportTraceServiceRequest"), "{body}");
    let (status, body) = post(&endpoint, "/v1/traces", "text/plain", b"hi".to_vec()).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("application/x-protobuf or application/json"),
        "{body}"
    );
    let (status, body) = post(
        &endpoint,
        "/v1/traces",
        "application/json",
        b"{oops".to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("not OTLP/JSON"), "{body}");
    platform.shutdown().await;
}

/// Spans are also kept as CloudWatch Transaction Search keeps them: JSON
/// records in the log group `aws/spans`, read with the Logs API (which is
/// how the console finds spans on live AWS). Before any span arrives the
/// group does not exist, and the console says what that means.
#[tokio::test]
async fn spans_land_in_aws_spans_as_transaction_search_records() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let backend = platform::backend(&endpoint).await;
    let off = backend.spans_from_logs("s-json").await.unwrap_err();
    assert!(
        off.to_string()
            .contains("enable CloudWatch Transaction Search"),
        "{off}"
    );
    // With no aws/spans, sessions still come from the log streams.
    assert!(backend.sessions_from_logs().await.unwrap().is_empty());

    export_spans(&endpoint, "s-json").await;
    let events = platform::logs_client(&endpoint)
        .filter_log_events()
        .log_group_name(acc_backend::SPANS_LOG_GROUP)
        .send()
        .await
        .unwrap();
    let records: Vec<Value> = events
        .events()
        .iter()
        .map(|e| serde_json::from_str(e.message().unwrap()).unwrap())
        .collect();
    assert_eq!(records.len(), 2, "{records:?}");
    let root = records.iter().find(|r| r["name"] == "agent.turn").unwrap();
    assert_eq!(root["kind"], "SERVER");
    assert_eq!(root["durationNano"], 250_000_000);
    assert_eq!(root["status"]["code"], "OK");
    assert_eq!(root["attributes"]["session.id"], "s-json");
    assert_eq!(root["resource"]["attributes"]["service.name"], "json_agent");
    assert!(root.get("parentSpanId").is_none(), "{root}");
    let tool = records.iter().find(|r| r["name"] == "tool.call").unwrap();
    assert_eq!(tool["parentSpanId"], "eee19b7ec3c1b174");
    assert_eq!(tool["status"]["code"], "ERROR");
    assert_eq!(tool["status"]["message"], "tool failed");
    assert_eq!(events.events()[0].timestamp(), Some(1_700_000_000_000));
    platform.shutdown().await;
}

#[tokio::test]
async fn a_read_only_platform_stores_no_spans() {
    let platform = acc_runtime_local::start(acc_runtime_local::PlatformConfig {
        read_only: true,
        seed_demo: false,
        ..Default::default()
    })
    .await
    .unwrap();
    let endpoint = platform.endpoint_url();
    let (status, _) = export_spans(&endpoint, "s-ro").await;
    assert_eq!(status, 403);
    let listed = platform::local_spans(&endpoint, None).await;
    assert_eq!(listed["spans"].as_array().unwrap().len(), 0);
    platform.shutdown().await;
}
