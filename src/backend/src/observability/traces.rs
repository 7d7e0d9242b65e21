//! Traces on live AWS and locally: the trace list and one trace's detail,
//! read from Transaction Search's `aws/spans` with CloudWatch Logs
//! `FilterLogEvents`, joined with the log records of the runtimes' log
//! groups (and the groups ADOT's headers named) and with the gateway calls
//! the trace's tool spans made.
//!
//! The list asks the service to summarise the spans per trace (a Logs
//! Insights query, one row per trace) when the query allows it; with a
//! filter or a runtime, or on an endpoint without Logs Insights, it reads
//! the spans itself. Every read is bounded: the span read takes time
//! windows newest first up to a page budget and says when it stopped
//! early; a trace's detail reads at most a few pages per log group and a
//! bounded number of groups.

use std::collections::BTreeSet;

use acc_domain::traces::insights::{SummaryQuery, TraceAggregate, usable_session};
use acc_domain::traces::summary::{group_by_trace, summarize_one};
use acc_domain::traces::{
    FilterOp, FilterTerm, TraceDetail, TraceFilter, TraceLogRecord, TraceQuery, TraceSpan,
    TraceSummary, link_calls,
};
use acc_domain::{SPANS_LOG_GROUP, runtime_log_group};
use serde_json::Value;

use crate::connection::{Backend, now_ms};
use crate::error::BackendError;
use crate::observability::log_scan::ScanRequest;
use crate::observability::transaction_search::{runtime_of, span_record, transaction_search_off};

/// Traces the summarised list shows at most (newest first).
pub const LIST_ROWS: usize = 1_000;
/// The list's default window: the last hour.
pub const DEFAULT_SINCE_MS: i64 = 3_600_000;
/// Pages the list reads at most over all its windows (each page up to
/// 10 000 spans or 1 MB): a busy account cannot stall the console.
const LIST_MAX_PAGES: usize = 20;
/// The list's windows, newest first (ms back from now), so that a list cut
/// short by its page budget shows the newest traces.
const LIST_WINDOWS_MS: &[i64] = &[5 * 60_000, 3_600_000, 6 * 3_600_000, 24 * 3_600_000];
/// How far back a trace id is looked for.
const TRACE_LOOKBACK_MS: i64 = 7 * 24 * 3_600_000;
/// Pages read for one trace's spans.
const TRACE_MAX_PAGES: usize = 50;
/// Log groups joined per trace, and pages read in each.
const MAX_LOG_GROUPS: usize = 8;
const LOG_MAX_PAGES: usize = 10;
/// Gateways whose captures are read for a trace.
const MAX_GATEWAYS: usize = 20;
/// Margin around a trace's time when reading its logs and captures.
const JOIN_MARGIN_MS: i64 = 60_000;

/// The trace list with how it was read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceList {
    /// Newest first.
    pub traces: Vec<TraceSummary>,
    /// Span records read (summarised by the service: the spans of the
    /// traces listed).
    pub spans_read: usize,
    /// Set when the read stopped at its bound before the window's start
    /// (the span read's page budget, or [`LIST_ROWS`] traces): older
    /// traces are missing.
    pub truncated: bool,
    /// Whether the service summarised the traces (a Logs Insights query);
    /// false when the spans were read and summarised here.
    pub summarised: bool,
}

/// A request value the backend refuses (a bad filter, a malformed id).
fn invalid(operation: &str, message: String) -> BackendError {
    BackendError::Service {
        operation: operation.into(),
        code: "ValidationException".into(),
        message,
    }
}

/// Whether `id` can be a trace id: 1 to 32 hex digits.
pub fn is_trace_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether the trace of `spans` passes the query's session, runtime and
/// errors-only tests (the filter is applied separately).
fn query_matches(query: &TraceQuery, summary: &TraceSummary, spans: &[&TraceSpan]) -> bool {
    if query.errors_only && summary.error_count == 0 {
        return false;
    }
    if let Some(session) = query.session.as_deref()
        && summary.session_id != session
        && !spans.iter().any(|s| s.session_id == session)
    {
        return false;
    }
    if let Some(runtime) = query.runtime.as_deref() {
        let ran_in = |s: &&&TraceSpan| {
            runtime_of(&s.resource).is_some_and(|(id, _)| id == runtime)
                || s.service.starts_with(runtime)
        };
        if !spans.iter().any(|s| ran_in(&s)) {
            return false;
        }
    }
    true
}

