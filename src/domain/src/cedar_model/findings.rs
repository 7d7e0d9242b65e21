//! Semantic analysis of policies with Cedar's symbolic compiler
//! (cedar-policy-symcc) and the cvc5 SMT solver, answering what AgentCore's
//! automated reasoning answers, per request environment (principal type,
//! action, resource type):
//!
//! - **allow-all**: with the policy, the engine allows every request of an
//!   environment (overly permissive);
//! - **deny-all**: the policy is a `forbid` that denies every request of an
//!   environment (overly restrictive);
//! - **allow-none** / **deny-none**: the `permit` / `forbid` matches no
//!   request at all (ineffective).
//!
//! It also compares two policy sets action by action, with a
//! counterexample request for each direction in which they differ.

use cedar_policy::{ActionConstraint, Effect, Policy, PolicySet, RequestEnv, Schema};
use cedar_policy_symcc::solver::LocalSolver;
use cedar_policy_symcc::{CedarSymCompiler, CompiledPolicy, CompiledPolicySet, Env};
use serde::Serialize;

/// What a finding says about a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// With the policy, the engine allows every request of an environment
    /// (overly permissive); `allow-all`.
    AllowAll,
    /// The `permit` matches no request at all (ineffective); `allow-none`.
    AllowNone,
    /// The `forbid` denies every request of an environment (overly
    /// restrictive); `deny-all`.
    DenyAll,
    /// The `forbid` matches no request at all (ineffective); `deny-none`.
    DenyNone,
}

impl FindingKind {
    /// The name AgentCore's reviewers know it by.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::AllowAll => "allow-all",
            FindingKind::AllowNone => "allow-none",
            FindingKind::DenyAll => "deny-all",
            FindingKind::DenyNone => "deny-none",
        }
    }
}

/// One finding, with the environment it holds in (none for allow-none and
/// deny-none, which hold in every environment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Which of the four findings this is.
    pub kind: FindingKind,
    /// The environment it holds in, as [`environment_label`] prints it; None
    /// for allow-none and deny-none.
    pub environment: Option<String>,
    /// The sentence a reviewer reads, e.g. `overly permissive: …`.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

/// Why the analysis could not run.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// The cvc5 solver could not be started; holds the cause.
    #[error(
        "semantic validation needs the cvc5 SMT solver and could not start it ({0}); install it \
         (`apt-get install cvc5`) or point the CVC5 variable at it, or use IGNORE_ALL_FINDINGS"
    )]
    SolverUnavailable(String),
    /// The solver or the symbolic compiler failed; holds the cause.
    #[error("the symbolic analysis failed: {0}")]
    Analysis(String),
}

fn analysis(e: impl std::fmt::Display) -> AnalysisError {
    AnalysisError::Analysis(e.to_string())
}

/// `principal type, action, resource type` of a request environment.
pub fn environment_label(env: &RequestEnv) -> String {
    format!(
        "principal {}, action {}, resource {}",
        env.principal(),
        env.action(),
        env.resource()
    )
}

/// Whether the policy's scope can name this environment's action at all
/// (saves a solver call per action a policy plainly does not mention).
fn scope_mentions(policy: &Policy, env: &RequestEnv) -> bool {
    match policy.action_constraint() {
        ActionConstraint::Any => true,
        ActionConstraint::Eq(action) => &action == env.action(),
        // Action groups do not exist in the generated schema, so `in`
        // means membership of the list itself.
        ActionConstraint::In(actions) => actions.iter().any(|a| a == env.action()),
    }
}

/// The schema's request environments in a stable order, so findings and
/// comparisons read the same on every run.
fn environments(schema: &Schema) -> Vec<RequestEnv> {
    let mut envs: Vec<RequestEnv> = schema.request_envs().collect();
    envs.sort_by_key(environment_label);
    envs
}

/// A symbolic compiler talking to a fresh cvc5 process.
fn compiler() -> Result<CedarSymCompiler<LocalSolver>, AnalysisError> {
    // Debian's cvc5 1.0.3 treats `str.contains` (what Cedar's `like`
    // compiles to) as experimental and refuses it without --strings-exp;
    // the time limit is symcc's own default.
    let solver = LocalSolver::cvc5_with_args(["--tlimit=60000", "--strings-exp"])
        .map_err(|e| AnalysisError::SolverUnavailable(e.to_string()))?;
    CedarSymCompiler::new(solver).map_err(analysis)
}

