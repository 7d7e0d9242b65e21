//! Turning an OpenAPI 3 document into gateway tools, one per operation,
//! named by `operationId` as AgentCore does for `openApiSchema` targets.

use serde_json::{Map, Value, json};

use crate::tool::Tool;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

/// Local `$ref`s are followed at most this deep, so cycles terminate.
const MAX_REF_DEPTH: usize = 8;
/// JSON values the inlined schemas of a document's operations hold at
/// most. Each `$ref` copies its target, so a few kilobytes of references
/// to references can expand exponentially (a 2 KB document to 25 MB, 17 s
/// of work, and more); expansion stops with an error at this budget
/// instead. A tool's input schema is rarely more than a few hundred
/// values, so this leaves room for hundreds of large operations.
pub const MAX_EXPANDED_VALUES: usize = 250_000;

/// Why an OpenAPI document could not be turned into tools.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenApiError {
    /// The text does not parse as JSON; holds the parser's message.
    #[error("OpenAPI document is not valid JSON: {0}")]
    NotJson(String),
    /// The document has no `paths` object, so it declares no operations.
    #[error("OpenAPI document has no `paths` object")]
    NoPaths,
    /// An operation lacks the `operationId` its tool would be named by.
    #[error("operation {method} {path} has no operationId; AgentCore names tools by operationId")]
    MissingOperationId {
        /// The HTTP method, upper case (`GET`, `POST`, …).
        method: String,
        /// The path template as the document keys it, e.g. `/orders/{id}`.
        path: String,
    },
    /// Inlining the `$ref` schemas would exceed [`MAX_EXPANDED_VALUES`].
    #[error(
        "the document's $ref schemas expand to more than {MAX_EXPANDED_VALUES} values; \
         reference shared schemas less, or split the API into several targets"
    )]
    TooLarge,
}

/// Parses an OpenAPI document given as text (the form `inlinePayload` takes).
pub fn tools_from_openapi_text(target: &str, text: &str) -> Result<Vec<Tool>, OpenApiError> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| OpenApiError::NotJson(e.to_string()))?;
    tools_from_openapi(target, &doc)
}

/// One tool per operation. The input schema merges path, query and header
/// parameters with the JSON request body's properties.
pub fn tools_from_openapi(target: &str, doc: &Value) -> Result<Vec<Tool>, OpenApiError> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or(OpenApiError::NoPaths)?;
    let mut tools = Vec::new();
    let mut budget = MAX_EXPANDED_VALUES;
    for (path, item) in paths {
        let shared_params = item.get("parameters").and_then(Value::as_array);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let op_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| OpenApiError::MissingOperationId {
                    method: method.to_uppercase(),
                    path: path.clone(),
                })?;
            let description = op
                .get("description")
                .or_else(|| op.get("summary"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let params = shared_params.into_iter().flatten().chain(
                op.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
            let schema = input_schema(doc, params, op.get("requestBody"), &mut budget)?;
            tools.push(Tool::from_target(target, op_id, description, schema));
        }
    }
    Ok(tools)
}

fn input_schema<'a>(
    doc: &Value,
    params: impl Iterator<Item = &'a Value>,
    body: Option<&Value>,
    budget: &mut usize,
) -> Result<Value, OpenApiError> {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for param in params {
        let param = resolve(doc, param, 0, budget)?;
        let Some(name) = param.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mut schema = match param.get("schema") {
            Some(s) => resolve(doc, s, 0, budget)?,
            None => json!({"type": "string"}),
        };
        if let (Some(obj), Some(desc)) = (schema.as_object_mut(), param.get("description")) {
            obj.entry("description").or_insert_with(|| desc.clone());
        }
        if param
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false)
        {
            required.push(Value::String(name.to_string()));
        }
        properties.insert(name.to_string(), schema);
    }
    if let Some(body) = body.map(|b| resolve(doc, b, 0, budget)).transpose()? {
        let body_schema = body
            .pointer("/content/application~1json/schema")
            .map(|s| resolve(doc, s, 0, budget))
            .transpose()?;
        if let Some(Value::Object(props)) = body_schema.as_ref().and_then(|s| s.get("properties")) {
            for (k, v) in props {
                properties.insert(k.clone(), resolve(doc, v, 0, budget)?);
            }
            if let Some(Value::Array(req)) = body_schema.as_ref().and_then(|s| s.get("required")) {
                required.extend(req.iter().cloned());
            }
        }
    }
    let mut schema = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    Ok(schema)
}

/// How to call one operation: what a tool call's arguments map to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationBinding {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path template, e.g. `/stock/{sku}`.
    pub path: String,
    /// `servers[0].url`, when the document has one.
    pub server_url: Option<String>,
    /// Parameters by name and location (`path`, `query`, `header`, `cookie`).
    pub parameters: Vec<(String, String)>,
    /// Whether the operation takes a JSON body (arguments that aren't
    /// parameters go there).
    pub json_body: bool,
}

