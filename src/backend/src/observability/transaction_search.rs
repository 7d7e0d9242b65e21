//! Spans on live AWS: CloudWatch Transaction Search keeps every span as a
//! JSON record in the log group `aws/spans`, readable with the CloudWatch
//! Logs API. The console reads a session's spans there, and derives
//! sessions from them (with the runtimes' log streams), since AWS has no
//! API that lists sessions. The local platform writes the same records, so
//! this path is rehearsed against it.

use std::collections::HashMap;

use acc_domain::traces::TraceSpan;
use acc_domain::{RuntimeSession, SPANS_LOG_GROUP, SessionSpan, parse_runtime_log_group};
use serde_json::{Map, Value};

use crate::connection::{Backend, now_ms};
use crate::error::BackendError;
use crate::observability::log_scan::ScanRequest;

/// How far back spans are read: a session lives at most 8 h; a day covers
/// its whole life and the day's ended sessions.
const LOOKBACK_MS: i64 = 24 * 3600 * 1000;
/// Pages read at most per query (each up to 10 000 records or 1 MB), so a
/// busy account cannot stall the console.
const MAX_PAGES: usize = 20;

/// One span record: the span, its session, and the runtime it ran in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LoggedSpan {
    pub(crate) session_id: String,
    /// `(runtime id, endpoint)`, when the resource says.
    pub(crate) runtime: Option<(String, String)>,
    pub(crate) span: SessionSpan,
}

/// The runtime a span ran in, from its resource: the runtime's log group
/// (`aws.log.group.names`, a string or a list) or its ARN
/// (`cloud.resource_id`, `…:runtime/<id>[/runtime-endpoint/<name>]`).
pub(crate) fn runtime_of(resource: &Map<String, Value>) -> Option<(String, String)> {
    let groups: Vec<&str> = match resource.get("aws.log.group.names") {
        Some(Value::String(s)) => s.split(',').collect(),
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if let Some((id, endpoint)) = groups
        .iter()
        .find_map(|g| parse_runtime_log_group(g.trim()))
    {
        return Some((id.to_owned(), endpoint.to_owned()));
    }
    let arn = resource.get("cloud.resource_id")?.as_str()?;
    let (_, path) = arn.split_once(":runtime/")?;
    let mut parts = path.split('/');
    let id = parts.next().filter(|id| !id.is_empty())?;
    let endpoint = match (parts.next(), parts.next()) {
        (Some("runtime-endpoint"), Some(name)) => name.split(':').next().unwrap_or(name),
        _ => "DEFAULT",
    };
    Some((id.to_owned(), endpoint.to_owned()))
}

/// A record of `aws/spans` as a span (None when it is not one).
pub(crate) fn span_record(message: &str) -> Option<TraceSpan> {
    TraceSpan::from_record(&serde_json::from_str(message).ok()?)
}

/// A record of `aws/spans`, if it is a span with a `session.id` (on the
/// span, or else its resource).
pub(crate) fn logged_span(message: &str) -> Option<LoggedSpan> {
    let span = span_record(message)?;
    if span.session_id.is_empty() {
        return None;
    }
    Some(LoggedSpan {
        session_id: span.session_id.clone(),
        runtime: runtime_of(&span.resource),
        span: SessionSpan::from(&span),
    })
}

/// The error when `aws/spans` does not exist, and how to fix it.
pub(crate) fn transaction_search_off() -> BackendError {
    BackendError::Config(format!(
        "Transaction Search is off (no log group {SPANS_LOG_GROUP}): enable CloudWatch \
         Transaction Search in CloudWatch → Settings → Transaction Search so that agents' \
         spans are kept"
    ))
}

/// Fold the sessions seen in `spans` into `sessions` (derived from log
/// streams): a known session's first and last activity widen to its
/// spans and its invocations are its root spans; a session with spans and
/// no log stream is added.
pub(crate) fn merge_sessions(
    sessions: &mut Vec<RuntimeSession>,
    spans: &[LoggedSpan],
    now_ms: i64,
) {
    struct Seen<'a> {
        first_ms: i64,
        last_ms: i64,
        roots: u64,
        runtime: Option<&'a (String, String)>,
    }
    let mut seen: HashMap<&str, Seen> = HashMap::new();
    for logged in spans {
        let entry = seen.entry(&logged.session_id).or_insert(Seen {
            first_ms: i64::MAX,
            last_ms: 0,
            roots: 0,
            runtime: None,
        });
        entry.first_ms = entry.first_ms.min(logged.span.start_unix_nano / 1_000_000);
        entry.last_ms = entry.last_ms.max(logged.span.end_unix_nano / 1_000_000);
        if logged.span.parent_span_id.is_empty() {
            entry.roots += 1;
        }
        entry.runtime = entry.runtime.or(logged.runtime.as_ref());
    }
    for (id, s) in seen {
        let idle = ((now_ms - s.last_ms) / 1000).max(0);
        let age = ((now_ms - s.first_ms) / 1000).max(0);
        match sessions
            .iter_mut()
            .find(|known| known.runtime_session_id == id)
        {
            Some(known) => {
                known.age_seconds = known.age_seconds.max(age);
                known.idle_seconds = known.idle_seconds.min(idle);
                known.invocations = known.invocations.max(s.roots);
                known.state = state_for_idle(known.idle_seconds).into();
            }
            None => {
                let (runtime, endpoint) = s.runtime.cloned().unwrap_or_default();
                sessions.push(RuntimeSession {
                    runtime_session_id: id.to_owned(),
                    agent_runtime_id: runtime,
                    endpoint,
                    state: state_for_idle(idle).into(),
                    age_seconds: age,
                    idle_seconds: idle,
                    invocations: s.roots,
                    ..RuntimeSession::default()
                });
            }
        }
    }
}

