//! The Cedar request and entities of one tool call, as AgentCore builds
//! them: the principal is the verified caller (`AgentCore::OAuthUser::"<sub>"`
//! with the token's claims as tags, or `AgentCore::IamEntity::"<arn>"`), the
//! action is the tool, the resource is the gateway's ARN, and
//! `context.input` holds the arguments typed by the tool's input schema.

use cedar_policy::{
    Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, Request, RestrictedExpression,
    Schema,
};
use serde_json::{Map, Value};

use super::NAMESPACE;
use super::schema::attributes;
use crate::CapturedCaller;
use crate::json_schema_refs::inlined;

/// The principal of a caller that no authorizer verified (gateways with
/// authorizer `NONE`).
pub const ANONYMOUS_PRINCIPAL: &str = "anonymous";

/// A tool call as Cedar sees it.
#[derive(Debug, Clone)]
pub struct CedarCall {
    /// The Cedar request: principal, action, resource and typed context.
    pub request: Request,
    /// The entities the request refers to: the principal (with the JWT's
    /// claims as tags for an `OAuthUser`) and the gateway.
    pub entities: Entities,
    /// The principal, action and resource, printed (`AgentCore::OAuthUser::"alice"`).
    pub principal: String,
    /// The action, printed: `AgentCore::Action::"<Target>___<tool>"`.
    pub action: String,
    /// The resource, printed: `AgentCore::Gateway::"<gateway arn>"`.
    pub resource: String,
    /// `context` in Cedar's JSON form (what `context.input` holds; decimals
    /// as `{"__extn": …}`), as request files for the `cedar` CLI carry it.
    pub context: Value,
    /// The entities in Cedar's JSON form: the principal with its tags, and
    /// the gateway.
    pub entities_json: Value,
}

/// The entity types of the model, parsed once: Cedar's parser is far
/// costlier than building a request, and a dry-run builds hundreds of
/// thousands of requests.
fn entity_type(kind: &str) -> Result<EntityTypeName, String> {
    use std::sync::OnceLock;
    static TYPES: OnceLock<Vec<(&'static str, EntityTypeName)>> = OnceLock::new();
    let types = TYPES.get_or_init(|| {
        ["OAuthUser", "IamEntity", "Gateway", "Action"]
            .into_iter()
            .filter_map(|k| Some((k, format!("{NAMESPACE}::{k}").parse().ok()?)))
            .collect()
    });
    types
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, t)| t.clone())
        .ok_or_else(|| format!("{kind} is not an entity type of the AgentCore model"))
}

fn uid(kind: &str, id: &str) -> Result<EntityUid, String> {
    Ok(EntityUid::from_type_name_and_id(
        entity_type(kind)?,
        EntityId::new(id),
    ))
}

/// The Cedar value of `value` typed by the JSON Schema node `schema`, whose
/// Cedar type ([`super::schema::cedar_type`]) is `cedar`; `None` when the value does not
/// fit it. Types are computed once per schema node and passed down, so an
/// array of many items under a large item schema costs their sum, not
/// their product.
fn typed(value: &Value, schema: &Value, cedar: &Value) -> Option<(RestrictedExpression, Value)> {
    match (cedar["type"].as_str()?, value) {
        ("String", Value::String(s)) => {
            Some((RestrictedExpression::new_string(s.clone()), value.clone()))
        }
        ("Long", Value::Number(n)) => {
            let n = n.as_i64()?;
            Some((RestrictedExpression::new_long(n), value.clone()))
        }
        ("Boolean", Value::Bool(b)) => Some((RestrictedExpression::new_bool(*b), value.clone())),
        ("Extension", Value::Number(n)) => {
            // Cedar decimals carry at most four fractional digits.
            let text = format!("{:.4}", n.as_f64()?);
            let expression = RestrictedExpression::new_decimal(&text);
            // Cedar's JSON form of an extension value (entities, requests).
            let json = serde_json::json!({ "__extn": { "fn": "decimal", "arg": text } });
            Some((expression, json))
        }
        ("Set", Value::Array(items)) => {
            let (element, element_type) = (schema.get("items")?, cedar.get("element")?);
            let (expressions, shown): (Vec<_>, Vec<_>) = items
                .iter()
                .filter_map(|item| typed(item, element, element_type))
                .unzip();
            Some((
                RestrictedExpression::new_set(expressions),
                Value::Array(shown),
            ))
        }
        ("Record", Value::Object(_)) => {
            let attributes = cedar.get("attributes")?.as_object()?;
            Some(record(value, schema, attributes))
        }
        _ => None,
    }
}

