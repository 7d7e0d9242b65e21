//! Log records received over OTLP, kept as AgentCore keeps them: each in
//! the `otel_logs` table with its trace and span ids (the newest
//! [`super::limits::OtlpLimits::log_records`]), and written to the
//! CloudWatch log group and stream the exporter's `x-aws-log-group` and
//! `x-aws-log-stream` headers name (as ADOT configures them), or, for a
//! session's agent without them, to its runtime's log group, stream
//! `otel-rt-logs`. The record's shape is AgentCore's (DESIGN.md).

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::HeaderMap;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use crate::observability::cloudwatch_logs::log_store::{self, NewEvent};
use crate::observability::otlp::attributes;
use crate::observability::otlp::encoding::OtlpError;
use crate::observability::otlp::limits;
use crate::observability::otlp::spans::{SESSION_ATTRIBUTE, nanos};
use crate::platform::ids::hex;
use crate::platform::store::Store;
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{LOG_GROUP_NAME, LOG_STREAM_NAME, Violations};
use crate::platform::wire_errors::ApiError;
use crate::runtime::session_host::SessionHost;

/// The stream a runtime's agent's OTel logs go to.
pub(crate) const RUNTIME_LOG_STREAM: &str = "otel-rt-logs";

/// A CloudWatch log group and stream.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Destination {
    pub(crate) group: String,
    pub(crate) stream: String,
}

/// The destination the exporter's headers name, if they do; both or
/// neither must be given, each a valid CloudWatch name.
pub(crate) fn header_destination(headers: &HeaderMap) -> Result<Option<Destination>, OtlpError> {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().map(str::to_owned))
            .transpose()
            .map_err(|_| OtlpError::bad_data(format!("the {name} header is not text")))
    };
    match (header("x-aws-log-group")?, header("x-aws-log-stream")?) {
        (None, None) => Ok(None),
        (Some(group), Some(stream)) => {
            let mut violations = Violations::new();
            violations.id("x-aws-log-group", &group, &LOG_GROUP_NAME);
            violations.id("x-aws-log-stream", &stream, &LOG_STREAM_NAME);
            violations.finish_logs()?;
            Ok(Some(Destination { group, stream }))
        }
        _ => Err(OtlpError::bad_data(
            "x-aws-log-group and x-aws-log-stream name a destination together: send both \
             (OTEL_EXPORTER_OTLP_LOGS_HEADERS) or neither",
        )),
    }
}

/// One log record as kept.
#[derive(Debug, Clone)]
pub(crate) struct LogRecordRow {
    pub(crate) trace_id: String,
    pub(crate) span_id: String,
    pub(crate) session_id: String,
    pub(crate) time_unix_nano: i64,
    pub(crate) severity_number: i64,
    /// Where it was written, if anywhere.
    pub(crate) destination: Option<Destination>,
    /// AgentCore's record (DESIGN.md, "Runtime OTel logs").
    pub(crate) record: Value,
}

fn scope_json(scope: Option<&InstrumentationScope>) -> Value {
    match scope {
        Some(s) => json!({
            "name": s.name,
            "version": s.version,
            "attributes": attributes::map(&s.attributes),
        }),
        None => json!({}),
    }
}

/// The records of an export, each with its destination: the headers',
/// else its session's runtime log group (`sessions` knows it), else none.
pub(crate) fn records_of(
    request: ExportLogsServiceRequest,
    destination: Option<&Destination>,
    sessions: &SessionHost,
) -> Vec<LogRecordRow> {
    let mut out = Vec::new();
    let mut runtime_groups: HashMap<String, Option<Destination>> = HashMap::new();
    for resource_logs in request.resource_logs {
        let resource: Arc<Map<String, Value>> = Arc::new(
            resource_logs
                .resource
                .map(|r| attributes::map(&r.attributes))
                .unwrap_or_default(),
        );
        for scope_logs in resource_logs.scope_logs {
            let scope = scope_json(scope_logs.scope.as_ref());
            for log in scope_logs.log_records {
                let (trace_id, span_id) = (hex(&log.trace_id), hex(&log.span_id));
                let mut attrs = attributes::map(&log.attributes);
                let session_id = match attributes::text(&attrs, SESSION_ATTRIBUTE) {
                    s if s.is_empty() => attributes::text(&resource, SESSION_ATTRIBUTE),
                    s => s,
                };
                if !log.event_name.is_empty() {
                    attrs
                        .entry("event.name")
                        .or_insert_with(|| json!(log.event_name));
                }
                attrs.insert("otelTraceID".into(), json!(trace_id));
                attrs.insert("otelSpanID".into(), json!(span_id));
                let record = json!({
                    "resource": { "attributes": *resource },
                    "scope": scope,
                    "timeUnixNano": nanos(log.time_unix_nano),
                    "observedTimeUnixNano": nanos(log.observed_time_unix_nano),
                    "severityNumber": log.severity_number,
                    "severityText": log.severity_text,
                    "traceId": trace_id,
                    "spanId": span_id,
                    "flags": log.flags,
                    "body": log.body.as_ref().map(attributes::value).unwrap_or(Value::Null),
                    "attributes": attrs,
                });
                let destination = match destination {
                    Some(d) => Some(d.clone()),
                    None => runtime_groups
                        .entry(session_id.clone())
                        .or_insert_with(|| runtime_destination(sessions, &session_id))
                        .clone(),
                };
                let time = match (log.time_unix_nano, log.observed_time_unix_nano) {
                    (0, observed) => nanos(observed),
                    (t, _) => nanos(t),
                };
                out.push(LogRecordRow {
                    trace_id,
                    span_id,
                    session_id,
                    time_unix_nano: time,
                    severity_number: i64::from(log.severity_number),
                    destination,
                    record,
                });
            }
        }
    }
    out
}

