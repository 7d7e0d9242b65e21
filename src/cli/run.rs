//! The one dispatch of headless commands to their family, and the mapping
//! of the outcome to an exit code.

use std::process::ExitCode;

use acc_backend::Backend;

use super::args::{Command, Output};
use super::exit::Failure;
use super::{captures, gateways, invoke, memory, policy, runtime, tools, traces};

/// Runs one headless command and maps its outcome to an exit code; with
/// `verbose`, a failure also shows its chain of causes.
pub async fn execute(
    backend: &Backend,
    command: Command,
    output: Output,
    readonly: bool,
    verbose: bool,
) -> ExitCode {
    match dispatch(backend, command, output, readonly).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match (&failure.detail, verbose) {
                (Some(detail), true) => eprintln!("acc: {}\n  {detail}", failure.message),
                (Some(_), false) => eprintln!("acc: {} (-v says more)", failure.message),
                (None, _) => eprintln!("acc: {}", failure.message),
            }
            ExitCode::from(failure.code)
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
        Command::Gateways { action } => gateways::run(backend, action, output, readonly).await,
        Command::Targets { gateway } => gateways::targets(backend, &gateway, output).await,
        Command::Tools { action } => tools::run(backend, action, output, readonly).await,
        Command::Policy { action } => policy::run(backend, action, output, readonly).await,
        Command::Captures {
            gateway,
            tool,
            caller,
            outcome,
            limit,
        } => {
            let filter = captures::filter(tool, caller, outcome.as_deref());
            captures::list(backend, &gateway, &filter, limit, output).await
        }
        Command::Runtime { action } => runtime::runtimes(backend, action, output, readonly).await,
        Command::Invoke {
            runtime,
            payload,
            session,
            user,
            qualifier,
            raw,
        } => {
            let request = invoke::Request {
                runtime: &runtime,
                payload: &payload,
                session: session.as_deref(),
                user: user.as_deref(),
                qualifier: qualifier.as_deref(),
                raw,
            };
            invoke::run(backend, request, output, readonly).await
        }
        Command::Memory { action } => memory::run(backend, action, output, readonly).await,
        Command::Traces {
            action,
            session,
            runtime,
            since,
            errors,
            filter,
        } => {
            let list = traces::ListArgs {
                session,
                runtime,
                since,
                errors,
                filter,
            };
            traces::run(backend, action, list, output).await
        }
        Command::Sessions { action } => runtime::sessions(backend, action, output, readonly).await,
        Command::Logs {
            runtime,
            session,
            qualifier,
            follow,
        } => {
            let logs = runtime::LogsRequest {
                runtime: &runtime,
                session: session.as_deref(),
                qualifier: &qualifier,
                follow,
            };
            runtime::logs(backend, logs, output).await
        }
    }
}
