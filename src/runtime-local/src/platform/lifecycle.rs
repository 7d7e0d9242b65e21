//! Resource status lifecycle.
//!
//! AWS answers a create with CREATING (an update with UPDATING, a sync with
//! SYNCHRONIZING) and the resource becomes READY a little later. Here the
//! transitional status is stored with the instant it settles, and READY is
//! reported from then on. Computing it on read needs no background task, no
//! extra write, and is right after a restart or a crash too.

use std::time::Duration;

/// How long a transitional status lasts.
pub(crate) const SETTLE_DELAY: Duration = Duration::from_millis(200);

/// When a transition started now settles.
pub(crate) fn settles_at(now_ms: i64) -> i64 {
    now_ms + SETTLE_DELAY.as_millis() as i64
}

/// The status to report for a stored status at `now_ms`.
pub(crate) fn effective_status(stored: &str, settles_at_ms: i64, now_ms: i64) -> &str {
    settled_status(stored, settles_at_ms, now_ms, "READY")
}

/// The same, for resources whose settled status is `settled` (policy
/// engines and policies become ACTIVE rather than READY).
pub(crate) fn settled_status<'a>(
    stored: &'a str,
    settles_at_ms: i64,
    now_ms: i64,
    settled: &'a str,
) -> &'a str {
    match stored {
        "CREATING" | "UPDATING" | "SYNCHRONIZING" if now_ms >= settles_at_ms => settled,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitional_statuses_settle_to_ready() {
        let start = 1_000;
        let settle = settles_at(start);
        assert_eq!(effective_status("CREATING", settle, start), "CREATING");
        assert_eq!(effective_status("CREATING", settle, settle), "READY");
        assert_eq!(effective_status("UPDATING", settle, settle + 1), "READY");
        assert_eq!(effective_status("FAILED", settle, settle + 1), "FAILED");
    }
}
