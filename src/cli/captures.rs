//! `acc captures GATEWAY`: a gateway's captured tool calls, newest first.

use acc_backend::Backend;
use acc_domain::{CaptureFilter, CaptureOutcome, CapturedCall};

use super::args::Output;
use super::exit::Failure;
use super::output::{print, text_table};
use super::resolve;

/// The filter of `--tool`, `--caller` and `--outcome`.
pub(crate) fn filter(
    tool: Option<String>,
    caller: Option<String>,
    outcome: Option<&str>,
) -> CaptureFilter {
    CaptureFilter {
        tool,
        caller,
        outcome: outcome.and_then(CaptureOutcome::parse),
    }
}

/// Prints up to `limit` of the gateway's calls passing `filter`.
pub(crate) async fn list(
    backend: &Backend,
    gateway: &str,
    filter: &CaptureFilter,
    limit: usize,
    output: Output,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
    let page = backend.captured_calls(&gw.id, filter, limit).await?;
    if let Some(note) = &page.note {
        eprintln!("acc: {note}");
    }
    print(output, &page.calls, || captures_text(&page.calls));
    Ok(())
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
