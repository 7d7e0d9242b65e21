//! One span in full, as lines: what it is and how it ended, its GenAI
//! attributes first and then the rest, its events and resource, the
//! model's conversation from the log records joined to it, and the
//! gateway call it made with the Cedar decision on that call.

use acc_domain::cedar_model::evaluation::PolicyDecision;
use acc_domain::secret_masking::mask_secrets;
use acc_domain::traces::{SpanCall, TraceLogRecord, TraceSpan, conversation};
use serde_json::{Map, Value};

use crate::features::memory::view_line::{Tone, ViewLine, text_lines};
use crate::features::traces::state::OpenTrace;
use crate::features::traces::views::format::{duration, gen_ai_label};

/// The lines of the span `span_id` of `trace`.
pub fn span_lines(trace: &OpenTrace, span_id: &str) -> Vec<ViewLine> {
    let Some(span) = trace.row_of(span_id).and_then(|r| trace.span(r)) else {
        return vec![ViewLine::new(
            format!("span {span_id} is not in this trace (esc)"),
            Tone::Warning,
        )];
    };
    // What triage asks first: the call and its decision, what the model
    // saw and said; then everything the span carries.
    let mut lines = summary(span);
    for call in trace
        .detail
        .calls
        .iter()
        .filter(|c| c.span_id == span.span_id)
    {
        call_lines(&mut lines, call);
    }
    let logs: Vec<TraceLogRecord> = trace
        .detail
        .logs
        .iter()
        .filter(|l| l.span_id == span.span_id)
        .cloned()
        .collect();
    conversation_lines(&mut lines, &logs);
    attributes(&mut lines, &span.attributes);
    events(&mut lines, span);
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading("resource"));
    map_lines(&mut lines, &span.resource, |_| true);
    if !trace.detail.notes.is_empty() {
        lines.push(ViewLine::blank());
        lines.push(ViewLine::heading("notes on this trace"));
        for note in &trace.detail.notes {
            lines.push(ViewLine::new(note.clone(), Tone::Warning));
        }
    }
    lines
}

/// What the span is, where it runs and how it ended.
fn summary(span: &TraceSpan) -> Vec<ViewLine> {
    let status = match span.status_code {
        2 => "ERROR",
        1 => "OK",
        _ => "UNSET",
    };
    let mut lines = vec![
        ViewLine::heading(format!("{} · {}", span.name, gen_ai_label(span))),
        ViewLine::new(
            format!(
                "status     {status}{}",
                if span.status_message.is_empty() {
                    String::new()
                } else {
                    format!(": {}", span.status_message)
                }
            ),
            if span.is_error() {
                Tone::Warning
            } else {
                Tone::Plain
            },
        ),
        ViewLine::new(
            format!(
                "duration   {}  ·  kind {}",
                duration(span.duration_nano()),
                span.kind
            ),
            Tone::Plain,
        ),
        ViewLine::new(format!("service    {}", span.service), Tone::Plain),
    ];
    if !span.session_id.is_empty() {
        lines.push(ViewLine::new(
            format!("session    {}  (o opens it)", span.session_id),
            Tone::Plain,
        ));
    }
    lines.push(ViewLine::new(
        format!(
            "ids        trace {} · span {} · parent {}",
            span.trace_id,
            span.span_id,
            if span.parent_span_id.is_empty() {
                "(root)"
            } else {
                &span.parent_span_id
            }
        ),
        Tone::Muted,
    ));
    lines
}

/// The attributes, `gen_ai.*` first.
fn attributes(lines: &mut Vec<ViewLine>, attributes: &Map<String, Value>) {
    let gen_ai = |k: &str| k.starts_with("gen_ai.");
    if attributes.keys().any(|k| gen_ai(k)) {
        lines.push(ViewLine::blank());
        lines.push(ViewLine::heading("gen_ai"));
        map_lines(lines, attributes, |k| gen_ai(k));
    }
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading("attributes"));
    map_lines(lines, attributes, |k| !gen_ai(k));
}

