//! One bounded, inlined view of a JSON Schema for everything that reads a
//! schema's shape: the console's call form and schema tree, and the Cedar
//! schema generated for a gateway. FastMCP and pydantic put argument models
//! under `$defs` (or `definitions`) and point at them with `$ref`; here each
//! local `$ref` is replaced by what it points at, so readers see plain
//! `properties`, `items` and `enum`s.
//!
//! Bounded: a recursive model is expanded once and then shown as a leaf
//! saying so; nesting and the size of the view are capped; a `$ref` to
//! another document is never fetched. Pydantic's `Optional[X]` (`anyOf`
//! of X and `null`) reads as X with `null` among its types.
//!
//! Checking values is not done on this view: the validator follows the
//! original schema's `$ref`s itself.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

/// Nesting of the view at most; deeper schemas become leaves.
pub const MAX_VIEW_DEPTH: usize = 32;
/// JSON nodes the view holds at most (refs used many times multiply).
pub const MAX_VIEW_NODES: usize = 20_000;

/// Keywords whose values are data, not schemas: never resolved.
const DATA_KEYWORDS: [&str; 5] = ["enum", "const", "default", "examples", "required"];

/// `schema` with its local `$ref`s inlined (see the module doc); borrowed
/// unchanged when it has none.
pub fn inlined(schema: &Value) -> Cow<'_, Value> {
    if !has_ref(schema, 0) {
        return Cow::Borrowed(schema);
    }
    let mut walk = Inliner {
        root: schema,
        open: Vec::new(),
        nodes: 0,
    };
    Cow::Owned(walk.node(schema, 0))
}

/// Whether a `$ref` appears anywhere (to the view's depth).
fn has_ref(value: &Value, depth: usize) -> bool {
    if depth > MAX_VIEW_DEPTH {
        return false;
    }
    match value {
        Value::Object(map) => {
            matches!(map.get("$ref"), Some(Value::String(_)))
                || map
                    .iter()
                    .filter(|(k, _)| !DATA_KEYWORDS.contains(&k.as_str()))
                    .any(|(_, v)| has_ref(v, depth + 1))
        }
        Value::Array(items) => items.iter().any(|v| has_ref(v, depth + 1)),
        _ => false,
    }
}

/// One walk of a schema: the refs being expanded on the current path.
struct Inliner<'a> {
    root: &'a Value,
    open: Vec<&'a str>,
    nodes: usize,
}

impl<'a> Inliner<'a> {
    fn node(&mut self, value: &'a Value, depth: usize) -> Value {
        self.nodes += 1;
        if depth > MAX_VIEW_DEPTH || self.nodes > MAX_VIEW_NODES {
            return leaf("nested too deeply or too large to show");
        }
        match value {
            Value::Object(map) => self.object(map, depth),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.node(item, depth + 1))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn object(&mut self, map: &'a Map<String, Value>, depth: usize) -> Value {
        if let Some(Value::String(reference)) = map.get("$ref") {
            return self.reference(reference, map, depth);
        }
        let mut out = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "$defs" | "definitions" => {}
                k if DATA_KEYWORDS.contains(&k) => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {
                    out.insert(key.clone(), self.node(value, depth + 1));
                }
            }
        }
        optional_unwrapped(out)
    }

    /// A `$ref` node: what it points at, under the node's other keywords
    /// (pydantic puts `default` and `description` beside a `$ref`).
    fn reference(
        &mut self,
        reference: &'a str,
        map: &'a Map<String, Value>,
        depth: usize,
    ) -> Value {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        let target = match reference.strip_prefix('#') {
            Some(pointer) => self.root.pointer(pointer),
            None => {
                return with_siblings(
                    leaf(&format!("{reference} is in another document; not followed")),
                    map,
                );
            }
        };
        let Some(target) = target else {
            return with_siblings(leaf(&format!("{reference} points at nothing")), map);
        };
        if self.open.contains(&reference) {
            return with_siblings(
                leaf(&format!("{name} (recursive; expanded once above)")),
                map,
            );
        }
        self.open.push(reference);
        let resolved = self.node(target, depth + 1);
        self.open.pop();
        with_siblings(resolved, map)
    }
}

/// A schema node that stands for something not shown (no type: readers
/// treat it as free JSON, and the Cedar schema leaves it out).
fn leaf(why: &str) -> Value {
    json!({ "description": why })
}

