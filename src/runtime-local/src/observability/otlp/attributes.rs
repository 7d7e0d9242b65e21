//! OTLP attribute values as JSON, as the platform keeps and lists them:
//! strings, booleans, numbers, arrays and maps as themselves, bytes in
//! base64 (as OTLP/JSON writes them).

use base64::Engine;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value as V};
use serde_json::{Map, Value, json};

/// An attribute value as JSON (null when it holds nothing). Nesting is
/// bounded by the decoders (prost's and serde_json's recursion limits).
pub(crate) fn value(any: &AnyValue) -> Value {
    match &any.value {
        None => Value::Null,
        Some(V::StringValue(s)) => json!(s),
        Some(V::BoolValue(b)) => json!(b),
        Some(V::IntValue(i)) => json!(i),
        Some(V::DoubleValue(d)) => json!(d),
        Some(V::BytesValue(b)) => json!(base64::engine::general_purpose::STANDARD.encode(b)),
        Some(V::ArrayValue(a)) => Value::Array(a.values.iter().map(value).collect()),
        Some(V::KvlistValue(l)) => Value::Object(map(&l.values)),
        // Profiles only: other signals treat it as absent (the spec says).
        Some(V::StringValueStrindex(_)) => Value::Null,
    }
}

/// Attributes as a JSON object (a key without a value is left out).
pub(crate) fn map(kvs: &[KeyValue]) -> Map<String, Value> {
    kvs.iter()
        .filter_map(|kv| Some((kv.key.clone(), value(kv.value.as_ref()?))))
        .collect()
}

/// A string attribute, or "".
pub(crate) fn text(attributes: &Map<String, Value>, key: &str) -> String {
    attributes
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
