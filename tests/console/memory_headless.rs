//! `acc memory` headless against a real platform holding a seeded memory:
//! browse, records by namespace and path, retrieve with scores, the scan
//! (masked in JSON too), and erasure with its exit codes.

use std::process::{Command, Output};

use crate::memory_fixture::{ALICE, ALICE_RECORDS, SESSION, seed};
use crate::platform;

fn acc(endpoint: &str, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_acc"))
        .arg("--endpoint")
        .arg(endpoint)
        .args(args)
        .env("XDG_DATA_HOME", home.path())
        .output()
        .expect("run acc")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn text(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_browse_retrieve_scan_and_erase_headless() {
    let platform = platform::start_ephemeral(false).await;
    let url = platform.endpoint_url();
    let seeded = seed(&url).await;
    let mem = seeded.memory_id.as_str();

    let list = json(&acc(&url, &["memory", "list", "-o", "json"]));
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == mem)
        .expect("listed");
    assert_eq!(row["counts"]["actors"], 2, "{row}");
    assert_eq!(row["counts"]["sessions"], 2, "{row}");
    assert_eq!(row["counts"]["events"], 5, "{row}");
    assert_eq!(row["counts"]["records"], ALICE_RECORDS + 2, "{row}");
    let table = text(&acc(&url, &["memory", "list"]));
    assert!(
        table.starts_with("NAME") && table.contains("concierge") && table.contains("SEMANTIC"),
        "{table}"
    );

    let show = text(&acc(&url, &["memory", "show", "concierge"]));
    assert!(
        show.contains("/strategies/{memoryStrategyId}/actors/{actorId}/"),
        "{show}"
    );
    assert!(
        show.contains("rule-based"),
        "the local platform says how it extracts: {show}"
    );

    let actors = json(&acc(&url, &["memory", "actors", mem, "-o", "json"]));
    let mut actors: Vec<&str> = actors
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    actors.sort();
    assert_eq!(actors, ["bob", ALICE]);
    let sessions = json(&acc(
        &url,
        &["memory", "sessions", mem, ALICE, "-o", "json"],
    ));
    assert_eq!(sessions[0]["sessionId"], SESSION);

    let conversation = text(&acc(&url, &["memory", "events", mem, ALICE, SESSION]));
    assert!(
        conversation.contains("[email]") && !conversation.contains("alice@example.com"),
        "{conversation}"
    );
    assert!(
        conversation.contains("  retry  1 events (forks at"),
        "{conversation}"
    );
    let events = json(&acc(
        &url,
        &["memory", "events", mem, ALICE, SESSION, "-o", "json"],
    ));
    assert_eq!(events.as_array().unwrap().len(), seeded.alice_events);
    let retry = json(&acc(
        &url,
        &[
            "memory", "events", mem, ALICE, SESSION, "--branch", "retry", "-o", "json",
        ],
    ));
    let branches: Vec<&str> = retry
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["branch"]["name"].as_str().unwrap_or("main"))
        .collect();
    assert!(
        branches.contains(&"retry") && branches.len() < seeded.alice_events + 1,
        "{branches:?}"
    );

    let all = json(&acc(&url, &["memory", "records", mem, "-o", "json"]));
    assert_eq!(all.as_array().unwrap().len(), ALICE_RECORDS + 2);
    let bob = json(&acc(
        &url,
        &[
            "memory",
            "records",
            mem,
            "--namespace",
            &seeded.bob_ns,
            "-o",
            "json",
        ],
    ));
    assert_eq!(bob.as_array().unwrap().len(), 2);
    let under = json(&acc(
        &url,
        &[
            "memory",
            "records",
            mem,
            "--namespace-path",
            "/strategies/",
            "-o",
            "json",
        ],
    ));
    assert_eq!(under.as_array().unwrap().len(), ALICE_RECORDS + 2);

    let found = json(&acc(
        &url,
        &[
            "memory",
            "retrieve",
            mem,
            "--namespace",
            &seeded.alice_ns,
            "room number",
            "--top-k",
            "3",
            "-o",
            "json",
        ],
    ));
    let found = found.as_array().unwrap();
    assert!(!found.is_empty() && found.len() <= 3, "{found:?}");
    assert!(
        found[0]["text"].as_str().unwrap().contains("room number"),
        "{found:?}"
    );
    let scores: Vec<f64> = found.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]) && scores[0] <= 1.0,
        "{scores:?}"
    );
    let no_scope = acc(&url, &["memory", "retrieve", mem, "room"]);
    assert_eq!(
        no_scope.status.code(),
        Some(2),
        "retrieve needs a namespace"
    );

    let scan = acc(&url, &["memory", "scan", mem, "-o", "json"]);
    let raw = String::from_utf8_lossy(&scan.stdout).into_owned();
    assert!(
        !raw.contains("alice@example.com") && !raw.contains("4111 1111"),
        "the scan's JSON is masked: {raw}"
    );
    let scan = json(&scan);
    assert_eq!(scan["byActor"][ALICE]["email"], 2, "{scan}");
    assert_eq!(scan["byActor"][ALICE]["paymentCard"], 1, "{scan}");
    assert_eq!(scan["byNamespace"][&seeded.alice_ns]["email"], 1, "{scan}");

    let unconfirmed = acc(&url, &["memory", "erase", mem, "--actor", ALICE]);
    assert_eq!(unconfirmed.status.code(), Some(5));
    let why = String::from_utf8_lossy(&unconfirmed.stderr);
    assert!(
        why.contains(&format!(
            "{ALICE_RECORDS} records in 1 namespaces and 4 events in 1 sessions"
        )),
        "{why}"
    );
    let readonly = acc(
        &url,
        &[
            "--readonly",
            "memory",
            "erase",
            mem,
            "--actor",
            ALICE,
            "--yes",
        ],
    );
    assert_eq!(readonly.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&readonly.stderr).contains("--readonly"));
    let still = json(&acc(&url, &["memory", "records", mem, "-o", "json"]));
    assert_eq!(
        still.as_array().unwrap().len(),
        ALICE_RECORDS + 2,
        "nothing was deleted yet"
    );

    let erased = json(&acc(
        &url,
        &[
            "memory", "erase", mem, "--actor", ALICE, "--yes", "-o", "json",
        ],
    ));
    assert_eq!(erased["recordsDeleted"], ALICE_RECORDS);
    assert_eq!(erased["batches"], 2, "at most 100 records a call");
    assert_eq!(erased["eventsDeleted"], seeded.alice_events);
    let left = json(&acc(&url, &["memory", "records", mem, "-o", "json"]));
    assert_eq!(
        left.as_array().unwrap().len(),
        2,
        "only bob's records are left"
    );
    let events = json(&acc(
        &url,
        &["memory", "events", mem, ALICE, SESSION, "-o", "json"],
    ));
    assert_eq!(events.as_array().unwrap().len(), 0);

    let missing = acc(&url, &["memory", "show", "no_such_memory"]);
    assert_eq!(missing.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("acc memory list"));
}
