//! Group commit of span exports: exports that wait for the store together
//! are stored in one transaction, so one commit (one `fsync` of the
//! write-ahead log, `synchronous=FULL`) serves them all. Each export joins
//! the waiting group, then asks for the writer; whichever export's
//! transaction runs first takes every export waiting at that moment and
//! stores them with one [`span_store::keep_in`]. Every export is answered
//! only after the commit that holds its spans, so an acknowledged span
//! survives a crash as before; when that transaction fails, each export in
//! it is answered with the failure (nothing acknowledged, the exporter
//! retries).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

use crate::observability::otlp::span_store::{self, SpanRows};
use crate::platform::store::Store;
use crate::platform::timestamps::now_ms;
use crate::platform::wire_errors::ApiError;

/// One export waiting for the store.
struct Waiting {
    /// Which export, to withdraw it when its own transaction cannot start.
    id: u64,
    rows: SpanRows,
    /// Told once the spans are committed, or why they were not.
    done: oneshot::Sender<Result<(), ApiError>>,
}

/// The span exports waiting for the store, taken as one group by the
/// first transaction to run. Bounded by the receiver's queue
/// ([`super::limits::OtlpLimits::queue`]): an export holds its place in
/// it until answered.
#[derive(Default)]
pub(crate) struct SpanGroups {
    waiting: Mutex<Vec<Waiting>>,
    next_id: AtomicU64,
}

impl SpanGroups {
    fn waiting(&self) -> MutexGuard<'_, Vec<Waiting>> {
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Join the group; the export's id.
    fn join(&self, rows: SpanRows, done: oneshot::Sender<Result<(), ApiError>>) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.waiting().push(Waiting { id, rows, done });
        id
    }

    /// Every export waiting now.
    fn take(&self) -> Vec<Waiting> {
        std::mem::take(&mut *self.waiting())
    }

    /// Leave the group if no transaction has taken the export yet.
    fn withdraw(&self, id: u64) -> bool {
        let mut waiting = self.waiting();
        let before = waiting.len();
        waiting.retain(|w| w.id != id);
        waiting.len() < before
    }
}

/// Keep `rows` (evicting the oldest spans beyond `kept`) in a
/// transaction shared with every other export waiting then; returns once
/// they are committed.
pub(crate) async fn store_grouped(
    store: &Arc<Store>,
    groups: &Arc<SpanGroups>,
    rows: SpanRows,
    kept: i64,
) -> Result<(), ApiError> {
    let (done, answered) = oneshot::channel();
    let id = groups.join(rows, done);
    let group = Arc::clone(groups);
    let stored = store
        .write(move |tx| {
            let exports = group.take();
            if exports.is_empty() {
                // Taken by an earlier transaction, which answers them.
                return Ok(Vec::new());
            }
            let mut rows = SpanRows::default();
            let mut answers = Vec::with_capacity(exports.len());
            for export in exports {
                rows.extend(export.rows);
                answers.push(export.done);
            }
            match span_store::keep_in(tx, &rows, now_ms(), kept) {
                Ok(()) => Ok(answers),
                Err(e) => {
                    for answer in answers {
                        let _ = answer.send(Err(e.clone()));
                    }
                    Err(e)
                }
            }
        })
        .await;
    match stored {
        Ok(answers) => {
            for answer in answers {
                // An export whose handler has gone (its client hung up)
                // has nobody to tell; its spans are stored all the same.
                let _ = answer.send(Ok(()));
            }
        }
        // The transaction could not start: nothing took this export (it
        // leaves), or an earlier transaction did (and answers it). Exports
        // this transaction took were told inside it or, if its commit
        // failed, through their dropped answers.
        Err(e) => {
            if groups.withdraw(id) {
                return Err(e);
            }
            tracing::warn!(error = %e, "storing a group of span exports failed");
        }
    }
    answered.await.unwrap_or_else(|_| {
        Err(ApiError::internal(
            "the transaction storing this export with others failed to commit; retry it",
        ))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::observability::otlp::spans::SpanRecord;
    use crate::platform::config::StateLocation;

    /// Export `n`'s rows: `count` spans of trace `n`.
    fn rows(n: usize, count: usize) -> SpanRows {
        let spans = (0..count)
            .map(|i| SpanRecord {
                trace_id: format!("{:032x}", n + 1),
                span_id: format!("{:016x}", n * 1_000 + i + 1),
                name: format!("export {n} span {i}"),
                start_unix_nano: (n * 1_000 + i) as i64,
                end_unix_nano: (n * 1_000 + i + 1) as i64,
                ..SpanRecord::default()
            })
            .collect();
        SpanRows::new(spans, &HashMap::new())
    }

    async fn count(store: &Arc<Store>, sql: &'static str) -> i64 {
        store
            .read(move |conn| Ok(conn.query_row(sql, [], |r| r.get(0))?))
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_exports_are_all_stored_and_answered() {
        let store = Arc::new(Store::open(&StateLocation::Ephemeral).unwrap());
        let groups = Arc::new(SpanGroups::default());
        let mut exports = tokio::task::JoinSet::new();
        for n in 0..40 {
            let (store, groups) = (Arc::clone(&store), Arc::clone(&groups));
            exports
                .spawn(async move { store_grouped(&store, &groups, rows(n, 25), 1_000_000).await });
        }
        while let Some(answer) = exports.join_next().await {
            answer.unwrap().expect("every export is acknowledged");
        }
        assert_eq!(count(&store, "SELECT count(*) FROM spans").await, 40 * 25);
        let records = "SELECT count(*) FROM log_events WHERE group_name = 'aws/spans'";
        assert_eq!(count(&store, records).await, 40 * 25);
        assert!(groups.take().is_empty(), "nothing is left waiting");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_group_answers_each_export_with_the_failure() {
        let store = Arc::new(Store::open(&StateLocation::Ephemeral).unwrap());
        // Break the table every group writes to.
        store
            .write(|tx| Ok(tx.execute_batch("DROP TABLE spans")?))
            .await
            .unwrap();
        let groups = Arc::new(SpanGroups::default());
        let mut exports = tokio::task::JoinSet::new();
        for n in 0..8 {
            let (store, groups) = (Arc::clone(&store), Arc::clone(&groups));
            exports.spawn(async move { store_grouped(&store, &groups, rows(n, 3), 100).await });
        }
        while let Some(answer) = exports.join_next().await {
            let refused = answer.unwrap().expect_err("nothing is acknowledged");
            assert!(refused.to_string().contains("spans"), "{refused}");
        }
        let records = "SELECT count(*) FROM log_events";
        assert_eq!(count(&store, records).await, 0, "rolled back");
    }
}
