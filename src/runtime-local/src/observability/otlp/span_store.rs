//! Where the receiver keeps spans: the `spans` table (the newest
//! [`super::limits::OtlpLimits::spans`], evictions counted), each also written to the `aws/spans` log group, as
//! Transaction Search does, labelled with the runtime of its session.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::Connection;
use serde::Deserialize;

use crate::observability::cloudwatch_logs::log_store::NewEvent;
use crate::observability::otlp::spans::SpanRecord;
use crate::observability::otlp::trace_summaries;
use crate::observability::otlp::transaction_search;
use crate::observability::otlp::{OtlpState, group_commit, limits};
use crate::platform::store::Store;
use crate::platform::wire_errors::ApiError;

/// Keep `spans` (evicting the oldest beyond the receiver's limit) and
/// write them to `aws/spans`, each labelled with the runtime of its session
/// when the receiver's sessions know it; committed together with the other
/// exports waiting then ([`group_commit`]).
pub(crate) async fn store_spans(otlp: &OtlpState, spans: Vec<SpanRecord>) -> Result<(), ApiError> {
    if spans.is_empty() {
        return Ok(());
    }
    // Which runtime each session belongs to, for its spans' aws/spans records.
    let mut origins = HashMap::new();
    for span in &spans {
        if origins.contains_key(&span.session_id) {
            continue;
        }
        if let Some(session) = otlp.sessions.get(&span.session_id) {
            let origin = transaction_search::SessionOrigin {
                runtime_arn: session.config.runtime_arn.clone(),
                log_group: acc_domain::runtime_log_group(
                    &session.config.runtime_id,
                    &session.config.endpoint,
                ),
            };
            origins.insert(span.session_id.clone(), origin);
        }
    }
    let rows = SpanRows::new(spans, &origins);
    group_commit::store_grouped(&otlp.store, &otlp.span_groups, rows, otlp.limits.spans).await
}

/// Spans ready to be kept: each with its attributes and its `aws/spans`
/// record already serialised, work done before the writer is taken.
#[derive(Default)]
pub(crate) struct SpanRows {
    spans: Vec<SpanRecord>,
    attributes: Vec<String>,
    records: Vec<NewEvent>,
}

impl SpanRows {
    /// `spans`' rows, their records labelled with their session's runtime
    /// when `origins` has it.
    pub(crate) fn new(
        spans: Vec<SpanRecord>,
        origins: &HashMap<String, transaction_search::SessionOrigin>,
    ) -> Self {
        let attributes = spans
            .iter()
            // A map of strings to JSON values always serialises.
            .map(|s| serde_json::to_string(&s.attributes).unwrap_or_default())
            .collect();
        let records = transaction_search::records(&spans, origins);
        Self {
            spans,
            attributes,
            records,
        }
    }

    /// Add `more` after these.
    pub(crate) fn extend(&mut self, more: SpanRows) {
        self.spans.extend(more.spans);
        self.attributes.extend(more.attributes);
        self.records.extend(more.records);
    }

    /// The spans.
    pub(crate) fn spans(&self) -> &[SpanRecord] {
        &self.spans
    }
}

/// Keep `rows` inside the caller's transaction (evicting the oldest
/// beyond `kept`, counted) and write their `aws/spans` records: the one
/// way spans are stored, received or the platform's own.
pub(crate) fn keep_in(
    tx: &Connection,
    rows: &SpanRows,
    received: i64,
    kept: i64,
) -> Result<(), ApiError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, \
         start_unix_nano, end_unix_nano, status_code, status_message, service, \
         session_id, attributes, received_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for (s, attributes) in rows.spans.iter().zip(&rows.attributes) {
        insert.execute(rusqlite::params![
            s.trace_id,
            s.span_id,
            s.parent_span_id,
            s.name,
            s.kind,
            s.start_unix_nano,
            s.end_unix_nano,
            s.status_code,
            s.status_message,
            s.service,
            s.session_id,
            attributes,
            received,
        ])?;
    }
    let evicted = tx.execute(
        "DELETE FROM spans WHERE seq <= (SELECT MAX(seq) FROM spans) - ?1",
        [kept],
    )?;
    limits::count_evictions(tx, limits::SPANS, evicted)?;
    trace_summaries::add(tx, &rows.spans)?;
    if evicted > 0 {
        trace_summaries::evict(tx)?;
    }
    transaction_search::append(tx, &rows.records, received, evicted > 0)
}

