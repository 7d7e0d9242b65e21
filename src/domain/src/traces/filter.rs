//! The trace filter language: terms joined by spaces, all must hold.
//!
//! `key=value`, `key!=value`, `key~substring`, `key>number`, `key<number`;
//! `status=error|ok|unset`, `duration>2s` (ns, us, ms, s, m, h; a bare
//! number is milliseconds), `session.id=…`, `service=…`, `name=…`,
//! `kind=…`, `trace=…`, or any attribute key (the span's, then its
//! resource's); a bare word is free text over names and attribute values
//! (case-insensitive). Values may be double-quoted to hold spaces.

use std::borrow::{Borrow, Cow};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::traces::span::{TraceSpan, value_text};
use crate::traces::summary::TraceSummary;

/// The syntax, shown with every error.
pub const FILTER_SYNTAX: &str = "terms joined by spaces: key=value, key!=value, key~text, \
     duration>2s, duration<500ms, status=error, or a bare word (e.g. \
     `status=error gen_ai.request.model=claude duration>2s`)";

/// At most this many terms (a filter is typed by a person).
const MAX_TERMS: usize = 64;

/// A filter that cannot be read: the term and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad filter term `{term}`: {reason}; the syntax is {FILTER_SYNTAX}")]
pub struct FilterError {
    /// The offending term as typed.
    pub term: String,
    /// What is wrong with it.
    pub reason: String,
}

/// How a term compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilterOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `~` (substring, case-insensitive)
    Contains,
    /// `>`
    Gt,
    /// `<`
    Lt,
}

/// One term of a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FilterTerm {
    /// `status=error` (true) / `status=ok` … (`negate` for `!=`).
    Status {
        /// 0 unset, 1 ok, 2 error.
        code: i64,
        /// `!=`.
        negate: bool,
    },
    /// `duration>…` / `duration<…`, in nanoseconds.
    Duration {
        /// Gt or Lt.
        op: FilterOp,
        /// The bound.
        nanos: i64,
    },
    /// A field or attribute compared with a value.
    Field {
        /// The key as typed (`service`, `name`, `gen_ai.request.model`, …).
        key: String,
        /// The comparison.
        op: FilterOp,
        /// The value (unquoted).
        value: String,
    },
    /// A bare word, lowercased.
    Text(String),
}

/// A parsed filter; the empty filter matches everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceFilter {
    /// The terms, all of which must hold.
    pub terms: Vec<FilterTerm>,
}

/// Split on spaces outside double quotes; quotes are removed.
fn split_terms(text: &str) -> Result<Vec<String>, FilterError> {
    let mut terms = Vec::new();
    let (mut current, mut quoted) = (String::new(), false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    terms.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err(FilterError {
            term: current,
            reason: "a double quote is not closed".into(),
        });
    }
    if !current.is_empty() {
        terms.push(current);
    }
    Ok(terms)
}

/// `2s`, `500ms`, `1.5m`, `1d`, `250` (milliseconds) as nanoseconds.
pub fn parse_duration_nanos(text: &str) -> Option<i64> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    let scale = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "" | "ms" => 1e6,
        "s" => 1e9,
        "m" => 60e9,
        "h" => 3600e9,
        "d" => 86_400e9,
        _ => return None,
    };
    let nanos = number * scale;
    (nanos < i64::MAX as f64).then_some(nanos as i64)
}

/// The first operator in a term: `!=`, `=`, `~`, `>`, `<`.
fn split_op(term: &str) -> Option<(&str, FilterOp, &str)> {
    let at = term.find(['!', '=', '~', '>', '<'])?;
    let rest = &term[at..];
    let (op, len) = match rest.as_bytes()[0] {
        b'!' if rest.starts_with("!=") => (FilterOp::Ne, 2),
        b'=' => (FilterOp::Eq, 1),
        b'~' => (FilterOp::Contains, 1),
        b'>' => (FilterOp::Gt, 1),
        b'<' => (FilterOp::Lt, 1),
        _ => return None,
    };
    Some((&term[..at], op, &rest[len..]))
}

