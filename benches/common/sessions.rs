//! Runtime sessions of an in-process platform, timed from outside as a
//! client sees them: shared by the runtime benches.
#![allow(dead_code)]

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use acc_runtime_local::{PlatformConfig, RunningPlatform};
use serde_json::{Value, json};

#[path = "percentiles.rs"]
mod percentiles;
pub use percentiles::{percentile, sorted};

/// A platform and an HTTP client for it.
pub struct Bench {
    pub platform: RunningPlatform,
    pub http: reqwest::Client,
}

impl Bench {
    /// An ephemeral platform without the demo workspace.
    pub async fn start() -> Bench {
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
    pub async fn runtime(&self, name: &str, uri: &str) -> String {
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

    /// InvokeAgentRuntime's URL for `arn` (URL-encoded).
    pub fn invocations(&self, arn: &str) -> String {
        format!(
            "{}/runtimes/{arn}/invocations",
            self.platform.endpoint_url()
        )
    }

    /// One invocation of `url` in `session`; its body.
    pub async fn invoke(&self, url: &str, session: &str, payload: &Value, accept: &str) -> String {
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

    /// When session `session` was `starting` and `healthy`, in Unix ms.
    pub async fn lifecycle(&self, session: &str) -> (i64, i64) {
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
        (at("starting"), at("healthy"))
    }

    /// `count` cold starts of `arn`, each a new session stopped after its
    /// first answer (one more before them, discarded: it pages the
    /// program in from disk).
    pub async fn cold_starts(&self, arn: &str, label: &str, count: usize) -> ColdStarts {
        let url = self.invocations(arn);
        let mut starts = ColdStarts::default();
        for i in 0..=count {
            let session = format!("{label}-cold-{i:04}-0123456789-0123456789-0123");
            let sent = Instant::now();
            let sent_ms = unix_ms();
            self.invoke(
                &url,
                &session,
                &json!({ "prompt": "x", "delay_ms": 0 }),
                "*/*",
            )
            .await;
            if i > 0 {
                starts.answered.push(sent.elapsed().as_secs_f64() * 1e3);
                let (starting, healthy) = self.lifecycle(&session).await;
                starts.prepared.push((starting - sent_ms) as f64);
                starts.healthy.push((healthy - starting) as f64);
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
        starts.prepared = sorted(starts.prepared);
        starts.healthy = sorted(starts.healthy);
        starts.answered = sorted(starts.answered);
        starts
    }
}

/// Cold starts in milliseconds, each sorted.
#[derive(Default)]
pub struct ColdStarts {
    /// From sending the first invocation to `starting`: the artifact
    /// inspected and the session's copy of its root filesystem made.
    pub prepared: Vec<f64>,
    /// From `starting` to `healthy` (the platform's lifecycle events).
    pub healthy: Vec<f64>,
    /// From sending the first invocation to its whole answer (the client's view).
    pub answered: Vec<f64>,
}

/// Now, in Unix milliseconds (the platform's lifecycle clock).
fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
