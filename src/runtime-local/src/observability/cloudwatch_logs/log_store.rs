//! The local logs store in SQLite: groups, streams and events. Writers
//! append inside their own transaction (captures commit their rows and log
//! lines together); the API reads with keyset pagination on `seq`.

use rusqlite::{Connection, OptionalExtension as _, params};

use acc_domain::SPANS_LOG_GROUP;

use super::filter_pattern::trace_id_of;
use crate::platform::wire_errors::ApiError;

/// One event to append.
pub(crate) struct NewEvent {
    pub(crate) timestamp_ms: i64,
    pub(crate) message: String,
    /// The record's `traceId`, for groups whose every record has one as a
    /// string that the writer knows (`aws/spans`); `None` elsewhere.
    pub(crate) trace_id: Option<String>,
}

/// A stored event.
#[derive(Debug, Clone)]
pub(crate) struct StoredEvent {
    pub(crate) seq: i64,
    pub(crate) stream: String,
    pub(crate) timestamp_ms: i64,
    pub(crate) ingestion_ms: i64,
    pub(crate) message: String,
}

/// A stored log group.
#[derive(Debug, Clone)]
pub(crate) struct StoredGroup {
    pub(crate) name: String,
    pub(crate) created_at_ms: i64,
    pub(crate) retention_days: Option<i64>,
    pub(crate) stored_bytes: i64,
}

/// A stored log stream.
#[derive(Debug, Clone)]
pub(crate) struct StoredStream {
    pub(crate) name: String,
    pub(crate) created_at_ms: i64,
    pub(crate) first_event_ms: Option<i64>,
    pub(crate) last_event_ms: Option<i64>,
    pub(crate) last_ingestion_ms: Option<i64>,
    pub(crate) stored_bytes: i64,
}

