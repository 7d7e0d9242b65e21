//! One bounded `FilterLogEvents` scan of a log group: the paging loop every
//! observability read shares (spans, log records joined to a trace).

use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata as _;

use crate::connection::Backend;
use crate::error::BackendError;

/// The messages a scan returned, and whether it stopped at its page bound
/// with more to read.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub(crate) messages: Vec<String>,
    pub(crate) truncated: bool,
    pub(crate) pages: usize,
}

/// What to scan.
#[derive(Debug, Clone)]
pub(crate) struct ScanRequest<'a> {
    pub(crate) group: &'a str,
    /// A CloudWatch filter pattern ("" for every event).
    pub(crate) pattern: &'a str,
    pub(crate) start_ms: i64,
    /// Exclusive; None for now.
    pub(crate) end_ms: Option<i64>,
    /// Pages read at most (each up to 10 000 events or 1 MB).
    pub(crate) max_pages: usize,
}

impl Backend {
    /// The events of `request.group` matching its pattern, oldest first.
    /// `None` when the log group does not exist.
    pub(crate) async fn scan_log_group(
        &self,
        request: &ScanRequest<'_>,
    ) -> Result<Option<Scan>, BackendError> {
        let mut scan = Scan::default();
        let mut token = None;
        while scan.pages < request.max_pages {
            let page = match self
                .logs
                .filter_log_events()
                .log_group_name(request.group)
                .start_time(request.start_ms)
                .set_end_time(request.end_ms.map(|end| end - 1))
                .filter_pattern(request.pattern)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(page) => page,
                Err(e) if e.code() == Some("ResourceNotFoundException") => return Ok(None),
                Err(e) => return Err(BackendError::from_sdk("FilterLogEvents", self.context(), e)),
            };
            scan.pages += 1;
            scan.messages.extend(
                page.events()
                    .iter()
                    .filter_map(|e| e.message().map(str::to_owned)),
            );
            match page.next_token() {
                Some(next) => token = Some(next.to_owned()),
                None => return Ok(Some(scan)),
            }
        }
        scan.truncated = true;
        Ok(Some(scan))
    }
}
