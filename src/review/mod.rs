//! The review page and what the commands print of a review; the review itself (the draft, its
//! log, and the files every change rewrites) is [`handoff_review::Review`].

mod audio;
pub mod call;
pub mod server;

use anyhow::{Context, Result};
use handoff_review::{orphans_report, Current, Review};

/// The reviewer's name: `--reviewer`, else the login name.
pub fn reviewer(given: Option<String>) -> Result<String> {
    given
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|name| !name.trim().is_empty())
        .context("no reviewer name: pass --reviewer NAME (or set $USER)")
}

/// Prints corrections that no longer land (after re-processing), so none is silently lost.
pub fn report_orphans(review: &Review, current: &Current) {
    if let Some(report) = orphans_report(review, current) {
        eprintln!("handoff: {report}");
    }
}

/// Warns that a change is saved in its files but did not reach the team's database.
pub fn report_unshared(current: &Current) {
    if let Some(problem) = &current.unshared {
        eprintln!("handoff: warning: {problem}");
    }
}
