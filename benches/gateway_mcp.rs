//! The gateway MCP endpoint under load, on loopback, in-process:
//! - `tools/list` over a 5 000-tool catalog: one page, and every page;
//! - the overhead a gateway adds to `tools/call` against an MCP server
//!   target, next to calling that MCP server directly (the demo knowledge
//!   base the platform itself serves), with p50/p99 over many calls;
//! - the overhead of Cedar enforcement per `tools/call`: the same gateway
//!   with a policy engine of 50 policies attached in ENFORCE, against itself
//!   without one;
//! - captured calls per second: bursts of concurrent `tools/call`s, each
//!   captured (SQLite row + log line, group-committed), then a check through
//!   the CloudWatch Logs API that no capture was lost.
//!
//! Run: `cargo bench --bench gateway_mcp` (or `./tests/bench/run gateway`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use acc_runtime_local::{PlatformConfig, RunningPlatform};
use criterion::{Criterion, Throughput};
use serde_json::{Value, json};

const TOOLS: usize = 5_000;
/// Calls per path for the latency percentiles.
const LATENCY_SAMPLES: usize = 2_000;
/// Calls per measured burst, and how many are in flight at once.
const BURST: usize = 2_000;
const IN_FLIGHT: usize = 64;

struct Bench {
    platform: RunningPlatform,
    http: reqwest::Client,
}

impl Bench {
    async fn start() -> Bench {
        let platform = acc_runtime_local::start(PlatformConfig {
            seed_demo: true,
            bulk_tools: TOOLS,
            // Keep every capture, so the loss check can count them all.
            capture_cap: usize::MAX,
            ..PlatformConfig::default()
        })
        .await
        .expect("the platform starts");
        Bench {
            platform,
            http: reqwest::Client::new(),
        }
    }

    async fn rpc(&self, url: &str, method: &str, params: Value) -> Value {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let reply: Value = self
            .http
            .post(url)
            .header("accept", "application/json, text/event-stream")
            .json(&body)
            .send()
            .await
            .expect("the endpoint answers")
            .json()
            .await
            .expect("a JSON reply");
        assert!(reply.get("error").is_none(), "{method} failed: {reply}");
        reply["result"].clone()
    }

