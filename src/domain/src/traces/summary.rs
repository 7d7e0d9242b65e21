//! One line per trace for the trace list.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::traces::span::{GenAiKind, TraceSpan};

/// A trace as the list shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceSummary {
    /// The trace id, hex.
    pub trace_id: String,
    /// The root span's name (the earliest span's when no root was seen).
    pub root_name: String,
    /// The root span's service.
    pub service: String,
    /// The session, when any span carries one.
    pub session_id: String,
    /// The earliest start, nanoseconds since the epoch.
    pub start_unix_nano: i64,
    /// From the earliest start to the latest end.
    pub duration_nano: i64,
    /// Spans seen.
    pub span_count: usize,
    /// Spans with status ERROR.
    pub error_count: usize,
    /// Input tokens of the LLM spans (else the largest count any span carries).
    pub input_tokens: i64,
    /// Output tokens, counted the same way.
    pub output_tokens: i64,
}

/// Tokens of a set of spans: the sum over the LLM spans (an agent span
/// often repeats its calls' totals, so summing every span would count them
/// twice); when no LLM span carries tokens, the largest count on any span.
pub fn token_totals<'a>(spans: impl Iterator<Item = &'a TraceSpan> + Clone) -> (i64, i64) {
    let llm = spans.clone().filter(|s| s.kind_gen_ai() == GenAiKind::Llm);
    let sum = |f: fn(&TraceSpan) -> Option<i64>| llm.clone().filter_map(f).sum::<i64>();
    let (input, output) = (sum(TraceSpan::input_tokens), sum(TraceSpan::output_tokens));
    if input != 0 || output != 0 {
        return (input, output);
    }
    let max = |f: fn(&TraceSpan) -> Option<i64>| spans.clone().filter_map(f).max().unwrap_or(0);
    (max(TraceSpan::input_tokens), max(TraceSpan::output_tokens))
}

/// The summary of one trace's spans (all of the same trace).
pub fn summarize_one(spans: &[&TraceSpan]) -> TraceSummary {
    let root = spans
        .iter()
        .filter(|s| s.parent_span_id.is_empty())
        .min_by_key(|s| s.start_unix_nano)
        .or_else(|| spans.iter().min_by_key(|s| s.start_unix_nano));
    let start = spans.iter().map(|s| s.start_unix_nano).min().unwrap_or(0);
    let end = spans.iter().map(|s| s.end_unix_nano).max().unwrap_or(0);
    let (input_tokens, output_tokens) = token_totals(spans.iter().copied());
    TraceSummary {
        trace_id: spans
            .first()
            .map(|s| s.trace_id.clone())
            .unwrap_or_default(),
        root_name: root.map(|s| s.name.clone()).unwrap_or_default(),
        service: root.map(|s| s.service.clone()).unwrap_or_default(),
        session_id: spans
            .iter()
            .find(|s| !s.session_id.is_empty())
            .map(|s| s.session_id.clone())
            .unwrap_or_default(),
        start_unix_nano: start,
        duration_nano: (end - start).max(0),
        span_count: spans.len(),
        error_count: spans.iter().filter(|s| s.is_error()).count(),
        input_tokens,
        output_tokens,
    }
}

/// Spans grouped into their traces, newest first (ties by trace id).
pub fn group_by_trace(spans: &[TraceSpan]) -> Vec<Vec<&TraceSpan>> {
    let mut groups: HashMap<&str, Vec<&TraceSpan>> = HashMap::new();
    for span in spans {
        groups.entry(span.trace_id.as_str()).or_default().push(span);
    }
    let mut out: Vec<Vec<&TraceSpan>> = groups.into_values().collect();
    let start = |g: &Vec<&TraceSpan>| g.iter().map(|s| s.start_unix_nano).min().unwrap_or(0);
    out.sort_by(|a, b| {
        start(b)
            .cmp(&start(a))
            .then(a[0].trace_id.cmp(&b[0].trace_id))
    });
    out
}

/// One summary per trace in `spans`, newest first.
pub fn summarize(spans: &[TraceSpan]) -> Vec<TraceSummary> {
    group_by_trace(spans)
        .iter()
        .map(|g| summarize_one(g))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn span(trace: &str, id: &str, parent: &str, start: i64, end: i64) -> TraceSpan {
        TraceSpan {
            trace_id: trace.into(),
            span_id: id.into(),
            parent_span_id: parent.into(),
            name: id.into(),
            start_unix_nano: start,
            end_unix_nano: end,
            service: format!("svc-{id}"),
            ..TraceSpan::default()
        }
    }

    #[test]
    fn traces_summarise_newest_first_with_llm_tokens() {
        let mut agent = span("t1", "agent", "", 100, 900);
        agent
            .attributes
            .insert("gen_ai.operation.name".into(), json!("invoke_agent"));
        agent
            .attributes
            .insert("gen_ai.usage.input_tokens".into(), json!(30));
        let mut chat1 = span("t1", "chat1", "agent", 200, 300);
        chat1
            .attributes
            .insert("gen_ai.operation.name".into(), json!("chat"));
        chat1
            .attributes
            .insert("gen_ai.usage.input_tokens".into(), json!(10));
        chat1
            .attributes
            .insert("gen_ai.usage.output_tokens".into(), json!(5));
        let mut chat2 = chat1.clone();
        chat2.span_id = "chat2".into();
        chat2
            .attributes
            .insert("gen_ai.usage.input_tokens".into(), json!(20));
        chat2.status_code = 2;
        chat2.session_id = "s-1".into();
        let mut older = span("t0", "only", "", 10, 20);
        older
            .attributes
            .insert("gen_ai.usage.output_tokens".into(), json!(4));
        let list = summarize(&[agent, chat1, older, chat2]);
        assert_eq!(list.len(), 2);
        let t1 = &list[0];
        assert_eq!(
            (t1.trace_id.as_str(), t1.root_name.as_str()),
            ("t1", "agent")
        );
        assert_eq!(
            (t1.service.as_str(), t1.session_id.as_str()),
            ("svc-agent", "s-1")
        );
        assert_eq!((t1.start_unix_nano, t1.duration_nano), (100, 800));
        assert_eq!((t1.span_count, t1.error_count), (3, 1));
        assert_eq!(
            (t1.input_tokens, t1.output_tokens),
            (30, 10),
            "the LLM spans, not the agent's total"
        );
        assert_eq!(
            (list[1].input_tokens, list[1].output_tokens),
            (0, 4),
            "no LLM span: the largest"
        );
    }
}
