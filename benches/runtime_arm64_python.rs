//! How much slower emulation is, for what users deploy: the same AgentCore
//! Python SDK agent (`tests/python_agent/agent.py`) as a `linux/arm64`
//! image of Debian's arm64 CPython 3.11 (under qemu-user on x86_64; built
//! by `tests/arm64_python/prepare.sh`) and as a native runtime of the
//! host's CPython 3.11 (`target/agentcore-venv`, made by tests/run):
//! - cold start, p50/p99 over 10 starts: the session's copy of the image
//!   (invocation sent → `starting`), `starting` → `healthy` (the agent's
//!   start to its first healthy `/ping`), and the client's whole wait for
//!   its first answer;
//! - warm invocation: a whole answer (the SDK's SSE stream of four frames,
//!   no sleeps) in a running session, p50/p99, and what emulation adds.
//!
//! Run: `cargo bench --bench runtime_arm64_python` (or
//! `./tests/bench/run arm64-python`).

#[path = "../tests/common/oci_image.rs"]
mod oci_image;
#[path = "common/sessions.rs"]
mod sessions;

use std::path::Path;
use std::time::Instant;

use criterion::Criterion;
use serde_json::json;
use sessions::{Bench, ColdStarts, percentile, sorted};

const COLD_STARTS: usize = 10;
const WARM_CALLS: usize = 50;

fn report(label: &str, starts: &ColdStarts) {
    for (what, times) in [
        ("image copy (sent to starting)", &starts.prepared),
        ("to healthy (starting to healthy)", &starts.healthy),
        ("to first answer (sent to answer)", &starts.answered),
    ] {
        println!(
            "cold start {label} {what}: p50 {:.0} ms, p99 {:.0} ms ({} starts)",
            percentile(times, 0.5),
            percentile(times, 0.99),
            times.len()
        );
    }
}

/// `WARM_CALLS` whole answers of a running session of `arn`, in ms, sorted.
async fn warm(bench: &Bench, arn: &str, label: &str) -> Vec<f64> {
    let url = bench.invocations(arn);
    let session = format!("{label}-warm-0123456789-0123456789-0123456");
    let payload = json!({ "prompt": "warm", "delay_ms": 0 });
    // The first starts the session.
    bench
        .invoke(&url, &session, &payload, "text/event-stream")
        .await;
    let mut out = Vec::with_capacity(WARM_CALLS);
    for _ in 0..WARM_CALLS {
        let sent = Instant::now();
        let body = bench
            .invoke(&url, &session, &payload, "text/event-stream")
            .await;
        out.push(sent.elapsed().as_secs_f64() * 1e3);
        assert!(body.contains("heard:"), "{body}");
    }
    sorted(out)
}

fn arm64_python(_: &mut Criterion) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = repo.join("target/agentcore-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run ./tests/run (it creates the venv)",
        python.display()
    );
    let agent = repo.join("tests/python_agent/agent.py");
    let dir = tempfile::tempdir().unwrap();
    let image = oci_image::arm64_python_image(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bench = rt.block_on(Bench::start());
    let native_uri = format!("native:{} {}", python.display(), agent.display());
    let native = rt.block_on(bench.runtime("bench_python_native", &native_uri));
    let emulated_uri = format!("oci-archive:{}", image.display());
    let emulated = rt.block_on(bench.runtime("bench_python_arm64", &emulated_uri));

    let native_cold = rt.block_on(bench.cold_starts(&native, "py-native", COLD_STARTS));
    report("python native", &native_cold);
    let emulated_cold = rt.block_on(bench.cold_starts(&emulated, "py-arm64", COLD_STARTS));
    report("python arm64 under qemu", &emulated_cold);

    let native_ms = rt.block_on(warm(&bench, &native, "py-native"));
    let emulated_ms = rt.block_on(warm(&bench, &emulated, "py-arm64"));
    for (p, label) in [(0.5, "p50"), (0.99, "p99")] {
        let n = percentile(&native_ms, p);
        let e = percentile(&emulated_ms, p);
        println!(
            "warm invocation python {label}: native {n:.1} ms, arm64 under qemu {e:.1} ms, \
             added by emulation {:.1} ms ({WARM_CALLS} calls)",
            e - n
        );
    }
}

criterion::criterion_group!(benches, arm64_python);
criterion::criterion_main!(benches);
