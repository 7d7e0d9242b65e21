//! Long-term memory records: GetMemoryRecord, DeleteMemoryRecord,
//! ListMemoryRecords, and BatchCreate, BatchUpdate and BatchDelete (at most
//! 100 records a call). Records the platform extracts itself are written
//! here too ([`insert_record`]).

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{MethodRouter, get, post};
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension as _, Transaction, params, params_from_iter};
use serde_json::{Value, json};

use crate::memory::handlers::{body, created};
use crate::memory::jobs;
use crate::memory::memory_row::require_memory;
use crate::memory::record_filters::{self, RecordFilter};
use crate::memory::retrieval::{self, NamespaceScope};
use crate::memory::state::MemoryState;
use crate::memory::wire::{DEFAULT_PAGE, MAX_PAGE, epoch_seconds, max_results, timestamp_ms};
use crate::platform::pagination::{decode_position, encode_position, page_body};
use crate::platform::rest_json::{Answer, Body, PathParams, ok, path_param};
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{MEMORY_RECORD_ID, Object, Violations, join};
use crate::platform::wire_errors::ApiError;

type Memory = State<Arc<MemoryState>>;
const MAX_BATCH: usize = 100;
const LIST_TAG: &str = "mr";

/// The records' routes (added to the memory service's).
pub(crate) fn routes<S>() -> Vec<(String, MethodRouter<S>)>
where
    S: Clone + Send + Sync + 'static,
    Arc<MemoryState>: axum::extract::FromRef<S>,
{
    let m = "/memories/{memory_id}";
    vec![
        (format!("{m}/retrieve"), post(retrieve)),
        (format!("{m}/memoryRecords"), post(list_records)),
        (format!("{m}/memoryRecord/{{record_id}}"), get(get_record)),
        (
            format!("{m}/memoryRecords/{{record_id}}"),
            axum::routing::delete(delete_record),
        ),
        (format!("{m}/memoryRecords/batchCreate"), post(batch_create)),
        (format!("{m}/memoryRecords/batchUpdate"), post(batch_update)),
        (format!("{m}/memoryRecords/batchDelete"), post(batch_delete)),
        (format!("{m}/extractionJobs"), post(list_jobs)),
        (format!("{m}/extractionJobs/start"), post(start_job)),
    ]
}

/// A record to store.
pub(crate) struct NewRecord {
    pub(crate) memory_id: String,
    pub(crate) strategy_id: String,
    pub(crate) namespace: String,
    pub(crate) subject: Option<String>,
    pub(crate) text: String,
    pub(crate) record_ms: i64,
    pub(crate) metadata: Option<String>,
    pub(crate) source: Option<String>,
}

/// Store a record under a new `mem-<uuid>` id; returns the id.
pub(crate) fn insert_record(tx: &Transaction<'_>, r: &NewRecord) -> Result<String, ApiError> {
    let id = format!("mem-{}", uuid::Uuid::new_v4());
    tx.prepare_cached(
        "INSERT INTO memory_records (record_id, memory_id, strategy_id, namespace, subject, text, \
         created_at_ms, record_ms, metadata, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id, r.memory_id, r.strategy_id, r.namespace, r.subject, r.text, now_ms(), r.record_ms, r.metadata, r.source
    ])?;
    Ok(id)
}

/// The columns [`record_answer`] reads, in its order.
pub(crate) const RECORD_COLUMNS: &str =
    "r.record_id, r.text, r.strategy_id, r.namespace, r.created_at_ms, r.record_ms, r.metadata";

/// A `MemoryRecord` from a row read with [`RECORD_COLUMNS`].
pub(crate) fn record_answer(row: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let mut record = json!({
        "memoryRecordId": row.get::<_, String>(0)?,
        "content": { "text": row.get::<_, String>(1)? },
        "memoryStrategyId": row.get::<_, String>(2)?,
        "namespaces": [row.get::<_, String>(3)?],
        "createdAt": epoch_seconds(row.get(4)?),
        "timestamp": epoch_seconds(row.get(5)?),
    });
    if let Some(metadata) = row.get::<_, Option<String>>(6)? {
        record["metadata"] = serde_json::from_str(&metadata).unwrap_or(Value::Null);
    }
    Ok(record)
}

