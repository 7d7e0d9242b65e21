//! What every request handler of the platform shares.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::gateway::capture_store::CaptureRecorder;
use crate::gateway::function_bindings::FunctionBinding;
use crate::identity::inbound_auth::JwtVerifier;
use crate::platform::store::Store;
use crate::policy::enforcement::PolicySetCache;

/// The running platform's shared state: its database and the facts it
/// reports in ARNs and URLs.
pub(crate) struct PlatformState {
    pub(crate) store: Arc<Store>,
    pub(crate) region: String,
    pub(crate) account_id: String,
    /// `http://127.0.0.1:PORT`: the base of URLs handed out (e.g. `gatewayUrl`).
    pub(crate) endpoint_url: String,
    /// Refuse writes, tool calls included (they have side effects).
    pub(crate) read_only: bool,
    /// Outbound HTTP: OIDC discovery and JWKS, OpenAPI and MCP targets.
    pub(crate) http: reqwest::Client,
    /// Verifies inbound JWTs; caches discovery documents and keys.
    pub(crate) jwt: JwtVerifier,
    /// Lambda ARNs bound to local commands.
    pub(crate) functions: Vec<FunctionBinding>,
    /// Stores captured tool calls (and evicts beyond the configured cap).
    pub(crate) captures: CaptureRecorder,
    /// Bumped on every policy write, so cached policy sets know they are stale.
    pub(crate) policy_generation: AtomicU64,
    /// Parsed policy sets of the engines gateways enforce.
    pub(crate) policy_sets: PolicySetCache,
    /// The lowest idle timeout / max lifetime accepted, in seconds
    /// (AgentCore's 60 unless lowered for rehearsals and tests).
    pub(crate) min_session_timeout_s: i64,
    /// Agent runtime sessions, one sandbox each.
    pub(crate) sessions: Arc<crate::runtime::session_host::SessionHost>,
}
