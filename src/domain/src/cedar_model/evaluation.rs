//! Deciding a call: default deny, a forbid wins, and the answer names the
//! policies that determined it.

use cedar_policy::{
    ActionConstraint, Authorizer, Decision, Effect, EntityUid, PolicySet, PrincipalConstraint,
    ResourceConstraint,
};
use serde::{Deserialize, Serialize};

use super::request::CedarCall;

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyDecision {
    /// A permit applied and no forbid did; serialized as `allow`.
    Allow,
    /// A forbid applied, or no permit did (default deny); serialized as `deny`.
    Deny,
}

impl PolicyDecision {
    /// The wire spelling: `allow` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Deny => "deny",
        }
    }
}

/// The outcome of evaluating one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// Allow or deny.
    pub decision: PolicyDecision,
    /// The policies that decided it (the permits for an allow, the forbids
    /// for a deny; empty for a default deny).
    pub determining_policies: Vec<String>,
    /// Policies that failed to evaluate (they count as not applying).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

/// Evaluate `call` against `policies`.
pub fn evaluate(call: &CedarCall, policies: &PolicySet) -> Evaluation {
    let response = Authorizer::new().is_authorized(&call.request, policies, &call.entities);
    let mut determining: Vec<String> = response
        .diagnostics()
        .reason()
        .map(|id| id.to_string())
        .collect();
    determining.sort();
    Evaluation {
        decision: match response.decision() {
            Decision::Allow => PolicyDecision::Allow,
            Decision::Deny => PolicyDecision::Deny,
        },
        determining_policies: determining,
        errors: response
            .diagnostics()
            .errors()
            .map(|e| e.to_string())
            .collect(),
    }
}

/// A policy set split by action: a policy whose action scope cannot match
/// a request never applies to it (Cedar checks the scope before any
/// condition), so evaluating only the policies scoped to the request's action
/// decides exactly as the whole set does, and much faster with many policies.
#[derive(Debug, Clone, Default)]
pub struct ActionSlices {
    by_action: std::collections::HashMap<String, PolicySet>,
    /// What an action not seen when slicing gets: the policies for any action.
    fallback: PolicySet,
}

impl ActionSlices {
    /// Slice `policies` for these actions.
    pub fn new<'a>(policies: &PolicySet, actions: impl IntoIterator<Item = &'a EntityUid>) -> Self {
        let mut slices = Self::default();
        for policy in policies.policies() {
            if matches!(policy.action_constraint(), ActionConstraint::Any) {
                let _ = slices.fallback.add(policy.clone());
            }
        }
        for action in actions {
            let mut slice = PolicySet::new();
            for policy in policies.policies() {
                let applies = match policy.action_constraint() {
                    ActionConstraint::Any => true,
                    ActionConstraint::Eq(uid) => &uid == action,
                    ActionConstraint::In(uids) => uids.iter().any(|u| u == action),
                };
                if applies {
                    let _ = slice.add(policy.clone());
                }
            }
            slices.by_action.insert(action.to_string(), slice);
        }
        slices
    }

    /// The policies that can apply to a request for `action`.
    pub fn for_action(&self, action: &str) -> &PolicySet {
        self.by_action.get(action).unwrap_or(&self.fallback)
    }

    /// No slicing: every action gets the whole set (a reference to check
    /// slicing against).
    pub fn unsliced(policies: &PolicySet) -> Self {
        Self {
            by_action: Default::default(),
            fallback: policies.clone(),
        }
    }
}

