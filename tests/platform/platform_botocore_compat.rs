//! boto3 and the AWS CLI speak to the local platform unchanged: runs
//! tests/botocore_compat.py against a platform started in-process.
//!
//! Needs python3 with boto3 (whose botocore knows `bedrock-agentcore-control`)
//! and the `aws` CLI. Missing tools fail this test loudly: they are part of
//! the test setup (`tests/run` installs them with `python3 -m pip install
//! boto3 awscli`).

use crate::platform;

use std::process::Output;

use tokio::process::Command;

const SETUP_HINT: &str = "run the project's test setup (tests/run installs them with \
     `python3 -m pip install boto3 awscli`)";

async fn run(program: &str, args: &[&str]) -> Result<Output, String> {
    Command::new(program)
        .args(args)
        .output()
        .await
        .map_err(|e| format!("cannot run {program}: {e}"))
}

async fn require(program: &str, args: &[&str], what: &str) {
    match run(program, args).await {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "{what} is missing: `{program} {}` failed: {}{}\n=> {SETUP_HINT}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!("{what} is missing: {e}\n=> {SETUP_HINT}"),
    }
}

#[tokio::test]
async fn boto3_and_the_aws_cli_work_against_the_local_platform() {
    require("python3", &["--version"], "python3").await;
    require(
        "python3",
        &[
            "-c",
            "import boto3; assert 'bedrock-agentcore-control' in boto3.session.Session().get_available_services()",
        ],
        "boto3 with a botocore that knows bedrock-agentcore-control",
    )
    .await;
    require("aws", &["--version"], "the AWS CLI").await;

    let platform = platform::start_ephemeral(true).await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/botocore_compat.py");
    let out = run("python3", &[script, &platform.endpoint_url()])
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "botocore_compat.py failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("checks passed"), "{stdout}");
    println!("{stdout}");
    platform.shutdown().await;
}
