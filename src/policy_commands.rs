//! `acc policy engines|list|schema|validate|test`: the policy studio,
//! headless. Validation and the dry-run use the same Cedar model as the
//! local gateway's enforcement (`acc_domain::cedar_model`).

use std::path::Path;

use acc_backend::Backend;
use acc_domain::cedar_model::cedar_policy::PolicySet;
use acc_domain::cedar_model::checks::{Severity, check_text, parse_statement, parse_text};
use acc_domain::cedar_model::dry_run::{Flip, dry_run};
use acc_domain::cedar_model::evaluation::evaluate;
use acc_domain::cedar_model::findings::{
    ActionComparison, Comparison, Finding, compare, comparison_summary, policy_findings,
};
use acc_domain::cedar_model::policy_edit::{PolicyChanges, edited_sets};
use acc_domain::cedar_model::policy_tests::{captured_test_case, run_tests};
use acc_domain::cedar_model::request::cedar_call;
use acc_domain::cedar_model::schema::gateway_schema;
use acc_domain::{CaptureFilter, Gateway, Policy, Tool};

use crate::cli::{CallSelection, Output, PolicyAction, PolicyEdit};
use crate::headless::{
    EXIT_FAILED, EXIT_NOT_FOUND, Failure, confirm, failed, print, resolve_gateway, text_table,
    usage,
};

