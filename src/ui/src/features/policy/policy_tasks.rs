//! The policy studio's work against the platform, run on effect tasks:
//! loading an engine with the gateway's schema, and the dry-run. Both are
//! the shared workflow `acc policy` runs too ([`acc_backend::policy::workflow`]),
//! so the console and the CLI answer alike on the same captures.

use acc_backend::Backend;
use acc_backend::policy::workflow::DryRunCalls;
use acc_domain::Gateway;
use acc_domain::cedar_model::policy_edit::PolicyChanges;

use crate::features::policy::dry_run::DryRunReport;
use crate::features::policy::studio::StudioData;

pub(crate) async fn load_studio(
    backend: &Backend,
    gateway: &Gateway,
) -> Result<StudioData, String> {
    backend
        .gateway_policies(gateway)
        .await
        .map_err(|e| e.to_string())
}

pub(crate) async fn dry_run(
    backend: &Backend,
    gateway: &Gateway,
    engine_id: &str,
    policy: String,
    changes: &PolicyChanges,
) -> Result<DryRunReport, String> {
    let dry = backend
        .policy_dry_run(gateway, engine_id, changes, &DryRunCalls::default(), true)
        .await
        .map_err(|e| e.to_string())?;
    Ok(DryRunReport { policy, dry })
}
