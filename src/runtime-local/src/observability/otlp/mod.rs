//! The platform's OTLP receiver, where `OTEL_EXPORTER_OTLP_ENDPOINT`
//! points agents (as AgentCore points them at its collector), on
//! opentelemetry-proto's messages: `POST /v1/traces`, `/v1/logs` and
//! `/v1/metrics` (protobuf or JSON, gzip, deflate or neither, answered in
//! the request's encoding). Spans are kept in SQLite and written to the
//! `aws/spans` log group, as Transaction Search does; log records are kept
//! with their trace and span ids and written to the CloudWatch log group
//! their exporter names (`log_records`); metric data points are kept
//! (`metric_points`). Each is bounded ([`limits::OtlpLimits`]), and so is
//! the queue of exports waiting for the store: beyond it an export is
//! answered 503 with `Retry-After`. `GET /local/spans` lists spans and
//! `GET /local/metrics` lists data points and `GET /local/otlp` says what
//! is kept and evicted (local extensions).

mod attributes;
pub(crate) mod encoding;
mod group_commit;
pub(crate) mod grpc;
mod grpc_codec;
pub(crate) mod limits;
mod log_records;
mod message_count;
mod metric_points;
pub(crate) mod span_store;
mod spans;
pub(crate) mod trace_context;
pub(crate) mod trace_summaries;
pub(crate) mod transaction_search;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::OwnedSemaphorePermit;

use crate::platform::store::Store;
use crate::platform::wire_errors::ApiError;
use crate::runtime::session_host::SessionHost;
use encoding::{Encoding, OtlpError, body_bytes, decode, encoding};
use message_count::Signal;
use span_store::SpanQuery;
pub(crate) use spans::SpanRecord;
use spans::spans_of;

/// Spans in one export. SDKs send 512 at a time and a collector 8,192 by
/// default; CloudWatch keeps at most 10,000 spans a trace.
pub(crate) const MAX_SPANS_PER_EXPORT: usize = 10_000;
/// What the receiver uses: where spans are kept, and the sessions whose
/// runtimes label them.
pub(crate) struct OtlpState {
    /// The database.
    pub(crate) store: Arc<Store>,
    /// The runtime sessions spans name.
    pub(crate) sessions: Arc<SessionHost>,
    /// What is kept, and how many exports may wait for the store.
    pub(crate) limits: limits::OtlpLimits,
    /// One permit per export being stored or waiting ([`limits::OtlpLimits::queue`]).
    pub(crate) queue: Arc<tokio::sync::Semaphore>,
    /// Span exports waiting to be committed together.
    span_groups: Arc<group_commit::SpanGroups>,
}

impl OtlpState {
    /// The receiver over `store`, labelling spans from `sessions`.
    pub(crate) fn new(
        store: Arc<Store>,
        sessions: Arc<SessionHost>,
        limits: limits::OtlpLimits,
    ) -> Self {
        Self {
            store,
            sessions,
            limits,
            queue: Arc::new(tokio::sync::Semaphore::new(limits.queue.max(1))),
            span_groups: Arc::default(),
        }
    }

    /// A place in the store's queue, or 503 with `Retry-After` when it is
    /// full: the export is not acknowledged, so the exporter retries it.
    fn enqueue(&self) -> Result<OwnedSemaphorePermit, OtlpError> {
        Arc::clone(&self.queue).try_acquire_owned().map_err(|_| {
            OtlpError::unavailable(format!(
                "the acc local platform is storing {} exports already; retry after a second",
                self.limits.queue
            ))
        })
    }
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
        .route("/local/otlp", get(otlp_stats))
        .route("/local/metrics", get(list_metrics))
}

/// An OTLP response (`ExportTraceServiceResponse` and its siblings) in
/// the request's encoding.
fn answer<R: Message + Serialize>(encoding: Encoding, response: &R) -> Response {
    let body = match encoding {
        Encoding::Protobuf => response.encode_to_vec(),
        // Full success is `{}` (the crate writes `"partialSuccess": null`).
        Encoding::Json => match serde_json::to_value(response) {
            Ok(Value::Object(mut fields)) => {
                fields.retain(|_, v| !v.is_null());
                Value::Object(fields).to_string().into_bytes()
            }
            _ => b"{}".to_vec(),
        },
    };
    ([(header::CONTENT_TYPE, encoding.content_type())], body).into_response()
}

/// A decoded export and its place in the store's queue (held while it is
/// stored), or why it was refused.
type Admitted<T> = Result<(T, OwnedSemaphorePermit), OtlpError>;

/// A place in the store's queue, then the export's body decompressed and
/// decoded as its headers say; or why not. The place is taken first, so
/// the exports being decompressed are bounded too.
fn request<T: Message + Default + serde::de::DeserializeOwned>(
    ctx: &OtlpState,
    headers: &HeaderMap,
    body: &Bytes,
    signal: Signal,
) -> Result<(Encoding, Admitted<T>), OtlpError> {
    let encoding = encoding(headers)?;
    let decoded = ctx.enqueue().and_then(|place| {
        let bytes = body_bytes(headers, body)?;
        if bytes.is_empty() {
            return Ok((T::default(), place));
        }
        Ok((decode(encoding, &bytes, signal)?, place))
    });
    Ok((encoding, decoded))
}

