//! `acc invoke RUNTIME --payload …`: writes the agent's answer as it
//! arrives (text deltas of SSE frames; `--raw` for the exact bytes) and
//! reports time to first byte, events and events per second on stderr. A
//! mid-stream error frame or a broken stream exits non-zero.

use std::io::Write;
use std::time::Instant;

use acc_backend::{Backend, Invocation};
use acc_domain::sse::{FrameMeaning, SseEvent, SseParser, meaning};

use super::args::Output;
use super::exit::{Failure, failed, refused, usage};
use super::resolve;

/// What `acc invoke` was asked to do.
pub(crate) struct Request<'a> {
    /// Runtime id, name or ARN.
    pub(crate) runtime: &'a str,
    /// JSON text, or @file.
    pub(crate) payload: &'a str,
    pub(crate) session: Option<&'a str>,
    pub(crate) user: Option<&'a str>,
    pub(crate) qualifier: Option<&'a str>,
    /// Print the exact bytes of the answer.
    pub(crate) raw: bool,
}

/// Invokes the runtime and streams its answer to stdout.
pub(crate) async fn run(
    backend: &Backend,
    request: Request<'_>,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    if readonly {
        return Err(refused("--readonly: refusing to invoke an agent (it acts)"));
    }
    let found = resolve::agent_runtime(backend, request.runtime).await?;
    let body = payload_bytes(request.payload)?;
    let started = Instant::now();
    let answer = backend
        .invoke_agent_runtime(
            &found,
            body,
            request.session,
            request.user,
            request.qualifier,
        )
        .await?;
    eprintln!("acc: session {} ({})", answer.session_id, answer.auth);
    stream(answer, started, request.raw, output).await
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

/// Copies the answer to stdout as it arrives, then reports on stderr.
async fn stream(
    mut answer: Invocation,
    started: Instant,
    raw: bool,
    output: Output,
) -> Result<(), Failure> {
    let sse = answer.content_type.starts_with("text/event-stream");
    let mut parser = SseParser::new();
    let mut first_byte = None;
    let mut events = 0u64;
    let mut stream_error = None;
    let mut stdout = std::io::stdout().lock();
    let mut show = |event: &SseEvent, stdout: &mut std::io::StdoutLock| {
        events += 1;
        if let Some(e) = show_event(event, output, stdout) {
            stream_error = Some(e);
        }
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
        return Err(failed(format!(
            "the agent reported an error mid-stream: {e}"
        )));
    }
    Ok(())
}

/// Writes one SSE event as `output` wants it; an error frame is returned,
/// not written.
fn show_event(
    event: &SseEvent,
    output: Output,
    stdout: &mut std::io::StdoutLock,
) -> Option<String> {
    let mut error = None;
    match (output, meaning(event)) {
        (Output::Json, _) => {
            let _ = writeln!(stdout, "{}", event.data);
        }
        (_, FrameMeaning::Text(text)) => {
            let _ = write!(stdout, "{text}");
        }
        (_, FrameMeaning::Error(e)) => error = Some(e),
        (_, FrameMeaning::Json(v)) => {
            let _ = writeln!(stdout, "{v}");
        }
        (_, FrameMeaning::Raw(text)) => {
            let _ = writeln!(stdout, "{text}");
        }
    }
    let _ = stdout.flush();
    error
}
