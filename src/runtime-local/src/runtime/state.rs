//! What the runtime service's handlers use.

use std::sync::Arc;

use crate::identity::inbound_auth::InboundAuth;
use crate::platform::account::Account;
use crate::platform::store::Store;
use crate::runtime::session_host::SessionHost;

/// The runtime service's share of the platform.
pub(crate) struct RuntimeState {
    /// The database.
    pub(crate) store: Arc<Store>,
    /// Region and account in ARNs.
    pub(crate) account: Account,
    /// The lowest idle timeout / max lifetime accepted, in seconds
    /// (AgentCore's 60 unless lowered for rehearsals and tests).
    pub(crate) min_session_timeout_s: i64,
    /// Agent runtime sessions, one sandbox each.
    pub(crate) sessions: Arc<SessionHost>,
    /// Checks the bearer JWTs of runtimes with a JWT authorizer.
    pub(crate) inbound: Arc<InboundAuth>,
}
