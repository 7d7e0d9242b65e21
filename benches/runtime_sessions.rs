//! Runtime sessions on loopback, in-process, compared with AgentCore's
//! published 1–2 s cold start and 100–200 ms warm start:
//! - cold session start to healthy (`starting` → `healthy` in the
//!   session's lifecycle): the demo agent native, and a static arm64 agent
//!   under qemu-user (built here with aarch64-linux-gnu-gcc);
//! - warm invocation overhead: the demo agent answering JSON, called
//!   directly on a host port and through the runtime (p50/p99 added);
//! - SSE passthrough latency per frame: each frame carries the time the
//!   agent wrote it; arrival minus that, directly and through the runtime.
//!
//! Run: `cargo bench --bench runtime_sessions` (or `./tests/bench/run runtime`).

#[path = "../tests/common/oci_image.rs"]
mod oci_image;
#[path = "common/sessions.rs"]
mod sessions;

use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::Criterion;
use serde_json::{Value, json};
use sessions::{Bench, percentile, sorted};

const COLD_STARTS: usize = 20;
const WARM_CALLS: usize = 1_000;
const STREAM_FRAMES: usize = 2_000;

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

/// Frame latencies (µs from the agent writing a frame to us reading it).
async fn frame_latencies(http: &reqwest::Client, request: reqwest::RequestBuilder) -> Vec<f64> {
    let _ = http;
    let mut response = request.send().await.unwrap();
    let mut out = Vec::new();
    let mut buffer = String::new();
    while let Some(chunk) = response.chunk().await.unwrap() {
        let arrived = now_us();
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            if let Some(data) = frame.trim().strip_prefix("data: ")
                && let Ok(v) = serde_json::from_str::<Value>(data)
                && let Some(at) = v["at_us"].as_u64()
            {
                out.push(arrived.saturating_sub(at) as f64);
            }
        }
    }
    out
}

fn runtime_sessions(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bench = rt.block_on(Bench::start());
    let exe = env!("CARGO_BIN_EXE_acc");
    let native = rt.block_on(bench.runtime("bench_native", &format!("native:{exe} demo-agent")));

    let cold = rt
        .block_on(bench.cold_starts(&native, "native", COLD_STARTS))
        .healthy;
    println!(
        "cold start native: p50 {:.0} ms, p99 {:.0} ms ({} starts)",
        percentile(&cold, 0.5),
        percentile(&cold, 0.99),
        cold.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let image = oci_image::arm64_agent_image(dir.path());
    let arm =
        rt.block_on(bench.runtime("bench_arm64", &format!("oci-archive:{}", image.display())));
    let cold = rt
        .block_on(bench.cold_starts(&arm, "arm64", COLD_STARTS))
        .healthy;
    println!(
        "cold start emulated arm64: p50 {:.0} ms, p99 {:.0} ms ({} starts)",
        percentile(&cold, 0.5),
        percentile(&cold, 0.99),
        cold.len()
    );

    // Warm: the same agent directly on a host port, and through the runtime.
    let port = 18_000 + (std::process::id() % 1000) as u16;
    let mut direct_agent = Command::new(exe)
        .args(["demo-agent", "--listen", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let direct = format!("http://127.0.0.1:{port}/invocations");
    rt.block_on(async {
        for _ in 0..200 {
            if bench
                .http
                .get(format!("http://127.0.0.1:{port}/ping"))
                .send()
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    let through = bench.invocations(&native);
    let session = "bench-warm-0123456789-0123456789-0123456";
    let payload = json!({ "prompt": "warm", "delay_ms": 0 });
    let time = |url: &str| {
        rt.block_on(async {
            let mut out = Vec::with_capacity(WARM_CALLS);
            for _ in 0..WARM_CALLS {
                let start = Instant::now();
                bench
                    .invoke(url, session, &payload, "application/json")
                    .await;
                out.push(start.elapsed().as_secs_f64() * 1e3);
            }
            sorted(out)
        })
    };
    time(&through); // starts the session
    let direct_ms = time(&direct);
    let through_ms = time(&through);
    for (p, label) in [(0.5, "p50"), (0.99, "p99")] {
        let d = percentile(&direct_ms, p);
        let t = percentile(&through_ms, p);
        println!(
            "warm invocation {label}: direct {d:.3} ms, through the runtime {t:.3} ms, added {:.3} ms",
            t - d
        );
    }

    // SSE: per-frame latency, directly and through the runtime.
    let stream_payload =
        json!({ "prompt": "stream", "delay_ms": 1, "repeat": STREAM_FRAMES / 21 + 1 });
    let latencies = |url: &str| {
        let request = bench
            .http
            .post(url)
            .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
            .header("accept", "text/event-stream")
            .json(&stream_payload);
        sorted(rt.block_on(frame_latencies(&bench.http, request)))
    };
    let direct_us = latencies(&direct);
    let through_us = latencies(&through);
    for (p, label) in [(0.5, "p50"), (0.99, "p99")] {
        let d = percentile(&direct_us, p) / 1e3;
        let t = percentile(&through_us, p) / 1e3;
        println!(
            "sse frame {label}: direct {d:.3} ms, through the runtime {t:.3} ms, added {:.3} ms ({} frames)",
            t - d,
            through_us.len()
        );
    }

    let mut group = c.benchmark_group("runtime");
    group.sample_size(20);
    group.bench_function("warm invocation through the runtime", |b| {
        b.iter(|| rt.block_on(bench.invoke(&through, session, &payload, "application/json")))
    });
    group.finish();
    let _ = direct_agent.kill();
    let _ = direct_agent.wait();
}

criterion::criterion_group!(benches, runtime_sessions);
criterion::criterion_main!(benches);