async fn export_traces(State(ctx): Shared, headers: HeaderMap, body: Bytes) -> Response {
    match request::<ExportTraceServiceRequest>(&ctx, &headers, &body, Signal::Traces) {
        Ok((encoding, decoded)) => {
            let outcome = match decoded {
                Ok((request, _place)) => traces(&ctx, request).await.map(|partial| {
                    answer(
                        encoding,
                        &ExportTraceServiceResponse {
                            partial_success: partial,
                        },
                    )
                }),
                Err(e) => Err(e),
            };
            outcome.unwrap_or_else(|e| e.into_response(encoding))
        }
        Err(refused) => refused.into_response(Encoding::Json),
    }
}

/// Keep an export's spans; what was rejected, if any.
async fn traces(
    ctx: &OtlpState,
    request: ExportTraceServiceRequest,
) -> Result<Option<ExportTracePartialSuccess>, OtlpError> {
    let spans = spans_of(request);
    if spans.len() > MAX_SPANS_PER_EXPORT {
        return Err(OtlpError::too_large(format!(
            "the export holds {} spans; at most {MAX_SPANS_PER_EXPORT} are taken at once: send \
             smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)",
            spans.len()
        )));
    }
    let (spans, rejected) = with_valid_ids(spans);
    span_store::store_spans(ctx, spans).await?;
    Ok((rejected.count > 0).then(|| ExportTracePartialSuccess {
        rejected_spans: rejected.count,
        error_message: rejected.why(),
    }))
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

async fn export_logs(State(ctx): Shared, headers: HeaderMap, body: Bytes) -> Response {
    match request::<ExportLogsServiceRequest>(&ctx, &headers, &body, Signal::Logs) {
        Ok((encoding, decoded)) => {
            let outcome = match decoded {
                Ok((request, _place)) => logs(&ctx, &headers, request).await,
                Err(e) => Err(e),
            };
            outcome
                .map(|()| {
                    answer(
                        encoding,
                        &ExportLogsServiceResponse {
                            partial_success: None,
                        },
                    )
                })
                .unwrap_or_else(|e| e.into_response(encoding))
        }
        Err(refused) => refused.into_response(Encoding::Json),
    }
}

/// Keep an export's log records and write them to their log groups.
async fn logs(
    ctx: &OtlpState,
    headers: &HeaderMap,
    request: ExportLogsServiceRequest,
) -> Result<(), OtlpError> {
    let destination = log_records::header_destination(headers)?;
    let records = log_records::records_of(request, destination.as_ref(), &ctx.sessions);
    log_records::store(&ctx.store, records, ctx.limits.log_records).await?;
    Ok(())
}

async fn export_metrics(State(ctx): Shared, headers: HeaderMap, body: Bytes) -> Response {
    match request::<ExportMetricsServiceRequest>(&ctx, &headers, &body, Signal::Metrics) {
        Ok((encoding, decoded)) => {
            let outcome = match decoded {
                Ok((request, _place)) => metrics(&ctx, request).await,
                Err(e) => Err(e),
            };
            outcome
                .map(|partial| {
                    answer(
                        encoding,
                        &ExportMetricsServiceResponse {
                            partial_success: partial,
                        },
                    )
                })
                .unwrap_or_else(|e| e.into_response(encoding))
        }
        Err(refused) => refused.into_response(Encoding::Json),
    }
}

/// Keep an export's data points; a metric without data is rejected.
async fn metrics(
    ctx: &OtlpState,
    request: ExportMetricsServiceRequest,
) -> Result<Option<ExportMetricsPartialSuccess>, OtlpError> {
    let without_data: Vec<String> = request
        .resource_metrics
        .iter()
        .flat_map(|r| &r.scope_metrics)
        .flat_map(|s| &s.metrics)
        .filter(|m| m.data.is_none())
        .map(|m| m.name.chars().take(64).collect())
        .collect();
    let points = metric_points::points_of(request);
    metric_points::store(&ctx.store, points, ctx.limits.data_points).await?;
    Ok(without_data
        .first()
        .map(|first| ExportMetricsPartialSuccess {
            rejected_data_points: 0,
            error_message: format!(
                "{} metrics hold no data (gauge, sum, histogram, exponential histogram or \
             summary) and were not stored (the first: {first:?})",
                without_data.len()
            ),
        }))
}

/// `GET /local/spans[?session=ID][&trace=ID][&limit=N]`: newest first.
async fn list_spans(
    State(otlp): State<Arc<OtlpState>>,
    Query(query): Query<SpanQuery>,
) -> Result<axum::Json<Value>, ApiError> {
    let spans = span_store::list_spans(&otlp.store, query).await?;
    Ok(axum::Json(json!({ "spans": spans })))
}

/// `GET /local/otlp`: the receiver's limits, and per signal what is kept
/// and how many were evicted.
async fn otlp_stats(State(otlp): Shared) -> Result<axum::Json<limits::OtlpStats>, ApiError> {
    Ok(axum::Json(limits::stats(&otlp.store, otlp.limits).await?))
}

/// `GET /local/metrics[?name=METRIC][&limit=N]`: data points, newest first.
async fn list_metrics(
    State(otlp): Shared,
    Query(query): Query<metric_points::PointQuery>,
) -> Result<axum::Json<Value>, ApiError> {
    let points = metric_points::list(&otlp.store, query).await?;
    Ok(axum::Json(json!({ "dataPoints": points })))
}

#[cfg(test)]
mod tests {
    use super::*;

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
