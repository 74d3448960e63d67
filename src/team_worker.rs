//! This process as one worker of the team's PostgreSQL queue: what `watch --state` and
//! `process --state` share. Both register a worker with a heartbeat, claim jobs under a lease,
//! reserve output names team-wide and record how each recording ended, with its handoff.
//!
//! Paths in the database are relative to the folder the recordings were found in (the inbox)
//! and to the output folder, which each machine mounts where it likes.

use crate::output::{NameRegistry, OutputPaths};
use crate::pipeline::Processed;
use crate::team::team_status;
use anyhow::{Context, Result};
use handoff_teamstate::{
    Backoff, ContentHash, Database, Enqueued, Finish, HandoffRecord, Heartbeat, Lease, Notice, Worker, WorkerName,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often an idle worker asks the database for a job.
pub const POLL: Duration = Duration::from_millis(500);

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

/// Which jobs a worker claims next.
pub enum Wanted {
    /// Any job of the watchers' queue.
    Any,
    /// Only the jobs of these contents (a `process` run's recordings).
    Among(Vec<ContentHash>),
    /// None: stop waiting for one.
    Nothing,
}

/// How a recording ended.
pub enum Ending<'a> {
    Done { elapsed: Duration, processed: &'a Processed, outputs: &'a OutputPaths },
    Waiting { reason: &'a str, retry_in: Duration },
    Failed { reason: &'a str },
}

/// This process as a worker of the team.
pub struct Team {
    worker: Worker,
    heartbeat: Heartbeat,
    root: PathBuf,
    out: PathBuf,
}

impl Team {
    /// Opens the database (bringing its schema up to date) and registers this worker, with
    /// recordings found under `root` and outputs under `out`; the heartbeat runs until
    /// [`Team::close`].
    pub fn open(url: &str, name: WorkerName, lease: Duration, root: &Path, out: &Path, notice: Notice) -> Result<Self> {
        let database = Database::open(url, Backoff::PATIENT, Some(notice))?;
        let worker = Worker::register(&database, name, lease)?;
        let heartbeat = worker.heartbeat();
        Ok(Self { worker, heartbeat, root: root.to_path_buf(), out: out.to_path_buf() })
    }

    pub fn describe(&self) -> String {
        format!("worker {} of the team queue", self.worker.name())
    }

    pub fn name(&self) -> &str {
        self.worker.name().as_str()
    }

    /// A clean stop: nothing is held any more, so `status` shows this worker stopped, not gone.
    pub fn close(self) -> Result<()> {
        drop(self.heartbeat);
        Ok(self.worker.stop()?)
    }

    /// `path` relative to `base`, as the database keeps it; a path given through a link or a
    /// relative folder is compared by where it really is.
    fn relative(&self, path: &Path, base: &Path) -> String {
        let real = path.canonicalize();
        let relative = path.strip_prefix(base).ok().or_else(|| real.as_deref().ok()?.strip_prefix(base).ok());
        relative.unwrap_or(path).to_string_lossy().into_owned()
    }

    /// Queues the recording `path` with content `sha256` for the watchers (`watch`), or for the
    /// `process` runs given that content.
    pub fn enqueue(&self, sha256: &str, path: &Path, by_process: bool) -> Result<Enqueued> {
        let (sha256, relative) = (ContentHash::parse(sha256)?, self.relative(path, &self.root));
        Ok(match by_process {
            true => self.worker.enqueue_from_process(&sha256, &relative)?,
            false => self.worker.enqueue(&sha256, &relative)?,
        })
    }

    /// The worker itself, for the queries a command makes of its own recordings.
    pub fn worker(&self) -> &Worker {
        &self.worker
    }

    /// Records how the job of `lease` (the recording `recording`) ended, with its handoff when
    /// it is done.
    pub fn finish(&self, lease: Lease, ending: Ending, recording: &Path) -> Result<()> {
        let finish = match ending {
            Ending::Done { elapsed, processed, outputs } => {
                self.store_handoff(&lease, processed, &outputs.path("handoff.json"), recording)?;
                let outputs = processed.written.iter().map(|path| self.relative(path, &self.out)).collect();
                Finish::Done { outputs, elapsed }
            }
            Ending::Waiting { reason, retry_in } => Finish::Waiting { error: reason.to_string(), retry_in },
            Ending::Failed { reason } => Finish::Failed { error: reason.to_string() },
        };
        Ok(self.worker.finish(lease, finish)?)
    }

    /// The draft (written to `json`) in the team's table of handoffs, with the SDR taken from
    /// the first folder under the inbox (`INBOX/<sdr>/call.wav`).
    fn store_handoff(&self, lease: &Lease, processed: &Processed, json: &Path, recording: &Path) -> Result<()> {
        let handoff = &processed.handoff;
        let relative = self.relative(recording, &self.root);
        let sdr = Path::new(&relative)
            .parent()
            .and_then(|parent| parent.components().next())
            .map(|folder| folder.as_os_str().to_string_lossy().into_owned());
        let document = serde_json::to_value(handoff).context("cannot serialize the handoff")?;
        let record = HandoffRecord {
            sha256: lease.sha256(),
            path: &self.relative(json, &self.out),
            sdr: sdr.as_deref(),
            call_date: handoff.account.call_date.as_deref(),
            status: team_status(handoff.status),
            document: &document,
        };
        Ok(self.worker.store_handoff(&record)?)
    }

    /// The next job of the team's queue for this worker, of those `wanted` names each time it
    /// asks, waiting for one; `None` once it wants nothing. Database errors are reported
    /// through `report` and waited out.
    pub fn next(&self, mut wanted: impl FnMut() -> Wanted, report: impl Fn(&anyhow::Error)) -> Option<Claimed> {
        loop {
            let claimed = match wanted() {
                Wanted::Nothing => return None,
                Wanted::Any => self.worker.claim(),
                Wanted::Among(among) => self.worker.claim_among(&among),
            };
            match claimed {
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
    }
}

impl NameRegistry for Team {
    fn reserve(&self, name: &str, sha256: &str) -> Result<bool> {
        Ok(self.worker.reserve_output_name(name, &ContentHash::parse(sha256)?)?)
    }
}
