//! The platform's OTLP/HTTP receiver with bodies as exporters send them:
//! JSON spans kept and listed by session (as the JavaScript exporters write
//! them: hex ids, integer enums, 64-bit integers as strings or numbers),
//! bad bodies refused by name (400, 413), backpressure answered 503 with
//! `Retry-After` and nothing acknowledged lost, nothing stored by a
//! read-only platform, and the OpenTelemetry Python SDK's own exporters
//! (traces, logs with ADOT's headers, metrics; gzip and deflate) read back
//! through boto3's CloudWatch Logs client.

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

    // An empty export succeeds, in either encoding.
    assert_eq!(
        post(&endpoint, "/v1/logs", "application/json", b"{}".to_vec()).await,
        (200, "{}".into())
    );
    let (status, body) = post(
        &endpoint,
        "/v1/metrics",
        "application/x-protobuf",
        Vec::new(),
    )
    .await;
    assert_eq!((status, body.as_str()), (200, ""));

    // A metric without data is reported, the rest kept.
    let metrics = json!({ "resourceMetrics": [{ "scopeMetrics": [{ "metrics": [
        { "name": "a", "sum": { "dataPoints": [{ "asInt": "3", "timeUnixNano": "1" }, { "asDouble": 1.5 }],
                                "aggregationTemporality": 2, "isMonotonic": true } },
        { "name": "empty" }
    ] }] }] });
    let (status, body) = post(
        &endpoint,
        "/v1/metrics",
        "application/json",
        metrics.to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["partialSuccess"]["rejectedDataPoints"], 0, "{body}");
    assert!(
        body["partialSuccess"]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("\"empty\""),
        "{body}"
    );

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
    let status_body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status_body["code"], 3, "INVALID_ARGUMENT: {body}");
    assert!(body.contains("ExportTraceServiceRequest (Json)"), "{body}");
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

/// Run `tests/otlp_exporters/SCRIPT` with the venv's Python (the
/// OpenTelemetry SDK and its exporters); what it printed, as JSON.
pub(crate) async fn run_exporter(script: &str, args: [&str; 3]) -> Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/agentcore-venv/bin/python");
    assert!(
        python.exists(),
        "the OpenTelemetry Python SDK venv is missing: run ./tests/run (it creates target/agentcore-venv)"
    );
    let output = tokio::process::Command::new(&python)
        .arg(root.join("tests/otlp_exporters").join(script))
        .args(args)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// An in-memory platform with these OTLP limits.
pub(crate) async fn start_with(
    otlp: acc_runtime_local::OtlpLimits,
) -> acc_runtime_local::RunningPlatform {
    acc_runtime_local::start(acc_runtime_local::PlatformConfig {
        seed_demo: false,
        otlp,
        ..Default::default()
    })
    .await
    .unwrap()
}

