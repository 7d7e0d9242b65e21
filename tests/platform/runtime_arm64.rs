//! An arm64 agent, end to end: built here from C with Debian's
//! `aarch64-linux-gnu-gcc` (static), packaged by the test as an OCI image
//! archive, created as an agent runtime, and invoked through the SDK; on
//! an x86_64 host it runs under qemu-user inside its session sandbox. Its
//! output lands in the runtime's log group. Needs the cross compiler,
//! qemu-user-static and bubblewrap (tests/run installs them).

use crate::oci_image;
use crate::platform;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aws_sdk_bedrockagentcore::primitives::Blob;
use aws_sdk_bedrockagentcorecontrol::types::LifecycleConfiguration;
use serde_json::Value;

/// The agent packaged as an arm64 OCI archive in `dir`; with `user`, the
/// image also carries an `/etc/passwd` naming it (uid and gid 2345) and
/// its config says to run as that user.
fn arm64_image(dir: &Path, user: Option<&str>) -> PathBuf {
    oci_image::require_tool("bwrap", "bubblewrap");
    let agent = oci_image::arm64_agent(dir);
    let passwd = format!(
        "root:x:0:0::/root:/bin/false\n{}:x:2345:2345::/:/bin/false\n",
        user.unwrap_or("agent")
    );
    let group = format!("root:x:0:\n{}:x:2345:\n", user.unwrap_or("agent"));
    oci_image::oci_archive_as(
        dir,
        "arm64",
        &[
            ("agent", &agent, 0o755),
            ("etc/passwd", passwd.as_bytes(), 0o644),
            ("etc/group", group.as_bytes(), 0o644),
        ],
        user,
    )
}

/// Create a runtime of `image` (idle timeout `idle_s`); returns its ARN.
async fn arm64_runtime(endpoint: &str, name: &str, image: &Path, idle_s: i32) -> String {
    let lifecycle = LifecycleConfiguration::builder()
        .idle_runtime_session_timeout(idle_s)
        .max_lifetime(600)
        .build();
    platform::create_runtime(
        endpoint,
        name,
        &format!("oci-archive:{}", image.display()),
        Some(lifecycle),
    )
    .await
    .unwrap()
    .agent_runtime_arn()
    .to_owned()
}

/// Invoke over raw HTTP (the SDK has no member for custom headers) with
/// `headers`; returns the agent's first frame.
async fn first_frame(endpoint: &str, arn: &str, session: &str, headers: &[(&str, &str)]) -> Value {
    let mut request = platform::raw_invocation(endpoint, arn, Some(session)).body("{}");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let answer = request.send().await.unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    platform::frames(&answer.text().await.unwrap())[0].clone()
}

