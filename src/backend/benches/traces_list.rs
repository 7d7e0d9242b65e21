//! The trace list over 1 000 000 stored spans (issue 17's target: opens in
//! < 200 ms). The platform (in-process, persistent, its span limit raised
//! to keep them all) takes 10 000 traces of 100 spans over OTLP/HTTP JSON,
//! spread over the last 50 minutes; then the list is read the way the
//! console and `acc traces` read it, `Backend::list_traces_page`:
//! - plain (and for a session): a Logs Insights query (`StartQuery`,
//!   `GetQueryResults`) that the platform answers from its per-trace rows;
//! - with a filter term about spans (`name~chat`): CloudWatch Logs
//!   `FilterLogEvents` on `aws/spans`, newest window first, under the
//!   list's page budget.
//!
//! Printed: the median and best time of 5 opens, the spans behind the rows,
//! whether the service summarised them, whether the read was cut short; the
//! same for a 5-minute window, a session and a filter; one trace's detail.
//!
//! Run: `cargo bench -p acc-backend --bench traces_list` (or
//! `./tests/bench/run traces`).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use acc_domain::traces::TraceQuery;
use serde_json::{Value, json};

const TRACES: usize = 10_000;
const SPANS_PER_TRACE: usize = 100;
const TRACES_PER_EXPORT: usize = 50;
const OPENS: usize = 5;

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64
}

/// One OTLP/JSON export of `TRACES_PER_EXPORT` traces, starting at trace `first`.
fn export(first: usize, now: i64) -> Value {
    let attr = |k: &str, v: Value| json!({ "key": k, "value": v });
    let mut spans = Vec::new();
    for t in first..first + TRACES_PER_EXPORT {
        // Spread over the last 50 minutes, oldest first.
        let start = now - 3_000_000_000_000 + (t as i64) * (3_000_000_000_000 / TRACES as i64);
        for s in 0..SPANS_PER_TRACE {
            let (name, op) = match s {
                0 => ("invoke_agent bench", "invoke_agent"),
                s if s % 10 == 1 => ("chat", "chat"),
                _ => ("execute_tool lookup", "execute_tool"),
            };
            let parent = match s {
                0 => String::new(),
                s if s % 10 == 1 => format!("{:08x}{:08x}", t, 0),
                s => format!("{:08x}{:08x}", t, s - (s - 1) % 10),
            };
            spans.push(json!({
                "traceId": format!("{:032x}", t + 1),
                "spanId": format!("{:08x}{:08x}", t, s),
                "parentSpanId": parent,
                "name": name,
                "kind": 1,
                "startTimeUnixNano": (start + s as i64 * 1_000_000).to_string(),
                "endTimeUnixNano": (start + s as i64 * 1_000_000 + 500_000).to_string(),
                "attributes": [
                    attr("gen_ai.operation.name", json!({ "stringValue": op })),
                    attr("gen_ai.request.model", json!({ "stringValue": "us.anthropic.claude-sonnet-4" })),
                    attr("gen_ai.usage.input_tokens", json!({ "intValue": "120" })),
                    attr("session.id", json!({ "stringValue": format!("bench-session-{:028}", t % 100) })),
                ],
                "status": { "code": if (t + s) % 97 == 0 { 2 } else { 1 } },
            }));
        }
    }
    json!({ "resourceSpans": [{
        "resource": { "attributes": [attr("service.name", json!({ "stringValue": "bench.DEFAULT" }))] },
        "scopeSpans": [{ "scope": { "name": "bench" }, "spans": spans }],
    }]})
}

async fn ingest(url: &str) {
    let http = reqwest::Client::new();
    let now = now_ns();
    let started = Instant::now();
    for first in (0..TRACES).step_by(TRACES_PER_EXPORT) {
        let body = serde_json::to_vec(&export(first, now)).unwrap();
        loop {
            let answer = http
                .post(format!("{url}/v1/traces"))
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            match answer.status().as_u16() {
                200 => break,
                429 | 503 => tokio::time::sleep(Duration::from_millis(50)).await,
                other => panic!("export answered {other}: {}", answer.text().await.unwrap()),
            }
        }
    }
    println!(
        "traces list: ingested {} spans in {:.1} s",
        TRACES * SPANS_PER_TRACE,
        started.elapsed().as_secs_f64()
    );
}

async fn opens(backend: &acc_backend::Backend, label: &str, query: &TraceQuery) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..OPENS {
        let started = Instant::now();
        let page = backend.list_traces_page(query).await.unwrap();
        times.push(started.elapsed().as_secs_f64() * 1e3);
        last = Some(page);
    }
    times.sort_by(f64::total_cmp);
    let page = last.unwrap();
    println!(
        "traces list {label}: median {:.1} ms, best {:.1} ms; {} traces of {} spans, summarised by the service: {}, cut short: {}",
        times[OPENS / 2],
        times[0],
        page.traces.len(),
        page.spans_read,
        page.summarised,
        page.truncated
    );
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let platform = acc_runtime_local::start(acc_runtime_local::PlatformConfig {
            state: acc_runtime_local::StateLocation::Dir(dir.path().to_path_buf()),
            seed_demo: false,
            otlp: acc_runtime_local::OtlpLimits {
                spans: 2_000_000,
                ..Default::default()
            },
            ..Default::default()
        })
        .await
        .unwrap();
        let url = platform.endpoint_url();
        ingest(&url).await;
        let backend = acc_backend::Backend::connect(acc_backend::ConnectTarget::Endpoint {
            url: url.clone(),
            region: None,
        })
        .await;
        opens(
            &backend,
            "over 1 000 000 spans (last hour)",
            &TraceQuery::default(),
        )
        .await;
        let recent = TraceQuery {
            since_ms: Some(5 * 60_000),
            ..TraceQuery::default()
        };
        opens(&backend, "last 5 minutes (100 000 spans)", &recent).await;
        let session = TraceQuery {
            session: Some(format!("bench-session-{:028}", 7)),
            ..TraceQuery::default()
        };
        opens(&backend, "one session (100 traces)", &session).await;
        let filtered = TraceQuery {
            since_ms: Some(5 * 60_000),
            filter: Some("name~chat".into()),
            ..TraceQuery::default()
        };
        opens(
            &backend,
            "last 5 minutes, filter name~chat (reads spans)",
            &filtered,
        )
        .await;
        let started = Instant::now();
        let detail = backend
            .get_trace(&format!("{:032x}", TRACES))
            .await
            .unwrap();
        println!(
            "traces show: one 100-span trace among 1 000 000 in {:.0} ms ({} spans)",
            started.elapsed().as_secs_f64() * 1e3,
            detail.spans.len()
        );
        platform.shutdown().await;
    });
}
