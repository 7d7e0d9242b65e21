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
//! The same batches then go over OTLP/gRPC (`TraceService/Export`, one
//! HTTP/2 connection as an SDK's exporter keeps) into a second platform.
//!
//! Run: `cargo bench -p acc-runtime-local --bench otlp_ingest` (or
//! `./tests/bench/run otlp-capacity`); `OTLP_SPANS=100000` stops sooner.

use std::time::{Duration, Instant};

use acc_runtime_local::{OtlpLimits, PlatformConfig, RunningPlatform, StateLocation};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http2;
use hyper_util::rt::{TokioExecutor, TokioIo};
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

/// Where the batches go: OTLP/HTTP (`POST /v1/traces`) or OTLP/gRPC
/// (`TraceService/Export` over one HTTP/2 connection, streams multiplexed).
#[derive(Clone)]
enum Transport {
    Http {
        client: reqwest::Client,
        url: String,
    },
    Grpc {
        sender: http2::SendRequest<Full<Bytes>>,
        url: String,
    },
}

impl Transport {
    /// An HTTP/2 connection to the gRPC port, without a gRPC library: a
    /// unary call is a POST of one length-prefixed message (a 5-byte
    /// header: not compressed, then the length, big-endian), answered by
    /// `grpc-status` in the trailers (or, alone, in the headers).
    async fn grpc(addr: std::net::SocketAddr) -> Self {
        let tcp = tokio::net::TcpStream::connect(addr)
            .await
            .expect("the gRPC port answers");
        tcp.set_nodelay(true).unwrap();
        let (sender, connection) = http2::handshake(TokioExecutor::new(), TokioIo::new(tcp))
            .await
            .expect("an HTTP/2 connection");
        tokio::spawn(connection);
        Transport::Grpc {
            sender,
            url: format!(
                "http://{addr}/opentelemetry.proto.collector.trace.v1.TraceService/Export"
            ),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Transport::Http { .. } => "HTTP protobuf",
            Transport::Grpc { .. } => "gRPC",
        }
    }

    /// Export `body` once: true when acknowledged, false when the receiver
    /// says to retry (503, or gRPC `UNAVAILABLE`); any other answer panics.
    async fn export(&mut self, body: &Bytes) -> bool {
        match self {
            Transport::Http { client, url } => {
                let response = client
                    .post(url.as_str())
                    .header("content-type", "application/x-protobuf")
                    .body(body.clone())
                    .send()
                    .await
                    .expect("the receiver answers");
                match response.status().as_u16() {
                    200 => true,
                    503 => false,
                    other => panic!("export answered {other}"),
                }
            }
            Transport::Grpc { sender, url } => {
                let mut framed = Vec::with_capacity(5 + body.len());
                framed.push(0);
                framed.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
                framed.extend_from_slice(body);
                let request = hyper::Request::post(url.as_str())
                    .header("content-type", "application/grpc")
                    .header("te", "trailers")
                    .body(Full::new(Bytes::from(framed)))
                    .unwrap();
                sender.ready().await.expect("the HTTP/2 connection is open");
                let response = sender
                    .send_request(request)
                    .await
                    .expect("the receiver answers");
                assert_eq!(response.status(), 200, "gRPC answers over HTTP 200");
                let in_headers = response.headers().get("grpc-status").cloned();
                let collected = response
                    .into_body()
                    .collect()
                    .await
                    .expect("the answer's body");
                let status = in_headers
                    .or_else(|| collected.trailers()?.get("grpc-status").cloned())
                    .expect("a grpc-status");
                match status.to_str().unwrap() {
                    "0" => true,
                    "14" => false,
                    other => panic!("export answered grpc-status {other}"),
                }
            }
        }
    }
}

