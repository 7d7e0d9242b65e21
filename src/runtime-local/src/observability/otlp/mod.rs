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
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use prost::Message;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::platform::ids::hex;
use crate::platform::state::PlatformState;
use crate::platform::timestamps::now_ms;
use crate::platform::wire_errors::{ApiError, ErrorKind};

/// Spans kept; the oldest go first.
pub(crate) const SPANS_KEPT: i64 = 100_000;
/// A body may decompress to at most this much (OTLP receivers' usual
/// limit); beyond it the export is refused with 413, having held no more.
pub(crate) const MAX_DECODED_BYTES: usize = 20 * 1024 * 1024;
/// Spans in one export. SDKs send 512 at a time and a collector 8,192 by
/// default; CloudWatch keeps at most 10,000 spans a trace.
pub(crate) const MAX_SPANS_PER_EXPORT: usize = 10_000;
/// Protobuf messages (resources, scopes, spans, attributes) in one trace
/// export: room for [`MAX_SPANS_PER_EXPORT`] spans of some 50 attributes.
/// An empty message is two bytes on the wire but a few hundred in memory,
/// so a 20 MiB body of them is refused before it is decoded.
pub(crate) const MAX_MESSAGES_PER_EXPORT: usize = 1_000_000;
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

/// Why an export was refused: an HTTP status and a message, answered as
/// OTLP/HTTP answers errors, a `google.rpc.Status` in the request's
/// encoding.
#[derive(Debug)]
pub(crate) struct OtlpError {
    status: StatusCode,
    message: String,
}

impl OtlpError {
    fn bad_data(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// An error answered with `status` (and its `google.rpc.Code`).
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// The `google.rpc.Code` for the HTTP status.
    fn rpc_code(&self) -> i32 {
        match self.status {
            StatusCode::BAD_REQUEST => 3,       // INVALID_ARGUMENT
            StatusCode::FORBIDDEN => 7,         // PERMISSION_DENIED
            StatusCode::PAYLOAD_TOO_LARGE => 8, // RESOURCE_EXHAUSTED
            _ => 13,                            // INTERNAL
        }
    }

    /// The error as the client reads it, in `encoding`.
    pub(crate) fn into_response(self, encoding: Encoding) -> Response {
        let code = self.rpc_code();
        let body = match encoding {
            Encoding::Protobuf => wire::RpcStatus {
                code,
                message: self.message,
            }
            .encode_to_vec(),
            Encoding::Json => json!({ "code": code, "message": self.message })
                .to_string()
                .into_bytes(),
        };
        (
            self.status,
            [(header::CONTENT_TYPE, encoding.content_type())],
            body,
        )
            .into_response()
    }
}

impl From<ApiError> for OtlpError {
    fn from(e: ApiError) -> Self {
        let status = match e.kind {
            ErrorKind::AccessDenied => StatusCode::FORBIDDEN,
            ErrorKind::InternalServer => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        Self {
            status,
            message: e.message,
        }
    }
}

/// How the body is encoded, from `Content-Type`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Encoding {
    Protobuf,
    Json,
}

impl Encoding {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Protobuf => "application/x-protobuf",
            Self::Json => "application/json",
        })
    }
}

/// The body's encoding; an unknown content type is refused (answered in
/// JSON, which a client of any encoding can read).
fn encoding(headers: &HeaderMap) -> Result<Encoding, OtlpError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/x-protobuf");
    if content_type.starts_with("application/x-protobuf") {
        Ok(Encoding::Protobuf)
    } else if content_type.starts_with("application/json") {
        Ok(Encoding::Json)
    } else {
        Err(OtlpError::bad_data(format!(
            "OTLP/HTTP takes application/x-protobuf or application/json, not {content_type}"
        )))
    }
}

/// The body, decompressed as `Content-Encoding` says (`gzip`, `deflate`
/// or none), holding at most [`MAX_DECODED_BYTES`]: a body that expands
/// further is refused as soon as it does.
fn body_bytes(headers: &HeaderMap, body: &Bytes) -> Result<Vec<u8>, OtlpError> {
    let coding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .trim()
        .to_ascii_lowercase();
    let decoder: Box<dyn Read + '_> = match coding.as_str() {
        "identity" | "" => return Ok(body.to_vec()),
        "gzip" => Box::new(flate2::read::GzDecoder::new(&body[..])),
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(&body[..])),
        other => {
            return Err(OtlpError::bad_data(format!(
                "Content-Encoding {other} is not supported; send gzip, deflate or none"
            )));
        }
    };
    bounded_read(decoder, &coding)
}

