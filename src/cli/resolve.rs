//! Finding the resource a command names, by id or name (or ARN), with a
//! not-found failure (exit 3) that says how to list them.

use acc_backend::Backend;
use acc_domain::{AgentRuntime, Gateway, PolicyEngine};

use super::exit::{Failure, not_found};

/// Finds a gateway by id, or else by exact name.
pub(crate) async fn gateway(backend: &Backend, key: &str) -> Result<Gateway, Failure> {
    backend.find_gateway(key).await?.ok_or_else(|| {
        not_found(format!(
            "no gateway with id or name `{key}`; `acc gateways` lists them"
        ))
    })
}

/// Finds a policy engine by id, name or ARN.
pub(crate) async fn policy_engine(backend: &Backend, key: &str) -> Result<PolicyEngine, Failure> {
    backend.find_policy_engine(key).await?.ok_or_else(|| {
        not_found(format!(
            "no policy engine with id or name `{key}`; `acc policy engines` lists them"
        ))
    })
}

/// Finds an agent runtime by id, name or ARN.
pub(crate) async fn agent_runtime(backend: &Backend, key: &str) -> Result<AgentRuntime, Failure> {
    backend.find_agent_runtime(key).await?.ok_or_else(|| {
        not_found(format!(
            "no agent runtime with id, name or ARN `{key}`; `acc runtime` lists them"
        ))
    })
}
