//! The platform's OTLP/HTTP receiver, where `OTEL_EXPORTER_OTLP_ENDPOINT`
//! points agents (as AgentCore points them at its collector):
//! `POST /v1/traces` (protobuf or JSON, gzip or not) keeps the spans in
//! SQLite, newest [`SPANS_KEPT`]; `GET /local/spans` lists them (a local
//! extension, like the session listing). `/v1/logs` and `/v1/metrics` are
//! answered as OTLP asks of a receiver that keeps neither: accepted as a
//! request, every record reported rejected, with the reason. Every span is
//! also written to the `aws/spans` log group, as Transaction Search does.

mod transaction_search;
mod wire;

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use prost::Message;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::ids::hex;
use crate::platform_state::PlatformState;
use crate::timestamps::now_ms;
use crate::wire_errors::ApiError;

/// Spans kept; the oldest go first.
pub(crate) const SPANS_KEPT: i64 = 100_000;
/// The attribute that ties a span to a runtime session.
const SESSION_ATTRIBUTE: &str = "session.id";

type Shared = State<Arc<PlatformState>>;

pub(crate) fn routes() -> Router<Arc<PlatformState>> {
    Router::new()
        .route("/v1/traces", post(export_traces))
        .route("/v1/logs", post(export_logs))
        .route("/v1/metrics", post(export_metrics))
        .route("/local/spans", get(list_spans))
}

/// One span as kept and listed.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SpanRecord {
    pub(crate) trace_id: String,
    pub(crate) span_id: String,
    pub(crate) parent_span_id: String,
    pub(crate) name: String,
    pub(crate) kind: i64,
    pub(crate) start_unix_nano: i64,
    pub(crate) end_unix_nano: i64,
    /// 0 unset, 1 ok, 2 error.
    pub(crate) status_code: i64,
    pub(crate) status_message: String,
    /// The resource's `service.name`.
    pub(crate) service: String,
    /// The span's (or its resource's) `session.id`.
    pub(crate) session_id: String,
    pub(crate) attributes: Map<String, Value>,
    /// The resource's attributes (written to `aws/spans`, not listed),
    /// shared by the resource's spans.
    #[serde(skip)]
    pub(crate) resource: Arc<Map<String, Value>>,
}

/// How the body is encoded, from `Content-Type`.
#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Protobuf,
    Json,
}

fn encoding(headers: &HeaderMap) -> Result<Encoding, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/x-protobuf");
    if content_type.starts_with("application/x-protobuf") {
        Ok(Encoding::Protobuf)
    } else if content_type.starts_with("application/json") {
        Ok(Encoding::Json)
    } else {
        Err(ApiError::cannot_parse(format!(
            "OTLP/HTTP takes application/x-protobuf or application/json, not {content_type}"
        )))
    }
}

/// The body, gunzipped when the exporter compressed it.
fn body_bytes(headers: &HeaderMap, body: &Bytes) -> Result<Vec<u8>, ApiError> {
    let gzip = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    if !gzip {
        return Ok(body.to_vec());
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut out)
        .map_err(|e| ApiError::cannot_parse(format!("the gzip body does not decompress: {e}")))?;
    Ok(out)
}

/// An OTLP response in the request's encoding.
fn answer(encoding: Encoding, rejected: i64, why: &str, signal: &str) -> Response {
    let partial = (rejected > 0).then(|| wire::PartialSuccess {
        rejected,
        error_message: why.to_owned(),
    });
    match encoding {
        Encoding::Protobuf => {
            let body = wire::ExportResponse {
                partial_success: partial,
            }
            .encode_to_vec();
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/x-protobuf"),
                )],
                body,
            )
                .into_response()
        }
        Encoding::Json => {
            let body = match partial {
                Some(p) => {
                    json!({ "partialSuccess": { format!("rejected{signal}"): p.rejected.to_string(), "errorMessage": p.error_message } })
                }
                None => json!({}),
            };
            axum::Json(body).into_response()
        }
    }
}

fn refuse_read_only(ctx: &PlatformState) -> Result<(), ApiError> {
    if ctx.read_only {
        return Err(ApiError::access_denied(
            "The acc local platform was started read-only: telemetry is not stored.",
        ));
    }
    Ok(())
}

