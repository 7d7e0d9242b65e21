//! Flattening a JSON Schema into rows a terminal can show as a tree, its
//! `$ref`s followed ([`crate::json_schema_refs`]).

use serde::Serialize;
use serde_json::Value;

use crate::json_schema_refs::inlined;

/// Schemas nested deeper than this are cut off rather than followed, so a
/// self-referential or hostile schema cannot blow up the view.
const MAX_DEPTH: usize = 12;

/// One row of a schema tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaNode {
    /// Nesting level; the root's properties are at depth 0.
    pub depth: usize,
    /// Property name, or `[]` for an array's items.
    pub name: String,
    /// `string`, `integer`, `object`, `array<string>`, `string|null`, ...
    pub type_label: String,
    /// Whether the parent object lists the property in `required` (false for `[]` rows).
    pub required: bool,
    /// Allowed values when the schema has an `enum` (rendered as JSON).
    pub enum_values: Vec<String>,
    /// The property's `description`; None when the schema gives none.
    pub description: Option<String>,
    /// `format`, `default`, bounds and patterns, already rendered.
    pub constraints: Vec<String>,
}

/// The rows for an object schema's properties, depth first, in the order the
/// schema lists them (serde_json keeps insertion order with `preserve_order`
/// off, so we sort for stability: required first, then by name).
pub fn schema_tree(schema: &Value) -> Vec<SchemaNode> {
    let mut rows = Vec::new();
    push_children(&inlined(schema), 0, &mut rows);
    rows
}

fn push_children(schema: &Value, depth: usize, rows: &mut Vec<SchemaNode>) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut names: Vec<&String> = props.keys().collect();
        names.sort_by_key(|n| (!required.contains(&n.as_str()), n.as_str()));
        for name in names {
            let prop = &props[name];
            rows.push(node(name, prop, required.contains(&name.as_str()), depth));
            push_nested(prop, depth + 1, rows);
        }
    }
}

fn push_nested(prop: &Value, depth: usize, rows: &mut Vec<SchemaNode>) {
    if depth > MAX_DEPTH {
        return;
    }
    if prop.get("properties").is_some() {
        push_children(prop, depth, rows);
    }
    if let Some(items) = prop.get("items")
        && (items.get("properties").is_some() || items.get("enum").is_some())
    {
        rows.push(node("[]", items, false, depth));
        push_nested(items, depth + 1, rows);
    }
}

fn node(name: &str, prop: &Value, required: bool, depth: usize) -> SchemaNode {
    SchemaNode {
        depth,
        name: name.to_string(),
        type_label: type_label(prop),
        required,
        enum_values: prop
            .get("enum")
            .and_then(Value::as_array)
            .map(|vals| vals.iter().map(Value::to_string).collect())
            .unwrap_or_default(),
        description: prop
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        constraints: constraints(prop),
    }
}

/// A compact label for a property's type.
pub fn type_label(prop: &Value) -> String {
    let base = match prop.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("|"),
        _ if prop.get("oneOf").is_some() => "oneOf".into(),
        _ if prop.get("anyOf").is_some() => "anyOf".into(),
        _ if prop.get("properties").is_some() => "object".into(),
        _ => "any".into(),
    };
    if base == "array" {
        let item = prop
            .get("items")
            .map(type_label)
            .unwrap_or_else(|| "any".into());
        format!("array<{item}>")
    } else {
        base
    }
}

fn constraints(prop: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in [
        "format",
        "default",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "pattern",
    ] {
        if let Some(v) = prop.get(key) {
            let shown = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push(format!("{key}={shown}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_arrays_enums_and_required_flags() {
        let schema = json!({
            "type": "object",
            "required": ["query"],
            "properties": {
                "limit": {"type": "integer", "maximum": 100},
                "query": {"type": "string", "description": "free text"},
                "filter": {"type": "object", "properties": {
                    "stage": {"type": "string", "enum": ["open", "won"]}
                }},
                "tags": {"type": "array", "items": {"type": "string"}}
            }
        });
        let rows = schema_tree(&schema);
        let names: Vec<_> = rows.iter().map(|r| (r.depth, r.name.as_str())).collect();
        assert_eq!(
            names,
            vec![
                (0, "query"),
                (0, "filter"),
                (1, "stage"),
                (0, "limit"),
                (0, "tags")
            ]
        );
        assert!(rows[0].required && !rows[3].required);
        assert_eq!(rows[2].enum_values, vec!["\"open\"", "\"won\""]);
        assert_eq!(rows[4].type_label, "array<string>");
        assert_eq!(rows[3].constraints, vec!["maximum=100"]);
    }

    #[test]
    fn self_nesting_is_cut_off() {
        let mut schema = json!({"type": "string"});
        for _ in 0..50 {
            schema = json!({"type": "object", "properties": {"next": schema}});
        }
        assert_eq!(schema_tree(&schema).len(), MAX_DEPTH + 1);
    }
}
