//! Start-up: the embedded local platform as the global flags configure it,
//! `acc serve`, the choice of platform to connect to, the demo function
//! subprocess, and logging.

use std::io::Write;
use std::process::ExitCode;

use acc_backend::{Backend, ConnectTarget};
use acc_runtime_local::{PlatformConfig, RunningPlatform, StateLocation};
use anyhow::Context;

use crate::cli::Global;

/// `acc serve`: the local platform, headless, until SIGINT/SIGTERM.
pub(crate) async fn serve(
    global: &Global,
    listen: std::net::SocketAddr,
    allow_native_artifacts: bool,
) -> anyhow::Result<()> {
    let platform = start_platform(global, listen, allow_native_artifacts).await?;
    let addr = platform.addr();
    if let Some(warning) = exposure_warning(addr, &platform.endpoint_url()) {
        eprintln!("{warning}");
    }
    // On stderr: stdout's one line is what scripts read (and may close after).
    if let Some(grpc) = platform.otlp_grpc_addr() {
        let _ = writeln!(
            std::io::stderr(),
            "acc: OTLP/gRPC listening on http://{grpc}"
        );
    }
    let mut out = std::io::stdout();
    writeln!(out, "acc: local platform listening on http://{addr}")?;

    out.flush()?;
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    platform.shutdown().await;
    Ok(())
}

/// What to tell the operator when the platform listens beyond loopback:
/// nothing checks signatures or tokens on its own APIs.
fn exposure_warning(addr: std::net::SocketAddr, local_url: &str) -> Option<String> {
    if addr.ip().is_loopback() {
        return None;
    }
    let reach = if addr.ip().is_unspecified() {
        "every network interface"
    } else {
        "a network interface"
    };
    Some(format!(
        "acc: warning: the local platform listens on {addr} ({reach}) and accepts unsigned \
         requests from the network: anyone who can reach this port can create, change, delete \
         and invoke without credentials. On this machine use {local_url}; other machines must \
         name its IP address (host names are refused: DNS rebinding uses them). To stay local, \
         listen on 127.0.0.1 (--listen 127.0.0.1:{port}).",
        port = addr.port()
    ))
}

/// Starts the embedded platform as the global flags configure it.
async fn start_platform(
    global: &Global,
    listen: std::net::SocketAddr,
    allow_native_remote: bool,
) -> anyhow::Result<RunningPlatform> {
    let state = if global.ephemeral {
        StateLocation::Ephemeral
    } else {
        StateLocation::Dir(
            global
                .state_dir
                .clone()
                .unwrap_or_else(acc_runtime_local::default_state_dir),
        )
    };
    let functions = match &global.functions {
        Some(path) => acc_runtime_local::load_function_bindings(path)?,
        None => match dirs_config_functions() {
            Some(path) if path.exists() => acc_runtime_local::load_function_bindings(&path)?,
            _ => Vec::new(),
        },
    };
    let exe = std::env::current_exe()
        .ok()
        .map(|e| e.display().to_string());
    let demo_command = exe.clone().map(|exe| vec![exe, "demo-function".to_owned()]);
    let demo_agent = exe.map(|exe| vec![exe, "demo-agent".to_owned()]);
    let config = PlatformConfig {
        state,
        listen,
        seed_demo: !global.no_demo,
        bulk_tools: global.bulk_tools,
        function_bindings: functions,
        demo_function_command: demo_command,
        demo_agent_command: demo_agent,
        capture_cap: global.capture_cap,
        memory_extraction_delay: std::time::Duration::from_millis(
            global.memory_extraction_delay_ms,
        ),
        session_memory_bytes: global.session_memory_mib * 1024 * 1024,
        session_max_processes: global.session_max_processes,
        allow_native_remote,
        // Defence in depth: the console refuses writes, and so does its platform.
        read_only: global.readonly,
        otlp_grpc: Some(otlp_grpc(global.otlp_grpc, listen)),
        otlp_grpc_optional: global.otlp_grpc.is_none(),
        otlp: acc_runtime_local::OtlpLimits {
            spans: global.otlp_max_spans,
            log_records: global.otlp_max_log_records,
            data_points: global.otlp_max_data_points,
            // Bounded by the flag's parser (at most MAX_OTLP_QUEUE).
            queue: usize::try_from(global.otlp_queue).unwrap_or(usize::MAX),
        },
        ..PlatformConfig::default()
    };
    acc_runtime_local::start(config)
        .await
        .context("starting the local platform")
}

/// Where OTLP/gRPC listens: `--otlp-grpc` (which must bind), else 4317 on
/// the platform's address when it is free (a second `acc` then goes
/// without, saying so).
fn otlp_grpc(
    asked: Option<std::net::SocketAddr>,
    listen: std::net::SocketAddr,
) -> std::net::SocketAddr {
    asked.unwrap_or_else(|| std::net::SocketAddr::new(listen.ip(), 4317))
}

/// `$XDG_CONFIG_HOME/acc/functions.toml`.
fn dirs_config_functions() -> Option<std::path::PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".config")))?;
    Some(base.join("acc").join("functions.toml"))
}

/// `acc demo-function NAME`: a demo Lambda function, event on stdin.
pub(crate) fn demo_function(name: &str) -> ExitCode {
    let mut event = String::new();
    if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut event) {
        eprintln!("acc demo-function: cannot read the event from stdin: {e}");
        return ExitCode::from(1);
    }
    let tool = std::env::var("ACC_TOOL_NAME").unwrap_or_default();
    match acc_runtime_local::run_demo_function(name, &tool, &event) {
        Ok(result) => {
            crate::cli::emit(&result);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("acc demo-function: {e}");
            ExitCode::from(1)
        }
    }
}

/// Picks the platform from the global flags: an explicit endpoint, live AWS
/// when a profile or region is given, otherwise the embedded platform.
pub(crate) async fn connect(global: &Global) -> anyhow::Result<(Backend, Option<RunningPlatform>)> {
    if let Some(url) = &global.endpoint {
        let target = ConnectTarget::Endpoint {
            url: url.clone(),
            region: global.region.clone(),
        };
        return Ok((Backend::connect(target).await, None));
    }
    if global.profile.is_some() || global.region.is_some() {
        let target = ConnectTarget::Live {
            profile: global.profile.clone(),
            region: global.region.clone(),
        };
        return Ok((Backend::connect(target).await, None));
    }
    let platform = start_platform(global, ([127, 0, 0, 1], 0).into(), false).await?;
    let target = ConnectTarget::Embedded {
        endpoint: platform.endpoint_url(),
    };
    Ok((Backend::connect(target).await, Some(platform)))
}

/// Where the logs go.
pub(crate) enum LogTo {
    /// Headless commands and `acc serve` log to stderr.
    Stderr,
    /// The TUI owns the terminal, so its logs go to a file in the data dir.
    File,
}

/// Logs at `ACC_LOG` to `to`; by default warnings, or for a quiet headless
/// command (no `-v`) only errors: the AWS SDK's warnings about config files
/// and credential providers are noise beside acc's own one-line error.
pub(crate) fn init_logging(to: LogTo, warnings: bool) {
    let default = if warnings { "warn" } else { "error" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ACC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match to {
        LogTo::Stderr => {
            let _ = builder.with_writer(std::io::stderr).try_init();
        }
        LogTo::File => {
            let dir = acc_runtime_local::default_state_dir();
            let file = std::fs::create_dir_all(&dir).and_then(|()| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(dir.join("console.log"))
            });
            if let Ok(file) = file {
                let _ = builder
                    .with_ansi(false)
                    .with_writer(std::sync::Mutex::new(file))
                    .try_init();
            }
        }
    }
}