/// Which spans a listing asks for: `?session=ID`, `?trace=ID`, `?limit=N`.
#[derive(Debug, Deserialize)]
pub(crate) struct SpanQuery {
    session: Option<String>,
    trace: Option<String>,
    limit: Option<i64>,
}

/// The listing's statement (`?1` session, `?2` trace, `?3` limit), one
/// fixed text per filter present, so that SQLite uses the index that
/// filter has (an `?2 IS NULL OR trace_id = ?2` scans every span).
fn listing_sql(session: bool, trace: bool) -> &'static str {
    match (session, trace) {
        (_, true) => {
            "SELECT trace_id, span_id, parent_span_id, name, kind, start_unix_nano, \
             end_unix_nano, status_code, status_message, service, session_id, attributes \
             FROM spans INDEXED BY spans_by_trace \
             WHERE trace_id = ?2 AND (?1 IS NULL OR session_id = ?1) \
             ORDER BY start_unix_nano DESC, seq DESC LIMIT ?3"
        }
        (true, false) => {
            "SELECT trace_id, span_id, parent_span_id, name, kind, start_unix_nano, \
             end_unix_nano, status_code, status_message, service, session_id, attributes \
             FROM spans WHERE session_id = ?1 AND ?2 IS NULL \
             ORDER BY start_unix_nano DESC, seq DESC LIMIT ?3"
        }
        (false, false) => {
            "SELECT trace_id, span_id, parent_span_id, name, kind, start_unix_nano, \
             end_unix_nano, status_code, status_message, service, session_id, attributes \
             FROM spans WHERE ?1 IS NULL AND ?2 IS NULL \
             ORDER BY start_unix_nano DESC, seq DESC LIMIT ?3"
        }
    }
}

/// The spans `query` asks for, newest first (200 unless it says).
pub(crate) async fn list_spans(
    store: &Arc<Store>,
    query: SpanQuery,
) -> Result<Vec<SpanRecord>, ApiError> {
    let limit = query.limit.unwrap_or(200).clamp(1, 10_000);
    store
        .read(move |conn| {
            let sql = listing_sql(query.session.is_some(), query.trace.is_some());
            let mut statement = conn.prepare_cached(sql)?;
            let rows =
                statement.query_map(rusqlite::params![query.session, query.trace, limit], |r| {
                    Ok(SpanRecord {
                        trace_id: r.get(0)?,
                        span_id: r.get(1)?,
                        parent_span_id: r.get(2)?,
                        name: r.get(3)?,
                        kind: r.get(4)?,
                        start_unix_nano: r.get(5)?,
                        end_unix_nano: r.get(6)?,
                        status_code: r.get(7)?,
                        status_message: r.get(8)?,
                        service: r.get(9)?,
                        session_id: r.get(10)?,
                        attributes: serde_json::from_str(&r.get::<_, String>(11)?)
                            .unwrap_or_default(),
                        resource: Arc::default(),
                    })
                })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::migrations::{MIGRATIONS, check_identity, migrate};

    /// A listing by trace or by session reads its index, not every span.
    #[test]
    fn listings_use_their_index() {
        let mut conn = Connection::open_in_memory().unwrap();
        let identity = check_identity(&conn, "db", MIGRATIONS).unwrap();
        migrate(&mut conn, identity, MIGRATIONS).unwrap();
        let plan = |session: bool, trace: bool| -> String {
            let sql = format!("EXPLAIN QUERY PLAN {}", listing_sql(session, trace));
            let mut statement = conn.prepare(&sql).unwrap();
            let rows = statement
                .query_map(rusqlite::params!["s", "t", 10], |r| r.get::<_, String>(3))
                .unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
        };
        assert!(
            plan(false, true).contains("spans_by_trace"),
            "{}",
            plan(false, true)
        );
        assert!(
            plan(true, true).contains("spans_by_trace"),
            "{}",
            plan(true, true)
        );
        assert!(
            plan(true, false).contains("spans_by_session"),
            "{}",
            plan(true, false)
        );
    }
}
