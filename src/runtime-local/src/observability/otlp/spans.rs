//! One span as the receiver keeps and lists it, read from an export in
//! either encoding: ids in lowercase hex, attributes as JSON, and the
//! service and session its resource or its attributes name.

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::observability::otlp::attributes;
use crate::platform::ids::hex;

/// The attribute that ties a span (or a log record) to a runtime session.
pub(crate) const SESSION_ATTRIBUTE: &str = "session.id";

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

/// The spans of an export (either encoding decodes to the same request).
pub(crate) fn spans_of(request: ExportTraceServiceRequest) -> Vec<SpanRecord> {
    let mut out = Vec::new();
    for resource_spans in request.resource_spans {
        let resource = Arc::new(
            resource_spans
                .resource
                .map(|r| attributes::map(&r.attributes))
                .unwrap_or_default(),
        );
        for span in resource_spans.scope_spans.into_iter().flat_map(|s| s.spans) {
            let attributes = attributes::map(&span.attributes);
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
                    start_unix_nano: nanos(span.start_time_unix_nano),
                    end_unix_nano: nanos(span.end_time_unix_nano),
                    status_code: i64::from(status.code),
                    status_message: status.message,
                    ..SpanRecord::default()
                },
            ));
        }
    }
    out
}

/// A `fixed64` time as SQLite keeps it (past year 2262, the last nanosecond it can).
pub(crate) fn nanos(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

/// Fill in what comes from the attributes: service and session.
fn record(
    resource: &Arc<Map<String, Value>>,
    attributes: Map<String, Value>,
    mut span: SpanRecord,
) -> SpanRecord {
    span.service = attributes::text(resource, "service.name");
    span.session_id = match attributes::text(&attributes, SESSION_ATTRIBUTE) {
        s if s.is_empty() => attributes::text(resource, SESSION_ATTRIBUTE),
        s => s,
    };
    span.attributes = attributes;
    span.resource = Arc::clone(resource);
    span
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
    use opentelemetry_proto::tonic::resource::v1::Resource;
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
    use prost::Message;
    use serde_json::json;

    use super::*;

    fn text(key: &str, value: &str) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(AnyValue {
                value: Some(any_value::Value::StringValue(value.into())),
            }),
            ..KeyValue::default()
        }
    }

    #[test]
    fn protobuf_and_js_style_json_spans_read_alike() {
        let request = ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![text("service.name", "agent")],
                    ..Resource::default()
                }),
                scope_spans: vec![ScopeSpans {
                    spans: vec![Span {
                        trace_id: vec![0xab; 16],
                        span_id: vec![0xcd; 8],
                        name: "invoke".into(),
                        kind: 2,
                        start_time_unix_nano: 1_000,
                        end_time_unix_nano: 5_000,
                        attributes: vec![
                            text("session.id", "s-1"),
                            KeyValue {
                                key: "n".into(),
                                value: Some(AnyValue {
                                    value: Some(any_value::Value::IntValue(7)),
                                }),
                                ..KeyValue::default()
                            },
                        ],
                        status: Some(Status {
                            message: "boom".into(),
                            code: 2,
                        }),
                        ..Span::default()
                    }],
                    ..ScopeSpans::default()
                }],
                ..ResourceSpans::default()
            }],
        };
        let bytes = request.encode_to_vec();
        let from_protobuf = spans_of(ExportTraceServiceRequest::decode(&bytes[..]).unwrap());
        // As the JavaScript exporters write it: upper- or lowercase hex ids,
        // integer enums, 64-bit integers as strings or numbers.
        let js = json!({ "resourceSpans": [{
            "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "agent" } }] },
            "scopeSpans": [{ "scope": { "name": "js" }, "spans": [{
                "traceId": "AB".repeat(16), "spanId": "cd".repeat(8), "parentSpanId": "",
                "name": "invoke", "kind": 2,
                "startTimeUnixNano": "1000", "endTimeUnixNano": 5000,
                "attributes": [
                    { "key": "session.id", "value": { "stringValue": "s-1" } },
                    { "key": "n", "value": { "intValue": "7" } }
                ],
                "droppedAttributesCount": 0, "events": [], "links": [],
                "status": { "code": 2, "message": "boom" }
            }] }]
        }] });
        let from_json: ExportTraceServiceRequest =
            serde_json::from_value(js).expect("the crate's serde mapping reads JS-style OTLP/JSON");
        assert_eq!(from_protobuf, spans_of(from_json));
        let span = &from_protobuf[0];
        assert_eq!(span.trace_id, "ab".repeat(16));
        assert_eq!(span.session_id, "s-1");
        assert_eq!(span.service, "agent");
        assert_eq!(span.status_code, 2);
        assert_eq!(span.attributes["n"], 7);
    }
}
