//! The SDK's `SchemaDefinition` as a plain JSON Schema value.

use aws_sdk_bedrockagentcorecontrol::types::SchemaDefinition;
use serde_json::{Map, Value, json};

/// Converts recursively; key order is made stable (sorted) because the SDK
/// hands properties over as a `HashMap`.
pub(crate) fn to_json_schema(schema: &SchemaDefinition) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), json!(schema.r#type().as_str()));
    if let Some(desc) = schema.description() {
        out.insert("description".into(), json!(desc));
    }
    if let Some(props) = schema.properties() {
        let mut names: Vec<_> = props.keys().collect();
        names.sort();
        let props: Map<String, Value> = names
            .into_iter()
            .map(|n| (n.clone(), to_json_schema(&props[n])))
            .collect();
        out.insert("properties".into(), Value::Object(props));
    }
    if !schema.required().is_empty() {
        out.insert("required".into(), json!(schema.required()));
    }
    if let Some(items) = schema.items() {
        out.insert("items".into(), to_json_schema(items));
    }
    Value::Object(out)
}