fn parse_term(term: &str) -> Result<FilterTerm, FilterError> {
    let error = |reason: &str| FilterError {
        term: term.to_owned(),
        reason: reason.to_owned(),
    };
    let Some((key, op, value)) = split_op(term) else {
        if term.starts_with('!') {
            return Err(error("`!` only comes before `=` (key!=value)"));
        }
        return Ok(FilterTerm::Text(term.to_lowercase()));
    };
    if key.is_empty() {
        return Err(error("a key is missing before the operator"));
    }
    if value.is_empty() {
        return Err(error("a value is missing after the operator"));
    }
    match key {
        "status" => {
            let code = match value.to_ascii_lowercase().as_str() {
                "error" => 2,
                "ok" => 1,
                "unset" => 0,
                _ => return Err(error("status is error, ok or unset")),
            };
            match op {
                FilterOp::Eq | FilterOp::Ne => Ok(FilterTerm::Status {
                    code,
                    negate: op == FilterOp::Ne,
                }),
                _ => Err(error("status takes = or !=")),
            }
        }
        "duration" => {
            if !matches!(op, FilterOp::Gt | FilterOp::Lt) {
                return Err(error("duration takes > or < (duration>2s)"));
            }
            let nanos = parse_duration_nanos(value).ok_or_else(|| {
                error("a duration is a number with ns, us, ms, s, m or h (2s, 500ms)")
            })?;
            Ok(FilterTerm::Duration { op, nanos })
        }
        _ => {
            if matches!(op, FilterOp::Gt | FilterOp::Lt) && value.parse::<f64>().is_err() {
                return Err(error("> and < compare numbers (or duration>2s)"));
            }
            Ok(FilterTerm::Field {
                key: key.to_owned(),
                op,
                value: value.to_owned(),
            })
        }
    }
}

impl TraceFilter {
    /// Parse a filter; the first bad term is the error.
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        let terms = split_terms(text)?;
        if terms.len() > MAX_TERMS {
            return Err(FilterError {
                term: terms[MAX_TERMS].clone(),
                reason: format!("at most {MAX_TERMS} terms"),
            });
        }
        Ok(Self {
            terms: terms
                .iter()
                .map(|t| parse_term(t))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Whether the filter has no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether one span satisfies every term.
    pub fn matches_span(&self, span: &TraceSpan) -> bool {
        self.terms.iter().all(|t| term_matches_span(t, span))
    }

    /// Whether a trace satisfies every term: `status` and `duration` on
    /// the trace (an error anywhere; first start to last end), `service`
    /// and `session.id` on the summary or any span, every other term on
    /// some span (each term may hold on a different span).
    /// `spans` may be owned spans or references.
    pub fn matches_trace<S: Borrow<TraceSpan>>(&self, summary: &TraceSummary, spans: &[S]) -> bool {
        let any = |f: &dyn Fn(&TraceSpan) -> bool| spans.iter().any(|s| f(s.borrow()));
        self.terms.iter().all(|term| match term {
            FilterTerm::Status { code: 2, negate } => (summary.error_count > 0) != *negate,
            FilterTerm::Status { code, negate } => {
                (summary.error_count == 0 && any(&|s| s.status_code == *code)) != *negate
            }
            FilterTerm::Duration { op, nanos } => {
                compare_num(*op, summary.duration_nano as f64, *nanos as f64)
            }
            FilterTerm::Field { key, op, value }
                if key == "service" || key == "session.id" || key == "session" =>
            {
                let own = if key == "service" {
                    &summary.service
                } else {
                    &summary.session_id
                };
                compare_text(*op, own, value) || any(&|s| term_matches_span(term, s))
            }
            FilterTerm::Field { key, op, value } if key == "trace" || key == "trace_id" => {
                compare_text(*op, &summary.trace_id, value)
            }
            _ => any(&|s| term_matches_span(term, s)),
        })
    }
}

fn compare_num(op: FilterOp, left: f64, right: f64) -> bool {
    match op {
        FilterOp::Gt => left > right,
        FilterOp::Lt => left < right,
        FilterOp::Eq => left == right,
        FilterOp::Ne => left != right,
        FilterOp::Contains => false,
    }
}

fn compare_text(op: FilterOp, left: &str, right: &str) -> bool {
    match op {
        FilterOp::Eq => left == right,
        FilterOp::Ne => left != right,
        FilterOp::Contains => left.to_lowercase().contains(&right.to_lowercase()),
        FilterOp::Gt | FilterOp::Lt => match (left.parse::<f64>(), right.parse::<f64>()) {
            (Ok(l), Ok(r)) => compare_num(op, l, r),
            _ => false,
        },
    }
}

/// The value a key names on a span: its fields, else an attribute.
fn field<'a>(span: &'a TraceSpan, key: &str) -> Option<Cow<'a, str>> {
    let own = match key {
        "name" => &span.name,
        "service" | "service.name" if !span.service.is_empty() => &span.service,
        "session" | "session.id" if !span.session_id.is_empty() => &span.session_id,
        "kind" => &span.kind,
        "trace" | "trace_id" => &span.trace_id,
        "span" | "span_id" => &span.span_id,
        _ => return span.attribute(key).map(value_text),
    };
    Some(Cow::Borrowed(own.as_str()))
}

