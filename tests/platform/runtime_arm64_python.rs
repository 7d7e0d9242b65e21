//! What users deploy, under emulation: a `linux/arm64` image of Debian's
//! arm64 CPython 3.11 with the AgentCore Python SDK and the MCP client from
//! PyPI's aarch64 wheels, running `tests/python_agent/agent.py` as its own
//! non-root user (built without Docker by `tests/arm64_python/prepare.sh`,
//! packed here as an OCI archive). boto3 creates the runtime, invokes it
//! streaming with a session id (the agent calls a gateway tool over MCP
//! meanwhile), reads its stdout through the CloudWatch Logs API and stops
//! the session; on x86_64 it all runs under qemu-user. One cold start: an
//! emulated CPython start costs seconds (see BENCHMARKS.md).

use crate::oci_image;
use crate::platform;

use std::time::Duration;

use acc_runtime_local::{FunctionBinding, PlatformConfig, RunningPlatform, StateLocation};
use serde_json::Value;

/// The Lambda behind the gateway's `weather` target: a forecast for the
/// `id` it is given.
const FORECAST: &str = "import json, sys; e = json.load(sys.stdin); print(json.dumps({'forecast': 'sunny in ' + e['id']}))";

async fn start() -> RunningPlatform {
    acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: false,
        function_bindings: vec![FunctionBinding {
            arn: platform::LAMBDA_ARN.into(),
            command: vec!["python3".into(), "-c".into(), FORECAST.into()],
            timeout: Duration::from_secs(10),
        }],
        ..PlatformConfig::default()
    })
    .await
    .expect("the platform starts")
}

/// A NONE-auth gateway whose Lambda target `weather` has `get_forecast`;
/// its MCP URL.
async fn weather_gateway(endpoint: &str) -> String {
    let control = platform::client(endpoint);
    let gateway = platform::create_gateway(&control, "weather").await;
    let id = gateway.gateway_id();
    let target = control
        .create_gateway_target()
        .gateway_identifier(id)
        .name("weather")
        .target_configuration(platform::lambda_target(&["get_forecast"]))
        .send()
        .await
        .expect("CreateGatewayTarget");
    platform::wait_for_target_ready(&control, id, target.target_id()).await;
    gateway.gateway_url().expect("a gatewayUrl").to_owned()
}

/// Runs `tests/arm64_python/boto3_session.py`; its JSON report.
async fn boto3_session(endpoint: &str, uri: &str, session: &str, gateway: &str) -> Value {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/arm64_python/boto3_session.py"
    );
    let out = tokio::process::Command::new("python3")
        .args([script, endpoint, uri, session, gateway])
        .output()
        .await
        .expect("python3 runs (./tests/run installs it with boto3)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "boto3_session.py failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[tokio::test]
async fn a_cpython_agentcore_image_streams_under_emulation_through_boto3() {
    oci_image::require_tool("bwrap", "bubblewrap");
    let files = tempfile::tempdir().unwrap();
    let image = oci_image::arm64_python_image(files.path());
    let platform = start().await;
    let endpoint = platform.endpoint_url();
    let gateway = weather_gateway(&endpoint).await;
    let session = "arm64-python-0123456789-0123456789-01234";
    let uri = format!("oci-archive:{}", image.display());
    let report = boto3_session(&endpoint, &uri, session, &gateway).await;

    let frames: Vec<&Value> = report["frames"].as_array().unwrap().iter().collect();
    let first = &frames[0]["frame"];
    // The SDK's context carries the session boto3 sent; the interpreter is
    // arm64's, and runs as the image's user, not root.
    assert_eq!(first["session"], session, "{report}");
    assert_eq!(first["machine"], "aarch64", "{report}");
    assert_eq!(first["uid"], 1001, "{report}");
    // The gateway tool answered over MCP, from inside the emulated agent.
    let tool = frames
        .iter()
        .map(|f| &f["frame"])
        .find(|f| f["tool"] == "weather___get_forecast")
        .unwrap_or_else(|| panic!("no tool frame: {report}"));
    assert_eq!(tool["isError"], false, "{tool}");
    assert!(
        tool["result"].as_str().unwrap().contains("sunny in Lyon"),
        "{tool}"
    );
    let words: Vec<&&Value> = frames
        .iter()
        .filter(|f| f["frame"]["text"].is_string())
        .collect();
    let text: String = words
        .iter()
        .filter_map(|f| f["frame"]["text"].as_str())
        .collect();
    assert_eq!(
        text.trim_end(),
        "the python agent heard: what is the weather in Lyon"
    );
    // Ten words 50 ms apart arrive as they are written, not all at the end.
    let spread = words.last().unwrap()["at"].as_f64().unwrap() - words[0]["at"].as_f64().unwrap();
    assert!(
        spread >= 0.3,
        "the words arrived within {spread} s: not streamed"
    );
    assert!(
        report["contentType"]
            .as_str()
            .unwrap()
            .starts_with("text/event-stream"),
        "{report}"
    );

    // The agent's stdout, read back through the CloudWatch Logs API, is in
    // the session's stream of the runtime's log group.
    let log = &report["log"];
    assert_eq!(
        log["message"],
        format!("python agent on aarch64 invoked in session {session}"),
        "{log}"
    );
    let stream = log["stream"].as_str().unwrap();
    assert!(
        stream.ends_with(&format!("/[runtime-logs]{session}")),
        "{stream}"
    );

    assert_eq!(report["stopped"]["status"], 200, "{report}");
    let events = platform::session_events(&endpoint, session).await;
    assert!(
        events.iter().any(|e| e.starts_with("stopped")),
        "{events:?}"
    );
    let listed = platform::local_sessions(&endpoint, None).await;
    let expected = if std::env::consts::ARCH == "aarch64" {
        "arm64"
    } else {
        "emulated"
    };
    assert_eq!(listed["sessions"][0]["execution"], expected, "{listed}");
    platform.shutdown().await;
}
