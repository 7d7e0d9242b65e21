//! The fuzzers' findings, replayed on stable Rust: every file under
//! `fuzz/corpus/<target>/` (a minimised corpus, plus the inputs that once
//! crashed) goes through the same entry point the fuzz target calls
//! (`acc_runtime_local::fuzzing`), whose invariants must hold. The fuzzing
//! itself runs with `tests/fuzz/run` (nightly, cargo-fuzz); see SECURITY.md.

use std::path::{Path, PathBuf};

use acc_runtime_local::fuzzing::TARGETS;

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

/// Replay one target's corpus: every input keeps the target's invariants.
fn replay(target: &str) {
    let dir = corpus_dir(target);
    let exercise = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, exercise)| *exercise)
        .unwrap_or_else(|| panic!("no fuzz target named {target}"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .collect();
    files.sort();
    for file in &files {
        let input = std::fs::read(file).expect("a corpus file");
        let outcome = std::panic::catch_unwind(|| exercise(&input));
        assert!(
            outcome.is_ok(),
            "{target}: {} breaks an invariant",
            file.display()
        );
    }
    assert!(!files.is_empty(), "{target}: the corpus is empty");
}

#[test]
fn every_target_has_a_corpus() {
    for (target, _) in TARGETS {
        let dir = corpus_dir(target);
        assert!(dir.is_dir(), "{target} has no corpus at {}", dir.display());
    }
}

#[test]
fn filter_pattern_corpus() {
    replay("filter_pattern");
}

#[test]
fn cedar_policy_corpus() {
    replay("cedar_policy");
}

#[test]
fn sse_corpus() {
    replay("sse");
}

#[test]
fn jsonrpc_corpus() {
    replay("jsonrpc");
}

#[test]
fn otlp_corpus() {
    replay("otlp");
}

#[test]
fn rest_json_corpus() {
    replay("rest_json");
}

#[test]
fn image_layers_corpus() {
    replay("image_layers");
}

#[test]
fn json_schema_corpus() {
    replay("json_schema");
}
