//! The trace explorer's work against the platform (or live AWS: the
//! backend reads `aws/spans` and the log groups), run on effect tasks.

use acc_backend::Backend;
use acc_domain::traces::TraceQuery;

use crate::features::traces::msg::Msg;
use crate::features::traces::state::ListQuery;
use crate::shell::effect::Reply;

/// Work for the trace explorer (all reads).
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// The traces of a query (`aws/spans`, bounded pages).
    ListTraces(ListQuery),
    /// One trace: its spans, joined logs and gateway calls.
    GetTrace {
        /// Which trace.
        trace_id: String,
    },
}

impl Job {
    /// Runs on its own task; the result comes back through `reply`.
    pub(crate) fn run(self, backend: Backend, reply: Reply) {
        tokio::spawn(async move { reply.send(self.perform(&backend).await) });
    }

    async fn perform(self, backend: &Backend) -> Msg {
        match self {
            Job::ListTraces(query) => {
                let now_ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                let asked = TraceQuery {
                    since_ms: Some(now_ms - query.window.millis()),
                    session: query.session.clone(),
                    runtime: None,
                    errors_only: query.errors_only,
                    filter: query.filter.clone(),
                };
                Msg::TracesPage {
                    result: backend
                        .list_traces_page(&asked)
                        .await
                        .map_err(|e| e.to_string()),
                    query,
                }
            }
            Job::GetTrace { trace_id } => Msg::TraceLoaded {
                result: backend
                    .get_trace(&trace_id)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string()),
                trace_id,
            },
        }
    }
}