/// The operation named `operation_id`, as a call needs it.
pub fn operation(doc: &Value, operation_id: &str) -> Option<OperationBinding> {
    let paths = doc.get("paths")?.as_object()?;
    let mut budget = MAX_EXPANDED_VALUES;
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            if op.get("operationId").and_then(Value::as_str) != Some(operation_id) {
                continue;
            }
            let parameters = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                )
                .filter_map(|p| resolve(doc, p, 0, &mut budget).ok())
                .filter_map(|p| {
                    Some((
                        p.get("name")?.as_str()?.to_owned(),
                        p.get("in")
                            .and_then(Value::as_str)
                            .unwrap_or("query")
                            .to_owned(),
                    ))
                })
                .collect();
            let json_body = op
                .get("requestBody")
                .and_then(|b| resolve(doc, b, 0, &mut budget).ok())
                .is_some_and(|b| b.pointer("/content/application~1json").is_some());
            return Some(OperationBinding {
                method: method.to_uppercase(),
                path: path.clone(),
                server_url: doc
                    .pointer("/servers/0/url")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                parameters,
                json_body,
            });
        }
    }
    None
}

/// Replaces a local `#/...` reference by its target, recursively into
/// properties and items, up to [`MAX_REF_DEPTH`], spending `budget` (JSON
/// values produced) as it goes.
fn resolve(
    doc: &Value,
    value: &Value,
    depth: usize,
    budget: &mut usize,
) -> Result<Value, OpenApiError> {
    // Every value produced is paid for, the cut-off ones too.
    spend(budget, 1)?;
    if depth > MAX_REF_DEPTH {
        return Ok(json!({}));
    }
    if let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        return match reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(target) => resolve(doc, target, depth + 1, budget),
            None => Ok(json!({"description": format!("unresolved reference {reference}")})),
        };
    }
    let Value::Object(obj) = value else {
        return copied(value, budget);
    };
    let mut out = Map::new();
    for (k, v) in obj {
        let v = match (k.as_str(), v) {
            ("properties", Value::Object(props)) => {
                spend(budget, 1)?;
                let mut resolved = Map::new();
                for (pk, pv) in props {
                    resolved.insert(pk.clone(), resolve(doc, pv, depth + 1, budget)?);
                }
                Value::Object(resolved)
            }
            ("properties", _) => Value::Object(Map::new()),
            ("items" | "schema", v) => resolve(doc, v, depth + 1, budget)?,
            (_, v) => copied(v, budget)?,
        };
        out.insert(k.clone(), v);
    }
    Ok(Value::Object(out))
}

/// Take `cost` from `budget`, or fail when it would run out.
fn spend(budget: &mut usize, cost: usize) -> Result<(), OpenApiError> {
    *budget = budget.checked_sub(cost).ok_or(OpenApiError::TooLarge)?;
    Ok(())
}

/// A copy of `value`, paid for by its number of JSON values.
fn copied(value: &Value, budget: &mut usize) -> Result<Value, OpenApiError> {
    fn count(value: &Value) -> usize {
        1 + match value {
            Value::Array(items) => items.iter().map(count).sum(),
            Value::Object(members) => members.values().map(count).sum(),
            _ => 0,
        }
    }
    spend(budget, count(value))?;
    Ok(value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"{
      "openapi": "3.0.0",
      "paths": {
        "/items/{sku}": {
          "parameters": [{"name": "sku", "in": "path", "required": true, "schema": {"type": "string"}}],
          "get": {"operationId": "getItem", "summary": "Fetch one item"},
          "patch": {"operationId": "adjustStock",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Adj"}}}}}
        }
      },
      "components": {"schemas": {"Adj": {"type": "object", "required": ["delta"],
        "properties": {"delta": {"type": "integer"}, "reason": {"type": "string", "enum": ["damaged", "recount"]}}}}}
    }"##;

    #[test]
    fn operations_become_tools_with_merged_inputs() {
        let tools = tools_from_openapi_text("inventory", DOC).unwrap();
        assert_eq!(tools.len(), 2);
        let adjust = tools.iter().find(|t| t.name == "adjustStock").unwrap();
        assert_eq!(adjust.qualified_name, "inventory___adjustStock");
        assert_eq!(adjust.input_schema["required"], json!(["sku", "delta"]));
        assert_eq!(
            adjust.input_schema["properties"]["reason"]["enum"],
            json!(["damaged", "recount"])
        );
        let get = tools.iter().find(|t| t.name == "getItem").unwrap();
        assert_eq!(get.description, "Fetch one item");
    }

    #[test]
    fn references_expanding_past_the_budget_are_refused() {
        // Each of S's 40 properties is S again: 40^4 copies within the depth limit.
        let properties: Map<String, Value> = (0..40)
            .map(|i| (format!("p{i}"), json!({"$ref": "#/components/schemas/S"})))
            .collect();
        let doc = json!({
            "paths": {"/x": {"post": {"operationId": "op", "requestBody": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}}}},
            "components": {"schemas": {"S": {"type": "object", "properties": properties}}}
        });
        let started = std::time::Instant::now();
        assert_eq!(tools_from_openapi("x", &doc), Err(OpenApiError::TooLarge));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // A call still finds its operation: it does not expand the body schema.
        assert_eq!(operation(&doc, "op").map(|o| o.json_body), Some(true));
    }

    #[test]
    fn missing_operation_id_is_named() {
        let err = tools_from_openapi_text("x", r#"{"paths": {"/a": {"get": {}}}}"#).unwrap_err();
        assert_eq!(
            err,
            OpenApiError::MissingOperationId {
                method: "GET".into(),
                path: "/a".into()
            }
        );
        assert!(matches!(
            tools_from_openapi_text("x", "{"),
            Err(OpenApiError::NotJson(_))
        ));
    }
}