fn record_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Memory record {id} not found in this memory."))
}

fn find_record(
    conn: &Connection,
    memory_id: &str,
    record_id: &str,
) -> Result<Option<Value>, ApiError> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM memory_records r WHERE r.memory_id = ?1 AND r.record_id = ?2"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![memory_id, record_id], record_answer)
        .optional()?)
}

async fn get_record(State(ctx): Memory, path: PathParams<(String, String)>) -> Answer {
    let (label, record_id) = path_param(path)?;
    ok(ctx
        .store
        .read(move |conn| {
            let memory = require_memory(conn, &label)?;
            let record = find_record(conn, &memory.memory_id, &record_id)?
                .ok_or_else(|| record_not_found(&record_id))?;
            Ok(json!({ "memoryRecord": record }))
        })
        .await?)
}

async fn delete_record(State(ctx): Memory, path: PathParams<(String, String)>) -> Answer {
    let (label, record_id) = path_param(path)?;
    let _slot = ctx.write_slot()?;
    ok(ctx
        .store
        .write(move |tx| {
            let memory = require_memory(tx, &label)?;
            let deleted = tx.execute(
                "DELETE FROM memory_records WHERE memory_id = ?1 AND record_id = ?2",
                params![memory.memory_id, record_id],
            )?;
            if deleted == 0 {
                return Err(record_not_found(&record_id));
            }
            Ok(json!({ "memoryRecordId": record_id }))
        })
        .await?)
}

/// A ListMemoryRecords request, checked.
struct ListQuery {
    scope: NamespaceScope,
    strategy: Option<String>,
    filters: Vec<RecordFilter>,
    limit: usize,
    after: i64,
}

fn check_list(input: &Object) -> Result<ListQuery, ApiError> {
    let mut v = Violations::new();
    let scope = retrieval::check_scope(&mut v, input);
    let strategy = v
        .optional_str(input, "", "memoryStrategyId")
        .map(str::to_owned);
    let filters = record_filters::check_filters(&mut v, input, "");
    let limit = max_results(&mut v, input, DEFAULT_PAGE, MAX_PAGE);
    let token = v.optional_str(input, "", "nextToken").map(str::to_owned);
    v.finish()?;
    let after = match token {
        Some(t) => decode_position(&t, LIST_TAG)?
            .parse()
            .map_err(|_| ApiError::cannot_parse("Invalid nextToken"))?,
        None => 0,
    };
    Ok(ListQuery {
        scope,
        strategy,
        filters,
        limit,
        after,
    })
}

async fn list_records(State(ctx): Memory, path: PathParams<String>, b: Body) -> Answer {
    let label = path_param(path)?;
    let q = check_list(&body(b)?)?;
    ok(ctx
        .store
        .read(move |conn| {
            let memory = require_memory(conn, &label)?;
            record_filters::require_indexed(&q.filters, &memory.indexed_keys()?)?;
            let mut values = vec![Sql::Text(memory.memory_id), Sql::Integer(q.after)];
            let mut sql = format!("SELECT {RECORD_COLUMNS}, r.seq FROM memory_records r WHERE r.memory_id = ?1 AND r.seq > ?2");
            sql.push_str(&q.scope.condition("r.namespace", &mut values));
            if let Some(strategy) = q.strategy {
                values.push(Sql::Text(strategy));
                sql.push_str(&format!(" AND r.strategy_id = ?{}", values.len()));
            }
            sql.push_str(&record_filters::conditions("r.metadata", &q.filters, &mut values));
            values.push(Sql::Integer(q.limit as i64 + 1));
            sql.push_str(&format!(" ORDER BY r.seq LIMIT ?{}", values.len()));
            let mut rows: Vec<(Value, i64)> = conn
                .prepare_cached(&sql)?
                .query_map(params_from_iter(values), |r| Ok((record_answer(r)?, r.get(7)?)))?
                .collect::<Result<_, _>>()?;
            let next = (rows.len() > q.limit).then(|| {
                rows.truncate(q.limit);
                encode_position(LIST_TAG, &rows.last().map_or(0, |r| r.1).to_string())
            });
            Ok(page_body("memoryRecordSummaries", rows.into_iter().map(|r| r.0).collect(), next))
        })
        .await?)
}

