//! The receiver's bounds over gRPC and for log records' CloudWatch copies:
//! a gRPC export is counted on the wire before it is decoded, as an
//! OTLP/HTTP one is (a few megabytes of empty messages would otherwise
//! decode to gigabytes), and the copies of log records in their CloudWatch
//! log groups are evicted with the records, counted at `/local/otlp`.

use crate::observability_otlp::{otlp_stats, run_exporter, start_with};
use crate::platform;

use serde_json::{Value, json};

#[tokio::test]
async fn grpc_exports_are_counted_before_they_are_decoded() {
    let platform = platform::start_with_otlp_grpc().await;
    let grpc = platform.otlp_grpc_addr().unwrap().to_string();
    // A span with a few empty attributes is taken.
    let small = run_exporter("grpc_raw.py", [grpc.as_str(), "10", "none"]).await;
    assert_eq!(small["code"], "OK", "{small}");
    // 1.5 million empty attributes: 3 MB on the wire, under gRPC's 4 MiB,
    // refused before prost would build them; plain and gzipped alike.
    for compression in ["none", "gzip"] {
        let wide = run_exporter("grpc_raw.py", [grpc.as_str(), "1500000", compression]).await;
        assert_eq!(wide["code"], "RESOURCE_EXHAUSTED", "{compression}: {wide}");
        let details = wide["details"].as_str().unwrap();
        assert!(
            details.contains("1 spans in 1500003 messages")
                && details.contains("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"),
            "{details}"
        );
    }
    let stats = otlp_stats(&platform.endpoint_url()).await;
    assert_eq!(stats["spans"]["kept"], 1, "{stats}");
    platform.shutdown().await;
}

/// `count` log records (bodies `r<first>`…) for ADOT's header-named group.
async fn export_logs(endpoint: &str, first: usize, count: usize) {
    let records: Vec<Value> = (first..first + count)
        .map(|i| {
            json!({ "timeUnixNano": (1_700_000_000_000_000_000u64 + i as u64).to_string(),
                         "severityNumber": 9, "body": { "stringValue": format!("r{i}") } })
        })
        .collect();
    let response = reqwest::Client::new()
        .post(format!("{endpoint}/v1/logs"))
        .header("content-type", "application/json")
        .header("x-aws-log-group", "/otel/evicted")
        .header("x-aws-log-stream", "app")
        .json(&json!({ "resourceLogs": [{ "scopeLogs": [{ "logRecords": records }] }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn log_records_cloudwatch_copies_are_evicted_with_them() {
    let platform = start_with(acc_runtime_local::OtlpLimits {
        log_records: 2,
        ..Default::default()
    })
    .await;
    let endpoint = platform.endpoint_url();
    export_logs(&endpoint, 0, 3).await;
    export_logs(&endpoint, 3, 2).await;
    let events = platform::logs_client(&endpoint)
        .filter_log_events()
        .log_group_name("/otel/evicted")
        .send()
        .await
        .unwrap();
    let bodies: Vec<String> = events
        .events()
        .iter()
        .map(|e| {
            let record: Value = serde_json::from_str(e.message().unwrap()).unwrap();
            record["body"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(bodies, ["r3", "r4"]);
    let stats = otlp_stats(&endpoint).await;
    assert_eq!(
        stats["logRecords"],
        json!({ "kept": 2, "limit": 2, "evicted": 3 }),
        "{stats}"
    );
    assert_eq!(stats["logRecordCopiesEvicted"], 3, "{stats}");
    platform.shutdown().await;
}
