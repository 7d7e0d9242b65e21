//! The trace list as a Logs Insights query (StartQuery, GetQueryResults)
//! through the SDK's CloudWatch Logs client and the console's backend:
//! the platform answers the trace-summary query from the rows it keeps at
//! ingest, the same summaries the list computes from the spans themselves,
//! and refuses any other query by name.

use std::time::{SystemTime, UNIX_EPOCH};

use acc_backend::SPANS_LOG_GROUP;
use acc_domain::traces::insights::SummaryQuery;
use acc_domain::traces::{TraceQuery, TraceSpan, TraceSummary, summarize};
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata as _;
use serde_json::{Value, json};

use crate::observability_otlp::start_with;
use crate::platform;

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64
}

fn attribute(key: &str, value: Value) -> Value {
    json!({ "key": key, "value": value })
}

/// Spans of trace `t` (1-based), `n` of them, started `ago_s` seconds ago:
/// a root, LLM children with tokens (the root repeats their total), an
/// error in every third trace, the session `s-<t % 3>`.
fn trace_spans(t: usize, n: usize, ago_s: i64) -> Vec<Value> {
    let start = now_ns() - ago_s * 1_000_000_000;
    (0..n)
        .map(|s| {
            let (name, mut attributes) = if s == 0 {
                (
                    "invoke_agent demo".to_owned(),
                    vec![attribute(
                        "gen_ai.usage.input_tokens",
                        json!({ "intValue": (n as i64 - 1) * 10 }),
                    )],
                )
            } else {
                (
                    format!("chat step-{s}"),
                    vec![
                        attribute("gen_ai.operation.name", json!({ "stringValue": "chat" })),
                        attribute("gen_ai.usage.input_tokens", json!({ "intValue": "10" })),
                        attribute("gen_ai.usage.output_tokens", json!({ "intValue": 2 })),
                    ],
                )
            };
            attributes.push(attribute(
                "session.id",
                json!({ "stringValue": format!("s-{}", t % 3) }),
            ));
            let error = s == n - 1 && t.is_multiple_of(3);
            json!({
                "traceId": format!("{t:032x}"),
                "spanId": format!("{t:08x}{s:08x}"),
                "parentSpanId": if s == 0 { String::new() } else { format!("{t:08x}{:08x}", 0) },
                "name": name,
                "kind": 1,
                "startTimeUnixNano": (start + s as i64 * 1_000_000).to_string(),
                "endTimeUnixNano": (start + s as i64 * 1_000_000 + 400_000).to_string(),
                "attributes": attributes,
                "status": { "code": if error { 2 } else { 0 } },
            })
        })
        .collect()
}

