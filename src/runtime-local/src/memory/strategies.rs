//! Memory strategies: the input union (`semanticMemoryStrategy`, …,
//! `customMemoryStrategy`) checked and turned into the stored, answered
//! shape (`strategyId`, `type`, `configuration`, and both `namespaces` and
//! `namespaceTemplates`), and what extraction needs to know of each.

use serde_json::{Map, Value, json};

use crate::platform::ids;
use crate::platform::validation::{Object, Violations, is_memory_name, join};

/// The most strategies one memory holds (AWS's quota).
pub(crate) const MAX_STRATEGIES: usize = 6;

/// Namespace template of actor-scoped strategies (the SDK's default).
pub(crate) const ACTOR_TEMPLATE: &str = "/strategies/{memoryStrategyId}/actors/{actorId}/";
/// Namespace template of session-scoped strategies (the SDK's default).
pub(crate) const SESSION_TEMPLATE: &str =
    "/strategies/{memoryStrategyId}/actors/{actorId}/sessions/{sessionId}/";

/// `[a-zA-Z0-9\-_\/]*(\{(actorId|sessionId|memoryStrategyId)\}[a-zA-Z0-9\-_\/]*)*`
fn is_namespace_template(s: &str) -> bool {
    let mut rest = s;
    loop {
        let plain = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/')))
            .unwrap_or(rest.len());
        rest = &rest[plain..];
        if rest.is_empty() {
            return true;
        }
        let Some(after) = ["{actorId}", "{sessionId}", "{memoryStrategyId}"]
            .iter()
            .find_map(|p| rest.strip_prefix(p))
        else {
            return false;
        };
        rest = after;
    }
}

const TEMPLATE_PATTERN: &str =
    "[a-zA-Z0-9\\-_\\/]*(\\{(actorId|sessionId|memoryStrategyId)\\}[a-zA-Z0-9\\-_\\/]*)*";

/// The namespace templates a strategy input gives (`namespaceTemplates`,
/// else the deprecated `namespaces`), checked; `None` when it gives none.
fn templates(v: &mut Violations, input: &Object, at: &str) -> Option<Vec<Value>> {
    let key = if input
        .get("namespaceTemplates")
        .is_some_and(|t| !t.is_null())
    {
        "namespaceTemplates"
    } else {
        "namespaces"
    };
    let list = v.list(input, at, key, false, 1, 1)?;
    for item in list {
        match item.as_str() {
            Some(t) => {
                v.length(&join(at, key), t, 1, 512);
                v.pattern(
                    &join(at, key),
                    t,
                    is_namespace_template(t),
                    TEMPLATE_PATTERN,
                );
            }
            None => v.add(
                &join(at, key),
                Some(item),
                "Member must be a list of strings",
            ),
        }
    }
    Some(list.clone())
}

/// One `MemoryStrategyInput` (at `at`) as a stored strategy, created `now`
/// and settling at `settles`; `None` (with violations) when malformed.
pub(crate) fn strategy_from_input(
    v: &mut Violations,
    union: &Value,
    at: &str,
    now: i64,
    settles: i64,
) -> Option<Value> {
    let Some(union) = union.as_object() else {
        v.add(at, Some(union), "Member must be a structure");
        return None;
    };
    let (member, body) = v.union_members(at, union)?;
    let at = join(at, member);
    let Some(input) = body.as_object() else {
        v.add(&at, Some(body), "Member must be a structure");
        return None;
    };
    let name = v.required_str(input, &at, "name")?;
    v.pattern(
        &join(&at, "name"),
        name,
        is_memory_name(name),
        "[a-zA-Z][a-zA-Z0-9_]{0,47}",
    );
    v.optional_len(input, &at, "description", 1, 4096);
    let (kind, configuration, default_template) = match member {
        "semanticMemoryStrategy" => ("SEMANTIC", None, Some(ACTOR_TEMPLATE)),
        "userPreferenceMemoryStrategy" => ("USER_PREFERENCE", None, Some(ACTOR_TEMPLATE)),
        "summaryMemoryStrategy" => ("SUMMARIZATION", None, Some(SESSION_TEMPLATE)),
        "episodicMemoryStrategy" => (
            "EPISODIC",
            input
                .get("reflectionConfiguration")
                .filter(|r| !r.is_null())
                .map(|r| json!({"reflection": {"episodicReflectionConfiguration": r}})),
            Some(SESSION_TEMPLATE),
        ),
        "customMemoryStrategy" => {
            let (configuration, template) = custom_configuration(v, input, &at)?;
            ("CUSTOM", Some(configuration), template)
        }
        other => {
            v.add(
                &at,
                Some(body),
                format!("{other} is not a memory strategy the local platform knows"),
            );
            return None;
        }
    };
    let templates = templates(v, input, &at)
        .or_else(|| default_template.map(|t| vec![json!(t)]))
        .unwrap_or_default();
    let mut strategy = json!({
        "strategyId": format!("{name}-{}", ids::new_alnum_suffix()),
        "name": name,
        "type": kind,
        "namespaces": templates,
        "namespaceTemplates": templates,
        "status": "CREATING",
        "createdAtMs": now,
        "updatedAtMs": now,
        "settlesAtMs": settles,
    });
    for key in ["description", "memoryRecordSchema"] {
        if let Some(value) = input.get(key).filter(|x| !x.is_null()) {
            strategy[key] = value.clone();
        }
    }
    if let Some(configuration) = configuration {
        strategy["configuration"] = configuration;
    }
    Some(strategy)
}