/// The entries of `map` whose key `keep` accepts, sorted, secrets masked.
fn map_lines(lines: &mut Vec<ViewLine>, map: &Map<String, Value>, keep: impl Fn(&str) -> bool) {
    let masked = mask_secrets(&Value::Object(map.clone()));
    let Value::Object(masked) = masked else {
        return;
    };
    let mut keys: Vec<&String> = masked.keys().filter(|k| keep(k)).collect();
    keys.sort();
    if keys.is_empty() {
        lines.push(ViewLine::new("(none)", Tone::Muted));
    }
    for k in keys {
        let value = match &masked[k] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        lines.push(ViewLine::new(format!("{k} = {value}"), Tone::Plain));
    }
}

/// The span's events, with their time from the span's start.
fn events(lines: &mut Vec<ViewLine>, span: &TraceSpan) {
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading(format!("events ({})", span.events.len())));
    for e in &span.events {
        let at = duration(e.time_unix_nano - span.start_unix_nano);
        lines.push(ViewLine::new(format!("+{at}  {}", e.name), Tone::Plain));
        let masked = mask_secrets(&Value::Object(e.attributes.clone()));
        if let Value::Object(map) = masked {
            for (k, v) in map {
                lines.push(ViewLine::new(format!("    {k} = {v}"), Tone::Muted));
            }
        }
    }
}

/// The log records joined to the span, read as a conversation.
fn conversation_lines(lines: &mut Vec<ViewLine>, logs: &[TraceLogRecord]) {
    lines.push(ViewLine::blank());
    let turns = conversation(logs);
    lines.push(ViewLine::heading(format!(
        "conversation ({} turns from {} log records)",
        turns.len(),
        logs.len()
    )));
    if turns.is_empty() {
        lines.push(ViewLine::new(
            "(no GenAI messages logged for this span)",
            Tone::Muted,
        ));
    }
    for turn in turns {
        let role = turn.role.to_uppercase();
        lines.extend(text_lines(
            &turn.text,
            false,
            &role,
            0,
            Tone::of_role(&role),
        ));
    }
}

/// The gateway call the span made: in full, and the Cedar decision on it.
fn call_lines(lines: &mut Vec<ViewLine>, link: &SpanCall) {
    let call = &link.capture;
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading(format!(
        "tool call {} · {} · {:.1} ms",
        call.tool,
        call.outcome.as_str(),
        call.latency_ms
    )));
    lines.push(ViewLine::new(
        format!(
            "capture    {} · gateway {} · caller {} · {} · matched by {}",
            call.capture_id,
            call.gateway_id,
            call.caller.label(),
            call.time,
            link.matched_by.replace('_', " ")
        ),
        Tone::Muted,
    ));
    lines.push(ViewLine::new("arguments", Tone::Plain));
    let pretty = serde_json::to_string_pretty(&call.arguments).unwrap_or_default();
    lines.extend(
        pretty
            .lines()
            .map(|l| ViewLine::new(format!("  {l}"), Tone::Plain)),
    );
    if let Some(detail) = &call.detail {
        lines.push(ViewLine::new(format!("detail     {detail}"), Tone::Warning));
    }
    decision_lines(lines, link);
}

/// The Cedar decision on the call and the policies that determined it.
fn decision_lines(lines: &mut Vec<ViewLine>, link: &SpanCall) {
    let policy = link.capture.policy.as_ref();
    let Some(decision) = link.decision.or(policy.map(|p| p.decision)) else {
        lines.push(ViewLine::new(
            "decision   (no policy engine attached to the gateway)",
            Tone::Muted,
        ));
        return;
    };
    let determining = if link.determining_policies.is_empty() {
        policy
            .map(|p| p.determining_policies.clone())
            .unwrap_or_default()
    } else {
        link.determining_policies.clone()
    };
    let by = if determining.is_empty() {
        "no policy matched (default deny)".to_owned()
    } else {
        determining.join(", ")
    };
    let mode = policy.map_or(String::new(), |p| format!(" · {}", p.mode));
    lines.push(ViewLine::new(
        format!(
            "decision   {} by {by}{mode} (p: why)",
            decision.as_str().to_uppercase()
        ),
        if decision == PolicyDecision::Allow {
            Tone::Assistant
        } else {
            Tone::Warning
        },
    ));
    for e in policy.map(|p| p.errors.as_slice()).unwrap_or_default() {
        lines.push(ViewLine::new(format!("  error: {e}"), Tone::Warning));
    }
}
