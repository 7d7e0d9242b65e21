//! Headless counterparts of the console's views, for scripts and CI.
//!
//! Exit codes: 0 success, 1 the platform refused or failed the call,
//! 3 a named resource does not exist, 4 the platform could not be reached
//! (connection, credentials, region), 5 a destructive action was not confirmed
//! or was refused by `--readonly`.

use std::process::ExitCode;

use acc_backend::{Backend, BackendError};
use acc_domain::{CaptureFilter, CaptureOutcome, CapturedCall, Gateway, Tool, schema_tree};
use serde::Serialize;

use crate::cli::{Command, GatewaysAction, Output};
use crate::{policy_commands, runtime_commands, tool_commands};

pub(crate) const EXIT_FAILED: u8 = 1;
pub(crate) const EXIT_NOT_FOUND: u8 = 3;
pub(crate) const EXIT_UNREACHABLE: u8 = 4;
pub(crate) const EXIT_REFUSED: u8 = 5;

/// Runs one headless command and maps its outcome to an exit code.
pub async fn execute(
    backend: &Backend,
    command: Command,
    output: Output,
    readonly: bool,
) -> ExitCode {
    match dispatch(backend, command, output, readonly).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("acc: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl From<BackendError> for Failure {
    fn from(e: BackendError) -> Self {
        let code = match &e {
            BackendError::Service { code, .. } if code == "ResourceNotFoundException" => {
                EXIT_NOT_FOUND
            }
            BackendError::Service { .. } => EXIT_FAILED,
            BackendError::Transport { .. } | BackendError::Config(_) => EXIT_UNREACHABLE,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

async fn dispatch(
    backend: &Backend,
    command: Command,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    match command {
        Command::Serve { .. } | Command::DemoFunction { .. } | Command::DemoAgent { .. } => {
            unreachable!("handled by main")
        }
        Command::Gateways { action } => match action.unwrap_or(GatewaysAction::List) {
            GatewaysAction::List => {
                let gateways = backend.list_gateways().await?;
                print(output, &gateways, || gateways_table(&gateways));
            }
            GatewaysAction::Get { gateway } => {
                let mut gw = resolve_gateway(backend, &gateway).await?;
                gw.target_count = Some(backend.list_targets(&gw.id).await?.len());
                print(output, &gw, || {
                    serde_json::to_string_pretty(&gw).unwrap_or_default()
                });
            }
            GatewaysAction::Delete { gateway, yes } => {
                if readonly {
                    return Err(refused("delete refused: --readonly is set"));
                }
                let gw = resolve_gateway(backend, &gateway).await?;
                if !yes {
                    return Err(refused(&format!(
                        "not deleting gateway {} ({}) without --yes",
                        gw.name, gw.id
                    )));
                }
                backend.delete_gateway(&gw.id).await?;
                print(output, &serde_json::json!({"deleted": gw.id}), || {
                    format!("deleted gateway {} ({})", gw.name, gw.id)
                });
            }
        },
        Command::Targets { gateway } => {
            let gw = resolve_gateway(backend, &gateway).await?;
            let targets = backend.list_targets(&gw.id).await?;
            print(output, &targets, || {
                let rows = targets.iter().map(|t| {
                    vec![
                        t.name.clone(),
                        t.id.clone(),
                        t.target_type.label().to_string(),
                        t.status.clone(),
                        t.tools.len().to_string(),
                    ]
                });
                text_table(&["NAME", "ID", "TYPE", "STATUS", "TOOLS"], rows)
            });
        }
        Command::Tools { action } => tool_commands::run(backend, action, output, readonly).await?,
        Command::Policy { action } => {
            policy_commands::run(backend, action, output, readonly).await?
        }
        command @ (Command::Runtime { .. }
        | Command::Invoke { .. }
        | Command::Sessions { .. }
        | Command::Logs { .. }) => {
            runtime_commands::run(backend, command, output, readonly).await?
        }
        Command::Captures {
            gateway,
            tool,
            caller,
            outcome,
            limit,
        } => {
            let gw = resolve_gateway(backend, &gateway).await?;
            let filter = CaptureFilter {
                tool,
                caller,
                outcome: outcome.as_deref().and_then(CaptureOutcome::parse),
            };
            let page = backend.captured_calls(&gw.id, &filter, limit).await?;
            if let Some(note) = &page.note {
                eprintln!("acc: {note}");
            }
            print(output, &page.calls, || captures_text(&page.calls));
        }
    }
    Ok(())
}

pub(crate) fn refused(message: &str) -> Failure {
    Failure {
        code: EXIT_REFUSED,
        message: message.into(),
    }
}

/// Finds a gateway by id, or else by exact name.
pub(crate) async fn resolve_gateway(backend: &Backend, key: &str) -> Result<Gateway, Failure> {
    backend.find_gateway(key).await?.ok_or_else(|| Failure {
        code: EXIT_NOT_FOUND,
        message: format!("no gateway with id or name `{key}`; `acc gateways` lists them"),
    })
}

pub(crate) fn print<T: Serialize>(output: Output, value: &T, text: impl FnOnce() -> String) {
    match output {
        Output::Json => match serde_json::to_string_pretty(value) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("acc: cannot render JSON: {e}"),
        },
        Output::Text => println!("{}", text()),
    }
}

fn captures_text(calls: &[CapturedCall]) -> String {
    let rows = calls.iter().map(|c| {
        vec![
            c.time.clone(),
            c.tool.clone(),
            c.caller.label().to_owned(),
            c.outcome.as_str().to_owned(),
            format!("{:.1}", c.latency_ms),
            c.detail.clone().unwrap_or_default(),
        ]
    });
    text_table(&["TIME", "TOOL", "CALLER", "OUTCOME", "MS", "DETAIL"], rows)
}

fn gateways_table(gateways: &[Gateway]) -> String {
    let rows = gateways.iter().map(|g| {
        vec![
            g.name.clone(),
            g.id.clone(),
            g.status.clone(),
            g.authorizer_type.clone(),
            g.protocol_type.clone(),
            g.policy_engine
                .as_ref()
                .map(|p| format!("{} ({})", p.short_name(), p.mode))
                .unwrap_or_else(|| "-".into()),
            g.target_count
                .map(|c| c.to_string())
                .unwrap_or_else(|| "?".into()),
        ]
    });
    text_table(
        &[
            "NAME",
            "ID",
            "STATUS",
            "AUTHORIZER",
            "PROTOCOL",
            "POLICY",
            "TARGETS",
        ],
        rows,
    )
}

pub(crate) fn tools_text(tools: &[Tool], with_schema: bool) -> String {
    let mut out = String::new();
    for tool in tools {
        let source = match tool.source {
            acc_domain::ToolSource::Mcp => "mcp",
            acc_domain::ToolSource::TargetSchema => "schema",
        };
        out.push_str(&format!(
            "{}\t[{source}]\t{}\n",
            tool.qualified_name, tool.description
        ));
        if with_schema {
            for node in schema_tree(&tool.input_schema) {
                let indent = "  ".repeat(node.depth + 1);
                let req = if node.required { "*" } else { "" };
                let enums = if node.enum_values.is_empty() {
                    String::new()
                } else {
                    format!(" one of {}", node.enum_values.join(", "))
                };
                out.push_str(&format!(
                    "{indent}{}{req}: {}{enums}\n",
                    node.name, node.type_label
                ));
            }
        }
    }
    out.trim_end().to_string()
}

/// Left-aligned columns sized to their widest cell, like `kubectl get`.
pub(crate) fn text_table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows.collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    std::iter::once(line(header.iter().map(|h| h.to_string()).collect()))
        .chain(rows.into_iter().map(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A change to the platform goes ahead only when confirmed, and never
/// read-only.
pub(crate) fn confirm(readonly: bool, yes: bool, what: &str) -> Result<(), Failure> {
    if readonly {
        return Err(refused(&format!("--readonly: refusing to {what}")));
    }
    if !yes {
        return Err(refused(&format!(
            "this would {what}; pass --yes to confirm"
        )));
    }
    Ok(())
}

/// A command that could not do its job (exit 1).
pub(crate) fn failed(message: String) -> Failure {
    Failure {
        code: EXIT_FAILED,
        message,
    }
}

/// Bad arguments or input files (exit 2).
pub(crate) fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}
