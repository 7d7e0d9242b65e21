//! Running one extraction job: read its session's events, apply its
//! strategy's rules, and write (consolidate) the records into the
//! namespace its template names.

use rusqlite::{Connection, OptionalExtension as _, Transaction, params};
use serde_json::{Map, Value, json};

use crate::memory::extraction::digest::{self, Turn};
use crate::memory::extraction::rules::{self, Extracted};
use crate::memory::extraction::strategy_rules::{Rules, namespace_for, rules_of};
use crate::memory::extraction::turns_of;
use crate::memory::memory_row::MemoryRow;
use crate::platform::resource::find;
use crate::platform::timestamps::now_ms;
use crate::platform::wire_errors::ApiError;

/// Events a session-level job (summary, episode) reads, the latest ones.
const SESSION_EVENTS: i64 = 500;
/// The label every locally extracted record's source carries.
const LOCAL: &str = "local rule-based extraction (AWS extracts with a model)";

/// A pending job, as read to run it.
struct Job {
    job_id: String,
    memory_id: String,
    strategy_id: String,
    actor_id: String,
    session_id: String,
    first_seq: i64,
    last_seq: i64,
}

/// When the next pending job is due, if any.
pub(crate) fn next_due(conn: &Connection) -> Result<Option<i64>, ApiError> {
    Ok(conn
        .prepare_cached(
            "SELECT MIN(due_at_ms) FROM memory_extraction_jobs WHERE status = 'PENDING'",
        )?
        .query_row([], |r| r.get(0))
        .optional()?
        .flatten())
}

