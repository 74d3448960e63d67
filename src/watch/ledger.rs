//! Where `handoff watch` records what it took and how each recording ended: this machine's
//! journal (the default), or the team's PostgreSQL (`--state`), which many workers on many
//! machines share over one inbox.
//!
//! With the journal, the watcher that sees a file processes it. With the team's database, every
//! worker queues what it sees (the same content is one job, whoever sees which name) and every
//! worker claims jobs from the database, so the work spreads over the team and a job whose
//! worker died is taken over once its lease expires.

use crate::team_worker::{Ending, Team};
use crate::watch::journal::{Claim, Journal};
use anyhow::{bail, Result};
use handoff_teamstate::{Enqueued, Lease};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub enum Ledger {
    Local(Mutex<Journal>),
    /// Boxed: the worker holds its connection, and the enum is made once per run anyway.
    Team(Box<Team>),
}

/// What the ledger said of a settled recording.
pub enum Offer {
    /// New content: the local journal queued it, and this watcher must process it.
    ProcessHere,
    /// New content in the team's queue, for whichever worker claims it first.
    Queued,
    /// This content was taken already: where it was first seen, and its state.
    Seen { path: PathBuf, state: &'static str },
}

impl Ledger {
    /// Takes note of a settled recording with content `sha256`.
    pub fn offer(&self, sha256: &str, path: &Path) -> Result<Offer> {
        match self {
            Ledger::Local(journal) => match lock(journal).claim(sha256, path)? {
                Claim::New => Ok(Offer::ProcessHere),
                Claim::Seen(first) => Ok(Offer::Seen { path: first.path.into(), state: first.state.name() }),
            },
            Ledger::Team(team) => match team.enqueue(sha256, path, false)? {
                Enqueued::New => Ok(Offer::Queued),
                Enqueued::Seen(job) => Ok(Offer::Seen { path: job.path.into(), state: job.state.name() }),
            },
        }
    }

    /// Whether jobs are claimed from the team's database (else they arrive from the inbox).
    pub fn team(&self) -> Option<&Team> {
        match self {
            Ledger::Local(_) => None,
            Ledger::Team(team) => Some(team),
        }
    }

    /// Starts a recording this watcher took from its own inbox (claims start themselves).
    pub fn start(&self, sha256: &str) -> Result<()> {
        match self {
            Ledger::Local(journal) => lock(journal).start(sha256),
            Ledger::Team(_) => Ok(()),
        }
    }

    /// Records how a recording ended: `lease` is its claim from the team's queue, `None` for
    /// one this watcher took from its journal.
    pub fn finish(&self, sha256: &str, lease: Option<Lease>, recording: &Path, ending: Ending) -> Result<()> {
        match (self, lease) {
            (Ledger::Local(journal), None) => {
                let mut journal = lock(journal);
                match ending {
                    Ending::Done { elapsed, processed, .. } => {
                        journal.finish_done(sha256, elapsed.as_millis() as u64, &processed.written)
                    }
                    Ending::Waiting { reason, .. } => journal.wait_for_outputs(sha256, reason),
                    Ending::Failed { reason } => journal.finish_failed(sha256, reason),
                }
            }
            (Ledger::Team(team), Some(lease)) => team.finish(lease, ending, recording),
            (Ledger::Local(_), Some(_)) | (Ledger::Team(_), None) => {
                bail!("internal error: {sha256} was not taken from this ledger")
            }
        }
    }
}

fn lock(journal: &Mutex<Journal>) -> std::sync::MutexGuard<'_, Journal> {
    journal.lock().expect("a worker panicked holding the journal")
}
