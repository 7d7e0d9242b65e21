//! The Cedar schema of a gateway, generated from its tools. JSON Schema
//! types map as AgentCore maps them: string → String, integer → Long,
//! boolean → Bool, number → decimal, object → record, array → set; a
//! property the tool does not require is an optional attribute. Properties
//! whose type Cedar cannot express (no `type`, `null`, unions) are left out
//! of the schema and of the requests alike. Local `$ref`s are followed
//! ([`crate::json_schema_refs`]); a recursive model is typed to one level.

use cedar_policy::{Schema, SchemaFragment};
use serde_json::{Map, Value, json};

use super::NAMESPACE;
use crate::Tool;
use crate::json_schema_refs::inlined;

/// A gateway's generated schema, parsed and as Cedar schema text.
#[derive(Debug, Clone)]
pub struct GatewaySchema {
    /// The parsed schema, for validating policies and requests.
    pub schema: Schema,
    /// The same schema in Cedar's human-readable schema syntax.
    pub text: String,
    /// The schema in Cedar's JSON schema format.
    pub json: Value,
}

/// The Cedar type of a JSON Schema node, or `None` when Cedar has no type
/// for it (the attribute is then left out).
pub fn cedar_type(schema: &Value) -> Option<Value> {
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        // `["string", "null"]`: the non-null type of an optional value.
        Some(Value::Array(types)) => {
            let mut real = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null");
            match (real.next(), real.next()) {
                (Some(one), None) => one,
                _ => return None,
            }
        }
        _ if schema.get("properties").is_some() => "object",
        _ => return None,
    };
    Some(match kind {
        "string" => json!({ "type": "String" }),
        "integer" => json!({ "type": "Long" }),
        "boolean" => json!({ "type": "Boolean" }),
        "number" => json!({ "type": "Extension", "name": "decimal" }),
        "object" => json!({ "type": "Record", "attributes": attributes(schema) }),
        "array" => json!({ "type": "Set", "element": cedar_type(schema.get("items")?)? }),
        _ => return None,
    })
}

/// The record attributes of an object schema.
pub(super) fn attributes(schema: &Value) -> Map<String, Value> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            if let Some(Value::Object(mut attribute)) = cedar_type(property) {
                attribute.insert("required".into(), json!(required.contains(&name.as_str())));
                out.insert(name.clone(), Value::Object(attribute));
            }
        }
    }
    out
}

/// The schema in Cedar's JSON format for these tools.
pub fn schema_json(tools: &[Tool]) -> Value {
    let principals = json!(["OAuthUser", "IamEntity"]);
    let actions: Map<String, Value> = tools
        .iter()
        .map(|tool| {
            let view = inlined(&tool.input_schema);
            let input = json!({ "type": "Record", "attributes": attributes(&view) });
            (
                tool.qualified_name.clone(),
                json!({ "appliesTo": {
                    "principalTypes": principals,
                    "resourceTypes": ["Gateway"],
                    "context": { "type": "Record", "attributes": { "input": input } }
                }}),
            )
        })
        .collect();
    json!({ NAMESPACE: {
        "entityTypes": {
            "OAuthUser": {
                "shape": { "type": "Record", "attributes": {} },
                "tags": { "type": "String" }
            },
            "IamEntity": { "shape": { "type": "Record", "attributes": {} } },
            "Gateway": { "shape": { "type": "Record", "attributes": {} } }
        },
        "actions": actions
    }})
}

