//! Every error of every operation, as boto3 and the AWS CLI parse it: runs
//! tests/platform_conformance.py against two `acc serve` processes (one
//! writable, one `--readonly`), handing it the platform's operations table
//! so that an operation without a conformance case fails the test.
//!
//! Needs python3 with boto3 and the `aws` CLI; without them the test fails
//! loudly (`tests/run` installs them with `python3 -m pip install boto3 awscli`).

use crate::platform::{acc_serve, announced_url};

use std::process::{Child, Command, Output, Stdio};

use acc_runtime_local::operations::OPERATIONS;
use serde_json::json;

const SETUP_HINT: &str = "run the project's test setup (tests/run installs them with \
     `python3 -m pip install boto3 awscli`)";

/// A spawned `acc serve`, killed when dropped (even when the test panics).
struct Serve {
    child: Child,
    url: String,
}

impl Serve {
    fn start(extra: &[&str]) -> Serve {
        let args: Vec<&str> = ["--ephemeral"].iter().chain(extra).copied().collect();
        let mut child = acc_serve("127.0.0.1:0", &args)
            // The unimplemented operations the test calls are logged as warnings.
            .env("ACC_LOG", "error")
            .stdin(Stdio::null())
            .spawn()
            .expect("spawn acc serve");
        let url = announced_url(&mut child);
        Serve { child, url }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn require(program: &str, args: &[&str], what: &str) {
    match Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "{what} is missing: `{program} {}` failed: {}{}\n=> {SETUP_HINT}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!("{what} is missing: cannot run {program}: {e}\n=> {SETUP_HINT}"),
    }
}

/// The operations table as the script reads it: API, name and access of each.
fn operations_json() -> String {
    let operations: Vec<_> = OPERATIONS
        .iter()
        .map(|o| {
            json!({
                "api": format!("{:?}", o.api),
                "name": o.name,
                "access": format!("{:?}", o.access),
            })
        })
        .collect();
    serde_json::to_string(&operations).unwrap()
}

#[test]
fn boto3_and_the_aws_cli_parse_every_error_of_every_operation() {
    require("python3", &["--version"], "python3");
    require(
        "python3",
        &[
            "-c",
            "import boto3; s = boto3.session.Session().get_available_services(); \
             assert {'bedrock-agentcore-control', 'bedrock-agentcore', 'logs'} <= set(s)",
        ],
        "boto3 with a botocore that knows bedrock-agentcore-control and bedrock-agentcore",
    );
    require("aws", &["--version"], "the AWS CLI");

    let writable = Serve::start(&[]);
    let read_only = Serve::start(&["--readonly"]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/platform_conformance.py");
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new("python3")
        .args([script, &operations_json(), &writable.url, &read_only.url])
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&stdout);
    let stderr = String::from_utf8_lossy(&stderr);
    assert!(
        status.success(),
        "platform_conformance.py failed ({status}):\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("checks passed"), "{stdout}\n{stderr}");
    // Every operation of the table was run (the script lists them per API).
    let per_api: usize = stdout
        .lines()
        .filter_map(|l| {
            l.split_once(": ")?
                .1
                .split_once(" operations")?
                .0
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert_eq!(per_api, OPERATIONS.len(), "{stdout}");
    println!("{stdout}");
}
