//! AgentCore Memory on the local platform, persistent state (WAL,
//! synchronous=FULL), over loopback HTTP:
//! - CreateEvent throughput with 32 requests in flight;
//! - ListEvents, a page of 100 from a session of 100 000 events (p50/p99);
//! - RetrieveMemoryRecords over 100 000 records, topK 10 (p50/p99);
//! - extraction lag at 100 events/s: from CreateEvent's answer to the
//!   record's `createdAt` (default 1 s extraction delay included).
//!
//! Run: `cargo bench --bench memory` (or `./tests/bench/run memory`).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use acc_runtime_local::{PlatformConfig, RunningPlatform, StateLocation};
use criterion::Criterion;
use futures_util::StreamExt as _;
use serde_json::{Value, json};

const EVENTS: usize = 100_000;
const RECORDS: usize = 100_000;
const IN_FLIGHT: usize = 32;
const SAMPLES: usize = 1_000;
const LAG_EVENTS: usize = 1_000;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v
}

fn now_s() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// A few thousand made-up words, so records and queries share a realistic vocabulary.
fn word(i: usize) -> String {
    const SYLLABLES: &[&str] = &[
        "ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "pi", "qu", "ne", "zar",
    ];
    let (a, b, c) = (i % 12, (i / 12) % 12, (i / 144) % 12);
    format!("{}{}{}", SYLLABLES[a], SYLLABLES[b], SYLLABLES[c])
}

struct Bench {
    platform: RunningPlatform,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Bench {
    async fn start(delay: Duration) -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let platform = acc_runtime_local::start(PlatformConfig {
            state: StateLocation::Dir(dir.path().to_path_buf()),
            seed_demo: false,
            memory_extraction_delay: delay,
            ..PlatformConfig::default()
        })
        .await
        .expect("the platform starts");
        Bench {
            platform,
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    async fn post(&self, path: &str, body: &Value) -> Value {
        let url = format!("{}{path}", self.platform.endpoint_url());
        let response = self.http.post(url).json(body).send().await.unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {answer}");
        answer
    }

    async fn memory(&self, name: &str, strategies: Value) -> String {
        let created = self
            .post(
                "/memories/create",
                &json!({"name": name, "eventExpiryDuration": 365, "memoryStrategies": strategies}),
            )
            .await;
        created["memory"]["id"].as_str().unwrap().to_owned()
    }

    /// `count` CreateEvents into one session, `IN_FLIGHT` at a time; events per second.
    async fn fill(&self, memory: &str, count: usize) -> f64 {
        let path = format!("/memories/{memory}/events");
        let start = Instant::now();
        futures_util::stream::iter(0..count)
            .map(|i| {
                let body = json!({
                    "actorId": "bench-user", "sessionId": "bench-session",
                    "eventTimestamp": 1_700_000_000.0 + i as f64 / 1000.0,
                    "payload": [{"conversational": {"role": "USER", "content": {"text": format!("message {i} about {}", word(i))}}}],
                });
                let path = path.clone();
                async move { self.post(&path, &body).await }
            })
            .buffer_unordered(IN_FLIGHT)
            .for_each(|_| async {})
            .await;
        count as f64 / start.elapsed().as_secs_f64()
    }

    /// Milliseconds of `SAMPLES` calls of `path` with `body(i)`, sorted.
    async fn sample(&self, path: &str, body: impl Fn(usize) -> Value) -> Vec<f64> {
        let mut out = Vec::with_capacity(SAMPLES);
        for i in 0..SAMPLES {
            let body = body(i);
            let start = Instant::now();
            self.post(path, &body).await;
            out.push(start.elapsed().as_secs_f64() * 1e3);
        }
        sorted(out)
    }
}

fn report(label: &str, ms: &[f64]) {
    println!(
        "{label}: p50 {:.3} ms, p99 {:.3} ms",
        percentile(ms, 0.5),
        percentile(ms, 0.99)
    );
}

/// Records in batches of 100: `RECORDS` facts over the made-up vocabulary.
async fn fill_records(bench: &Bench, memory: &str) {
    let path = format!("/memories/{memory}/memoryRecords/batchCreate");
    futures_util::stream::iter(0..RECORDS / 100)
        .map(|batch| {
            let records: Vec<Value> = (0..100)
                .map(|j| {
                    let i = batch * 100 + j;
                    json!({
                        "requestIdentifier": format!("r{j}"),
                        "namespaces": [format!("/users/user{}/facts/", i % 1000)],
                        "content": {"text": format!("The user's {} is {} near {} ({i}).", word(i), word(i * 7 + 3), word(i * 13 + 5))},
                        "timestamp": 1_700_000_000,
                    })
                })
                .collect();
            let path = path.clone();
            async move { bench.post(&path, &json!({"records": records})).await }
        })
        .buffer_unordered(8)
        .for_each(|_| async {})
        .await;
}

/// Extraction lag at 100 events/s: each event states one fact; the lag is
/// its record's `createdAt` minus the time CreateEvent answered.
async fn extraction_lag(bench: &Bench) -> Vec<f64> {
    let memory = bench.memory("lag_memory", json!([{"semanticMemoryStrategy": {"name": "facts", "namespaceTemplates": ["/facts/{actorId}/"]}}])).await;
    let path = format!("/memories/{memory}/events");
    let mut acked = Vec::with_capacity(LAG_EVENTS);
    let period = Duration::from_millis(10);
    let start = Instant::now();
    for i in 0..LAG_EVENTS {
        let due = start + period * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let body = json!({
            "actorId": "lag-user", "sessionId": format!("s{}", i / 50), "eventTimestamp": now_s(),
            "payload": [{"conversational": {"role": "USER", "content": {"text": format!("My code{i} is {i}.")}}}],
        });
        bench.post(&path, &body).await;
        acked.push(now_s());
    }
    let list = format!("/memories/{memory}/memoryRecords");
    let mut created = vec![None; LAG_EVENTS];
    let deadline = Instant::now() + Duration::from_secs(60);
    while created.iter().any(Option::is_none) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"namespace": "/facts/lag-user/", "maxResults": 100});
            if let Some(t) = &token {
                body["nextToken"] = json!(t);
            }
            let page = bench.post(&list, &body).await;
            for r in page["memoryRecordSummaries"].as_array().unwrap() {
                let text = r["content"]["text"].as_str().unwrap();
                let i: usize = text
                    .trim_start_matches("The user's code")
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                created[i] = r["createdAt"].as_f64();
            }
            token = page["nextToken"].as_str().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
    }
    let lags: Vec<f64> = created
        .iter()
        .zip(&acked)
        .filter_map(|(c, a)| c.map(|c| (c - a) * 1e3))
        .collect();
    assert_eq!(lags.len(), LAG_EVENTS, "every event's fact was extracted");
    sorted(lags)
}