/// `GET /local/otlp`: what the receiver keeps and has evicted.
pub(crate) async fn otlp_stats(endpoint: &str) -> Value {
    reqwest::get(format!("{endpoint}/local/otlp"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Over 20 MiB after decompression is refused with 413 (a gzip bomb is
/// stopped as it expands), and so is a body over the platform's limit.
#[tokio::test]
async fn twenty_five_mib_is_refused_with_413() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let big = format!(r#"{{"resourceSpans":[],"pad":"{}"}}"#, "x".repeat(25 << 20));
    let response = reqwest::Client::new()
        .post(format!("{endpoint}/v1/traces"))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(gzip(big.as_bytes()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], 8, "RESOURCE_EXHAUSTED: {body}");
    assert!(
        body["message"].as_str().unwrap().contains("20 MiB"),
        "{body}"
    );
    let (status, _) = post(
        &endpoint,
        "/v1/logs",
        "application/x-protobuf",
        vec![0; 25 << 20],
    )
    .await;
    assert_eq!(status, 413);
    platform.shutdown().await;
}

/// One export of `spans` JSON spans numbered from `first`.
fn numbered_spans(first: usize, spans: usize) -> Vec<u8> {
    let spans: Vec<Value> = (first..first + spans)
        .map(|n| {
            json!({ "traceId": format!("{:032x}", n + 1), "spanId": format!("{:016x}", n + 1),
                    "name": "load", "kind": 1, "startTimeUnixNano": n, "endTimeUnixNano": n + 1 })
        })
        .collect();
    serde_json::to_vec(&json!({ "resourceSpans": [{ "scopeSpans": [{ "spans": spans }] }] }))
        .unwrap()
}

/// When more exports wait for the store than the queue holds, the next is
/// answered 503 with `Retry-After` (a bounded queue, never an unbounded
/// one); every export a client retries until it is acknowledged is kept.
#[tokio::test]
async fn backpressure_is_503_with_retry_after_and_nothing_acknowledged_is_lost() {
    let platform = start_with(acc_runtime_local::OtlpLimits {
        queue: 1,
        ..Default::default()
    })
    .await;
    let endpoint = platform.endpoint_url();
    let client = reqwest::Client::new();
    let (exports, per_export) = (32, 512);
    let mut refused = 0;
    let mut pending: Vec<usize> = (0..exports).collect();
    // Each round sends every unacknowledged export at once, and retries the refused.
    for _round in 0..100 {
        if pending.is_empty() {
            break;
        }
        let sends = pending.iter().map(|&i| {
            let client = client.clone();
            let url = format!("{endpoint}/v1/traces");
            async move {
                let response = client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(numbered_spans(i * per_export, per_export))
                    .send()
                    .await
                    .unwrap();
                let retry_after = response.headers().get("retry-after").cloned();
                (i, response.status().as_u16(), retry_after)
            }
        });
        let results = futures_util::future::join_all(sends).await;
        pending.clear();
        for (i, status, retry_after) in results {
            match status {
                200 => {}
                503 => {
                    assert_eq!(retry_after.unwrap(), "1");
                    refused += 1;
                    pending.push(i);
                }
                other => panic!("export {i} answered {other}"),
            }
        }
    }
    assert!(
        pending.is_empty(),
        "{} exports never acknowledged",
        pending.len()
    );
    assert!(
        refused > 0,
        "32 concurrent exports through a queue of one were never refused"
    );
    let stats = otlp_stats(&endpoint).await;
    assert_eq!(stats["spans"]["kept"], exports * per_export, "{stats}");
    assert_eq!(stats["spans"]["evicted"], 0, "{stats}");
    platform.shutdown().await;
}

/// Evictions beyond a configured limit are counted and shown.
#[tokio::test]
async fn evictions_are_counted() {
    let platform = start_with(acc_runtime_local::OtlpLimits {
        spans: 100,
        ..Default::default()
    })
    .await;
    let endpoint = platform.endpoint_url();
    let (status, _) = post(
        &endpoint,
        "/v1/traces",
        "application/json",
        numbered_spans(0, 250),
    )
    .await;
    assert_eq!(status, 200);
    let stats = otlp_stats(&endpoint).await;
    assert_eq!(
        stats["spans"],
        json!({ "kept": 100, "limit": 100, "evicted": 150 }),
        "{stats}"
    );
    platform.shutdown().await;
}

/// The OpenTelemetry Python SDK's own OTLP/HTTP exporters: traces with
/// gzip and with deflate, logs with ADOT's `x-aws-log-group` and
/// `x-aws-log-stream` headers, metrics of every kind; read back with
/// boto3's CloudWatch Logs client and the platform's listings.
#[tokio::test]
async fn the_python_sdk_exporters_are_read_back_through_boto3() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let (group, stream) = ("/otel/exporters-test", "app-logs");
    let out = run_exporter("export.py", [endpoint.as_str(), group, stream]).await;
    assert_eq!(out["gzip"]["ok"], true, "{out}");
    assert_eq!(out["deflate"]["ok"], true, "{out}");
    assert_eq!(out["metrics"]["ok"], true, "{out}");
    assert_eq!(out["log"]["flushed"], true, "{out}");

    // Every span, from no session, has its Transaction Search record.
    let spans = out["awsSpans"].as_array().unwrap();
    let names: Vec<&str> = spans.iter().filter_map(|s| s["name"].as_str()).collect();
    for name in [
        "gzip.root",
        "gzip.root.child",
        "deflate.root",
        "deflate.root.child",
    ] {
        assert!(
            names.contains(&name),
            "{name} missing from aws/spans: {names:?}"
        );
    }
    let root_span = spans.iter().find(|s| s["name"] == "gzip.root").unwrap();
    assert_eq!(root_span["traceId"], out["gzip"]["traceId"]);
    assert_eq!(root_span["kind"], "INTERNAL");
    assert_eq!(
        root_span["resource"]["attributes"]["service.name"],
        "otlp_exporters.DEFAULT"
    );

    // The log record went to the header-named group and stream, in
    // AgentCore's shape, with its trace and span ids.
    let records = out["logRecords"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{out}");
    let record = &records[0];
    assert_eq!(record["body"], "the model said hello");
    assert_eq!(record["traceId"], out["log"]["traceId"]);
    assert_eq!(record["spanId"], out["log"]["spanId"]);
    assert_eq!(record["attributes"]["otelTraceID"], out["log"]["traceId"]);
    assert_eq!(record["attributes"]["session.id"], "s-logs");
    assert_eq!(record["severityText"], "INFO");
    assert_eq!(record["severityNumber"], 9);
    for key in [
        "resource",
        "scope",
        "timeUnixNano",
        "observedTimeUnixNano",
        "flags",
    ] {
        assert!(record.get(key).is_some(), "{key} missing: {record}");
    }

    // Every kind of metric is kept with its resource and attributes.
    let listed: Value = reqwest::get(format!("{endpoint}/local/metrics"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let points = listed["dataPoints"].as_array().unwrap();
    let kind = |name: &str| {
        points
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {listed}"))
    };
    assert_eq!(kind("invocations")["kind"], "sum");
    assert_eq!(kind("invocations")["point"]["value"], 3);
    assert_eq!(kind("invocations")["attributes"]["agent"], "a");
    assert_eq!(kind("invocations")["service"], "otlp_exporters.DEFAULT");
    assert_eq!(kind("sessions.open")["point"]["isMonotonic"], false);
    assert_eq!(kind("queue.depth")["kind"], "gauge");
    assert_eq!(kind("latency")["kind"], "histogram");
    assert_eq!(kind("latency")["point"]["sum"], 12.5);
    assert_eq!(kind("latency.exp")["kind"], "exponentialHistogram");
    platform.shutdown().await;
}

/// The Python SDK's OTLP/gRPC exporters reach the gRPC port: a span lands
/// in `aws/spans` and a log record in the group its metadata names.
#[tokio::test]
async fn the_python_sdk_grpc_exporters_reach_the_grpc_port() {
    let platform = platform::start_with_otlp_grpc().await;
    let endpoint = platform.endpoint_url();
    let grpc = format!("http://{}", platform.otlp_grpc_addr().unwrap());
    let (group, stream) = ("/otel/grpc-test", "grpc-logs");
    let out = run_exporter("export_grpc.py", [grpc.as_str(), group, stream]).await;
    assert_eq!(out["traces"], true, "{out}");
    assert_eq!(out["logs"], json!(["SUCCESS"]), "{out}");
    let logs = platform::logs_client(&endpoint);
    let spans = logs
        .filter_log_events()
        .log_group_name(acc_backend::SPANS_LOG_GROUP)
        .send()
        .await
        .unwrap();
    let record: Value = serde_json::from_str(spans.events()[0].message().unwrap()).unwrap();
    assert_eq!(record["name"], "grpc.root");
    assert_eq!(record["traceId"], out["traceId"]);
    let records = logs
        .filter_log_events()
        .log_group_name(group)
        .send()
        .await
        .unwrap();
    let record: Value = serde_json::from_str(records.events()[0].message().unwrap()).unwrap();
    assert_eq!(record["body"], "over grpc");
    assert_eq!(record["severityText"], "WARN");
    platform.shutdown().await;
}
