//! `acc policy save-tests` and `acc policy test`: captured calls saved as a
//! policy test file (the `cedar run-tests` JSON format) expecting the
//! decisions of the (edited) policies, and such a file run against an
//! engine's policies.

use std::path::Path;

use acc_backend::Backend;
use acc_backend::policy::workflow::{attached_engine, test_file_text};
use acc_domain::PolicyEngine;
use acc_domain::cedar_model::cedar_policy::PolicySet;
use acc_domain::cedar_model::policy_tests::{annotated_policy_file, run_test_file};

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

/// The engine named `engine` and its deciding policies with `edit` made.
async fn edited_engine(
    backend: &Backend,
    engine: &str,
    edit: &PolicyEdit,
) -> Result<(PolicyEngine, PolicySet), Failure> {
    let found = resolve::policy_engine(backend, engine).await?;
    let changes = edit::changes(edit)?;
    let (_, policies) = backend.edited_policy_sets(&found.id, &changes).await?;
    Ok((found, policies))
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
    let (_, policies) = edited_engine(backend, engine, edit).await?;
    let text = edit::read(tests)?;
    let dir = tests
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let outcomes = run_test_file(&text, dir, &policies)
        .map_err(|e| usage(format!("{}: {e}", tests.display())))?;
    drop(text);
    let failures = outcomes.iter().filter(|o| !o.passed).count();
    print(output, &outcomes, || {
        let mut text = String::with_capacity(outcomes.len() * 64);
        for o in &outcomes {
            if o.passed {
                text.push_str(&format!("  test {} ... ok\n", o.name));
            } else {
                text.push_str(&format!("  test {} ... fail: {}\n", o.name, o.message));
            }
        }
        text.push_str(&format!(
            "{} passed, {failures} failed",
            outcomes.len() - failures
        ));
        text
    });
    if failures > 0 {
        return Err(failed(format!("{failures} policy test(s) failed")));
    }
    Ok(())
}

/// `acc policy export ENGINE DIR [EDIT]`: the engine's deciding policies
/// (with an edit) as `DIR/<engine>.cedar`, each under the `@id` the cedar
/// CLI reports as its reason, so `cedar run-tests` runs our test files.
pub(super) async fn export(
    backend: &Backend,
    engine: &str,
    dir: &Path,
    edit: &PolicyEdit,
    output: Output,
) -> Result<(), Failure> {
    let (found, policies) = edited_engine(backend, engine, edit).await?;
    std::fs::create_dir_all(dir)
        .map_err(|e| failed(format!("cannot create {}: {e}", dir.display())))?;
    // The name comes from the service: only a plain one names the file.
    let plain = !found.name.is_empty()
        && found
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let stem = if plain {
        found.name.as_str()
    } else {
        "policies"
    };
    let file = dir.join(format!("{stem}.cedar"));
    std::fs::write(&file, annotated_policy_file(&policies))
        .map_err(|e| failed(format!("cannot write {}: {e}", file.display())))?;
    let count = policies.policies().count();
    let summary = serde_json::json!({ "file": file, "policies": count });
    print(output, &summary, || {
        format!("wrote {count} policies to {}", file.display())
    });
    Ok(())
}
