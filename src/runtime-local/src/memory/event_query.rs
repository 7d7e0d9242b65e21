//! ListEvents: a session's events newest first, filtered by branch (and
//! optionally the branches it forked from, up to each fork point) and by
//! event metadata; all SQL with bound parameters.

use std::sync::Arc;

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension as _, params_from_iter};
use serde_json::Value;

use crate::memory::events::{EVENT_COLUMNS, event_answer, is_metadata_text};
use crate::memory::memory_row::require_memory;
use crate::memory::state::MemoryState;
use crate::memory::wire::{DEFAULT_PAGE, MAX_PAGE, max_results, optional_bool};
use crate::platform::pagination::{decode_position, encode_position, page_body};
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{MEMORY_SESSION_ID, Object, Violations, join};
use crate::platform::wire_errors::ApiError;

/// Forks followed back at most (a lineage deeper than this is cut).
const MAX_LINEAGE: usize = 16;
const LIST_TAG: &str = "ev";

/// One event-metadata condition.
enum MetadataCondition {
    Equals(String, String),
    Exists(String),
    Missing(String),
}

/// A ListEvents request, checked.
struct EventQuery {
    payloads: bool,
    branch: Option<(String, bool)>,
    metadata: Vec<MetadataCondition>,
    limit: usize,
    after: Option<String>,
}

fn check_query(input: &Object) -> Result<EventQuery, ApiError> {
    let mut v = Violations::new();
    let payloads = optional_bool(&mut v, input, "", "includePayloads").unwrap_or(true);
    let limit = max_results(&mut v, input, DEFAULT_PAGE, MAX_PAGE);
    let after = v.optional_str(input, "", "nextToken").map(str::to_owned);
    let mut branch = None;
    let mut metadata = Vec::new();
    if let Some(filter) = v.object(input, "", "filter", false) {
        if let Some(b) = v.object(filter, "filter", "branch", false) {
            let name = v
                .required_str(b, "filter.branch", "name")
                .unwrap_or_default();
            v.id("filter.branch.name", name, &MEMORY_SESSION_ID);
            let parents = optional_bool(&mut v, b, "filter.branch", "includeParentBranches");
            // The model defaults it to true (the Rust SDK sends it only when false).
            branch = Some((name.to_owned(), parents.unwrap_or(true)));
        }
        let list = v.list(filter, "filter", "eventMetadata", false, 1, 5);
        for (i, item) in list.into_iter().flatten().enumerate() {
            if let Some(condition) =
                metadata_condition(&mut v, item, &format!("filter.eventMetadata[{i}]"))
            {
                metadata.push(condition);
            }
        }
    }
    v.finish()?;
    let after = after.map(|t| decode_position(&t, LIST_TAG)).transpose()?;
    Ok(EventQuery {
        payloads,
        branch,
        metadata,
        limit,
        after,
    })
}

fn metadata_condition(v: &mut Violations, item: &Value, at: &str) -> Option<MetadataCondition> {
    let Some(item) = item.as_object() else {
        v.add(at, Some(item), "Member must be a structure");
        return None;
    };
    let left = v.object(item, at, "left", true)?;
    let key = v
        .required_str(left, &join(at, "left"), "metadataKey")?
        .to_owned();
    v.pattern(
        &join(at, "left.metadataKey"),
        &key,
        is_metadata_text(&key),
        "[a-zA-Z0-9\\s._:/=+@-]*",
    );
    let operator = v.enum_value(
        item,
        at,
        "operator",
        &["EQUALS_TO", "EXISTS", "NOT_EXISTS"],
        true,
    )?;
    Some(match operator {
        "EXISTS" => MetadataCondition::Exists(key),
        "NOT_EXISTS" => MetadataCondition::Missing(key),
        _ => {
            let value = item
                .get("right")
                .and_then(|r| r.pointer("/metadataValue/stringValue"))
                .and_then(Value::as_str);
            let Some(value) = value else {
                v.add(
                    &join(at, "right"),
                    None,
                    "EQUALS_TO needs right.metadataValue.stringValue",
                );
                return None;
            };
            MetadataCondition::Equals(key, value.to_owned())
        }
    })
}

