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

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use acc_runtime_local::{PlatformConfig, RunningPlatform};
use criterion::Criterion;
use serde_json::{Value, json};

const COLD_STARTS: usize = 20;
const WARM_CALLS: usize = 1_000;
const STREAM_FRAMES: usize = 2_000;

#[path = "common/percentiles.rs"]
mod percentiles;
use percentiles::{percentile, sorted};

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

struct Bench {
    platform: RunningPlatform,
    http: reqwest::Client,
}

impl Bench {
    async fn start() -> Bench {
        let platform = acc_runtime_local::start(PlatformConfig {
            seed_demo: false,
            ..PlatformConfig::default()
        })
        .await
        .expect("the platform starts");
        Bench {
            platform,
            http: reqwest::Client::new(),
        }
    }

    /// A runtime of `uri`; returns its URL-encoded ARN.
    async fn runtime(&self, name: &str, uri: &str) -> String {
        let created: Value = self
            .http
            .put(format!("{}/runtimes", self.platform.endpoint_url()))
            .json(&json!({
                "agentRuntimeName": name,
                "agentRuntimeArtifact": { "containerConfiguration": { "containerUri": uri } },
                "roleArn": "arn:aws:iam::000000000000:role/bench",
                "networkConfiguration": { "networkMode": "PUBLIC" },
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let arn = created["agentRuntimeArn"]
            .as_str()
            .unwrap_or_else(|| panic!("{created}"));
        arn.replace(':', "%3A").replace('/', "%2F")
    }

    fn invocations(&self, arn: &str) -> String {
        format!(
            "{}/runtimes/{arn}/invocations",
            self.platform.endpoint_url()
        )
    }

    async fn invoke(&self, url: &str, session: &str, payload: &Value, accept: &str) -> String {
        let response = self
            .http
            .post(url)
            .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
            .header("accept", accept)
            .json(payload)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response.text().await.unwrap()
    }

    /// Milliseconds from `starting` to `healthy` of a session.
    async fn start_to_healthy(&self, session: &str) -> f64 {
        let listed: Value = self
            .http
            .get(format!(
                "{}/local/runtime-sessions/{session}",
                self.platform.endpoint_url()
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let events = listed["events"].as_array().unwrap();
        let at = |prefix: &str| {
            events
                .iter()
                .find(|e| e["event"].as_str().unwrap().starts_with(prefix))
                .and_then(|e| e["atMs"].as_i64())
                .unwrap_or_else(|| panic!("no {prefix} event in {listed}"))
        };
        (at("healthy") - at("starting")) as f64
    }

    async fn cold_starts(&self, arn: &str, label: &str) -> Vec<f64> {
        let url = self.invocations(arn);
        let mut out = Vec::new();
        // The first start also pages the binary in from disk; discard it.
        for i in 0..=COLD_STARTS {
            let session = format!("{label}-cold-{i:04}-0123456789-0123456789-0123");
            self.invoke(
                &url,
                &session,
                &json!({ "prompt": "x", "delay_ms": 0 }),
                "*/*",
            )
            .await;
            if i > 0 {
                out.push(self.start_to_healthy(&session).await);
            }
            let stop = format!(
                "{}/runtimes/{arn}/stopruntimesession",
                self.platform.endpoint_url()
            );
            self.http
                .post(stop)
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", &session)
                .send()
                .await
                .unwrap();
        }
        sorted(out)
    }
}

/// The static arm64 agent of the tests, as an OCI archive.
fn arm64_image(dir: &Path) -> Option<String> {
    let agent = dir.join("agent");
    let built = Command::new("aarch64-linux-gnu-gcc")
        .args(["-static", "-O2", "-o"])
        .arg(&agent)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/arm64_agent/agent.c"))
        .status()
        .ok()?;
    if !built.success() {
        return None;
    }
    let tar_of = |files: &[(&str, &[u8], u32)]| {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data, mode) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(*mode);
            h.set_cksum();
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.into_inner().unwrap()
    };
    let layer = tar_of(&[("agent", &std::fs::read(&agent).ok()?, 0o755)]);
    let config = serde_json::to_vec(&json!({ "os": "linux", "architecture": "arm64",
        "config": { "Entrypoint": ["/agent"] } }))
    .unwrap();
    let (l, c, m) = ("1".repeat(64), "2".repeat(64), "3".repeat(64));
    let manifest = serde_json::to_vec(&json!({ "schemaVersion": 2,
        "config": { "digest": format!("sha256:{c}"), "size": config.len() },
        "layers": [{ "digest": format!("sha256:{l}"), "size": layer.len() }] }))
    .unwrap();
    let index = serde_json::to_vec(
        &json!({ "schemaVersion": 2, "manifests": [{ "digest": format!("sha256:{m}") }] }),
    )
    .unwrap();
    let archive = tar_of(&[
        ("index.json", &index, 0o644),
        (&format!("blobs/sha256/{m}"), &manifest, 0o644),
        (&format!("blobs/sha256/{c}"), &config, 0o644),
        (&format!("blobs/sha256/{l}"), &layer, 0o644),
    ]);
    let path = dir.join("arm64.tar");
    std::fs::write(&path, archive).ok()?;
    Some(format!("oci-archive:{}", path.display()))
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

    let cold = rt.block_on(bench.cold_starts(&native, "native"));
    println!(
        "cold start native: p50 {:.0} ms, p99 {:.0} ms ({} starts)",
        percentile(&cold, 0.5),
        percentile(&cold, 0.99),
        cold.len()
    );
    let dir = tempfile::tempdir().unwrap();
    match arm64_image(dir.path()) {
        Some(image) => {
            let arm = rt.block_on(bench.runtime("bench_arm64", &image));
            let cold = rt.block_on(bench.cold_starts(&arm, "arm64"));
            println!(
                "cold start emulated arm64: p50 {:.0} ms, p99 {:.0} ms ({} starts)",
                percentile(&cold, 0.5),
                percentile(&cold, 0.99),
                cold.len()
            );
        }
        None => println!("cold start emulated arm64: skipped (aarch64-linux-gnu-gcc missing)"),
    }

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
