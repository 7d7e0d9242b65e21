//! Captured tool calls of a gateway, read from its APPLICATION_LOGS log
//! group with CloudWatch Logs `FilterLogEvents` — the same call against the
//! local platform and live AWS. The filter travels as a JSON filter pattern,
//! so only matching lines cross the wire.

use std::collections::VecDeque;

use acc_domain::{CaptureFilter, CapturedCall, gateway_log_group};
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata as _;

use crate::connection::{Backend, now_ms};
use crate::error::BackendError;

/// Look-back windows, newest first (ms): recent calls are found without
/// reading a long history; older windows are read only when needed.
const WINDOWS_MS: &[i64] = &[
    10 * 60_000,
    3_600_000,
    6 * 3_600_000,
    24 * 3_600_000,
    7 * 24 * 3_600_000,
    30 * 24 * 3_600_000,
];

/// The newest captured calls that matched, and what the reader noticed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CapturePage {
    /// Newest first.
    pub calls: Vec<CapturedCall>,
    /// E.g. lines that were not captures, or a log group that does not exist yet.
    pub note: Option<String>,
}

impl Backend {
    /// Up to `limit` of the newest calls captured for `gateway_id` passing `filter`.
    pub async fn captured_calls(
        &self,
        gateway_id: &str,
        filter: &CaptureFilter,
        limit: usize,
    ) -> Result<CapturePage, BackendError> {
        self.check_config()?;
        let group = gateway_log_group(gateway_id);
        let pattern = filter.log_filter_pattern();
        let now = now_ms();
        let mut calls: Vec<CapturedCall> = Vec::new();
        let mut skipped = 0usize;
        let mut end = now + 60_000;
        let bounds = WINDOWS_MS.iter().map(|w| now - w).chain(std::iter::once(0));
        for start in bounds {
            if calls.len() >= limit || start >= end {
                break;
            }
            // The window's newest `limit - found` calls, oldest first.
            let wanted = limit - calls.len();
            let mut window: VecDeque<CapturedCall> = VecDeque::with_capacity(wanted);
            let mut token = None;
            loop {
                let page = match self
                    .logs
                    .filter_log_events()
                    .log_group_name(&group)
                    .start_time(start)
                    .end_time(end - 1)
                    .set_filter_pattern(pattern.clone())
                    .set_next_token(token)
                    .send()
                    .await
                {
                    Ok(page) => page,
                    Err(e) if e.code() == Some("ResourceNotFoundException") => {
                        return Ok(CapturePage {
                            calls: Vec::new(),
                            note: Some(format!(
                                "no calls captured yet: log group {group} does not exist"
                            )),
                        });
                    }
                    Err(e) => {
                        return Err(BackendError::from_sdk("FilterLogEvents", self.context(), e));
                    }
                };
                for event in page.events() {
                    match event
                        .message()
                        .and_then(|m| serde_json::from_str::<CapturedCall>(m).ok())
                    {
                        Some(call) if filter.matches(&call) => {
                            if window.len() == wanted {
                                window.pop_front();
                            }
                            window.push_back(call);
                        }
                        Some(_) => {}
                        None => skipped += 1,
                    }
                }
                token = page.next_token().map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            calls.extend(window.into_iter().rev());
            end = start;
        }
        let note = (skipped > 0).then(|| {
            format!(
                "{skipped} line(s) in {group} are not captured calls (not written by a local gateway) and are not shown"
            )
        });
        Ok(CapturePage { calls, note })
    }
}

/// Pages read per gateway when joining captures to a trace.
const JOIN_MAX_PAGES: usize = 5;

impl Backend {
    /// The calls captured by the first `max_gateways` gateways between
    /// `start_ms` and `end_ms` (bounded pages each), for joining to a
    /// trace's tool spans. Gateways with no capture log group are skipped.
    pub(crate) async fn captures_between(
        &self,
        start_ms: i64,
        end_ms: i64,
        max_gateways: usize,
    ) -> Result<Vec<CapturedCall>, BackendError> {
        let ids: Vec<String> = self
            .gateway_summaries()
            .await?
            .iter()
            .take(max_gateways)
            .map(|s| s.gateway_id().to_owned())
            .collect();
        let backend = self.clone();
        let read = move |id: String| {
            let backend = backend.clone();
            async move {
                let group = gateway_log_group(&id);
                let request = crate::observability::log_scan::ScanRequest {
                    group: &group,
                    pattern: "",
                    start_ms,
                    end_ms: Some(end_ms),
                    max_pages: JOIN_MAX_PAGES,
                };
                backend.scan_log_group(&request).await
            }
        };
        let mut calls = Vec::new();
        for scan in crate::fan_out::fan_out(ids, read)
            .await
            .into_iter()
            .flatten()
        {
            calls.extend(
                scan?
                    .into_iter()
                    .flat_map(|s| s.messages)
                    .filter_map(|m| serde_json::from_str::<CapturedCall>(&m).ok()),
            );
        }
        Ok(calls)
    }
}