fn term_matches_span(term: &FilterTerm, span: &TraceSpan) -> bool {
    match term {
        FilterTerm::Status { code, negate } => (span.status_code == *code) != *negate,
        FilterTerm::Duration { op, nanos } => {
            compare_num(*op, span.duration_nano() as f64, *nanos as f64)
        }
        FilterTerm::Field { key, op, value } => match field(span, key) {
            Some(actual) => compare_text(*op, &actual, value),
            None => *op == FilterOp::Ne,
        },
        FilterTerm::Text(word) => {
            let has = |s: &str| s.to_lowercase().contains(word.as_str());
            has(&span.name)
                || span.attributes.values().any(|v| match v {
                    Value::String(s) => has(s),
                    other => has(&other.to_string()),
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chat() -> TraceSpan {
        TraceSpan {
            trace_id: "t1".into(),
            span_id: "s1".into(),
            name: "chat".into(),
            kind: "CLIENT".into(),
            service: "concierge.DEFAULT".into(),
            session_id: "sess-1".into(),
            start_unix_nano: 0,
            end_unix_nano: 3_000_000_000,
            status_code: 2,
            attributes: [
                (
                    "gen_ai.request.model".to_owned(),
                    json!("us.anthropic.claude-sonnet-4"),
                ),
                ("gen_ai.usage.input_tokens".to_owned(), json!(120)),
            ]
            .into_iter()
            .collect(),
            resource: [("deployment.environment".to_owned(), json!("prod"))]
                .into_iter()
                .collect(),
            ..TraceSpan::default()
        }
    }

    #[test]
    fn terms_match_spans() {
        let span = chat();
        for (filter, expected) in [
            ("", true),
            ("status=error", true),
            ("status!=error", false),
            ("status=ok", false),
            ("duration>2s", true),
            ("duration<2s", false),
            ("duration>2999ms duration<3001ms", true),
            ("gen_ai.request.model=us.anthropic.claude-sonnet-4", true),
            ("gen_ai.request.model~CLAUDE", true),
            ("gen_ai.request.model!=other", true),
            ("gen_ai.usage.input_tokens>100", true),
            ("gen_ai.usage.input_tokens<100", false),
            ("deployment.environment=prod", true),
            (
                "session.id=sess-1 service=concierge.DEFAULT name=chat kind=CLIENT",
                true,
            ),
            ("missing.key=x", false),
            ("missing.key!=x", true),
            ("Sonnet", true),
            ("sonnet haiku", false),
            ("\"name=chat\"", true),
        ] {
            let parsed = TraceFilter::parse(filter).unwrap();
            assert_eq!(parsed.matches_span(&span), expected, "{filter}");
        }
    }

    #[test]
    fn bad_terms_are_named_with_the_syntax() {
        for (filter, term, reason) in [
            ("status=maybe", "status=maybe", "status is error"),
            ("duration>fast", "duration>fast", "a duration is"),
            ("duration=2s", "duration=2s", "duration takes"),
            ("=x", "=x", "key is missing"),
            ("name=", "name=", "value is missing"),
            (
                "gen_ai.usage.input_tokens>many",
                "gen_ai.usage.input_tokens>many",
                "compare numbers",
            ),
            ("name=\"open", "name=open", "not closed"),
            ("!x", "!x", "`!` only"),
        ] {
            let err = TraceFilter::parse(filter).unwrap_err();
            assert_eq!(err.term, term, "{filter}");
            assert!(err.reason.contains(reason), "{filter}: {}", err.reason);
            assert!(err.to_string().contains("duration>2s"), "shows the syntax");
        }
        assert_eq!(parse_duration_nanos("1.5m"), Some(90_000_000_000));
        assert_eq!(parse_duration_nanos("250"), Some(250_000_000));
        assert_eq!(parse_duration_nanos("9e99s"), None);
    }

    #[test]
    fn trace_terms_hold_on_the_trace_or_some_span() {
        let error = chat();
        let mut ok = chat();
        ok.span_id = "root".into();
        ok.name = "invoke_agent".into();
        ok.status_code = 1;
        ok.attributes.clear();
        let spans = vec![ok, error];
        let summary = crate::traces::summary::summarize(&spans).remove(0);
        for (filter, expected) in [
            ("status=error", true),
            ("status!=error", false),
            ("name=invoke_agent gen_ai.request.model~claude", true),
            ("duration>2s", true),
            ("service=concierge.DEFAULT session.id=sess-1", true),
            ("trace=t1", true),
            ("trace=t2", false),
        ] {
            let parsed = TraceFilter::parse(filter).unwrap();
            assert_eq!(parsed.matches_trace(&summary, &spans), expected, "{filter}");
        }
    }
}
