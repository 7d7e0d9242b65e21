//! Cedar at the local gateway: every `tools/call` of a gateway with a policy
//! engine attached is evaluated with the shared Cedar model
//! (`acc_domain::cedar_model`), the same code the console's dry-run uses. In
//! ENFORCE a deny stops the call before its target is touched; in LOG_ONLY
//! the call goes on and the would-be decision is recorded. `tools/list`
//! shows a tool only if some call of it could be permitted for the caller.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use acc_domain::cedar_model::cedar_policy::PolicySet;
use acc_domain::cedar_model::checks::parse_statement;
use acc_domain::cedar_model::evaluation::{PolicyDecision, could_be_permitted, evaluate};
use acc_domain::cedar_model::request::cedar_call;
use acc_domain::{CapturedCaller, CapturedPolicy};
use serde_json::Value;

use crate::platform::store::Store;
use crate::platform::timestamps::now_ms;
use crate::platform::wire_errors::ApiError;
use crate::policy::engine_row::{engine_id_of_arn, require_engine};
use crate::policy::policy_row::engine_policies;

/// A gateway's `policyEngineConfiguration`.
#[derive(Debug, Clone)]
pub(crate) struct AttachedEngine {
    pub(crate) arn: String,
    /// `ENFORCE` or `LOG_ONLY`.
    pub(crate) mode: String,
}

impl AttachedEngine {
    /// The engine a gateway document attaches, if any.
    pub(crate) fn of(gateway: &Value) -> Option<Self> {
        let config = gateway.get("policyEngineConfiguration")?;
        Some(Self {
            arn: config.get("arn")?.as_str()?.to_owned(),
            mode: config
                .get("mode")
                .and_then(Value::as_str)
                .unwrap_or("ENFORCE")
                .to_owned(),
        })
    }

    pub(crate) fn enforcing(&self) -> bool {
        self.mode == "ENFORCE"
    }
}

/// An engine's deciding policies, parsed (named by policy name).
#[derive(Debug)]
struct EngineSet {
    policies: PolicySet,
    /// Why the set is empty or partial (missing engine, unparsable policy).
    problems: Vec<String>,
    /// When a policy still settling becomes ACTIVE: the set is rebuilt then.
    rebuild_at_ms: Option<i64>,
}

/// The policies gateways enforce: parsed policy sets by engine id, each
/// valid for one policy generation (bumped on every policy write).
#[derive(Debug)]
pub(crate) struct PolicyEnforcement {
    store: Arc<Store>,
    /// Bumped on every policy write, so cached policy sets know they are stale.
    generation: AtomicU64,
    entries: Mutex<HashMap<String, (u64, Arc<EngineSet>)>>,
}

impl PolicyEnforcement {
    /// Enforcement over the policies in `store`, nothing parsed yet.
    pub(crate) fn new(store: Arc<Store>) -> Self {
        Self {
            store,
            generation: AtomicU64::new(0),
            entries: Mutex::default(),
        }
    }

    /// A policy was created, changed or deleted: every parsed set is stale.
    pub(crate) fn policies_changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    async fn engine_set(&self, engine_arn: &str) -> Result<Arc<EngineSet>, ApiError> {
        let Some(engine_id) = engine_id_of_arn(engine_arn).map(str::to_owned) else {
            return Ok(Arc::new(EngineSet {
                policies: PolicySet::new(),
                problems: vec![format!("{engine_arn} is not a policy engine ARN")],
                rebuild_at_ms: None,
            }));
        };
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some((at, set)) = self
            .entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&engine_id)
            && *at == generation
            && set.rebuild_at_ms.is_none_or(|at| now_ms() < at)
        {
            return Ok(Arc::clone(set));
        }
        let lookup = engine_id.clone();
        let rows = self
            .store
            .read(move |conn| {
                let exists = require_engine(conn, &lookup).is_ok();
                exists.then(|| engine_policies(conn, &lookup)).transpose()
            })
            .await?;
        let mut set = EngineSet {
            policies: PolicySet::new(),
            problems: Vec::new(),
            rebuild_at_ms: None,
        };
        match rows {
            None => set.problems.push(format!(
                "policy engine {engine_id} does not exist: every call is denied"
            )),
            Some(rows) => {
                let now = now_ms();
                for row in rows {
                    if let Some(at) = row.settles_after(now) {
                        set.rebuild_at_ms = Some(set.rebuild_at_ms.map_or(at, |t: i64| t.min(at)));
                    }
                    // Failed policies never decide; LOG_ONLY policies are
                    // evaluated by the dry-run, not at the gateway.
                    if row.status(now) != "ACTIVE" || row.enforcement_mode() != "ACTIVE" {
                        continue;
                    }
                    let Some(statement) = row.statement() else {
                        continue;
                    };
                    match parse_statement(&row.name, &statement)
                        .map_err(|e| format!("{e:?}"))
                        .and_then(|p| set.policies.add(p).map_err(|e| e.to_string()))
                    {
                        Ok(()) => {}
                        Err(e) => set.problems.push(format!("policy {}: {e}", row.name)),
                    }
                }
            }
        }
        let set = Arc::new(set);
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(engine_id, (generation, Arc::clone(&set)));
        Ok(set)
    }

    /// Evaluate one call. `caller` is unmasked: policies see the real claims.
    pub(crate) async fn decide(
        &self,
        engine: &AttachedEngine,
        caller: &CapturedCaller,
        tool: &str,
        gateway_arn: &str,
        arguments: &Value,
        input_schema: &Value,
    ) -> Result<CapturedPolicy, ApiError> {
        let set = self.engine_set(&engine.arn).await?;
        let (decision, determining, mut errors) =
            match cedar_call(caller, tool, gateway_arn, arguments, input_schema, None) {
                Ok(call) => {
                    let evaluation = evaluate(&call, &set.policies);
                    (
                        evaluation.decision,
                        evaluation.determining_policies,
                        evaluation.errors,
                    )
                }
                Err(e) => (PolicyDecision::Deny, Vec::new(), vec![e]),
            };
        errors.extend(set.problems.iter().cloned());
        Ok(CapturedPolicy {
            engine_arn: engine.arn.clone(),
            mode: engine.mode.clone(),
            decision,
            determining_policies: determining,
            errors,
        })
    }

    /// Which of `tools` (qualified names) the caller may see listed.
    pub(crate) async fn listable(
        &self,
        engine: &AttachedEngine,
        caller: &CapturedCaller,
        gateway_arn: &str,
        tools: &[&str],
    ) -> Result<Vec<bool>, ApiError> {
        // LOG_ONLY never hides anything: nothing is enforced yet.
        if !engine.enforcing() {
            return Ok(vec![true; tools.len()]);
        }
        let set = self.engine_set(&engine.arn).await?;
        Ok(tools
            .iter()
            .map(|tool| {
                cedar_call(caller, tool, gateway_arn, &Value::Null, &Value::Null, None)
                    .ok()
                    .and_then(|call| {
                        let (principal, action, resource) = (
                            call.request.principal()?.clone(),
                            call.request.action()?.clone(),
                            call.request.resource()?.clone(),
                        );
                        Some(could_be_permitted(
                            &set.policies,
                            &principal,
                            &action,
                            &resource,
                        ))
                    })
                    .unwrap_or(false)
            })
            .collect())
    }
}
