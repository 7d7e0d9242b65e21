//! Checking a JSON value against a JSON Schema, with messages a person can
//! act on. Covers what tool input schemas use: `type` (one or several),
//! `required`, `properties`, `additionalProperties`, `items`, `enum`,
//! `const`, numeric bounds, string and array lengths, and
//! `anyOf`/`oneOf`/`allOf`. Keywords it does not know are ignored, as the
//! JSON Schema spec says.

use serde::Serialize;
use serde_json::{Map, Value};

/// One way the value breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaViolation {
    /// JSON pointer to the offending value (`/customer/email`); empty for the root.
    pub path: String,
    /// What is wrong there, e.g. `missing required property "email"`.
    pub message: String,
}

/// Nesting deeper than this is not followed (a self-referencing schema).
const MAX_DEPTH: usize = 64;
/// Checks made at most for one value: a schema applied to every item of a
/// large array, or many combinators, cost their product. Past this the
/// value is refused (never let through unchecked).
const MAX_STEPS: usize = 1_000_000;
/// Violations reported at most; the rest are summed up in one line.
const MAX_VIOLATIONS: usize = 100;
/// Allowed values or properties a message lists at most.
const MAX_LISTED: usize = 10;

/// Every violation of `schema` by `value`; empty when it conforms. At most
/// [`MAX_VIOLATIONS`] are listed; a value too costly to check (over
/// [`MAX_STEPS`] checks) is refused with a violation saying so.
pub fn validate(schema: &Value, value: &Value) -> Vec<SchemaViolation> {
    let mut checker = Checker { steps: 0 };
    let mut out = Vec::new();
    checker.check(schema, value, "", 0, &mut out);
    if checker.steps > MAX_STEPS {
        out.truncate(MAX_VIOLATIONS - 1);
        push(
            &mut out,
            "",
            format!(
                "the value is too large to check against this schema (over {MAX_STEPS} checks): \
                 send a smaller value"
            ),
        );
    } else if out.len() > MAX_VIOLATIONS {
        out.truncate(MAX_VIOLATIONS - 1);
        push(&mut out, "", "more violations than are listed here".into());
    }
    out
}

fn push(out: &mut Vec<SchemaViolation>, path: &str, message: String) {
    // One past the cap, so `validate` knows there were more.
    if out.len() <= MAX_VIOLATIONS {
        out.push(SchemaViolation {
            path: path.to_owned(),
            message,
        });
    }
}

/// A walk of one value, counting its work.
struct Checker {
    steps: usize,
}

impl Checker {
    /// Count `cost` steps; `false` once over budget (the walk then stops).
    fn spend(&mut self, cost: usize) -> bool {
        self.steps = self.steps.saturating_add(cost);
        self.steps <= MAX_STEPS
    }

    fn check(
        &mut self,
        schema: &Value,
        value: &Value,
        path: &str,
        depth: usize,
        out: &mut Vec<SchemaViolation>,
    ) {
        let Value::Object(schema) = schema else {
            // `false` accepts nothing; `true` (or anything else) accepts all.
            if schema == &Value::Bool(false) {
                push(out, path, "no value is allowed here".into());
            }
            return;
        };
        if depth > MAX_DEPTH || !self.spend(1) {
            return;
        }
        if let Some(types) = schema.get("type")
            && !type_matches(types, value)
        {
            push(
                out,
                path,
                format!("expected {}, got {}", type_names(types), describe(value)),
            );
            // Further keywords would only repeat the mismatch.
            return;
        }
        if let Some(Value::Array(options)) = schema.get("enum")
            && self.spend(options.len())
            && !options.contains(value)
        {
            push(
                out,
                path,
                format!(
                    "{} is not one of {}",
                    short(value),
                    listed(options.iter().map(short))
                ),
            );
        }
        if let Some(expected) = schema.get("const")
            && expected != value
        {
            push(
                out,
                path,
                format!("must be {}, got {}", short(expected), short(value)),
            );
        }
        match value {
            Value::Object(object) => self.check_object(schema, object, path, depth, out),
            Value::Array(items) => self.check_array(schema, items, path, depth, out),
            Value::String(text) => check_string(schema, text, path, out),
            Value::Number(_) => check_number(schema, value, path, out),
            _ => {}
        }
        self.check_combinators(schema, value, path, depth, out);
    }

