//! An arm64 agent, end to end: built here from C with Debian's
//! `aarch64-linux-gnu-gcc` (static), packaged by the test as an OCI image
//! archive, created as an agent runtime, and invoked through the SDK; on
//! an x86_64 host it runs under qemu-user inside its session sandbox. Its
//! output lands in the runtime's log group. Needs the cross compiler,
//! qemu-user-static and bubblewrap (tests/run installs them).

#[path = "common/oci_image.rs"]
mod oci_image;
#[path = "common/platform.rs"]
mod platform;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use aws_sdk_bedrockagentcore::primitives::Blob;
use serde_json::Value;

fn tool(name: &str, install: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{name} is required for the arm64 tests: run ./tests/run (it installs it) or `apt-get install {install}`"
    );
}

/// The agent, cross-compiled static for aarch64.
fn build_agent(dir: &Path) -> PathBuf {
    tool("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu");
    let out = dir.join("agent");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/arm64_agent/agent.c");
    let built = Command::new("aarch64-linux-gnu-gcc")
        .args(["-static", "-O2", "-o"])
        .arg(&out)
        .arg(&source)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    out
}

#[tokio::test]
async fn an_arm64_image_runs_under_emulation_and_streams() {
    tool("bwrap", "bubblewrap");
    tool("qemu-aarch64-static", "qemu-user-static");
    let files = tempfile::tempdir().unwrap();
    let agent = build_agent(files.path());
    let image = oci_image::oci_archive(
        files.path(),
        "arm64",
        &[("agent", &std::fs::read(&agent).unwrap(), 0o755)],
    );

    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let created = platform::create_runtime(
        &endpoint,
        "arm64_agent",
        &format!("oci-archive:{}", image.display()),
        None,
    )
    .await
    .unwrap();
    let arn = created.agent_runtime_arn().to_owned();
    let data = platform::data_client(&endpoint);
    let session = "arm64-session-0123456789-0123456789-0123";
    let started = Instant::now();
    let mut answer = data
        .invoke_agent_runtime()
        .agent_runtime_arn(&arn)
        .runtime_session_id(session)
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
    let frames: Vec<Value> = body
        .split("\n\n")
        .filter_map(|f| f.strip_prefix("data: "))
        .map(|f| serde_json::from_str(f).unwrap())
        .collect();
    assert_eq!(frames[0]["sessionId"], session, "{body}");
    // The agent sees an aarch64 machine (qemu on x86_64, native on arm64).
    assert_eq!(frames[0]["machine"], "aarch64", "{body}");
    assert_eq!(frames.last().unwrap()["type"], "done");
    let spread = *arrivals.last().unwrap() - arrivals[0];
    assert!(
        spread >= Duration::from_millis(400),
        "five frames 100 ms apart arrived within {spread:?}: not streamed"
    );

    let listed = platform::local_sessions(&endpoint, None).await;
    let expected = if std::env::consts::ARCH == "aarch64" {
        "arm64"
    } else {
        "emulated"
    };
    assert_eq!(listed["sessions"][0]["execution"], expected);

    // The agent's stdout is in the runtime's log group, in the session's stream.
    let logs = platform::logs_client(&endpoint);
    let group = format!(
        "/aws/bedrock-agentcore/runtimes/{}-DEFAULT",
        created.agent_runtime_id()
    );
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
    let root = std::env::temp_dir()
        .join(format!("acc-sessions-{}", std::process::id()))
        .join(session);
    assert!(root.join("rootfs/agent").exists(), "{}", root.display());
    data.stop_runtime_session()
        .agent_runtime_arn(&arn)
        .runtime_session_id(session)
        .send()
        .await
        .unwrap();
    assert!(!root.exists(), "{} survived the stop", root.display());
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
