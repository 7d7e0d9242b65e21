//! The memory control plane: CreateMemory, GetMemory, ListMemories,
//! UpdateMemory and DeleteMemory.

use std::sync::Arc;

use rusqlite::params;
use serde_json::{Value, json};

use crate::memory::events::{METADATA_PATTERN, is_metadata_text};
use crate::memory::memory_row::{MemoryRow, require_memory};
use crate::memory::state::MemoryState;
use crate::memory::strategies::{self, MAX_STRATEGIES};
use crate::memory::wire::{self, epoch_seconds};
use crate::platform::ids::{self, memory_arn};
use crate::platform::lifecycle::settles_at;
use crate::platform::pagination::{decode_position, encode_position, page_body};
use crate::platform::resource::{StoredResource as _, find};
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{Object, Violations, is_memory_name};
use crate::platform::wire_errors::ApiError;

/// The most memories one local platform holds (AWS's per-account quota).
pub(crate) const MAX_MEMORIES: i64 = 150;
/// Memory members a caller sets and the document keeps.
const KEPT: &[&str] = &[
    "description",
    "encryptionKeyArn",
    "memoryExecutionRoleArn",
    "indexedKeys",
    "streamDeliveryResources",
    "tags",
];
const NAME_PATTERN: &str = "[a-zA-Z][a-zA-Z0-9_]{0,47}";
const LIST_TAG: &str = "mm";

/// Check `indexedKeys`-shaped lists: 1–10 keys, each a key and a type.
fn check_indexed_keys(v: &mut Violations, input: &Object, member: &str) -> Vec<(String, Value)> {
    let Some(keys) = v.list(input, "", member, false, 1, 10) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let at = format!("{member}[{i}]");
        let Some(obj) = key.as_object() else {
            v.add(&at, Some(key), "Member must be a structure");
            continue;
        };
        let name = v.required_str(obj, &at, "key");
        v.enum_value(obj, &at, "type", &["STRING", "STRINGLIST", "NUMBER"], true);
        if let Some(name) = name {
            let path = format!("{at}.key");
            v.length(&path, name, 1, 128);
            // AWS's MetadataKey pattern: a key filters can name, and no more.
            v.pattern(&path, name, is_metadata_text(name), METADATA_PATTERN);
            out.push((name.to_owned(), key.clone()));
        }
    }
    out
}

/// `eventExpiryDuration`: days, 3–365.
fn expiry_days(v: &mut Violations, input: &Object, required: bool) -> Option<i64> {
    match input.get("eventExpiryDuration") {
        None | Some(Value::Null) => {
            if required {
                v.add("eventExpiryDuration", None, "Member must not be null");
            }
            None
        }
        Some(n) => match n.as_i64().filter(|d| (3..=365).contains(d)) {
            Some(d) => Some(d),
            None => {
                v.add(
                    "eventExpiryDuration",
                    Some(n),
                    "Member must have value between 3 and 365",
                );
                None
            }
        },
    }
}

/// The strategies of a create (or an update's additions), checked.
fn new_strategies(
    v: &mut Violations,
    input: &Object,
    member: &str,
    now: i64,
    settles: i64,
) -> Vec<Value> {
    let Some(list) = v.list(input, "", member, false, 0, usize::MAX) else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter_map(|(i, union)| {
            strategies::strategy_from_input(v, union, &format!("{member}[{i}]"), now, settles)
        })
        .collect()
}

/// Refuse strategies whose names repeat, and more than the quota allows.
fn check_strategy_set(strategies: &[Value]) -> Result<(), ApiError> {
    let mut names: Vec<&str> = strategies
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    names.sort_unstable();
    if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(ApiError::invalid_fields(
            format!(
                "A memory's strategies need distinct names; {} is given twice.",
                pair[0]
            ),
            vec![(
                "memoryStrategies".into(),
                "Strategy names must be unique".into(),
            )],
        ));
    }
    if strategies.len() > MAX_STRATEGIES {
        return Err(ApiError::quota_exceeded(format!(
            "A memory holds at most {MAX_STRATEGIES} strategies; this request would give it {}.",
            strategies.len()
        )));
    }
    Ok(())
}