/// The findings for adding `policy` to an engine that already holds
/// `engine` (without it), against the gateway schema.
pub async fn policy_findings(
    schema: &Schema,
    engine: &PolicySet,
    policy: &Policy,
) -> Result<Vec<Finding>, AnalysisError> {
    let mut with = engine.clone();
    // A policy of the same id is the one being replaced.
    let id = policy.id().clone();
    if with.policy(&id).is_some() {
        with.remove_static(id.clone()).map_err(analysis)?;
    }
    with.add(policy.clone()).map_err(analysis)?;
    let mut compiler = compiler()?;
    let mut findings = Vec::new();
    let mut matches_somewhere = false;
    for env in environments(schema) {
        if !scope_mentions(policy, &env) {
            continue;
        }
        let compiled = CompiledPolicy::compile(policy, &env, schema).map_err(analysis)?;
        if compiler
            .check_never_matches_opt(&compiled)
            .await
            .map_err(analysis)?
        {
            continue;
        }
        matches_somewhere = true;
        let label = environment_label(&env);
        match policy.effect() {
            Effect::Permit => {
                let set = CompiledPolicySet::compile(&with, &env, schema).map_err(analysis)?;
                if compiler
                    .check_always_allows_opt(&set)
                    .await
                    .map_err(analysis)?
                {
                    findings.push(Finding {
                        kind: FindingKind::AllowAll,
                        message: format!(
                            "overly permissive: the engine would allow every request for {label}"
                        ),
                        environment: Some(label),
                    });
                }
            }
            Effect::Forbid => {
                if compiler
                    .check_always_matches_opt(&compiled)
                    .await
                    .map_err(analysis)?
                {
                    findings.push(Finding {
                        kind: FindingKind::DenyAll,
                        message: format!(
                            "overly restrictive: the policy denies every request for {label}"
                        ),
                        environment: Some(label),
                    });
                }
            }
        }
    }
    if !matches_somewhere {
        let (kind, message) = match policy.effect() {
            Effect::Permit => (
                FindingKind::AllowNone,
                "ineffective: the permit matches no request, so it allows nothing",
            ),
            Effect::Forbid => (
                FindingKind::DenyNone,
                "ineffective: the forbid matches no request, so it denies nothing",
            ),
        };
        findings.push(Finding {
            kind,
            environment: None,
            message: message.into(),
        });
    }
    Ok(findings)
}

/// How an edited policy set relates to the one it replaces, in one
/// environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    /// Both sets allow exactly the same requests.
    Equivalent,
    /// Allows everything the old set allowed, and more.
    MorePermissive,
    /// Allows only what the old set allowed, and less.
    LessPermissive,
    /// Each allows something the other denies.
    Incomparable,
}

impl Comparison {
    /// Human-readable, as the console and CLI print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::Equivalent => "equivalent",
            Comparison::MorePermissive => "strictly more permissive",
            Comparison::LessPermissive => "strictly less permissive",
            Comparison::Incomparable => "incomparable",
        }
    }
}

/// A concrete request that one set allows and the other denies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counterexample {
    /// The principal, printed (`AgentCore::OAuthUser::"…"`); empty when unset.
    pub principal: String,
    /// The action, printed (`AgentCore::Action::"<Target>___<tool>"`); empty when unset.
    pub action: String,
    /// The resource, printed (`AgentCore::Gateway::"…"`); empty when unset.
    pub resource: String,
    /// The context as Cedar prints it.
    pub context: String,
    /// The whole request and entities, as the symbolic compiler prints it.
    pub text: String,
}

impl Counterexample {
    fn from_env(env: &Env) -> Self {
        let show = |e: Option<&cedar_policy::EntityUid>| e.map(ToString::to_string);
        Counterexample {
            principal: show(env.request.principal()).unwrap_or_default(),
            action: show(env.request.action()).unwrap_or_default(),
            resource: show(env.request.resource()).unwrap_or_default(),
            context: env
                .request
                .context()
                .map(ToString::to_string)
                .unwrap_or_default(),
            text: env.to_string(),
        }
    }
}

/// The comparison in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionComparison {
    /// The environment, as [`environment_label`] prints it.
    pub environment: String,
    /// The action's id (the tool's qualified name).
    pub action: String,
    /// The principal's entity type, e.g. `AgentCore::OAuthUser`.
    pub principal_type: String,
    /// How the edited set compares with the old one here.
    pub comparison: Comparison,
    /// Allowed by the edit, denied before.
    pub newly_allowed: Option<Counterexample>,
    /// Allowed before, denied by the edit.
    pub newly_denied: Option<Counterexample>,
}

/// "2 equivalent, 1 strictly more permissive" over a comparison.
pub fn comparison_summary(rows: &[ActionComparison]) -> String {
    let kinds = [
        Comparison::Equivalent,
        Comparison::MorePermissive,
        Comparison::LessPermissive,
        Comparison::Incomparable,
    ];
    let parts: Vec<String> = kinds
        .iter()
        .filter_map(|kind| {
            let n = rows.iter().filter(|r| r.comparison == *kind).count();
            (n > 0).then(|| format!("{n} {}", kind.as_str()))
        })
        .collect();
    if parts.is_empty() {
        "no actions to compare".into()
    } else {
        parts.join(", ")
    }
}