/// Telemetry cannot tell a live session from an ended one: quiet for
/// AgentCore's default idle timeout (900 s) means ended.
pub(crate) fn state_for_idle(idle_seconds: i64) -> &'static str {
    if idle_seconds < 900 { "ACTIVE" } else { "IDLE" }
}

impl Backend {
    /// Span records of `aws/spans` matching the filter pattern, newest day.
    /// `None` when there is no such log group (Transaction Search is off).
    pub(crate) async fn logged_spans(
        &self,
        pattern: &str,
        now_ms: i64,
    ) -> Result<Option<Vec<LoggedSpan>>, BackendError> {
        let request = ScanRequest {
            group: SPANS_LOG_GROUP,
            pattern,
            start_ms: now_ms - LOOKBACK_MS,
            end_ms: None,
            max_pages: MAX_PAGES,
        };
        Ok(self.scan_log_group(&request).await?.map(|scan| {
            scan.messages
                .iter()
                .filter_map(|m| logged_span(m))
                .collect()
        }))
    }

    /// Live AWS: a session's spans from Transaction Search (`aws/spans`).
    /// Public so that it can be rehearsed against the local platform, which
    /// writes the same records.
    pub async fn spans_from_logs(
        &self,
        session_id: &str,
    ) -> Result<Vec<SessionSpan>, BackendError> {
        self.check_config()?;
        // The id as a quoted term narrows the scan; the records are then
        // checked, since the term may appear in other fields.
        let pattern = if session_id.contains('"') {
            String::new()
        } else {
            format!("\"{session_id}\"")
        };
        match self.logged_spans(&pattern, now_ms()).await? {
            Some(spans) => Ok(spans
                .into_iter()
                .filter(|s| s.session_id == session_id)
                .map(|s| s.span)
                .collect()),
            None => Err(transaction_search_off()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(
        session: &str,
        span: &str,
        parent: Option<&str>,
        start_ms: i64,
        resource: Value,
    ) -> String {
        let mut r = json!({
            "resource": { "attributes": resource },
            "traceId": "0af7651916cd43dd8448eb211c80319c",
            "spanId": span,
            "name": "agent.turn",
            "kind": "SERVER",
            "startTimeUnixNano": start_ms * 1_000_000,
            "durationNano": 250_000_000,
            "attributes": { "session.id": session },
            "status": { "code": "ERROR", "message": "refused" },
        });
        if let Some(parent) = parent {
            r["parentSpanId"] = json!(parent);
        }
        r.to_string()
    }

    #[test]
    fn a_record_reads_as_a_span_of_its_session_and_runtime() {
        let by_group = logged_span(&record(
            "s-1",
            "b7ad6b7169203331",
            None,
            1_000,
            json!({ "aws.log.group.names": "/aws/bedrock-agentcore/runtimes/concierge-Ab12-DEFAULT" }),
        ))
        .unwrap();
        assert_eq!(by_group.session_id, "s-1");
        assert_eq!(
            by_group.runtime,
            Some(("concierge-Ab12".into(), "DEFAULT".into()))
        );
        assert_eq!(by_group.span.status_code, 2);
        assert_eq!(by_group.span.status_message, "refused");
        // No end time: start plus duration.
        assert_eq!(by_group.span.end_unix_nano, 1_250_000_000);
        let by_arn = logged_span(&record(
            "s-1",
            "b7ad6b7169203332",
            None,
            1_000,
            json!({ "cloud.resource_id":
                "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/concierge-Ab12/runtime-endpoint/prod:prod" }),
        ))
        .unwrap();
        assert_eq!(
            by_arn.runtime,
            Some(("concierge-Ab12".into(), "prod".into()))
        );
        assert_eq!(
            logged_span(&record("", "b7ad", None, 1, json!({}))),
            None,
            "no session"
        );
        assert_eq!(logged_span("not json"), None);
    }

    #[test]
    fn spans_widen_known_sessions_and_add_unknown_ones() {
        let now = 10_000_000;
        let spans: Vec<LoggedSpan> = [
            record("known", "a1", None, now - 5_000, json!({})),
            record("known", "a2", Some("a1"), now - 4_000, json!({})),
            record("known", "a3", None, now - 2_000, json!({})),
            record(
                "spans-only",
                "b1",
                None,
                now - 1_000_000,
                json!({ "aws.log.group.names": "/aws/bedrock-agentcore/runtimes/triage-Zz9-DEFAULT" }),
            ),
        ]
        .iter()
        .filter_map(|r| logged_span(r))
        .collect();
        let mut sessions = vec![RuntimeSession {
            runtime_session_id: "known".into(),
            agent_runtime_id: "concierge-Ab12".into(),
            state: "IDLE".into(),
            age_seconds: 3,
            idle_seconds: 2_000,
            ..RuntimeSession::default()
        }];
        merge_sessions(&mut sessions, &spans, now);
        let known = &sessions[0];
        assert_eq!(known.invocations, 2, "two root spans");
        assert_eq!(known.age_seconds, 5);
        assert_eq!(known.idle_seconds, 1, "its last span ended 1.75 s ago");
        assert_eq!(known.state, "ACTIVE");
        let added = &sessions[1];
        assert_eq!(added.runtime_session_id, "spans-only");
        assert_eq!(added.agent_runtime_id, "triage-Zz9");
        assert_eq!(added.state, "IDLE");
        assert_eq!(added.invocations, 1);
    }
}
