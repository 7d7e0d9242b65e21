//! OTLP/HTTP ingest with a Rust client sending real protobuf
//! (opentelemetry-proto's prost messages, batches of 512 agent-like spans),
//! into a platform with a persistent state (SQLite in a temporary
//! directory), in-process on loopback, 8 exports in flight; a 503 is
//! retried, so nothing is lost. It reports spans per second, then keeps
//! going to the counts the peers are known for, and at each says what acc
//! holds and how fast it answers there:
//! - 1 000 (otel-tui keeps 1 000 spans per service),
//! - 80 000 (Jaeger UI freezes near 80k spans),
//! - 100 000 (the receiver's default limit) and 1 000 000.
//!
//! Run: `cargo bench --bench otlp_ingest` (or `./tests/bench/run otlp-capacity`).

use std::time::{Duration, Instant};

use acc_runtime_local::{OtlpLimits, PlatformConfig, StateLocation};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use prost::Message;

const BATCH: usize = 512;
const IN_FLIGHT: usize = 8;
const CHECKPOINTS: [usize; 4] = [1_000, 80_000, 100_000, 1_000_000];

fn text(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.into())),
        }),
        ..KeyValue::default()
    }
}

fn int(key: &str, value: i64) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::IntValue(value)),
        }),
        ..KeyValue::default()
    }
}

/// Batch `n` (512 spans: traces of 8, an invoke_agent root with chat and
/// execute_tool children), encoded.
fn batch(n: usize) -> Vec<u8> {
    let spans = (0..BATCH)
        .map(|i| {
            let global = (n * BATCH + i) as u64;
            let trace = global / 8;
            let root = global.is_multiple_of(8);
            let start = 1_700_000_000_000_000_000 + global * 1_000_000;
            let (name, attributes) = if root {
                (
                    "invoke_agent bench".to_owned(),
                    vec![
                        text("gen_ai.operation.name", "invoke_agent"),
                        text("session.id", &format!("bench-session-{trace:08}")),
                    ],
                )
            } else if global % 2 == 1 {
                (
                    "chat bench-model".to_owned(),
                    vec![
                        text("gen_ai.operation.name", "chat"),
                        text("gen_ai.request.model", "bench-model"),
                        int("gen_ai.usage.input_tokens", 812),
                        int("gen_ai.usage.output_tokens", 96),
                    ],
                )
            } else {
                (
                    "execute_tool crm___search".to_owned(),
                    vec![
                        text("gen_ai.operation.name", "execute_tool"),
                        text("gen_ai.tool.name", "crm___search"),
                    ],
                )
            };
            Span {
                trace_id: [&(trace + 1).to_be_bytes()[..], &[7u8; 8]].concat(),
                span_id: (global + 1).to_be_bytes().to_vec(),
                parent_span_id: if root {
                    Vec::new()
                } else {
                    (trace * 8 + 1).to_be_bytes().to_vec()
                },
                name,
                kind: if root { 2 } else { 3 },
                start_time_unix_nano: start,
                end_time_unix_nano: start + 250_000,
                attributes,
                status: Some(Status::default()),
                ..Span::default()
            }
        })
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![text("service.name", "bench_agent.DEFAULT")],
                ..Resource::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
    .encode_to_vec()
}

/// Send batches `from..to`, `IN_FLIGHT` at a time, each until acknowledged.
async fn send(http: &reqwest::Client, url: &str, from: usize, to: usize) -> usize {
    let mut retried = 0;
    let mut next = from;
    let mut flying = tokio::task::JoinSet::new();
    loop {
        while flying.len() < IN_FLIGHT && next < to {
            let (http, url, n) = (http.clone(), url.to_owned(), next);
            flying.spawn(async move {
                let body = batch(n);
                let mut retries = 0;
                loop {
                    let response = http
                        .post(&url)
                        .header("content-type", "application/x-protobuf")
                        .body(body.clone())
                        .send()
                        .await
                        .expect("the receiver answers");
                    match response.status().as_u16() {
                        200 => return retries,
                        503 => {
                            retries += 1;
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                        other => panic!("export answered {other}"),
                    }
                }
            });
            next += 1;
        }
        match flying.join_next().await {
            Some(done) => retried += done.expect("an export task"),
            None => return retried,
        }
    }
}

fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
        / 1024
}

/// The median wall time of `runs` GETs of `url`, in ms, and the last body.
async fn timed_get(http: &reqwest::Client, url: &str, runs: usize) -> (f64, serde_json::Value) {
    let mut times = Vec::with_capacity(runs);
    let mut last = serde_json::Value::Null;
    for _ in 0..runs {
        let began = Instant::now();
        last = http.get(url).send().await.unwrap().json().await.unwrap();
        times.push(began.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let platform = acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Dir(dir.path().to_owned()),
        seed_demo: false,
        otlp: OtlpLimits {
            spans: 2_000_000,
            ..OtlpLimits::default()
        },
        ..PlatformConfig::default()
    })
    .await
    .expect("the platform starts");
    let endpoint = platform.endpoint_url();
    let url = format!("{endpoint}/v1/traces");
    let http = reqwest::Client::new();
    println!(
        "otlp ingest (Rust client, HTTP protobuf, batches of {BATCH}, {IN_FLIGHT} in flight, persistent state), {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut sent_batches = 0;
    let mut elapsed = Duration::ZERO;
    for checkpoint in CHECKPOINTS {
        let to = checkpoint.div_ceil(BATCH);
        let began = Instant::now();
        let retried = send(&http, &url, sent_batches, to).await;
        let took = began.elapsed();
        elapsed += took;
        let added = (to - sent_batches) * BATCH;
        sent_batches = to;
        let sent = sent_batches * BATCH;
        let stats: serde_json::Value = http
            .get(format!("{endpoint}/local/otlp"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let kept = stats["spans"]["kept"].as_u64().unwrap_or(0) as usize;
        let lost = if kept == sent {
            "none lost".to_owned()
        } else {
            format!("{} LOST", sent - kept)
        };
        let (trace_ms, trace) = timed_get(
            &http,
            &format!("{endpoint}/local/spans?trace={:016x}{}", 1, "07".repeat(8)),
            5,
        )
        .await;
        let (newest_ms, _) =
            timed_get(&http, &format!("{endpoint}/local/spans?limit=200"), 5).await;
        println!(
            "otlp capacity {sent} spans: +{added} in {:.2} s = {:.0} spans/s ({retried} exports retried after 503); \
             kept {kept} ({lost}); one trace ({} spans) in {trace_ms:.1} ms, newest 200 in {newest_ms:.1} ms; \
             process RSS {} MiB",
            took.as_secs_f64(),
            added as f64 / took.as_secs_f64(),
            trace["spans"].as_array().map_or(0, Vec::len),
            rss_mib(),
        );
    }
    println!(
        "otlp ingest total: {} spans in {:.2} s = {:.0} spans/s",
        sent_batches * BATCH,
        elapsed.as_secs_f64(),
        (sent_batches * BATCH) as f64 / elapsed.as_secs_f64()
    );
    platform.shutdown().await;
}