pub(crate) async fn run(
    backend: &Backend,
    action: PolicyAction,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    match action {
        PolicyAction::Push {
            engine,
            file,
            name,
            description,
            ignore_findings,
            yes,
        } => {
            let found = find_engine(backend, &engine).await?;
            let statement = read(&file)?;
            let name = name.unwrap_or_else(|| {
                file.file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("policy")
                    .to_owned()
            });
            parse_statement(&name, &statement).map_err(|errors| {
                usage(
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
            confirm(
                readonly,
                yes,
                &format!("push policy {name} to engine {}", found.name),
            )?;
            let pushed = backend
                .push_policy(
                    &found.id,
                    &name,
                    &statement,
                    description.as_deref(),
                    ignore_findings,
                )
                .await?;
            let failed = pushed.status.ends_with("_FAILED");
            print(output, &pushed, || {
                policies_text(std::slice::from_ref(&pushed))
            });
            if failed {
                return Err(Failure {
                    code: EXIT_FAILED,
                    message: format!(
                        "policy {name} is {}: {}",
                        pushed.status,
                        pushed.status_reasons.join("; ")
                    ),
                });
            }
        }
        PolicyAction::Mode { gateway, mode, yes } => {
            let gw = resolve_gateway(backend, &gateway).await?;
            let wire = if mode == "enforce" {
                "ENFORCE"
            } else {
                "LOG_ONLY"
            };
            confirm(
                readonly,
                yes,
                &format!("switch gateway {}'s policy engine to {wire}", gw.name),
            )?;
            backend.set_policy_mode(&gw.id, wire).await?;
            let now = backend.get_gateway(&gw.id).await?;
            print(output, &now, || {
                format!(
                    "{}: policy engine {}",
                    now.name,
                    now.policy_engine
                        .as_ref()
                        .map(|p| format!("{} ({})", p.short_name(), p.mode))
                        .unwrap_or_else(|| "-".into())
                )
            });
        }
        PolicyAction::Engines => {
            let engines = backend.policy_engines().await?;
            print(output, &engines, || {
                text_table(
                    &["NAME", "ID", "STATUS", "DESCRIPTION"],
                    engines.iter().map(|e| {
                        vec![
                            e.name.clone(),
                            e.id.clone(),
                            e.status.clone(),
                            e.description.clone().unwrap_or_default(),
                        ]
                    }),
                )
            });
        }
        PolicyAction::List { engine } => {
            let found = find_engine(backend, &engine).await?;
            let policies = backend.policies(&found.id).await?;
            print(output, &policies, || policies_text(&policies));
        }
        PolicyAction::Schema { gateway } => {
            let gw = resolve_gateway(backend, &gateway).await?;
            let schema = gateway_schema(&policy_tools(backend, &gw).await?).map_err(failed)?;
            print(output, &schema.json, || schema.text.clone());
        }
        PolicyAction::Validate {
            gateway,
            files,
            findings,
        } => {
            let gw = resolve_gateway(backend, &gateway).await?;
            let schema = gateway_schema(&policy_tools(backend, &gw).await?).map_err(failed)?;
            let mut diagnostics = Vec::new();
            let mut found = Vec::new();
            for file in &files {
                let text = read(file)?;
                let label = file.display().to_string();
                let problems = check_text(&label, &text, Some(&schema.schema));
                let clean = problems.iter().all(|d| d.severity != Severity::Error);
                diagnostics.extend(problems);
                if findings && clean {
                    let engine = attached_engine(&gw)?;
                    let (before, _) = policy_sets(backend, &engine, &PolicyEdit::default()).await?;
                    let statements = parse_text(&label, &text)
                        .map_err(|_| failed(format!("{label} does not parse")))?;
                    for policy in statements.policies() {
                        let id = policy.id().to_string();
                        let list = policy_findings(&schema.schema, &before, policy)
                            .await
                            .map_err(|e| failed(e.to_string()))?;
                        found.extend(list.into_iter().map(|finding| PolicyFinding {
                            file: label.clone(),
                            policy: id.clone(),
                            finding,
                        }));
                    }
                }
            }
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let report = serde_json::json!({ "diagnostics": diagnostics, "findings": found });
            print(output, &report, || {
                let mut out: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
                out.extend(
                    found
                        .iter()
                        .map(|f| format!("{} ({}): finding {}", f.file, f.policy, f.finding)),
                );
                out.push(format!(
                    "{} file(s): {errors} error(s), {} warning(s) against the schema of {}{}",
                    files.len(),
                    diagnostics.len() - errors,
                    gw.name,
                    if findings {
                        format!("; {} finding(s)", found.len())
                    } else {
                        String::new()
                    }
                ));
                out.join("\n")
            });
            if errors > 0 || !found.is_empty() {
                return Err(Failure {
                    code: EXIT_FAILED,
                    message: format!(
                        "{errors} error(s) and {} finding(s) in the policies",
                        found.len()
                    ),
                });
            }
        }
        PolicyAction::DryRun {
            gateway,
            calls,
            flips_only,
            fail_on_flip,
            no_symbolic,
            edit,
        } => {
            let gw = resolve_gateway(backend, &gateway).await?;
            let (before, after) = policy_sets(backend, &attached_engine(&gw)?, &edit).await?;
            let captured = selected_calls(backend, &gw, &calls).await?;
            let tools = policy_tools(backend, &gw).await?;
            let mut run = dry_run(&captured, &tools, &before, &after);
            if flips_only {
                run.rows.retain(|r| r.flip != Flip::Unchanged);
            }
            // The symbolic answer covers every request, not only captured
            // ones; without a solver the dry-run still stands, with a note.
            let symbolic = if no_symbolic {
                None
            } else {
                let schema = gateway_schema(&tools).map_err(failed)?;
                Some(
                    compare(&schema.schema, &before, &after)
                        .await
                        .map_err(|e| e.to_string()),
                )
            };
            let report = DryRunReport {
                run: &run,
                symbolic: symbolic.as_ref().and_then(|s| s.as_ref().ok()),
                symbolic_error: symbolic.as_ref().and_then(|s| s.as_ref().err()),
            };
            print(output, &report, || {
                let mut out = text_table(
                    &[
                        "TIME",
                        "TOOL",
                        "CALLER",
                        "BEFORE",
                        "AFTER",
                        "DECIDED BY (AFTER)",
                    ],
                    run.rows.iter().map(|r| {
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
                );
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
            if fail_on_flip && run.allow_to_deny + run.deny_to_allow > 0 {
                return Err(Failure {
                    code: EXIT_FAILED,
                    message: format!("decisions flip: {}", run.summary()),
                });
            }
        }
        PolicyAction::SaveTests {
            gateway,
            out,
            calls,
            edit,
        } => {
            let gw = resolve_gateway(backend, &gateway).await?;
            let (_, after) = policy_sets(backend, &attached_engine(&gw)?, &edit).await?;
            let captured = selected_calls(backend, &gw, &calls).await?;
            let tools = policy_tools(backend, &gw).await?;
            let mut cases = Vec::new();
            for call in &captured {
                let Some(tool) = tools.iter().find(|t| t.qualified_name == call.tool) else {
                    eprintln!(
                        "acc: skipping {} ({}): the gateway no longer has this tool",
                        call.capture_id, call.tool
                    );
                    continue;
                };
                let cedar = cedar_call(
                    &call.caller,
                    &call.tool,
                    &call.gateway_arn,
                    &call.arguments,
                    &tool.input_schema,
                    None,
                )
                .map_err(failed)?;
                let expected = evaluate(&cedar, &after);
                cases.push(captured_test_case(call, &cedar, &expected));
            }
            let text = serde_json::to_string_pretty(&cases).map_err(|e| failed(e.to_string()))?;
            std::fs::write(&out, text + "\n")
                .map_err(|e| failed(format!("cannot write {}: {e}", out.display())))?;
            let summary = serde_json::json!({ "file": out, "tests": cases.len() });
            print(output, &summary, || {
                format!("wrote {} test(s) to {}", cases.len(), out.display())
            });
        }
        PolicyAction::Test {
            engine,
            tests,
            edit,
        } => {
            let found = find_engine(backend, &engine).await?;
            let (_, policies) = policy_sets(backend, &found.id, &edit).await?;
            let cases: Vec<serde_json::Value> =
                serde_json::from_str(&read(&tests)?).map_err(|e| {
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
                return Err(Failure {
                    code: EXIT_FAILED,
                    message: format!("{failures} policy test(s) failed"),
                });
            }
        }
    }
    Ok(())
}

/// The dry-run with its symbolic comparison, as `-o json` prints it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct DryRunReport<'a> {
    #[serde(flatten)]
    run: &'a acc_domain::cedar_model::dry_run::DryRun,
    #[serde(skip_serializing_if = "Option::is_none")]
    symbolic: Option<&'a Vec<ActionComparison>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    symbolic_error: Option<&'a String>,
}

/// A finding of one statement of a validated file.
#[derive(serde::Serialize)]
struct PolicyFinding {
    file: String,
    policy: String,
    #[serde(flatten)]
    finding: Finding,
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

async fn find_engine(backend: &Backend, key: &str) -> Result<acc_domain::PolicyEngine, Failure> {
    backend
        .find_policy_engine(key)
        .await?
        .ok_or_else(|| Failure {
            code: EXIT_NOT_FOUND,
            message: format!(
                "no policy engine with id or name `{key}`; `acc policy engines` lists them"
            ),
        })
}

/// The id of the engine a gateway attaches.
fn attached_engine(gateway: &Gateway) -> Result<String, Failure> {
    let engine = gateway.policy_engine.as_ref().ok_or_else(|| Failure {
        code: EXIT_FAILED,
        message: format!(
            "gateway {} has no policy engine attached; attach one (policyEngineConfiguration) first",
            gateway.name
        ),
    })?;
    Ok(engine.arn.rsplit('/').next().unwrap_or_default().to_owned())
}

/// The engine's deciding policies, and the same with `edit` applied.
async fn policy_sets(
    backend: &Backend,
    engine_id: &str,
    edit: &PolicyEdit,
) -> Result<(PolicySet, PolicySet), Failure> {
    let current = backend.policies(engine_id).await?;
    let mut changes = PolicyChanges {
        remove: edit.remove.clone(),
        ..PolicyChanges::default()
    };
    for spec in &edit.replace {
        let (name, file) = spec
            .split_once('=')
            .ok_or_else(|| usage(format!("--replace {spec}: expected NAME=FILE")))?;
        changes
            .replace
            .push((name.to_owned(), read(Path::new(file))?));
    }
    for file in &edit.files {
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("edit");
        changes.add.push((stem.to_owned(), read(file)?));
    }
    edited_sets(&current, &changes).map_err(usage)
}

async fn selected_calls(
    backend: &Backend,
    gateway: &Gateway,
    calls: &CallSelection,
) -> Result<Vec<acc_domain::CapturedCall>, Failure> {
    let filter = CaptureFilter {
        tool: calls.tool.clone(),
        caller: calls.caller.clone(),
        outcome: None,
    };
    let page = backend
        .captured_calls(&gateway.id, &filter, calls.limit)
        .await?;
    if let Some(note) = &page.note {
        eprintln!("acc: {note}");
    }
    Ok(page.calls)
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| usage(format!("cannot read {}: {e}", path.display())))
}

/// Named statements as a policy set; a statement that does not parse names
/// its policy, line and column.
async fn policy_tools(backend: &Backend, gateway: &Gateway) -> Result<Vec<Tool>, Failure> {
    Ok(backend.policy_tools(gateway).await?)
}

fn policies_text(policies: &[Policy]) -> String {
    let mut out = text_table(
        &["NAME", "ID", "STATUS", "MODE"],
        policies.iter().map(|p| {
            vec![
                p.name.clone(),
                p.id.clone(),
                p.status.clone(),
                p.enforcement_mode.clone(),
            ]
        }),
    );
    for p in policies {
        out.push_str(&format!(
            "\n\n// {} ({})\n{}",
            p.name, p.status, p.statement
        ));
        for reason in &p.status_reasons {
            out.push_str(&format!("\n//   ! {reason}"));
        }
    }
    out
}