/// Generate and parse the schema of a gateway with these tools.
pub fn gateway_schema(tools: &[Tool]) -> Result<GatewaySchema, String> {
    let json = schema_json(tools);
    let fragment = SchemaFragment::from_json_value(json.clone())
        .map_err(|e| format!("the generated Cedar schema is invalid: {e}"))?;
    // Cedar prints built-in types fully qualified (`__cedar::String`); the
    // namespace defines no types of those names, so the short form means
    // the same and reads as people write schemas.
    let text = fragment
        .to_cedarschema()
        .map_err(|e| format!("the generated Cedar schema cannot be printed: {e}"))?
        .replace("__cedar::", "");
    let schema = Schema::from_json_value(json.clone())
        .map_err(|e| format!("the generated Cedar schema is invalid: {e}"))?;
    Ok(GatewaySchema { schema, text, json })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Tool, ToolSource};

    pub(crate) fn tool(name: &str, schema: Value) -> Tool {
        Tool {
            qualified_name: name.into(),
            name: name.split("___").nth(1).unwrap_or(name).into(),
            target: name.split("___").next().unwrap_or_default().into(),
            description: String::new(),
            input_schema: schema,
            source: ToolSource::Mcp,
        }
    }

    #[test]
    fn json_schema_types_map_to_cedar_types() {
        let refund = tool(
            "billing___refund",
            json!({ "type": "object", "required": ["amount", "order"], "properties": {
                "amount": { "type": "number" },
                "order": { "type": "string" },
                "count": { "type": "integer" },
                "notify": { "type": "boolean" },
                "tags": { "type": "array", "items": { "type": "string" } },
                "address": { "type": "object", "properties": { "zip": { "type": "string" } } },
                "note": { "type": ["string", "null"] },
                "anything": {}
            }}),
        );
        let schema = gateway_schema(&[refund]).unwrap();
        let text = schema.text;
        for expected in [
            "namespace AgentCore",
            "entity OAuthUser",
            "tags String",
            "action \"billing___refund\"",
            "amount: decimal",
            "order: String",
            "count?: Long",
            "notify?: Bool",
            "tags?: Set<String>",
            "zip?: String",
            "note?: String",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from\n{text}");
        }
        assert!(!text.contains("anything"), "{text}");
        // The printed schema is a real schema: it parses back.
        let _parsed = cedar_policy::SchemaFragment::from_cedarschema_str(&text).unwrap();
    }

    /// A real FastMCP server's schema (tests/fastmcp_server/shop.py): every
    /// model behind a `$ref`, one of them recursive.
    #[test]
    fn fastmcp_refs_become_nested_records() {
        let schema: Value = serde_json::from_str(include_str!(
            "../../../../tests/fastmcp_server/place_order.input_schema.json"
        ))
        .unwrap();
        let json = schema_json(&[tool("shop___place_order", schema)]);
        let input = &json[NAMESPACE]["actions"]["shop___place_order"]["appliesTo"]["context"]["attributes"]
            ["input"]["attributes"];
        let order = &input["order"];
        assert_eq!(order["type"], "Record");
        assert_eq!(order["required"], true);
        let lines = &order["attributes"]["lines"];
        assert_eq!(lines["element"]["attributes"]["sku"]["type"], "String");
        assert_eq!(lines["element"]["attributes"]["size"]["type"], "String");
        assert_eq!(lines["element"]["attributes"]["quantity"]["type"], "Long");
        assert_eq!(
            order["attributes"]["ship_to"]["attributes"]["zip"]["type"],
            "String"
        );
        assert_eq!(
            order["attributes"]["gift_tags"]["element"]["type"],
            "String"
        );
        assert_eq!(order["attributes"]["gift_tags"]["required"], false);
        // The recursive model is typed one level deep.
        let category = &order["attributes"]["category"]["attributes"];
        assert_eq!(category["name"]["type"], "String");
        assert!(category.get("parent").is_none(), "{category}");
        assert_eq!(input["priority"]["type"], "String");
        let text = gateway_schema(&[tool(
            "shop___place_order",
            serde_json::from_str(include_str!(
                "../../../../tests/fastmcp_server/place_order.input_schema.json"
            ))
            .unwrap(),
        )])
        .unwrap()
        .text;
        assert!(text.contains("ship_to: {"), "{text}");
    }
}
