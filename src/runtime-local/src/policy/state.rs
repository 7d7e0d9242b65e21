//! What the policy service's handlers use.

use std::sync::Arc;

use crate::gateway::tool_catalog::ToolCatalog;
use crate::platform::account::Account;
use crate::platform::store::Store;
use crate::policy::enforcement::PolicyEnforcement;

/// The policy service's share of the platform.
#[derive(Debug)]
pub(crate) struct PolicyState {
    /// The database.
    pub(crate) store: Arc<Store>,
    /// Region and account in ARNs.
    pub(crate) account: Account,
    /// The gateways' enforcement, told when a policy changes.
    pub(crate) enforcement: Arc<PolicyEnforcement>,
    /// The gateways' tool catalogs: a policy is validated against the Cedar
    /// schema of every gateway that attaches its engine.
    pub(crate) catalog: ToolCatalog,
}
