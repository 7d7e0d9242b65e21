//! Which local rules each strategy runs, and where its records land.

use serde_json::Value;

/// What a strategy's extraction does locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    /// Third-person facts.
    Semantic,
    /// `{context, preference, categories}` JSON.
    UserPreference,
    /// One summary per session.
    Summary,
    /// One episode per session.
    Episodic,
    /// Nothing extracted; the payload it would deliver is recorded.
    SelfManaged,
}

/// The rules a stored strategy runs: its type, or for a custom strategy the
/// type its override names (the override's prompt and model are not applied).
pub(crate) fn rules_of(strategy: &Value) -> Option<Rules> {
    let kind = strategy.get("type")?.as_str()?;
    let kind = match kind {
        "CUSTOM" => strategy.pointer("/configuration/type")?.as_str()?,
        other => other,
    };
    Some(match kind {
        "SEMANTIC" | "SEMANTIC_OVERRIDE" => Rules::Semantic,
        "USER_PREFERENCE" | "USER_PREFERENCE_OVERRIDE" => Rules::UserPreference,
        "SUMMARIZATION" | "SUMMARY_OVERRIDE" => Rules::Summary,
        "EPISODIC" | "EPISODIC_OVERRIDE" => Rules::Episodic,
        "SELF_MANAGED" => Rules::SelfManaged,
        _ => return None,
    })
}

/// The namespace a strategy's records land in for one actor and session:
/// its (first) template with the placeholders filled.
pub(crate) fn namespace_for(
    strategy: &Value,
    strategy_id: &str,
    actor: &str,
    session: &str,
) -> String {
    let template = strategy
        .pointer("/namespaceTemplates/0")
        .or_else(|| strategy.pointer("/namespaces/0"))
        .and_then(Value::as_str)
        .unwrap_or(crate::memory::strategies::ACTOR_TEMPLATE);
    template
        .replace("{memoryStrategyId}", strategy_id)
        .replace("{actorId}", actor)
        .replace("{sessionId}", session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn custom_strategies_run_their_base_rules_and_fill_their_template() {
        let custom = json!({"type": "CUSTOM", "configuration": {"type": "SUMMARY_OVERRIDE"},
            "namespaceTemplates": ["/s/{memoryStrategyId}/{actorId}/{sessionId}/"]});
        assert_eq!(rules_of(&custom), Some(Rules::Summary));
        assert_eq!(
            namespace_for(&custom, "sum-1", "u/1", "s9"),
            "/s/sum-1/u/1/s9/"
        );
        assert_eq!(
            rules_of(&json!({"type": "EPISODIC"})),
            Some(Rules::Episodic)
        );
        assert_eq!(rules_of(&json!({"type": "WHAT"})), None);
    }
}
