//! Issue 15, part 5: `acc policy test` and `cedar run-tests` (the upstream
//! cedar CLI, 4.14.1) give every test of a file the same verdict, in the
//! same words. The file is generated (tests/bench/policy_test_file.py):
//! 50 policies in an engine of `acc serve`, written out for the cedar CLI
//! with `acc policy export`, and 3 000 cases of which some expect a wrong
//! decision, a reason that did not decide or a wrong error count, and some
//! hit a policy whose condition errors.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::platform;

use crate::acc_at as acc;

/// Each test's verdict, by name: `None` when it passed, else the message.
type Verdicts = BTreeMap<String, Option<String>>;

/// The verdicts `cedar run-tests` printed (`  test NAME ... ok` or
/// `  test NAME ... fail: MESSAGE`).
fn cedar_verdicts(stdout: &str) -> Verdicts {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("  test "))
        .map(|rest| {
            let (name, verdict) = rest
                .split_once(" ... ")
                .unwrap_or_else(|| panic!("unexpected line {rest:?}"));
            let message = match verdict.split_once("fail: ") {
                Some((_, message)) => Some(message.to_owned()),
                None if verdict == "ok" => None,
                None => Some(verdict.to_owned()),
            };
            (name.to_owned(), message)
        })
        .collect()
}

#[test]
fn acc_and_the_cedar_cli_agree_on_every_test() {
    let cedar_found = Command::new("sh")
        .args(["-c", "command -v cedar"])
        .output()
        .unwrap();
    assert!(
        cedar_found.status.success(),
        "the cedar CLI is missing: run ./tests/run (it installs cedar-policy-cli 4.14.1)"
    );
    let mut serve = platform::acc_serve("127.0.0.1:0", &["--ephemeral", "--no-demo"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = platform::announced_url(&mut serve);
    let dir = tempfile::tempdir().unwrap();
    let tests = dir.path().join("tests.json");
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bench/policy_test_file.py");
    let generated = Command::new("python3")
        .arg(&generator)
        .args([&url, "agreement", "3000", "50"])
        .arg(&tests)
        .arg("0.05")
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let exported = acc(
        &url,
        &[
            "policy",
            "export",
            "agreement",
            dir.path().join("policies").to_str().unwrap(),
        ],
    );
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );

    let cedar = Command::new("cedar")
        .args(["run-tests", "--policies"])
        .arg(dir.path().join("policies/agreement.cedar"))
        .arg("--tests")
        .arg(&tests)
        .output()
        .unwrap();
    let ours = acc(
        &url,
        &[
            "policy",
            "test",
            "--engine",
            "agreement",
            tests.to_str().unwrap(),
            "-o",
            "json",
        ],
    );
    let _ = serve.kill();
    let _ = serve.wait();
    let theirs = cedar_verdicts(&String::from_utf8_lossy(&cedar.stdout));
    let outcomes: Vec<Value> = serde_json::from_slice(&ours.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&ours.stderr));
    });
    let mine: Verdicts = outcomes
        .iter()
        .map(|o| {
            let message = o["message"].as_str().unwrap();
            (
                o["name"].as_str().unwrap().to_owned(),
                (!o["passed"].as_bool().unwrap()).then(|| message.to_owned()),
            )
        })
        .collect();
    assert_eq!(theirs.len(), 3000, "cedar ran every test");
    assert_eq!(mine.len(), 3000, "acc ran every test");
    for (name, verdict) in &theirs {
        assert_eq!(mine.get(name), Some(verdict), "test {name}");
    }
    let failed = theirs.values().filter(|v| v.is_some()).count();
    assert!(
        (50..300).contains(&failed),
        "some tests expect wrong answers: {failed} failed"
    );
    for kind in [
        "expected Allow, got Deny",
        "missing reason(s)",
        "error(s), but got",
    ] {
        assert!(
            theirs.values().flatten().any(|m| m.contains(kind)),
            "no failure of the kind {kind:?}"
        );
    }
    assert_eq!(cedar.status.code(), Some(1), "cedar fails the file");
    assert_eq!(ours.status.code(), Some(1), "so does acc");
}
