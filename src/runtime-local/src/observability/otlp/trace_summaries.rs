//! One row per trace, kept as its spans arrive (`trace_summaries`): what
//! the trace list's Logs Insights query (`stats ... by traceId` on
//! `aws/spans`) asks, answered by an indexed read of a row per trace
//! instead of a pass over every span. The aggregation is the domain's
//! ([`TraceAggregate`]), so it matches the summary the list computes from
//! spans when it reads them itself.

use std::collections::HashMap;

use acc_domain::traces::insights::{SpanFacts, SummaryQuery, TraceAggregate};
use rusqlite::{Connection, OptionalExtension as _, Row, params};

use crate::observability::otlp::spans::SpanRecord;
use crate::platform::wire_errors::ApiError;

const COLUMNS: &str = "trace_id, start_unix_nano, end_unix_nano, spans, errors, root_name, \
    service, session_id, llm_input_tokens, llm_output_tokens, max_input_tokens, \
    max_output_tokens, has_root, root_start_unix_nano";

fn aggregate_of(r: &Row<'_>) -> rusqlite::Result<TraceAggregate> {
    Ok(TraceAggregate {
        trace_id: r.get(0)?,
        start_unix_nano: r.get(1)?,
        end_unix_nano: r.get(2)?,
        spans: r.get(3)?,
        errors: r.get(4)?,
        root_name: r.get(5)?,
        service: r.get(6)?,
        session_id: r.get(7)?,
        llm_input_tokens: r.get(8)?,
        llm_output_tokens: r.get(9)?,
        max_input_tokens: r.get(10)?,
        max_output_tokens: r.get(11)?,
        has_root: r.get(12)?,
        root_start_unix_nano: r.get(13)?,
    })
}

/// Fold `spans` into their traces' rows, inside the caller's transaction:
/// one read and one write per trace of the batch.
pub(crate) fn add(tx: &Connection, spans: &[SpanRecord]) -> Result<(), ApiError> {
    let mut batch: HashMap<&str, TraceAggregate> = HashMap::new();
    for s in spans {
        let one = TraceAggregate::of_span(&SpanFacts {
            trace_id: &s.trace_id,
            is_root: s.parent_span_id.is_empty(),
            name: &s.name,
            service: &s.service,
            session_id: &s.session_id,
            start_unix_nano: s.start_unix_nano,
            end_unix_nano: s.end_unix_nano,
            is_error: s.status_code == 2,
            attributes: &s.attributes,
        });
        match batch.get_mut(s.trace_id.as_str()) {
            Some(kept) => kept.merge(&one),
            None => {
                batch.insert(&s.trace_id, one);
            }
        }
    }
    let mut read = tx.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM trace_summaries WHERE trace_id = ?1"
    ))?;
    let mut write = tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO trace_summaries ({COLUMNS}) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    ))?;
    for (trace_id, arrived) in batch {
        let row = match read.query_row([trace_id], aggregate_of).optional()? {
            Some(mut stored) => {
                stored.merge(&arrived);
                stored
            }
            None => arrived,
        };
        write.execute(params![
            row.trace_id,
            row.start_unix_nano,
            row.end_unix_nano,
            row.spans,
            row.errors,
            row.root_name,
            row.service,
            row.session_id,
            row.llm_input_tokens,
            row.llm_output_tokens,
            row.max_input_tokens,
            row.max_output_tokens,
            row.has_root,
            row.root_start_unix_nano,
        ])?;
    }
    Ok(())
}

/// After spans were evicted: the rows of traces that started before the
/// oldest span still kept go, as their `aws/spans` records do.
pub(crate) fn evict(tx: &Connection) -> Result<(), ApiError> {
    tx.prepare_cached(
        "DELETE FROM trace_summaries WHERE start_unix_nano < \
         (SELECT MIN(start_unix_nano) FROM spans)",
    )?
    .execute([])?;
    Ok(())
}

/// The statement for `query` (`?1` from, `?2` to, `?3` session, `?4`
/// limit): one fixed text per shape, so SQLite uses the index that shape
/// has.
fn query_sql(session: bool, errors_only: bool) -> String {
    let (index, session) = if session {
        ("trace_summaries_by_session", "session_id = ?3")
    } else {
        ("trace_summaries_by_start", "?3 IS NULL")
    };
    let errors = if errors_only { " AND errors > 0" } else { "" };
    format!(
        "SELECT {COLUMNS} FROM trace_summaries INDEXED BY {index} \
         WHERE {session} AND start_unix_nano >= ?1 AND start_unix_nano <= ?2{errors} \
         ORDER BY start_unix_nano DESC, trace_id DESC LIMIT ?4"
    )
}