/// The query as one the service can summarise per trace, or None when it
/// needs the spans themselves: a runtime, or a filter term about spans.
/// Terms about the trace as a whole stay (checked on its row here):
/// `status=error` (asked of the service), `status!=error`, `duration>…`,
/// `trace=…`, and `session.id=ID` (asked of the service).
fn summary_query(query: &TraceQuery, filter: &TraceFilter) -> Option<SummaryQuery> {
    if query.runtime.is_some() || !query.session.as_deref().is_none_or(usable_session) {
        return None;
    }
    let mut summary = SummaryQuery {
        session: query.session.clone(),
        errors_only: query.errors_only,
        limit: LIST_ROWS,
    };
    for term in &filter.terms {
        match term {
            FilterTerm::Status { code: 2, negate } => summary.errors_only |= !negate,
            FilterTerm::Duration { .. } => {}
            FilterTerm::Field { key, .. } if key == "trace" || key == "trace_id" => {}
            FilterTerm::Field {
                key,
                op: FilterOp::Eq,
                value,
            } if (key == "session.id" || key == "session")
                && usable_session(value)
                && summary.session.as_deref().is_none_or(|s| s == value) =>
            {
                summary.session = Some(value.clone());
            }
            _ => return None,
        }
    }
    Some(summary)
}

impl Backend {
    /// The traces of the query's window, newest first.
    pub async fn list_traces(&self, query: &TraceQuery) -> Result<Vec<TraceSummary>, BackendError> {
        Ok(self.list_traces_page(query).await?.traces)
    }

    /// The traces of the query's window, newest first, with how many span
    /// records were read and whether the read stopped at its bound.
    pub async fn list_traces_page(&self, query: &TraceQuery) -> Result<TraceList, BackendError> {
        self.check_config()?;
        let filter = match query.filter.as_deref() {
            Some(text) => {
                TraceFilter::parse(text).map_err(|e| invalid("ListTraces", e.to_string()))?
            }
            None => TraceFilter::default(),
        };
        let now = now_ms();
        let since = query.since_ms.unwrap_or(DEFAULT_SINCE_MS).max(1);
        let oldest = now - since;
        if let Some(summary) = summary_query(query, &filter)
            && let Some(rows) = self.summarize_traces(&summary, oldest, now).await?
        {
            let no_spans: &[TraceSpan] = &[];
            return Ok(TraceList {
                summarised: true,
                truncated: rows.len() >= summary.limit,
                spans_read: rows.iter().map(|r| r.spans.max(0) as usize).sum(),
                traces: rows
                    .iter()
                    .map(TraceAggregate::summary)
                    .filter(|t| filter.matches_trace(t, no_spans))
                    .collect(),
            });
        }
        let bounds = LIST_WINDOWS_MS
            .iter()
            .map(|w| now - w)
            .filter(|start| *start > oldest)
            .chain(std::iter::once(oldest));
        let mut spans: Vec<TraceSpan> = Vec::new();
        let (mut end, mut pages, mut truncated) = (None, 0, false);
        for start in bounds {
            let request = ScanRequest {
                group: SPANS_LOG_GROUP,
                pattern: "",
                start_ms: start,
                end_ms: end,
                max_pages: LIST_MAX_PAGES - pages,
            };
            let scan = self
                .scan_log_group(&request)
                .await?
                .ok_or_else(transaction_search_off)?;
            pages += scan.pages;
            spans.extend(scan.messages.iter().filter_map(|m| span_record(m)));
            if scan.truncated || pages >= LIST_MAX_PAGES {
                truncated = scan.truncated || start > oldest;
                break;
            }
            end = Some(start);
        }
        let traces = group_by_trace(&spans)
            .iter()
            .filter_map(|group| {
                let summary = summarize_one(group);
                (query_matches(query, &summary, group) && filter.matches_trace(&summary, group))
                    .then_some(summary)
            })
            .collect();
        Ok(TraceList {
            traces,
            spans_read: spans.len(),
            truncated,
            summarised: false,
        })
    }

