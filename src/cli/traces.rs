//! `acc traces`: the trace explorer headless, the twin of `:traces`: the
//! trace list (filters, errors only, a time window), one trace (its tree
//! with the critical path, span attributes, the log records joined to it as
//! a conversation, the gateway calls its tool spans made with their Cedar
//! decisions), and the structural diff of two traces. Everything masked.

use acc_backend::{Backend, TraceList, is_trace_id};
use acc_domain::agent_runtime::clock;
use acc_domain::traces::{
    ConversationTurn, DiffRow, SpanCall, TraceDetail, TraceDiff, TraceFilter, TraceQuery,
    TraceSummary, TraceTree, TreeRow, conversation, diff_traces, parse_duration_nanos, summarize,
};
use serde::Serialize;

use super::args::{Output, TracesAction};
use super::exit::{Failure, usage};
use super::output::{print, text_table};

/// The list's flags.
pub(crate) struct ListArgs {
    pub(crate) session: Option<String>,
    pub(crate) runtime: Option<String>,
    pub(crate) since: String,
    pub(crate) errors: bool,
    pub(crate) filter: Option<String>,
}

/// `acc traces …`.
pub(crate) async fn run(
    backend: &Backend,
    action: Option<TracesAction>,
    list_args: ListArgs,
    output: Output,
) -> Result<(), Failure> {
    match action {
        None => list(backend, list_args, output).await,
        Some(TracesAction::Show { trace_id }) => show(backend, &trace_id, output).await,
        Some(TracesAction::Diff { left, right }) => diff(backend, &left, &right, output).await,
    }
}

/// The query of the list's flags; a bad `--since` or `--filter` is a usage error.
fn query(args: ListArgs) -> Result<TraceQuery, Failure> {
    let since = parse_duration_nanos(&args.since)
        .filter(|n| *n >= 1_000_000)
        .ok_or_else(|| {
            usage(format!(
                "--since {}: a duration such as 15m, 1h, 6h or 7d (s, m, h, d)",
                args.since
            ))
        })?;
    if let Some(filter) = &args.filter {
        TraceFilter::parse(filter).map_err(|e| usage(format!("--filter: {e}")))?;
    }
    Ok(TraceQuery {
        since_ms: Some(since / 1_000_000),
        session: args.session,
        runtime: args.runtime,
        errors_only: args.errors,
        filter: args.filter,
    })
}

fn millis(nanos: i64) -> String {
    format!("{:.1} ms", nanos as f64 / 1e6)
}

fn list_text(traces: &[TraceSummary]) -> String {
    let dash = |s: &str| {
        if s.is_empty() {
            "-".to_owned()
        } else {
            s.to_owned()
        }
    };
    text_table(
        &[
            "TRACE", "START", "DURATION", "SPANS", "ERRORS", "TOKENS", "SERVICE", "SESSION", "ROOT",
        ],
        traces.iter().map(|t| {
            vec![
                t.trace_id.clone(),
                clock(t.start_unix_nano / 1_000_000),
                millis(t.duration_nano),
                t.span_count.to_string(),
                t.error_count.to_string(),
                format!("{}→{}", t.input_tokens, t.output_tokens),
                dash(&t.service),
                dash(&t.session_id),
                t.root_name.clone(),
            ]
        }),
    )
}

/// `acc traces -o json`: the traces, whether the read stopped at its
/// bound (older traces then are not listed), and whether the service
/// summarised them (a Logs Insights query) or the spans were read.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed<'a> {
    traces: &'a [TraceSummary],
    spans_read: usize,
    truncated: bool,
    summarised: bool,
}

impl<'a> From<&'a TraceList> for Listed<'a> {
    fn from(page: &'a TraceList) -> Self {
        Listed {
            traces: &page.traces,
            spans_read: page.spans_read,
            truncated: page.truncated,
            summarised: page.summarised,
        }
    }
}