/// Whether some call of `action` by `principal` on `resource` could be
/// permitted: a permit's scope matches and no unconditional forbid's does.
/// Conditions are assumed satisfiable (tools/list has no arguments to test
/// them with), so this may list a tool every call of which is then denied,
/// never the reverse.
pub fn could_be_permitted(
    policies: &PolicySet,
    principal: &EntityUid,
    action: &EntityUid,
    resource: &EntityUid,
) -> bool {
    let in_scope = |policy: &cedar_policy::Policy| {
        let principal_ok = match policy.principal_constraint() {
            PrincipalConstraint::Any => true,
            PrincipalConstraint::Eq(uid) | PrincipalConstraint::In(uid) => &uid == principal,
            PrincipalConstraint::Is(kind) => kind == *principal.type_name(),
            PrincipalConstraint::IsIn(kind, uid) => {
                kind == *principal.type_name() && &uid == principal
            }
        };
        let action_ok = match policy.action_constraint() {
            ActionConstraint::Any => true,
            ActionConstraint::Eq(uid) => &uid == action,
            ActionConstraint::In(uids) => uids.iter().any(|u| u == action),
        };
        let resource_ok = match policy.resource_constraint() {
            ResourceConstraint::Any => true,
            ResourceConstraint::Eq(uid) | ResourceConstraint::In(uid) => &uid == resource,
            ResourceConstraint::Is(kind) => kind == *resource.type_name(),
            ResourceConstraint::IsIn(kind, uid) => {
                kind == *resource.type_name() && &uid == resource
            }
        };
        principal_ok && action_ok && resource_ok
    };
    let permitted = policies
        .policies()
        .any(|p| p.effect() == Effect::Permit && in_scope(p));
    let always_forbidden = policies
        .policies()
        .any(|p| p.effect() == Effect::Forbid && !p.has_non_scope_constraint() && in_scope(p));
    permitted && !always_forbidden
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CapturedCaller;
    use crate::cedar_model::checks::parse_statement;
    use crate::cedar_model::request::cedar_call;
    use crate::cedar_model::schema::gateway_schema;
    use crate::cedar_model::schema::tests::tool;
    use serde_json::{Map, Value, json};

    fn caller(role: &str) -> CapturedCaller {
        let mut claims = Map::new();
        claims.insert("role".into(), json!(role));
        claims.insert("exp".into(), json!(1_800_000_000));
        CapturedCaller {
            kind: "oauth".into(),
            sub: Some("agent-7".into()),
            arn: None,
            claims: Some(claims),
        }
    }

    fn policies(statements: &[(&str, &str)]) -> PolicySet {
        let mut set = PolicySet::new();
        for (id, text) in statements {
            set.add(parse_statement(id, text).unwrap()).unwrap();
        }
        set
    }

    #[test]
    fn default_deny_permits_and_forbid_wins() {
        let input_schema = json!({ "type": "object", "required": ["amount"], "properties": {
            "amount": { "type": "number" }, "reason": { "type": "string" } } });
        let schema = gateway_schema(&[tool("billing___refund", input_schema.clone())]).unwrap();
        let call = |role: &str, amount: Value| {
            cedar_call(
                &caller(role),
                "billing___refund",
                "arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/gw-1",
                &json!({ "amount": amount, "reason": "late", "extra": true }),
                &input_schema,
                Some(&schema.schema),
            )
            .unwrap()
        };
        let set = policies(&[
            (
                "agents_refund",
                "permit(principal, action == AgentCore::Action::\"billing___refund\", resource) when { principal.getTag(\"role\") == \"agent\" };",
            ),
            (
                "no_big_refunds",
                "forbid(principal, action, resource) when { context.input.amount.greaterThan(decimal(\"500.0\")) };",
            ),
        ]);
        let small = evaluate(&call("agent", json!(20.5)), &set);
        assert_eq!(small.decision, PolicyDecision::Allow);
        assert_eq!(small.determining_policies, ["agents_refund"]);
        let big = evaluate(&call("agent", json!(900)), &set);
        assert_eq!(
            (big.decision, big.determining_policies.as_slice()),
            (PolicyDecision::Deny, &["no_big_refunds".to_owned()][..])
        );
        let stranger = evaluate(&call("guest", json!(1)), &set);
        assert_eq!(stranger.decision, PolicyDecision::Deny);
        assert!(stranger.determining_policies.is_empty(), "default deny");
        assert_eq!(
            call("agent", json!(1.25)).context,
            json!({ "input": { "amount": { "__extn": { "fn": "decimal", "arg": "1.2500" } }, "reason": "late" } })
        );
    }
}
