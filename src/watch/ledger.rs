//! Where `handoff watch` records what it took and how each recording ended: this machine's
//! journal (the default), or the team's PostgreSQL (`--state`), which many workers on many
//! machines share over one inbox.
//!
//! With the journal, the watcher that sees a file processes it. With the team's database, every
//! worker queues what it sees (the same content is one job, whoever sees which name) and every
//! worker claims jobs from the database, so the work spreads over the team and a job whose
//! worker died is taken over once its lease expires.

use crate::pipeline::Processed;
use crate::team::team_status;
use crate::watch::journal::{Claim, Journal};
use anyhow::{bail, Context, Result};
use handoff_teamstate::{
    Backoff, ContentHash, Database, Enqueued, Finish, HandoffRecord, Heartbeat, Lease, Notice, Worker, WorkerName,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// How often an idle worker asks the database for a job.
const POLL: Duration = Duration::from_millis(500);

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

/// A job claimed from the team's queue.
pub struct Claimed {
    pub path: PathBuf,
    pub sha256: String,
    pub lease: Lease,
    /// Claims of the job before this one: earlier tries whose outputs could not be written, or
    /// workers that died on it.
    pub earlier_attempts: u32,
    pub taken_over_from: Option<String>,
}

/// How a recording ended.
pub enum Ending<'a> {
    Done { elapsed: Duration, processed: &'a Processed },
    Waiting { reason: &'a str, retry_in: Duration },
    Failed { reason: &'a str },
}

/// This process as a worker of the team.
pub struct Team {
    worker: Worker,
    heartbeat: Heartbeat,
    /// Paths in the database are relative to the inbox and the output folder, which each
    /// machine mounts where it likes.
    root: PathBuf,
    out: PathBuf,
}

impl Team {
    /// Opens the database (bringing its schema up to date) and registers this worker; the
    /// heartbeat runs until [`Team::close`].
    pub fn open(url: &str, name: WorkerName, lease: Duration, root: &Path, out: &Path, notice: Notice) -> Result<Self> {
        let database = Database::open(url, Backoff::PATIENT, Some(notice))?;
        let worker = Worker::register(&database, name, lease)?;
        let heartbeat = worker.heartbeat();
        Ok(Self { worker, heartbeat, root: root.to_path_buf(), out: out.to_path_buf() })
    }

    pub fn describe(&self) -> String {
        format!("worker {} of the team queue", self.worker.name())
    }

    /// A clean stop: nothing is held any more, so `status` shows this worker stopped, not gone.
    pub fn close(self) -> Result<()> {
        drop(self.heartbeat);
        Ok(self.worker.stop()?)
    }

    fn relative(&self, path: &Path, base: &Path) -> String {
        path.strip_prefix(base).unwrap_or(path).to_string_lossy().into_owned()
    }

    fn finish(&self, lease: Lease, ending: Ending, recording: &Path) -> Result<()> {
        let finish = match ending {
            Ending::Done { elapsed, processed } => {
                self.store_handoff(&lease, processed, recording)?;
                let outputs = processed.written.iter().map(|path| self.relative(path, &self.out)).collect();
                Finish::Done { outputs, elapsed }
            }
            Ending::Waiting { reason, retry_in } => Finish::Waiting { error: reason.to_string(), retry_in },
            Ending::Failed { reason } => Finish::Failed { error: reason.to_string() },
        };
        Ok(self.worker.finish(lease, finish)?)
    }

    /// The draft in the team's table of handoffs, with the SDR taken from the first folder
    /// under the inbox (`INBOX/<sdr>/call.wav`, with `--recursive`).
    fn store_handoff(&self, lease: &Lease, processed: &Processed, recording: &Path) -> Result<()> {
        let handoff = &processed.handoff;
        let relative = recording.strip_prefix(&self.root).unwrap_or(recording);
        let sdr = relative
            .parent()
            .and_then(|parent| parent.components().next())
            .map(|folder| folder.as_os_str().to_string_lossy().into_owned());
        let json = processed
            .written
            .iter()
            .find(|path| path.to_string_lossy().ends_with(".handoff.json"))
            .map_or_else(|| self.relative(recording, &self.root), |path| self.relative(path, &self.out));
        let document = serde_json::to_value(handoff).context("cannot serialize the handoff")?;
        let record = HandoffRecord {
            sha256: lease.sha256(),
            path: &json,
            sdr: sdr.as_deref(),
            call_date: handoff.account.call_date.as_deref(),
            status: team_status(handoff.status),
            document: &document,
        };
        Ok(self.worker.store_handoff(&record)?)
    }
}

impl Ledger {
    /// Takes note of a settled recording with content `sha256`.
    pub fn offer(&self, sha256: &str, path: &Path) -> Result<Offer> {
        match self {
            Ledger::Local(journal) => match lock(journal).claim(sha256, path)? {
                Claim::New => Ok(Offer::ProcessHere),
                Claim::Seen(first) => Ok(Offer::Seen { path: first.path.into(), state: first.state.name() }),
            },
            Ledger::Team(team) => {
                let relative = team.relative(path, &team.root);
                match team.worker.enqueue(&ContentHash::parse(sha256)?, &relative)? {
                    Enqueued::New => Ok(Offer::Queued),
                    Enqueued::Seen(job) => Ok(Offer::Seen { path: team.root.join(job.path), state: job.state.name() }),
                }
            }
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
                    Ending::Done { elapsed, processed } => {
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

impl Team {
    /// The next job of the team's queue for this worker, waiting for one; `None` once
    /// `stopping` is set. Database errors are reported through `report` and waited out.
    pub fn next(&self, stopping: &AtomicBool, report: impl Fn(&anyhow::Error)) -> Option<Claimed> {
        while !stopping.load(Ordering::SeqCst) {
            match self.worker.claim() {
                Ok(Some(claimed)) => {
                    return Some(Claimed {
                        path: self.root.join(&claimed.path),
                        sha256: claimed.lease.sha256().to_string(),
                        earlier_attempts: claimed.lease.attempt().saturating_sub(1).unsigned_abs(),
                        taken_over_from: claimed.taken_over_from,
                        lease: claimed.lease,
                    })
                }
                Ok(None) => std::thread::sleep(POLL),
                Err(error) => {
                    report(&anyhow::Error::new(error).context("cannot claim a job"));
                    std::thread::sleep(POLL * 10);
                }
            }
        }
        None
    }
}

fn lock(journal: &Mutex<Journal>) -> std::sync::MutexGuard<'_, Journal> {
    journal.lock().expect("a worker panicked holding the journal")
}
