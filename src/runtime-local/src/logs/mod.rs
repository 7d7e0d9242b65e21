//! The local CloudWatch Logs: a store of log groups, streams and events, and
//! the awsJson1.1 API subset (`X-Amz-Target: Logs_20140328.*`) that reads it
//! back exactly as `aws-sdk-cloudwatchlogs` expects.

use std::sync::Arc;

use axum::Router;

use crate::platform_state::PlatformState;

/// Routes of the CloudWatch Logs API (`POST /`).
pub(crate) fn routes() -> Router<Arc<PlatformState>> {
    Router::new()
}