async fn list(backend: &Backend, args: ListArgs, output: Output) -> Result<(), Failure> {
    let query = query(args)?;
    let page = backend.list_traces_page(&query).await?;
    if page.truncated && page.summarised {
        eprintln!(
            "acc: listed the newest {} traces, the list's bound: older traces are not listed (narrow --since or --session)",
            page.traces.len()
        );
    } else if page.truncated {
        eprintln!(
            "acc: read {} spans and stopped at the read bound: older traces are not listed (narrow --since)",
            page.spans_read
        );
    }
    print(output, &Listed::from(&page), || list_text(&page.traces));
    Ok(())
}

/// `acc traces show -o json`: the detail, its tree and its conversation.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Shown<'a> {
    summary: TraceSummary,
    tree: &'a [TreeRow],
    critical_path: Vec<usize>,
    conversation: Vec<ConversationTurn>,
    #[serde(flatten)]
    detail: &'a TraceDetail,
}

async fn fetch(backend: &Backend, trace_id: &str) -> Result<(TraceDetail, TraceTree), Failure> {
    if !is_trace_id(trace_id) {
        return Err(usage(format!(
            "`{trace_id}` is not a trace id: 32 hex digits, as `acc traces` lists them"
        )));
    }
    let detail = backend.get_trace(trace_id).await?;
    let tree = TraceTree::build(detail.spans.clone());
    Ok((detail, tree))
}

async fn show(backend: &Backend, trace_id: &str, output: Output) -> Result<(), Failure> {
    let (detail, tree) = fetch(backend, trace_id).await?;
    let shown = Shown {
        summary: summarize(&detail.spans).remove(0),
        tree: &tree.rows,
        critical_path: tree.critical_path(),
        conversation: conversation(&detail.logs),
        detail: &detail,
    };
    print(output, &shown, || show_text(&shown, &tree));
    Ok(())
}

fn show_text(shown: &Shown, tree: &TraceTree) -> String {
    let s = &shown.summary;
    let mut lines = vec![format!(
        "trace {}  {}  {} spans  {} errors  tokens {}→{}  session {}",
        s.trace_id,
        millis(s.duration_nano),
        s.span_count,
        s.error_count,
        s.input_tokens,
        s.output_tokens,
        if s.session_id.is_empty() {
            "-"
        } else {
            &s.session_id
        }
    )];
    lines.push(String::new());
    lines.extend((0..tree.rows.len()).map(|r| {
        let mark = if tree.rows[r].critical { "*" } else { " " };
        format!("{mark} {}", tree.row_line(r))
    }));
    lines.push("(* critical path)".into());
    lines.push(String::new());
    lines.push("# attributes".into());
    for row in 0..tree.rows.len() {
        let span = tree.span(row);
        lines.push(format!(
            "{} {} ({}, {})",
            span.span_id, span.name, span.kind, span.service
        ));
        lines.extend(
            span.attributes
                .iter()
                .map(|(k, v)| format!("    {k} = {v}")),
        );
    }
    if !shown.conversation.is_empty() {
        lines.push(String::new());
        lines.push("# conversation".into());
        lines.extend(
            shown
                .conversation
                .iter()
                .map(|t| format!("{}: {}", t.role, t.text)),
        );
    }
    lines.push(String::new());
    lines.push(format!("# log records: {}", shown.detail.logs.len()));
    lines.extend(shown.detail.logs.iter().map(|l| {
        format!(
            "{}  {}  {}  {}",
            clock(l.time_unix_nano / 1_000_000),
            l.span_id,
            if l.event_name.is_empty() {
                &l.severity
            } else {
                &l.event_name
            },
            l.body
        )
    }));
    if !shown.detail.calls.is_empty() {
        lines.push(String::new());
        lines.push("# gateway calls".into());
        lines.extend(shown.detail.calls.iter().map(call_text));
    }
    lines.extend(shown.detail.notes.iter().map(|n| format!("note: {n}")));
    lines.join("\n")
}

