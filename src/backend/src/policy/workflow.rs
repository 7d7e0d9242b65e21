//! The policy workflow the console's policy studio and `acc policy` share,
//! written once so both give the same answers on the same captures: the
//! engine a gateway attaches, an edit's two policy sets, the dry-run of the
//! edit over captured calls (with the symbolic comparison), and dry-run rows
//! saved as `cedar run-tests` cases.

use std::time::Instant;

use acc_domain::cedar_model::cedar_policy::PolicySet;
use acc_domain::cedar_model::dry_run::{DryRun, dry_run};
use acc_domain::cedar_model::findings::{ActionComparison, compare};
use acc_domain::cedar_model::policy_edit::{PolicyChanges, edited_sets};
use acc_domain::cedar_model::policy_tests::captured_test_case;
use acc_domain::cedar_model::request::{CedarCall, cedar_call};
use acc_domain::cedar_model::schema::{GatewaySchema, gateway_schema};
use acc_domain::cedar_model::templates::{PolicyTemplate, templates};
use acc_domain::{CaptureFilter, CapturedCall, Gateway, Policy, Tool};
use serde_json::Value;

use crate::connection::Backend;
use crate::error::BackendError;

/// The newest captured calls a dry-run evaluates unless told otherwise.
pub const DRY_RUN_CALLS: usize = 1_000;

/// Why a step of the policy workflow failed.
#[derive(Debug, thiserror::Error)]
pub enum PolicyWorkflowError {
    /// The gateway has no policy engine attached, so there is nothing to edit.
    #[error(
        "gateway {gateway} has no policy engine attached; attach one (policyEngineConfiguration) first"
    )]
    NoEngine {
        /// The gateway's name.
        gateway: String,
    },
    /// The platform refused or failed a call.
    #[error(transparent)]
    Platform(#[from] BackendError),
    /// The edit does not apply: a statement does not parse, or it replaces
    /// a policy the engine does not have.
    #[error("{0}")]
    Edit(String),
    /// The gateway's tools give no valid Cedar schema.
    #[error("{0}")]
    Schema(String),
    /// The evaluation task died before it answered.
    #[error("the dry-run task failed: {0}")]
    Task(String),
}

/// The policy engine a gateway attaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedEngine {
    /// The engine's id: the last segment of its ARN.
    pub id: String,
    /// `LOG_ONLY` or `ENFORCE`.
    pub mode: String,
}

/// The engine `gateway` attaches, or [`PolicyWorkflowError::NoEngine`].
pub fn attached_engine(gateway: &Gateway) -> Result<AttachedEngine, PolicyWorkflowError> {
    let attached = gateway
        .policy_engine
        .as_ref()
        .ok_or_else(|| PolicyWorkflowError::NoEngine {
            gateway: gateway.name.clone(),
        })?;
    Ok(AttachedEngine {
        id: attached.short_name().to_owned(),
        mode: attached.mode.clone(),
    })
}

/// What authoring policies for a gateway starts from: its engine, the
/// engine's policies, and the Cedar schema and templates of its tools.
#[derive(Debug, Clone)]
pub struct GatewayPolicies {
    /// The attached engine's id.
    pub engine_id: String,
    /// The engine's name (its id when the engine cannot be listed).
    pub engine_name: String,
    /// `LOG_ONLY` or `ENFORCE`.
    pub mode: String,
    /// Every policy of the engine.
    pub policies: Vec<Policy>,
    /// The tools the schema is generated from.
    pub tools: Vec<Tool>,
    /// The Cedar schema of the tools.
    pub schema: GatewaySchema,
    /// Starting points for new policies.
    pub templates: Vec<PolicyTemplate>,
}

/// Which captured calls a dry-run evaluates.
#[derive(Debug, Clone, PartialEq)]
pub struct DryRunCalls {
    /// Only calls passing this filter.
    pub filter: CaptureFilter,
    /// At most this many, newest first.
    pub limit: usize,
}

impl Default for DryRunCalls {
    /// Every call, up to [`DRY_RUN_CALLS`].
    fn default() -> Self {
        DryRunCalls {
            filter: CaptureFilter::default(),
            limit: DRY_RUN_CALLS,
        }
    }
}

/// A dry-run's answer: each captured call decided before and after the
/// edit, and the symbolic per-action comparison when it was asked for.
#[derive(Debug, Clone)]
pub struct PolicyDryRun {
    /// The rows, the flip counts and the calls that could not be evaluated.
    pub run: DryRun,
    /// The Cedar request and entities of each row of `run`, in the same
    /// order (`None` when the call could not be turned into one).
    pub requests: Vec<Option<CedarCall>>,
    /// The captured calls that were evaluated, for test files.
    pub calls: Vec<CapturedCall>,
    /// The comparison over every request, not only captured ones; `None`
    /// when skipped, `Err` when the solver could not run (the dry-run still
    /// stands).
    pub symbolic: Option<Result<Vec<ActionComparison>, String>>,
    /// What the capture reader noted about the calls, for the operator.
    pub note: Option<String>,
    /// How long loading, evaluating and comparing took.
    pub elapsed_ms: u128,
}

