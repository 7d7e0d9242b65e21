//! `acc policy save-tests` and `acc policy test`: captured calls saved as a
//! policy test file (the `cedar run-tests` JSON format) expecting the
//! decisions of the (edited) policies, and such a file run against an
//! engine's policies.

use std::path::Path;

use acc_backend::Backend;
use acc_backend::policy::workflow::{attached_engine, test_file_text};
use acc_domain::cedar_model::policy_tests::run_tests;

use super::edit;
use crate::cli::args::{CallSelection, Output, PolicyEdit};
use crate::cli::exit::{Failure, failed, usage};
use crate::cli::output::print;
use crate::cli::resolve;

/// `acc policy save-tests GATEWAY OUT`: every evaluated call of the dry-run
/// becomes a test case.
pub(super) async fn save(
    backend: &Backend,
    gateway: &str,
    out: &Path,
    calls: &CallSelection,
    edit: &PolicyEdit,
    output: Output,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
    let engine = attached_engine(&gw)?;
    let changes = edit::changes(edit)?;
    let dry = backend
        .policy_dry_run(&gw, &engine.id, &changes, &edit::calls(calls), false)
        .await?;
    if let Some(note) = &dry.note {
        eprintln!("acc: {note}");
    }
    for skipped in &dry.run.skipped {
        eprintln!("acc: skipping {skipped}");
    }
    let cases = dry.test_cases(0..dry.run.rows.len());
    std::fs::write(out, test_file_text(&cases))
        .map_err(|e| failed(format!("cannot write {}: {e}", out.display())))?;
    let summary = serde_json::json!({ "file": out, "tests": cases.len() });
    print(output, &summary, || {
        format!("wrote {} test(s) to {}", cases.len(), out.display())
    });
    Ok(())
}

/// `acc policy test --engine ENGINE TESTS [EDIT]`: exits 1 when a test
/// fails.
pub(super) async fn run(
    backend: &Backend,
    engine: &str,
    tests: &Path,
    edit: &PolicyEdit,
    output: Output,
) -> Result<(), Failure> {
    let found = resolve::policy_engine(backend, engine).await?;
    let changes = edit::changes(edit)?;
    let (_, policies) = backend.edited_policy_sets(&found.id, &changes).await?;
    let cases: Vec<serde_json::Value> = serde_json::from_str(&edit::read(tests)?).map_err(|e| {
        usage(format!(
            "{} is not a JSON array of test cases: {e}",
            tests.display()
        ))
    })?;
    let outcomes = run_tests(&cases, &policies);
    let failures = outcomes.iter().filter(|o| !o.passed).count();
    print(output, &outcomes, || {
        let mut text: Vec<String> = outcomes
            .iter()
            .map(|o| {
                if o.passed {
                    format!("  test {} ... ok", o.name)
                } else {
                    format!("  test {} ... fail: {}", o.name, o.message)
                }
            })
            .collect();
        text.push(format!(
            "{} passed, {failures} failed",
            outcomes.len() - failures
        ));
        text.join("\n")
    });
    if failures > 0 {
        return Err(failed(format!("{failures} policy test(s) failed")));
    }
    Ok(())
}