/// The branches a branch's events come from: itself, then each branch it
/// forked from with the fork point (the root event) as the newest event
/// taken from it.
fn lineage(
    conn: &Connection,
    scope: &[Sql; 3],
    branch: &str,
) -> Result<Vec<(String, Option<String>)>, ApiError> {
    let mut chain = vec![(branch.to_owned(), None)];
    let mut current = branch.to_owned();
    let mut root_sql = conn.prepare_cached(
        "SELECT branch_root FROM memory_events WHERE memory_id = ?1 AND actor_id = ?2 \
         AND session_id = ?3 AND branch_name = ?4 AND branch_root IS NOT NULL LIMIT 1",
    )?;
    let mut owner_sql = conn.prepare_cached(
        "SELECT branch_name FROM memory_events WHERE memory_id = ?1 AND actor_id = ?2 \
         AND session_id = ?3 AND event_id = ?4",
    )?;
    while chain.len() < MAX_LINEAGE {
        let params = [
            scope[0].clone(),
            scope[1].clone(),
            scope[2].clone(),
            Sql::Text(current.clone()),
        ];
        let Some(root): Option<String> = root_sql
            .query_row(params_from_iter(params), |r| r.get(0))
            .optional()?
        else {
            break;
        };
        let params = [
            scope[0].clone(),
            scope[1].clone(),
            scope[2].clone(),
            Sql::Text(root.clone()),
        ];
        let Some(parent): Option<String> = owner_sql
            .query_row(params_from_iter(params), |r| r.get(0))
            .optional()?
        else {
            break;
        };
        if chain.iter().any(|(name, _)| *name == parent) {
            break;
        }
        chain.push((parent.clone(), Some(root)));
        current = parent;
    }
    Ok(chain)
}

/// `branch_name` matches a filter's name (`main` is also the unnamed branch).
fn branch_condition(name: &str, values: &mut Vec<Sql>) -> String {
    values.push(Sql::Text(name.to_owned()));
    let at = values.len();
    if name == "main" {
        format!("(branch_name = ?{at} OR branch_name = '')")
    } else {
        format!("branch_name = ?{at}")
    }
}

fn query_events(conn: &Connection, key: [Sql; 3], q: &EventQuery) -> Result<Value, ApiError> {
    let mut values: Vec<Sql> = key.to_vec();
    values.push(Sql::Integer(now_ms()));
    let mut sql = format!(
        "SELECT {EVENT_COLUMNS} FROM memory_events WHERE memory_id = ?1 AND actor_id = ?2 \
         AND session_id = ?3 AND expires_at_ms > ?4"
    );
    if let Some(after) = &q.after {
        values.push(Sql::Text(after.clone()));
        sql.push_str(&format!(" AND event_id < ?{}", values.len()));
    }
    if let Some((name, parents)) = &q.branch {
        let chain = if *parents {
            lineage(conn, &key, name)?
        } else {
            vec![(name.clone(), None)]
        };
        let mut alternatives = Vec::new();
        for (branch, cutoff) in chain {
            let mut condition = branch_condition(&branch, &mut values);
            if let Some(cutoff) = cutoff {
                values.push(Sql::Text(cutoff));
                condition = format!("({condition} AND event_id <= ?{})", values.len());
            }
            alternatives.push(condition);
        }
        sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
    }
    for condition in &q.metadata {
        let (key, test) = match condition {
            MetadataCondition::Equals(key, value) => {
                values.push(Sql::Text(value.clone()));
                (key, format!("= ?{}", values.len()))
            }
            MetadataCondition::Exists(key) => (key, "IS NOT NULL".to_owned()),
            MetadataCondition::Missing(key) => (key, "IS NULL".to_owned()),
        };
        // The key is checked against its pattern (no quotes) and bound.
        values.push(Sql::Text(format!("$.\"{key}\".stringValue")));
        sql.push_str(&format!(
            " AND json_extract(metadata, ?{}) {test}",
            values.len()
        ));
    }
    values.push(Sql::Integer(q.limit as i64 + 1));
    sql.push_str(&format!(" ORDER BY event_id DESC LIMIT ?{}", values.len()));
    let mut events = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(values), |r| event_answer(r, q.payloads))?
        .collect::<Result<Vec<_>, _>>()?;
    let next = (events.len() > q.limit).then(|| {
        events.truncate(q.limit);
        let last = events
            .last()
            .and_then(|e| e["eventId"].as_str())
            .unwrap_or_default();
        encode_position(LIST_TAG, last)
    });
    Ok(page_body("events", events, next))
}

/// ListEvents.
pub(crate) async fn list_events(
    ctx: &Arc<MemoryState>,
    path: (String, String, String),
    input: Object,
) -> Result<Value, ApiError> {
    let query = check_query(&input)?;
    ctx.store
        .read(move |conn| {
            let (label, actor, session) = path;
            let memory = require_memory(conn, &label)?;
            let key = [
                Sql::Text(memory.memory_id),
                Sql::Text(actor),
                Sql::Text(session),
            ];
            query_events(conn, key, &query)
        })
        .await
}