    fn check_object(
        &mut self,
        schema: &Map<String, Value>,
        object: &Map<String, Value>,
        path: &str,
        depth: usize,
        out: &mut Vec<SchemaViolation>,
    ) {
        if let Some(Value::Array(required)) = schema.get("required")
            && self.spend(required.len())
        {
            for name in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(name) {
                    push(out, path, format!("missing required property \"{name}\""));
                }
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, child) in object {
            if !self.spend(1) {
                return;
            }
            let child_path = format!("{path}/{}", escape(name));
            match properties.and_then(|p| p.get(name)) {
                Some(child_schema) => self.check(child_schema, child, &child_path, depth + 1, out),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        let known = properties.map(|p| listed(p.keys().cloned()));
                        push(
                            out,
                            &child_path,
                            format!(
                                "unknown property \"{name}\" (allowed: {})",
                                known.unwrap_or_else(|| "none".into())
                            ),
                        );
                    }
                    Some(extra @ Value::Object(_)) => {
                        self.check(extra, child, &child_path, depth + 1, out)
                    }
                    _ => {}
                },
            }
        }
    }

    fn check_array(
        &mut self,
        schema: &Map<String, Value>,
        items: &[Value],
        path: &str,
        depth: usize,
        out: &mut Vec<SchemaViolation>,
    ) {
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            push(
                out,
                path,
                format!("needs at least {min} items, has {}", items.len()),
            );
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && (items.len() as u64) > max
        {
            push(
                out,
                path,
                format!("allows at most {max} items, has {}", items.len()),
            );
        }
        if let Some(item_schema) = schema.get("items").filter(|s| s.is_object()) {
            for (i, item) in items.iter().enumerate() {
                if !self.spend(1) {
                    return;
                }
                self.check(item_schema, item, &format!("{path}/{i}"), depth + 1, out);
            }
        }
    }

    /// How many of `options` `value` matches.
    fn matching(&mut self, options: &[Value], value: &Value, path: &str, depth: usize) -> usize {
        let mut count = 0;
        for sub in options {
            let mut scratch = Vec::new();
            self.check(sub, value, path, depth + 1, &mut scratch);
            count += usize::from(scratch.is_empty());
        }
        count
    }

    fn check_combinators(
        &mut self,
        schema: &Map<String, Value>,
        value: &Value,
        path: &str,
        depth: usize,
        out: &mut Vec<SchemaViolation>,
    ) {
        if let Some(Value::Array(all)) = schema.get("allOf") {
            for sub in all {
                self.check(sub, value, path, depth + 1, out);
            }
        }
        if let Some(Value::Array(any)) = schema.get("anyOf")
            && self.matching(any, value, path, depth) == 0
        {
            push(
                out,
                path,
                format!(
                    "{} matches none of the allowed shapes (anyOf)",
                    short(value)
                ),
            );
        }
        if let Some(Value::Array(one)) = schema.get("oneOf") {
            let n = self.matching(one, value, path, depth);
            if n != 1 {
                push(
                    out,
                    path,
                    format!(
                        "{} must match exactly one allowed shape (oneOf), matches {n}",
                        short(value)
                    ),
                );
            }
        }
    }
}

/// The first [`MAX_LISTED`] of `items`, comma-separated.
fn listed(items: impl Iterator<Item = String>) -> String {
    let mut items = items.peekable();
    let mut shown: Vec<String> = items.by_ref().take(MAX_LISTED).collect();
    if items.peek().is_some() {
        shown.push("…".into());
    }
    shown.join(", ")
}

fn check_string(
    schema: &Map<String, Value>,
    text: &str,
    path: &str,
    out: &mut Vec<SchemaViolation>,
) {
    let length = text.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && length < min
    {
        push(
            out,
            path,
            format!("must be at least {min} characters, is {length}"),
        );
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && length > max
    {
        push(
            out,
            path,
            format!("must be at most {max} characters, is {length}"),
        );
    }
}

fn check_number(
    schema: &Map<String, Value>,
    value: &Value,
    path: &str,
    out: &mut Vec<SchemaViolation>,
) {
    let Some(n) = value.as_f64() else {
        return;
    };
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    if let Some(min) = bound("minimum")
        && n < min
    {
        push(out, path, format!("must be ≥ {min}, is {value}"));
    }
    if let Some(max) = bound("maximum")
        && n > max
    {
        push(out, path, format!("must be ≤ {max}, is {value}"));
    }
    if let Some(min) = bound("exclusiveMinimum")
        && n <= min
    {
        push(out, path, format!("must be > {min}, is {value}"));
    }
    if let Some(max) = bound("exclusiveMaximum")
        && n >= max
    {
        push(out, path, format!("must be < {max}, is {value}"));
    }
}

fn type_matches(types: &Value, value: &Value) -> bool {
    match types {
        Value::String(t) => is_type(t, value),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .any(|t| is_type(t, value)),
        _ => true,
    }
}

fn is_type(name: &str, value: &Value) -> bool {
    match name {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        // 3.0 is an integer in JSON Schema; 3.5 is not.
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => true,
    }
}

fn type_names(types: &Value) -> String {
    match types {
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        Value::String(t) => t.clone(),
        other => other.to_string(),
    }
}

/// `string "3"`, `integer 7`, `object`: what was given, briefly.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_f64() => format!("number {n}"),
        Value::Number(n) => format!("integer {n}"),
        Value::String(_) => format!("string {}", short(value)),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
    }
}

