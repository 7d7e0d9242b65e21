//! Every `tools/call` through a local gateway is captured and written as a
//! JSON line to the gateway's APPLICATION_LOGS log group, which the real
//! `aws-sdk-cloudwatchlogs` client reads back from the local platform.

use crate::mcp;
use crate::platform;

use std::time::Duration;

use acc_domain::{CaptureOutcome, CapturedCall, gateway_log_group};
use acc_runtime_local::{FunctionBinding, PlatformConfig, RunningPlatform, StateLocation};
use aws_sdk_cloudwatchlogs::Client as LogsClient;
use mcp::call_tool;
use platform::{LAMBDA_ARN, client, lambda_target, wait_for_gateway_ready};
use serde_json::json;

fn logs(endpoint: &str) -> LogsClient {
    platform::logs_client(endpoint)
}

async fn start(state: StateLocation, cap: usize, read_only: bool) -> RunningPlatform {
    acc_runtime_local::start(PlatformConfig {
        state,
        seed_demo: false,
        read_only,
        capture_cap: cap,
        function_bindings: vec![FunctionBinding {
            arn: LAMBDA_ARN.into(),
            command: ["sh", "-c", "cat >/dev/null; echo '{\"found\":true}'"]
                .map(str::to_owned)
                .to_vec(),
            timeout: Duration::from_secs(10),
        }],
        ..PlatformConfig::default()
    })
    .await
    .expect("the platform starts")
}

/// A NONE-auth gateway with a Lambda target `crm` (tools `get_customer`, `list_orders`).
async fn gateway(endpoint: &str) -> (String, String) {
    let control = client(endpoint);
    let gateway = platform::create_gateway(&control, "captured").await;
    let id = gateway.gateway_id().to_owned();
    control
        .create_gateway_target()
        .gateway_identifier(&id)
        .name("crm")
        .target_configuration(lambda_target(&["get_customer", "list_orders"]))
        .send()
        .await
        .unwrap();
    wait_for_gateway_ready(&control, &id).await;
    (id, gateway.gateway_url().unwrap().to_owned())
}

async fn captured(logs: &LogsClient, gateway_id: &str, pattern: Option<&str>) -> Vec<CapturedCall> {
    let mut calls = Vec::new();
    let mut token = None;
    loop {
        let page = logs
            .filter_log_events()
            .log_group_name(gateway_log_group(gateway_id))
            .set_filter_pattern(pattern.map(str::to_owned))
            .set_next_token(token)
            .send()
            .await
            .expect("FilterLogEvents");
        for event in page.events() {
            calls.push(serde_json::from_str(event.message().unwrap()).expect("a captured call"));
        }
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return calls;
        }
    }
}

