//! `acc policy validate GATEWAY FILES… [--findings]`: Cedar files checked
//! strictly against the gateway's schema, printed `file:line:column:
//! error: …`, and with `--findings` each statement analysed symbolically
//! with the engine's policies.

use std::path::PathBuf;

use acc_backend::Backend;
use acc_backend::policy::workflow::attached_engine;
use acc_domain::Gateway;
use acc_domain::cedar_model::cedar_policy::Schema;
use acc_domain::cedar_model::checks::{PolicyDiagnostic, Severity, check_text, parse_text};
use acc_domain::cedar_model::findings::{Finding, policy_findings};
use acc_domain::cedar_model::policy_edit::PolicyChanges;
use acc_domain::cedar_model::schema::gateway_schema;

use super::edit::read;
use crate::cli::args::Output;
use crate::cli::exit::{Failure, failed};
use crate::cli::output::print;
use crate::cli::resolve;

/// A finding of one statement of a validated file.
#[derive(serde::Serialize)]
struct PolicyFinding {
    file: String,
    policy: String,
    #[serde(flatten)]
    finding: Finding,
}

/// Validates `files`; exits 1 when there are errors or findings.
pub(super) async fn run(
    backend: &Backend,
    gateway: &str,
    files: &[PathBuf],
    findings: bool,
    output: Output,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
    let schema = gateway_schema(&backend.policy_tools(&gw).await?).map_err(failed)?;
    let mut diagnostics = Vec::new();
    let mut found = Vec::new();
    for file in files {
        let text = read(file)?;
        let label = file.display().to_string();
        let problems = check_text(&label, &text, Some(&schema.schema));
        let clean = problems.iter().all(|d| d.severity != Severity::Error);
        diagnostics.extend(problems);
        if findings && clean {
            found.extend(file_findings(backend, &gw, &schema.schema, &label, &text).await?);
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
        out.push(summary(
            files.len(),
            &diagnostics,
            errors,
            &gw,
            findings.then_some(found.len()),
        ));
        out.join("\n")
    });
    if errors > 0 || !found.is_empty() {
        return Err(failed(format!(
            "{errors} error(s) and {} finding(s) in the policies",
            found.len()
        )));
    }
    Ok(())
}

/// The findings of each statement of a file that checked clean, with the
/// policies of the gateway's engine.
async fn file_findings(
    backend: &Backend,
    gw: &Gateway,
    schema: &Schema,
    label: &str,
    text: &str,
) -> Result<Vec<PolicyFinding>, Failure> {
    let engine = attached_engine(gw)?;
    let (before, _) = backend
        .edited_policy_sets(&engine.id, &PolicyChanges::default())
        .await?;
    let statements =
        parse_text(label, text).map_err(|_| failed(format!("{label} does not parse")))?;
    let mut found = Vec::new();
    for policy in statements.policies() {
        let id = policy.id().to_string();
        let list = policy_findings(schema, &before, policy)
            .await
            .map_err(|e| failed(e.to_string()))?;
        found.extend(list.into_iter().map(|finding| PolicyFinding {
            file: label.to_owned(),
            policy: id.clone(),
            finding,
        }));
    }
    Ok(found)
}

/// "2 file(s): 1 error(s), 0 warning(s) against the schema of hub; 0 finding(s)".
fn summary(
    files: usize,
    diagnostics: &[PolicyDiagnostic],
    errors: usize,
    gw: &Gateway,
    findings: Option<usize>,
) -> String {
    format!(
        "{files} file(s): {errors} error(s), {} warning(s) against the schema of {}{}",
        diagnostics.len() - errors,
        gw.name,
        findings
            .map(|n| format!("; {n} finding(s)"))
            .unwrap_or_default()
    )
}
