//! Spans as CloudWatch Transaction Search keeps them: one JSON record per
//! span in the log group `aws/spans`. The platform writes every span it
//! receives there too, so a console reading live AWS the way it must (the
//! CloudWatch Logs API, since AWS has no session API) can be rehearsed
//! against it.

use std::collections::HashMap;

use acc_domain::SPANS_LOG_GROUP;
use rusqlite::Connection;
use serde::Serialize;
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

/// A span's record, serialised from borrowed parts (no copy of its
/// attributes or resource), its fields in Transaction Search's order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    resource: RecordResource<'a>,
    trace_id: &'a str,
    span_id: &'a str,
    name: &'a str,
    kind: &'static str,
    start_time_unix_nano: i64,
    end_time_unix_nano: i64,
    duration_nano: i64,
    attributes: &'a Map<String, Value>,
    status: RecordStatus<'a>,
    #[serde(skip_serializing_if = "str::is_empty")]
    parent_span_id: &'a str,
}

#[derive(Serialize)]
struct RecordResource<'a> {
    attributes: &'a Map<String, Value>,
}

#[derive(Serialize)]
struct RecordStatus<'a> {
    code: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    message: &'a str,
}

/// The record of one span, as written to `aws/spans`.
pub(crate) fn record(span: &SpanRecord, origin: Option<&SessionOrigin>) -> String {
    let with_origin = origin.map(|origin| labelled(&span.resource, origin));
    let record = Record {
        resource: RecordResource {
            attributes: with_origin.as_ref().unwrap_or(&span.resource),
        },
        trace_id: &span.trace_id,
        span_id: &span.span_id,
        name: &span.name,
        kind: acc_domain::traces::span::span_kind_name(span.kind),
        start_time_unix_nano: span.start_unix_nano,
        end_time_unix_nano: span.end_unix_nano,
        duration_nano: span.end_unix_nano.saturating_sub(span.start_unix_nano),
        attributes: &span.attributes,
        status: RecordStatus {
            code: status_name(span.status_code),
            message: &span.status_message,
        },
        parent_span_id: &span.parent_span_id,
    };
    // Maps of strings to JSON values always serialise.
    serde_json::to_string(&record).unwrap_or_default()
}

/// The `aws/spans` records of `spans`, each labelled with its session's
/// runtime when `origins` has it: serialised before the writer is taken.
pub(crate) fn records(
    spans: &[SpanRecord],
    origins: &HashMap<String, SessionOrigin>,
) -> Vec<NewEvent> {
    spans
        .iter()
        .map(|span| NewEvent {
            timestamp_ms: span.start_unix_nano / 1_000_000,
            message: record(span, origins.get(&span.session_id)),
            trace_id: Some(span.trace_id.clone()),
        })
        .collect()
}

/// Append spans' `records` to `aws/spans`, inside the caller's
/// transaction. When spans were `evicted`, the records older than the
/// oldest span still kept go too (a record is stamped with its span's
/// start; spans arrive in end order, so not by seq).
pub(crate) fn append(
    conn: &Connection,
    records: &[NewEvent],
    now_ms: i64,
    evicted: bool,
) -> Result<(), ApiError> {
    log_store::append(conn, SPANS_LOG_GROUP, SPANS_LOG_STREAM, now_ms, records)?;
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
        let record: Value = serde_json::from_str(&record(&span, Some(&origin))).unwrap();
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
        let bare: Value = serde_json::from_str(&super::record(&span, None)).unwrap();
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
        let none = HashMap::new();
        append(&conn, &records(&[span("old", 1_000)], &none), 0, false).unwrap();
        // A child (later start) is received before its parent.
        for s in [span("child", 5_100), span("parent", 5_000)] {
            keep(&conn, &s);
            append(&conn, &records(&[s], &none), 0, true).unwrap();
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