impl PolicyDryRun {
    /// The rows at `rows` (indices into `run.rows`, in the order given) as
    /// `cedar run-tests` cases expecting the edited decisions. Rows without
    /// a Cedar request are left out.
    pub fn test_cases(&self, rows: impl IntoIterator<Item = usize>) -> Vec<Value> {
        rows.into_iter()
            .filter_map(|i| {
                let row = self.run.rows.get(i)?;
                let request = self.requests.get(i)?.as_ref()?;
                let call = self.calls.iter().find(|c| c.capture_id == row.capture_id)?;
                Some(captured_test_case(call, request, &row.after))
            })
            .collect()
    }
}

/// A test file's text: the cases as pretty JSON, newline-terminated.
pub fn test_file_text(cases: &[Value]) -> String {
    serde_json::to_string_pretty(cases).unwrap_or_default() + "\n"
}

/// Evaluates `calls` against `before` and `after` (CPU-bound), and gives
/// each row its Cedar request, for the detail view and test files.
pub fn evaluate_edit(
    calls: &[CapturedCall],
    tools: &[Tool],
    before: &PolicySet,
    after: &PolicySet,
) -> (DryRun, Vec<Option<CedarCall>>) {
    let run = dry_run(calls, tools, before, after);
    let requests = run
        .rows
        .iter()
        .map(|row| {
            let call = calls.iter().find(|c| c.capture_id == row.capture_id)?;
            let tool = tools.iter().find(|t| t.qualified_name == call.tool)?;
            cedar_call(
                &call.caller,
                &call.tool,
                &call.gateway_arn,
                &call.arguments,
                &tool.input_schema,
                None,
            )
            .ok()
        })
        .collect();
    (run, requests)
}

impl Backend {
    /// What the policy studio shows for `gateway`: its engine, the engine's
    /// policies, and the schema and templates of its tools.
    pub async fn gateway_policies(
        &self,
        gateway: &Gateway,
    ) -> Result<GatewayPolicies, PolicyWorkflowError> {
        let engine = attached_engine(gateway)?;
        let engine_name = self
            .find_policy_engine(&engine.id)
            .await?
            .map(|e| e.name)
            .unwrap_or_else(|| engine.id.clone());
        let policies = self.policies(&engine.id).await?;
        let tools = self.policy_tools(gateway).await?;
        let schema = gateway_schema(&tools).map_err(PolicyWorkflowError::Schema)?;
        let templates = templates(&tools, gateway.arn.as_deref().unwrap_or(&gateway.id));
        Ok(GatewayPolicies {
            engine_id: engine.id,
            engine_name,
            mode: engine.mode,
            policies,
            tools,
            schema,
            templates,
        })
    }

    /// The engine's deciding policies, and the same with `changes` applied.
    pub async fn edited_policy_sets(
        &self,
        engine_id: &str,
        changes: &PolicyChanges,
    ) -> Result<(PolicySet, PolicySet), PolicyWorkflowError> {
        let current = self.policies(engine_id).await?;
        edited_sets(&current, changes).map_err(PolicyWorkflowError::Edit)
    }