/// Everything `decoder` yields, refused past [`MAX_DECODED_BYTES`].
pub(crate) fn bounded_read(decoder: impl Read, coding: &str) -> Result<Vec<u8>, OtlpError> {
    let mut out = Vec::new();
    decoder
        .take(MAX_DECODED_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| OtlpError::bad_data(format!("the {coding} body does not decompress: {e}")))?;
    if out.len() > MAX_DECODED_BYTES {
        return Err(OtlpError::too_large(format!(
            "the {coding} body decompresses to more than 20 MiB, the most an export may hold: \
             send smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)"
        )));
    }
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
            ([(header::CONTENT_TYPE, encoding.content_type())], body).into_response()
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

/// An export handler's outcome as the client reads it.
fn reply(encoding: Encoding, outcome: Result<Response, OtlpError>) -> Response {
    outcome.unwrap_or_else(|e| e.into_response(encoding))
}

async fn export_traces(State(ctx): Shared, headers: HeaderMap, body: Bytes) -> Response {
    match encoding(&headers) {
        Ok(encoding) => reply(encoding, traces(&ctx, encoding, &headers, &body).await),
        Err(refused) => refused.into_response(Encoding::Json),
    }
}

/// Refuse an export holding more than [`MAX_SPANS_PER_EXPORT`] spans or
/// (protobuf) [`MAX_MESSAGES_PER_EXPORT`] messages.
fn within_export_limits(spans: usize, messages: usize) -> Result<(), OtlpError> {
    if spans > MAX_SPANS_PER_EXPORT || messages > MAX_MESSAGES_PER_EXPORT {
        return Err(OtlpError::too_large(format!(
            "the export holds {spans} spans in {messages} messages; at most \
             {MAX_SPANS_PER_EXPORT} spans and {MAX_MESSAGES_PER_EXPORT} messages are taken at \
             once: send smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)"
        )));
    }
    Ok(())
}

async fn traces(
    ctx: &PlatformState,
    encoding: Encoding,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, OtlpError> {
    let bytes = body_bytes(headers, body)?;
    let spans = match encoding {
        Encoding::Protobuf => {
            let not_a_request = |e: &dyn std::fmt::Display| {
                OtlpError::bad_data(format!(
                    "the body is not an OTLP ExportTraceServiceRequest: {e}"
                ))
            };
            // Counted on the wire first: decoding is what would take the memory.
            let counts = wire::count_trace_messages(&bytes).map_err(|e| not_a_request(&e))?;
            within_export_limits(counts.spans, counts.messages)?;
            let request = wire::ExportTraceServiceRequest::decode(&bytes[..])
                .map_err(|e| not_a_request(&e))?;
            spans_from_protobuf(request)
        }
        Encoding::Json => {
            let value = json_body(&bytes)?;
            let spans = nested(&value, &["resourceSpans", "scopeSpans", "spans"]).len();
            // Each span is at least one message.
            within_export_limits(spans, spans)?;
            spans_from_json(&value)
        }
    };
    let (spans, rejected) = with_valid_ids(spans);
    store_spans(ctx, spans).await?;
    Ok(answer(encoding, rejected.count, &rejected.why(), "Spans"))
}

/// Spans turned away for their ids: how many, and per problem how many
/// and the first span's name.
#[derive(Debug, Default)]
struct Rejected {
    count: i64,
    problems: Vec<(&'static str, i64, String)>,
}

impl Rejected {
    fn add(&mut self, problem: &'static str, span: &SpanRecord) {
        self.count += 1;
        match self.problems.iter_mut().find(|(p, ..)| *p == problem) {
            Some((_, n, _)) => *n += 1,
            None => {
                let name: String = span.name.chars().take(64).collect();
                self.problems.push((problem, 1, name));
            }
        }
    }

    /// The `errorMessage` of the partial success.
    fn why(&self) -> String {
        let parts: Vec<String> = self
            .problems
            .iter()
            .map(|(problem, n, first)| format!("{n} whose {problem} (the first: span {first:?})"))
            .collect();
        format!("{} spans were not stored: {}", self.count, parts.join("; "))
    }
}

/// What is wrong with a span's ids (hex, as kept), if anything: OTLP's
/// trace ids are 16 bytes and span ids 8, neither all zero.
fn id_problem(span: &SpanRecord) -> Option<&'static str> {
    let valid = |id: &str, digits: usize| {
        id.len() == digits
            && id.bytes().all(|b| b.is_ascii_hexdigit())
            && id.bytes().any(|b| b != b'0')
    };
    if !valid(&span.trace_id, 32) {
        Some("traceId is not 16 bytes (32 hex digits) or is all zero")
    } else if !valid(&span.span_id, 16) {
        Some("spanId is not 8 bytes (16 hex digits) or is all zero")
    } else if !span.parent_span_id.is_empty() && span.parent_span_id.len() != 16 {
        Some("parentSpanId is neither empty nor 8 bytes (16 hex digits)")
    } else {
        None
    }
}

/// The spans whose ids are valid, and what was rejected.
fn with_valid_ids(spans: Vec<SpanRecord>) -> (Vec<SpanRecord>, Rejected) {
    let mut rejected = Rejected::default();
    let kept = spans
        .into_iter()
        .filter(|span| match id_problem(span) {
            None => true,
            Some(problem) => {
                rejected.add(problem, span);
                false
            }
        })
        .collect();
    (kept, rejected)
}

async fn export_logs(headers: HeaderMap, body: Bytes) -> Response {
    let encoding = match encoding(&headers) {
        Ok(encoding) => encoding,
        Err(refused) => return refused.into_response(Encoding::Json),
    };
    let outcome = body_bytes(&headers, &body).and_then(|bytes| {
        let count = match encoding {
            Encoding::Protobuf => wire::ExportLogsServiceRequest::decode(&bytes[..])
                .map_err(|e| OtlpError::bad_data(format!("not an OTLP logs request: {e}")))?
                .resource_logs
                .iter()
                .flat_map(|r| &r.scope_logs)
                .map(|s| s.log_records.len() as i64)
                .sum(),
            Encoding::Json => {
                nested(&json_body(&bytes)?, &["resourceLogs", "scopeLogs", "logRecords"]).len()
                    as i64
            }
        };
        Ok(answer(
            encoding,
            count,
            "the acc local platform keeps traces only; agent logs reach CloudWatch Logs through stdout and stderr",
            "LogRecords",
        ))
    });
    reply(encoding, outcome)
}

async fn export_metrics(headers: HeaderMap, body: Bytes) -> Response {
    let encoding = match encoding(&headers) {
        Ok(encoding) => encoding,
        Err(refused) => return refused.into_response(Encoding::Json),
    };
    let outcome = body_bytes(&headers, &body).and_then(|bytes| {
        let count = match encoding {
            Encoding::Protobuf => protobuf_data_points(&bytes)?,
            Encoding::Json => json_data_points(&json_body(&bytes)?),
        };
        Ok(answer(
            encoding,
            count,
            "the acc local platform keeps traces only; metrics are not stored",
            "DataPoints",
        ))
    });
    reply(encoding, outcome)
}

fn protobuf_data_points(bytes: &[u8]) -> Result<i64, OtlpError> {
    Ok(wire::ExportMetricsServiceRequest::decode(bytes)
        .map_err(|e| OtlpError::bad_data(format!("not an OTLP metrics request: {e}")))?
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
        .sum())
}

fn json_data_points(value: &Value) -> i64 {
    nested(value, &["resourceMetrics", "scopeMetrics", "metrics"])
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

/// An OTLP/JSON body, parsed.
fn json_body(bytes: &[u8]) -> Result<Value, OtlpError> {
    serde_json::from_slice(bytes)
        .map_err(|e| OtlpError::bad_data(format!("the body is not OTLP/JSON: {e}")))
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
    fn decompression_stops_past_the_limit() {
        let zeros = std::io::repeat(0).take(MAX_DECODED_BYTES as u64 + 1);
        let e = bounded_read(zeros, "gzip").unwrap_err();
        assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
        let exact = std::io::repeat(0).take(MAX_DECODED_BYTES as u64);
        assert_eq!(
            bounded_read(exact, "gzip").unwrap().len(),
            MAX_DECODED_BYTES
        );
    }

    #[test]
    fn two_byte_messages_are_refused_before_decoding() {
        // One scope holding a million empty spans: 2 MB on the wire.
        let spans = [0x12u8, 0x00].repeat(1_000_000);
        let counts = wire::count_trace_messages(&spans).unwrap();
        assert_eq!(
            counts,
            wire::TraceCounts::default(),
            "field 2 of a request is not read"
        );
        let counts = wire::count_trace_messages(&wrap(0x0a, &wrap(0x12, &spans))).unwrap();
        assert_eq!(counts.spans, 1_000_000);
        assert!(within_export_limits(counts.spans, counts.messages).is_err());
    }

    /// A length-delimited field `key` holding `inner`.
    fn wrap(key: u8, inner: &[u8]) -> Vec<u8> {
        let mut out = vec![key];
        prost::encoding::encode_varint(inner.len() as u64, &mut out);
        out.extend_from_slice(inner);
        out
    }

    #[test]
    fn spans_need_otlp_ids() {
        let span = |trace: &str, id: &str, parent: &str| SpanRecord {
            trace_id: trace.into(),
            span_id: id.into(),
            parent_span_id: parent.into(),
            ..SpanRecord::default()
        };
        let (trace, id) = ("ab".repeat(16), "cd".repeat(8));
        assert_eq!(id_problem(&span(&trace, &id, "")), None);
        assert_eq!(id_problem(&span(&trace, &id, &id)), None);
        for bad in [
            span("abc", &id, ""),
            span(&"0".repeat(32), &id, ""),
            span(&"zz".repeat(16), &id, ""),
            span(&trace, &"0".repeat(16), ""),
            span(&trace, &"ab".repeat(9), ""),
            span(&trace, &id, "abc"),
        ] {
            assert!(id_problem(&bad).is_some(), "{bad:?}");
        }
    }

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
        // Resource spans, resource, its attribute and value, scope spans,
        // span, its attribute and value, status.
        assert_eq!(
            wire::count_trace_messages(&bytes),
            Ok(wire::TraceCounts {
                spans: 1,
                messages: 9
            })
        );
        assert!(wire::count_trace_messages(&bytes[..bytes.len() - 1]).is_err());
        let span = &from_protobuf[0];
        assert_eq!(span.trace_id, "ab".repeat(16));
        assert_eq!(span.session_id, "s-1");
        assert_eq!(span.service, "agent");
        assert_eq!(span.status_code, 2);
    }
}
