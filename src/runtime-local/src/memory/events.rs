//! Events: CreateEvent, GetEvent and DeleteEvent. An event's id is its
//! timestamp in 19 zero-padded digits of milliseconds, `#`, and 8 hex
//! digits of its sequence number, so ids sort by time (and, within one
//! millisecond, by arrival).

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension as _, Transaction, params};
use serde_json::{Value, json};

use crate::memory::memory_row::require_memory;
use crate::memory::state::MemoryState;
use crate::memory::wire::{epoch_seconds, stored_json, timestamp_ms};
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{
    ACTOR_ID, EVENT_ID, MEMORY_SESSION_ID, Object, Violations, join,
};
use crate::platform::wire_errors::ApiError;

const DAY_MS: i64 = 86_400_000;
/// `[a-zA-Z0-9\s._:/=+@-]*`: metadata keys and string values.
pub(crate) fn is_metadata_text(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || c.is_ascii_whitespace()
            || matches!(c, '.' | '_' | ':' | '/' | '=' | '+' | '@' | '-')
    })
}
/// The pattern [`is_metadata_text`] checks, as messages quote it.
pub(crate) const METADATA_PATTERN: &str = "[a-zA-Z0-9\\s._:/=+@-]*";

/// A CreateEvent request, checked.
pub(crate) struct NewEvent {
    actor_id: String,
    session_id: String,
    event_ms: i64,
    payload: Value,
    branch_name: String,
    branch_root: Option<String>,
    metadata: Option<String>,
    extract: bool,
    client_token: Option<String>,
}

/// Check the payload list: conversational turns (role and text) or blobs.
fn check_payload(v: &mut Violations, input: &Object) -> Value {
    let Some(items) = v.list(input, "", "payload", true, 1, 100) else {
        return json!([]);
    };
    for (i, item) in items.iter().enumerate() {
        let at = format!("payload[{i}]");
        let Some(union) = item.as_object() else {
            v.add(&at, Some(item), "Member must be a structure");
            continue;
        };
        match v.union_members(&at, union) {
            Some(("conversational", turn)) => {
                let at = join(&at, "conversational");
                let Some(turn) = turn.as_object() else {
                    v.add(&at, Some(turn), "Member must be a structure");
                    continue;
                };
                v.enum_value(
                    turn,
                    &at,
                    "role",
                    &["ASSISTANT", "USER", "TOOL", "OTHER"],
                    true,
                );
                if let Some(content) = v.object(turn, &at, "content", true) {
                    let at = join(&at, "content");
                    if let Some(text) = v.required_str(content, &at, "text") {
                        v.length(&join(&at, "text"), text, 1, 100_000);
                    }
                }
            }
            Some(("blob", _)) | None => {}
            Some((other, _)) => v.add(&at, None, format!("{other} is not a payload type")),
        }
    }
    Value::Array(items.clone())
}

/// Check `metadata`: at most 15 entries of `{stringValue}`.
pub(crate) fn check_metadata(v: &mut Violations, input: &Object, max: usize) -> Option<Value> {
    let map = v.object(input, "", "metadata", false)?;
    if map.len() > max {
        v.add(
            "metadata",
            None,
            format!("Member must have at most {max} entries"),
        );
    }
    for (key, value) in map {
        let at = format!("metadata.{key}");
        v.length(&at, key, 1, 128);
        v.pattern(&at, key, is_metadata_text(key), METADATA_PATTERN);
        match value.get("stringValue").and_then(Value::as_str) {
            Some(s) => {
                v.length(&at, s, 0, 256);
                v.pattern(&at, s, is_metadata_text(s), METADATA_PATTERN);
            }
            None => v.add(
                &at,
                Some(value),
                "Member must be a structure with a stringValue",
            ),
        }
    }
    Some(Value::Object(map.clone()))
}