async fn export_traces(
    State(ctx): Shared,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    refuse_read_only(&ctx)?;
    let encoding = encoding(&headers)?;
    let bytes = body_bytes(&headers, &body)?;
    let spans = match encoding {
        Encoding::Protobuf => {
            let request = wire::ExportTraceServiceRequest::decode(&bytes[..]).map_err(|e| {
                ApiError::cannot_parse(format!(
                    "the body is not an OTLP ExportTraceServiceRequest: {e}"
                ))
            })?;
            spans_from_protobuf(request)
        }
        Encoding::Json => {
            let value: Value = serde_json::from_slice(&bytes)
                .map_err(|e| ApiError::cannot_parse(format!("the body is not OTLP/JSON: {e}")))?;
            spans_from_json(&value)
        }
    };
    store_spans(&ctx, spans).await?;
    Ok(answer(encoding, 0, "", "Spans"))
}

async fn export_logs(headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let encoding = encoding(&headers)?;
    let bytes = body_bytes(&headers, &body)?;
    let count = match encoding {
        Encoding::Protobuf => wire::ExportLogsServiceRequest::decode(&bytes[..])
            .map_err(|e| ApiError::cannot_parse(format!("not an OTLP logs request: {e}")))?
            .resource_logs
            .iter()
            .flat_map(|r| &r.scope_logs)
            .map(|s| s.log_records.len() as i64)
            .sum(),
        Encoding::Json => json_count(&bytes, &["resourceLogs", "scopeLogs", "logRecords"])?,
    };
    Ok(answer(
        encoding,
        count,
        "the acc local platform keeps traces only; agent logs reach CloudWatch Logs through stdout and stderr",
        "LogRecords",
    ))
}

async fn export_metrics(headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let encoding = encoding(&headers)?;
    let bytes = body_bytes(&headers, &body)?;
    let count = match encoding {
        Encoding::Protobuf => wire::ExportMetricsServiceRequest::decode(&bytes[..])
            .map_err(|e| ApiError::cannot_parse(format!("not an OTLP metrics request: {e}")))?
            .resource_metrics
            .iter()
            .flat_map(|r| &r.scope_metrics)
            .flat_map(|s| &s.metrics)
            .map(|m| {
                [
                    &m.gauge,
                    &m.sum,
                    &m.histogram,
                    &m.exponential_histogram,
                    &m.summary,
                ]
                .into_iter()
                .flatten()
                .map(|d| d.data_points.len() as i64)
                .sum::<i64>()
            })
            .sum(),
        Encoding::Json => {
            let value: Value = serde_json::from_slice(&bytes)
                .map_err(|e| ApiError::cannot_parse(format!("the body is not OTLP/JSON: {e}")))?;
            nested(&value, &["resourceMetrics", "scopeMetrics", "metrics"])
                .iter()
                .map(|m| {
                    [
                        "gauge",
                        "sum",
                        "histogram",
                        "exponentialHistogram",
                        "summary",
                    ]
                    .iter()
                    .filter_map(|k| m.pointer(&format!("/{k}/dataPoints"))?.as_array())
                    .map(|points| points.len() as i64)
                    .sum::<i64>()
                })
                .sum()
        }
    };
    Ok(answer(
        encoding,
        count,
        "the acc local platform keeps traces only; metrics are not stored",
        "DataPoints",
    ))
}

/// The items at the end of a path of nested arrays.
fn nested<'a>(value: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let mut level = vec![value];
    for key in path {
        level = level
            .into_iter()
            .filter_map(|v| v.get(*key)?.as_array())
            .flatten()
            .collect();
    }
    level
}

fn json_count(bytes: &[u8], path: &[&str]) -> Result<i64, ApiError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::cannot_parse(format!("the body is not OTLP/JSON: {e}")))?;
    Ok(nested(&value, path).len() as i64)
}

fn protobuf_attributes(kvs: &[wire::KeyValue]) -> Map<String, Value> {
    use wire::any_value::Value as V;
    kvs.iter()
        .filter_map(|kv| {
            let value = match kv.value.as_ref()?.value.as_ref()? {
                V::String(s) => json!(s),
                V::Bool(b) => json!(b),
                V::Int(i) => json!(i),
                V::Double(d) => json!(d),
            };
            Some((kv.key.clone(), value))
        })
        .collect()
}