/// A custom strategy's `configuration` in its answered shape, and the
/// default namespace template of the type it overrides.
fn custom_configuration(
    v: &mut Violations,
    input: &Object,
    at: &str,
) -> Option<(Value, Option<&'static str>)> {
    let (member, body) = v.union(input, at, "configuration", true)?;
    let at = join(&join(at, "configuration"), member);
    let Some(body) = body.as_object() else {
        v.add(&at, Some(body), "Member must be a structure");
        return None;
    };
    let overrides = |prefix: &str, parts: &[&str]| {
        let mut configuration = Map::new();
        for part in parts {
            if let Some(value) = body.get(*part).filter(|x| !x.is_null()) {
                let (outer, inner) = match *part {
                    "extraction" => ("customExtractionConfiguration", "ExtractionOverride"),
                    "consolidation" => {
                        ("customConsolidationConfiguration", "ConsolidationOverride")
                    }
                    _ => ("customReflectionConfiguration", "ReflectionOverride"),
                };
                configuration.insert(
                    (*part).to_owned(),
                    json!({ outer: { format!("{prefix}{inner}"): value } }),
                );
            }
        }
        configuration
    };
    let (kind, mut configuration, template) = match member {
        "semanticOverride" => (
            "SEMANTIC_OVERRIDE",
            overrides("semantic", &["extraction", "consolidation"]),
            Some(ACTOR_TEMPLATE),
        ),
        "userPreferenceOverride" => (
            "USER_PREFERENCE_OVERRIDE",
            overrides("userPreference", &["extraction", "consolidation"]),
            Some(ACTOR_TEMPLATE),
        ),
        "summaryOverride" => (
            "SUMMARY_OVERRIDE",
            overrides("summary", &["consolidation"]),
            Some(SESSION_TEMPLATE),
        ),
        "episodicOverride" => (
            "EPISODIC_OVERRIDE",
            overrides("episodic", &["extraction", "consolidation", "reflection"]),
            Some(SESSION_TEMPLATE),
        ),
        "selfManagedConfiguration" => {
            let configuration = self_managed(v, body, &at)?;
            ("SELF_MANAGED", configuration, None)
        }
        other => {
            v.add(
                &at,
                None,
                format!("{other} is not a custom configuration the local platform knows"),
            );
            return None;
        }
    };
    configuration.insert("type".into(), json!(kind));
    Some((Value::Object(configuration), template))
}

/// A self-managed strategy's configuration: its trigger conditions and
/// where it would deliver (recorded locally, never sent).
fn self_managed(v: &mut Violations, body: &Object, at: &str) -> Option<Map<String, Value>> {
    let invocation = v.object(body, at, "invocationConfiguration", true)?;
    let invocation_at = join(at, "invocationConfiguration");
    v.required_str(invocation, &invocation_at, "topicArn");
    v.required_str(invocation, &invocation_at, "payloadDeliveryBucketName");
    let window = match body.get("historicalContextWindowSize") {
        None | Some(Value::Null) => 4,
        Some(n) => match n.as_u64().filter(|n| *n <= 50) {
            Some(n) => n,
            None => {
                v.add(
                    &join(at, "historicalContextWindowSize"),
                    Some(n),
                    "Member must have value between 0 and 50",
                );
                return None;
            }
        },
    };
    let triggers = v
        .list(body, at, "triggerConditions", false, 1, 10)
        .cloned()
        .unwrap_or_else(|| vec![json!({"messageBasedTrigger": {"messageCount": 1}})]);
    let mut configuration = Map::new();
    configuration.insert(
        "selfManagedConfiguration".into(),
        json!({
            "triggerConditions": triggers,
            "invocationConfiguration": invocation,
            "historicalContextWindowSize": window,
        }),
    );
    Some(configuration)
}

