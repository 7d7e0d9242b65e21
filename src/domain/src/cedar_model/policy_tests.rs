//! Policy test files in the `cedar run-tests` JSON format: an array of
//! `{name, request{principal, action, resource, context}, entities,
//! decision, reason, num_errors}`. Saved from captured calls with the
//! decisions a policy set gives them, they run here and, unchanged, with
//! the upstream `cedar` CLI.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityUid, PolicyId, PolicySet, Request, Response,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
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
    /// The test case's `name` (`(unnamed)` without one).
    pub name: String,
    /// Whether the decision, reasons and error count all matched.
    pub passed: bool,
    /// Why it failed (empty when it passed), worded as `cedar run-tests`
    /// words it.
    pub message: String,
}

/// A test case as the file holds it, borrowing from the file's text: the
/// context and entities stay unparsed JSON text until Cedar parses them.
#[derive(Deserialize)]
struct RawCase<'a> {
    #[serde(borrow, default)]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    request: RawRequest<'a>,
    #[serde(borrow)]
    entities: &'a RawValue,
    decision: ExpectedDecision,
    reason: Vec<Cow<'a, str>>,
    num_errors: usize,
}

#[derive(Deserialize)]
struct RawRequest<'a> {
    #[serde(borrow, default)]
    principal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    action: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    resource: Option<Cow<'a, str>>,
    #[serde(borrow)]
    context: &'a RawValue,
}

#[derive(Deserialize)]
struct CaseName<'a> {
    #[serde(borrow, default)]
    name: Option<&'a RawValue>,
}