fn check_new_event(input: &Object) -> Result<NewEvent, ApiError> {
    let mut v = Violations::new();
    let actor = v
        .required_str(input, "", "actorId")
        .unwrap_or_default()
        .to_owned();
    if !actor.is_empty() {
        v.id("actorId", &actor, &ACTOR_ID);
    }
    let session = v
        .required_str(input, "", "sessionId")
        .unwrap_or_default()
        .to_owned();
    if !session.is_empty() {
        v.id("sessionId", &session, &MEMORY_SESSION_ID);
    }
    let event_ms = timestamp_ms(&mut v, input, "", "eventTimestamp", true);
    let payload = check_payload(&mut v, input);
    let mut branch_name = String::new();
    let mut branch_root = None;
    if let Some(branch) = v.object(input, "", "branch", false) {
        if let Some(name) = v.required_str(branch, "branch", "name") {
            v.id("branch.name", name, &MEMORY_SESSION_ID);
            branch_name = name.to_owned();
        }
        if let Some(root) = v.optional_str(branch, "branch", "rootEventId") {
            v.id("branch.rootEventId", root, &EVENT_ID);
            branch_root = Some(root.to_owned());
        }
    }
    let metadata = check_metadata(&mut v, input, 15);
    let mode = v.enum_value(input, "", "extractionMode", &["SKIP"], false);
    let client_token = v.optional_str(input, "", "clientToken").map(str::to_owned);
    v.finish()?;
    Ok(NewEvent {
        actor_id: actor,
        session_id: session,
        event_ms: event_ms.unwrap_or_default(),
        payload,
        branch_name,
        branch_root,
        metadata: stored_json(metadata.as_ref()),
        extract: mode.is_none(),
        client_token,
    })
}

/// The columns [`event_answer`] reads, in its order.
pub(crate) const EVENT_COLUMNS: &str = "memory_id, actor_id, session_id, event_id, event_ms, branch_name, branch_root, metadata, payload";

/// An `Event` from a row read with [`EVENT_COLUMNS`]; the payload is
/// left out when `payloads` is false (ListEvents' `includePayloads`).
pub(crate) fn event_answer(row: &rusqlite::Row<'_>, payloads: bool) -> rusqlite::Result<Value> {
    let mut event = json!({
        "memoryId": row.get::<_, String>(0)?,
        "actorId": row.get::<_, String>(1)?,
        "sessionId": row.get::<_, String>(2)?,
        "eventId": row.get::<_, String>(3)?,
        "eventTimestamp": epoch_seconds(row.get(4)?),
    });
    let branch: String = row.get(5)?;
    if !branch.is_empty() {
        event["branch"] = json!({ "name": branch });
        if let Some(root) = row.get::<_, Option<String>>(6)? {
            event["branch"]["rootEventId"] = json!(root);
        }
    }
    let parse = |text: String| serde_json::from_str::<Value>(&text).unwrap_or(Value::Null);
    if let Some(metadata) = row.get::<_, Option<String>>(7)? {
        event["metadata"] = parse(metadata);
    }
    if payloads {
        event["payload"] = parse(row.get(8)?);
    }
    Ok(event)
}

/// The event with this key that has not expired, answered.
fn find_event(
    conn: &Connection,
    key: (&str, &str, &str, &str),
    now: i64,
) -> Result<Option<Value>, ApiError> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM memory_events WHERE memory_id = ?1 AND actor_id = ?2 \
         AND session_id = ?3 AND event_id = ?4 AND expires_at_ms > ?5"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![key.0, key.1, key.2, key.3, now], |r| {
            event_answer(r, true)
        })
        .optional()?)
}

fn event_not_found(event_id: &str) -> ApiError {
    ApiError::not_found(format!(
        "Event {event_id} not found in this session (it may have expired or been deleted)."
    ))
}

/// CreateEvent (201): stored and durable before the answer. Events are
/// written in groups ([`crate::memory::event_writer`]): one commit, and
/// one sync to disk, for every event that arrived meanwhile.
pub(crate) async fn create_event(
    ctx: &Arc<MemoryState>,
    label: String,
    input: Object,
) -> Result<Value, ApiError> {
    let event = check_new_event(&input)?;
    let _slot = ctx.write_slot()?;
    let extract = event.extract;
    // A write lock held elsewhere is temporary: the model's retryable conflict.
    let answer = ctx
        .events
        .submit(label, event)
        .await
        .map_err(ApiError::busy_as_retryable_conflict)?;
    if extract {
        ctx.wake.notify_one();
    }
    Ok(answer)
}