async fn retrieve(State(ctx): Memory, path: PathParams<String>, b: Body) -> Answer {
    let label = path_param(path)?;
    ok(retrieval::retrieve(&ctx, label, body(b)?).await?)
}

/// One batch item's outcome.
fn outcome(id: &str, request: Option<&str>, error: Option<(u16, String)>) -> Value {
    let mut out = json!({ "memoryRecordId": id, "status": if error.is_some() { "FAILED" } else { "SUCCEEDED" } });
    if let Some(request) = request {
        out["requestIdentifier"] = json!(request);
    }
    if let Some((code, message)) = error {
        out["errorCode"] = json!(code);
        out["errorMessage"] = json!(message);
    }
    out
}

/// The records list of a batch: 1 to 100 objects.
fn batch_items(input: &Object) -> Result<Vec<Object>, ApiError> {
    let mut v = Violations::new();
    let items = v
        .list(input, "", "records", true, 1, MAX_BATCH)
        .cloned()
        .unwrap_or_default();
    v.finish()?;
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Value::Object(o) => out.push(o),
            other => {
                let mut v = Violations::new();
                v.add(
                    &format!("records[{i}]"),
                    Some(&other),
                    "Member must be a structure",
                );
                v.finish()?;
            }
        }
    }
    Ok(out)
}

/// A batch record's members, checked.
#[derive(Default)]
struct RecordFields {
    text: Option<String>,
    namespace: Option<String>,
    strategy: Option<String>,
    timestamp_ms: Option<i64>,
    metadata: Option<String>,
}

/// A batch record's content, namespace, strategy, timestamp and metadata.
fn record_fields(item: &Object, at: &str, required: bool) -> Result<RecordFields, ApiError> {
    let mut v = Violations::new();
    let text = v
        .object(item, at, "content", required)
        .and_then(|c| v.required_str(c, &join(at, "content"), "text"))
        .map(str::to_owned);
    if let Some(text) = &text {
        v.length(&join(at, "content.text"), text, 1, 16_000);
    }
    let namespace = v
        .list(item, at, "namespaces", required, 1, 1)
        .and_then(|n| n.first())
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(ns) = &namespace {
        retrieval::check_namespace(&mut v, &join(at, "namespaces"), ns);
    }
    let strategy = v
        .optional_str(item, at, "memoryStrategyId")
        .map(str::to_owned);
    let timestamp_ms = timestamp_ms(&mut v, item, at, "timestamp", true);
    let metadata = v
        .object(item, at, "metadata", false)
        .map(|m| Value::Object(m.clone()).to_string());
    v.finish()?;
    Ok(RecordFields {
        text,
        namespace,
        strategy,
        timestamp_ms,
        metadata,
    })
}

async fn batch_create(State(ctx): Memory, path: PathParams<String>, b: Body) -> Answer {
    let label = path_param(path)?;
    let items = batch_items(&body(b)?)?;
    let mut checked = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("records[{i}]");
        let request = Violations::new()
            .required_str(item, &at, "requestIdentifier")
            .map(str::to_owned);
        let RecordFields {
            text,
            namespace: ns,
            strategy,
            timestamp_ms: ts,
            metadata,
        } = record_fields(item, &at, true)?;
        let request = request.ok_or_else(|| {
            ApiError::invalid_fields(
                format!("{at}.requestIdentifier is required"),
                vec![(
                    format!("{at}.requestIdentifier"),
                    "Member must not be null".into(),
                )],
            )
        })?;
        checked.push((
            request,
            text.unwrap_or_default(),
            ns.unwrap_or_default(),
            strategy,
            ts.unwrap_or_default(),
            metadata,
        ));
    }
    let _slot = ctx.write_slot()?;
    let answer = ctx
        .store
        .write(move |tx| {
            let memory = require_memory(tx, &label)?;
            let mut done = Vec::new();
            for (request, text, namespace, strategy, ts, metadata) in checked {
                let id = insert_record(
                    tx,
                    &NewRecord {
                        memory_id: memory.memory_id.clone(),
                        strategy_id: strategy.unwrap_or_default(),
                        namespace,
                        subject: None,
                        text,
                        record_ms: ts,
                        metadata,
                        source: Some(json!({"createdBy": "BatchCreateMemoryRecords"}).to_string()),
                    },
                )?;
                done.push(outcome(&id, Some(&request), None));
            }
            Ok(json!({ "successfulRecords": done, "failedRecords": [] }))
        })
        .await?;
    created(answer)
}