/// The rows `query` asks for over traces starting in `[from, to]`
/// (nanoseconds), newest first.
pub(crate) fn query(
    conn: &Connection,
    query: &SummaryQuery,
    from: i64,
    to: i64,
) -> Result<Vec<TraceAggregate>, ApiError> {
    let sql = query_sql(query.session.is_some(), query.errors_only);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(
        params![from, to, query.session, query.limit as i64],
        aggregate_of,
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
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

    fn all_rows(conn: &Connection) -> Vec<TraceAggregate> {
        let every = SummaryQuery {
            session: None,
            errors_only: false,
            limit: 100,
        };
        query(conn, &every, 0, i64::MAX).unwrap()
    }

    /// Spans of three traces, sent in two batches: a root arriving after
    /// its children, an LLM span's tokens beside an agent span repeating
    /// them, an error, a session named by a child.
    fn spans() -> [Vec<SpanRecord>; 2] {
        let span = |trace: &str, id: &str, parent: &str, name: &str, start: i64| SpanRecord {
            trace_id: trace.into(),
            span_id: id.into(),
            parent_span_id: parent.into(),
            name: name.into(),
            start_unix_nano: start,
            end_unix_nano: start + 100,
            service: format!("svc-{id}"),
            attributes: serde_json::Map::new(),
            ..SpanRecord::default()
        };
        let mut chat = span("t1", "c", "a", "chat m", 20);
        chat.attributes = serde_json::from_str(
            r#"{"gen_ai.operation.name":"chat","gen_ai.usage.input_tokens":40,"gen_ai.usage.output_tokens":"5"}"#,
        )
        .unwrap();
        chat.session_id = "s-1".into();
        let mut agent = span("t1", "a", "", "invoke_agent", 10);
        agent.attributes = serde_json::from_str(r#"{"gen_ai.usage.input_tokens":40}"#).unwrap();
        let mut failed = span("t2", "x", "", "tool", 50);
        failed.status_code = 2;
        [
            vec![chat, span("t3", "o", "gone", "orphan", 70), failed],
            vec![agent, span("t1", "d", "a", "db", 30)],
        ]
    }

    /// An older database's spans are summarised when it is migrated, as
    /// ingest would have summarised them.
    #[test]
    fn the_migration_summarises_the_spans_kept_as_ingest_does() {
        let before = MIGRATIONS
            .iter()
            .position(|m| m.contains("CREATE TABLE trace_summaries"))
            .unwrap();
        let mut old = database(&MIGRATIONS[..before]);
        let live = database(MIGRATIONS);
        for batch in spans() {
            for s in &batch {
                old.execute(
                    "INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, \
                     start_unix_nano, end_unix_nano, status_code, status_message, service, \
                     session_id, attributes, received_ms) \
                     VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, '', ?8, ?9, ?10, 0)",
                    params![
                        s.trace_id,
                        s.span_id,
                        s.parent_span_id,
                        s.name,
                        s.start_unix_nano,
                        s.end_unix_nano,
                        s.status_code,
                        s.service,
                        s.session_id,
                        serde_json::to_string(&s.attributes).unwrap()
                    ],
                )
                .unwrap();
            }
            add(&live, &batch).unwrap();
        }
        let identity = check_identity(&old, "db", MIGRATIONS).unwrap();
        migrate(&mut old, identity, MIGRATIONS).unwrap();
        let ingested = all_rows(&live);
        assert_eq!(all_rows(&old), ingested);
        let t1 = ingested
            .iter()
            .find(|r| r.trace_id == "t1")
            .unwrap()
            .summary();
        assert_eq!(
            (
                t1.root_name.as_str(),
                t1.service.as_str(),
                t1.session_id.as_str()
            ),
            ("invoke_agent", "svc-a", "s-1")
        );
        assert_eq!(
            (t1.span_count, t1.input_tokens, t1.output_tokens),
            (3, 40, 5)
        );
        assert_eq!(ingested[0].trace_id, "t3", "newest first");
        assert_eq!(ingested[1].errors, 1);
    }

    #[test]
    fn each_query_shape_reads_its_index() {
        let conn = database(MIGRATIONS);
        for (session, errors) in [(false, false), (true, false), (false, true), (true, true)] {
            let sql = format!("EXPLAIN QUERY PLAN {}", query_sql(session, errors));
            let plan: String = conn
                .prepare(&sql)
                .unwrap()
                .query_map(params![0, 1, "s", 10], |r| r.get::<_, String>(3))
                .unwrap()
                .map(Result::unwrap)
                .collect::<Vec<_>>()
                .join("; ");
            assert!(plan.contains("USING INDEX trace_summaries_by_"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "sorted by the index: {plan}");
        }
    }
}
