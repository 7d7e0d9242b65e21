//! `acc`: CLI parsing and wiring only. The console lives in `acc-ui`, the
//! platform clients in `acc-backend`, the local platform in `acc-runtime-local`.

mod cli;
mod launch;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use launch::{LogTo, connect, demo_function, init_logging, serve};

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("acc: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let outcome = runtime.block_on(run(cli, started));
    // Blocking work a request left running (a long database read) must not
    // keep the process past the platform's shutdown deadline.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("acc: {e:#}");
            ExitCode::from(1)
        }
    }
}

async fn run(cli: Cli, started: std::time::Instant) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::DemoFunction { name }) => Ok(demo_function(&name)),
        Some(Command::DemoAgent { listen }) => {
            acc_runtime_local::serve_demo_agent(listen).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Serve {
            listen,
            allow_native_artifacts,
        }) => {
            init_logging(LogTo::Stderr, true);
            serve(&cli.global, listen, allow_native_artifacts).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(command) => {
            init_logging(LogTo::Stderr, cli.global.verbose);
            let (backend, platform) = connect(&cli.global).await?;
            let global = &cli.global;
            let code = cli::execute(
                &backend,
                command,
                global.output,
                global.readonly,
                global.verbose,
            )
            .await;
            if let Some(p) = platform {
                p.shutdown().await;
            }
            Ok(code)
        }
        None => {
            init_logging(LogTo::File, true);
            let (backend, platform) = connect(&cli.global).await?;
            let options = acc_ui::UiOptions {
                readonly: cli.global.readonly,
                theme: cli.global.theme.clone(),
                started,
                startup_report: std::env::var_os("ACC_STARTUP_REPORT").map(Into::into),
            };
            let result = acc_ui::run(backend, options).await;
            if let Some(p) = platform {
                p.shutdown().await;
            }
            result.map(|()| ExitCode::SUCCESS)
        }
    }
}