/// A value for a message, cut short when long (serialising no more of it
/// than is shown: the value may be megabytes).
fn short(value: &Value) -> String {
    const SHOWN: usize = 40;
    /// Takes bytes until it holds enough, then refuses more.
    struct Prefix(Vec<u8>);
    impl std::io::Write for Prefix {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if self.0.len() > SHOWN * 4 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            self.0.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut prefix = Prefix(Vec::new());
    let _ = serde_json::to_writer(&mut prefix, value);
    let text = String::from_utf8_lossy(&prefix.0);
    if text.chars().count() > SHOWN {
        format!("{}…", text.chars().take(SHOWN).collect::<String>())
    } else {
        text.into_owned()
    }
}

/// JSON pointer escaping of one segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
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

    fn messages(value: Value) -> Vec<String> {
        validate(&schema(), &value)
            .into_iter()
            .map(|v| format!("{}: {}", v.path, v.message))
            .collect()
    }

    #[test]
    fn a_conforming_value_has_no_violations() {
        assert!(
            messages(json!({"email": "a@b.c", "quantity": 3, "priority": "low",
            "tags": ["x"], "customer": {"id": 7}}))
            .is_empty()
        );
        assert!(
            messages(json!({"email": "a@b.c", "quantity": 3.0})).is_empty(),
            "3.0 is an integer"
        );
    }

    #[test]
    fn each_violation_names_where_and_why() {
        let found = messages(
            json!({"quantity": "3", "priority": "urgent", "tags": ["a", 2, "c"],
            "customer": {}, "colour": "red"}),
        );
        let expect = [
            ": missing required property \"email\"",
            "/quantity: expected integer, got string \"3\"",
            "/priority: \"urgent\" is not one of \"low\", \"high\"",
            "/tags: allows at most 2 items, has 3",
            "/tags/1: expected string, got integer 2",
            "/customer: missing required property \"id\"",
            "/colour: unknown property \"colour\" (allowed: ",
        ];
        for e in expect {
            assert!(
                found.iter().any(|f| f.starts_with(e)),
                "missing {e:?} in {found:#?}"
            );
        }
        assert_eq!(found.len(), expect.len(), "{found:#?}");
    }

    #[test]
    fn bounds_lengths_and_combinators() {
        let found = messages(json!({"email": "ab", "quantity": 11}));
        assert!(
            found.iter().any(|m| m.contains("at least 3 characters")),
            "{found:?}"
        );
        assert!(found.iter().any(|m| m.contains("≤ 10")), "{found:?}");
        let one_of = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
        assert!(validate(&one_of, &json!("x")).is_empty());
        assert_eq!(validate(&one_of, &json!(true)).len(), 1);
        assert!(
            validate(&json!(false), &json!(1))[0]
                .message
                .contains("no value")
        );
        assert!(validate(&json!({"type": "object"}), &json!({"any": 1})).is_empty());
    }

    #[test]
    fn work_and_reports_are_bounded() {
        // Checks beyond the budget refuse the value rather than pass it.
        let huge = Value::Array(vec![json!(1); MAX_STEPS]);
        let found = validate(&json!({"items": {"type": "integer"}}), &huge);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("too large to check"), "{found:?}");
        // Many violations: the first ones, and a line saying there are more.
        let wrong = Value::Array(vec![json!(1); 1_000]);
        let found = validate(&json!({"items": {"type": "string"}}), &wrong);
        assert_eq!(found.len(), MAX_VIOLATIONS);
        assert!(
            found[MAX_VIOLATIONS - 1]
                .message
                .contains("more violations")
        );
        // Long lists and values are cut short in messages.
        let options: Vec<Value> = (0..100_000).map(|i| json!(i)).collect();
        let long = json!("x".repeat(1_000_000));
        let found = validate(&json!({"enum": options}), &long);
        assert!(found[0].message.len() < 200, "{}", found[0].message);
        assert!(found[0].message.ends_with("9, …"), "{}", found[0].message);
    }
}
