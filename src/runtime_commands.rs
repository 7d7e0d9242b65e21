//! `acc runtime`, `acc invoke`, `acc sessions`, `acc logs`: agent runtimes
//! headless. `invoke` writes the answer as it arrives and reports time to
//! first byte, events and events per second on stderr; a mid-stream error
//! frame or a broken stream exits non-zero.

use std::io::Write;
use std::time::{Duration, Instant};

use acc_backend::Backend;
use acc_domain::sse::{FrameMeaning, SseParser, meaning};
use acc_domain::{AgentRuntime, RuntimeSession};

use crate::cli::{Command, Output, RuntimeAction, SessionsAction};
use crate::headless::{
    EXIT_FAILED, EXIT_NOT_FOUND, Failure, confirm, failed, print, text_table, usage,
};

pub(crate) async fn run(
    backend: &Backend,
    command: Command,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    match command {
        Command::Runtime { action } => match action.unwrap_or(RuntimeAction::List) {
            RuntimeAction::List => {
                let runtimes = backend.agent_runtimes().await?;
                let sessions = backend.runtime_sessions().await.unwrap_or_default();
                print(output, &runtimes, || runtimes_text(&runtimes, &sessions));
            }
            RuntimeAction::Run { artifact, name } => {
                if readonly {
                    return Err(crate::headless::refused(
                        "--readonly: refusing to create a runtime",
                    ));
                }
                let arn = backend.run_artifact(&name, &artifact).await?;
                let value = serde_json::json!({ "agentRuntimeArn": arn, "name": name });
                print(output, &value, || {
                    format!(
                        "{name}: {arn}\ninvoke it: acc invoke {name} --payload '{{\"prompt\":\"hello\"}}'"
                    )
                });
            }
        },
        Command::Invoke {
            runtime,
            payload,
            session,
            user,
            qualifier,
            raw,
        } => {
            if readonly {
                return Err(crate::headless::refused(
                    "--readonly: refusing to invoke an agent (it acts)",
                ));
            }
            let found = find_runtime(backend, &runtime).await?;
            let body = payload_bytes(&payload)?;
            invoke(
                backend,
                &found,
                body,
                session.as_deref(),
                user.as_deref(),
                qualifier.as_deref(),
                raw,
                output,
            )
            .await?;
        }
        Command::Sessions { action } => match action.unwrap_or(SessionsAction::List) {
            SessionsAction::List => {
                let sessions = backend.runtime_sessions().await?;
                print(output, &sessions, || sessions_text(&sessions));
            }
            SessionsAction::Show { session } => {
                let found = backend
                    .runtime_sessions()
                    .await?
                    .into_iter()
                    .find(|s| s.runtime_session_id == session)
                    .ok_or_else(|| Failure {
                        code: EXIT_NOT_FOUND,
                        message: format!("no session `{session}`; `acc sessions` lists them"),
                    })?;
                let log = backend
                    .runtime_logs(
                        &found.agent_runtime_id,
                        &found.endpoint,
                        Some(&session),
                        None,
                    )
                    .await?;
                let spans = backend.session_spans(&session).await;
                print(output, &found, || {
                    let mut lines = found.detail_lines();
                    lines.push(String::new());
                    lines.push("# spans".into());
                    match &spans {
                        Ok(spans) if spans.is_empty() => lines.push("(none exported)".into()),
                        Ok(spans) => lines.extend(acc_domain::agent_runtime::span_lines(spans)),
                        Err(e) => lines.push(format!("(spans unavailable: {e})")),
                    }
                    lines.push(String::new());
                    lines.push("# log (last 20 lines)".into());
                    let skip = log.len().saturating_sub(20);
                    lines.extend(log.iter().skip(skip).map(|l| {
                        format!(
                            "{}  {}",
                            acc_domain::agent_runtime::clock(l.timestamp_ms),
                            l.message
                        )
                    }));
                    lines.join("\n")
                });
            }
            SessionsAction::Stop {
                runtime,
                session,
                yes,
            } => {
                let found = find_runtime(backend, &runtime).await?;
                confirm(
                    readonly,
                    yes,
                    &format!("stop session {session} of {}", found.name),
                )?;
                backend.stop_runtime_session(&found, &session).await?;
                let value = serde_json::json!({ "stopped": session });
                print(output, &value, || format!("stopped {session}"));
            }
        },
        Command::Logs {
            runtime,
            session,
            qualifier,
            follow,
        } => {
            let found = find_runtime(backend, &runtime).await?;
            let mut since = None;
            let mut seen = 0usize;
            loop {
                let lines = backend
                    .runtime_logs(&found.id, &qualifier, session.as_deref(), since)
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
                if !follow {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
        _ => unreachable!("dispatched by headless"),
    }
    Ok(())
}

async fn find_runtime(backend: &Backend, key: &str) -> Result<AgentRuntime, Failure> {
    backend
        .find_agent_runtime(key)
        .await?
        .ok_or_else(|| Failure {
            code: EXIT_NOT_FOUND,
            message: format!(
                "no agent runtime with id, name or ARN `{key}`; `acc runtime` lists them"
            ),
        })
}

/// `--payload`: JSON text or @file, checked to be JSON before sending.
fn payload_bytes(payload: &str) -> Result<Vec<u8>, Failure> {
    let bytes = match payload.strip_prefix('@') {
        Some(path) => std::fs::read(path)
            .map_err(|e| usage(format!("cannot read the payload file {path}: {e}")))?,
        None => payload.as_bytes().to_vec(),
    };
    serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| {
        usage(format!(
            "the payload is not valid JSON ({e}); pass JSON text or @file.json"
        ))
    })?;
    Ok(bytes)
}

#[allow(clippy::too_many_arguments)]
async fn invoke(
    backend: &Backend,
    runtime: &AgentRuntime,
    payload: Vec<u8>,
    session: Option<&str>,
    user: Option<&str>,
    qualifier: Option<&str>,
    raw: bool,
    output: Output,
) -> Result<(), Failure> {
    let started = Instant::now();
    let mut answer = backend
        .invoke_agent_runtime(runtime, payload, session, user, qualifier)
        .await?;
    eprintln!("acc: session {} ({})", answer.session_id, answer.auth);
    let sse = answer.content_type.starts_with("text/event-stream");
    let mut parser = SseParser::new();
    let mut first_byte = None;
    let mut events = 0u64;
    let mut stream_error = None;
    let mut stdout = std::io::stdout().lock();
    let mut show = |event: &acc_domain::sse::SseEvent, stdout: &mut std::io::StdoutLock| {
        events += 1;
        match (output, meaning(event)) {
            (Output::Json, _) => {
                let _ = writeln!(stdout, "{}", event.data);
            }
            (_, FrameMeaning::Text(text)) => {
                let _ = write!(stdout, "{text}");
            }
            (_, FrameMeaning::Error(e)) => stream_error = Some(e),
            (_, FrameMeaning::Json(v)) => {
                let _ = writeln!(stdout, "{v}");
            }
            (_, FrameMeaning::Raw(text)) => {
                let _ = writeln!(stdout, "{text}");
            }
        }
        let _ = stdout.flush();
    };
    let mut broken = None;
    while let Some(chunk) = answer.next_chunk().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                broken = Some(e);
                break;
            }
        };
        first_byte.get_or_insert_with(|| started.elapsed());
        if raw || !sse {
            let _ = stdout.write_all(&chunk);
            let _ = stdout.flush();
            continue;
        }
        for event in parser.feed(&chunk) {
            show(&event, &mut stdout);
        }
    }
    if sse
        && !raw
        && let Some(event) = parser.finish()
    {
        show(&event, &mut stdout);
    }
    let _ = writeln!(stdout);
    let total = started.elapsed();
    eprintln!(
        "acc: first byte {:.0} ms, {events} events in {:.2} s ({:.0} events/s)",
        first_byte.unwrap_or(total).as_secs_f64() * 1e3,
        total.as_secs_f64(),
        events as f64 / total.as_secs_f64().max(1e-9)
    );
    if let Some(e) = broken {
        return Err(failed(format!(
            "the stream broke before it ended ({e}); the answer above is incomplete"
        )));
    }
    if let Some(e) = stream_error {
        return Err(Failure {
            code: EXIT_FAILED,
            message: format!("the agent reported an error mid-stream: {e}"),
        });
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
