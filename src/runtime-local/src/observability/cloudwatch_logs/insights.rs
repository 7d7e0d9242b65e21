//! CloudWatch Logs Insights as far as the trace list needs it:
//! `StartQuery`, `GetQueryResults` and `StopQuery`, answering the
//! trace-summary query on `aws/spans` (the domain's
//! [`SummaryQuery`]) from the per-trace rows kept at ingest. Any other
//! query is a `MalformedQueryException` that says what is answered.
//!
//! A query runs while `StartQuery` answers, so `GetQueryResults` finds it
//! `Complete`. The book of queries is bounded: the oldest results go first.

use std::collections::VecDeque;
use std::sync::Mutex;

use acc_domain::SPANS_LOG_GROUP;
use acc_domain::traces::insights::{SummaryQuery, TraceAggregate};
use serde_json::{Map, Value, json};

use super::{LogsState, integer, invalid, missing_group, string};
use crate::observability::cloudwatch_logs::log_store;
use crate::observability::otlp::trace_summaries;
use crate::platform::wire_errors::ApiError;

/// Queries whose results are kept for `GetQueryResults`.
const KEPT_QUERIES: usize = 64;
/// The longest query string (the Logs model's bound).
const MAX_QUERY_CHARS: usize = 10_000;

/// A query run, and its results.
struct RunQuery {
    id: String,
    rows: Vec<TraceAggregate>,
}

/// The queries run, newest last, at most [`KEPT_QUERIES`].
#[derive(Default)]
pub(crate) struct QueryBook(Mutex<VecDeque<RunQuery>>);

impl QueryBook {
    fn keep(&self, query: RunQuery) {
        let mut book = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if book.len() == KEPT_QUERIES {
            book.pop_front();
        }
        book.push_back(query);
    }

    fn with<T>(&self, id: &str, f: impl FnOnce(&mut RunQuery) -> T) -> Result<T, ApiError> {
        let mut book = self.0.lock().unwrap_or_else(|e| e.into_inner());
        book.iter_mut().find(|q| q.id == id).map(f).ok_or_else(|| {
            ApiError::not_found(format!(
                "No query {id:?}: it was never started here, or its results were dropped \
                     (the newest {KEPT_QUERIES} are kept); run StartQuery again"
            ))
        })
    }
}

/// The log groups a StartQuery names (`logGroupName`, `logGroupNames` or
/// `logGroupIdentifiers`).
fn groups(input: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    if let Some(name) = string(input, "logGroupName")? {
        return Ok(vec![name.to_owned()]);
    }
    for key in ["logGroupNames", "logGroupIdentifiers"] {
        match input.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                return items
                    .iter()
                    .map(|v| match v.as_str() {
                        Some(id) => Ok(match id.split_once(":log-group:") {
                            Some((_, rest)) => rest.trim_end_matches(":*").to_owned(),
                            None => id.to_owned(),
                        }),
                        None => Err(invalid(format!("{key} must be a list of strings"))),
                    })
                    .collect();
            }
            Some(_) => return Err(invalid(format!("{key} must be a list of strings"))),
        }
    }
    Err(invalid(
        "StartQuery needs logGroupName, logGroupNames or logGroupIdentifiers",
    ))
}

/// The `queryId` an operation names.
fn query_id<'a>(input: &'a Map<String, Value>, operation: &str) -> Result<&'a str, ApiError> {
    string(input, "queryId")?
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            invalid(format!(
                "{operation} needs a queryId, as StartQuery answered it"
            ))
        })
}

