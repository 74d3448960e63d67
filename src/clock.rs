//! The one way this program writes the current time: RFC 3339 UTC to the second
//! (`2026-11-20T14:03:12Z`), as handoffs, review logs, the watch journal, error notes and log
//! lines record it, so they sort and compare as text.

use std::time::SystemTime;

/// Now, as every file and log line records it.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}
