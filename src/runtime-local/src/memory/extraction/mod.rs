//! Long-term memory extraction, run locally **by rules** (see [`rules`] and
//! [`digest`]) as jobs: events with extraction on are gathered into one
//! pending job per strategy, actor and session, which runs a configurable
//! delay after its first event (AWS: about a minute, with a model).
//!
//! The worker is one task per platform. It holds the memory state only
//! weakly, so it ends with the platform.

use std::sync::{Arc, Weak};
use std::time::Duration;

use rusqlite::{Transaction, params};
use serde_json::Value;

use crate::memory::memory_row::MemoryRow;
use crate::memory::state::MemoryState;
use crate::platform::resource::find;
use crate::platform::store::{get_meta, set_meta};
use crate::platform::timestamps::now_ms;
use crate::platform::wire_errors::ApiError;

pub(crate) mod digest;
mod jobs_run;
pub(crate) mod rules;
pub(crate) mod strategy_rules;

/// Events gathered into jobs per pass.
const DISCOVER_BATCH: i64 = 5_000;
/// Jobs run per pass.
const RUN_BATCH: i64 = 64;
/// The longest the worker sleeps when nothing is due.
const IDLE_POLL: Duration = Duration::from_secs(1);
/// Events purged per pass once expired.
const PURGE_BATCH: i64 = 1_000;
const WATERMARK: &str = "memory_extraction_watermark";

/// Start the platform's extraction worker.
pub(crate) fn start_worker(state: &Arc<MemoryState>) {
    let weak = Arc::downgrade(state);
    let wake = Arc::clone(&state.wake);
    tokio::spawn(async move {
        loop {
            let Some(pause) = pass(&weak).await else {
                break;
            };
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    });
}

/// One pass: gather new events into jobs, run the jobs that are due,
/// purge expired events. `None` when the platform is gone; else how long
/// to sleep before the next pass (unless woken).
async fn pass(weak: &Weak<MemoryState>) -> Option<Duration> {
    let state = weak.upgrade()?;
    let delay = state.extraction_delay.as_millis() as i64;
    let result = async {
        state.store.write(move |tx| discover(tx, delay)).await?;
        let ran = state
            .store
            .write(|tx| jobs_run::run_due(tx, RUN_BATCH))
            .await?;
        state.store.write(purge_expired).await?;
        let next_due = state.store.read(jobs_run::next_due).await?;
        Ok::<_, ApiError>((ran, next_due))
    }
    .await;
    Some(match result {
        Ok((ran, _)) if ran >= RUN_BATCH as usize => Duration::ZERO,
        Ok((_, Some(due))) => {
            Duration::from_millis((due - now_ms()).clamp(0, IDLE_POLL.as_millis() as i64) as u64)
        }
        Ok((_, None)) => IDLE_POLL,
        Err(e) => {
            tracing::warn!(error = %e, "memory extraction pass failed; retrying");
            IDLE_POLL
        }
    })
}

/// Gather events stored since the last pass into pending jobs: one per
/// strategy, actor and session, due `delay` ms after its first event.
fn discover(tx: &Transaction<'_>, delay: i64) -> Result<(), ApiError> {
    let watermark: i64 = get_meta(tx, WATERMARK)?
        .and_then(|w| w.parse().ok())
        .unwrap_or(0);
    let events: Vec<(i64, String, String, String, bool)> = tx
        .prepare_cached(
            "SELECT seq, memory_id, actor_id, session_id, extract FROM memory_events \
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?
        .query_map(params![watermark, DISCOVER_BATCH], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let Some(last) = events.last().map(|e| e.0) else {
        return Ok(());
    };
    let now = now_ms();
    let mut memory: Option<MemoryRow> = None;
    for (seq, memory_id, actor, session, _) in events.into_iter().filter(|e| e.4) {
        if memory.as_ref().is_none_or(|m| m.memory_id != memory_id) {
            memory = find(tx, &[("memory_id", &memory_id)])?;
        }
        let Some(row) = &memory else { continue };
        for strategy in row.strategies()? {
            let Some(strategy_id) = strategy["strategyId"].as_str() else {
                continue;
            };
            tx.prepare_cached(
                "INSERT INTO memory_extraction_jobs (job_id, memory_id, strategy_id, actor_id, \
                 session_id, status, first_event_seq, last_event_seq, due_at_ms, created_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 'PENDING', ?6, ?6, ?7, ?8) \
                 ON CONFLICT (memory_id, strategy_id, actor_id, session_id) WHERE status = 'PENDING' \
                 DO UPDATE SET last_event_seq = excluded.last_event_seq",
            )?
            .execute(params![
                uuid::Uuid::new_v4().to_string(),
                memory_id,
                strategy_id,
                actor,
                session,
                seq,
                now + delay,
                now,
            ])?;
        }
    }
    set_meta(tx, WATERMARK, &last.to_string())
}

/// Delete events past their memory's `eventExpiryDuration`.
fn purge_expired(tx: &Transaction<'_>) -> Result<(), ApiError> {
    tx.prepare_cached(
        "DELETE FROM memory_events WHERE seq IN \
         (SELECT seq FROM memory_events WHERE expires_at_ms <= ?1 LIMIT ?2)",
    )?
    .execute(params![now_ms(), PURGE_BATCH])?;
    Ok(())
}

/// The text of an event payload's conversational turns: `(role, text)`.
pub(crate) fn turns_of(payload: &Value) -> Vec<digest::Turn> {
    payload
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let turn = item.get("conversational")?;
            Some(digest::Turn {
                role: turn.get("role")?.as_str()?.to_owned(),
                text: turn.pointer("/content/text")?.as_str()?.to_owned(),
            })
        })
        .collect()
}
