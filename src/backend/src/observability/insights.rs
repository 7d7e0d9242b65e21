//! The trace list summarised by the service: a CloudWatch Logs Insights
//! query on `aws/spans` (`StartQuery`, then `GetQueryResults` until it is
//! done) that answers one row per trace, so opening the list costs the
//! rows shown, not the spans stored.

use std::time::{Duration, Instant};

use acc_domain::SPANS_LOG_GROUP;
use acc_domain::traces::insights::{SummaryQuery, TraceAggregate};
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata as _;
use aws_sdk_cloudwatchlogs::types::QueryStatus;

use crate::connection::Backend;
use crate::error::BackendError;
use crate::observability::transaction_search::transaction_search_off;

/// How long a query is waited for before it is stopped.
const QUERY_WAIT: Duration = Duration::from_secs(30);
/// The first pause between polls; it doubles up to [`MAX_POLL`].
const FIRST_POLL: Duration = Duration::from_millis(50);
const MAX_POLL: Duration = Duration::from_secs(1);

/// Errors that mean "this endpoint does not run this query": the caller
/// reads the spans itself instead.
fn unanswered(code: Option<&str>) -> bool {
    matches!(
        code,
        Some(
            "UnknownOperationException" | "MalformedQueryException" | "UnrecognizedClientException"
        )
    )
}

impl Backend {
    /// The rows of `query` over `[from_ms, to_ms]`, newest first; `None`
    /// when the endpoint does not run Logs Insights queries (the caller
    /// then reads the spans). No `aws/spans` group is Transaction Search off.
    pub(crate) async fn summarize_traces(
        &self,
        query: &SummaryQuery,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Option<Vec<TraceAggregate>>, BackendError> {
        let started = match self
            .logs
            .start_query()
            .log_group_name(SPANS_LOG_GROUP)
            .start_time(from_ms.div_euclid(1000))
            .end_time(to_ms.div_euclid(1000) + 1)
            .query_string(query.text())
            .limit(query.limit as i32)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if e.code() == Some("ResourceNotFoundException") => {
                return Err(transaction_search_off());
            }
            Err(e) if unanswered(e.code()) => return Ok(None),
            Err(e) => return Err(BackendError::from_sdk("StartQuery", self.context(), e)),
        };
        let id = started.query_id().unwrap_or_default().to_owned();
        let deadline = Instant::now() + QUERY_WAIT;
        let mut pause = FIRST_POLL;
        loop {
            let out = self
                .logs
                .get_query_results()
                .query_id(&id)
                .send()
                .await
                .map_err(|e| BackendError::from_sdk("GetQueryResults", self.context(), e))?;
            match out.status() {
                Some(QueryStatus::Complete) => {
                    let rows = out.results().iter().filter_map(|fields| {
                        TraceAggregate::from_row(fields.iter().map(|f| {
                            (f.field().unwrap_or_default(), f.value().unwrap_or_default())
                        }))
                    });
                    return Ok(Some(rows.collect()));
                }
                Some(QueryStatus::Running | QueryStatus::Scheduled) | None
                    if Instant::now() < deadline =>
                {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(MAX_POLL);
                }
                status => {
                    // Best effort: a query left running costs the account.
                    let _ = self.logs.stop_query().query_id(&id).send().await;
                    return Err(BackendError::Service {
                        operation: "GetQueryResults".into(),
                        code: "QueryNotComplete".into(),
                        message: format!(
                            "the Logs Insights query on {SPANS_LOG_GROUP} ended {:?} (waited at \
                             most {}s); narrow the window and try again",
                            status
                                .map(QueryStatus::as_str)
                                .unwrap_or("without a status"),
                            QUERY_WAIT.as_secs()
                        ),
                    });
                }
            }
        }
    }
}
