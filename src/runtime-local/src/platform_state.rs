//! What every request handler of the platform shares.

use std::sync::Arc;

use crate::store::Store;

/// The running platform's shared state: its database and the facts it
/// reports in ARNs and URLs.
pub(crate) struct PlatformState {
    pub(crate) store: Arc<Store>,
    pub(crate) region: String,
    pub(crate) account_id: String,
    /// `http://127.0.0.1:PORT`: the base of URLs handed out (e.g. `gatewayUrl`).
    pub(crate) endpoint_url: String,
}
