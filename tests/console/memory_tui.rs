//! `:mem` end to end in tmux against a real platform holding a seeded
//! memory: the memories → a session's conversation → records → retrieve
//! → the scan (masked, revealed, masked) → erase the actor.

use super::Tmux;
use crate::memory_fixture::{ALICE, ALICE_RECORDS, SESSION, seed};
use crate::platform;

#[test]
fn mem_conversation_records_retrieve_scan_and_erase() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let platform = runtime.block_on(platform::start_ephemeral(false));
    let url = platform.endpoint_url();
    runtime.block_on(seed(&url));
    let t = Tmux::start("memory", &["--endpoint", &url]);
    t.wait_text("gateways");

    t.literal(":mem");
    t.keys(&["Enter"]);
    // The memory may still be CREATING on the first frame (the fixture is
    // fast); the list polls until it settles.
    let list = t.wait_for("the memory, ACTIVE, and its counts", |s| {
        s.contains("concierge")
            && s.contains("ACTIVE")
            && s.contains(&(ALICE_RECORDS + 2).to_string())
    });
    assert!(list.contains("semantic"), "{list}");

    // A session's conversation: roles, the branch, personal data masked.
    t.literal("c");
    t.wait_text(ALICE);
    t.literal("/alice");
    t.keys(&["Enter"]);
    t.keys(&["Enter"]);
    t.wait_text(SESSION);
    t.keys(&["Enter"]);
    let conversation = t.wait_for("the conversation", |s| s.contains("# events (4)"));
    assert!(conversation.contains("└ retry  1 events"), "{conversation}");
    assert!(
        conversation.contains("[email]") && !conversation.contains("alice@example.com"),
        "{conversation}"
    );

    // Records: the namespace tree, then every record, virtualised.
    t.literal(":mem");
    t.keys(&["Enter"]);
    t.wait_text("concierge");
    t.literal("r");
    t.wait_text("/ (all)");
    t.keys(&["Enter"]);
    let records = t.wait_text(&format!("records / [{}]", ALICE_RECORDS + 2));
    assert!(
        records.contains("rule-based"),
        "local extraction is labelled: {records}"
    );

    // Retrieve: ranked records with their scores.
    t.literal("s");
    t.wait_text("query ›");
    t.literal("room number");
    t.keys(&["Enter"]);
    let ranked = t.wait_text("The user's room number is 412.");
    assert!(
        ranked.contains("SCORE") && ranked.contains("results for \"room number\""),
        "{ranked}"
    );

    // The scan: counts per actor, masked until revealed. (esc leaves the
    // console first: there `:` is text.)
    t.keys(&["Escape"]);
    t.wait_text(&format!("records / [{}]", ALICE_RECORDS + 2));
    t.literal(":mem");
    t.keys(&["Enter"]);
    t.wait_text("concierge");
    t.literal("x");
    let scan = t.wait_text("masked (v reveals)");
    assert!(scan.contains("email 2 · card 1"), "{scan}");
    assert!(!scan.contains("alice@example.com"), "{scan}");
    t.literal("v");
    t.wait_text("alice@example.com");
    t.literal("v");
    t.wait_for("masked again", |s| {
        !s.contains("alice@example.com") && s.contains("masked (v reveals)")
    });

    // Erase the actor of the selected line, after the counts.
    t.literal("jjj");
    t.keys(&["C-d"]);
    let ask = t.wait_text("Erase actor");
    assert!(
        ask.contains(&format!(
            "{ALICE_RECORDS} records in 1 namespaces (2 delete calls of ≤100)"
        )),
        "{ask}"
    );
    assert!(ask.contains("4 events in 1 sessions"), "{ask}");
    t.literal("y");
    t.wait_text(&format!(
        "erased {ALICE}: {ALICE_RECORDS} records in 2 batches, 4 events"
    ));
    t.wait_text("0 findings");
    drop(t);
    drop(platform);
}
