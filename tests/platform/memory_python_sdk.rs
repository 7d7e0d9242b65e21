//! The AgentCore Python SDK's `MemoryClient` and `MemorySessionManager`
//! (boto3 underneath) against the local platform, reached only through
//! `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE` and
//! `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL`: `tests/memory_sdk.py`.
//! tests/run installs the SDK into `target/agentcore-venv`.

use std::path::Path;
use std::time::Duration;

use acc_runtime_local::{PlatformConfig, StateLocation};

#[tokio::test]
async fn the_agentcore_python_sdk_keeps_and_recalls_memory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/agentcore-venv/bin/python");
    assert!(
        python.exists(),
        "the AgentCore Python SDK venv is missing: run ./tests/run (it creates target/agentcore-venv with bedrock-agentcore)"
    );
    let platform = acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: false,
        memory_extraction_delay: Duration::from_millis(100),
        ..PlatformConfig::default()
    })
    .await
    .expect("the platform starts");
    let endpoint = platform.endpoint_url();
    let out = tokio::process::Command::new(&python)
        .arg(root.join("tests/memory_sdk.py"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", &endpoint)
        .env("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", &endpoint)
        .env("AWS_ACCESS_KEY_ID", "acclocal")
        .env("AWS_SECRET_ACCESS_KEY", "acclocalsecret")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .output()
        .await
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "memory_sdk.py failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("memory_sdk: all checks passed"), "{stdout}");
    platform.shutdown().await;
}
