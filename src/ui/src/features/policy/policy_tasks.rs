//! The policy studio's work against the platform, run on effect tasks:
//! loading an engine with the gateway's schema, and the dry-run (captured
//! calls evaluated before and after an edit, plus the symbolic comparison).

use std::time::Instant;

use acc_backend::Backend;
use acc_domain::cedar_model::dry_run::dry_run as evaluate_calls;
use acc_domain::cedar_model::findings::compare;
use acc_domain::cedar_model::policy_edit::{PolicyChanges, edited_sets};
use acc_domain::cedar_model::request::cedar_call;
use acc_domain::cedar_model::schema::gateway_schema;
use acc_domain::cedar_model::templates::templates;
use acc_domain::{CaptureFilter, Gateway};

use crate::features::policy::dry_run::DryRunReport;
use crate::features::policy::studio::StudioData;

/// The newest captured calls a dry-run evaluates.
const DRY_RUN_CALLS: usize = 1_000;

/// The engine a gateway attaches, or why there is none.
fn engine_id(gateway: &Gateway) -> Result<(String, String), String> {
    let attached = gateway.policy_engine.as_ref().ok_or_else(|| {
        format!(
            "gateway {} has no policy engine attached; attach one (policyEngineConfiguration) to author policies for it",
            gateway.name
        )
    })?;
    Ok((attached.short_name().to_owned(), attached.mode.clone()))
}

pub(crate) async fn load_studio(
    backend: &Backend,
    gateway: &Gateway,
) -> Result<StudioData, String> {
    let (engine_id, mode) = engine_id(gateway)?;
    let text = |e: acc_backend::BackendError| e.to_string();
    let engine_name = backend
        .find_policy_engine(&engine_id)
        .await
        .map_err(text)?
        .map(|e| e.name)
        .unwrap_or_else(|| engine_id.clone());
    let policies = backend.policies(&engine_id).await.map_err(text)?;
    let tools = backend.policy_tools(gateway).await.map_err(text)?;
    let schema = gateway_schema(&tools)?;
    let templates = templates(&tools, gateway.arn.as_deref().unwrap_or(&gateway.id));
    Ok(StudioData {
        engine_id,
        engine_name,
        mode,
        policies,
        tools,
        schema,
        templates,
    })
}

pub(crate) async fn dry_run(
    backend: &Backend,
    gateway: &Gateway,
    engine_id: &str,
    policy: String,
    changes: &PolicyChanges,
) -> Result<DryRunReport, String> {
    let text = |e: acc_backend::BackendError| e.to_string();
    let started = Instant::now();
    let current = backend.policies(engine_id).await.map_err(text)?;
    let (before, after) = edited_sets(&current, changes)?;
    let tools = backend.policy_tools(gateway).await.map_err(text)?;
    let calls = backend
        .captured_calls(&gateway.id, &CaptureFilter::default(), DRY_RUN_CALLS)
        .await
        .map_err(text)?
        .calls;
    let schema = gateway_schema(&tools)?;
    // CPU-bound work off the async workers.
    let report = tokio::task::spawn_blocking(move || {
        let run = evaluate_calls(&calls, &tools, &before, &after);
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
        (run, requests, calls, before, after)
    })
    .await
    .map_err(|e| format!("the dry-run task failed: {e}"))?;
    let (run, requests, calls, before, after) = report;
    let symbolic = compare(&schema.schema, &before, &after)
        .await
        .map_err(|e| e.to_string());
    Ok(DryRunReport {
        policy,
        run,
        requests,
        calls,
        symbolic,
        elapsed_ms: started.elapsed().as_millis(),
    })
}
