//! The demo agent's one HTTP client (tool calls, span export): built once,
//! so its connections are reused across invocations.

use std::sync::LazyLock;
use std::time::Duration;

/// The client, with a 30 s timeout on every request.
pub(crate) static HTTP: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default()
});