/// Send batches `from..to`, `IN_FLIGHT` at a time, each until
/// acknowledged; how many exports were retried.
async fn send(transport: &Transport, from: usize, to: usize) -> usize {
    let mut retried = 0;
    let mut next = from;
    let mut flying = tokio::task::JoinSet::new();
    loop {
        while flying.len() < IN_FLIGHT && next < to {
            let (mut transport, n) = (transport.clone(), next);
            flying.spawn(async move {
                let body = Bytes::from(batch(n));
                let mut retries = 0;
                while !transport.export(&body).await {
                    retries += 1;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                retries
            });
            next += 1;
        }
        match flying.join_next().await {
            Some(done) => retried += done.expect("an export task"),
            None => return retried,
        }
    }
}

/// This process's resident memory (`VmRSS`) or its peak (`VmHWM`), in MiB.
fn rss_mib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
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

/// Send up to each of `checkpoints` through `transport` into `platform`,
/// saying at each what acc holds and how fast it answers there.
async fn run(platform: &RunningPlatform, transport: &Transport, checkpoints: &[usize]) {
    let endpoint = platform.endpoint_url();
    let http = reqwest::Client::new();
    println!(
        "otlp ingest (Rust client, {}, batches of {BATCH}, {IN_FLIGHT} in flight, persistent state), {} cores",
        transport.name(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let (mut sent_batches, mut elapsed, mut retried_total) = (0, Duration::ZERO, 0);
    for &checkpoint in checkpoints {
        let to = checkpoint.div_ceil(BATCH);
        let began = Instant::now();
        let retried = send(transport, sent_batches, to).await;
        let took = began.elapsed();
        elapsed += took;
        retried_total += retried;
        let added = (to - sent_batches) * BATCH;
        sent_batches = to;
        let sent = sent_batches * BATCH;
        let (_, stats) = timed_get(&http, &format!("{endpoint}/local/otlp"), 1).await;
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
            "otlp capacity {sent} spans ({}): +{added} in {:.2} s = {:.0} spans/s ({retried} exports retried after 503); \
             kept {kept} ({lost}); one trace ({} spans) in {trace_ms:.1} ms, newest 200 in {newest_ms:.1} ms; \
             process RSS {} MiB, peak {} MiB",
            transport.name(),
            took.as_secs_f64(),
            added as f64 / took.as_secs_f64(),
            trace["spans"].as_array().map_or(0, Vec::len),
            rss_mib("VmRSS:"),
            rss_mib("VmHWM:"),
        );
    }
    println!(
        "otlp ingest total ({}): {} spans in {:.2} s = {:.0} spans/s, {retried_total} exports retried",
        transport.name(),
        sent_batches * BATCH,
        elapsed.as_secs_f64(),
        (sent_batches * BATCH) as f64 / elapsed.as_secs_f64()
    );
}

/// A platform with a persistent state in `dir` and room for every span sent.
async fn platform(dir: &std::path::Path) -> RunningPlatform {
    acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Dir(dir.to_owned()),
        seed_demo: false,
        otlp_grpc: Some(([127, 0, 0, 1], 0).into()),
        otlp: OtlpLimits {
            spans: 2_000_000,
            ..OtlpLimits::default()
        },
        ..PlatformConfig::default()
    })
    .await
    .expect("the platform starts")
}

/// `OTLP_SPANS` (default 1 000 000) bounds the checkpoints of both runs
/// (HTTP, then gRPC in a platform of its own).
#[tokio::main]
async fn main() {
    let most: usize = std::env::var("OTLP_SPANS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let checkpoints: Vec<usize> = CHECKPOINTS.into_iter().filter(|&c| c <= most).collect();
    let dir = tempfile::tempdir().unwrap();
    let http = platform(dir.path()).await;
    let transport = Transport::Http {
        client: reqwest::Client::new(),
        url: format!("{}/v1/traces", http.endpoint_url()),
    };
    run(&http, &transport, &checkpoints).await;
    http.shutdown().await;
    let dir = tempfile::tempdir().unwrap();
    let grpc = platform(dir.path()).await;
    let transport = Transport::grpc(grpc.otlp_grpc_addr().expect("gRPC listens")).await;
    run(&grpc, &transport, &checkpoints).await;
    grpc.shutdown().await;
}
