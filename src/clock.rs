//! The one way this program writes a time: RFC 3339 UTC to the second (`2026-11-20T14:03:12Z`),
//! as handoffs, review logs, the watch journal, error notes, log lines and `status --state`
//! record it, so they sort and compare as text.

use std::time::SystemTime;

/// Now, as every file and log line records it.
pub fn now() -> String {
    rfc3339(SystemTime::now())
}

/// `at` as every file and log line records a time.
pub fn rfc3339(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at).to_string()
}
