//! Group commit for CreateEvent: events wait in a bounded queue, and one
//! task writes every event waiting in one transaction, so a burst costs
//! one commit (and one sync to disk) instead of one per event. Each caller
//! is answered only after the commit that made its event durable; an event
//! that fails (an unknown memory, a missing root event) fails alone.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::memory::events::{NewEvent, store_event};
use crate::platform::store::Store;
use crate::platform::wire_errors::ApiError;

/// Events waiting to be written, at most; more are throttled.
const QUEUE: usize = 4_096;
/// Events written per transaction, at most.
const BATCH: usize = 512;

/// One event waiting: the memory label, the event, whom to answer.
struct Pending {
    label: String,
    event: NewEvent,
    answer: oneshot::Sender<Result<Value, ApiError>>,
}

/// The queue into the event-writing task.
pub(crate) struct EventWriter {
    queue: mpsc::Sender<Pending>,
}

impl EventWriter {
    /// Start the writing task on `store`; it ends when the writer is dropped.
    pub(crate) fn start(store: Arc<Store>) -> Self {
        let (queue, waiting) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(store, waiting));
        Self { queue }
    }

    /// Write `event` into the memory `label` names; its CreateEvent answer
    /// once durable.
    pub(crate) async fn submit(&self, label: String, event: NewEvent) -> Result<Value, ApiError> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .try_send(Pending {
                label,
                event,
                answer,
            })
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => ApiError::throttled(
                    "Rate exceeded: too many events are waiting to be written. Retry with backoff.",
                ),
                mpsc::error::TrySendError::Closed(_) => {
                    ApiError::internal("the memory event writer has stopped")
                }
            })?;
        answered
            .await
            .map_err(|_| ApiError::internal("the memory event writer stopped before answering"))?
    }
}

async fn write_batches(store: Arc<Store>, mut waiting: mpsc::Receiver<Pending>) {
    while let Some(first) = waiting.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match waiting.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let (work, answers): (Vec<(String, NewEvent)>, Vec<_>) = batch
            .into_iter()
            .map(|p| ((p.label, p.event), p.answer))
            .unzip();
        let written = store
            .write(move |tx| {
                Ok(work
                    .iter()
                    .map(|(label, event)| store_event(tx, label, event))
                    .collect::<Vec<_>>())
            })
            .await;
        match written {
            Ok(results) => {
                for (answer, result) in answers.into_iter().zip(results) {
                    // A caller that hung up needs no answer.
                    let _ = answer.send(result);
                }
            }
            Err(e) => {
                for answer in answers {
                    let _ = answer.send(Err(e.clone()));
                }
            }
        }
    }
}
