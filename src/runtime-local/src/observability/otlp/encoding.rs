//! How an OTLP/HTTP export is read (protobuf or JSON, gzip, deflate or
//! neither, decompressed within a bound) and how a refusal is answered: a
//! `google.rpc.Status` in the request's own encoding.

use std::io::Read;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prost::Message;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::observability::otlp::message_count::{self, Signal};
use crate::platform::wire_errors::{ApiError, ErrorKind};

/// A body may decompress to at most this much (OTLP receivers' usual
/// limit); beyond it the export is refused with 413, having held no more.
pub(crate) const MAX_DECODED_BYTES: usize = 20 * 1024 * 1024;

/// Messages (resources, scopes, spans, records, points, attributes) in one
/// export, counted before it is decoded: room for 10,000 spans of some 50
/// attributes.
pub(crate) const MAX_MESSAGES_PER_EXPORT: usize = 1_000_000;

/// `google.rpc.Status`, the body of an OTLP/HTTP error (not among
/// opentelemetry-proto's messages; its `details` are not sent).
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
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
    pub(crate) fn bad_data(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub(crate) fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// The store cannot keep up: 503 with `Retry-After`, which every
    /// OTLP/HTTP exporter retries (Python's does not retry 429).
    pub(crate) fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// An error answered with `status` (and its `google.rpc.Code`).
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// The error as a gRPC status (the same `google.rpc.Code`).
    pub(crate) fn into_grpc(self) -> tonic::Status {
        tonic::Status::new(tonic::Code::from_i32(self.rpc_code()), self.message)
    }

    /// The `google.rpc.Code` for the HTTP status.
    fn rpc_code(&self) -> i32 {
        match self.status {
            StatusCode::BAD_REQUEST => 3,          // INVALID_ARGUMENT
            StatusCode::FORBIDDEN => 7,            // PERMISSION_DENIED
            StatusCode::PAYLOAD_TOO_LARGE => 8,    // RESOURCE_EXHAUSTED
            StatusCode::SERVICE_UNAVAILABLE => 14, // UNAVAILABLE
            _ => 13,                               // INTERNAL
        }
    }

    /// The error as the client reads it, in `encoding`.
    pub(crate) fn into_response(self, encoding: Encoding) -> Response {
        let code = self.rpc_code();
        let body = match encoding {
            Encoding::Protobuf => RpcStatus {
                code,
                message: self.message,
            }
            .encode_to_vec(),
            Encoding::Json => json!({ "code": code, "message": self.message })
                .to_string()
                .into_bytes(),
        };
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, encoding.content_type())],
            body,
        )
            .into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
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
    pub(crate) fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Protobuf => "application/x-protobuf",
            Self::Json => "application/json",
        })
    }
}

/// The body's encoding; an unknown content type is refused (answered in
/// JSON, which a client of any encoding can read).
pub(crate) fn encoding(headers: &HeaderMap) -> Result<Encoding, OtlpError> {
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
pub(crate) fn body_bytes(headers: &HeaderMap, body: &Bytes) -> Result<Vec<u8>, OtlpError> {
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

/// The refusal of an export of `signal` holding `items` spans, log records
/// or data points in `messages` messages, over [`MAX_MESSAGES_PER_EXPORT`].
pub(crate) fn too_many(signal: Signal, items: &str, messages: usize) -> OtlpError {
    let noun = match signal {
        Signal::Traces => "spans",
        Signal::Logs => "log records",
        Signal::Metrics => "data points",
    };
    OtlpError::too_large(format!(
        "the export holds {items} {noun} in {messages} messages; at most \
         {MAX_MESSAGES_PER_EXPORT} messages are taken at once: send smaller batches \
         (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)"
    ))
}

/// An export request of `signal`, decoded from `bytes` in `encoding`:
/// refused with 413 when it would build more than
/// [`MAX_MESSAGES_PER_EXPORT`] messages (counted first, on the wire or as
/// JSON objects), with 400 when it does not decode.
pub(crate) fn decode<T: Message + Default + DeserializeOwned>(
    encoding: Encoding,
    bytes: &[u8],
    signal: Signal,
) -> Result<T, OtlpError> {
    let what = match signal {
        Signal::Traces => "ExportTraceServiceRequest",
        Signal::Logs => "ExportLogsServiceRequest",
        Signal::Metrics => "ExportMetricsServiceRequest",
    };
    let not_a_request = |e: &dyn std::fmt::Display| {
        OtlpError::bad_data(format!(
            "the body is not an OTLP {what} ({encoding:?}): {e}"
        ))
    };
    let (items, messages) = match encoding {
        Encoding::Protobuf => {
            let counts = message_count::count(bytes, signal).map_err(|e| not_a_request(&e))?;
            (counts.items.to_string(), counts.messages)
        }
        Encoding::Json => ("some".to_owned(), message_count::json_objects(bytes)),
    };
    if messages > MAX_MESSAGES_PER_EXPORT {
        return Err(too_many(signal, &items, messages));
    }
    match encoding {
        Encoding::Protobuf => T::decode(bytes).map_err(|e| not_a_request(&e)),
        Encoding::Json => {
            let mut value: Value = serde_json::from_slice(bytes).map_err(|e| not_a_request(&e))?;
            unreadable_ids_replaced(&mut value, signal);
            serde_json::from_value(value).map_err(|e| not_a_request(&e))
        }
    }
}

/// The one adapter opentelemetry-proto's JSON mapping needs: it refuses a
/// whole export over one id that is not hex. Such an id is replaced, so a
/// span with it is rejected alone, by name, in the partial success (by a
/// one-byte id, "00"), and a log record keeps no ids ("").
fn unreadable_ids_replaced(value: &mut Value, signal: Signal) {
    let hex = |s: &str| s.len().is_multiple_of(2) && s.bytes().all(|b| b.is_ascii_hexdigit());
    let (path, ids, stand_in): (&[&str], &[&str], &str) = match signal {
        Signal::Traces => (
            &["resourceSpans", "scopeSpans", "spans"],
            &["traceId", "spanId", "parentSpanId"],
            "00",
        ),
        Signal::Logs => (
            &["resourceLogs", "scopeLogs", "logRecords"],
            &["traceId", "spanId"],
            "",
        ),
        Signal::Metrics => return,
    };
    let mut level = vec![value];
    for key in path {
        level = level
            .into_iter()
            .filter_map(|v| v.get_mut(*key)?.as_array_mut())
            .flatten()
            .collect();
    }
    for item in level {
        for id in ids {
            if let Some(field) = item.get_mut(*id)
                && !field.as_str().is_some_and(hex)
            {
                *field = Value::String(stand_in.to_owned());
            }
        }
    }
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
}