#[tokio::test]
async fn calls_are_captured_and_read_back_through_the_logs_api() {
    let platform = start(StateLocation::Ephemeral, 1000, false).await;
    let endpoint = platform.endpoint_url();
    let (id, url) = gateway(&endpoint).await;

    let ok = call_tool(
        &url,
        None,
        "crm___get_customer",
        json!({ "id": "c-1", "password": "hunter2" }),
    )
    .await;
    assert_eq!(ok.result()["isError"], json!(false), "{}", ok.body);
    assert_eq!(
        call_tool(&url, None, "crm___nope", json!({}))
            .await
            .error_code(),
        -32602
    );
    assert_eq!(
        call_tool(&url, None, "crm___get_customer", json!({ "limit": 3 }))
            .await
            .error_code(),
        -32602
    );

    let logs = logs(&endpoint);
    let groups = logs
        .describe_log_groups()
        .log_group_name_prefix("/aws/vendedlogs/bedrock-agentcore/gateway/APPLICATION_LOGS/")
        .send()
        .await
        .unwrap();
    let group = &groups.log_groups()[0];
    assert_eq!(
        group.log_group_name(),
        Some(gateway_log_group(&id).as_str())
    );
    assert!(group.stored_bytes().unwrap() > 0);
    let streams = logs
        .describe_log_streams()
        .log_group_name(gateway_log_group(&id))
        .send()
        .await
        .unwrap();
    let stream = streams.log_streams()[0]
        .log_stream_name()
        .unwrap()
        .to_owned();
    assert!(stream.starts_with("tool-calls/"), "{stream}");

    let all = captured(&logs, &id, None).await;
    assert_eq!(all.len(), 3, "{all:?}");
    let first = &all[0];
    assert_eq!(
        (first.tool.as_str(), first.target.as_str(), first.outcome),
        ("crm___get_customer", "crm", CaptureOutcome::Ok)
    );
    assert_eq!(first.arguments["id"], "c-1");
    assert_eq!(first.arguments["password"], "****");
    assert_eq!(first.caller.kind, "anonymous");
    assert!(first.latency_ms > 0.0 && !first.trace_id.is_empty());
    assert!(
        first.gateway_arn.ends_with(&format!("gateway/{id}")),
        "{}",
        first.gateway_arn
    );
    assert!(
        all[1..]
            .iter()
            .all(|c| c.outcome == CaptureOutcome::ToolError)
    );
    assert!(
        all[2].detail.as_deref().unwrap().contains("id"),
        "{:?}",
        all[2].detail
    );

    let errors = captured(
        &logs,
        &id,
        Some(r#"{ $.outcome = "tool_error" && $.tool = "crm___*" }"#),
    )
    .await;
    assert_eq!(errors.len(), 2);
    let text = captured(&logs, &id, Some("hunter2")).await;
    assert!(text.is_empty(), "a secret reached the log: {text:?}");

    // GetLogEvents reads the stream both ways; polling forwards at the end
    // keeps the token, so a follower sees only new lines.
    let head = logs
        .get_log_events()
        .log_group_name(gateway_log_group(&id))
        .log_stream_name(&stream)
        .start_from_head(true)
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(head.events().len(), 2);
    let rest = logs
        .get_log_events()
        .log_group_name(gateway_log_group(&id))
        .log_stream_name(&stream)
        .next_token(head.next_forward_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.events().len(), 1);
    let end = logs
        .get_log_events()
        .log_group_name(gateway_log_group(&id))
        .log_stream_name(&stream)
        .next_token(rest.next_forward_token().unwrap())
        .send()
        .await
        .unwrap();
    assert!(end.events().is_empty());
    assert_eq!(end.next_forward_token(), rest.next_forward_token());
    let latest = logs
        .get_log_events()
        .log_group_name(gateway_log_group(&id))
        .log_stream_name(&stream)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert!(
        latest.events()[0]
            .message()
            .unwrap()
            .contains("crm___get_customer")
    );
    platform.shutdown().await;
}

#[tokio::test]
async fn concurrent_calls_are_all_committed() {
    let platform = start(StateLocation::Ephemeral, 10_000, false).await;
    let endpoint = platform.endpoint_url();
    let (id, url) = gateway(&endpoint).await;
    let calls: Vec<_> = (0..64)
        .map(|i| {
            let url = url.clone();
            tokio::spawn(async move {
                call_tool(
                    &url,
                    None,
                    "crm___list_orders",
                    json!({ "id": format!("c-{i}") }),
                )
                .await
            })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().result()["isError"], json!(false));
    }
    let all = captured(&logs(&endpoint), &id, None).await;
    assert_eq!(all.len(), 64);
    let mut ids: Vec<String> = all
        .iter()
        .map(|c| c.arguments["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 64, "every call captured exactly once");
    platform.shutdown().await;
}

#[tokio::test]
async fn the_cap_evicts_the_oldest_and_counts_them_and_read_only_refusals_are_not_captured() {
    let dir = tempfile::tempdir().unwrap();
    let platform = start(StateLocation::Dir(dir.path().into()), 3, false).await;
    let endpoint = platform.endpoint_url();
    let (id, url) = gateway(&endpoint).await;
    for i in 0..5 {
        call_tool(
            &url,
            None,
            "crm___get_customer",
            json!({ "id": format!("c-{i}") }),
        )
        .await;
    }
    let kept: Vec<String> = captured(&logs(&endpoint), &id, None)
        .await
        .iter()
        .map(|c| c.arguments["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kept, ["c-2", "c-3", "c-4"]);
    platform.shutdown().await;

    // Read-only: the call is refused, and nothing is stored (a capture is a write).
    let platform = start(StateLocation::Dir(dir.path().into()), 3, true).await;
    let url = url.replace(
        url.split("/gateways/").next().unwrap(),
        &platform.endpoint_url(),
    );
    let denied = call_tool(&url, None, "crm___get_customer", json!({ "id": "c-9" })).await;
    assert_eq!(denied.error_code(), -32001);
    let denials = captured(
        &logs(&platform.endpoint_url()),
        &id,
        Some(r#"{ $.outcome = "denied" }"#),
    )
    .await;
    assert!(denied.error_message().contains("read-only"));
    assert!(denials.is_empty(), "{denials:?}");
    platform.shutdown().await;

    let db =
        rusqlite::Connection::open(dir.path().join(acc_runtime_local::DATABASE_FILE_NAME)).unwrap();
    let (evicted, kept): (String, i64) = db
        .query_row(
            "SELECT (SELECT value FROM meta WHERE key = 'captures_evicted'), (SELECT COUNT(*) FROM captures)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    // Five calls under a cap of three; the read-only platform added nothing.
    assert_eq!((evicted.as_str(), kept), ("2", 3));
}

#[tokio::test]
async fn bad_log_requests_get_the_modelled_errors() {
    let platform = start(StateLocation::Ephemeral, 10, false).await;
    let logs = logs(&platform.endpoint_url());
    let missing = logs
        .filter_log_events()
        .log_group_name("/no/such/group")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing.is_resource_not_found_exception(), "{missing:?}");
    let (_, url) = gateway(&platform.endpoint_url()).await;
    call_tool(&url, None, "crm___get_customer", json!({ "id": "x" })).await;
    let group = logs
        .describe_log_groups()
        .send()
        .await
        .unwrap()
        .log_groups()[0]
        .log_group_name()
        .unwrap()
        .to_owned();
    let bad = logs
        .filter_log_events()
        .log_group_name(&group)
        .filter_pattern("{ $.latencyMs > \"slow\" }")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(bad.is_invalid_parameter_exception(), "{bad:?}");
    assert!(
        bad.to_string().contains("compare numbers only")
            || format!("{bad:?}").contains("compare numbers only")
    );
    let limit = logs
        .describe_log_groups()
        .limit(51)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(limit.is_invalid_parameter_exception(), "{limit:?}");
    platform.shutdown().await;
}
