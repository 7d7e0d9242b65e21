//! `acc runtime`, `acc sessions`, `acc logs`: agent runtimes, their
//! sessions and their logs, headless. (`acc invoke` is in `invoke.rs`.)

use std::io::Write;
use std::time::Duration;

use acc_backend::Backend;
use acc_domain::agent_runtime::{clock, span_lines};
use acc_domain::{AgentRuntime, RuntimeSession};

use super::args::{Output, RuntimeAction, SessionsAction};
use super::artifact;
use super::exit::{Failure, confirm, failed, not_found, refused};
use super::output::{print, text_table};
use super::resolve;

/// `acc runtime [list|run]`.
pub(crate) async fn runtimes(
    backend: &Backend,
    action: Option<RuntimeAction>,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    match action.unwrap_or(RuntimeAction::List) {
        RuntimeAction::List => {
            let runtimes = backend.agent_runtimes().await?;
            let sessions = backend.runtime_sessions().await.unwrap_or_default();
            print(output, &runtimes, || runtimes_text(&runtimes, &sessions));
        }
        RuntimeAction::Run { artifact, name } => {
            if readonly {
                return Err(refused("--readonly: refusing to create a runtime"));
            }
            let cwd = std::env::current_dir()
                .map_err(|e| failed(format!("cannot read the working directory: {e}")))?;
            let artifact = artifact::for_platform(&artifact, &cwd, backend.context())?;
            let arn = backend.run_artifact(&name, &artifact).await?;
            let value = serde_json::json!({ "agentRuntimeArn": arn, "name": name });
            print(output, &value, || {
                format!(
                    "{name}: {arn}\ninvoke it: acc invoke {name} --payload '{{\"prompt\":\"hello\"}}'"
                )
            });
        }
    }
    Ok(())
}

/// `acc sessions [list|show|stop]`.
pub(crate) async fn sessions(
    backend: &Backend,
    action: Option<SessionsAction>,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    match action.unwrap_or(SessionsAction::List) {
        SessionsAction::List => {
            let sessions = backend.runtime_sessions().await?;
            print(output, &sessions, || sessions_text(&sessions));
        }
        SessionsAction::Show { session } => show_session(backend, &session, output).await?,
        SessionsAction::Stop {
            runtime,
            session,
            yes,
        } => {
            let found = resolve::agent_runtime(backend, &runtime).await?;
            confirm(
                readonly,
                yes,
                &format!("stop session {session} of {}", found.name),
            )?;
            backend.stop_runtime_session(&found, &session).await?;
            let value = serde_json::json!({ "stopped": session });
            print(output, &value, || format!("stopped {session}"));
        }
    }
    Ok(())
}

/// One session: its lifecycle, spans and the tail of its log.
async fn show_session(backend: &Backend, session: &str, output: Output) -> Result<(), Failure> {
    let found = backend
        .runtime_sessions()
        .await?
        .into_iter()
        .find(|s| s.runtime_session_id == session)
        .ok_or_else(|| not_found(format!("no session `{session}`; `acc sessions` lists them")))?;
    let log = backend
        .runtime_logs(
            &found.agent_runtime_id,
            &found.endpoint,
            Some(session),
            None,
        )
        .await?;
    let spans = backend.session_spans(session).await;
    print(output, &found, || {
        let mut lines = found.detail_lines();
        lines.push(String::new());
        lines.push("# spans".into());
        match &spans {
            Ok(spans) if spans.is_empty() => lines.push("(none exported)".into()),
            Ok(spans) => lines.extend(span_lines(spans)),
            Err(e) => lines.push(format!("(spans unavailable: {e})")),
        }
        lines.push(String::new());
        lines.push("# log (last 20 lines)".into());
        let skip = log.len().saturating_sub(20);
        lines.extend(
            log.iter()
                .skip(skip)
                .map(|l| format!("{}  {}", clock(l.timestamp_ms), l.message)),
        );
        lines.join("\n")
    });
    Ok(())
}

/// What `acc logs` was asked to print.
pub(crate) struct LogsRequest<'a> {
    /// Runtime id, name or ARN.
    pub(crate) runtime: &'a str,
    /// Only this session's stream.
    pub(crate) session: Option<&'a str>,
    /// The endpoint whose log group to read.
    pub(crate) qualifier: &'a str,
    /// Keep printing new lines as they arrive.
    pub(crate) follow: bool,
}

/// `acc logs RUNTIME`: the log lines, and with `--follow` new ones as they
/// arrive.
pub(crate) async fn logs(
    backend: &Backend,
    request: LogsRequest<'_>,
    output: Output,
) -> Result<(), Failure> {
    let found = resolve::agent_runtime(backend, request.runtime).await?;
    let mut since = None;
    let mut seen = 0usize;
    loop {
        let lines = backend
            .runtime_logs(&found.id, request.qualifier, request.session, since)
            .await?;
        // Lines at the boundary millisecond come again; skip those seen.
        let fresh: Vec<_> = lines
            .into_iter()
            .filter(|l| since.is_none_or(|s| l.timestamp_ms > s) || seen == 0)
            .collect();
        let mut out = std::io::stdout().lock();
        for line in &fresh {
            let text = match output {
                Output::Json => serde_json::to_string(line).unwrap_or_default(),
                Output::Text => format!(
                    "{} {}",
                    line.stream.rsplit(']').next().unwrap_or_default(),
                    line.message
                ),
            };
            let _ = writeln!(out, "{text}");
        }
        let _ = out.flush();
        seen += fresh.len();
        if let Some(last) = fresh.iter().map(|l| l.timestamp_ms).max() {
            since = Some(last);
        }
        if !request.follow {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Ok(())
}

fn runtimes_text(runtimes: &[AgentRuntime], sessions: &[RuntimeSession]) -> String {
    text_table(
        &[
            "NAME",
            "ID",
            "VERSION",
            "STATUS",
            "ARCH",
            "AUTH",
            "SESSIONS",
            "ENDPOINTS",
            "ARTIFACT",
        ],
        runtimes.iter().map(|r| {
            let live = sessions
                .iter()
                .filter(|s| s.agent_runtime_id == r.id && s.state != "STOPPED")
                .count();
            vec![
                r.name.clone(),
                r.id.clone(),
                r.latest_version.clone(),
                r.status.clone(),
                r.architecture().to_owned(),
                r.auth_label().to_owned(),
                live.to_string(),
                r.endpoints
                    .iter()
                    .map(|e| format!("{}→v{}", e.name, e.target_version.as_deref().unwrap_or("?")))
                    .collect::<Vec<_>>()
                    .join(" "),
                r.artifact.clone(),
            ]
        }),
    )
}

fn sessions_text(sessions: &[RuntimeSession]) -> String {
    text_table(
        &[
            "SESSION", "RUNTIME", "STATE", "EXEC", "AGE", "IDLE", "CALLS", "CPU", "MEMORY",
        ],
        sessions.iter().map(|s| {
            vec![
                s.runtime_session_id.clone(),
                s.agent_runtime_id.clone(),
                s.state.clone(),
                s.execution.clone(),
                format!("{}s", s.age_seconds),
                format!("{}s", s.idle_seconds),
                s.invocations.to_string(),
                s.cpu_seconds
                    .map(|c| format!("{c:.2}s"))
                    .unwrap_or_default(),
                s.memory_bytes
                    .map(|m| format!("{:.1} MiB", m as f64 / 1048576.0))
                    .unwrap_or_default(),
            ]
        }),
    )
}