/// `StartQuery`: run the trace-summary query over the traces that started
/// in `[startTime, endTime]` (epoch seconds).
pub(super) async fn start_query(
    state: &LogsState,
    input: Map<String, Value>,
) -> Result<Value, ApiError> {
    let groups = groups(&input)?;
    if let Some(language) = string(&input, "queryLanguage")?
        && language != "CWLI"
    {
        return Err(invalid(format!(
            "queryLanguage {language:?}: the acc local platform answers CWLI queries only"
        )));
    }
    let text =
        string(&input, "queryString")?.ok_or_else(|| invalid("StartQuery needs a queryString"))?;
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(invalid(format!(
            "queryString is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    let seconds = |key: &str| -> Result<i64, ApiError> {
        integer(&input, key)?.filter(|s| *s >= 0).ok_or_else(|| {
            invalid(format!(
                "StartQuery needs {key}, epoch seconds, not negative"
            ))
        })
    };
    let (from, to) = (seconds("startTime")?, seconds("endTime")?);
    if to < from {
        return Err(invalid("endTime must not be before startTime"));
    }
    let mut query = SummaryQuery::parse(text).map_err(ApiError::malformed_query)?;
    match integer(&input, "limit")? {
        Some(limit) if !(1..=10_000).contains(&limit) => {
            return Err(invalid(format!(
                "limit {limit}: a number of rows from 1 to 10000"
            )));
        }
        Some(limit) => query.limit = query.limit.min(limit as usize),
        None => {}
    };
    let nanos = |s: i64| s.saturating_mul(1_000_000_000);
    // endTime is a whole second, inclusive: to its last nanosecond.
    let (from, to) = (nanos(from), nanos(to).saturating_add(999_999_999));
    let rows = state
        .store
        .read(move |conn| {
            for group in &groups {
                if !log_store::group_exists(conn, group)? {
                    return Err(missing_group());
                }
            }
            if groups != [SPANS_LOG_GROUP] {
                return Err(ApiError::malformed_query(format!(
                    "log groups {groups:?}: the acc local platform runs Logs Insights queries \
                     on {SPANS_LOG_GROUP} alone"
                )));
            }
            trace_summaries::query(conn, &query, from, to)
        })
        .await?;
    let id = uuid::Uuid::new_v4().hyphenated().to_string();
    state.queries.keep(RunQuery {
        id: id.clone(),
        rows,
    });
    Ok(json!({ "queryId": id }))
}

/// `GetQueryResults`: a query's rows, every value a string, as Logs
/// Insights gives them.
pub(super) fn get_query_results(
    state: &LogsState,
    input: &Map<String, Value>,
) -> Result<Value, ApiError> {
    let id = query_id(input, "GetQueryResults")?;
    state.queries.with(id, |query| {
        let results: Vec<Value> = query
            .rows
            .iter()
            .map(|row| {
                row.to_row()
                    .into_iter()
                    .map(|(field, value)| json!({ "field": field, "value": value }))
                    .collect()
            })
            .collect();
        let matched: i64 = query.rows.iter().map(|r| r.spans).sum();
        json!({
            "status": "Complete",
            "results": results,
            "statistics": {
                "recordsMatched": matched as f64,
                "recordsScanned": matched as f64,
                "bytesScanned": 0.0,
            },
        })
    })
}

/// `StopQuery`: a query here has finished by the time it can be named,
/// so there is nothing to stop (`success: false`, as for a finished query).
pub(super) fn stop_query(state: &LogsState, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let id = query_id(input, "StopQuery")?;
    state.queries.with(id, |_| ())?;
    Ok(json!({ "success": false }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However many queries are started, the book holds the newest
    /// [`KEPT_QUERIES`]; an older one is answered "not found".
    #[test]
    fn the_book_of_queries_is_bounded() {
        let book = QueryBook::default();
        for n in 0..KEPT_QUERIES + 10 {
            book.keep(RunQuery {
                id: format!("q{n}"),
                rows: Vec::new(),
            });
        }
        assert_eq!(book.0.lock().unwrap().len(), KEPT_QUERIES);
        assert!(book.with("q9", |_| ()).is_err(), "dropped");
        assert!(book.with("q10", |_| ()).is_ok());
        let newest = format!("q{}", KEPT_QUERIES + 9);
        assert!(book.with(&newest, |_| ()).is_ok());
    }
}
