//! The trace list as one CloudWatch Logs Insights query over `aws/spans`
//! (`StartQuery`, then `GetQueryResults`): the service summarises the
//! spans per trace, so the list reads one row per trace instead of every
//! span record of its window.
//!
//! [`SummaryQuery`] writes the query and parses it back (the local
//! platform answers exactly this shape from a per-trace table it keeps at
//! ingest); [`TraceAggregate`] is one result row, how the platform merges
//! spans into it, and the [`TraceSummary`] the list shows.

use serde_json::{Map, Value};

use crate::traces::span::{GenAiKind, gen_ai_kind_of, input_tokens_of, output_tokens_of};
use crate::traces::summary::TraceSummary;

/// The projections: the span fields the summary reads, with the LLM
/// spans' tokens apart (an agent span often repeats its calls' totals).
const FIELDS: &str = "fields traceId, startTimeUnixNano, endTimeUnixNano, name, \
    resource.attributes.service.name as serviceName, attributes.session.id as sessionId, \
    status.code = \"ERROR\" as isError, attributes.gen_ai.usage.input_tokens as inputTokens, \
    attributes.gen_ai.usage.output_tokens as outputTokens, \
    attributes.gen_ai.operation.name in [\"chat\", \"text_completion\", \"generate_content\"] as isLlm";
const LLM_FIELDS: &str =
    "fields inputTokens * isLlm as llmInputTokens, outputTokens * isLlm as llmOutputTokens";
/// The aggregation, one row per trace. `earliest(name)` is the name of the
/// span recorded first, which is the root's in a complete trace (the local
/// platform answers with the root's name exactly).
const STATS: &str = "stats min(startTimeUnixNano) as start, max(endTimeUnixNano) as end, \
    count(*) as spans, sum(isError) as errors, earliest(name) as root, \
    earliest(serviceName) as service, earliest(sessionId) as session, \
    sum(llmInputTokens) as llmInputTokens, sum(llmOutputTokens) as llmOutputTokens, \
    max(inputTokens) as maxInputTokens, max(outputTokens) as maxOutputTokens by traceId";
const ERRORS_ONLY: &str = "filter errors > 0";
const SORT: &str = "sort start desc";
/// Rows a query may ask for: Logs Insights' own cap.
pub const MAX_ROWS: usize = 10_000;

/// The trace-summary query: which traces, how many (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryQuery {
    /// Only spans of this session (checked by [`SummaryQuery::usable_session`]).
    pub session: Option<String>,
    /// Only traces with an error span.
    pub errors_only: bool,
    /// Rows, 1 to [`MAX_ROWS`].
    pub limit: usize,
}

/// Whether `session` can go into the query's string literal as it is:
/// AgentCore session ids and the like, never a quote or a pipe.
pub fn usable_session(session: &str) -> bool {
    (1..=256).contains(&session.len())
        && session
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:@/".contains(&b))
}

/// Why a query is not the summary query, naming the part.
fn unsupported(part: &str) -> String {
    format!(
        "`{part}`: the acc local platform answers only the trace-summary query on aws/spans \
         (as `acc traces` sends it), not general Logs Insights queries"
    )
}

impl SummaryQuery {
    /// The query text.
    pub fn text(&self) -> String {
        let mut parts = vec![FIELDS.to_owned(), LLM_FIELDS.to_owned()];
        if let Some(session) = &self.session {
            parts.push(format!("filter sessionId = \"{session}\""));
        }
        parts.push(STATS.to_owned());
        if self.errors_only {
            parts.push(ERRORS_ONLY.to_owned());
        }
        parts.push(SORT.to_owned());
        parts.push(format!("limit {}", self.limit));
        parts.join(" | ")
    }