/// CreateMemory.
pub(crate) async fn create_memory(
    ctx: &Arc<MemoryState>,
    input: Object,
) -> Result<Value, ApiError> {
    let now = now_ms();
    let settles = settles_at(now);
    let mut v = Violations::new();
    let name = v.required_str(&input, "", "name").map(str::to_owned);
    if let Some(name) = &name {
        v.pattern("name", name, is_memory_name(name), NAME_PATTERN);
    }
    v.optional_len(&input, "", "description", 1, 4096);
    let days = expiry_days(&mut v, &input, true);
    check_indexed_keys(&mut v, &input, "indexedKeys");
    let strategies = new_strategies(&mut v, &input, "memoryStrategies", now, settles);
    let token = v.optional_str(&input, "", "clientToken").map(str::to_owned);
    v.finish()?;
    let (Some(name), Some(days)) = (name, days) else {
        return Err(ApiError::internal("validated members are missing"));
    };
    check_strategy_set(&strategies)?;
    let mut doc = Object::new();
    for key in KEPT {
        if let Some(value) = input.get(*key).filter(|x| !x.is_null()) {
            doc.insert((*key).to_owned(), value.clone());
        }
    }
    doc.insert("strategies".into(), json!(strategies));
    let account = ctx.account.clone();
    ctx.store
        .write(move |tx| {
            if let Some(token) = &token {
                let existing: Option<MemoryRow> = find(tx, &[("client_token", token)])?;
                if let Some(existing) = existing {
                    return existing
                        .answer(&account, now)
                        .map(|m| json!({ "memory": m }));
                }
            }
            if find::<MemoryRow>(tx, &[("name", &name)])?.is_some() {
                return Err(ApiError::state_conflict(format!(
                    "Memory with name {name} already exists. Choose another name, or use the \
                     existing memory (ListMemories lists it)."
                )));
            }
            let count: i64 = tx.query_row("SELECT COUNT(*) FROM memories", [], |r| r.get(0))?;
            if count >= MAX_MEMORIES {
                return Err(ApiError::quota_exceeded(format!(
                    "This platform already holds {MAX_MEMORIES} memories, the most an account may \
                     have. Delete one first."
                )));
            }
            let id = format!("{name}-{}", ids::new_alnum_suffix());
            tx.execute(
                "INSERT INTO memories (memory_id, name, client_token, status, settles_at_ms, \
                 created_at_ms, updated_at_ms, event_expiry_days, document) \
                 VALUES (?1, ?2, ?3, 'CREATING', ?4, ?5, ?5, ?6, ?7)",
                params![
                    id,
                    name,
                    token,
                    settles,
                    now,
                    days,
                    Value::Object(doc).to_string()
                ],
            )?;
            let row: MemoryRow =
                crate::platform::resource::require(tx, &[("memory_id", &id)], || {
                    ApiError::internal("the memory just created is missing")
                })?;
            Ok(json!({ "memory": row.answer(&account, now)? }))
        })
        .await
}

/// GetMemory.
pub(crate) async fn get_memory(ctx: &Arc<MemoryState>, label: String) -> Result<Value, ApiError> {
    let account = ctx.account.clone();
    ctx.store
        .read(move |conn| {
            let row = require_memory(conn, &label)?;
            Ok(json!({ "memory": row.answer(&account, now_ms())? }))
        })
        .await
}

