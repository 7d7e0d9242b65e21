//! The members a control-plane request body may carry, as the SDK models
//! them (`control_plane_inputs.json`, generated from the input
//! serializers of `aws-sdk-bedrockagentcorecontrol` by the script beside it).
//! Everything else is dropped before validation and storage, as AWS ignores
//! members it does not model: a caller cannot make the platform keep, and
//! echo back, megabytes of members no operation reads.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

use crate::platform::validation::Object;

/// The generated model: each operation's input shape, and each shape's
/// members with their types (`"s"` a scalar, `"*"` a document, a shape
/// name, `[type]` a list, `{"*": type}` a map).
#[derive(Deserialize)]
struct Model {
    operations: HashMap<String, String>,
    shapes: HashMap<String, Object>,
}

static MODEL: LazyLock<Model> = LazyLock::new(|| {
    serde_json::from_str(include_str!("control_plane_inputs.json"))
        .expect("the embedded control-plane model is valid JSON")
});

/// Drop from `input` (the body of `operation`) every member its model does
/// not have, at every depth. A value of the wrong JSON type is left for
/// validation to report. `None` when the model does not know `operation`.
pub(crate) fn keep_modelled(operation: &str, input: &mut Object) -> Option<()> {
    let shape = MODEL.operations.get(operation)?;
    keep_members(shape, input);
    Some(())
}

/// Recursion is bounded: serde_json refuses input nested over 128 levels.
fn keep_members(shape: &str, object: &mut Object) {
    let Some(members) = MODEL.shapes.get(shape) else {
        return;
    };
    object.retain(|name, _| members.contains_key(name));
    for (name, value) in object.iter_mut() {
        if let Some(kind) = members.get(name) {
            keep_typed(kind, value);
        }
    }
}

fn keep_typed(kind: &Value, value: &mut Value) {
    match (kind, value) {
        (Value::String(shape), Value::Object(object)) if shape != "s" && shape != "*" => {
            keep_members(shape, object);
        }
        (Value::Array(item), Value::Array(items)) => {
            if let Some(item) = item.first() {
                items.iter_mut().for_each(|v| keep_typed(item, v));
            }
        }
        (Value::Object(map), Value::Object(entries)) => {
            if let Some(entry) = map.get("*") {
                entries.values_mut().for_each(|v| keep_typed(entry, v));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kept(operation: &str, body: Value) -> Value {
        let Value::Object(mut input) = body else {
            panic!("an object")
        };
        keep_modelled(operation, &mut input).expect("a modelled operation");
        Value::Object(input)
    }

    #[test]
    fn unknown_members_go_at_every_depth_and_known_ones_stay() {
        let body = json!({
            "name": "g", "junk": 1,
            "authorizerConfiguration": { "customJWTAuthorizer": {
                "discoveryUrl": "u", "allowedAudience": ["a"], "extra": "x",
                "customClaims": [{ "inboundTokenClaimName": "c", "bad": true }] } },
            "tags": { "any-key": "v" },
            "protocolConfiguration": "not an object"
        });
        assert_eq!(
            kept("CreateGateway", body),
            json!({
                "name": "g",
                "authorizerConfiguration": { "customJWTAuthorizer": {
                    "discoveryUrl": "u", "allowedAudience": ["a"],
                    "customClaims": [{ "inboundTokenClaimName": "c" }] } },
                "tags": { "any-key": "v" },
                "protocolConfiguration": "not an object"
            })
        );
    }

    #[test]
    fn recursive_tool_schemas_are_walked() {
        let body = json!({ "name": "t", "targetConfiguration": { "mcp": { "lambda": {
            "lambdaArn": "arn", "toolSchema": { "inlinePayload": [{
                "name": "tool", "x": 1,
                "inputSchema": { "type": "object", "y": 2, "properties": {
                    "id": { "type": "string", "z": 3, "items": { "type": "string", "w": 4 } } } } }] } } } } });
        let kept = kept("CreateGatewayTarget", body);
        let tool = &kept["targetConfiguration"]["mcp"]["lambda"]["toolSchema"]["inlinePayload"][0];
        assert_eq!(
            tool,
            &json!({ "name": "tool", "inputSchema": { "type": "object", "properties": {
                "id": { "type": "string", "items": { "type": "string" } } } } })
        );
    }

    #[test]
    fn every_operation_the_handlers_name_is_modelled() {
        // Each service's control-plane handlers name the operations they parse.
        let handlers = [
            include_str!("../../gateway/handlers.rs"),
            include_str!("../../policy/handlers.rs"),
            include_str!("../../runtime/handlers.rs"),
            include_str!("../../memory/handlers.rs"),
        ]
        .concat();
        let named: Vec<&str> = handlers
            .split("parse_input(body, \"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(named.len(), MODEL.operations.len(), "{named:?}");
        for operation in named {
            assert!(MODEL.operations.contains_key(operation), "{operation}");
        }
        assert!(keep_modelled("NoSuchOperation", &mut Object::new()).is_none());
    }
}