    /// One trace with its log records and gateway calls, masked. An id no
    /// span of the last 7 days carries is a `ResourceNotFoundException`.
    pub async fn get_trace(&self, trace_id: &str) -> Result<TraceDetail, BackendError> {
        self.check_config()?;
        if !is_trace_id(trace_id) {
            return Err(invalid(
                "GetTrace",
                format!(
                    "`{trace_id}` is not a trace id: 32 hex digits, as `acc traces` lists them"
                ),
            ));
        }
        let id = trace_id.to_ascii_lowercase();
        let pattern = format!("{{ $.traceId = \"{id}\" }}");
        let request = ScanRequest {
            group: SPANS_LOG_GROUP,
            pattern: &pattern,
            start_ms: now_ms() - TRACE_LOOKBACK_MS,
            end_ms: None,
            max_pages: TRACE_MAX_PAGES,
        };
        let scan = self
            .scan_log_group(&request)
            .await?
            .ok_or_else(transaction_search_off)?;
        let spans: Vec<TraceSpan> = scan
            .messages
            .iter()
            .filter_map(|m| span_record(m))
            .filter(|s| s.trace_id.eq_ignore_ascii_case(&id))
            .collect();
        if spans.is_empty() {
            return Err(BackendError::Service {
                operation: "GetTrace".into(),
                code: "ResourceNotFoundException".into(),
                message: format!("no trace {trace_id} in {SPANS_LOG_GROUP} over the last 7 days"),
            });
        }
        let mut notes = Vec::new();
        if scan.truncated {
            notes.push(format!(
                "spans: stopped after {TRACE_MAX_PAGES} pages; some may be missing"
            ));
        }
        let logs = self.trace_logs(&id, &spans, &pattern, &mut notes).await?;
        let calls = self.trace_calls(&spans, &mut notes).await;
        Ok(TraceDetail {
            spans: spans.into_iter().map(TraceSpan::masked).collect(),
            logs,
            calls,
            notes,
        })
    }

    /// The log records of trace `id` in the groups its spans name.
    async fn trace_logs(
        &self,
        id: &str,
        spans: &[TraceSpan],
        pattern: &str,
        notes: &mut Vec<String>,
    ) -> Result<Vec<TraceLogRecord>, BackendError> {
        let (start, end) = time_range_ms(spans);
        let mut logs = Vec::new();
        for group in log_groups(spans) {
            let request = ScanRequest {
                group: &group,
                pattern,
                start_ms: start - JOIN_MARGIN_MS,
                end_ms: Some(end + JOIN_MARGIN_MS),
                max_pages: LOG_MAX_PAGES,
            };
            let Some(scan) = self.scan_log_group(&request).await? else {
                continue;
            };
            if scan.truncated {
                notes.push(format!(
                    "logs: stopped after {LOG_MAX_PAGES} pages of {group}"
                ));
            }
            logs.extend(
                scan.messages
                    .iter()
                    .filter_map(|m| TraceLogRecord::from_record(&serde_json::from_str(m).ok()?))
                    .filter(|r| r.trace_id.eq_ignore_ascii_case(id))
                    .map(TraceLogRecord::masked),
            );
        }
        logs.sort_by_key(|r| r.time_unix_nano);
        Ok(logs)
    }

    /// The gateway calls of the trace's tool spans (none read when it has
    /// none). A failure to read captures is a note, not an error.
    async fn trace_calls(
        &self,
        spans: &[TraceSpan],
        notes: &mut Vec<String>,
    ) -> Vec<acc_domain::traces::SpanCall> {
        let tool_spans = spans.iter().any(|s| {
            s.kind_gen_ai() == acc_domain::traces::GenAiKind::Tool
                || s.attributes
                    .contains_key(acc_domain::traces::CAPTURE_ID_ATTRIBUTE)
        });
        if !tool_spans {
            return Vec::new();
        }
        let (start, end) = time_range_ms(spans);
        match self
            .captures_between(start - JOIN_MARGIN_MS, end + JOIN_MARGIN_MS, MAX_GATEWAYS)
            .await
        {
            Ok(captures) => link_calls(spans, &captures),
            Err(e) => {
                notes.push(format!("gateway calls not joined: {e}"));
                Vec::new()
            }
        }
    }
}

