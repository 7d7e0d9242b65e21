//! Checking a JSON value against a JSON Schema, with messages a person can
//! act on: where (a JSON pointer) and why. The checking itself is the
//! `jsonschema` crate's, which passes the official JSON-Schema-Test-Suite
//! (drafts 4 to 2020-12): `$ref`/`$defs`, `pattern`, `format`,
//! `patternProperties`, `if`/`then`/`else`, `dependentRequired` and the rest.
//!
//! Tool schemas come from remote MCP servers and are untrusted, so they are
//! bounded before use: a schema too large or too deeply nested is refused,
//! a `$ref` outside the schema is never fetched, and `pattern`s run on a
//! linear-time regex engine with a size limit.

use jsonschema::error::ValidationErrorKind;
use jsonschema::{PatternOptions, Retrieve, Uri, ValidationError};
use serde::Serialize;
use serde_json::Value;

/// One way the value breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaViolation {
    /// JSON pointer to the offending value (`/customer/email`); empty for the root.
    pub path: String,
    /// What is wrong there, e.g. `"email" is a required property`.
    pub message: String,
}

/// A schema nested deeper than this is refused.
pub const MAX_SCHEMA_DEPTH: usize = 64;
/// A schema with more JSON nodes than this is refused.
pub const MAX_SCHEMA_NODES: usize = 100_000;
/// Violations reported at most; the rest are summed up in one line.
const MAX_VIOLATIONS: usize = 100;
/// A message is cut short past this many characters (values are quoted in
/// messages, and a value may be large).
const MAX_MESSAGE_CHARS: usize = 240;
/// Compiled size limit of one `pattern` (bytes of the regex program).
const MAX_PATTERN_BYTES: usize = 1 << 20;

/// Every violation of `schema` by `value`; empty when it conforms. At most
/// [`MAX_VIOLATIONS`] are listed. A schema that cannot be used (invalid,
/// too large, a `$ref` outside itself) refuses every value with a
/// violation saying why: a value is never let through unchecked.
pub fn validate(schema: &Value, value: &Value) -> Vec<SchemaViolation> {
    let validator = match compile(schema) {
        Ok(validator) => validator,
        Err(reason) => {
            return vec![SchemaViolation {
                path: String::new(),
                message: format!(
                    "the tool's inputSchema cannot be used ({reason}): fix the schema the \
                     server publishes"
                ),
            }];
        }
    };
    let mut out = Vec::new();
    for error in validator.iter_errors(value) {
        explain(&error, 0, &mut out);
        if out.len() > MAX_VIOLATIONS {
            break;
        }
    }
    if out.len() > MAX_VIOLATIONS {
        out.truncate(MAX_VIOLATIONS - 1);
        out.push(SchemaViolation {
            path: String::new(),
            message: "more violations than are listed here".into(),
        });
    }
    out
}

/// Whether `schema` is a schema [`validate`] can use; the reason when not.
pub fn check_schema(schema: &Value) -> Result<(), String> {
    compile(schema).map(|_| ())
}

fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    bounded(schema)?;
    jsonschema::options()
        .with_retriever(NoRemoteRefs)
        .with_pattern_options(
            PatternOptions::regex()
                .size_limit(MAX_PATTERN_BYTES)
                .dfa_size_limit(MAX_PATTERN_BYTES),
        )
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| shortened(&e.to_string()))
}

/// Refuse a schema too deep or too large to compile safely.
fn bounded(schema: &Value) -> Result<(), String> {
    let mut nodes = 0usize;
    let mut stack = vec![(schema, 1usize)];
    while let Some((node, depth)) = stack.pop() {
        nodes += 1;
        if nodes > MAX_SCHEMA_NODES {
            return Err(format!("over {MAX_SCHEMA_NODES} JSON nodes"));
        }
        if depth > MAX_SCHEMA_DEPTH {
            return Err(format!("nested deeper than {MAX_SCHEMA_DEPTH} levels"));
        }
        match node {
            Value::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    Ok(())
}

/// A `$ref` to another document is refused, never fetched: a tool schema
/// must be self-contained.
struct NoRemoteRefs;

impl Retrieve for NoRemoteRefs {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!(
            "$ref {} points outside the schema; references are only followed within it \
             ($defs, definitions)",
            shortened(uri.as_str())
        )
        .into())
    }
}