    /// The query `text` asks, when it is this shape (spaces aside);
    /// otherwise why not, naming the part.
    pub fn parse(text: &str) -> Result<Self, String> {
        let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut parts = text.split('|').map(squeeze).peekable();
        for expected in [FIELDS, LLM_FIELDS] {
            match parts.next() {
                Some(part) if part == squeeze(expected) => {}
                Some(part) => return Err(unsupported(&part)),
                None => return Err(unsupported(text.trim())),
            }
        }
        let mut query = Self {
            session: None,
            errors_only: false,
            limit: MAX_ROWS,
        };
        if let Some(value) = parts
            .peek()
            .and_then(|p| p.strip_prefix("filter sessionId = \""))
        {
            let value = value
                .strip_suffix('"')
                .filter(|v| usable_session(v))
                .ok_or_else(|| unsupported(&format!("filter sessionId = \"{value}")))?;
            query.session = Some(value.to_owned());
            parts.next();
        }
        match parts.next() {
            Some(part) if part == squeeze(STATS) => {}
            Some(part) => return Err(unsupported(&part)),
            None => return Err(unsupported(text.trim())),
        }
        if parts.peek().map(String::as_str) == Some(ERRORS_ONLY) {
            query.errors_only = true;
            parts.next();
        }
        match parts.next() {
            Some(part) if part == SORT => {}
            Some(part) => return Err(unsupported(&part)),
            None => return Err(unsupported(text.trim())),
        }
        if let Some(part) = parts.next() {
            query.limit = part
                .strip_prefix("limit ")
                .and_then(|n| n.parse().ok())
                .filter(|n| (1..=MAX_ROWS).contains(n))
                .ok_or_else(|| format!("`{part}`: limit takes a number from 1 to {MAX_ROWS}"))?;
        }
        match parts.next() {
            Some(part) => Err(unsupported(&part)),
            None => Ok(query),
        }
    }
}

/// One trace's aggregates: a row of the summary query's results, and what
/// the local platform keeps per trace as spans arrive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceAggregate {
    /// The trace id, hex.
    pub trace_id: String,
    /// The earliest start, nanoseconds since the epoch.
    pub start_unix_nano: i64,
    /// The latest end.
    pub end_unix_nano: i64,
    /// Spans.
    pub spans: i64,
    /// Spans with status ERROR.
    pub errors: i64,
    /// The root span's name (the earliest span's while no root has come).
    pub root_name: String,
    /// The root span's service.
    pub service: String,
    /// The first session any span named.
    pub session_id: String,
    /// Tokens of the LLM spans.
    pub llm_input_tokens: i64,
    /// Output tokens of the LLM spans.
    pub llm_output_tokens: i64,
    /// The largest input token count on any span.
    pub max_input_tokens: i64,
    /// The largest output token count on any span.
    pub max_output_tokens: i64,
    /// Whether `root_name` is a span without a parent.
    pub has_root: bool,
    /// The start of the span `root_name` names.
    pub root_start_unix_nano: i64,
}

/// One span as an aggregate of its own.
pub struct SpanFacts<'a> {
    /// Its trace.
    pub trace_id: &'a str,
    /// Whether it has no parent.
    pub is_root: bool,
    /// Its name.
    pub name: &'a str,
    /// Its resource's service.
    pub service: &'a str,
    /// Its session (empty: none).
    pub session_id: &'a str,
    /// Start and end, nanoseconds.
    pub start_unix_nano: i64,
    /// End.
    pub end_unix_nano: i64,
    /// Whether its status is ERROR.
    pub is_error: bool,
    /// Its attributes (GenAI kind, tokens).
    pub attributes: &'a Map<String, Value>,
}

/// The result fields, in the query's names.
const ROW_FIELDS: [&str; 12] = [
    "traceId",
    "start",
    "end",
    "spans",
    "errors",
    "root",
    "service",
    "session",
    "llmInputTokens",
    "llmOutputTokens",
    "maxInputTokens",
    "maxOutputTokens",
];

impl TraceAggregate {
    /// The aggregate of one span.
    pub fn of_span(span: &SpanFacts<'_>) -> Self {
        let (input, output) = (
            input_tokens_of(span.attributes).unwrap_or(0),
            output_tokens_of(span.attributes).unwrap_or(0),
        );
        let llm = gen_ai_kind_of(span.attributes, span.name) == GenAiKind::Llm;
        Self {
            trace_id: span.trace_id.to_owned(),
            start_unix_nano: span.start_unix_nano,
            end_unix_nano: span.end_unix_nano,
            spans: 1,
            errors: i64::from(span.is_error),
            root_name: span.name.to_owned(),
            service: span.service.to_owned(),
            session_id: span.session_id.to_owned(),
            llm_input_tokens: if llm { input } else { 0 },
            llm_output_tokens: if llm { output } else { 0 },
            max_input_tokens: input,
            max_output_tokens: output,
            has_root: span.is_root,
            root_start_unix_nano: span.start_unix_nano,
        }
    }