fn call_text(call: &SpanCall) -> String {
    let c = &call.capture;
    let decision = match call.decision {
        Some(d) => format!(
            "  {} by {}",
            d.as_str(),
            call.determining_policies.join(", ")
        ),
        None => String::new(),
    };
    format!(
        "span {} ({}): {} {} {}{decision}\n    arguments {}",
        call.span_id,
        call.matched_by,
        c.capture_id,
        c.tool,
        c.outcome.as_str(),
        c.arguments
    )
}

/// `acc traces diff -o json`: both summaries and the aligned rows, named.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Diffed {
    left: TraceSummary,
    right: TraceSummary,
    rows: Vec<NamedDiffRow>,
    added: usize,
    removed: usize,
    latency_delta_nano: i64,
    token_delta: i64,
}

/// A diff row with the span's name and which side it is on.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NamedDiffRow {
    /// `same`, `added` or `removed`.
    change: &'static str,
    name: String,
    #[serde(flatten)]
    row: DiffRow,
}

fn named(diff: TraceDiff, left: &TraceTree, right: &TraceTree) -> Vec<NamedDiffRow> {
    diff.rows
        .into_iter()
        .map(|row| {
            let (change, name) = match (row.left, row.right) {
                (Some(l), Some(_)) => ("same", left.span(l).name.clone()),
                (Some(l), None) => ("removed", left.span(l).name.clone()),
                (None, Some(r)) => ("added", right.span(r).name.clone()),
                (None, None) => ("same", String::new()),
            };
            NamedDiffRow { change, name, row }
        })
        .collect()
}

async fn diff(backend: &Backend, left: &str, right: &str, output: Output) -> Result<(), Failure> {
    let (l, left_tree) = fetch(backend, left).await?;
    let (r, right_tree) = fetch(backend, right).await?;
    let diff = diff_traces(&left_tree, &right_tree);
    let shown = Diffed {
        left: summarize(&l.spans).remove(0),
        right: summarize(&r.spans).remove(0),
        added: diff.added,
        removed: diff.removed,
        latency_delta_nano: diff.latency_delta_nano,
        token_delta: diff.token_delta,
        rows: named(diff, &left_tree, &right_tree),
    };
    print(output, &shown, || diff_text(&shown));
    Ok(())
}

fn signed_ms(nanos: i64) -> String {
    format!("{:+.1} ms", nanos as f64 / 1e6)
}

fn diff_text(d: &Diffed) -> String {
    let mut lines = vec![format!(
        "{} → {}  {} added  {} removed  latency {}  tokens {:+}",
        d.left.trace_id,
        d.right.trace_id,
        d.added,
        d.removed,
        signed_ms(d.latency_delta_nano),
        d.token_delta
    )];
    lines.extend(d.rows.iter().map(|r| {
        let sign = match r.change {
            "added" => "+",
            "removed" => "-",
            _ => " ",
        };
        let mut line = format!("{sign} {}{}", "  ".repeat(r.row.depth.into()), r.name);
        if let Some(latency) = r.row.latency_delta_nano {
            line.push_str(&format!("  {}", signed_ms(latency)));
        }
        if let Some(tokens) = r.row.token_delta {
            line.push_str(&format!("  tokens {tokens:+}"));
        }
        line
    }));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_list_says_whether_the_read_stopped_at_its_bound() {
        let page = TraceList {
            traces: vec![TraceSummary {
                trace_id: "5b8efff798038103d269b633813fc60c".into(),
                ..TraceSummary::default()
            }],
            spans_read: 200_000,
            truncated: true,
            summarised: false,
        };
        let json = serde_json::to_value(Listed::from(&page)).unwrap();
        assert_eq!(json["truncated"], true, "{json}");
        assert_eq!(json["spansRead"], 200_000, "{json}");
        assert_eq!(
            json["traces"][0]["traceId"], "5b8efff798038103d269b633813fc60c",
            "{json}"
        );
        let whole = TraceList::default();
        let json = serde_json::to_value(Listed::from(&whole)).unwrap();
        assert_eq!(json["truncated"], false, "{json}");
        assert_eq!(json["traces"], serde_json::json!([]), "{json}");
    }
}