/// Store one checked event in `tx` (nothing is written when it fails);
/// the `CreateEvent` answer.
pub(crate) fn store_event(
    tx: &Transaction<'_>,
    label: &str,
    event: &NewEvent,
) -> Result<Value, ApiError> {
    let memory = require_memory(tx, label)?;
    let now = now_ms();
    if let Some(token) = &event.client_token {
        let earlier: Option<String> = tx
            .prepare_cached(
                "SELECT event_id FROM memory_events WHERE memory_id = ?1 AND client_token = ?2",
            )?
            .query_row(params![memory.memory_id, token], |r| r.get(0))
            .optional()?;
        if let Some(earlier) = earlier {
            let key = (
                &*memory.memory_id,
                &*event.actor_id,
                &*event.session_id,
                &*earlier,
            );
            if let Some(found) = find_event(tx, key, now)? {
                return Ok(json!({ "event": found }));
            }
        }
    }
    if let Some(root) = &event.branch_root {
        let key = (
            &*memory.memory_id,
            &*event.actor_id,
            &*event.session_id,
            &**root,
        );
        if find_event(tx, key, now)?.is_none() {
            return Err(ApiError::not_found(format!(
                "The branch's rootEventId {root} is not an event of this session."
            )));
        }
    }
    let next_seq: i64 = tx
        .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'memory_events'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0)
        + 1;
    let event_id = format!("{:019}#{:08x}", event.event_ms, next_seq as u32);
    let expires = event.event_ms + memory.event_expiry_days * DAY_MS;
    tx.prepare_cached(
        "INSERT INTO memory_events (memory_id, actor_id, session_id, event_id, event_ms, \
         branch_name, branch_root, expires_at_ms, extract, client_token, metadata, payload) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        memory.memory_id,
        event.actor_id,
        event.session_id,
        event_id,
        event.event_ms,
        event.branch_name,
        event.branch_root,
        expires,
        event.extract,
        event.client_token,
        event.metadata,
        event.payload.to_string(),
    ])?;
    let key = (
        &*memory.memory_id,
        &*event.actor_id,
        &*event.session_id,
        &*event_id,
    );
    let stored = find_event(tx, key, i64::MIN)?
        .ok_or_else(|| ApiError::internal("the event just stored is missing"))?;
    Ok(json!({ "event": stored }))
}

/// A data-plane event path: memory label, actor, session, event.
pub(crate) type EventPath = (String, String, String, String);

/// GetEvent.
pub(crate) async fn get_event(ctx: &Arc<MemoryState>, path: EventPath) -> Result<Value, ApiError> {
    ctx.store
        .read(move |conn| {
            let (label, actor, session, event_id) = path;
            let memory = require_memory(conn, &label)?;
            let key = (&*memory.memory_id, &*actor, &*session, &*event_id);
            let event =
                find_event(conn, key, now_ms())?.ok_or_else(|| event_not_found(&event_id))?;
            Ok(json!({ "event": event }))
        })
        .await
}

/// DeleteEvent.
pub(crate) async fn delete_event(
    ctx: &Arc<MemoryState>,
    path: EventPath,
) -> Result<Value, ApiError> {
    let _slot = ctx.write_slot()?;
    ctx.store
        .write(move |tx| {
            let (label, actor, session, event_id) = path;
            let memory = require_memory(tx, &label)?;
            let deleted = tx.execute(
                "DELETE FROM memory_events WHERE memory_id = ?1 AND actor_id = ?2 \
                 AND session_id = ?3 AND event_id = ?4 AND expires_at_ms > ?5",
                params![memory.memory_id, actor, session, event_id, now_ms()],
            )?;
            if deleted == 0 {
                return Err(event_not_found(&event_id));
            }
            Ok(json!({ "eventId": event_id }))
        })
        .await
}