    /// Fold `other` (more spans of the same trace) in.
    pub fn merge(&mut self, other: &Self) {
        let other_names_root = (other.has_root, -other.root_start_unix_nano)
            > (self.has_root, -self.root_start_unix_nano);
        if other_names_root {
            self.root_name.clone_from(&other.root_name);
            self.service.clone_from(&other.service);
            self.has_root = other.has_root;
            self.root_start_unix_nano = other.root_start_unix_nano;
        }
        if self.session_id.is_empty() {
            self.session_id.clone_from(&other.session_id);
        }
        self.start_unix_nano = self.start_unix_nano.min(other.start_unix_nano);
        self.end_unix_nano = self.end_unix_nano.max(other.end_unix_nano);
        self.spans += other.spans;
        self.errors += other.errors;
        self.llm_input_tokens += other.llm_input_tokens;
        self.llm_output_tokens += other.llm_output_tokens;
        self.max_input_tokens = self.max_input_tokens.max(other.max_input_tokens);
        self.max_output_tokens = self.max_output_tokens.max(other.max_output_tokens);
    }

    /// The result row, as `GetQueryResults` gives it (every value a string).
    pub fn to_row(&self) -> Vec<(&'static str, String)> {
        let values = [
            self.trace_id.clone(),
            self.start_unix_nano.to_string(),
            self.end_unix_nano.to_string(),
            self.spans.to_string(),
            self.errors.to_string(),
            self.root_name.clone(),
            self.service.clone(),
            self.session_id.clone(),
            self.llm_input_tokens.to_string(),
            self.llm_output_tokens.to_string(),
            self.max_input_tokens.to_string(),
            self.max_output_tokens.to_string(),
        ];
        ROW_FIELDS.into_iter().zip(values).collect()
    }