fn memory(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let bench = rt.block_on(Bench::start(Duration::from_secs(1)));
    let events = rt.block_on(bench.memory("bench_events", json!([])));
    let rate = rt.block_on(bench.fill(&events, EVENTS));
    println!(
        "create event: {rate:.0} events/s persistent ({EVENTS} events, {IN_FLIGHT} in flight)"
    );
    let list_path = format!("/memories/{events}/actor/bench-user/sessions/bench-session");
    let list = rt.block_on(bench.sample(&list_path, |_| json!({"maxResults": 100})));
    report("list events page of 100 from 100 000", &list);

    let records = rt.block_on(bench.memory("bench_records", json!([])));
    rt.block_on(fill_records(&bench, &records));
    let retrieve_path = format!("/memories/{records}/retrieve");
    let query = |i: usize| json!({"namespacePath": "/users/", "searchCriteria": {"searchQuery": format!("what is the {} {}", word(i * 31), word(i * 17 + 1)), "topK": 10}});
    let retrieve = rt.block_on(bench.sample(&retrieve_path, query));
    report("retrieve topK 10 over 100 000 records", &retrieve);

    let lag = rt.block_on(extraction_lag(&bench));
    report("extraction lag at 100 events/s (1 s delay)", &lag);

    c.bench_function("memory list events page of 100", |b| {
        b.to_async(&rt).iter(|| async {
            bench.post(&list_path, &json!({"maxResults": 100})).await;
        });
    });
    c.bench_function("memory retrieve topK 10 over 100k records", |b| {
        let mut i = 0;
        b.to_async(&rt).iter(|| {
            i += 1;
            let body = query(i);
            let (bench, path) = (&bench, &retrieve_path);
            async move {
                bench.post(path, &body).await;
            }
        });
    });
    rt.block_on(bench.platform.shutdown());
}

criterion::criterion_group!(benches, memory);
criterion::criterion_main!(benches);
