//! Runtime sessions on the local platform, end to end: the real
//! `aws-sdk-bedrockagentcore` client invokes the built-in demo agent
//! (`acc demo-agent`) hosted as a `native:` runtime, one bubblewrap sandbox
//! per session. Needs bubblewrap (tests/run installs it).

use crate::platform;

use std::time::{Duration, Instant};

use acc_runtime_local::{PlatformConfig, StateLocation};
use aws_sdk_bedrockagentcore::primitives::Blob;
use aws_sdk_bedrockagentcorecontrol::types::LifecycleConfiguration;
use serde_json::{Value, json};

/// Create a native runtime of the demo agent; returns its ARN.
async fn demo_runtime(endpoint: &str, name: &str, idle_s: i32) -> String {
    let lifecycle = LifecycleConfiguration::builder()
        .idle_runtime_session_timeout(idle_s)
        .max_lifetime(600)
        .build();
    platform::demo_runtime_arn(endpoint, name, Some(lifecycle)).await
}

#[tokio::test]
async fn the_demo_agent_streams_through_a_sandboxed_session_and_stops() {
    platform::require_bwrap();
    let state = tempfile::tempdir().unwrap();
    let platform = platform::start_rehearsal(state.path()).await;
    let endpoint = platform.endpoint_url();
    let arn = demo_runtime(&endpoint, "demo_agent", 600).await;
    let data = platform::data_client(&endpoint);
    let session = "session-0123456789-0123456789-0123456789";

    // Frames arrive as the agent writes them, not when it finishes.
    let started = Instant::now();
    let mut answer = data
        .invoke_agent_runtime()
        .agent_runtime_arn(&arn)
        .runtime_session_id(session)
        .runtime_user_id("alice@example.com")
        .content_type("application/json")
        .accept("text/event-stream")
        .payload(Blob::new(
            serde_json::to_vec(&json!({ "prompt": "stream please", "delay_ms": 100 })).unwrap(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.runtime_session_id(), Some(session));
    assert_eq!(answer.content_type(), "text/event-stream");
    let mut arrivals = Vec::new();
    let mut body = String::new();
    while let Some(chunk) = answer.response.next().await {
        let chunk = chunk.unwrap();
        arrivals.push(started.elapsed());
        body.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    let frames = platform::frames(&body);
    let words = frames.iter().filter(|f| f["type"] == "delta").count();
    assert!(words > 10, "{body}");
    // 100 ms between words: the first chunk came long before the last.
    let spread = *arrivals.last().unwrap() - arrivals[0];
    assert!(
        spread >= Duration::from_millis(100 * (words as u64 - 2)),
        "chunks arrived within {spread:?}: buffered, not streamed"
    );
    // Headers forwarded as AgentCore forwards them.
    let start = &frames[0];
    assert_eq!(start["sessionId"], session);
    assert_eq!(start["userId"], "alice@example.com");
    assert_eq!(start["requestId"].as_str().unwrap().len(), 36);
    // The SDK signed with SigV4; the signature never reaches the agent.
    assert_eq!(start["authorization"], false, "{start}");
    assert_eq!(frames.last().unwrap()["type"], "done");

    // Custom headers pass through too (raw HTTP here: the SDK has no member
    // for them); a header the runtime did not allowlist does not.
    let raw = platform::raw_invocation(&endpoint, &arn, Some(session))
        .header(
            "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant",
            "northwind",
        )
        .header("X-Not-Allowlisted", "dropped")
        .body(r#"{"prompt":"again","delay_ms":1}"#)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = &platform::frames(&raw)[0];
    assert_eq!(
        start["custom"]["x-amzn-bedrock-agentcore-runtime-custom-tenant"],
        "northwind"
    );
    assert!(
        start["custom"].get("x-not-allowlisted").is_none(),
        "{start}"
    );

    let listed = platform::sessions(&endpoint).await;
    assert_eq!(listed.len(), 1, "one session served both invocations");
    assert_eq!(listed[0]["invocations"], 2);
    assert_eq!(listed[0]["execution"], "native");
    assert_eq!(listed[0]["state"], "HEALTHY");

    // A missing session id is generated; a bad one refused.
    let generated = data
        .invoke_agent_runtime()
        .agent_runtime_arn(&arn)
        .payload(Blob::new(br#"{"prompt":"x","delay_ms":1}"#.to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(generated.runtime_session_id().unwrap().len(), 36);
    let short = data
        .invoke_agent_runtime()
        .agent_runtime_arn(&arn)
        .runtime_session_id("too-short")
        .payload(Blob::new(b"{}".to_vec()))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(short.is_validation_exception(), "{short:?}");

    // A caller who hangs up mid-stream is recorded as such; the finished
    // invocations as completed.
    let mut hung_up = data
        .invoke_agent_runtime()
        .agent_runtime_arn(&arn)
        .runtime_session_id(session)
        .payload(Blob::new(
            br#"{"prompt":"long","delay_ms":200,"repeat":50}"#.to_vec(),
        ))
        .send()
        .await
        .unwrap();
    hung_up.response.next().await.unwrap().unwrap();
    drop(hung_up);
    let started = Instant::now();
    let history = loop {
        let ours = platform::local_sessions(&endpoint, Some(session)).await;
        let history = ours["invocationHistory"].as_array().unwrap().clone();
        if history.len() == 3 && history[2]["outcome"] != "streaming" {
            break history;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{history:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let outcomes: Vec<&str> = history
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["completed", "completed", "caller disconnected"]);
    assert_eq!(history[0]["userId"], "alice@example.com");

    // What the console shows against live AWS, derived from the runtime's
    // log streams through the CloudWatch Logs API, finds the same session.
    let backend = platform::backend(&endpoint).await;
    // The demo agent exports a span per invocation (after answering).
    let kept = platform::wait_for_spans(&endpoint, session, 2).await;
    let derived = backend.sessions_from_logs().await.unwrap();
    let ours = derived
        .iter()
        .find(|s| s.runtime_session_id == session)
        .unwrap_or_else(|| panic!("{derived:?}"));
    assert_eq!(ours.agent_runtime_id, arn.rsplit('/').next().unwrap());
    assert_eq!(ours.endpoint, "DEFAULT");
    assert_eq!(ours.state, "ACTIVE");
    assert!(ours.idle_seconds < 60, "{ours:?}");
    // Its spans, read back from Transaction Search's aws/spans records, are
    // the ones the receiver kept; its invocations are their roots.
    let mut from_logs: Vec<String> = backend
        .spans_from_logs(session)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.span_id)
        .collect();
    let mut kept_ids: Vec<String> = kept
        .iter()
        .map(|s| s["spanId"].as_str().unwrap().to_owned())
        .collect();
    from_logs.sort();
    kept_ids.sort();
    assert_eq!(from_logs, kept_ids);
    let roots = kept.iter().filter(|s| s["parentSpanId"] == "").count() as u64;
    assert!(roots >= 2, "{kept:?}");
    assert!(ours.invocations >= 2, "{ours:?}");
    // A session seen only in spans (its agent never wrote to stdout) is
    // listed too, under the runtime its resource names.
    let only = "spans-only-0123456789-0123456789-0123";
    let now_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let exported = reqwest::Client::new()
        .post(format!("{endpoint}/v1/traces"))
        .json(&json!({ "resourceSpans": [{
            "resource": { "attributes": [{ "key": "aws.log.group.names", "value": {
                "stringValue": "/aws/bedrock-agentcore/runtimes/quiet_agent-Q1w2E3r4T5-DEFAULT" } }] },
            "scopeSpans": [{ "spans": [{
                "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
                "name": "agent.turn", "kind": 2,
                "startTimeUnixNano": (now_ns - 2_000_000_000).to_string(),
                "endTimeUnixNano": (now_ns - 1_000_000_000).to_string(),
                "attributes": [{ "key": "session.id", "value": { "stringValue": only } }]
            }] }]
        }] }))
        .send()
        .await
        .unwrap();
    assert!(exported.status().is_success());
    let derived = backend.sessions_from_logs().await.unwrap();
    let quiet = derived
        .iter()
        .find(|s| s.runtime_session_id == only)
        .unwrap_or_else(|| panic!("{derived:?}"));
    assert_eq!(quiet.agent_runtime_id, "quiet_agent-Q1w2E3r4T5");
    assert_eq!(quiet.invocations, 1);
    assert_eq!(quiet.state, "ACTIVE");

    // Stop: the session ends, and the next invocation starts a fresh one.
    data.stop_runtime_session()
        .agent_runtime_arn(&arn)
        .runtime_session_id(session)
        .send()
        .await
        .unwrap();
    assert_eq!(platform::session_state(&endpoint, session).await, "STOPPED");
    let again = data
        .stop_runtime_session()
        .agent_runtime_arn(&arn)
        .runtime_session_id(session)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(again.is_resource_not_found_exception(), "{again:?}");
}

#[tokio::test]
async fn idle_sessions_end_unless_the_agent_is_busy() {
    platform::require_bwrap();
    let state = tempfile::tempdir().unwrap();
    let platform = platform::start_rehearsal(state.path()).await;
    let endpoint = platform.endpoint_url();
    let arn = demo_runtime(&endpoint, "short_idle", 1).await;
    let data = platform::data_client(&endpoint);
    let invoke = |session: &'static str, payload: Value| {
        let data = data.clone();
        let arn = arn.clone();
        async move {
            let out = data
                .invoke_agent_runtime()
                .agent_runtime_arn(&arn)
                .runtime_session_id(session)
                .payload(Blob::new(serde_json::to_vec(&payload).unwrap()))
                .send()
                .await
                .unwrap();
            out.response.collect().await.unwrap();
        }
    };
    let idle = "idle-session-0123456789-0123456789-01";
    let busy = "busy-session-0123456789-0123456789-01";
    invoke(idle, json!({ "prompt": "a", "delay_ms": 1 })).await;
    invoke(
        busy,
        json!({ "prompt": "b", "delay_ms": 1, "background_ms": 3000 }),
    )
    .await;
    let after_answer = Instant::now();
    // The idle one ends about a second after its last activity.
    platform::wait_for_state(&endpoint, idle, "STOPPED", Duration::from_secs(10)).await;
    // The busy one reports HealthyBusy past its idle timeout, then ends.
    platform::wait_for_state(&endpoint, busy, "BUSY", Duration::from_secs(10)).await;
    platform::wait_for_state(&endpoint, busy, "STOPPED", Duration::from_secs(15)).await;
    assert!(
        after_answer.elapsed() >= Duration::from_millis(2500),
        "the busy session outlived its background work"
    );
    let events = platform::session_events(&endpoint, busy).await;
    assert!(
        events.iter().any(|e| e.starts_with("healthy")),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| e == "busy (HealthyBusy)"),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| e == "stopped (idle timeout)"),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_session_ends_at_its_max_lifetime_even_while_busy() {
    platform::require_bwrap();
    let state = tempfile::tempdir().unwrap();
    let platform = platform::start_rehearsal(state.path()).await;
    let endpoint = platform.endpoint_url();
    let lifecycle = LifecycleConfiguration::builder()
        .idle_runtime_session_timeout(2)
        .max_lifetime(2)
        .build();
    let arn = platform::create_runtime(
        &endpoint,
        "short_lived",
        &platform::demo_agent_uri(),
        Some(lifecycle),
    )
    .await
    .unwrap()
    .agent_runtime_arn()
    .to_owned();
    let session = "lifetime-session-0123456789-0123456789";
    let started = Instant::now();
    let out = platform::data_client(&endpoint)
        .invoke_agent_runtime()
        .agent_runtime_arn(&arn)
        .runtime_session_id(session)
        .payload(Blob::new(
            br#"{"prompt":"work","delay_ms":1,"background_ms":60000}"#.to_vec(),
        ))
        .send()
        .await
        .unwrap();
    out.response.collect().await.unwrap();
    // HealthyBusy keeps idle termination away, not the lifetime.
    platform::wait_for_stop(
        &endpoint,
        session,
        "max lifetime",
        started,
        Duration::from_millis(1900),
    )
    .await;
    platform.shutdown().await;
}

#[tokio::test]
async fn sessions_cannot_see_each_other_or_the_host() {
    platform::require_bwrap();
    let state = tempfile::tempdir().unwrap();
    let platform = platform::start_rehearsal(state.path()).await;
    let endpoint = platform.endpoint_url();
    let arn = demo_runtime(&endpoint, "isolated", 600).await;
    // A file in the host's home, and the platform's own database.
    let secret = platform::host_secret(".acc-isolation-");
    let database = state.path().join("platform.sqlite3");
    assert!(database.exists());
    let probe = |session: &'static str, spec: Value| {
        let (endpoint, arn) = (endpoint.clone(), arn.clone());
        async move { platform::probe_in_session(&endpoint, &arn, Some(session), "probe", spec).await }
    };
    let a = "session-a-0123456789-0123456789-012345";
    let b = "session-b-0123456789-0123456789-012345";
    let (wrote, other) = tokio::join!(
        probe(
            a,
            json!({ "write": "/tmp/mine", "read": secret.path().display().to_string() })
        ),
        probe(
            b,
            json!({ "write": "/tmp/other", "read": database.display().to_string() })
        ),
    );
    assert_eq!(wrote["write"], "ok", "{wrote}");
    assert!(
        wrote["read"].as_str().unwrap().starts_with("error"),
        "host home readable: {wrote}"
    );
    assert!(
        other["read"].as_str().unwrap().starts_with("error"),
        "database readable: {other}"
    );
    // Each session's /tmp is its own.
    let a_reads_b = probe(a, json!({ "read": "/tmp/other" })).await;
    assert!(
        a_reads_b["read"].as_str().unwrap().starts_with("error"),
        "{a_reads_b}"
    );
    let a_reads_a = probe(a, json!({ "read": "/tmp/mine" })).await;
    assert_eq!(a_reads_a["read"], "written by the acc demo agent");
    // An unprivileged user, not root.
    assert!(
        wrote["uid"].as_str().unwrap().contains("1000"),
        "{}",
        wrote["uid"]
    );
}

#[tokio::test]
async fn payloads_over_100_mb_are_refused_before_any_session_starts() {
    let state = tempfile::tempdir().unwrap();
    let platform = platform::start_rehearsal(state.path()).await;
    let endpoint = platform.endpoint_url();
    let arn = demo_runtime(&endpoint, "big_payloads", 600).await;
    let refused = platform::raw_invocation(&endpoint, &arn, None)
        .body(vec![b' '; 100 * 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 413);
    let body = refused.text().await.unwrap();
    assert!(body.contains("at most 100 MB"), "{body}");
    assert!(
        platform::sessions(&endpoint).await.is_empty(),
        "no session was started"
    );
}

#[tokio::test]
async fn each_session_gets_the_configured_memory_limit() {
    platform::require_bwrap();
    let state = tempfile::tempdir().unwrap();
    let platform = acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Dir(state.path().to_path_buf()),
        seed_demo: false,
        session_memory_bytes: 256 * 1024 * 1024,
        ..PlatformConfig::default()
    })
    .await
    .unwrap();
    let endpoint = platform.endpoint_url();
    let arn = demo_runtime(&endpoint, "small", 600).await;
    let out = platform::data_client(&endpoint)
        .invoke_agent_runtime()
        .agent_runtime_arn(&arn)
        .payload(Blob::new(
            br#"{"prompt":"limits","delay_ms":1,"probe":{}}"#.to_vec(),
        ))
        .send()
        .await
        .unwrap();
    let body = out.response.collect().await.unwrap().into_bytes();
    let limits =
        platform::frames(std::str::from_utf8(&body).unwrap())[0]["probe"]["limits"].clone();
    assert!(
        limits
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "Max data size 268435456 268435456 bytes"),
        "{limits}"
    );
    platform.shutdown().await;
}

/// The address this machine uses towards the outside (no packet is sent).
fn outward_address() -> std::net::IpAddr {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    socket
        .connect("192.0.2.1:9")
        .expect("this test needs a default route: the machine has no network");
    socket.local_addr().unwrap().ip()
}

#[tokio::test]
async fn public_sessions_go_out_through_the_proxy_but_never_to_this_machine() {
    platform::require_bwrap();
    let state = tempfile::tempdir().unwrap();
    let platform = platform::start_rehearsal(state.path()).await;
    let endpoint = platform.endpoint_url();
    let public = demo_runtime(&endpoint, "public_agent", 600).await;
    let vpc = platform::runtime_request(
        &endpoint,
        "vpc_agent",
        &platform::demo_agent_uri(),
        aws_sdk_bedrockagentcorecontrol::types::NetworkMode::Vpc,
    )
    .send()
    .await
    .unwrap()
    .agent_runtime_arn()
    .to_owned();
    // A service of this machine, on every interface.
    let (port, _) = platform::host_service().await;
    let fetch = |arn: String, url: String| {
        let endpoint = endpoint.clone();
        async move {
            let probe = json!({ "fetch": url });
            platform::probe_in_session(&endpoint, &arn, None, "fetch", probe).await["fetch"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    // The internet (the crates.io index, which any machine building this
    // project reaches) through the session's proxy.
    let internet = "https://index.crates.io/config.json".to_owned();
    assert_eq!(fetch(public.clone(), internet.clone()).await, "HTTP 200");
    // This machine, by its outward address: the proxy refuses it.
    let own = format!("http://{}:{port}/", outward_address());
    assert_eq!(fetch(public.clone(), own.clone()).await, "HTTP 403");
    // Loopback is the session's own: nothing of the host's is there.
    let loopback = format!("http://127.0.0.1:{port}/");
    assert!(fetch(public.clone(), loopback).await.starts_with("error"));
    // VPC sessions have no way out at all.
    assert!(fetch(vpc.clone(), internet).await.starts_with("error"));
    assert!(fetch(vpc, own).await.starts_with("error"));
    platform.shutdown().await;
}
