//! The team's database seen from a review: with `--state`, every change to a review log is also
//! stored in the team's PostgreSQL, so `report --state` lists every SDR's reviews. The log on
//! disk stays the record: the database is sent the whole log on each change, so a change it
//! missed (the database was down) arrives with the next one.

use anyhow::{Context, Result};
use handoff_document::{Handoff, Status};
use handoff_review::{ReviewLog, ReviewStore, StoreError};
use handoff_teamstate::{Backoff, Connection, ContentHash, Database, HandoffStatus, Notice, ReviewRecord};
use std::sync::Arc;

/// The team's name for a handoff's status.
pub fn team_status(status: Status) -> HandoffStatus {
    match status {
        Status::Draft => HandoffStatus::Draft,
        Status::Ready => HandoffStatus::Ready,
    }
}

/// Opens the team's database for a command a person runs (gives up after a short wait).
pub fn open_database(url: &str) -> Result<Database> {
    let notice: Notice = Arc::new(|message: &str| eprintln!("handoff: {message}"));
    Ok(Database::open(url, Backoff::INTERACTIVE, Some(notice))?)
}

/// Where one review is copied to in the team's database.
pub struct TeamReview {
    connection: Connection,
    sha256: ContentHash,
}

impl TeamReview {
    /// For the handoff made from the recording `draft.source.sha256`.
    pub fn open(url: &str, draft: &Handoff) -> Result<TeamReview> {
        let sha256 = ContentHash::parse(&draft.source.sha256)
            .with_context(|| format!("the draft's source sha256 `{}` is not a sha256", draft.source.sha256))?;
        Ok(TeamReview { connection: open_database(url)?.connect(), sha256 })
    }
}

impl ReviewStore for TeamReview {
    fn store(&mut self, log: &ReviewLog, handoff: &Handoff) -> Result<(), StoreError> {
        let corrections = log.corrections.iter().map(serde_json::to_value).collect::<Result<Vec<_>, _>>()?;
        let sign_off = log.finalized.as_ref().map(serde_json::to_value).transpose()?;
        let record = ReviewRecord {
            sha256: &self.sha256,
            corrections: &corrections,
            sign_off: sign_off.as_ref(),
            status: team_status(handoff.status),
        };
        match self.connection.store_review(&record)? {
            Some(_) => Ok(()),
            None => Err(format!(
                "the team's database has no handoff made from recording {}: only calls processed by \
                 `handoff watch --state` or `process --state` are the team's; review this one without --state",
                self.sha256.as_str()
            )
            .into()),
        }
    }
}
