//! Spans as CloudWatch Transaction Search keeps them: one JSON record per
//! span in the log group `aws/spans`. The platform writes every span it
//! receives there too, so a console reading live AWS the way it must (the
//! CloudWatch Logs API, since AWS has no session API) can be rehearsed
//! against it.

use std::collections::HashMap;

use acc_domain::SPANS_LOG_GROUP;
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use crate::observability::cloudwatch_logs::log_store::{self, NewEvent};
use crate::observability::otlp::spans::SpanRecord;
use crate::platform::wire_errors::ApiError;

/// The one stream spans are written to.
const SPANS_LOG_STREAM: &str = "default";

/// What the platform knows of the session a span came from, added to the
/// span's resource (unless the agent set it): the runtime's ARN and its
/// log group, which is how a reader ties a span to its runtime.
pub(crate) struct SessionOrigin {
    pub(crate) runtime_arn: String,
    pub(crate) log_group: String,
}

fn status_name(code: i64) -> &'static str {
    match code {
        1 => "OK",
        2 => "ERROR",
        _ => "UNSET",
    }
}

/// The span's resource with the session's runtime added (unless the agent
/// set those attributes itself).
fn labelled(resource: &Map<String, Value>, origin: &SessionOrigin) -> Map<String, Value> {
    let mut resource = resource.clone();
    resource
        .entry("cloud.platform")
        .or_insert_with(|| json!("aws_bedrock_agentcore"));
    resource
        .entry("cloud.resource_id")
        .or_insert_with(|| json!(origin.runtime_arn));
    resource
        .entry("aws.log.group.names")
        .or_insert_with(|| json!(origin.log_group));
    resource
}

/// The record of one span.
pub(crate) fn record(span: &SpanRecord, origin: Option<&SessionOrigin>) -> Value {
    let resource = match origin {
        Some(origin) => json!(labelled(&span.resource, origin)),
        None => json!(*span.resource),
    };
    let mut status = json!({ "code": status_name(span.status_code) });
    if !span.status_message.is_empty() {
        status["message"] = json!(span.status_message);
    }
    let mut out = json!({
        "resource": { "attributes": resource },
        "traceId": span.trace_id,
        "spanId": span.span_id,
        "name": span.name,
        "kind": acc_domain::traces::span::span_kind_name(span.kind),
        "startTimeUnixNano": span.start_unix_nano,
        "endTimeUnixNano": span.end_unix_nano,
        "durationNano": span.end_unix_nano.saturating_sub(span.start_unix_nano),
        "attributes": span.attributes,
        "status": status,
    });
    if !span.parent_span_id.is_empty() {
        out["parentSpanId"] = json!(span.parent_span_id);
    }
    out
}

/// Append the records of `spans` to `aws/spans`, inside the caller's
/// transaction. When spans were `evicted`, the records older than the
/// oldest span still kept go too (a record is stamped with its span's
/// start; spans arrive in end order, so not by seq).
pub(crate) fn append(
    conn: &Connection,
    spans: &[SpanRecord],
    origins: &HashMap<String, SessionOrigin>,
    now_ms: i64,
    evicted: bool,
) -> Result<(), ApiError> {
    let events: Vec<NewEvent> = spans
        .iter()
        .map(|span| NewEvent {
            timestamp_ms: span.start_unix_nano / 1_000_000,
            message: record(span, origins.get(&span.session_id)).to_string(),
            trace_id: Some(span.trace_id.clone()),
        })
        .collect();
    log_store::append(conn, SPANS_LOG_GROUP, SPANS_LOG_STREAM, now_ms, &events)?;
    if evicted {
        conn.prepare_cached(
            "DELETE FROM log_events WHERE group_name = ?1 AND timestamp_ms < \
             (SELECT MIN(start_unix_nano) / 1000000 FROM spans)",
        )?
        .execute([SPANS_LOG_GROUP])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_carries_the_span_and_where_it_ran() {
        let span = SpanRecord {
            trace_id: "0af7651916cd43dd8448eb211c80319c".into(),
            span_id: "b7ad6b7169203331".into(),
            name: "agent.turn".into(),
            kind: 2,
            start_unix_nano: 1_000_000_000,
            end_unix_nano: 1_250_000_000,
            status_code: 2,
            status_message: "tool refused".into(),
            attributes: [("session.id".to_owned(), json!("s-1"))]
                .into_iter()
                .collect(),
            resource: std::sync::Arc::new(
                [("service.name".to_owned(), json!("concierge.DEFAULT"))]
                    .into_iter()
                    .collect(),
            ),
            ..SpanRecord::default()
        };
        let origin = SessionOrigin {
            runtime_arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/concierge-abc"
                .into(),
            log_group: "/aws/bedrock-agentcore/runtimes/concierge-abc-DEFAULT".into(),
        };
        let record = record(&span, Some(&origin));
        assert_eq!(record["kind"], "SERVER");
        assert_eq!(record["durationNano"], 250_000_000);
        assert_eq!(record["status"]["code"], "ERROR");
        assert_eq!(record["status"]["message"], "tool refused");
        assert_eq!(record["attributes"]["session.id"], "s-1");
        assert!(record.get("parentSpanId").is_none(), "a root span");
        let resource = &record["resource"]["attributes"];
        assert_eq!(resource["service.name"], "concierge.DEFAULT");
        assert_eq!(
            resource["aws.log.group.names"],
            "/aws/bedrock-agentcore/runtimes/concierge-abc-DEFAULT"
        );
        // Without a session, nothing is added.
        let bare = super::record(&span, None);
        assert!(
            bare["resource"]["attributes"]
                .get("cloud.resource_id")
                .is_none()
        );
    }

    /// Records outlive their spans no longer than the oldest kept span,
    /// even when a parent (earlier start) arrives after its children.
    #[test]
    fn records_older_than_every_kept_span_go_with_them() {
        use crate::platform::migrations::{MIGRATIONS, check_identity, migrate};
        let mut conn = Connection::open_in_memory().unwrap();
        let identity = check_identity(&conn, "db", MIGRATIONS).unwrap();
        migrate(&mut conn, identity, MIGRATIONS).unwrap();
        let span = |id: &str, start_ms: i64| SpanRecord {
            span_id: id.into(),
            start_unix_nano: start_ms * 1_000_000,
            end_unix_nano: start_ms * 1_000_000 + 1,
            ..SpanRecord::default()
        };
        let keep = |conn: &Connection, s: &SpanRecord| {
            conn.execute(
                "INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, \
                 start_unix_nano, end_unix_nano, status_code, status_message, service, \
                 session_id, attributes, received_ms) \
                 VALUES ('t', ?1, '', 'n', 0, ?2, ?3, 0, '', '', '', '{}', 0)",
                rusqlite::params![s.span_id, s.start_unix_nano, s.end_unix_nano],
            )
            .unwrap();
        };
        // An old span, long evicted from `spans`, and its record.
        append(&conn, &[span("old", 1_000)], &HashMap::new(), 0, false).unwrap();
        // A child (later start) is received before its parent.
        for s in [span("child", 5_100), span("parent", 5_000)] {
            keep(&conn, &s);
            append(&conn, &[s], &HashMap::new(), 0, true).unwrap();
        }
        let mut left: Vec<String> = conn
            .prepare("SELECT message FROM log_events WHERE group_name = 'aws/spans'")
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|m| serde_json::from_str::<Value>(&m.unwrap()).unwrap()["spanId"].to_string())
            .collect();
        left.sort();
        assert_eq!(left, ["\"child\"", "\"parent\""]);
    }
}
