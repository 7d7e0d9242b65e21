//! `acc policy engines|list|schema|push|mode`: the engines, their
//! policies, the Cedar schema of a gateway's tools, pushing a policy and
//! switching a gateway's enforcement mode.

use std::path::Path;

use acc_backend::Backend;
use acc_domain::Policy;
use acc_domain::cedar_model::checks::parse_statement;
use acc_domain::cedar_model::schema::gateway_schema;

use super::edit::read;
use crate::cli::args::Output;
use crate::cli::exit::{Failure, confirm, failed, usage};
use crate::cli::output::{policy_engine_cell, print, text_table};
use crate::cli::resolve;

/// `acc policy engines`.
pub(super) async fn engines(backend: &Backend, output: Output) -> Result<(), Failure> {
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
    Ok(())
}

/// `acc policy list ENGINE`.
pub(super) async fn policies(
    backend: &Backend,
    engine: &str,
    output: Output,
) -> Result<(), Failure> {
    let found = resolve::policy_engine(backend, engine).await?;
    let policies = backend.policies(&found.id).await?;
    print(output, &policies, || policies_text(&policies));
    Ok(())
}

/// `acc policy schema GATEWAY`.
pub(super) async fn schema(
    backend: &Backend,
    gateway: &str,
    output: Output,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
    let schema = gateway_schema(&backend.policy_tools(&gw).await?).map_err(failed)?;
    print(output, &schema.json, || schema.text.clone());
    Ok(())
}

/// What `acc policy push` was asked to push.
pub(super) struct Push<'a> {
    /// Policy engine id or name.
    pub(super) engine: &'a str,
    /// The file of one statement.
    pub(super) file: &'a Path,
    /// The policy's name (default: the file's stem).
    pub(super) name: Option<String>,
    pub(super) description: Option<&'a str>,
    /// Accept the policy even with findings (IGNORE_ALL_FINDINGS).
    pub(super) ignore_findings: bool,
    /// The policy's own enforcement mode: LOG_ONLY, ACTIVE, or as it is.
    pub(super) log_only: Option<bool>,
}

/// `acc policy push ENGINE FILE`: creates or updates the policy once the
/// statement parses and the push is confirmed.
pub(super) async fn push(
    backend: &Backend,
    push: Push<'_>,
    output: Output,
    readonly: bool,
    yes: bool,
) -> Result<(), Failure> {
    let found = resolve::policy_engine(backend, push.engine).await?;
    let statement = read(push.file)?;
    let name = push.name.unwrap_or_else(|| {
        push.file
            .file_stem()
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
            push.description,
            push.ignore_findings,
            push.log_only,
        )
        .await?;
    print(output, &pushed, || {
        policies_text(std::slice::from_ref(&pushed))
    });
    if pushed.status.ends_with("_FAILED") {
        return Err(push_failure(&name, &pushed));
    }
    Ok(())
}

/// How many of a policy's reasons the text output shows before counting
/// the rest: a permissive policy can have one finding per tool.
const REASONS_SHOWN: usize = 3;

/// A failed push in one sentence with its first reason; every reason is
/// behind `-v`.
fn push_failure(name: &str, pushed: &Policy) -> Failure {
    let reasons = &pushed.status_reasons;
    let first = reasons
        .first()
        .map(String::as_str)
        .unwrap_or("no reason given");
    let message = match reasons.len() {
        0 | 1 => format!("policy {name} is {}: {first}", pushed.status),
        n => format!(
            "policy {name} is {} with {n} reasons, the first: {first}. \
             --ignore-findings pushes it despite findings",
            pushed.status
        ),
    };
    let mut failure = failed(message);
    if reasons.len() > 1 {
        failure.detail = Some(format!("every reason:\n    {}", reasons.join("\n    ")));
    }
    failure
}

/// `acc policy mode GATEWAY log-only|enforce`.
pub(super) async fn mode(
    backend: &Backend,
    gateway: &str,
    mode: &str,
    output: Output,
    readonly: bool,
    yes: bool,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
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
        format!("{}: policy engine {}", now.name, policy_engine_cell(&now))
    });
    Ok(())
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
        for reason in p.status_reasons.iter().take(REASONS_SHOWN) {
            out.push_str(&format!("\n//   ! {reason}"));
        }
        let more = p.status_reasons.len().saturating_sub(REASONS_SHOWN);
        if more > 0 {
            out.push_str(&format!(
                "\n//   … and {more} more (-o json lists every reason)"
            ));
        }
    }
    out
}