/// The trace's first start and last end, in milliseconds.
fn time_range_ms(spans: &[TraceSpan]) -> (i64, i64) {
    let start = spans.iter().map(|s| s.start_unix_nano).min().unwrap_or(0);
    let end = spans.iter().map(|s| s.end_unix_nano).max().unwrap_or(0);
    (start / 1_000_000, end / 1_000_000 + 1)
}

/// The log groups a trace's records may be in: those its resources name
/// (`aws.log.group.names`, as ADOT sets them from its headers) and its
/// runtimes' groups; at most [`MAX_LOG_GROUPS`], sorted.
fn log_groups(spans: &[TraceSpan]) -> Vec<String> {
    let mut groups = BTreeSet::new();
    for span in spans {
        match span.resource.get("aws.log.group.names") {
            Some(Value::String(names)) => {
                groups.extend(names.split(',').map(|g| g.trim().to_owned()))
            }
            Some(Value::Array(names)) => {
                groups.extend(names.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
        if let Some((id, endpoint)) = runtime_of(&span.resource) {
            groups.insert(runtime_log_group(&id, &endpoint));
        }
    }
    groups.retain(|g| !g.is_empty() && g != SPANS_LOG_GROUP);
    groups.into_iter().take(MAX_LOG_GROUPS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trace_ids_are_hex() {
        assert!(is_trace_id("0af7651916cd43dd8448eb211c80319c"));
        assert!(!is_trace_id(""));
        assert!(!is_trace_id("0af7651916cd43dd8448eb211c80319c0"));
        assert!(!is_trace_id("\" || $.x = \"y"));
    }

    #[test]
    fn log_groups_come_from_resources_and_runtimes() {
        let span = |resource: Value| TraceSpan {
            resource: resource.as_object().cloned().unwrap_or_default(),
            ..TraceSpan::default()
        };
        let groups = log_groups(&[
            span(
                json!({ "aws.log.group.names": "/custom/a, /aws/bedrock-agentcore/runtimes/r1-DEFAULT" }),
            ),
            span(json!({ "aws.log.group.names": ["/custom/b"] })),
            span(
                json!({ "cloud.resource_id": "arn:aws:bedrock-agentcore:us-east-1:1:runtime/r2" }),
            ),
            span(json!({ "aws.log.group.names": "aws/spans" })),
        ]);
        assert_eq!(
            groups,
            [
                "/aws/bedrock-agentcore/runtimes/r1-DEFAULT",
                "/aws/bedrock-agentcore/runtimes/r2-DEFAULT",
                "/custom/a",
                "/custom/b"
            ]
        );
    }

    #[test]
    fn the_query_narrows_by_session_runtime_and_errors() {
        let mut span = TraceSpan {
            session_id: "s1".into(),
            service: "concierge.DEFAULT".into(),
            status_code: 2,
            ..TraceSpan::default()
        };
        span.resource.insert(
            "aws.log.group.names".into(),
            json!("/aws/bedrock-agentcore/runtimes/concierge-Ab12-DEFAULT"),
        );
        let group = vec![&span];
        let summary = summarize_one(&group);
        let q = |session: Option<&str>, runtime: Option<&str>, errors_only| TraceQuery {
            session: session.map(str::to_owned),
            runtime: runtime.map(str::to_owned),
            errors_only,
            ..TraceQuery::default()
        };
        assert!(query_matches(
            &q(Some("s1"), Some("concierge-Ab12"), true),
            &summary,
            &group
        ));
        assert!(query_matches(
            &q(None, Some("concierge"), false),
            &summary,
            &group
        ));
        assert!(!query_matches(
            &q(Some("s2"), None, false),
            &summary,
            &group
        ));
        assert!(!query_matches(
            &q(None, Some("triage"), false),
            &summary,
            &group
        ));
        span.status_code = 1;
        let group = vec![&span];
        let summary = summarize_one(&group);
        assert!(!query_matches(&q(None, None, true), &summary, &group));
    }
}
