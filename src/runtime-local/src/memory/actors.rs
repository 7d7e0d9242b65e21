//! ListActors and ListSessions: who has events in a memory, and their
//! sessions (an unknown actor lists no sessions).

use std::sync::Arc;

use rusqlite::params;
use serde_json::{Value, json};

use crate::memory::memory_row::require_memory;
use crate::memory::state::MemoryState;
use crate::memory::wire::{DEFAULT_PAGE, MAX_PAGE, epoch_seconds, max_results};
use crate::platform::pagination::{decode_position, encode_position, page_body};
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{Object, Violations};
use crate::platform::wire_errors::ApiError;

/// `maxResults` and the position after which a page starts.
fn page_of(input: &Object, tag: &str) -> Result<(usize, String), ApiError> {
    let mut v = Violations::new();
    let limit = max_results(&mut v, input, DEFAULT_PAGE, MAX_PAGE);
    let token = v.optional_str(input, "", "nextToken").map(str::to_owned);
    if let Some(filter) = v.object(input, "", "filter", false) {
        v.enum_value(filter, "filter", "eventFilter", &["HAS_EVENTS"], false);
    }
    v.finish()?;
    let after = token.map(|t| decode_position(&t, tag)).transpose()?;
    Ok((limit, after.unwrap_or_default()))
}

/// The page of `items` (each with its position) and the token after it.
fn finish(key: &str, mut items: Vec<(String, Value)>, limit: usize, tag: &str) -> Value {
    let next = (items.len() > limit).then(|| {
        items.truncate(limit);
        encode_position(
            tag,
            items.last().map(|(p, _)| p.as_str()).unwrap_or_default(),
        )
    });
    page_body(key, items.into_iter().map(|(_, v)| v).collect(), next)
}

/// ListActors: actors with unexpired events, by id.
pub(crate) async fn list_actors(
    ctx: &Arc<MemoryState>,
    label: String,
    input: Object,
) -> Result<Value, ApiError> {
    let (limit, after) = page_of(&input, "ac")?;
    ctx.store
        .read(move |conn| {
            let memory = require_memory(conn, &label)?;
            let actors = conn
                .prepare_cached(
                    "SELECT DISTINCT actor_id FROM memory_events WHERE memory_id = ?1 \
                     AND actor_id > ?2 AND expires_at_ms > ?3 ORDER BY actor_id LIMIT ?4",
                )?
                .query_map(
                    params![memory.memory_id, after, now_ms(), limit as i64 + 1],
                    |r| {
                        let actor: String = r.get(0)?;
                        Ok((actor.clone(), json!({ "actorId": actor })))
                    },
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(finish("actorSummaries", actors, limit, "ac"))
        })
        .await
}

/// ListSessions: an actor's sessions, by id, each with its first event's time.
pub(crate) async fn list_sessions(
    ctx: &Arc<MemoryState>,
    path: (String, String),
    input: Object,
) -> Result<Value, ApiError> {
    let (limit, after) = page_of(&input, "se")?;
    ctx.store
        .read(move |conn| {
            let (label, actor) = path;
            let memory = require_memory(conn, &label)?;
            let sessions = conn
                .prepare_cached(
                    "SELECT session_id, MIN(event_ms) FROM memory_events WHERE memory_id = ?1 \
                     AND actor_id = ?2 AND session_id > ?3 AND expires_at_ms > ?4 \
                     GROUP BY session_id ORDER BY session_id LIMIT ?5",
                )?
                .query_map(
                    params![memory.memory_id, actor, after, now_ms(), limit as i64 + 1],
                    |r| {
                        let session: String = r.get(0)?;
                        let created: i64 = r.get(1)?;
                        Ok((
                            session.clone(),
                            json!({
                                "sessionId": session,
                                "actorId": actor,
                                "createdAt": epoch_seconds(created),
                            }),
                        ))
                    },
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(finish("sessionSummaries", sessions, limit, "se"))
        })
        .await
}
