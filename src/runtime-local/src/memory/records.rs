//! Long-term memory records: GetMemoryRecord, DeleteMemoryRecord,
//! ListMemoryRecords, and the batch create, update and delete operations.

use axum::routing::MethodRouter;

/// The records' routes (added to the memory service's).
pub(crate) fn routes<S>() -> Vec<(String, MethodRouter<S>)>
where
    S: Clone + Send + Sync + 'static,
    std::sync::Arc<crate::memory::state::MemoryState>: axum::extract::FromRef<S>,
{
    Vec::new()
}