/// `anyOf`/`oneOf` levels looked into at most for the one branch meant.
const MAX_BRANCH_DEPTH: usize = 8;

/// The violations `error` stands for. When an `anyOf`/`oneOf` fails and
/// only one branch has the value's type (pydantic's `Optional[Model]`:
/// the model or `null`), that branch's own violations say more than "not
/// valid under any of the schemas", so they are reported instead.
fn explain(error: &ValidationError<'_>, depth: usize, out: &mut Vec<SchemaViolation>) {
    let context = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            context
        }
        _ => {
            out.push(violation(error));
            return;
        }
    };
    let mut meant = context.iter().filter(|branch| {
        !matches!(&branch[..], [only] if matches!(only.kind(), ValidationErrorKind::Type { .. })
            && only.instance_path() == error.instance_path())
    });
    match (meant.next(), meant.next()) {
        (Some(branch), None) if depth < MAX_BRANCH_DEPTH => {
            for inner in branch {
                explain(inner, depth + 1, out);
            }
        }
        _ => out.push(violation(error)),
    }
}

fn violation(error: &ValidationError<'_>) -> SchemaViolation {
    SchemaViolation {
        path: error.instance_path().as_str().to_owned(),
        message: shortened(&error.to_string()),
    }
}

/// `text`, cut at [`MAX_MESSAGE_CHARS`] characters with an ellipsis.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "required": ["email", "quantity"],
            "additionalProperties": false,
            "properties": {
                "email": { "type": "string", "minLength": 3 },
                "quantity": { "type": "integer", "minimum": 1, "maximum": 10 },
                "priority": { "enum": ["low", "high"] },
                "tags": { "type": "array", "items": { "type": "string" }, "maxItems": 2 },
                "customer": { "type": "object", "required": ["id"],
                              "properties": { "id": { "type": ["string", "integer"] } } }
            }
        })
    }

    fn messages(schema: &Value, value: Value) -> Vec<String> {
        validate(schema, &value)
            .into_iter()
            .map(|v| format!("{}: {}", v.path, v.message))
            .collect()
    }

    fn expect_all(found: &[String], expect: &[&str]) {
        for e in expect {
            assert!(
                found.iter().any(|f| f.starts_with(e)),
                "missing {e:?} in {found:#?}"
            );
        }
        assert_eq!(found.len(), expect.len(), "{found:#?}");
    }

    #[test]
    fn a_conforming_value_has_no_violations() {
        let found = messages(
            &schema(),
            json!({"email": "a@b.c", "quantity": 3, "priority": "low",
            "tags": ["x"], "customer": {"id": 7}}),
        );
        assert!(found.is_empty(), "{found:?}");
        let found = messages(&schema(), json!({"email": "a@b.c", "quantity": 3.0}));
        assert!(found.is_empty(), "3.0 is an integer: {found:?}");
    }

    #[test]
    fn each_violation_names_where_and_why() {
        let found = messages(
            &schema(),
            json!({"quantity": "3", "priority": "urgent", "tags": ["a", 2, "c"],
            "customer": {}, "colour": "red"}),
        );
        expect_all(
            &found,
            &[
                ": \"email\" is a required property",
                "/quantity: \"3\" is not of type \"integer\"",
                "/priority: \"urgent\" is not one of \"low\" or \"high\"",
                "/tags: [\"a\",2,\"c\"] has more than 2 items",
                "/tags/1: 2 is not of type \"string\"",
                "/customer: \"id\" is a required property",
                ": Additional properties are not allowed ('colour' was unexpected)",
            ],
        );
    }

    /// What FastMCP and pydantic write: models under `$defs`, `$ref`s to
    /// them (recursive too), `pattern`, `format`, `patternProperties`,
    /// `if`/`then`/`else` and `dependentRequired`.
    #[test]
    fn refs_patterns_and_conditionals_are_checked() {
        let schema = json!({
            "$defs": {
                "Address": { "type": "object", "required": ["zip"], "properties": {
                    "zip": { "type": "string", "pattern": "^[0-9]{5}$" } } },
                "Node": { "type": "object", "properties": {
                    "child": { "$ref": "#/$defs/Node" }, "name": { "type": "string" } } }
            },
            "type": "object",
            "properties": {
                "address": { "$ref": "#/$defs/Address" },
                "tree": { "$ref": "#/$defs/Node" },
                "when": { "type": "string", "format": "date" },
                "labels": { "type": "object", "patternProperties": { "^x-": { "type": "integer" } } },
                "kind": { "type": "string" },
                "card": { "type": "string" }
            },
            "if": { "properties": { "kind": { "const": "card" } }, "required": ["kind"] },
            "then": { "required": ["card"] },
            "dependentRequired": { "card": ["kind"] }
        });
        let found = messages(
            &schema,
            json!({ "address": { "zip": "12a45" }, "tree": { "child": { "child": { "name": 1 } } },
                    "when": "yesterday", "labels": { "x-a": "one" }, "kind": "card" }),
        );
        expect_all(
            &found,
            &[
                "/address/zip: \"12a45\" does not match \"^[0-9]{5}$\"",
                "/tree/child/child/name: 1 is not of type \"string\"",
                "/when: \"yesterday\" is not a \"date\"",
                "/labels/x-a: \"one\" is not of type \"integer\"",
                ": \"card\" is a required property",
            ],
        );
        let found = messages(&schema, json!({ "card": "4111" }));
        expect_all(&found, &[": \"kind\" is a required property"]);
    }

    /// Pydantic's `Optional[Model]` is `anyOf: [Model, null]`: a bad field
    /// inside is reported at its own path, not as "not valid under anyOf".
    #[test]
    fn optional_models_report_the_field_inside() {
        let schema: Value = serde_json::from_str(include_str!(
            "../../../tests/fastmcp_server/place_order.input_schema.json"
        ))
        .unwrap();
        let found = messages(
            &schema,
            json!({ "order": { "lines": [], "ship_to": { "street": "a", "zip": "12345" },
                "category": { "parent": { "name": 7 } } } }),
        );
        expect_all(
            &found,
            &[
                "/order/category/parent/name: 7 is not of type \"string\"",
                "/order/category: \"name\" is a required property",
            ],
        );
        // Two branches that both fit the type: the anyOf itself is reported.
        let either = json!({ "anyOf": [{ "type": "string", "minLength": 5 }, { "type": "string", "pattern": "^x" }] });
        let found = messages(&either, json!("abc"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("anyOf"), "{found:?}");
    }

    #[test]
    fn unusable_schemas_refuse_every_value() {
        let remote = json!({ "$ref": "https://example.com/schema.json" });
        let found = messages(&remote, json!(1));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("points outside the schema"), "{found:?}");
        let invalid = json!({ "type": "no-such-type" });
        assert!(messages(&invalid, json!(1))[0].contains("cannot be used"));
        let mut deep = json!({ "type": "string" });
        for _ in 0..MAX_SCHEMA_DEPTH {
            deep = json!({ "items": deep });
        }
        assert!(messages(&deep, json!([]))[0].contains("nested deeper"));
        let wide: serde_json::Map<String, Value> = (0..MAX_SCHEMA_NODES)
            .map(|i| (format!("p{i}"), json!({})))
            .collect();
        let found = messages(&json!({ "properties": wide }), json!({}));
        assert!(found[0].contains("JSON nodes"), "{found:?}");
    }

    #[test]
    fn reports_and_patterns_are_bounded() {
        // Many violations: the first ones, and a line saying there are more.
        let wrong = Value::Array(vec![json!(1); 1_000]);
        let found = validate(&json!({"items": {"type": "string"}}), &wrong);
        assert_eq!(found.len(), MAX_VIOLATIONS);
        assert!(
            found[MAX_VIOLATIONS - 1]
                .message
                .contains("more violations")
        );
        // Long values are cut short in messages.
        let long = json!("x".repeat(1_000_000));
        let found = validate(&json!({"enum": [1, 2]}), &long);
        assert!(found[0].message.chars().count() <= MAX_MESSAGE_CHARS + 1);
        assert!(found[0].message.ends_with('…'), "{}", found[0].message);
        // A catastrophic-backtracking pattern runs in linear time.
        let evil = json!({ "type": "string", "pattern": "^(a+)+$" });
        let started = std::time::Instant::now();
        let found = validate(&evil, &json!(format!("{}!", "a".repeat(100_000))));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }
}
