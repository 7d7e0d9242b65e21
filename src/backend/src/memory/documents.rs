//! Smithy documents (event blobs) as JSON values, depth-bounded.

use aws_smithy_types::{Document, Number};
use serde_json::Value;

/// Deeper than this, a document's rest is cut (`null`).
const MAX_DEPTH: usize = 64;

/// `doc` as a JSON value.
pub(crate) fn to_json(doc: &Document) -> Value {
    convert(doc, 0)
}

fn convert(doc: &Document, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match doc {
        Document::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), convert(v, depth + 1)))
                .collect(),
        ),
        Document::Array(items) => {
            Value::Array(items.iter().map(|v| convert(v, depth + 1)).collect())
        }
        Document::Number(Number::PosInt(n)) => Value::from(*n),
        Document::Number(Number::NegInt(n)) => Value::from(*n),
        Document::Number(Number::Float(f)) => Value::from(*f),
        Document::String(s) => Value::String(s.clone()),
        Document::Bool(b) => Value::Bool(*b),
        Document::Null => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_documents_convert_and_depth_is_bounded() {
        let mut doc = Document::String("x".into());
        for _ in 0..100 {
            doc = Document::Array(vec![doc]);
        }
        let json = to_json(&doc).to_string();
        assert!(json.contains("null") && !json.contains('x'));
        let obj = Document::Object([("a".to_string(), Document::Bool(true))].into());
        assert_eq!(to_json(&obj), serde_json::json!({"a": true}));
    }
}