/// A stored strategy as answered at `now`: timestamps in epoch seconds, its
/// status settled.
pub(crate) fn answered(strategy: &Value, now: i64) -> Value {
    let mut out = strategy.clone();
    let Some(obj) = out.as_object_mut() else {
        return out;
    };
    let settles = obj
        .remove("settlesAtMs")
        .and_then(|s| s.as_i64())
        .unwrap_or(0);
    for (from, to) in [("createdAtMs", "createdAt"), ("updatedAtMs", "updatedAt")] {
        if let Some(ms) = obj.remove(from).and_then(|s| s.as_i64()) {
            obj.insert(to.into(), crate::memory::wire::epoch_seconds(ms));
        }
    }
    if obj.get("status").and_then(Value::as_str) == Some("CREATING") && now >= settles {
        obj.insert("status".into(), json!("ACTIVE"));
    }
    out
}

/// Apply one `ModifyMemoryStrategyInput` to the stored strategy it names.
pub(crate) fn modify(
    v: &mut Violations,
    strategy: &mut Value,
    change: &Object,
    at: &str,
    now: i64,
) {
    v.optional_len(change, at, "description", 1, 4096);
    if let Some(description) = change.get("description").filter(|d| !d.is_null()) {
        strategy["description"] = description.clone();
    }
    if let Some(templates) = templates(v, change, at) {
        strategy["namespaces"] = json!(templates);
        strategy["namespaceTemplates"] = json!(templates);
    }
    if let Some(schema) = change.get("memoryRecordSchema").filter(|d| !d.is_null()) {
        strategy["memoryRecordSchema"] = schema.clone();
    }
    if let Some(Value::Object(configuration)) = change.get("configuration") {
        let target = &mut strategy["configuration"];
        if !target.is_object() {
            *target = json!({});
        }
        for (key, value) in configuration {
            if !value.is_null() {
                target[key.as_str()] = value.clone();
            }
        }
    }
    strategy["updatedAtMs"] = json!(now);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_templates_take_only_the_three_placeholders() {
        assert!(is_namespace_template(ACTOR_TEMPLATE));
        assert!(is_namespace_template(SESSION_TEMPLATE));
        assert!(is_namespace_template("support/{actorId}"));
        assert!(!is_namespace_template("/x/{userId}/"));
        assert!(!is_namespace_template("/x/{actorId"));
        assert!(!is_namespace_template("a b"));
    }

    #[test]
    fn strategies_get_ids_types_and_both_namespace_members() {
        let mut v = Violations::new();
        let s = strategy_from_input(
            &mut v,
            &json!({"semanticMemoryStrategy": {"name": "facts"}}),
            "memoryStrategies[0]",
            1,
            2,
        )
        .unwrap();
        v.finish().unwrap();
        assert_eq!(s["type"], "SEMANTIC");
        assert_eq!(s["namespaces"], json!([ACTOR_TEMPLATE]));
        assert_eq!(s["namespaceTemplates"], json!([ACTOR_TEMPLATE]));
        let id = s["strategyId"].as_str().unwrap();
        assert!(crate::platform::validation::is_memory_id(id), "{id}");
        let mut v = Violations::new();
        let custom = strategy_from_input(
            &mut v,
            &json!({"customMemoryStrategy": {"name": "c", "configuration": {"semanticOverride": {
                "extraction": {"appendToPrompt": "p", "modelId": "m"}}}}}),
            "x",
            1,
            2,
        )
        .unwrap();
        assert_eq!(custom["configuration"]["type"], "SEMANTIC_OVERRIDE");
        assert_eq!(
            custom["configuration"]["extraction"]["customExtractionConfiguration"]["semanticExtractionOverride"]
                ["modelId"],
            "m"
        );
        assert_eq!(answered(&custom, 5)["status"], "ACTIVE");
        assert_eq!(answered(&custom, 1)["status"], "CREATING");
    }
}