    /// Dry-runs `changes` to `engine_id` over `gateway`'s captured `calls`:
    /// each call decided before and after, and, when `symbolic`, the
    /// per-action comparison of the two policy sets (which needs cvc5).
    pub async fn policy_dry_run(
        &self,
        gateway: &Gateway,
        engine_id: &str,
        changes: &PolicyChanges,
        calls: &DryRunCalls,
        symbolic: bool,
    ) -> Result<PolicyDryRun, PolicyWorkflowError> {
        let started = Instant::now();
        let (before, after) = self.edited_policy_sets(engine_id, changes).await?;
        let page = self
            .captured_calls(&gateway.id, &calls.filter, calls.limit)
            .await?;
        let tools = self.policy_tools(gateway).await?;
        let schema = if symbolic {
            Some(gateway_schema(&tools).map_err(PolicyWorkflowError::Schema)?)
        } else {
            None
        };
        let captured = page.calls;
        // CPU-bound work off the async workers.
        let (run, requests, captured, before, after) = tokio::task::spawn_blocking(move || {
            let (run, requests) = evaluate_edit(&captured, &tools, &before, &after);
            (run, requests, captured, before, after)
        })
        .await
        .map_err(|e| PolicyWorkflowError::Task(e.to_string()))?;
        let symbolic = match schema {
            Some(schema) => Some(
                compare(&schema.schema, &before, &after)
                    .await
                    .map_err(|e| e.to_string()),
            ),
            None => None,
        };
        Ok(PolicyDryRun {
            run,
            requests,
            calls: captured,
            symbolic,
            note: page.note,
            elapsed_ms: started.elapsed().as_millis(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use acc_domain::cedar_model::checks::parse_statement;
    use acc_domain::cedar_model::dry_run::Flip;
    use acc_domain::{CaptureOutcome, CapturedCaller, PolicyEngineAttachment};
    use serde_json::json;

    fn gateway(engine: Option<&str>) -> Gateway {
        Gateway {
            id: "gw-1".into(),
            name: "hub".into(),
            policy_engine: engine.map(|arn| PolicyEngineAttachment {
                arn: arn.into(),
                mode: "LOG_ONLY".into(),
            }),
            ..Gateway::default()
        }
    }

    fn refund_tool() -> Tool {
        Tool::from_target(
            "billing",
            "refund",
            "Refund an order",
            json!({ "type": "object", "properties": { "amount": { "type": "number" } } }),
        )
    }

    fn call(id: &str, tool: &str, amount: i64) -> CapturedCall {
        CapturedCall {
            time: format!("2026-11-23T10:00:0{}.000Z", id.len()),
            capture_id: id.into(),
            gateway_id: "gw-1".into(),
            gateway_arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/gw-1".into(),
            target: "billing".into(),
            tool: tool.into(),
            caller: CapturedCaller {
                kind: "oauth".into(),
                sub: Some("sales-agent".into()),
                arn: None,
                claims: None,
            },
            arguments: json!({ "amount": amount }),
            outcome: CaptureOutcome::Ok,
            detail: None,
            latency_ms: 1.0,
            trace_id: "t".into(),
            policy: None,
        }
    }

    fn set(statements: &[(&str, &str)]) -> PolicySet {
        let mut set = PolicySet::new();
        for (id, text) in statements {
            set.add(parse_statement(id, text).unwrap()).unwrap();
        }
        set
    }

    #[test]
    fn the_engine_id_is_the_last_segment_of_the_attached_arn() {
        let gw = gateway(Some(
            "arn:aws:bedrock-agentcore:us-east-1:000000000000:policy-engine/pe-42",
        ));
        assert_eq!(
            attached_engine(&gw).unwrap(),
            AttachedEngine {
                id: "pe-42".into(),
                mode: "LOG_ONLY".into()
            }
        );
    }

    #[test]
    fn a_gateway_without_an_engine_says_so_by_name() {
        let err = attached_engine(&gateway(None)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "gateway hub has no policy engine attached; attach one (policyEngineConfiguration) first"
        );
    }

    #[test]
    fn rows_get_their_requests_and_save_as_tests_expecting_the_edit() {
        let tools = [refund_tool()];
        let calls = [
            call("c1", "billing___refund", 20),
            call("c22", "billing___gone", 5),
            call("c333", "billing___refund", 900),
        ];
        let permit = ("everyone", "permit(principal, action, resource);");
        let before = set(&[permit]);
        let after = set(&[
            permit,
            (
                "no_big_refunds",
                "forbid(principal, action, resource) when { context.input.amount.greaterThan(decimal(\"500.0\")) };",
            ),
        ]);
        let (run, requests) = evaluate_edit(&calls, &tools, &before, &after);
        assert_eq!(
            run.summary(),
            "1 allow→deny, 0 deny→allow, 1 unchanged, 1 not evaluated"
        );
        assert_eq!(requests.len(), run.rows.len());
        assert!(requests.iter().all(Option::is_some));
        let dry = PolicyDryRun {
            run,
            requests,
            calls: calls.to_vec(),
            symbolic: None,
            note: None,
            elapsed_ms: 0,
        };
        assert_eq!(dry.run.rows[1].flip, Flip::AllowToDeny);
        // In the order asked for; an index past the rows is left out.
        let cases = dry.test_cases([1, 0, 7]);
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0]["decision"], "deny");
        assert_eq!(cases[0]["reason"], json!(["no_big_refunds"]));
        assert_eq!(cases[1]["decision"], "allow");
        assert!(
            cases[0]["name"]
                .as_str()
                .unwrap()
                .starts_with("deny billing___refund by sales-agent at ")
        );
    }

    #[test]
    fn a_test_file_is_pretty_json_ending_in_a_newline() {
        assert_eq!(test_file_text(&[]), "[]\n");
        assert_eq!(
            test_file_text(&[json!({"a": 1})]),
            "[\n  {\n    \"a\": 1\n  }\n]\n"
        );
    }

    #[test]
    fn the_default_selection_is_every_call_up_to_the_dry_run_cap() {
        let all = DryRunCalls::default();
        assert_eq!(all.filter, CaptureFilter::default());
        assert_eq!(all.limit, DRY_RUN_CALLS);
    }
}