fn string_attribute(attributes: &Map<String, Value>, key: &str) -> String {
    attributes
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn spans_from_protobuf(request: wire::ExportTraceServiceRequest) -> Vec<SpanRecord> {
    let mut out = Vec::new();
    for resource_spans in request.resource_spans {
        let resource = Arc::new(
            resource_spans
                .resource
                .map(|r| protobuf_attributes(&r.attributes))
                .unwrap_or_default(),
        );
        for span in resource_spans.scope_spans.into_iter().flat_map(|s| s.spans) {
            let attributes = protobuf_attributes(&span.attributes);
            let status = span.status.unwrap_or_default();
            out.push(record(
                &resource,
                attributes,
                SpanRecord {
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: hex(&span.parent_span_id),
                    name: span.name,
                    kind: i64::from(span.kind),
                    start_unix_nano: span.start_time_unix_nano as i64,
                    end_unix_nano: span.end_time_unix_nano as i64,
                    status_code: i64::from(status.code),
                    status_message: status.message,
                    ..SpanRecord::default()
                },
            ));
        }
    }
    out
}

/// Fill in what comes from the attributes: service and session.
fn record(
    resource: &Arc<Map<String, Value>>,
    attributes: Map<String, Value>,
    mut span: SpanRecord,
) -> SpanRecord {
    span.service = string_attribute(resource, "service.name");
    span.session_id = match string_attribute(&attributes, SESSION_ATTRIBUTE) {
        s if s.is_empty() => string_attribute(resource, SESSION_ATTRIBUTE),
        s => s,
    };
    span.attributes = attributes;
    span.resource = Arc::clone(resource);
    span
}

/// OTLP/JSON numbers: int64 may come as a string.
fn json_int(value: Option<&Value>) -> i64 {
    match value {
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        Some(v) => v.as_i64().unwrap_or(0),
        None => 0,
    }
}

fn json_attributes(list: Option<&Value>) -> Map<String, Value> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|kv| {
            let key = kv.get("key")?.as_str()?.to_owned();
            let value = kv.get("value")?;
            let value = if let Some(s) = value.get("stringValue") {
                s.clone()
            } else if let Some(b) = value.get("boolValue") {
                b.clone()
            } else if value.get("intValue").is_some() {
                json!(json_int(value.get("intValue")))
            } else {
                value.get("doubleValue")?.clone()
            };
            Some((key, value))
        })
        .collect()
}

fn spans_from_json(request: &Value) -> Vec<SpanRecord> {
    let mut out = Vec::new();
    for resource_spans in request
        .get("resourceSpans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let resource = Arc::new(json_attributes(
            resource_spans.pointer("/resource/attributes"),
        ));
        for span in nested(resource_spans, &["scopeSpans", "spans"]) {
            let text = |key: &str| {
                span.get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            out.push(record(
                &resource,
                json_attributes(span.get("attributes")),
                SpanRecord {
                    trace_id: text("traceId").to_ascii_lowercase(),
                    span_id: text("spanId").to_ascii_lowercase(),
                    parent_span_id: text("parentSpanId").to_ascii_lowercase(),
                    name: text("name"),
                    kind: json_int(span.get("kind")),
                    start_unix_nano: json_int(span.get("startTimeUnixNano")),
                    end_unix_nano: json_int(span.get("endTimeUnixNano")),
                    status_code: json_int(span.pointer("/status/code")),
                    status_message: span
                        .pointer("/status/message")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    ..SpanRecord::default()
                },
            ));
        }
    }
    out
}

async fn store_spans(ctx: &PlatformState, spans: Vec<SpanRecord>) -> Result<(), ApiError> {
    if spans.is_empty() {
        return Ok(());
    }
    let received = now_ms();
    // Which runtime each session belongs to, for its spans' aws/spans records.
    let mut origins = HashMap::new();
    for span in &spans {
        if origins.contains_key(&span.session_id) {
            continue;
        }
        if let Some(session) = ctx.sessions.get(&span.session_id) {
            let origin = transaction_search::SessionOrigin {
                runtime_arn: session.config.runtime_arn.clone(),
                log_group: acc_domain::runtime_log_group(
                    &session.config.runtime_id,
                    &session.config.endpoint,
                ),
            };
            origins.insert(span.session_id.clone(), origin);
        }
    }
    ctx.store
        .write(move |tx| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, \
                 start_unix_nano, end_unix_nano, status_code, status_message, service, \
                 session_id, attributes, received_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            for s in &spans {
                insert.execute(rusqlite::params![
                    s.trace_id,
                    s.span_id,
                    s.parent_span_id,
                    s.name,
                    s.kind,
                    s.start_unix_nano,
                    s.end_unix_nano,
                    s.status_code,
                    s.status_message,
                    s.service,
                    s.session_id,
                    serde_json::to_string(&s.attributes).map_err(ApiError::internal)?,
                    received,
                ])?;
            }
            let evicted = tx.execute(
                "DELETE FROM spans WHERE seq <= (SELECT MAX(seq) FROM spans) - ?1",
                [SPANS_KEPT],
            )?;
            transaction_search::append(tx, &spans, &origins, received, evicted > 0)?;
            Ok(())
        })
        .await
}