/// Compare `before` and `after` in every environment of the schema.
pub async fn compare(
    schema: &Schema,
    before: &PolicySet,
    after: &PolicySet,
) -> Result<Vec<ActionComparison>, AnalysisError> {
    let mut compiler = compiler()?;
    let mut out = Vec::new();
    for env in environments(schema) {
        let old = CompiledPolicySet::compile(before, &env, schema).map_err(analysis)?;
        let new = CompiledPolicySet::compile(after, &env, schema).map_err(analysis)?;
        // `implies(a, b)` fails with a request a allows and b denies.
        let newly_allowed = compiler
            .check_implies_with_counterexample_opt(&new, &old)
            .await
            .map_err(analysis)?
            .map(|e| Counterexample::from_env(&e));
        let newly_denied = compiler
            .check_implies_with_counterexample_opt(&old, &new)
            .await
            .map_err(analysis)?
            .map(|e| Counterexample::from_env(&e));
        let comparison = match (&newly_allowed, &newly_denied) {
            (None, None) => Comparison::Equivalent,
            (Some(_), None) => Comparison::MorePermissive,
            (None, Some(_)) => Comparison::LessPermissive,
            (Some(_), Some(_)) => Comparison::Incomparable,
        };
        out.push(ActionComparison {
            environment: environment_label(&env),
            action: env.action().id().unescaped().to_string(),
            principal_type: env.principal().to_string(),
            comparison,
            newly_allowed,
            newly_denied,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cedar_model::checks::parse_statement;
    use crate::cedar_model::schema::gateway_schema;
    use crate::cedar_model::schema::tests::tool;
    use serde_json::json;

    fn schema() -> Schema {
        let refund = tool(
            "billing___refund",
            json!({ "type": "object", "required": ["amount"], "properties": {
                "amount": { "type": "integer" } } }),
        );
        let lookup = tool(
            "billing___lookup",
            json!({ "type": "object", "properties": { "order": { "type": "string" } } }),
        );
        gateway_schema(&[refund, lookup]).unwrap().schema
    }

    fn policy(id: &str, text: &str) -> Policy {
        parse_statement(id, text).unwrap()
    }

    fn kinds(findings: &[Finding]) -> Vec<(FindingKind, Option<String>)> {
        findings
            .iter()
            .map(|f| (f.kind, f.environment.clone()))
            .collect()
    }

    #[tokio::test]
    async fn findings_name_allow_all_allow_none_deny_all_deny_none() {
        let schema = schema();
        let empty = PolicySet::new();
        let everything = policy("p", "permit (principal, action, resource);");
        let found = policy_findings(&schema, &empty, &everything).await.unwrap();
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.iter().all(|f| f.kind == FindingKind::AllowAll));

        let conditional = policy(
            "p",
            r#"permit (principal is AgentCore::OAuthUser, action == AgentCore::Action::"billing___refund", resource)
               when { context.input.amount < 100 };"#,
        );
        assert!(
            policy_findings(&schema, &empty, &conditional)
                .await
                .unwrap()
                .is_empty()
        );

        let nothing = policy(
            "p",
            r#"permit (principal, action == AgentCore::Action::"billing___refund", resource)
               when { context.input.amount < 0 && context.input.amount > 0 };"#,
        );
        assert_eq!(
            kinds(&policy_findings(&schema, &empty, &nothing).await.unwrap()),
            vec![(FindingKind::AllowNone, None)]
        );

        let block = policy(
            "f",
            r#"forbid (principal is AgentCore::IamEntity, action == AgentCore::Action::"billing___lookup", resource);"#,
        );
        let found = kinds(&policy_findings(&schema, &empty, &block).await.unwrap());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, FindingKind::DenyAll);
        assert!(
            found[0]
                .1
                .as_deref()
                .unwrap()
                .contains("AgentCore::IamEntity"),
            "{found:?}"
        );

        let idle = policy(
            "f",
            r#"forbid (principal, action, resource) when { principal is AgentCore::Gateway };"#,
        );
        assert_eq!(
            kinds(&policy_findings(&schema, &empty, &idle).await.unwrap()),
            vec![(FindingKind::DenyNone, None)]
        );
    }

    #[tokio::test]
    async fn comparison_gives_a_counterexample_per_direction() {
        let schema = schema();
        let mut before = PolicySet::new();
        before
            .add(policy(
                "p",
                r#"permit (principal, action == AgentCore::Action::"billing___refund", resource)
                   when { context.input.amount < 100 };"#,
            ))
            .unwrap();
        let mut after = PolicySet::new();
        after
            .add(policy(
                "p",
                r#"permit (principal, action == AgentCore::Action::"billing___refund", resource)
                   when { context.input.amount < 500 };"#,
            ))
            .unwrap();
        let found = compare(&schema, &before, &after).await.unwrap();
        assert_eq!(found.len(), 4);
        for row in &found {
            if row.action == "billing___refund" {
                assert_eq!(row.comparison, Comparison::MorePermissive, "{row:?}");
                let example = row.newly_allowed.as_ref().unwrap();
                let amount: i64 = example
                    .context
                    .split("amount: ")
                    .nth(1)
                    .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit() && c != '-').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("an amount in {}", example.context));
                assert!((100..500).contains(&amount), "{amount}");
            } else {
                assert_eq!(row.comparison, Comparison::Equivalent, "{row:?}");
            }
        }
        let reversed = compare(&schema, &after, &before).await.unwrap();
        assert!(
            reversed
                .iter()
                .any(|r| r.comparison == Comparison::LessPermissive && r.newly_denied.is_some())
        );
    }
}