/// The runtime log group of the session `id`, stream `otel-rt-logs`.
fn runtime_destination(sessions: &SessionHost, id: &str) -> Option<Destination> {
    let session = sessions.get(id)?;
    Some(Destination {
        group: acc_domain::runtime_log_group(&session.config.runtime_id, &session.config.endpoint),
        stream: RUNTIME_LOG_STREAM.to_owned(),
    })
}

/// Write each record with a destination to its log group and stream
/// (one append per destination); each record's copy's `seq`, if any.
fn write_copies(
    tx: &Connection,
    records: &[LogRecordRow],
    messages: &[String],
    received: i64,
) -> Result<Vec<Option<i64>>, ApiError> {
    let mut by_destination: HashMap<&Destination, (Vec<usize>, Vec<NewEvent>)> = HashMap::new();
    for (i, (r, message)) in records.iter().zip(messages).enumerate() {
        if let Some(d) = &r.destination {
            let timestamp_ms = match r.time_unix_nano {
                0 => received,
                t => t / 1_000_000,
            };
            let (indices, events) = by_destination.entry(d).or_default();
            indices.push(i);
            events.push(NewEvent {
                timestamp_ms,
                message: message.clone(),
                trace_id: None,
            });
        }
    }
    let mut copies = vec![None; records.len()];
    for (d, (indices, events)) in &by_destination {
        let seqs = log_store::append(tx, &d.group, &d.stream, received, events)?;
        for (i, seq) in indices.iter().zip(seqs) {
            copies[*i] = Some(seq);
        }
    }
    Ok(copies)
}

/// Evict the records beyond the newest `kept`, and their copies in their
/// log groups; both counted.
fn evict(tx: &Connection, kept: i64) -> Result<(), ApiError> {
    let copies: Vec<i64> = tx
        .prepare_cached(
            "SELECT log_event_seq FROM otel_logs \
             WHERE seq <= (SELECT MAX(seq) FROM otel_logs) - ?1 AND log_event_seq IS NOT NULL",
        )?
        .query_map([kept], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    log_store::delete_events(tx, &copies)?;
    limits::count_evictions(tx, limits::LOG_RECORD_COPIES, copies.len())?;
    let evicted = tx.execute(
        "DELETE FROM otel_logs WHERE seq <= (SELECT MAX(seq) FROM otel_logs) - ?1",
        [kept],
    )?;
    limits::count_evictions(tx, limits::LOG_RECORDS, evicted)
}

/// Keep `records` (evicting the oldest beyond `kept`, with their copies)
/// and write each to its destination, counting the evictions.
pub(crate) async fn store(
    store: &Arc<Store>,
    records: Vec<LogRecordRow>,
    kept: i64,
) -> Result<(), ApiError> {
    if records.is_empty() {
        return Ok(());
    }
    let received = now_ms();
    store
        .write(move |tx| {
            let messages: Vec<String> = records.iter().map(|r| r.record.to_string()).collect();
            let copies = write_copies(tx, &records, &messages, received)?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO otel_logs (trace_id, span_id, session_id, time_unix_nano, \
                 severity_number, group_name, stream_name, record, received_ms, log_event_seq) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for ((r, message), copy) in records.iter().zip(&messages).zip(&copies) {
                let (group, stream) = r
                    .destination
                    .as_ref()
                    .map_or(("", ""), |d| (d.group.as_str(), d.stream.as_str()));
                insert.execute(rusqlite::params![
                    r.trace_id,
                    r.span_id,
                    r.session_id,
                    r.time_unix_nano,
                    r.severity_number,
                    group,
                    stream,
                    message,
                    received,
                    copy,
                ])?;
            }
            evict(tx, kept)
        })
        .await
}
