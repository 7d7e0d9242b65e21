//! The platform's OTLP/HTTP receiver, where `OTEL_EXPORTER_OTLP_ENDPOINT`
//! points agents (as AgentCore points them at its collector):
//! `POST /v1/traces` (protobuf or JSON, gzip or not) keeps the spans in
//! SQLite, newest [`span_store::SPANS_KEPT`]; `GET /local/spans` lists them (a local
//! extension, like the session listing). `/v1/logs` and `/v1/metrics` are
//! answered as OTLP asks of a receiver that keeps neither: accepted as a
//! request, every record reported rejected, with the reason. Every span is
//! also written to the `aws/spans` log group, as Transaction Search does.

pub(crate) mod encoding;
mod span_store;
mod spans;
mod transaction_search;
mod wire;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use prost::Message;
use serde_json::{Value, json};

use crate::platform::store::Store;
use crate::platform::wire_errors::ApiError;
use crate::runtime::session_host::SessionHost;
use encoding::{Encoding, OtlpError, body_bytes, encoding, json_body, nested};
use span_store::SpanQuery;
use spans::{SpanRecord, spans_from_json, spans_from_protobuf};

/// Spans in one export. SDKs send 512 at a time and a collector 8,192 by
/// default; CloudWatch keeps at most 10,000 spans a trace.
pub(crate) const MAX_SPANS_PER_EXPORT: usize = 10_000;
/// Protobuf messages (resources, scopes, spans, attributes) in one trace
/// export: room for [`MAX_SPANS_PER_EXPORT`] spans of some 50 attributes.
/// An empty message is two bytes on the wire but a few hundred in memory,
/// so a 20 MiB body of them is refused before it is decoded.
pub(crate) const MAX_MESSAGES_PER_EXPORT: usize = 1_000_000;
/// What the receiver uses: where spans are kept, and the sessions whose
/// runtimes label them.
pub(crate) struct OtlpState {
    /// The database.
    pub(crate) store: Arc<Store>,
    /// The runtime sessions spans name.
    pub(crate) sessions: Arc<SessionHost>,
}

type Shared = State<Arc<OtlpState>>;

/// The receiver's routes: OTLP/HTTP exports and the span listing.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<OtlpState>: FromRef<S>,
{
    Router::new()
        .route("/v1/traces", post(export_traces))
        .route("/v1/logs", post(export_logs))
        .route("/v1/metrics", post(export_metrics))
        .route("/local/spans", get(list_spans))
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
    ctx: &OtlpState,
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
    span_store::store_spans(&ctx.store, &ctx.sessions, spans).await?;
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

/// `GET /local/spans[?session=ID][&trace=ID][&limit=N]`: newest first.
async fn list_spans(
    State(otlp): State<Arc<OtlpState>>,
    Query(query): Query<SpanQuery>,
) -> Result<axum::Json<Value>, ApiError> {
    let spans = span_store::list_spans(&otlp.store, query).await?;
    Ok(axum::Json(json!({ "spans": spans })))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
