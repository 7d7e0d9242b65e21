//! The receiver's limits, explicit and configurable: how many spans, log
//! records and metric data points are kept (the oldest evicted beyond
//! them, each eviction counted in `otlp_evictions`), and how many exports
//! may wait for the store at once (beyond it an export is answered 503
//! with `Retry-After`, never queued without bound).

use std::sync::Arc;

use rusqlite::Connection;
use serde::Serialize;

use crate::platform::store::Store;
use crate::platform::wire_errors::ApiError;

/// The receiver's limits (`PlatformConfig::otlp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OtlpLimits {
    /// Spans kept; the oldest go first.
    pub spans: i64,
    /// Log records kept in `otel_logs`; their copies in CloudWatch log
    /// groups are evicted with them.
    pub log_records: i64,
    /// Metric data points kept.
    pub data_points: i64,
    /// Exports being stored or waiting to be, over HTTP and gRPC together;
    /// one more is answered 503 (`UNAVAILABLE`) with `Retry-After`.
    pub queue: usize,
}

impl Default for OtlpLimits {
    fn default() -> Self {
        Self {
            spans: 100_000,
            log_records: 100_000,
            data_points: 1_000_000,
            queue: 64,
        }
    }
}

/// The signal names evictions are counted under.
pub(crate) const SPANS: &str = "spans";
/// Log records.
pub(crate) const LOG_RECORDS: &str = "logRecords";
/// Metric data points.
pub(crate) const DATA_POINTS: &str = "dataPoints";
/// Log records' copies in their CloudWatch log groups.
pub(crate) const LOG_RECORD_COPIES: &str = "logRecordCopies";

/// Add `evicted` to the count of `signal`'s evictions, inside the
/// caller's transaction.
pub(crate) fn count_evictions(
    conn: &Connection,
    signal: &str,
    evicted: usize,
) -> Result<(), ApiError> {
    if evicted > 0 {
        conn.prepare_cached(
            "INSERT INTO otlp_evictions (signal, evicted) VALUES (?1, ?2) \
             ON CONFLICT (signal) DO UPDATE SET evicted = evicted + excluded.evicted",
        )?
        .execute(rusqlite::params![signal, evicted as i64])?;
    }
    Ok(())
}

/// What the receiver holds and has evicted, per signal (`GET /local/otlp`).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SignalStats {
    kept: i64,
    limit: i64,
    evicted: i64,
}

/// The receiver's limits and what it holds (`GET /local/otlp`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OtlpStats {
    spans: SignalStats,
    log_records: SignalStats,
    data_points: SignalStats,
    /// Log records' copies deleted from their CloudWatch log groups with them.
    log_record_copies_evicted: i64,
    queue: usize,
}

/// How many of `signal` were evicted, ever.
fn evicted(conn: &Connection, signal: &str) -> Result<i64, ApiError> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(SUM(evicted), 0) FROM otlp_evictions WHERE signal = ?1")?
        .query_row([signal], |r| r.get(0))?)
}

/// The receiver's stats under `limits`.
pub(crate) async fn stats(store: &Arc<Store>, limits: OtlpLimits) -> Result<OtlpStats, ApiError> {
    store
        .read(move |conn| {
            let of = |table: &str, signal: &str, limit: i64| -> Result<SignalStats, ApiError> {
                // `table` is one of three constants below, never a request value.
                let kept =
                    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
                let evicted = evicted(conn, signal)?;
                Ok(SignalStats {
                    kept,
                    limit,
                    evicted,
                })
            };
            Ok(OtlpStats {
                spans: of("spans", SPANS, limits.spans)?,
                log_records: of("otel_logs", LOG_RECORDS, limits.log_records)?,
                data_points: of("metric_points", DATA_POINTS, limits.data_points)?,
                log_record_copies_evicted: evicted(conn, LOG_RECORD_COPIES)?,
                queue: limits.queue,
            })
        })
        .await
}
