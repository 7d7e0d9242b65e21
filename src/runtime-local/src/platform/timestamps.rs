//! Wall-clock time as stored (milliseconds since the Unix epoch) and as sent
//! on the wire (ISO-8601 with millisecond precision, UTC). The SDKs parse the
//! `DateTimestamp` shape as `date-time`; botocore's parser accepts it too.

use time::OffsetDateTime;
use time::macros::format_description;

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// `2025-06-01T12:34:56.789Z`. Milliseconds rather than nanoseconds because
/// some clients (Python's datetime) keep only microseconds.
pub(crate) fn iso8601(ms: i64) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        // Only reachable for timestamps beyond year 9999, which we never store.
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_milliseconds_in_utc() {
        assert_eq!(iso8601(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
    }
}