/// Run up to `batch` due jobs; how many ran.
pub(crate) fn run_due(tx: &Transaction<'_>, batch: i64) -> Result<usize, ApiError> {
    let jobs: Vec<Job> = tx
        .prepare_cached(
            "SELECT job_id, memory_id, strategy_id, actor_id, session_id, first_event_seq, \
             last_event_seq FROM memory_extraction_jobs WHERE status = 'PENDING' \
             AND due_at_ms <= ?1 ORDER BY due_at_ms LIMIT ?2",
        )?
        .query_map(params![now_ms(), batch], |r| {
            Ok(Job {
                job_id: r.get(0)?,
                memory_id: r.get(1)?,
                strategy_id: r.get(2)?,
                actor_id: r.get(3)?,
                session_id: r.get(4)?,
                first_seq: r.get(5)?,
                last_seq: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    for job in &jobs {
        let (status, reason, delivered) = match run_job(tx, job) {
            Ok(delivered) => ("COMPLETED", None, delivered),
            Err(why) => ("FAILED", Some(why), None),
        };
        tx.prepare_cached(
            "UPDATE memory_extraction_jobs SET status = ?2, failure_reason = ?3, delivered = ?4 \
             WHERE job_id = ?1",
        )?
        .execute(params![job.job_id, status, reason, delivered])?;
    }
    Ok(jobs.len())
}

/// One event as a job reads it.
struct EventRead {
    seq: i64,
    event_id: String,
    turns: Vec<Turn>,
    metadata: Option<Value>,
}

fn read_events(
    tx: &Transaction<'_>,
    job: &Job,
    whole_session: bool,
) -> Result<Vec<EventRead>, ApiError> {
    let (low, high, limit) = if whole_session {
        (0, i64::MAX, SESSION_EVENTS)
    } else {
        (job.first_seq, job.last_seq, i64::MAX)
    };
    let mut events: Vec<EventRead> = tx
        .prepare_cached(
            "SELECT event_id, payload, metadata, seq FROM memory_events WHERE memory_id = ?1 \
             AND actor_id = ?2 AND session_id = ?3 AND seq BETWEEN ?4 AND ?5 AND extract = 1 \
             ORDER BY seq DESC LIMIT ?6",
        )?
        .query_map(
            params![
                job.memory_id,
                job.actor_id,
                job.session_id,
                low,
                high,
                limit
            ],
            |r| {
                let payload: String = r.get(1)?;
                let metadata: Option<String> = r.get(2)?;
                Ok(EventRead {
                    seq: r.get(3)?,
                    event_id: r.get(0)?,
                    turns: turns_of(&serde_json::from_str(&payload).unwrap_or(Value::Null)),
                    metadata: metadata.and_then(|m| serde_json::from_str(&m).ok()),
                })
            },
        )?
        .collect::<Result<_, _>>()?;
    events.reverse();
    Ok(events)
}

/// Run `job`; what a self-managed strategy would have delivered, or the
/// reason the job failed.
fn run_job(tx: &Transaction<'_>, job: &Job) -> Result<Option<String>, String> {
    let memory: MemoryRow = find(tx, &[("memory_id", &job.memory_id)])
        .map_err(|e| e.message)?
        .ok_or("The memory was deleted before the job ran.")?;
    let strategies = memory.strategies().map_err(|e| e.message)?;
    let strategy = strategies
        .iter()
        .find(|s| s["strategyId"] == json!(job.strategy_id))
        .ok_or("The strategy was deleted before the job ran; nothing was extracted.")?;
    let rules = rules_of(strategy).ok_or("The strategy's type has no local extraction rules.")?;
    let whole = matches!(rules, Rules::Summary | Rules::Episodic | Rules::SelfManaged);
    let events = read_events(tx, job, whole).map_err(|e| e.message)?;
    if rules == Rules::SelfManaged {
        return Ok(self_managed_delivery(strategy, job, &events));
    }
    let target = Target {
        memory_id: &job.memory_id,
        strategy_id: &job.strategy_id,
        namespace: namespace_for(strategy, &job.strategy_id, &job.actor_id, &job.session_id),
        indexed: memory.indexed_keys().map_err(|e| e.message)?,
        custom: strategy["type"] == "CUSTOM",
        actor_id: &job.actor_id,
        session_id: &job.session_id,
    };
    let write = |extracted: Extracted, sources: &[&EventRead]| {
        consolidate(tx, &target, extracted, sources).map_err(|e| e.message)
    };
    match rules {
        Rules::Semantic | Rules::UserPreference => {
            for event in &events {
                for turn in event.turns.iter().filter(|t| t.role == "USER") {
                    let found = if rules == Rules::Semantic {
                        rules::semantic_facts(&turn.text)
                    } else {
                        rules::preferences(&turn.text)
                    };
                    for extracted in found {
                        write(extracted, &[event])?;
                    }
                }
            }
        }
        Rules::Summary | Rules::Episodic => {
            let turns: Vec<Turn> = events.iter().flat_map(|e| e.turns.clone()).collect();
            let (subject, text) = if rules == Rules::Summary {
                ("summary", digest::summary(&turns))
            } else {
                ("episode", digest::episode(&turns))
            };
            if let Some(text) = text {
                let all: Vec<&EventRead> = events.iter().collect();
                write(
                    Extracted {
                        subject: subject.into(),
                        text,
                    },
                    &all,
                )?;
            }
        }
        Rules::SelfManaged => {}
    }
    Ok(None)
}

/// Where a job's records go.
struct Target<'a> {
    memory_id: &'a str,
    strategy_id: &'a str,
    namespace: String,
    indexed: Vec<(String, String)>,
    custom: bool,
    actor_id: &'a str,
    session_id: &'a str,
}

/// Write one extracted record: an exact duplicate is skipped, a record on
/// the same subject is replaced, anything else is added.
fn consolidate(
    tx: &Transaction<'_>,
    to: &Target<'_>,
    extracted: Extracted,
    sources: &[&EventRead],
) -> Result<(), ApiError> {
    let duplicate: Option<i64> = tx
        .prepare_cached(
            "SELECT seq FROM memory_records WHERE memory_id = ?1 AND namespace = ?2 \
             AND strategy_id = ?3 AND text = ?4 LIMIT 1",
        )?
        .query_row(
            params![to.memory_id, to.namespace, to.strategy_id, extracted.text],
            |r| r.get(0),
        )
        .optional()?;
    if duplicate.is_some() {
        return Ok(());
    }
    let now = now_ms();
    let mut source = json!({
        "actorId": to.actor_id,
        "sessionId": to.session_id,
        "eventIds": sources.iter().rev().take(20).map(|e| e.event_id.as_str()).collect::<Vec<_>>(),
        "extraction": LOCAL,
    });
    if to.custom {
        source["note"] = json!(
            "The custom strategy's prompt and model are not applied locally; its base rules ran."
        );
    }
    let metadata = indexed_metadata(&to.indexed, sources);
    let replaced = tx
        .prepare_cached(
            "UPDATE memory_records SET text = ?5, record_ms = ?6, source = ?7, metadata = COALESCE(?8, metadata) \
             WHERE memory_id = ?1 AND namespace = ?2 AND strategy_id = ?3 AND subject = ?4",
        )?
        .execute(params![to.memory_id, to.namespace, to.strategy_id, extracted.subject, extracted.text, now, source.to_string(), metadata])?;
    if replaced == 0 {
        crate::memory::records::insert_record(
            tx,
            &crate::memory::records::NewRecord {
                memory_id: to.memory_id.to_owned(),
                strategy_id: to.strategy_id.to_owned(),
                namespace: to.namespace.clone(),
                subject: Some(extracted.subject),
                text: extracted.text,
                record_ms: now,
                metadata,
                source: Some(source.to_string()),
            },
        )?;
    }
    Ok(())
}

/// The source events' metadata under the memory's indexed keys, as record
/// metadata (`{key: {stringValue}}`), so record filters can find them.
fn indexed_metadata(indexed: &[(String, String)], sources: &[&EventRead]) -> Option<String> {
    let mut out = Map::new();
    for event in sources {
        let Some(Value::Object(metadata)) = &event.metadata else {
            continue;
        };
        for (key, _) in indexed {
            if let Some(value) = metadata.get(key).and_then(|v| v.get("stringValue")) {
                out.insert(key.clone(), json!({ "stringValue": value }));
            }
        }
    }
    (!out.is_empty()).then(|| Value::Object(out).to_string())
}

/// A self-managed strategy: if its trigger conditions hold, the payload it
/// would have delivered (recorded, never sent).
fn self_managed_delivery(strategy: &Value, job: &Job, events: &[EventRead]) -> Option<String> {
    let configuration = strategy.pointer("/configuration/selfManagedConfiguration")?;
    let window = configuration["historicalContextWindowSize"]
        .as_u64()
        .unwrap_or(4) as usize;
    let current: Vec<&EventRead> = events
        .iter()
        .filter(|e| e.seq >= job.first_seq && e.seq <= job.last_seq)
        .collect();
    let earlier: Vec<&EventRead> = events.iter().filter(|e| e.seq < job.first_seq).collect();
    let history = &earlier[earlier.len().saturating_sub(window)..];
    let messages: usize = current.iter().map(|e| e.turns.len()).sum();
    let tokens: usize = current
        .iter()
        .flat_map(|e| &e.turns)
        .map(|t| t.text.split_whitespace().count())
        .sum();
    let triggers = configuration["triggerConditions"].as_array()?;
    let met = triggers.iter().any(|t| {
        if let Some(count) = t
            .pointer("/messageBasedTrigger/messageCount")
            .and_then(Value::as_u64)
        {
            messages as u64 >= count
        } else if let Some(count) = t
            .pointer("/tokenBasedTrigger/tokenCount")
            .and_then(Value::as_u64)
        {
            tokens as u64 >= count
        } else {
            // A time-based trigger fires once the session is idle; a job runs after a quiet delay.
            t.get("timeBasedTrigger").is_some()
        }
    });
    if !met {
        return None;
    }
    let as_json = |events: &[&EventRead]| -> Vec<Value> {
        events.iter().map(|e| json!({
            "eventId": e.event_id,
            "messages": e.turns.iter().map(|t| json!({"role": t.role, "text": t.text})).collect::<Vec<_>>(),
        })).collect()
    };
    let invocation = &configuration["invocationConfiguration"];
    Some(
        json!({
            "jobId": job.job_id,
            "memoryId": job.memory_id,
            "strategyId": job.strategy_id,
            "actorId": job.actor_id,
            "sessionId": job.session_id,
            "historicalContext": as_json(history),
            "currentContext": as_json(&current),
            "wouldDeliverTo": {
                "topicArn": invocation["topicArn"],
                "payloadDeliveryBucketName": invocation["payloadDeliveryBucketName"],
            },
            "note": "Recorded by the local platform; nothing was sent to SNS or S3.",
        })
        .to_string(),
    )
}
