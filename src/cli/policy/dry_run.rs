//! `acc policy dry-run GATEWAY [EDIT]`: the decision before and after an
//! edit of the gateway's policies, per captured call, and the flips; with
//! the symbolic per-action comparison unless `--no-symbolic`.

use acc_backend::Backend;
use acc_backend::policy::workflow::{PolicyDryRun, attached_engine};
use acc_domain::cedar_model::dry_run::{DryRun, DryRunRow, Flip};
use acc_domain::cedar_model::findings::{ActionComparison, Comparison, comparison_summary};

use super::edit;
use crate::cli::args::{CallSelection, Output, PolicyEdit};
use crate::cli::exit::{Failure, failed};
use crate::cli::output::{print, text_table};
use crate::cli::resolve;

/// How the dry-run reports.
pub(super) struct Options {
    /// Show only the calls whose decision flips.
    pub(super) flips_only: bool,
    /// Exit 1 when any decision flips.
    pub(super) fail_on_flip: bool,
    /// Compare the two policy sets symbolically (needs cvc5).
    pub(super) symbolic: bool,
}

/// The dry-run with its symbolic comparison, as `-o json` prints it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct DryRunReport<'a> {
    #[serde(flatten)]
    run: &'a DryRun,
    #[serde(skip_serializing_if = "Option::is_none")]
    symbolic: Option<&'a Vec<ActionComparison>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    symbolic_error: Option<&'a String>,
}

/// Dry-runs the edit over the selected calls and prints the table.
pub(super) async fn run(
    backend: &Backend,
    gateway: &str,
    calls: &CallSelection,
    edit: &PolicyEdit,
    options: Options,
    output: Output,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
    let engine = attached_engine(&gw)?;
    let changes = edit::changes(edit)?;
    let PolicyDryRun {
        mut run,
        symbolic,
        note,
        ..
    } = backend
        .policy_dry_run(
            &gw,
            &engine.id,
            &changes,
            &edit::calls(calls),
            options.symbolic,
        )
        .await?;
    if let Some(note) = &note {
        eprintln!("acc: {note}");
    }
    if options.flips_only {
        run.rows.retain(|r| r.flip != Flip::Unchanged);
    }
    let report = DryRunReport {
        run: &run,
        symbolic: symbolic.as_ref().and_then(|s| s.as_ref().ok()),
        symbolic_error: symbolic.as_ref().and_then(|s| s.as_ref().err()),
    };
    print(output, &report, || {
        let mut out = rows_table(&run.rows);
        for skipped in &run.skipped {
            out.push_str(&format!("\nnot evaluated: {skipped}"));
        }
        out.push_str(&format!("\n{}", run.summary()));
        match &symbolic {
            Some(Ok(rows)) => out.push_str(&symbolic_text(rows)),
            Some(Err(e)) => out.push_str(&format!("\nsymbolic comparison skipped: {e}")),
            None => {}
        }
        out
    });
    if options.fail_on_flip && run.allow_to_deny + run.deny_to_allow > 0 {
        return Err(failed(format!("decisions flip: {}", run.summary())));
    }
    Ok(())
}

fn rows_table(rows: &[DryRunRow]) -> String {
    text_table(
        &[
            "TIME",
            "TOOL",
            "CALLER",
            "BEFORE",
            "AFTER",
            "DECIDED BY (AFTER)",
        ],
        rows.iter().map(|r| {
            let mark = match r.flip {
                Flip::AllowToDeny => " ▼",
                Flip::DenyToAllow => " ▲",
                Flip::Unchanged => "",
            };
            vec![
                r.time.clone(),
                r.tool.clone(),
                r.caller.clone(),
                r.before.decision.as_str().to_owned(),
                format!("{}{mark}", r.after.decision.as_str()),
                if r.after.determining_policies.is_empty() {
                    "(default deny)".into()
                } else {
                    r.after.determining_policies.join(", ")
                },
            ]
        }),
    )
}

/// The actions whose answer changes, each with its counterexample(s).
fn symbolic_text(rows: &[ActionComparison]) -> String {
    let mut out = format!("\nsymbolic, per action: {}", comparison_summary(rows));
    for row in rows
        .iter()
        .filter(|r| r.comparison != Comparison::Equivalent)
    {
        out.push_str(&format!(
            "\n  {} as {}: {}",
            row.action,
            row.principal_type,
            row.comparison.as_str()
        ));
        if let Some(example) = &row.newly_allowed {
            out.push_str(&format!(
                "\n    now allowed, e.g. {} with context {}",
                example.principal, example.context
            ));
        }
        if let Some(example) = &row.newly_denied {
            out.push_str(&format!(
                "\n    now denied, e.g. {} with context {}",
                example.principal, example.context
            ));
        }
    }
    out
}