#[tokio::test]
async fn an_arm64_image_runs_under_emulation_and_streams() {
    let files = tempfile::tempdir().unwrap();
    let image = arm64_image(files.path(), None);
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let arn = arm64_runtime(&endpoint, "arm64_agent", &image, 600).await;
    let data = platform::data_client(&endpoint);
    let session = "arm64-session-0123456789-0123456789-0123";
    let started = Instant::now();
    let mut answer = data
        .invoke_agent_runtime()
        .agent_runtime_arn(&arn)
        .runtime_session_id(session)
        .runtime_user_id("alice@example.com")
        .payload(Blob::new(b"{\"prompt\":\"hello arm64\"}".to_vec()))
        .send()
        .await
        .unwrap();
    let mut arrivals = Vec::new();
    let mut body = String::new();
    while let Some(chunk) = answer.response.next().await {
        arrivals.push(started.elapsed());
        body.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
    }
    let frames = platform::frames(&body);
    assert_eq!(frames[0]["sessionId"], session, "{body}");
    // The agent sees an aarch64 machine (qemu on x86_64, native on arm64).
    assert_eq!(frames[0]["machine"], "aarch64", "{body}");
    assert_eq!(frames.last().unwrap()["type"], "done");
    let spread = *arrivals.last().unwrap() - arrivals[0];
    assert!(
        spread >= Duration::from_millis(400),
        "five frames 100 ms apart arrived within {spread:?}: not streamed"
    );
    // Headers forwarded as AgentCore forwards them; the SDK's SigV4
    // signature is not among them.
    assert_eq!(frames[0]["userId"], "alice@example.com", "{body}");
    assert_eq!(frames[0]["requestId"].as_str().unwrap().len(), 36, "{body}");
    assert_eq!(frames[0]["authorization"], false, "{body}");
    let custom = first_frame(
        &endpoint,
        &arn,
        session,
        &[
            (
                "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant",
                "northwind",
            ),
            ("X-Not-Allowlisted", "dropped"),
        ],
    )
    .await;
    assert_eq!(custom["tenant"], "northwind", "{custom}");
    assert_eq!(custom["notAllowlisted"], "", "{custom}");

    let listed = platform::local_sessions(&endpoint, None).await;
    let expected = if std::env::consts::ARCH == "aarch64" {
        "arm64"
    } else {
        "emulated"
    };
    assert_eq!(listed["sessions"][0]["execution"], expected);
    assert_eq!(listed["sessions"][0]["invocations"], 2);

    // The agent's stdout is in the runtime's log group, in the session's stream.
    let logs = platform::logs_client(&endpoint);
    let runtime_id = arn.rsplit('/').next().unwrap();
    let group = format!("/aws/bedrock-agentcore/runtimes/{runtime_id}-DEFAULT");
    let start = Instant::now();
    loop {
        let events = logs.filter_log_events().log_group_name(&group).send().await;
        if let Ok(events) = events
            && let Some(event) = events
                .events()
                .iter()
                .find(|e| e.message() == Some("arm64 agent listening on 8080"))
        {
            let stream = event.log_stream_name().unwrap();
            assert!(
                stream.ends_with(&format!("/[runtime-logs]{session}")),
                "{stream}"
            );
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the agent's output never reached {group}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The session's copy of the image exists while it runs and is
    // destroyed when it stops.
    // (The listing names it: its name is generated, never the session id.)
    let root = PathBuf::from(listed["sessions"][0]["workDirectory"].as_str().unwrap());
    assert!(root.join("rootfs/agent").exists(), "{}", root.display());
    data.stop_runtime_session()
        .agent_runtime_arn(&arn)
        .runtime_session_id(session)
        .send()
        .await
        .unwrap();
    assert!(!root.exists(), "{} survived the stop", root.display());
    let events = platform::session_events(&endpoint, session).await;
    assert!(
        events.iter().any(|e| e.starts_with("stopped")),
        "{events:?}"
    );
}

#[tokio::test]
async fn an_idle_arm64_session_ends_at_its_timeout() {
    let files = tempfile::tempdir().unwrap();
    let image = arm64_image(files.path(), None);
    let state = tempfile::tempdir().unwrap();
    let platform = platform::start_rehearsal(state.path()).await;
    let endpoint = platform.endpoint_url();
    let arn = arm64_runtime(&endpoint, "arm64_idle", &image, 1).await;
    let session = "arm64-idle-0123456789-0123456789-012345";
    first_frame(&endpoint, &arn, session, &[]).await;
    let answered = Instant::now();
    platform::wait_for_stop(
        &endpoint,
        session,
        "idle timeout",
        answered,
        Duration::from_millis(900),
    )
    .await;
    platform.shutdown().await;
}

#[tokio::test]
async fn concurrent_arm64_sessions_cannot_see_each_other_or_the_host() {
    let files = tempfile::tempdir().unwrap();
    // The image says to run as `agent`, which its own /etc/passwd defines.
    let image = arm64_image(files.path(), Some("agent"));
    let state = tempfile::tempdir().unwrap();
    let platform = platform::start_rehearsal(state.path()).await;
    let endpoint = platform.endpoint_url();
    let arn = arm64_runtime(&endpoint, "arm64_isolated", &image, 600).await;
    // A file in the host's home, and the platform's own database.
    let secret = platform::host_secret(".acc-arm64-isolation-");
    let secret_path = secret.path().display().to_string();
    let database = state.path().join("platform.sqlite3");
    assert!(database.exists());
    let database_path = database.display().to_string();
    const WRITE: &str = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Write";
    const READ: &str = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Read";
    let a = "arm64-a-0123456789-0123456789-0123456789";
    let b = "arm64-b-0123456789-0123456789-0123456789";
    // Both sessions run at once: A writes into its root filesystem, B into
    // its /tmp; each tries a host file.
    let probes_a = [(WRITE, "/written"), (READ, secret_path.as_str())];
    let probes_b = [(WRITE, "/tmp/written"), (READ, database_path.as_str())];
    let (at_a, at_b) = tokio::join!(
        first_frame(&endpoint, &arn, a, &probes_a),
        first_frame(&endpoint, &arn, b, &probes_b),
    );
    assert_eq!(at_a["write"], "ok", "{at_a}");
    assert_eq!(at_b["write"], "ok", "{at_b}");
    assert!(
        at_a["read"].as_str().unwrap().starts_with("error"),
        "host home readable: {at_a}"
    );
    assert!(
        at_b["read"].as_str().unwrap().starts_with("error"),
        "database readable: {at_b}"
    );
    assert_eq!(platform::sessions(&endpoint).await.len(), 2);
    // Neither sees what the other wrote; each sees its own.
    let b_reads_a = first_frame(&endpoint, &arn, b, &[(READ, "/written")]).await;
    assert!(
        b_reads_a["read"].as_str().unwrap().starts_with("error"),
        "{b_reads_a}"
    );
    let a_reads_b = first_frame(&endpoint, &arn, a, &[(READ, "/tmp/written")]).await;
    assert!(
        a_reads_b["read"].as_str().unwrap().starts_with("error"),
        "{a_reads_b}"
    );
    let a_reads_a = first_frame(&endpoint, &arn, a, &[(READ, "/written")]).await;
    assert_eq!(a_reads_a["read"], a, "{a_reads_a}");
    for probe in [&at_a, &at_b] {
        // The image's user, unprivileged and with no capabilities.
        assert_eq!(probe["uid"], 2345, "{probe}");
        assert_eq!(probe["gid"], 2345, "{probe}");
        assert_eq!(probe["capEff"], "0000000000000000", "{probe}");
        // Its own PID namespace: the sandbox's init, the agent and the
        // process serving this request; never the other session's.
        assert!(probe["processes"].as_i64().unwrap() <= 4, "{probe}");
    }
    platform.shutdown().await;
}

#[tokio::test]
async fn a_buildx_oci_archive_runs_its_arm64_image() {
    // As `docker buildx build --platform linux/arm64 -o type=oci` writes
    // it: a gzip layer, and an index of the image and its provenance
    // attestation (platform unknown/unknown).
    oci_image::require_tool("bwrap", "bubblewrap");
    let files = tempfile::tempdir().unwrap();
    let agent = oci_image::arm64_agent(files.path());
    let layer = oci_image::tar_of(&[("agent", &agent, 0o755)]);
    let config = serde_json::json!({ "Entrypoint": ["/agent"] });
    let image = oci_image::buildx_oci_archive(files.path(), "arm64", &layer, config);
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let arn = arm64_runtime(&endpoint, "buildx_agent", &image, 600).await;
    let session = "arm64-buildx-0123456789-0123456789-01234";
    let frame = first_frame(&endpoint, &arn, session, &[]).await;
    assert_eq!(frame["sessionId"], session, "{frame}");
    assert_eq!(frame["machine"], "aarch64", "{frame}");
    platform.shutdown().await;
}

#[tokio::test]
async fn copying_a_large_image_never_stalls_the_platform() {
    // 20 000 files: the session's copy of the image takes a while (an
    // AgentCore Python image holds about 9 000). The platform serves from
    // this test's one-thread runtime, so a ticker on it sees any stall.
    oci_image::require_tool("bwrap", "bubblewrap");
    let files = tempfile::tempdir().unwrap();
    let agent = oci_image::arm64_agent(files.path());
    let filler = [b'x'; 512];
    let names: Vec<String> = (0..20_000)
        .map(|i| format!("data/{:03}/{i}", i % 100))
        .collect();
    let mut entries: Vec<(&str, &[u8], u32)> = names
        .iter()
        .map(|n| (n.as_str(), &filler[..], 0o644))
        .collect();
    entries.push(("agent", &agent, 0o755));
    let image = oci_image::oci_archive(files.path(), "arm64", &entries);
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let arn = arm64_runtime(&endpoint, "large_agent", &image, 600).await;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ticking = std::sync::Arc::clone(&done);
    let ticker = tokio::spawn(async move {
        let mut worst = Duration::ZERO;
        while !ticking.load(std::sync::atomic::Ordering::SeqCst) {
            let asleep = Instant::now();
            tokio::time::sleep(Duration::from_millis(10)).await;
            worst = worst.max(asleep.elapsed());
        }
        worst
    });
    let started = Instant::now();
    let session = "arm64-large-0123456789-0123456789-012345";
    let frame = first_frame(&endpoint, &arn, session, &[]).await;
    let cold = started.elapsed();
    // Stopping removes the copy: no stall either.
    let stopping = Instant::now();
    platform::data_client(&endpoint)
        .stop_runtime_session()
        .agent_runtime_arn(&arn)
        .runtime_session_id(session)
        .send()
        .await
        .unwrap();
    let stop = stopping.elapsed();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let worst = ticker.await.unwrap();
    assert_eq!(frame["sessionId"], session, "{frame}");
    assert!(
        worst < Duration::from_millis(500),
        "the platform stalled for {worst:?} during a {cold:?} cold start and a {stop:?} stop"
    );
    platform.shutdown().await;
}

#[tokio::test]
async fn an_amd64_image_is_refused_at_create() {
    let files = tempfile::tempdir().unwrap();
    // The architecture in the config decides; the layer's content does not matter.
    let image = oci_image::oci_archive(files.path(), "amd64", &[("agent", b"not run", 0o755)]);
    let platform = platform::start_ephemeral(false).await;
    let refused = platform::create_runtime(
        &platform.endpoint_url(),
        "x86_agent",
        &format!("oci-archive:{}", image.display()),
        None,
    )
    .await
    .unwrap_err();
    assert!(
        format!("{refused:?}").contains(
            "AgentCore runs linux/arm64 only; this image is linux/amd64. Rebuild with --platform linux/arm64"
        ),
        "{refused:?}"
    );
}