/// A case's name as the cedar CLI prints it: `(unnamed)` unless a string.
fn case_name(name: Option<&RawValue>) -> String {
    name.and_then(|n| serde_json::from_str::<Cow<'_, str>>(n.get()).ok())
        .map_or_else(|| "(unnamed)".to_owned(), Cow::into_owned)
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
enum ExpectedDecision {
    #[serde(rename = "allow")]
    Allow,
    #[serde(rename = "deny")]
    Deny,
}

impl From<ExpectedDecision> for Decision {
    fn from(value: ExpectedDecision) -> Self {
        match value {
            ExpectedDecision::Allow => Decision::Allow,
            ExpectedDecision::Deny => Decision::Deny,
        }
    }
}

/// Run a test file's cases (`text`, a JSON array; entities given as a file
/// name are read from `dir`, and only from there) against `policies`, with
/// the `cedar run-tests` semantics: the decision must match, the expected
/// reasons must be among the deciding policies, and the number of
/// evaluation errors must match. A case that cannot be read fails.
///
/// The file is parsed once, its cases borrowing from `text`; cases with
/// the same entities share one parse of them; cases run on all cores.
pub fn run_test_file(
    text: &str,
    dir: &Path,
    policies: &PolicySet,
) -> Result<Vec<TestOutcome>, String> {
    let raw: Vec<&RawValue> =
        serde_json::from_str(text).map_err(|e| format!("not a JSON array of test cases: {e}"))?;
    let cases: Vec<Result<RawCase<'_>, String>> = raw
        .par_iter()
        .map(|case| serde_json::from_str(case.get()).map_err(|e| e.to_string()))
        .collect();
    // One parse per distinct entities text.
    let mut distinct: HashMap<&str, usize> = HashMap::new();
    let mut texts: Vec<&str> = Vec::new();
    let slots: Vec<Option<usize>> = cases
        .iter()
        .map(|case| {
            let entities = case.as_ref().ok()?.entities.get();
            Some(*distinct.entry(entities).or_insert_with(|| {
                texts.push(entities);
                texts.len() - 1
            }))
        })
        .collect();
    let entities: Vec<Result<Entities, String>> =
        texts.par_iter().map(|t| parsed_entities(t, dir)).collect();
    let authorizer = Authorizer::new();
    Ok(raw
        .par_iter()
        .zip(cases.par_iter())
        .zip(slots.par_iter())
        .map(|((raw, case), slot)| {
            let verdict = match (case, slot) {
                (Ok(case), Some(slot)) => match &entities[*slot] {
                    Ok(entities) => run_case(case, entities, policies, &authorizer),
                    Err(e) => Err(e.clone()),
                },
                (Err(e), _) => Err(format!("the test case cannot be read: {e}")),
                (Ok(_), None) => Err("the test case cannot be read".to_owned()),
            }
            .and_then(|r| r);
            let name = case_name(match case {
                Ok(case) => case.name,
                // A case that cannot be read may still have a name.
                Err(_) => serde_json::from_str::<CaseName<'_>>(raw.get())
                    .ok()
                    .and_then(|n| n.name),
            });
            match verdict {
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
        .collect())
}

/// The entities of a case: inline JSON, or the name of a file in `dir`.
fn parsed_entities(text: &str, dir: &Path) -> Result<Entities, String> {
    if !text.starts_with('"') {
        return Entities::from_json_str(text, None)
            .map_err(|e| format!("failed to parse entities: {e}"));
    }
    let name: String = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let path = dir.join(&name);
    let (canonical, home) = path
        .canonicalize()
        .and_then(|p| Ok((p, dir.canonicalize()?)))
        .map_err(|e| format!("failed to canonicalize path `{}`: {e}", path.display()))?;
    if !canonical.starts_with(&home) {
        return Err(format!(
            "entities file `{}` is outside of the test file directory `{}`",
            canonical.display(),
            home.display()
        ));
    }
    let file = std::fs::File::open(&canonical)
        .map_err(|e| format!("failed to load entities from file `{name}`: {e}"))?;
    Entities::from_json_file(file, None)
        .map_err(|e| format!("failed to load entities from file `{name}`: {e}"))
}

fn uid(value: &Option<Cow<'_, str>>, field: &str) -> Result<EntityUid, String> {
    let text = value
        .as_deref()
        .ok_or_else(|| format!("missing field `{field}`"))?;
    text.parse()
        .map_err(|e| format!("failed to parse {field} `{text}`: {e}"))
}

/// One case; the outer error is a case that cannot be run, the inner one
/// a test that ran and failed.
type CaseResult = Result<Result<(), String>, String>;

fn run_case(
    case: &RawCase<'_>,
    entities: &Entities,
    policies: &PolicySet,
    authorizer: &Authorizer,
) -> CaseResult {
    let request = Request::new(
        uid(&case.request.principal, "principal")?,
        uid(&case.request.action, "action")?,
        uid(&case.request.resource, "resource")?,
        Context::from_json_str(case.request.context.get(), None).map_err(|e| {
            format!(
                "failed to parse context `{}`: {e}",
                case.request.context.get()
            )
        })?,
        None,
    )
    .map_err(|e| format!("failed to create request: {e}"))?;
    let answer = authorizer.is_authorized(&request, policies, entities);
    Ok(compared(case, &answer))
}

/// The `cedar run-tests` verdict on an answer, in its words.
fn compared(case: &RawCase<'_>, answer: &Response) -> Result<(), String> {
    if answer.decision() != Decision::from(case.decision) {
        return Err(format!(
            "expected {:?}, got {:?}",
            case.decision,
            answer.decision()
        ));
    }
    let reasons: Vec<&PolicyId> = answer.diagnostics().reason().collect();
    let missing: Vec<String> = case
        .reason
        .iter()
        .filter(|r| {
            !reasons
                .iter()
                .any(|id| AsRef::<str>::as_ref(*id) == r.as_ref())
        })
        .map(|r| format!("`{r}`"))
        .collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("missing reason(s): {}", missing.join(", ")));
    }
    let errors = answer.diagnostics().errors().count();
    if errors != case.num_errors {
        let listed = if errors == 0 {
            String::new()
        } else {
            let all: Vec<String> = answer
                .diagnostics()
                .errors()
                .map(ToString::to_string)
                .collect();
            format!(": {}", all.join(", "))
        };
        problems.push(format!(
            "expected {} error(s), but got {errors} runtime error(s){listed}",
            case.num_errors
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// `policies` as one `.cedar` file for `cedar run-tests --policies`: each
/// statement under an `@id("…")` annotation naming it as the engine does,
/// so the reasons a test file expects are the ids the cedar CLI reports.
/// A statement that carries its own `@id` keeps it.
pub fn annotated_policy_file(policies: &PolicySet) -> String {
    let mut sorted: Vec<_> = policies.policies().collect();
    sorted.sort_by_key(|p| p.id().to_string());
    let mut out = String::new();
    for policy in sorted {
        if policy.annotation("id").is_none() {
            let id = policy.id().to_string();
            let escaped = id.replace('\\', "\\\\").replace('"', "\\\"");
            out.push_str(&format!("@id(\"{escaped}\")\n"));
        }
        out.push_str(policy.to_string().trim_end());
        out.push_str("\n\n");
    }
    out
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
        let file = json!([case]).to_string();
        let outcomes = run_test_file(&file, Path::new("."), &set).unwrap();
        assert!(outcomes[0].passed, "{outcomes:?}");

        let mut lenient = PolicySet::new();
        lenient
            .add(parse_statement("all", "permit(principal, action, resource);").unwrap())
            .unwrap();
        let outcomes = run_test_file(&file, Path::new("."), &lenient).unwrap();
        assert_eq!(outcomes[0].message, "expected Deny, got Allow");
    }

    #[test]
    fn unnamed_unreadable_and_file_entities_cases() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path();
        let entities =
            r#"[{"uid":{"type":"AgentCore::OAuthUser","id":"ana"},"attrs":{},"parents":[]}]"#;
        std::fs::write(dir.join("entities.json"), entities).unwrap();
        let case = |name: Value, entities: Value| {
            json!({ "name": name, "request": { "principal": "AgentCore::OAuthUser::\"ana\"",
                "action": "AgentCore::Action::\"t\"", "resource": "AgentCore::Gateway::\"g\"",
                "context": {} }, "entities": entities, "decision": "allow",
                "reason": ["all"], "num_errors": 0 })
        };
        let file = json!([
            case(json!("from a file"), json!("entities.json")),
            case(Value::Null, json!([])),
            case(json!(7), json!("../outside.json")),
            { "name": "no request" },
        ]);
        let mut set = PolicySet::new();
        set.add(parse_statement("all", "permit(principal, action, resource);").unwrap())
            .unwrap();
        let outcomes = run_test_file(&file.to_string(), dir, &set).unwrap();
        let seen: Vec<(&str, bool)> = outcomes
            .iter()
            .map(|o| (o.name.as_str(), o.passed))
            .collect();
        assert_eq!(
            seen,
            [
                ("from a file", true),
                ("(unnamed)", true),
                ("(unnamed)", false),
                ("no request", false)
            ]
        );
        assert!(outcomes[2].message.contains("canonicalize"), "{outcomes:?}");
        assert!(outcomes[3].message.contains("request"), "{outcomes:?}");
        assert!(
            run_test_file("{}", dir, &set)
                .unwrap_err()
                .contains("JSON array")
        );
    }

    #[test]
    fn exported_policies_carry_their_ids() {
        let mut set = PolicySet::new();
        set.add(
            parse_statement(
                "b_rule",
                "forbid(principal, action, resource) when { false };",
            )
            .unwrap(),
        )
        .unwrap();
        set.add(parse_statement("a_rule", "permit(principal, action, resource);").unwrap())
            .unwrap();
        let text = annotated_policy_file(&set);
        assert!(text.starts_with("@id(\"a_rule\")\npermit"), "{text}");
        let parsed: PolicySet = text.parse().unwrap();
        let ids: Vec<String> = parsed
            .policies()
            .filter_map(|p| p.annotation("id").map(str::to_owned))
            .collect();
        assert_eq!(ids.len(), 2, "{text}");
    }
}
