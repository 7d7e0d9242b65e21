//! The parts of the OTLP protobuf messages the receiver reads, declared
//! with prost by field number (opentelemetry-proto, `collector/*/v1` and
//! `trace/v1`); fields left out are skipped by the decoder. Hand-written so
//! the platform does not pull the OpenTelemetry SDK in just to decode.

/// `ExportTraceServiceRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ExportTraceServiceRequest {
    #[prost(message, repeated, tag = "1")]
    pub(crate) resource_spans: Vec<ResourceSpans>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ResourceSpans {
    #[prost(message, optional, tag = "1")]
    pub(crate) resource: Option<Resource>,
    #[prost(message, repeated, tag = "2")]
    pub(crate) scope_spans: Vec<ScopeSpans>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Resource {
    #[prost(message, repeated, tag = "1")]
    pub(crate) attributes: Vec<KeyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ScopeSpans {
    #[prost(message, repeated, tag = "2")]
    pub(crate) spans: Vec<Span>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Span {
    #[prost(bytes = "vec", tag = "1")]
    pub(crate) trace_id: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub(crate) span_id: Vec<u8>,
    #[prost(bytes = "vec", tag = "4")]
    pub(crate) parent_span_id: Vec<u8>,
    #[prost(string, tag = "5")]
    pub(crate) name: String,
    #[prost(int32, tag = "6")]
    pub(crate) kind: i32,
    #[prost(fixed64, tag = "7")]
    pub(crate) start_time_unix_nano: u64,
    #[prost(fixed64, tag = "8")]
    pub(crate) end_time_unix_nano: u64,
    #[prost(message, repeated, tag = "9")]
    pub(crate) attributes: Vec<KeyValue>,
    #[prost(message, optional, tag = "15")]
    pub(crate) status: Option<Status>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Status {
    #[prost(string, tag = "2")]
    pub(crate) message: String,
    #[prost(int32, tag = "3")]
    pub(crate) code: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct KeyValue {
    #[prost(string, tag = "1")]
    pub(crate) key: String,
    #[prost(message, optional, tag = "2")]
    pub(crate) value: Option<AnyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct AnyValue {
    #[prost(oneof = "any_value::Value", tags = "1, 2, 3, 4")]
    pub(crate) value: Option<any_value::Value>,
}

pub(crate) mod any_value {
    /// The scalar kinds (`string_value`, `bool_value`, `int_value`,
    /// `double_value`); arrays, maps and bytes are skipped.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub(crate) enum Value {
        #[prost(string, tag = "1")]
        String(String),
        #[prost(bool, tag = "2")]
        Bool(bool),
        #[prost(int64, tag = "3")]
        Int(i64),
        #[prost(double, tag = "4")]
        Double(f64),
    }
}

/// `ExportTraceServiceResponse`, `ExportLogsServiceResponse` and
/// `ExportMetricsServiceResponse` share this shape.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ExportResponse {
    #[prost(message, optional, tag = "1")]
    pub(crate) partial_success: Option<PartialSuccess>,
}

/// `rejected_spans` / `rejected_log_records` / `rejected_data_points` (1).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct PartialSuccess {
    #[prost(int64, tag = "1")]
    pub(crate) rejected: i64,
    #[prost(string, tag = "2")]
    pub(crate) error_message: String,
}

/// `ExportLogsServiceRequest`, down to the records (to count them).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ExportLogsServiceRequest {
    #[prost(message, repeated, tag = "1")]
    pub(crate) resource_logs: Vec<ResourceLogs>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ResourceLogs {
    #[prost(message, repeated, tag = "2")]
    pub(crate) scope_logs: Vec<ScopeLogs>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ScopeLogs {
    #[prost(message, repeated, tag = "2")]
    pub(crate) log_records: Vec<Skipped>,
}

/// `ExportMetricsServiceRequest`, down to the data points (to count them).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ExportMetricsServiceRequest {
    #[prost(message, repeated, tag = "1")]
    pub(crate) resource_metrics: Vec<ResourceMetrics>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ResourceMetrics {
    #[prost(message, repeated, tag = "2")]
    pub(crate) scope_metrics: Vec<ScopeMetrics>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ScopeMetrics {
    #[prost(message, repeated, tag = "2")]
    pub(crate) metrics: Vec<Metric>,
}

/// A metric's data: gauge (5), sum (7), histogram (9), exponential
/// histogram (10) or summary (11), each with `data_points` at 1.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Metric {
    #[prost(message, optional, tag = "5")]
    pub(crate) gauge: Option<DataPoints>,
    #[prost(message, optional, tag = "7")]
    pub(crate) sum: Option<DataPoints>,
    #[prost(message, optional, tag = "9")]
    pub(crate) histogram: Option<DataPoints>,
    #[prost(message, optional, tag = "10")]
    pub(crate) exponential_histogram: Option<DataPoints>,
    #[prost(message, optional, tag = "11")]
    pub(crate) summary: Option<DataPoints>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct DataPoints {
    #[prost(message, repeated, tag = "1")]
    pub(crate) data_points: Vec<Skipped>,
}

/// A message whose content is not read (only counted).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Skipped {}

/// `google.rpc.Status`: the body of an OTLP/HTTP error (its `details` are
/// not sent).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub(crate) code: i32,
    #[prost(string, tag = "2")]
    pub(crate) message: String,
}

/// What an `ExportTraceServiceRequest` would decode to, counted on the
/// wire without decoding it.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct TraceCounts {
    pub(crate) spans: usize,
    /// Every message the decoder would build: resources, scopes, spans,
    /// attributes, their values, statuses.
    pub(crate) messages: usize,
}

/// The messages of the trace request that [`ExportTraceServiceRequest`]
/// decodes (other fields are skipped by the decoder, so cost nothing).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Request,
    ResourceSpans,
    Resource,
    ScopeSpans,
    Span,
    KeyValue,
    Leaf,
}

impl Kind {
    /// The decoded message fields of this message: (field number, kind).
    fn fields(self) -> &'static [(u64, Kind)] {
        match self {
            Kind::Request => &[(1, Kind::ResourceSpans)],
            Kind::ResourceSpans => &[(1, Kind::Resource), (2, Kind::ScopeSpans)],
            Kind::Resource => &[(1, Kind::KeyValue)],
            Kind::ScopeSpans => &[(2, Kind::Span)],
            Kind::Span => &[(9, Kind::KeyValue), (15, Kind::Leaf)],
            Kind::KeyValue => &[(2, Kind::Leaf)],
            Kind::Leaf => &[],
        }
    }
}

/// Count the spans and messages of a protobuf trace export, walking only
/// the fields the decoder reads (the recursion follows [`Kind`], six
/// levels, whatever the input). Malformed input is an error.
pub(crate) fn count_trace_messages(buf: &[u8]) -> Result<TraceCounts, &'static str> {
    let mut counts = TraceCounts::default();
    walk(buf, Kind::Request, &mut counts)?;
    Ok(counts)
}

const TRUNCATED: &str = "a field runs past the end of its message";

fn walk(mut buf: &[u8], kind: Kind, counts: &mut TraceCounts) -> Result<(), &'static str> {
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let skip = match key & 7 {
            0 => {
                varint(&mut buf)?;
                0
            }
            1 => 8,
            5 => 4,
            2 => {
                let len = usize::try_from(varint(&mut buf)?).map_err(|_| TRUNCATED)?;
                let inner = buf.get(..len).ok_or(TRUNCATED)?;
                if let Some(&(_, child)) = kind.fields().iter().find(|(f, _)| *f == key >> 3) {
                    counts.messages += 1;
                    counts.spans += usize::from(child == Kind::Span);
                    walk(inner, child, counts)?;
                }
                len
            }
            _ => return Err("it holds a group or an unknown wire type, which OTLP does not use"),
        };
        buf = buf.get(skip..).ok_or(TRUNCATED)?;
    }
    Ok(())
}

/// A base-128 varint, taken off the front of `buf`.
fn varint(buf: &mut &[u8]) -> Result<u64, &'static str> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = buf.split_first().ok_or(TRUNCATED)?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("a varint is longer than ten bytes")
}