/// `resolved` with the keywords of `map` (except `$ref`) laid over it; a
/// leaf keeps its own description (why it is a leaf).
fn with_siblings(resolved: Value, map: &Map<String, Value>) -> Value {
    let Value::Object(mut out) = resolved else {
        return resolved;
    };
    let is_leaf = !out.contains_key("type") && out.len() == 1;
    for (key, value) in map {
        if key == "$ref" || (is_leaf && key == "description") {
            continue;
        }
        out.insert(key.clone(), value.clone());
    }
    Value::Object(out)
}

/// `anyOf: [X, {"type": "null"}]` (pydantic's `Optional[X]`) as X with
/// `null` among its types; other nodes unchanged.
fn optional_unwrapped(mut node: Map<String, Value>) -> Value {
    let Some(Value::Array(options)) = node.get("anyOf") else {
        return Value::Object(node);
    };
    let is_null = |o: &Value| o.get("type") == Some(&json!("null"));
    let (nulls, others): (Vec<&Value>, Vec<&Value>) = options.iter().partition(|o| is_null(o));
    let (1, [Value::Object(inner)]) = (nulls.len(), others.as_slice()) else {
        return Value::Object(node);
    };
    let mut merged = inner.clone();
    if let Some(Value::String(kind)) = inner.get("type") {
        merged.insert("type".into(), json!([kind, "null"]));
    }
    node.remove("anyOf");
    merged.extend(node);
    Value::Object(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The input schema a real FastMCP server (tests/fastmcp_server/shop.py)
    /// publishes for `place_order`.
    fn fastmcp() -> Value {
        serde_json::from_str(include_str!(
            "../../../tests/fastmcp_server/place_order.input_schema.json"
        ))
        .unwrap()
    }

    #[test]
    fn fastmcp_models_are_inlined_with_recursion_cut_once() {
        let schema = fastmcp();
        let view = inlined(&schema);
        let order = &view["properties"]["order"];
        assert_eq!(order["type"], "object");
        assert_eq!(
            order["properties"]["lines"]["items"]["properties"]["size"]["enum"],
            json!(["small", "large"])
        );
        assert_eq!(
            order["properties"]["ship_to"]["properties"]["zip"]["pattern"],
            "^[0-9]{5}$"
        );
        assert_eq!(
            order["properties"]["gift_tags"]["type"],
            json!(["array", "null"])
        );
        let category = &order["properties"]["category"];
        assert_eq!(category["type"], json!(["object", "null"]));
        let parent = &category["properties"]["parent"];
        assert!(parent.get("properties").is_none(), "{parent}");
        assert!(
            parent["description"]
                .as_str()
                .unwrap()
                .contains("recursive"),
            "{parent}"
        );
        assert_eq!(view["properties"]["priority"]["default"], "small");
        assert_eq!(
            view["properties"]["priority"]["enum"],
            json!(["small", "large"])
        );
        assert!(view.get("$defs").is_none());
    }

    #[test]
    fn schemas_without_refs_are_borrowed() {
        let plain = json!({ "type": "object", "properties": { "a": { "type": "string" } } });
        assert!(matches!(inlined(&plain), Cow::Borrowed(_)));
        let data = json!({ "enum": [{ "$ref": "#/x" }] });
        assert!(matches!(inlined(&data), Cow::Borrowed(_)));
    }

    #[test]
    fn remote_missing_and_exploding_refs_stay_bounded() {
        let schema = json!({ "definitions": { "A": { "type": "string" } }, "properties": {
            "remote": { "$ref": "https://example.com/s.json" },
            "missing": { "$ref": "#/definitions/Nope" },
            "old": { "$ref": "#/definitions/A" } } });
        let view = inlined(&schema);
        assert!(
            view["properties"]["remote"]["description"]
                .as_str()
                .unwrap()
                .contains("another document")
        );
        assert!(
            view["properties"]["missing"]["description"]
                .as_str()
                .unwrap()
                .contains("nothing")
        );
        assert_eq!(view["properties"]["old"]["type"], "string");
        // Each level uses the next ten times: 10^8 nodes if expanded fully.
        let mut defs = Map::new();
        for level in 0..8 {
            let next = json!({ "$ref": format!("#/$defs/L{}", level + 1) });
            let props: Map<String, Value> =
                (0..10).map(|i| (format!("p{i}"), next.clone())).collect();
            defs.insert(
                format!("L{level}"),
                json!({ "type": "object", "properties": props }),
            );
        }
        defs.insert("L8".into(), json!({ "type": "string" }));
        let bomb = json!({ "$defs": defs, "$ref": "#/$defs/L0" });
        let started = std::time::Instant::now();
        let view = inlined(&bomb);
        assert!(view.to_string().len() < 10_000_000);
        assert!(started.elapsed().as_secs() < 5);
    }
}