    /// The MCP URL of the gateway with this name.
    async fn gateway_url(&self, name: &str) -> String {
        let endpoint = self.platform.endpoint_url();
        let list: Value = self
            .http
            .get(format!("{endpoint}/gateways/"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .unwrap_or_else(|| panic!("no gateway {name}"))["gatewayId"]
            .as_str()
            .unwrap()
            .to_owned();
        format!("{endpoint}/gateways/{id}/mcp")
    }

    async fn list_all(&self, url: &str) -> usize {
        let mut cursor: Option<String> = None;
        let mut count = 0;
        loop {
            let params = match &cursor {
                Some(c) => json!({ "cursor": c }),
                None => json!({}),
            };
            let result = self.rpc(url, "tools/list", params).await;
            count += result["tools"].as_array().map_or(0, Vec::len);
            match result["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return count,
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn latencies(bench: &Bench, url: &str, name: &str, arguments: &Value) -> Vec<Duration> {
    let params = json!({ "name": name, "arguments": arguments });
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for _ in 0..LATENCY_SAMPLES {
        let started = Instant::now();
        let result = bench.rpc(url, "tools/call", params.clone()).await;
        samples.push(started.elapsed());
        assert_eq!(result["isError"], false, "{result}");
    }
    samples.sort_unstable();
    samples
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let bench = runtime.block_on(Bench::start());
    let bulk = runtime.block_on(bench.gateway_url("bulk-catalog"));
    // The first listing materialises the catalog; measure the steady state.
    let listed = runtime.block_on(bench.list_all(&bulk));
    assert!(listed > TOOLS, "the bulk catalog lists {listed} tools");

    let mut criterion = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    criterion.bench_function("tools/list first page of 5000 tools", |b| {
        b.to_async(&runtime)
            .iter(|| bench.rpc(&bulk, "tools/list", json!({})))
    });
    criterion
        .benchmark_group("tools/list")
        .sample_size(10)
        .bench_function("every page of 5000 tools (167 pages)", |b| {
            b.to_async(&runtime).iter(|| bench.list_all(&bulk))
        });

    // The demo's knowledge base: an MCP server target, reached through the
    // gateway `kb-direct-bench` (NONE auth) or directly.
    let direct = format!("{}/demo/knowledge-base/mcp", bench.platform.endpoint_url());
    let gateway = runtime.block_on(gateway_for(&bench, &direct));
    let arguments = json!({ "query": "reset" });
    let direct_samples =
        runtime.block_on(latencies(&bench, &direct, "search_articles", &arguments));
    let gateway_samples = runtime.block_on(latencies(
        &bench,
        &gateway,
        "knowledge___search_articles",
        &arguments,
    ));
    for (p, label) in [(0.5, "p50"), (0.99, "p99")] {
        let d = percentile(&direct_samples, p);
        let g = percentile(&gateway_samples, p);
        println!(
            "tools/call {label}: direct {:.3} ms, through the gateway {:.3} ms, added {:.3} ms",
            d.as_secs_f64() * 1e3,
            g.as_secs_f64() * 1e3,
            g.saturating_sub(d).as_secs_f64() * 1e3
        );
    }

    // Enforcement overhead: a second gateway to the same server, with an
    // engine of 50 policies (one permit, 49 forbids that do not apply)
    // attached in ENFORCE.
    let enforced = runtime.block_on(enforced_gateway_for(&bench, &direct));
    let enforced_samples = runtime.block_on(latencies(
        &bench,
        &enforced,
        "knowledge___search_articles",
        &arguments,
    ));
    for (p, label) in [(0.5, "p50"), (0.99, "p99")] {
        let plain = percentile(&gateway_samples, p);
        let policed = percentile(&enforced_samples, p);
        println!(
            "enforcement {label}: without an engine {:.3} ms, with 50 policies in ENFORCE {:.3} ms, added {:.3} ms",
            plain.as_secs_f64() * 1e3,
            policed.as_secs_f64() * 1e3,
            policed.saturating_sub(plain).as_secs_f64() * 1e3
        );
    }

    // Captured calls per second, on the same knowledge-base gateway.
    let issued = AtomicUsize::new(0);
    let before = runtime.block_on(count_captures(&bench, &gateway));
    let mut group = criterion.benchmark_group("captures");
    group.throughput(Throughput::Elements(BURST as u64));
    group.sample_size(10);
    group.bench_function("tools/call to an MCP target, 64 in flight", |b| {
        b.to_async(&runtime).iter(|| {
            burst(
                &bench,
                &gateway,
                "knowledge___search_articles",
                &arguments,
                &issued,
            )
        })
    });
    group.bench_function(
        "tools/call of an unknown tool (capture-bound), 64 in flight",
        |b| {
            b.to_async(&runtime).iter(|| {
                burst(
                    &bench,
                    &gateway,
                    "knowledge___no_such_tool",
                    &arguments,
                    &issued,
                )
            })
        },
    );
    group.finish();
    let after = runtime.block_on(count_captures(&bench, &gateway));
    let issued = issued.load(Ordering::SeqCst);
    assert_eq!(after - before, issued, "captures lost");
    println!(
        "captures: {issued} calls issued, {} captured, none lost",
        after - before
    );
    criterion.final_summary();
    runtime.block_on(bench.platform.shutdown());
}

/// Like [`gateway_for`], with a policy engine of 50 policies in ENFORCE.
async fn enforced_gateway_for(bench: &Bench, server: &str) -> String {
    let endpoint = bench.platform.endpoint_url();
    let base = endpoint.as_str();
    let post = |path: String, body: Value| async move {
        let response = bench
            .http
            .post(format!("{base}{path}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "POST {path}");
        response.json::<Value>().await.unwrap()
    };
    let engine = post("/policy-engines".into(), json!({ "name": "bench_engine" })).await;
    let engine_id = engine["policyEngineId"].as_str().unwrap().to_owned();
    let permit = "permit(principal, action, resource);".to_owned();
    let forbids = (1..50).map(|i| {
        format!("forbid(principal, action == AgentCore::Action::\"knowledge___search_articles\", resource) when {{ context.input has collection && context.input.collection == \"nope-{i}\" }};")
    });
    let mut last = Value::Null;
    for (i, statement) in std::iter::once(permit).chain(forbids).enumerate() {
        last = post(
            format!("/policy-engines/{engine_id}/policies"),
            json!({ "name": format!("p{i}"), "definition": { "cedar": { "statement": statement } } }),
        )
        .await;
    }
    // Policies decide once ACTIVE (CREATING settles within a fraction of a
    // second); the gateway lists tools only then.
    let policy = format!(
        "{endpoint}/policy-engines/{engine_id}/policies/{}",
        last["policyId"].as_str().unwrap()
    );
    while bench
        .http
        .get(&policy)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["status"]
        != "ACTIVE"
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    gateway_named(
        bench,
        server,
        "kb-enforced-bench",
        Some(engine["policyEngineArn"].as_str().unwrap()),
    )
    .await
}

/// A NONE-auth gateway whose one target is the MCP server at `server`.
async fn gateway_for(bench: &Bench, server: &str) -> String {
    gateway_named(bench, server, "kb-direct-bench", None).await
}

async fn gateway_named(bench: &Bench, server: &str, name: &str, engine: Option<&str>) -> String {
    let endpoint = bench.platform.endpoint_url();
    let created: Value = bench
        .http
        .post(format!("{endpoint}/gateways/"))
        .json(&{
            let mut body = json!({
                "name": name,
                "roleArn": "arn:aws:iam::000000000000:role/Bench",
                "protocolType": "MCP",
                "authorizerType": "NONE"
            });
            if let Some(arn) = engine {
                body["policyEngineConfiguration"] = json!({ "arn": arn, "mode": "ENFORCE" });
            }
            body
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["gatewayId"]
        .as_str()
        .expect("a gateway id")
        .to_owned();
    let target = bench
        .http
        .post(format!("{endpoint}/gateways/{id}/targets/"))
        .json(&json!({
            "name": "knowledge",
            "targetConfiguration": { "mcp": { "mcpServer": { "endpoint": server } } }
        }))
        .send()
        .await
        .unwrap();
    assert!(target.status().is_success(), "{:?}", target.text().await);
    let url = format!("{endpoint}/gateways/{id}/mcp");
    // Listing discovers the server's tools.
    let listed = bench.list_all(&url).await;
    assert!(
        listed > 0,
        "the knowledge base lists tools through the gateway"
    );
    url
}

/// `BURST` calls of `tool`, `IN_FLIGHT` at a time.
async fn burst(bench: &Bench, url: &str, tool: &str, arguments: &Value, issued: &AtomicUsize) {
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": { "name": tool, "arguments": arguments } })
    .to_string();
    let next = AtomicUsize::new(0);
    let worker = || async {
        while next.fetch_add(1, Ordering::Relaxed) < BURST {
            let status = bench
                .http
                .post(url)
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body(body.clone())
                .send()
                .await
                .expect("the gateway answers")
                .status();
            assert!(status.is_success(), "tools/call answered {status}");
            issued.fetch_add(1, Ordering::Relaxed);
        }
    };
    futures_util::future::join_all((0..IN_FLIGHT).map(|_| worker())).await;
}

/// Captured calls of the gateway at `url`, counted through FilterLogEvents.
async fn count_captures(bench: &Bench, url: &str) -> usize {
    let id = url.rsplit('/').nth(1).expect("a gateway id in the URL");
    let mut count = 0;
    let mut token: Option<String> = None;
    loop {
        let mut input = json!({
            "logGroupName": format!("/aws/vendedlogs/bedrock-agentcore/gateway/APPLICATION_LOGS/{id}")
        });
        if let Some(t) = &token {
            input["nextToken"] = json!(t);
        }
        let reply = bench
            .http
            .post(format!("{}/", bench.platform.endpoint_url()))
            .header("x-amz-target", "Logs_20140328.FilterLogEvents")
            .header("content-type", "application/x-amz-json-1.1")
            .body(input.to_string())
            .send()
            .await
            .unwrap();
        let page: Value = reply.json().await.unwrap();
        if page.get("events").is_none() {
            return count; // No log group yet: nothing captured.
        }
        count += page["events"].as_array().map_or(0, Vec::len);
        match page["nextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => return count,
        }
    }
}