/// The record of an object value, with only the properties its schema
/// types (`attributes`: their Cedar types, by name), in the value's order.
/// The value's fields are walked, not the schema's properties: many small
/// records under a wide schema cost their own size.
fn record(
    value: &Value,
    schema: &Value,
    attributes: &Map<String, Value>,
) -> (RestrictedExpression, Value) {
    let mut pairs = Vec::new();
    let mut shown = Map::new();
    if let (Some(Value::Object(properties)), Value::Object(fields)) =
        (schema.get("properties"), value)
    {
        for (name, field) in fields {
            let typed = attributes
                .get(name)
                .zip(properties.get(name))
                .and_then(|(cedar, property)| typed(field, property, cedar));
            if let Some((expression, json)) = typed {
                pairs.push((name.clone(), expression));
                shown.insert(name.clone(), json);
            }
        }
    }
    let expression = RestrictedExpression::new_record(pairs)
        .unwrap_or_else(|_| RestrictedExpression::new_record(Vec::new()).expect("empty record"));
    (expression, Value::Object(shown))
}

/// The principal entity of a caller, with claims as tags.
fn principal(caller: &CapturedCaller) -> Result<(EntityUid, Entity), String> {
    if let Some(arn) = &caller.arn {
        let uid = uid("IamEntity", arn)?;
        return Ok((uid.clone(), Entity::with_uid(uid)));
    }
    let sub = caller.sub.as_deref().unwrap_or(ANONYMOUS_PRINCIPAL);
    let uid = uid("OAuthUser", sub)?;
    let tags: Vec<(String, RestrictedExpression)> = caller
        .claims
        .iter()
        .flatten()
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (name.clone(), RestrictedExpression::new_string(text))
        })
        .collect();
    let entity = Entity::new_with_tags(uid.clone(), Vec::new(), Vec::new(), tags)
        .map_err(|e| format!("the caller's claims cannot be Cedar tags: {e}"))?;
    Ok((uid, entity))
}

fn uid_json(uid: &EntityUid) -> Value {
    serde_json::json!({ "type": uid.type_name().to_string(), "id": uid.id().unescaped() })
}

/// The entities of a call in Cedar's JSON entity format.
fn entities_json(principal: &EntityUid, caller: &CapturedCaller, resource: &EntityUid) -> Value {
    let mut principal_json =
        serde_json::json!({ "uid": uid_json(principal), "attrs": {}, "parents": [] });
    if caller.arn.is_none() {
        let tags: Map<String, Value> = caller
            .claims
            .iter()
            .flatten()
            .map(|(name, value)| {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (name.clone(), Value::String(text))
            })
            .collect();
        principal_json["tags"] = Value::Object(tags);
    }
    serde_json::json!([
        principal_json,
        { "uid": uid_json(resource), "attrs": {}, "parents": [] }
    ])
}

/// The Cedar request of a call of `tool` (qualified name) by `caller` on
/// the gateway `gateway_arn`, with `arguments` typed by `input_schema`.
/// With a `schema`, the request is validated against it.
pub fn cedar_call(
    caller: &CapturedCaller,
    tool: &str,
    gateway_arn: &str,
    arguments: &Value,
    input_schema: &Value,
    schema: Option<&Schema>,
) -> Result<CedarCall, String> {
    let (principal_uid, principal_entity) = principal(caller)?;
    let action = uid("Action", tool)?;
    let resource = uid("Gateway", gateway_arn)?;
    let view = inlined(input_schema);
    let (input, shown) = record(arguments, &view, &attributes(&view));
    let context = Context::from_pairs([("input".to_owned(), input)])
        .map_err(|e| format!("the call's context is not a Cedar record: {e}"))?;
    let request = Request::new(
        principal_uid.clone(),
        action.clone(),
        resource.clone(),
        context,
        schema,
    )
    .map_err(|e| format!("the call does not fit the gateway's Cedar schema: {e}"))?;
    let entities_json = entities_json(&principal_uid, caller, &resource);
    let entities =
        Entities::from_entities([principal_entity, Entity::with_uid(resource.clone())], None)
            .map_err(|e| format!("the call's entities are invalid: {e}"))?;
    Ok(CedarCall {
        request,
        entities,
        principal: principal_uid.to_string(),
        action: action.to_string(),
        resource: resource.to_string(),
        context: serde_json::json!({ "input": shown }),
        entities_json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn many_items_under_a_wide_item_schema_cost_their_sum() {
        let properties: Map<String, Value> = (0..2_000)
            .map(|i| (format!("p{i}"), json!({ "type": "string" })))
            .collect();
        let schema = json!({ "type": "object", "properties": { "rows": {
            "type": "array", "items": { "type": "object", "properties": properties } } } });
        let rows = Value::Array(vec![json!({ "p0": "x" }); 20_000]);
        let caller = CapturedCaller {
            kind: "anonymous".into(),
            sub: None,
            arn: None,
            claims: None,
        };
        let started = std::time::Instant::now();
        let call = cedar_call(
            &caller,
            "t___op",
            "arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/g",
            &json!({ "rows": rows }),
            &schema,
            None,
        )
        .unwrap();
        assert_eq!(call.context["input"]["rows"][19_999], json!({ "p0": "x" }));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
}