/// ListMemories: summaries (no name), in creation order.
pub(crate) async fn list_memories(
    ctx: &Arc<MemoryState>,
    input: Object,
) -> Result<Value, ApiError> {
    let mut v = Violations::new();
    let limit = wire::max_results(&mut v, &input, 100, 100);
    let token = v.optional_str(&input, "", "nextToken").map(str::to_owned);
    v.finish()?;
    let after: i64 = match token {
        Some(t) => decode_position(&t, LIST_TAG)?
            .parse()
            .map_err(|_| ApiError::cannot_parse("Invalid nextToken"))?,
        None => 0,
    };
    let account = ctx.account.clone();
    ctx.store
        .read(move |conn| {
            let now = now_ms();
            let sql = format!(
                "SELECT {}, seq FROM memories WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                MemoryRow::COLUMNS.join(", ")
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(params![after, limit as i64 + 1], |r| {
                    Ok((MemoryRow::from_row(r)?, r.get::<_, i64>(8)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let more = rows.len() > limit;
            let next = more.then(|| encode_position(LIST_TAG, &rows[limit - 1].1.to_string()));
            let summaries = rows
                .iter()
                .take(limit)
                .map(|(m, _)| {
                    json!({
                        "arn": memory_arn(&account.region, &account.account_id, &m.memory_id),
                        "id": m.memory_id,
                        "status": m.status_at(now),
                        "createdAt": epoch_seconds(m.created_at_ms),
                        "updatedAt": epoch_seconds(m.updated_at_ms),
                    })
                })
                .collect();
            Ok(page_body("memories", summaries, next))
        })
        .await
}

/// DeleteMemory: the memory, its events, records and jobs go at once; the
/// answer says DELETING, and the memory is not found from then on.
pub(crate) async fn delete_memory(
    ctx: &Arc<MemoryState>,
    label: String,
) -> Result<Value, ApiError> {
    ctx.store
        .write(move |tx| {
            let row = require_memory(tx, &label)?;
            for table in [
                "memory_events",
                "memory_records",
                "memory_extraction_jobs",
                "memories",
            ] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE memory_id = ?1"),
                    [&row.memory_id],
                )?;
            }
            Ok(json!({ "memoryId": row.memory_id, "status": "DELETING" }))
        })
        .await
}

/// UpdateMemory: description, expiry, role, strategies added, modified or
/// deleted, indexed keys added.
pub(crate) async fn update_memory(
    ctx: &Arc<MemoryState>,
    label: String,
    input: Object,
) -> Result<Value, ApiError> {
    let now = now_ms();
    let settles = settles_at(now);
    let mut v = Violations::new();
    v.optional_len(&input, "", "description", 1, 4096);
    let days = expiry_days(&mut v, &input, false);
    let added_keys = check_indexed_keys(&mut v, &input, "addIndexedKeys");
    let changes = v
        .object(&input, "", "memoryStrategies", false)
        .cloned()
        .unwrap_or_default();
    let added = new_strategies(&mut v, &changes, "addMemoryStrategies", now, settles);
    v.finish()?;
    let account = ctx.account.clone();
    ctx.store
        .write(move |tx| {
            let row = require_memory(tx, &label)?;
            let status = row.status_at(now);
            if matches!(status, "CREATING" | "UPDATING" | "DELETING") {
                return Err(ApiError::conflict(format!(
                    "Memory {} is {status}: another change is being applied. Wait until it is \
                     ACTIVE (GetMemory says) and send the update again.",
                    row.memory_id
                )));
            }
            let mut doc = row.doc()?;
            for key in [
                "description",
                "memoryExecutionRoleArn",
                "streamDeliveryResources",
            ] {
                if let Some(value) = input.get(key).filter(|x| !x.is_null()) {
                    doc.insert(key.into(), value.clone());
                }
            }
            let mut strategies = row.strategies()?;
            let deleted = apply_strategy_changes(&mut strategies, &changes, added, now)?;
            check_strategy_set(&strategies)?;
            add_indexed_keys(&mut doc, added_keys)?;
            doc.insert("strategies".into(), json!(strategies));
            for strategy_id in &deleted {
                tx.execute(
                    "DELETE FROM memory_records WHERE memory_id = ?1 AND strategy_id = ?2",
                    params![row.memory_id, strategy_id],
                )?;
            }
            tx.execute(
                "UPDATE memories SET status = 'UPDATING', settles_at_ms = ?2, updated_at_ms = ?3, \
                 event_expiry_days = COALESCE(?4, event_expiry_days), document = ?5 \
                 WHERE memory_id = ?1",
                params![
                    row.memory_id,
                    settles,
                    now,
                    days,
                    Value::Object(doc).to_string()
                ],
            )?;
            let row = require_memory(tx, &row.memory_id)?;
            Ok(json!({ "memory": row.answer(&account, now)? }))
        })
        .await
}

/// Modify, delete, then add strategies; the ids deleted.
fn apply_strategy_changes(
    strategies: &mut Vec<Value>,
    changes: &Object,
    added: Vec<Value>,
    now: i64,
) -> Result<Vec<String>, ApiError> {
    let mut v = Violations::new();
    let named = |item: &Value| {
        item.get("memoryStrategyId")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let unknown = |id: &str| {
        ApiError::invalid_fields(
            format!(
                "Memory strategy {id} is not a strategy of this memory (GetMemory lists them)."
            ),
            vec![("memoryStrategyId".into(), "Unknown memory strategy".into())],
        )
    };
    let modify = changes
        .get("modifyMemoryStrategies")
        .and_then(Value::as_array);
    for (i, change) in modify.into_iter().flatten().enumerate() {
        let id = named(change).ok_or_else(|| unknown("(missing)"))?;
        let strategy = strategies
            .iter_mut()
            .find(|s| s["strategyId"] == json!(id))
            .ok_or_else(|| unknown(&id))?;
        if let Some(change) = change.as_object() {
            let at = format!("memoryStrategies.modifyMemoryStrategies[{i}]");
            strategies::modify(&mut v, strategy, change, &at, now);
        }
    }
    v.finish()?;
    let mut deleted = Vec::new();
    let delete = changes
        .get("deleteMemoryStrategies")
        .and_then(Value::as_array);
    for item in delete.into_iter().flatten() {
        let id = named(item).ok_or_else(|| unknown("(missing)"))?;
        let before = strategies.len();
        strategies.retain(|s| s["strategyId"] != json!(id));
        if strategies.len() == before {
            return Err(unknown(&id));
        }
        deleted.push(id);
    }
    strategies.extend(added);
    Ok(deleted)
}

/// Append `addIndexedKeys`; a key declared twice is refused.
fn add_indexed_keys(doc: &mut Object, added: Vec<(String, Value)>) -> Result<(), ApiError> {
    if added.is_empty() {
        return Ok(());
    }
    let keys = doc
        .entry("indexedKeys")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .ok_or_else(|| ApiError::internal("stored indexedKeys is not a list"))?;
    for (name, key) in added {
        if keys.iter().any(|k| k["key"] == json!(name)) {
            return Err(ApiError::invalid_fields(
                format!("The indexed key {name} is already declared on this memory."),
                vec![(
                    "addIndexedKeys".into(),
                    "Indexed keys must be unique".into(),
                )],
            ));
        }
        keys.push(key);
    }
    if keys.len() > 10 {
        return Err(ApiError::quota_exceeded(
            "A memory declares at most 10 indexed keys.".to_owned(),
        ));
    }
    Ok(())
}
