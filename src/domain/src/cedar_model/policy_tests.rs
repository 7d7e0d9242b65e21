//! Policy test files in the `cedar run-tests` JSON format: an array of
//! `{name, request{principal, action, resource, context}, entities,
//! decision, reason, num_errors}`. Saved from captured calls with the
//! decisions a policy set gives them, they run here and, unchanged, with
//! the upstream `cedar` CLI.

use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityUid, PolicyId, PolicySet, Request,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::evaluation::{Evaluation, PolicyDecision};
use super::request::CedarCall;

/// One test case, as the file holds it.
pub fn test_case(name: &str, call: &CedarCall, expected: &Evaluation) -> Value {
    json!({
        "name": name,
        "request": {
            "principal": call.principal,
            "action": call.action,
            "resource": call.resource,
            "context": call.context,
        },
        "entities": call.entities_json,
        "decision": expected.decision.as_str(),
        "reason": expected.determining_policies,
        "num_errors": expected.errors.len(),
    })
}

/// A test case for a captured call, named for what it checks: "deny
/// crm___get_account by sales-copilot at 2026-…".
pub fn captured_test_case(
    call: &crate::CapturedCall,
    cedar: &CedarCall,
    expected: &Evaluation,
) -> Value {
    let name = format!(
        "{} {} by {} at {}",
        expected.decision.as_str(),
        call.tool,
        call.caller.label(),
        call.time
    );
    test_case(&name, cedar, expected)
}

/// How one test case fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestOutcome {
    /// The test case's `name`.
    pub name: String,
    /// Whether the decision, reasons and error count all matched.
    pub passed: bool,
    /// Why it failed (empty when it passed).
    pub message: String,
}

fn field<'a>(case: &'a Value, path: &str) -> Result<&'a Value, String> {
    case.pointer(path)
        .ok_or_else(|| format!("the test case has no {path}"))
}

fn uid(case: &Value, path: &str) -> Result<EntityUid, String> {
    let text = field(case, path)?
        .as_str()
        .ok_or_else(|| format!("{path} must be a string like AgentCore::OAuthUser::\"sub\""))?;
    text.parse().map_err(|e| format!("{path} {text:?}: {e}"))
}

/// Run one case with the `cedar run-tests` semantics: the decision must
/// match, the expected reasons must be among the deciding policies, and the
/// number of evaluation errors must match.
fn run_case(case: &Value, policies: &PolicySet) -> Result<(), String> {
    let request = Request::new(
        uid(case, "/request/principal")?,
        uid(case, "/request/action")?,
        uid(case, "/request/resource")?,
        Context::from_json_value(field(case, "/request/context")?.clone(), None)
            .map_err(|e| format!("context: {e}"))?,
        None,
    )
    .map_err(|e| format!("request: {e}"))?;
    let entities = Entities::from_json_value(field(case, "/entities")?.clone(), None)
        .map_err(|e| format!("entities: {e}"))?;
    let expected = match field(case, "/decision")?.as_str() {
        Some("allow") => Decision::Allow,
        Some("deny") => Decision::Deny,
        other => {
            return Err(format!(
                "decision must be \"allow\" or \"deny\", not {other:?}"
            ));
        }
    };
    let answer = Authorizer::new().is_authorized(&request, policies, &entities);
    if answer.decision() != expected {
        return Err(format!(
            "expected {}, got {}",
            if expected == Decision::Allow {
                "allow"
            } else {
                "deny"
            },
            if answer.decision() == Decision::Allow {
                "allow"
            } else {
                "deny"
            },
        ));
    }
    let actual: Vec<&PolicyId> = answer.diagnostics().reason().collect();
    let missing: Vec<&str> = field(case, "/reason")?
        .as_array()
        .ok_or("reason must be a list of policy ids")?
        .iter()
        .filter_map(Value::as_str)
        .filter(|r| !actual.iter().any(|a| a.to_string() == *r))
        .collect();
    if !missing.is_empty() {
        return Err(format!("missing reason(s): {}", missing.join(", ")));
    }
    let errors = answer.diagnostics().errors().count() as u64;
    let expected_errors = field(case, "/num_errors")?.as_u64().unwrap_or(0);
    if errors != expected_errors {
        return Err(format!("expected {expected_errors} error(s), got {errors}"));
    }
    Ok(())
}

/// Run a test file's cases against `policies`.
pub fn run_tests(cases: &[Value], policies: &PolicySet) -> Vec<TestOutcome> {
    cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let name = case["name"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("(test {i})"));
            match run_case(case, policies) {
                Ok(()) => TestOutcome {
                    name,
                    passed: true,
                    message: String::new(),
                },
                Err(message) => TestOutcome {
                    name,
                    passed: false,
                    message,
                },
            }
        })
        .collect()
}

/// The decision a test case expects.
pub fn expected_decision(case: &Value) -> Option<PolicyDecision> {
    match case["decision"].as_str()? {
        "allow" => Some(PolicyDecision::Allow),
        "deny" => Some(PolicyDecision::Deny),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CapturedCaller;
    use crate::cedar_model::checks::parse_statement;
    use crate::cedar_model::evaluation::evaluate;
    use crate::cedar_model::request::cedar_call;
    use serde_json::Map;

    #[test]
    fn saved_cases_run_and_catch_a_changed_decision() {
        let mut claims = Map::new();
        claims.insert("department".into(), json!("sales"));
        let caller = CapturedCaller {
            kind: "oauth".into(),
            sub: Some("agent-1".into()),
            arn: None,
            claims: Some(claims),
        };
        let schema = json!({ "type": "object", "properties": { "amount": { "type": "number" } } });
        let call = cedar_call(
            &caller,
            "billing___refund",
            "arn:gw",
            &json!({ "amount": 900 }),
            &schema,
            None,
        )
        .unwrap();
        let mut set = PolicySet::new();
        set.add(parse_statement("all", "permit(principal, action, resource);").unwrap())
            .unwrap();
        set.add(parse_statement("big", "forbid(principal, action, resource) when { context.input.amount.greaterThan(decimal(\"500.0\")) && principal.getTag(\"department\") == \"sales\" };").unwrap()).unwrap();
        let case = test_case("big refund by sales", &call, &evaluate(&call, &set));
        assert_eq!(case["decision"], "deny");
        assert_eq!(case["reason"], json!(["big"]));
        assert_eq!(expected_decision(&case), Some(PolicyDecision::Deny));
        let outcomes = run_tests(std::slice::from_ref(&case), &set);
        assert!(outcomes[0].passed, "{outcomes:?}");

        let mut lenient = PolicySet::new();
        lenient
            .add(parse_statement("all", "permit(principal, action, resource);").unwrap())
            .unwrap();
        let outcomes = run_tests(&[case], &lenient);
        assert_eq!(outcomes[0].message, "expected deny, got allow");
    }
}
