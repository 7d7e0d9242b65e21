//! What the memory service's handlers and its extraction worker share.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use crate::platform::account::Account;
use crate::platform::store::Store;
use crate::platform::wire_errors::ApiError;

/// The memory service's part of the platform state.
pub(crate) struct MemoryState {
    /// The platform's database.
    pub(crate) store: Arc<Store>,
    /// Region and account, for ARNs.
    pub(crate) account: Account,
    /// How long after an event its extraction job runs.
    pub(crate) extraction_delay: Duration,
    /// Wakes the extraction worker when events arrive or a job is started.
    pub(crate) wake: Arc<Notify>,
    /// Data-plane writes in flight; none left means `ThrottledException`.
    writes: Arc<Semaphore>,
}

impl MemoryState {
    /// The state for a platform on `store`; its extraction worker is
    /// started by [`crate::memory::extraction::start_worker`].
    pub(crate) fn new(
        store: Arc<Store>,
        account: Account,
        extraction_delay: Duration,
        write_concurrency: usize,
    ) -> Self {
        Self {
            store,
            account,
            extraction_delay,
            wake: Arc::new(Notify::new()),
            writes: Arc::new(Semaphore::new(write_concurrency.max(1))),
        }
    }

    /// A slot for one data-plane write, or `ThrottledException` when every
    /// slot is taken (the caller retries, as AWS's SDKs do).
    pub(crate) fn write_slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        Arc::clone(&self.writes).try_acquire_owned().map_err(|_| {
            ApiError::throttled(
                "Rate exceeded: too many memory writes are in flight on the local platform. \
                 Retry with backoff (the AWS SDKs do so by default).",
            )
        })
    }
}