    /// A result row back (fields absent or not numbers read as empty or 0,
    /// since Logs Insights leaves out what no span carried); None without a
    /// trace id.
    pub fn from_row<'a>(row: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let mut out = Self::default();
        for (field, value) in row {
            // Logs Insights prints numbers as it likes ("1.7e18", "12.0").
            let number = || {
                value
                    .parse::<i64>()
                    .ok()
                    .or_else(|| value.parse::<f64>().ok().map(|f| f as i64))
                    .unwrap_or(0)
            };
            match field {
                "traceId" => out.trace_id = value.to_owned(),
                "start" => out.start_unix_nano = number(),
                "end" => out.end_unix_nano = number(),
                "spans" => out.spans = number(),
                "errors" => out.errors = number(),
                "root" => out.root_name = value.to_owned(),
                "service" => out.service = value.to_owned(),
                "session" => out.session_id = value.to_owned(),
                "llmInputTokens" => out.llm_input_tokens = number(),
                "llmOutputTokens" => out.llm_output_tokens = number(),
                "maxInputTokens" => out.max_input_tokens = number(),
                "maxOutputTokens" => out.max_output_tokens = number(),
                _ => {}
            }
        }
        (!out.trace_id.is_empty()).then_some(out)
    }

    /// The list's line: tokens of the LLM spans, else the largest count on
    /// any span (as [`crate::traces::token_totals`] counts them).
    pub fn summary(&self) -> TraceSummary {
        let llm = self.llm_input_tokens != 0 || self.llm_output_tokens != 0;
        TraceSummary {
            trace_id: self.trace_id.clone(),
            root_name: self.root_name.clone(),
            service: self.service.clone(),
            session_id: self.session_id.clone(),
            start_unix_nano: self.start_unix_nano,
            duration_nano: (self.end_unix_nano - self.start_unix_nano).max(0),
            span_count: usize::try_from(self.spans).unwrap_or(0),
            error_count: usize::try_from(self.errors).unwrap_or(0),
            input_tokens: if llm {
                self.llm_input_tokens
            } else {
                self.max_input_tokens
            },
            output_tokens: if llm {
                self.llm_output_tokens
            } else {
                self.max_output_tokens
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traces::span::TraceSpan;
    use crate::traces::summary::summarize;
    use serde_json::json;

    #[test]
    fn the_query_parses_back_to_itself() {
        for query in [
            SummaryQuery {
                session: None,
                errors_only: false,
                limit: 500,
            },
            SummaryQuery {
                session: Some("sess-0123456789abcdef0123456789abcdef".into()),
                errors_only: true,
                limit: 1,
            },
        ] {
            assert_eq!(SummaryQuery::parse(&query.text()), Ok(query.clone()));
            // Line breaks and runs of spaces are the same query.
            let spaced = query.text().replace(" | ", "\n|   ");
            assert_eq!(SummaryQuery::parse(&spaced), Ok(query));
        }
    }

    #[test]
    fn other_queries_are_refused_naming_the_part() {
        let text = SummaryQuery {
            session: None,
            errors_only: false,
            limit: 10,
        }
        .text();
        let err = SummaryQuery::parse("fields @message | limit 5").unwrap_err();
        assert!(err.contains("`fields @message`"), "{err}");
        let err = SummaryQuery::parse(&text.replace("limit 10", "limit 0")).unwrap_err();
        assert!(err.contains("limit takes a number"), "{err}");
        let err =
            SummaryQuery::parse(&text.replace("sort start desc", "sort spans asc")).unwrap_err();
        assert!(err.contains("`sort spans asc`"), "{err}");
        let injected = text.replace("| stats", "| filter sessionId = \"x\" or 1 = 1 \" | stats");
        assert!(SummaryQuery::parse(&injected).is_err());
        assert!(SummaryQuery::parse(&format!("{text} | display traceId")).is_err());
        assert!(!usable_session("a\"b") && !usable_session("a|b") && !usable_session(""));
    }

    fn span(id: &str, parent: &str, name: &str, start: i64, attributes: Value) -> TraceSpan {
        TraceSpan {
            trace_id: "t1".into(),
            span_id: id.into(),
            parent_span_id: parent.into(),
            name: name.into(),
            start_unix_nano: start,
            end_unix_nano: start + 10,
            service: format!("svc-{id}"),
            attributes: attributes.as_object().cloned().unwrap_or_default(),
            ..TraceSpan::default()
        }
    }

    fn facts(s: &TraceSpan) -> SpanFacts<'_> {
        SpanFacts {
            trace_id: &s.trace_id,
            is_root: s.parent_span_id.is_empty(),
            name: &s.name,
            service: &s.service,
            session_id: &s.session_id,
            start_unix_nano: s.start_unix_nano,
            end_unix_nano: s.end_unix_nano,
            is_error: s.is_error(),
            attributes: &s.attributes,
        }
    }

    /// Merged in any order, spans give the summary the list computes from
    /// the spans themselves.
    #[test]
    fn merging_spans_in_any_order_gives_the_spans_summary() {
        let mut spans = vec![
            span(
                "c",
                "a",
                "chat",
                30,
                json!({"gen_ai.operation.name": "chat",
                "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 7}),
            ),
            span(
                "a",
                "",
                "invoke_agent x",
                20,
                json!({"gen_ai.usage.input_tokens": "100"}),
            ),
            span("o", "zz", "orphan", 5, json!({})),
            span(
                "d",
                "a",
                "chat again",
                40,
                json!({"gen_ai.operation.name": "chat",
                "gen_ai.usage.input_tokens": "50"}),
            ),
        ];
        spans[2].status_code = 2;
        spans[3].session_id = "s-1".into();
        let expected = summarize(&spans).remove(0);
        for rotation in 0..spans.len() {
            spans.rotate_left(1);
            let mut all = TraceAggregate::of_span(&facts(&spans[0]));
            for s in &spans[1..] {
                all.merge(&TraceAggregate::of_span(&facts(s)));
            }
            assert_eq!(all.summary(), expected, "rotation {rotation}");
            let row = all.to_row();
            let back = TraceAggregate::from_row(row.iter().map(|(k, v)| (*k, v.as_str())));
            assert_eq!(back.map(|a| a.summary()), Some(expected.clone()));
        }
        assert_eq!(expected.root_name, "invoke_agent x");
        assert_eq!((expected.input_tokens, expected.output_tokens), (150, 7));
        assert_eq!(expected.error_count, 1);
    }

    #[test]
    fn rows_read_what_logs_insights_prints() {
        let row = [
            ("traceId", "ab"),
            ("start", "1.7e18"),
            ("spans", "12.0"),
            ("x", "y"),
        ];
        let aggregate = TraceAggregate::from_row(row).unwrap();
        assert_eq!(aggregate.start_unix_nano, 1_700_000_000_000_000_000);
        assert_eq!(aggregate.spans, 12);
        assert!(TraceAggregate::from_row([("start", "1")]).is_none());
    }
}