async fn batch_update(State(ctx): Memory, path: PathParams<String>, b: Body) -> Answer {
    let label = path_param(path)?;
    let items = batch_items(&body(b)?)?;
    let mut checked = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("records[{i}]");
        let mut v = Violations::new();
        let id = v
            .required_str(item, &at, "memoryRecordId")
            .unwrap_or_default()
            .to_owned();
        v.id(&join(&at, "memoryRecordId"), &id, &MEMORY_RECORD_ID);
        v.finish()?;
        checked.push((id, record_fields(item, &at, false)?));
    }
    let _slot = ctx.write_slot()?;
    ok(ctx
        .store
        .write(move |tx| {
            let memory = require_memory(tx, &label)?;
            let (mut done, mut failed) = (Vec::new(), Vec::new());
            for (id, f) in checked {
                let RecordFields { text, namespace: ns, strategy, timestamp_ms: ts, metadata } = f;
                let changed = tx.execute(
                    "UPDATE memory_records SET text = COALESCE(?3, text), namespace = COALESCE(?4, namespace), \
                     strategy_id = COALESCE(?5, strategy_id), record_ms = COALESCE(?6, record_ms), \
                     metadata = COALESCE(?7, metadata) WHERE memory_id = ?1 AND record_id = ?2",
                    params![memory.memory_id, id, text, ns, strategy, ts, metadata],
                )?;
                if changed == 0 {
                    failed.push(outcome(&id, None, Some((404, format!("Memory record {id} not found.")))));
                } else {
                    done.push(outcome(&id, None, None));
                }
            }
            Ok(json!({ "successfulRecords": done, "failedRecords": failed }))
        })
        .await?)
}

async fn batch_delete(State(ctx): Memory, path: PathParams<String>, b: Body) -> Answer {
    let label = path_param(path)?;
    let items = batch_items(&body(b)?)?;
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("records[{i}]");
        let mut v = Violations::new();
        let id = v
            .required_str(item, &at, "memoryRecordId")
            .unwrap_or_default()
            .to_owned();
        v.id(&join(&at, "memoryRecordId"), &id, &MEMORY_RECORD_ID);
        v.finish()?;
        ids.push(id);
    }
    let _slot = ctx.write_slot()?;
    ok(ctx
        .store
        .write(move |tx| {
            let memory = require_memory(tx, &label)?;
            let (mut done, mut failed) = (Vec::new(), Vec::new());
            for id in ids {
                let deleted = tx.execute(
                    "DELETE FROM memory_records WHERE memory_id = ?1 AND record_id = ?2",
                    params![memory.memory_id, id],
                )?;
                if deleted == 0 {
                    failed.push(outcome(
                        &id,
                        None,
                        Some((404, format!("Memory record {id} not found."))),
                    ));
                } else {
                    done.push(outcome(&id, None, None));
                }
            }
            Ok(json!({ "successfulRecords": done, "failedRecords": failed }))
        })
        .await?)
}

async fn list_jobs(State(ctx): Memory, path: PathParams<String>, b: Body) -> Answer {
    let label = path_param(path)?;
    ok(jobs::list_jobs(&ctx, label, body(b)?).await?)
}

async fn start_job(State(ctx): Memory, path: PathParams<String>, b: Body) -> Answer {
    let label = path_param(path)?;
    ok(jobs::start_job(&ctx, label, body(b)?).await?)
}
