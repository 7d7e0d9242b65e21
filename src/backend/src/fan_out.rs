//! Concurrent per-item calls (one GetGateway per gateway, one
//! GetGatewayTarget per target) with a bound, so an account with hundreds of
//! gateways does not trip API throttling.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// At most this many calls of one fan-out are in flight.
pub(crate) const MAX_IN_FLIGHT: usize = 8;

/// Runs `call` for every item, at most [`MAX_IN_FLIGHT`] at a time. Results
/// keep the input order; `None` marks a call whose task panicked.
pub(crate) async fn fan_out<I, O, F, Fut>(items: Vec<I>, call: F) -> Vec<Option<O>>
where
    F: Fn(I) -> Fut,
    Fut: Future<Output = O> + Send + 'static,
    O: Send + 'static,
{
    let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let mut tasks = JoinSet::new();
    let count = items.len();
    for (index, item) in items.into_iter().enumerate() {
        let permits = permits.clone();
        let call = call(item);
        tasks.spawn(async move {
            // The semaphore is never closed, so acquiring cannot fail.
            let _permit = permits.acquire_owned().await;
            (index, call.await)
        });
    }
    let mut results: Vec<Option<O>> = (0..count).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, output)) = joined {
            results[index] = Some(output);
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn keeps_order_and_bounds_concurrency() {
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let results = fan_out((0..40).collect(), |i: usize| {
            let (running, peak) = (running.clone(), peak.clone());
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::task::yield_now().await;
                running.fetch_sub(1, Ordering::SeqCst);
                i * 2
            }
        })
        .await;
        assert_eq!(results, (0..40).map(|i| Some(i * 2)).collect::<Vec<_>>());
        assert!(peak.load(Ordering::SeqCst) <= MAX_IN_FLIGHT);
    }
}