/// Append `events` to `group`/`stream`, creating both as needed; returns
/// the events' `seq`s. Runs inside the caller's transaction.
pub(crate) fn append(
    conn: &Connection,
    group: &str,
    stream: &str,
    now_ms: i64,
    events: &[NewEvent],
) -> Result<Vec<i64>, ApiError> {
    conn.prepare_cached(
        "INSERT INTO log_groups (name, created_at_ms) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?
    .execute(params![group, now_ms])?;
    conn.prepare_cached(
        "INSERT INTO log_streams (group_name, name, created_at_ms) VALUES (?1, ?2, ?3) \
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![group, stream, now_ms])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO log_events (group_name, stream_name, timestamp_ms, ingestion_ms, message, \
         trace_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut seqs = Vec::with_capacity(events.len());
    let mut bytes = 0i64;
    for event in events {
        // Every record of `aws/spans` carries its trace id: the writer's,
        // or (a log record sent there) the one its message has.
        let trace_id = match (&event.trace_id, group == SPANS_LOG_GROUP) {
            (Some(id), _) => Some(id.clone()),
            (None, true) => trace_id_of(&event.message),
            (None, false) => None,
        };
        insert.execute(params![
            group,
            stream,
            event.timestamp_ms,
            now_ms,
            event.message,
            trace_id
        ])?;
        seqs.push(conn.last_insert_rowid());
        bytes += event.message.len() as i64;
    }
    let first = events.iter().map(|e| e.timestamp_ms).min();
    let last = events.iter().map(|e| e.timestamp_ms).max();
    conn.prepare_cached(
        "UPDATE log_streams SET \
           first_event_ms = MIN(COALESCE(first_event_ms, ?3), ?3), \
           last_event_ms = MAX(COALESCE(last_event_ms, ?4), ?4), \
           last_ingestion_ms = ?5, stored_bytes = stored_bytes + ?6 \
         WHERE group_name = ?1 AND name = ?2",
    )?
    .execute(params![group, stream, first, last, now_ms, bytes])?;
    Ok(seqs)
}

/// Delete events by `seq` (captures evicted with their log lines).
pub(crate) fn delete_events(conn: &Connection, seqs: &[i64]) -> Result<(), ApiError> {
    let mut delete = conn.prepare_cached("DELETE FROM log_events WHERE seq = ?1")?;
    for seq in seqs {
        delete.execute([seq])?;
    }
    Ok(())
}

/// Groups whose name starts with `prefix` (and contains `pattern`), by
/// name, after `after`.
pub(crate) fn groups(
    conn: &Connection,
    prefix: &str,
    pattern: Option<&str>,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<StoredGroup>, ApiError> {
    let mut statement = conn.prepare_cached(
        "SELECT g.name, g.created_at_ms, g.retention_days, \
                (SELECT COALESCE(SUM(s.stored_bytes), 0) FROM log_streams s WHERE s.group_name = g.name) \
         FROM log_groups g \
         WHERE substr(g.name, 1, length(?1)) = ?1 AND instr(g.name, ?2) > 0 AND g.name > ?3 \
         ORDER BY g.name LIMIT ?4",
    )?;
    let rows = statement.query_map(
        params![
            prefix,
            pattern.unwrap_or(""),
            after.unwrap_or(""),
            limit as i64
        ],
        |row| {
            Ok(StoredGroup {
                name: row.get(0)?,
                created_at_ms: row.get(1)?,
                retention_days: row.get(2)?,
                stored_bytes: row.get(3)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether the group exists.
pub(crate) fn group_exists(conn: &Connection, group: &str) -> Result<bool, ApiError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM log_groups WHERE name = ?1")?
        .query_row([group], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Every stream of `group`.
pub(crate) fn streams(conn: &Connection, group: &str) -> Result<Vec<StoredStream>, ApiError> {
    let mut statement = conn.prepare_cached(
        "SELECT name, created_at_ms, first_event_ms, last_event_ms, last_ingestion_ms, stored_bytes \
         FROM log_streams WHERE group_name = ?1 ORDER BY name",
    )?;
    let rows = statement.query_map([group], |row| {
        Ok(StoredStream {
            name: row.get(0)?,
            created_at_ms: row.get(1)?,
            first_event_ms: row.get(2)?,
            last_event_ms: row.get(3)?,
            last_ingestion_ms: row.get(4)?,
            stored_bytes: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Where a scan of a group's events resumes: after this (timestamp, seq).
pub(crate) type Position = (i64, i64);

/// A page of a group's events: a seek on `log_events_by_group` past the
/// last (timestamp, seq) answered, never an offset.
const GROUP_EVENTS_SQL: &str = "SELECT seq, stream_name, timestamp_ms, ingestion_ms, message FROM log_events \
     WHERE group_name = ?1 AND timestamp_ms BETWEEN ?2 AND ?3 \
       AND (timestamp_ms, seq) > (?4, ?5) \
     ORDER BY timestamp_ms, seq LIMIT ?6";

/// A page of one trace's records: a seek on `log_events_by_trace`.
const TRACE_EVENTS_SQL: &str = "SELECT seq, stream_name, timestamp_ms, ingestion_ms, message \
     FROM log_events INDEXED BY log_events_by_trace \
     WHERE group_name = ?1 AND trace_id = ?2 AND timestamp_ms BETWEEN ?3 AND ?4 \
       AND (timestamp_ms, seq) > (?5, ?6) \
     ORDER BY timestamp_ms, seq LIMIT ?7";

/// Up to `limit` events of `group` in `[start, end]` (ms), in time order,
/// after `after`.
pub(crate) fn group_events(
    conn: &Connection,
    group: &str,
    start_ms: i64,
    end_ms: i64,
    after: Option<Position>,
    limit: usize,
) -> Result<Vec<StoredEvent>, ApiError> {
    let (after_ts, after_seq) = after.unwrap_or((i64::MIN, i64::MIN));
    let mut statement = conn.prepare_cached(GROUP_EVENTS_SQL)?;
    let rows = statement.query_map(
        params![group, start_ms, end_ms, after_ts, after_seq, limit as i64],
        event_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Up to `limit` events of `group` in `[start, end]` (ms) whose stored
/// `trace_id` is `trace_id`, in time order, after `after`: a seek on
/// `log_events_by_trace`, whatever the group's size.
pub(crate) fn trace_events(
    conn: &Connection,
    group: &str,
    trace_id: &str,
    span: (i64, i64),
    after: Option<Position>,
    limit: usize,
) -> Result<Vec<StoredEvent>, ApiError> {
    let (after_ts, after_seq) = after.unwrap_or((i64::MIN, i64::MIN));
    let mut statement = conn.prepare_cached(TRACE_EVENTS_SQL)?;
    let rows = statement.query_map(
        params![
            group,
            trace_id,
            span.0,
            span.1,
            after_ts,
            after_seq,
            limit as i64
        ],
        event_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A read of one stream's events.
#[derive(Clone, Copy)]
pub(crate) struct StreamRead<'a> {
    pub(crate) group: &'a str,
    pub(crate) stream: &'a str,
    pub(crate) start_ms: i64,
    pub(crate) end_ms: i64,
    /// Forwards after this `seq`, or backwards before it.
    pub(crate) from_seq: i64,
    pub(crate) forward: bool,
    pub(crate) limit: usize,
}

/// Events of one stream in `[start, end]` by `seq`, in order: forwards after
/// `from_seq`, or the latest ones before it.
pub(crate) fn stream_events(
    conn: &Connection,
    read: &StreamRead<'_>,
) -> Result<Vec<StoredEvent>, ApiError> {
    let StreamRead {
        group,
        stream,
        start_ms,
        end_ms,
        from_seq,
        forward,
        limit,
    } = *read;
    let sql = if forward {
        "SELECT seq, stream_name, timestamp_ms, ingestion_ms, message FROM log_events \
         WHERE group_name = ?1 AND stream_name = ?2 AND timestamp_ms BETWEEN ?3 AND ?4 AND seq > ?5 \
         ORDER BY seq LIMIT ?6"
    } else {
        "SELECT seq, stream_name, timestamp_ms, ingestion_ms, message FROM log_events \
         WHERE group_name = ?1 AND stream_name = ?2 AND timestamp_ms BETWEEN ?3 AND ?4 AND seq < ?5 \
         ORDER BY seq DESC LIMIT ?6"
    };
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map(
        params![group, stream, start_ms, end_ms, from_seq, limit as i64],
        event_row,
    )?;
    let mut events: Vec<StoredEvent> = rows.collect::<Result<_, _>>()?;
    if !forward {
        events.reverse();
    }
    Ok(events)
}

fn event_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        seq: row.get(0)?,
        stream: row.get(1)?,
        timestamp_ms: row.get(2)?,
        ingestion_ms: row.get(3)?,
        message: row.get(4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::migrations::{MIGRATIONS, check_identity, migrate};

    fn database(migrations: &[&str]) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        let identity = check_identity(&conn, "db", migrations).unwrap();
        migrate(&mut conn, identity, migrations).unwrap();
        conn
    }

    /// The plan of `sql` with these text parameters, then integers.
    fn plan(conn: &Connection, sql: &str, texts: &[&str], numbers: usize) -> String {
        let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let values: Vec<rusqlite::types::Value> = texts
            .iter()
            .map(|t| rusqlite::types::Value::Text((*t).to_owned()))
            .chain((0..numbers as i64).map(rusqlite::types::Value::Integer))
            .collect();
        let rows = statement
            .query_map(rusqlite::params_from_iter(values), |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    }

    /// Pages seek their index past the last event answered: no offset, no
    /// temporary sort, and one trace is read from its own index.
    #[test]
    fn pages_seek_their_index() {
        let conn = database(MIGRATIONS);
        let group = plan(&conn, GROUP_EVENTS_SQL, &["g"], 5);
        assert!(group.contains("USING INDEX log_events_by_group"), "{group}");
        let trace = plan(&conn, TRACE_EVENTS_SQL, &["g", "t"], 5);
        assert!(trace.contains("USING INDEX log_events_by_trace"), "{trace}");
        for plan in [group, trace] {
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
    }

    /// An older database's `aws/spans` records get their trace id when it
    /// is migrated; other groups' events and messages without one do not.
    #[test]
    fn an_older_database_is_indexed_by_trace() {
        let before = MIGRATIONS
            .iter()
            .position(|m| m.contains("ADD COLUMN trace_id"))
            .unwrap();
        let mut conn = database(&MIGRATIONS[..before]);
        for (group, message) in [
            (SPANS_LOG_GROUP, r#"{"traceId":"ab12","name":"a"}"#),
            (SPANS_LOG_GROUP, r#"{"traceId":12}"#),
            (SPANS_LOG_GROUP, "not json"),
            ("/aws/other", r#"{"traceId":"ab12"}"#),
        ] {
            conn.execute(
                "INSERT INTO log_events (group_name, stream_name, timestamp_ms, ingestion_ms, \
                 message) VALUES (?1, 's', 0, 0, ?2)",
                params![group, message],
            )
            .unwrap();
        }
        let identity = check_identity(&conn, "db", MIGRATIONS).unwrap();
        migrate(&mut conn, identity, MIGRATIONS).unwrap();
        let ids: Vec<Option<String>> = conn
            .prepare("SELECT trace_id FROM log_events ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            ids,
            [Some("ab12".into()), Some("12".into()), None, None],
            "as trace_id_of reads them"
        );
        let found = trace_events(&conn, SPANS_LOG_GROUP, "ab12", (0, 0), None, 10).unwrap();
        assert_eq!(found.len(), 1);
    }
}