async fn export(endpoint: &str, spans: Vec<Value>) {
    let body = json!({ "resourceSpans": [{
        "resource": { "attributes": [attribute("service.name", json!({ "stringValue": "demo.DEFAULT" }))] },
        "scopeSpans": [{ "spans": spans }],
    }] });
    let response = platform::http()
        .post(format!("{endpoint}/v1/traces"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// 12 traces, each sent in two exports (children first, then the root and
/// the rest), so every summary is merged across batches.
async fn load(endpoint: &str) {
    for t in 1..=12 {
        let mut spans = trace_spans(t, 2 + t % 5, 600 - t as i64 * 10);
        let later = spans.split_off(spans.len() / 2);
        let (children, mut root_and_rest) = (later, spans);
        export(endpoint, children).await;
        root_and_rest.reverse();
        export(endpoint, root_and_rest).await;
    }
}

/// Every span record of `aws/spans`, summarised the way the list does it
/// when it reads the spans itself.
async fn summaries_from_the_spans(endpoint: &str) -> Vec<TraceSummary> {
    let logs = platform::logs_client(endpoint);
    let page = logs
        .filter_log_events()
        .log_group_name(SPANS_LOG_GROUP)
        .send()
        .await
        .unwrap();
    assert!(page.next_token().is_none(), "one page holds them");
    let spans: Vec<TraceSpan> = page
        .events()
        .iter()
        .filter_map(|e| TraceSpan::from_record(&serde_json::from_str(e.message()?).ok()?))
        .collect();
    summarize(&spans)
}

#[tokio::test]
async fn the_list_is_summarised_by_the_service_as_the_spans_say() {
    let platform = start_with(Default::default()).await;
    let endpoint = platform.endpoint_url();
    load(&endpoint).await;
    let expected = summaries_from_the_spans(&endpoint).await;
    assert_eq!(expected.len(), 12);

    let backend = platform::backend(&endpoint).await;
    let page = backend
        .list_traces_page(&TraceQuery::default())
        .await
        .unwrap();
    assert_eq!(page.traces, expected);
    assert!(page.summarised, "one row per trace, from the service");
    assert!(!page.truncated);
    assert_eq!(
        page.spans_read,
        expected.iter().map(|t| t.span_count).sum::<usize>()
    );
    let first = &page.traces[0];
    assert_eq!(first.root_name, "invoke_agent demo");
    // Trace 12: 4 spans, 3 LLM calls of 10 in and 2 out; the root repeats 30 in.
    assert_eq!(
        (first.input_tokens, first.output_tokens),
        (30, 6),
        "{first:?}"
    );

    // A session, errors only: the same traces as the spans' summaries say.
    let session = backend
        .list_traces_page(&TraceQuery {
            session: Some("s-1".into()),
            ..TraceQuery::default()
        })
        .await
        .unwrap();
    let of_s1: Vec<_> = expected
        .iter()
        .filter(|t| t.session_id == "s-1")
        .cloned()
        .collect();
    assert_eq!(session.traces, of_s1);
    assert_eq!(of_s1.len(), 4);
    let errors = backend
        .list_traces_page(&TraceQuery {
            errors_only: true,
            ..TraceQuery::default()
        })
        .await
        .unwrap();
    let failed: Vec<_> = expected
        .iter()
        .filter(|t| t.error_count > 0)
        .cloned()
        .collect();
    assert_eq!(errors.traces, failed);
    assert_eq!(failed.len(), 4);
    // A filter expression needs the spans: the list reads them, same rows.
    let filtered = backend
        .list_traces_page(&TraceQuery {
            filter: Some("service=demo.DEFAULT".into()),
            ..TraceQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(filtered.traces, expected);
    assert!(!filtered.summarised);
    assert!(session.summarised && errors.summarised);

    // Terms about the trace as a whole are asked of (or checked on) the
    // rows: the same traces as reading the spans (the `service=` term,
    // true of every trace here, makes the list read them).
    for text in [
        "status=error",
        "status!=error",
        "duration>3ms",
        "session.id=s-2 duration<3ms",
    ] {
        let list = |filter: String| {
            let backend = &backend;
            async move {
                backend
                    .list_traces_page(&TraceQuery {
                        filter: Some(filter),
                        ..TraceQuery::default()
                    })
                    .await
                    .unwrap()
            }
        };
        let rows = list(text.to_owned()).await;
        let spans = list(format!("{text} service=demo.DEFAULT")).await;
        assert!(rows.summarised && !spans.summarised, "{text}");
        assert_eq!(rows.traces, spans.traces, "{text}");
        assert!(
            !rows.traces.is_empty() && rows.traces.len() < expected.len(),
            "{text}: {} of {}",
            rows.traces.len(),
            expected.len()
        );
    }
    platform.shutdown().await;
}

#[tokio::test]
async fn start_query_answers_the_newest_rows_and_its_limit() {
    let platform = start_with(Default::default()).await;
    let endpoint = platform.endpoint_url();
    load(&endpoint).await;
    let logs = platform::logs_client(&endpoint);
    let now_s = now_ns() / 1_000_000_000;
    let text = SummaryQuery {
        session: None,
        errors_only: false,
        limit: 10_000,
    }
    .text();
    let started = logs
        .start_query()
        .log_group_name(SPANS_LOG_GROUP)
        .start_time(now_s - 3600)
        .end_time(now_s)
        .query_string(&text)
        .limit(3)
        .send()
        .await
        .unwrap();
    let results = logs
        .get_query_results()
        .query_id(started.query_id().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(results.status().map(|s| s.as_str()), Some("Complete"));
    let ids: Vec<&str> = results
        .results()
        .iter()
        .map(|row| {
            row.iter()
                .find(|f| f.field() == Some("traceId"))
                .and_then(|f| f.value())
                .unwrap()
        })
        .collect();
    assert_eq!(
        ids,
        [
            format!("{:032x}", 12),
            format!("{:032x}", 11),
            format!("{:032x}", 10)
        ]
    );
    // A window before every trace answers nothing.
    let early = logs
        .start_query()
        .log_group_name(SPANS_LOG_GROUP)
        .start_time(now_s - 7200)
        .end_time(now_s - 3600)
        .query_string(&text)
        .send()
        .await
        .unwrap();
    let none = logs
        .get_query_results()
        .query_id(early.query_id().unwrap())
        .send()
        .await
        .unwrap();
    assert!(none.results().is_empty());
    platform.shutdown().await;
}

#[tokio::test]
async fn other_queries_are_refused_by_name() {
    let platform = start_with(Default::default()).await;
    let endpoint = platform.endpoint_url();
    let logs = platform::logs_client(&endpoint);
    let text = SummaryQuery {
        session: None,
        errors_only: false,
        limit: 5,
    }
    .text();
    let start = |query: &str, group: &str| {
        logs.start_query()
            .log_group_name(group)
            .start_time(0)
            .end_time(now_ns() / 1_000_000_000)
            .query_string(query)
            .send()
    };
    // No span yet: no aws/spans, so Transaction Search reads as off.
    let err = start(&text, SPANS_LOG_GROUP).await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"), "{err:?}");
    let backend = platform::backend(&endpoint).await;
    let off = backend
        .list_traces_page(&TraceQuery::default())
        .await
        .unwrap_err();
    assert!(
        off.to_string().contains("Transaction Search is off"),
        "{off}"
    );

    export(&endpoint, trace_spans(1, 2, 5)).await;
    let err = start("fields @message | limit 5", SPANS_LOG_GROUP)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("MalformedQueryException"), "{err:?}");
    assert!(
        err.message().unwrap().contains("`fields @message`"),
        "{err:?}"
    );
    let err = start(&text, "/aws/missing").await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"), "{err:?}");
    let err = logs
        .get_query_results()
        .query_id("00000000-0000-0000-0000-000000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"), "{err:?}");
    platform.shutdown().await;
}

#[tokio::test]
async fn evicted_traces_leave_the_summaries() {
    let platform = start_with(acc_runtime_local::OtlpLimits {
        spans: 10,
        ..Default::default()
    })
    .await;
    let endpoint = platform.endpoint_url();
    for t in 1..=6 {
        export(&endpoint, trace_spans(t, 3, 600 - t as i64 * 10)).await;
    }
    let backend = platform::backend(&endpoint).await;
    let listed: Vec<String> = backend
        .list_traces_page(&TraceQuery::default())
        .await
        .unwrap()
        .traces
        .into_iter()
        .map(|t| t.trace_id)
        .collect();
    // 10 spans kept: traces 3 (one span of it), 4, 5, 6; trace 3 started
    // before the oldest kept span, so its row went with its first spans.
    let expected: Vec<String> = (4..=6).rev().map(|t| format!("{t:032x}")).collect();
    assert_eq!(listed, expected);
    platform.shutdown().await;
}

/// An endpoint in front of the platform that serves every CloudWatch Logs
/// operation but Logs Insights' StartQuery (as a compatible endpoint
/// without Insights does): it forwards the rest unchanged.
async fn without_insights(platform: String) -> String {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode};
    let forward = move |mut headers: HeaderMap, body: Bytes| {
        let platform = platform.clone();
        async move {
            let target = headers
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if target.ends_with(".StartQuery") {
                let refusal =
                    r#"{"__type":"UnknownOperationException","message":"no Insights here"}"#;
                return (
                    StatusCode::BAD_REQUEST,
                    HeaderMap::new(),
                    refusal.as_bytes().to_vec(),
                );
            }
            // The platform serves only its own Host: readdress the request.
            headers.remove("host");
            let answer = platform::http()
                .post(format!("{platform}/"))
                .headers(headers)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
            let mut headers = HeaderMap::new();
            if let Some(kind) = answer.headers().get("content-type") {
                headers.insert("content-type", kind.as_bytes().try_into().unwrap());
            }
            (status, headers, answer.bytes().await.unwrap().to_vec())
        }
    };
    let router = axum::Router::new().route("/", axum::routing::post(forward));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

#[tokio::test]
async fn an_endpoint_without_insights_gets_the_list_from_the_spans() {
    let platform = start_with(Default::default()).await;
    let endpoint = platform.endpoint_url();
    load(&endpoint).await;
    let expected = summaries_from_the_spans(&endpoint).await;
    let proxy = without_insights(endpoint.clone()).await;
    let backend = platform::backend(&proxy).await;
    let page = backend
        .list_traces_page(&TraceQuery::default())
        .await
        .unwrap();
    assert!(
        !page.summarised,
        "StartQuery was refused: the spans were read"
    );
    assert_eq!(page.traces, expected);
    platform.shutdown().await;
}