#[derive(Debug, Deserialize)]
struct SpanQuery {
    session: Option<String>,
    trace: Option<String>,
    limit: Option<i64>,
}

/// `GET /local/spans[?session=ID][&trace=ID][&limit=N]`: newest first.
async fn list_spans(
    State(ctx): Shared,
    Query(query): Query<SpanQuery>,
) -> Result<axum::Json<Value>, ApiError> {
    let limit = query.limit.unwrap_or(200).clamp(1, 10_000);
    let spans = ctx
        .store
        .read(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT trace_id, span_id, parent_span_id, name, kind, start_unix_nano, \
                 end_unix_nano, status_code, status_message, service, session_id, attributes \
                 FROM spans WHERE (?1 IS NULL OR session_id = ?1) AND (?2 IS NULL OR trace_id = ?2) \
                 ORDER BY start_unix_nano DESC, seq DESC LIMIT ?3",
            )?;
            let rows = statement.query_map(
                rusqlite::params![query.session, query.trace, limit],
                |r| {
                    Ok(SpanRecord {
                        trace_id: r.get(0)?,
                        span_id: r.get(1)?,
                        parent_span_id: r.get(2)?,
                        name: r.get(3)?,
                        kind: r.get(4)?,
                        start_unix_nano: r.get(5)?,
                        end_unix_nano: r.get(6)?,
                        status_code: r.get(7)?,
                        status_message: r.get(8)?,
                        service: r.get(9)?,
                        session_id: r.get(10)?,
                        attributes: serde_json::from_str(&r.get::<_, String>(11)?)
                            .unwrap_or_default(),
                        resource: Arc::default(),
                    })
                },
            )?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(axum::Json(json!({ "spans": spans })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protobuf_and_json_spans_read_alike() {
        let request = wire::ExportTraceServiceRequest {
            resource_spans: vec![wire::ResourceSpans {
                resource: Some(wire::Resource {
                    attributes: vec![wire::KeyValue {
                        key: "service.name".into(),
                        value: Some(wire::AnyValue {
                            value: Some(wire::any_value::Value::String("agent".into())),
                        }),
                    }],
                }),
                scope_spans: vec![wire::ScopeSpans {
                    spans: vec![wire::Span {
                        trace_id: vec![0xab; 16],
                        span_id: vec![0xcd; 8],
                        parent_span_id: Vec::new(),
                        name: "invoke".into(),
                        kind: 2,
                        start_time_unix_nano: 1_000,
                        end_time_unix_nano: 5_000,
                        attributes: vec![wire::KeyValue {
                            key: "session.id".into(),
                            value: Some(wire::AnyValue {
                                value: Some(wire::any_value::Value::String("s-1".into())),
                            }),
                        }],
                        status: Some(wire::Status {
                            message: "boom".into(),
                            code: 2,
                        }),
                    }],
                }],
            }],
        };
        let bytes = request.encode_to_vec();
        let from_protobuf =
            spans_from_protobuf(wire::ExportTraceServiceRequest::decode(&bytes[..]).unwrap());
        let from_json = spans_from_json(&json!({ "resourceSpans": [{
            "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "agent" } }] },
            "scopeSpans": [{ "spans": [{
                "traceId": "AB".repeat(16), "spanId": "cd".repeat(8), "name": "invoke", "kind": 2,
                "startTimeUnixNano": "1000", "endTimeUnixNano": 5000,
                "attributes": [{ "key": "session.id", "value": { "stringValue": "s-1" } }],
                "status": { "code": 2, "message": "boom" }
            }] }]
        }] }));
        assert_eq!(from_protobuf, from_json);
        let span = &from_protobuf[0];
        assert_eq!(span.trace_id, "ab".repeat(16));
        assert_eq!(span.session_id, "s-1");
        assert_eq!(span.service, "agent");
        assert_eq!(span.status_code, 2);
    }
}
