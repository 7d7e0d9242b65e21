//! What the gateway service's handlers use.

use std::sync::Arc;

use crate::gateway::capture_store::CaptureRecorder;
use crate::gateway::target_calls::outbound::TargetBackends;
use crate::gateway::tool_catalog::ToolCatalog;
use crate::identity::inbound_auth::InboundAuth;
use crate::platform::account::Account;
use crate::platform::store::Store;
use crate::policy::enforcement::PolicyEnforcement;

/// The gateway service's share of the platform.
#[derive(Debug)]
pub(crate) struct GatewayState {
    /// The database.
    pub(crate) store: Arc<Store>,
    /// Region and account in ARNs.
    pub(crate) account: Account,
    /// `http://127.0.0.1:PORT`: the base of each gateway's `gatewayUrl`.
    pub(crate) endpoint_url: String,
    /// Refuse tool calls (they have side effects) and captures (writes).
    pub(crate) read_only: bool,
    /// Each gateway's tools, as its MCP endpoint serves them.
    pub(crate) catalog: ToolCatalog,
    /// How tool calls reach the targets' backends.
    pub(crate) backends: Arc<TargetBackends>,
    /// Checks callers against each gateway's inbound authorizer.
    pub(crate) inbound: Arc<InboundAuth>,
    /// Stores captured tool calls (and evicts beyond the configured cap).
    pub(crate) captures: CaptureRecorder,
    /// Evaluates calls against the policy engine a gateway attaches.
    pub(crate) enforcement: Arc<PolicyEnforcement>,
}
