//! One span as the receiver keeps and lists it, read from an export in
//! either encoding: ids in lowercase hex, attributes as JSON, and the
//! service and session its resource or its attributes name.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::observability::otlp::encoding::nested;
use crate::observability::otlp::wire;
use crate::platform::ids::hex;

/// The attribute that ties a span to a runtime session.
const SESSION_ATTRIBUTE: &str = "session.id";

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

/// The spans of a protobuf export.
pub(crate) fn spans_from_protobuf(request: wire::ExportTraceServiceRequest) -> Vec<SpanRecord> {
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

/// The spans of an OTLP/JSON export.
pub(crate) fn spans_from_json(request: &Value) -> Vec<SpanRecord> {
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

#[cfg(test)]
mod tests {
    use prost::Message;

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
