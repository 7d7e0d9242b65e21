//! ListMemoryExtractionJobs and StartMemoryExtractionJob. Jobs are the
//! local extraction's units of work (see `extraction`): each is listed
//! with its status (PENDING, COMPLETED or FAILED), the messages it covers,
//! and, for a self-managed strategy, the payload it would have delivered.
//! Starting a job runs it again now. Note the casing: the answer says
//! `jobID`, the request `jobId`.

use std::sync::Arc;

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, params, params_from_iter};
use serde_json::{Value, json};

use crate::memory::memory_row::require_memory;
use crate::memory::state::MemoryState;
use crate::memory::wire::max_results;
use crate::platform::pagination::{decode_position, encode_position, page_body};
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{Object, Violations};
use crate::platform::wire_errors::ApiError;

const LIST_TAG: &str = "jb";
/// Messages listed per job, at most.
const MAX_MESSAGES: i64 = 100;

/// A job as listed.
struct JobRow {
    job_id: String,
    memory_id: String,
    strategy_id: String,
    actor_id: String,
    session_id: String,
    status: String,
    failure_reason: Option<String>,
    first_seq: i64,
    last_seq: i64,
    delivered: Option<String>,
    seq: i64,
}

/// The messages a job covers: `{eventId, messageIndex}`.
fn messages(conn: &Connection, job: &JobRow) -> Result<Vec<Value>, ApiError> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT event_id, payload FROM memory_events WHERE memory_id = ?1 AND actor_id = ?2 \
             AND session_id = ?3 AND seq BETWEEN ?4 AND ?5 ORDER BY seq LIMIT ?6",
        )?
        .query_map(
            params![
                job.memory_id,
                job.actor_id,
                job.session_id,
                job.first_seq,
                job.last_seq,
                MAX_MESSAGES
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (event_id, payload) in rows {
        let count = serde_json::from_str::<Value>(&payload)
            .ok()
            .and_then(|p| p.as_array().map(Vec::len))
            .unwrap_or(0);
        out.extend((0..count).map(|i| json!({ "eventId": event_id, "messageIndex": i })));
    }
    Ok(out)
}

fn job_answer(conn: &Connection, job: JobRow) -> Result<Value, ApiError> {
    let mut answer = json!({
        "jobID": job.job_id,
        "messages": { "messagesList": messages(conn, &job)? },
        "status": job.status,
        "strategyId": job.strategy_id,
        "actorId": job.actor_id,
        "sessionId": job.session_id,
        "extraction": "local rule-based (AWS extracts with a model)",
    });
    if let Some(reason) = job.failure_reason {
        answer["failureReason"] = json!(reason);
    }
    if let Some(delivered) = job.delivered {
        answer["selfManagedPayload"] = serde_json::from_str(&delivered).unwrap_or(Value::Null);
    }
    Ok(answer)
}

/// ListMemoryExtractionJobs, newest first.
pub(crate) async fn list_jobs(
    ctx: &Arc<MemoryState>,
    label: String,
    input: Object,
) -> Result<Value, ApiError> {
    let mut v = Violations::new();
    let limit = max_results(&mut v, &input, 50, 50);
    let token = v.optional_str(&input, "", "nextToken").map(str::to_owned);
    let filter = v
        .object(&input, "", "filter", false)
        .cloned()
        .unwrap_or_default();
    let mut conditions = Vec::new();
    for (member, column) in [
        ("strategyId", "strategy_id"),
        ("sessionId", "session_id"),
        ("actorId", "actor_id"),
        ("status", "status"),
    ] {
        if let Some(value) = v.optional_str(&filter, "filter", member) {
            conditions.push((column, value.to_owned()));
        }
    }
    v.finish()?;
    let before = match token {
        Some(t) => decode_position(&t, LIST_TAG)?
            .parse()
            .map_err(|_| ApiError::cannot_parse("Invalid nextToken"))?,
        None => i64::MAX,
    };
    ctx.store
        .read(move |conn| {
            let memory = require_memory(conn, &label)?;
            let mut values = vec![Sql::Text(memory.memory_id), Sql::Integer(before)];
            let mut sql = "SELECT job_id, memory_id, strategy_id, actor_id, session_id, status, \
                           failure_reason, first_event_seq, last_event_seq, delivered, seq \
                           FROM memory_extraction_jobs WHERE memory_id = ?1 AND seq < ?2"
                .to_owned();
            for (column, value) in conditions {
                values.push(Sql::Text(value));
                // `column` comes from the fixed list above, never from the request.
                sql.push_str(&format!(" AND {column} = ?{}", values.len()));
            }
            values.push(Sql::Integer(limit as i64 + 1));
            sql.push_str(&format!(" ORDER BY seq DESC LIMIT ?{}", values.len()));
            let mut rows: Vec<JobRow> = conn
                .prepare_cached(&sql)?
                .query_map(params_from_iter(values), |r| {
                    Ok(JobRow {
                        job_id: r.get(0)?,
                        memory_id: r.get(1)?,
                        strategy_id: r.get(2)?,
                        actor_id: r.get(3)?,
                        session_id: r.get(4)?,
                        status: r.get(5)?,
                        failure_reason: r.get(6)?,
                        first_seq: r.get(7)?,
                        last_seq: r.get(8)?,
                        delivered: r.get(9)?,
                        seq: r.get(10)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            let next = (rows.len() > limit).then(|| {
                rows.truncate(limit);
                encode_position(LIST_TAG, &rows.last().map_or(0, |j| j.seq).to_string())
            });
            let jobs = rows
                .into_iter()
                .map(|job| job_answer(conn, job))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(page_body("jobs", jobs, next))
        })
        .await
}

/// StartMemoryExtractionJob: run a job (again) now.
pub(crate) async fn start_job(
    ctx: &Arc<MemoryState>,
    label: String,
    input: Object,
) -> Result<Value, ApiError> {
    let mut v = Violations::new();
    let job = v
        .object(&input, "", "extractionJob", true)
        .cloned()
        .unwrap_or_default();
    let job_id = v
        .required_str(&job, "extractionJob", "jobId")
        .unwrap_or_default()
        .to_owned();
    v.finish()?;
    let _slot = ctx.write_slot()?;
    let answer = ctx
        .store
        .write(move |tx| {
            let memory = require_memory(tx, &label)?;
            // A pending job for the same strategy, actor and session takes this one's events.
            tx.execute(
                "UPDATE memory_extraction_jobs AS p SET first_event_seq = MIN(p.first_event_seq, j.first_event_seq), \
                 due_at_ms = ?3 FROM memory_extraction_jobs AS j WHERE j.job_id = ?2 AND j.memory_id = ?1 \
                 AND j.status != 'PENDING' AND p.status = 'PENDING' AND p.memory_id = j.memory_id \
                 AND p.strategy_id = j.strategy_id AND p.actor_id = j.actor_id AND p.session_id = j.session_id",
                params![memory.memory_id, job_id, now_ms()],
            )?;
            tx.execute(
                "UPDATE memory_extraction_jobs SET status = 'PENDING', failure_reason = NULL, due_at_ms = ?3 \
                 WHERE memory_id = ?1 AND job_id = ?2 AND NOT EXISTS (SELECT 1 FROM memory_extraction_jobs p \
                 WHERE p.status = 'PENDING' AND p.memory_id = ?1 AND p.job_id != ?2 AND p.strategy_id = \
                 memory_extraction_jobs.strategy_id AND p.actor_id = memory_extraction_jobs.actor_id \
                 AND p.session_id = memory_extraction_jobs.session_id)",
                params![memory.memory_id, job_id, now_ms()],
            )?;
            let exists: i64 = tx.query_row(
                "SELECT COUNT(*) FROM memory_extraction_jobs WHERE memory_id = ?1 AND job_id = ?2",
                params![memory.memory_id, job_id],
                |r| r.get(0),
            )?;
            if exists == 0 {
                return Err(ApiError::not_found(format!(
                    "Extraction job {job_id} not found (ListMemoryExtractionJobs lists the jobs)."
                )));
            }
            Ok(json!({ "jobId": job_id }))
        })
        .await?;
    ctx.wake.notify_one();
    Ok(answer)
}
