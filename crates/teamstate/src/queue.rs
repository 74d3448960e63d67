//! The jobs table: one job per recording content, claimed under a lease.

use crate::db::Connection;
use crate::{Error, Result};
use postgres::Row;
use std::fmt;
use std::time::{Duration, SystemTime};

/// A job whose workers died this many times (killed, or crashed on this very recording) is
/// failed instead of handed to the next worker, so one poisonous file cannot take the team down.
pub(crate) const MAX_ABANDONED: i32 = 3;

/// The sha256 of a recording's content: 64 lowercase hex digits, as the database requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentHash(String);

impl ContentHash {
    /// Checked here rather than by the database, so a bad hash is a clear error, not a refused
    /// statement.
    pub fn parse(hex: &str) -> Result<Self> {
        let valid = hex.len() == 64 && hex.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'));
        match valid {
            true => Ok(Self(hex.to_string())),
            false => Err(Error::BadHash(hex.to_string())),
        }
    }

    /// The 64 hex digits, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a job is. `Done` and `Failed` are final: the same content is never processed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobState {
    /// Waiting for a worker to claim it.
    Queued,
    /// Claimed by a worker whose lease is renewed while it runs; taken over when it expires.
    Running,
    /// Its outputs could not be written: tried again after a backoff, by any worker.
    Waiting,
    /// Its outputs are written.
    Done,
    /// The recording itself cannot be processed, or killed its workers too often.
    Failed,
}

impl JobState {
    /// In the order a job goes through them, as `status` lists them.
    pub const ALL: [JobState; 5] =
        [JobState::Queued, JobState::Running, JobState::Waiting, JobState::Done, JobState::Failed];

    /// As stored in `jobs.state` and shown by `status`.
    pub fn name(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Waiting => "waiting",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.name() == name)
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A job as the database has it.
#[derive(Debug, Clone)]
pub struct Job {
    /// The database's key for it, in queueing order.
    pub id: i64,
    /// The recording's content: one job per content, whatever names it has.
    pub sha256: ContentHash,
    /// The recording, relative to the inbox, as the worker that queued it found it.
    pub path: String,
    /// Where it is.
    pub state: JobState,
    /// The worker holding it (running) or that held it last.
    pub worker: Option<String>,
    /// Times it was claimed.
    pub attempts: i32,
    /// Why it failed, or why it waits.
    pub error: Option<String>,
    /// Files written, relative to the output folder.
    pub outputs: Vec<String>,
    /// How long the processing that finished it took; `None` until it is done.
    pub elapsed_ms: Option<i64>,
    /// When it was first seen, on the database's clock.
    pub queued_at: SystemTime,
    /// When it last changed state.
    pub updated_at: SystemTime,
}

const JOB_COLUMNS: &str =
    "id, sha256, path, state, worker, attempts, error, outputs, elapsed_ms, queued_at, updated_at";

impl Job {
    fn from_row(connection: &Connection, row: &Row) -> Result<Self> {
        let sha256: String = row.get("sha256");
        let state: String = row.get("state");
        let outputs: serde_json::Value = row.get("outputs");
        let outputs = serde_json::from_value(outputs.clone())
            .map_err(|_| connection.corrupt("jobs.outputs", outputs.to_string()))?;
        Ok(Job {
            id: row.get("id"),
            sha256: ContentHash::parse(&sha256).map_err(|_| connection.corrupt("jobs.sha256", sha256.clone()))?,
            path: row.get("path"),
            state: JobState::from_name(&state).ok_or_else(|| connection.corrupt("jobs.state", state.clone()))?,
            worker: row.get("worker"),
            attempts: row.get("attempts"),
            error: row.get("error"),
            outputs,
            elapsed_ms: row.get("elapsed_ms"),
            queued_at: row.get("queued_at"),
            updated_at: row.get("updated_at"),
        })
    }
}

/// Who queued a job, which decides who may claim it: see `migrations/V3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueuedBy {
    Watch,
    Process,
}

impl QueuedBy {
    /// As stored in `jobs.queued_by`.
    fn name(self) -> &'static str {
        match self {
            QueuedBy::Watch => "watch",
            QueuedBy::Process => "process",
        }
    }
}

/// What queueing a recording did.
#[derive(Debug)]
pub enum Enqueued {
    /// New content: queued for the first worker that claims it.
    New,
    /// This content already has a job (under this or another name), in whatever state.
    Seen(Job),
}

/// One claim of a job by one worker: the job's id and which attempt this is. Only the worker
/// that made the claim holds it, and [`crate::Worker::finish`] consumes it, so a claim is
/// finished at most once by its holder, and not at all once another worker took the job over.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Lease {
    pub(crate) job_id: i64,
    pub(crate) attempt: i32,
    pub(crate) sha256: ContentHash,
}

impl Lease {
    /// The claimed job's content, which keys the handoff stored for it.
    pub fn sha256(&self) -> &ContentHash {
        &self.sha256
    }

    /// Which claim of the job this is: 1 for the first.
    pub fn attempt(&self) -> i32 {
        self.attempt
    }
}

/// A job this worker now holds.
#[derive(Debug)]
pub struct Claimed {
    /// The claim, to renew (the heartbeat does) and to finish with.
    pub lease: Lease,
    /// The recording, relative to the inbox.
    pub path: String,
    /// The worker whose lease expired while it ran this job (it died or lost the database).
    pub taken_over_from: Option<String>,
}

/// How a claimed job ended.
#[derive(Debug, Clone)]
pub enum Finish {
    /// Processed; the handoff is stored separately.
    Done {
        /// Files written, relative to the output folder, for `status` to show.
        outputs: Vec<String>,
        /// Time spent on it, for the team's throughput.
        elapsed: Duration,
    },
    /// The recording cannot be processed; the same content is not tried again.
    Failed {
        /// Why, as the worker logged it.
        error: String,
    },
    /// The outputs could not be written; any worker tries again after `retry_in`.
    Waiting {
        /// Why, as the worker logged it.
        error: String,
        /// The backoff: later and later, so a full disk is not hammered.
        retry_in: Duration,
    },
}

impl Finish {
    fn state(&self) -> JobState {
        match self {
            Finish::Done { .. } => JobState::Done,
            Finish::Failed { .. } => JobState::Failed,
            Finish::Waiting { .. } => JobState::Waiting,
        }
    }
}

/// How many jobs are in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueCounts(pub std::collections::BTreeMap<JobState, i64>);

impl QueueCounts {
    /// 0 for a state no job is in, which the database's GROUP BY leaves out.
    pub fn get(&self, state: JobState) -> i64 {
        self.0.get(&state).copied().unwrap_or(0)
    }
}

impl Connection {
    /// Queues the recording with content `sha256` found at `path` (relative to the inbox) for
    /// any watcher, unless that content already has a job: two names for the same content are
    /// one job, whichever worker sees which name first. A job a `process` run queued becomes
    /// the watchers' with this path, so they can take it over should that run die.
    pub fn enqueue(&mut self, sha256: &ContentHash, path: &str) -> Result<Enqueued> {
        self.enqueue_by(sha256, path, QueuedBy::Watch)
    }

    /// Queues a recording a `process` run was given, at `path` relative to that run's folder:
    /// only a run given the same content claims it ([`crate::Worker::claim_among`]).
    pub fn enqueue_from_process(&mut self, sha256: &ContentHash, path: &str) -> Result<Enqueued> {
        self.enqueue_by(sha256, path, QueuedBy::Process)
    }

    fn enqueue_by(&mut self, sha256: &ContentHash, path: &str, queued_by: QueuedBy) -> Result<Enqueued> {
        let queued_by = queued_by.name();
        let row = self.run("queueing a recording", |client| {
            // DO NOTHING returns no row on a conflict; the statements after it read the job that
            // won. Repeating them after a lost reply is harmless: the job is then `Seen`.
            let inserted = client.query_opt(
                "INSERT INTO jobs (sha256, path, queued_by) VALUES ($1, $2, $3) \
                 ON CONFLICT (sha256) DO NOTHING RETURNING id",
                &[&sha256.as_str(), &path, &queued_by],
            )?;
            if inserted.is_some() {
                return Ok(None);
            }
            if queued_by == QueuedBy::Watch.name() {
                client.execute(
                    "UPDATE jobs SET path = $2, queued_by = 'watch' WHERE sha256 = $1 AND queued_by = 'process'",
                    &[&sha256.as_str(), &path],
                )?;
            }
            client
                .query_one(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE sha256 = $1"), &[&sha256.as_str()])
                .map(Some)
        })?;
        match row {
            None => Ok(Enqueued::New),
            Some(row) => Ok(Enqueued::Seen(Job::from_row(self, &row)?)),
        }
    }

    /// Queues the finished job of `sha256` again (`process --force`), unless it changed since
    /// `worker`'s `session` registered: a run going on now finished it, and doing it again would
    /// do it twice for one request. Returns whether it was queued again.
    pub(crate) fn redo(&mut self, sha256: &ContentHash, worker: &str, session: i64) -> Result<bool> {
        let requeued = self.run("queueing a job again", |client| {
            client.execute(
                "UPDATE jobs SET state = 'queued', error = NULL, retry_at = NULL, abandoned = 0, updated_at = now() \
                 WHERE sha256 = $1 AND state IN ('done', 'failed') \
                     AND updated_at < (SELECT started_at FROM workers WHERE name = $2 AND session = $3)",
                &[&sha256.as_str(), &worker, &session],
            )
        })?;
        Ok(requeued == 1)
    }

    /// The jobs of these contents, those that have one.
    pub fn jobs_among(&mut self, among: &[ContentHash]) -> Result<Vec<Job>> {
        let hashes: Vec<&str> = among.iter().map(ContentHash::as_str).collect();
        let rows = self.run("reading jobs", |client| {
            client.query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE sha256 = ANY($1)"), &[&hashes])
        })?;
        rows.iter().map(|row| Job::from_row(self, row)).collect()
    }

    /// Every unfinished job and the `finished_limit` latest finished ones, newest change first.
    pub fn jobs(&mut self, finished_limit: i64) -> Result<Vec<Job>> {
        let rows = self.run("listing jobs", |client| {
            client.query(
                &format!(
                    "(SELECT {JOB_COLUMNS} FROM jobs WHERE state IN ('queued', 'running', 'waiting')) \
                     UNION ALL \
                     (SELECT {JOB_COLUMNS} FROM jobs WHERE state IN ('done', 'failed') \
                      ORDER BY updated_at DESC LIMIT $1) \
                     ORDER BY updated_at DESC, id DESC"
                ),
                &[&finished_limit],
            )
        })?;
        rows.iter().map(|row| Job::from_row(self, row)).collect()
    }

    /// One job, by content.
    pub fn job(&mut self, sha256: &ContentHash) -> Result<Option<Job>> {
        let row = self.run("reading a job", |client| {
            client.query_opt(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE sha256 = $1"), &[&sha256.as_str()])
        })?;
        row.map(|row| Job::from_row(self, &row)).transpose()
    }

    /// How many jobs are in each state, for `status`'s summary line.
    pub fn counts(&mut self) -> Result<QueueCounts> {
        let rows =
            self.run("counting jobs", |client| client.query("SELECT state, count(*) FROM jobs GROUP BY state", &[]))?;
        let mut counts = QueueCounts::default();
        for row in rows {
            let state: String = row.get(0);
            let state = JobState::from_name(&state).ok_or_else(|| self.corrupt("jobs.state", state.clone()))?;
            counts.0.insert(state, row.get(1));
        }
        Ok(counts)
    }

    /// Takes the oldest job that is queued, due for a retry, or whose lease expired, for
    /// `worker`, until `lease` from now (on the database's clock): among the watchers' jobs, or
    /// among the jobs of these contents (whoever queued them).
    pub(crate) fn claim(
        &mut self,
        worker: &str,
        lease: Duration,
        among: Option<&[ContentHash]>,
    ) -> Result<Option<Claimed>> {
        let lease_seconds = lease.as_secs_f64();
        let among: Option<Vec<&str>> = among.map(|among| among.iter().map(ContentHash::as_str).collect());
        let abandoned_error = format!(
            "{MAX_ABANDONED} workers stopped while processing this recording (killed, or crashed on it); \
             it is not tried again: check that it plays, then drop a fixed copy into the inbox"
        );
        let row = self.run("claiming a job", |client| {
            client.execute(
                "UPDATE jobs SET state = 'failed', error = $2, lease_until = NULL, updated_at = now() \
                 WHERE state = 'running' AND lease_until < now() AND abandoned + 1 >= $1",
                &[&MAX_ABANDONED, &abandoned_error],
            )?;
            // SKIP LOCKED: workers claiming at once each get a different job, none waits on
            // another's. A lost reply leaves the job running under a lease nobody renews: it is
            // taken over once that expires, so it is delayed, never lost.
            client.query_opt(
                "WITH next AS ( \
                     SELECT id, state AS was, worker AS held_by FROM jobs \
                     WHERE (state = 'queued' \
                        OR (state = 'waiting' AND retry_at <= now()) \
                        OR (state = 'running' AND lease_until < now())) \
                     AND CASE WHEN $3::text[] IS NULL THEN queued_by = 'watch' ELSE sha256 = ANY($3) END \
                     ORDER BY queued_at, id LIMIT 1 \
                     FOR UPDATE SKIP LOCKED) \
                 UPDATE jobs SET state = 'running', worker = $1, attempts = attempts + 1, \
                     abandoned = abandoned + (next.was = 'running')::int, \
                     lease_until = now() + make_interval(secs => $2), retry_at = NULL, error = NULL, \
                     updated_at = now() \
                 FROM next WHERE jobs.id = next.id \
                 RETURNING jobs.id, jobs.sha256, jobs.path, jobs.attempts, next.was, next.held_by",
                &[&worker, &lease_seconds, &among],
            )
        })?;
        let Some(row) = row else { return Ok(None) };
        let sha256: String = row.get("sha256");
        let was: String = row.get("was");
        Ok(Some(Claimed {
            lease: Lease {
                job_id: row.get("id"),
                attempt: row.get("attempts"),
                sha256: ContentHash::parse(&sha256).map_err(|_| self.corrupt("jobs.sha256", sha256.clone()))?,
            },
            path: row.get("path"),
            taken_over_from: (was == "running").then(|| row.get("held_by")),
        }))
    }

    /// Moves the job of `lease` to its final (or waiting) state if the lease is still this
    /// worker's; [`Error::LeaseLost`] if another worker took it over meanwhile.
    pub(crate) fn finish(&mut self, worker: &str, lease: &Lease, finish: &Finish) -> Result<()> {
        let state = finish.state().name();
        let (outputs, elapsed_ms, error, retry_seconds) = match finish {
            Finish::Done { outputs, elapsed } => {
                (serde_json::json!(outputs), Some(elapsed.as_millis() as i64), None, None)
            }
            Finish::Failed { error } => (serde_json::json!([]), None, Some(error.as_str()), None),
            Finish::Waiting { error, retry_in } => {
                (serde_json::json!([]), None, Some(error.as_str()), Some(retry_in.as_secs_f64()))
            }
        };
        let row = self.run("finishing a job", |client| {
            // `attempts` names the claim: a job taken over has a higher one. The lease time
            // itself is not checked: a late finish nobody took over is still the only one.
            let updated = client.execute(
                "UPDATE jobs SET state = $4, lease_until = NULL, \
                     retry_at = now() + make_interval(secs => $5), \
                     error = $6, outputs = $7, elapsed_ms = $8, updated_at = now() \
                 WHERE id = $1 AND attempts = $2 AND worker = $3 AND state = 'running'",
                &[&lease.job_id, &lease.attempt, &worker, &state, &retry_seconds, &error, &outputs, &elapsed_ms],
            )?;
            match updated {
                1 => Ok(None),
                _ => client
                    .query_one("SELECT state, worker, attempts FROM jobs WHERE id = $1", &[&lease.job_id])
                    .map(Some),
            }
        })?;
        let Some(row) = row else { return Ok(()) };
        let (now_state, holder, attempts): (String, Option<String>, i32) = (row.get(0), row.get(1), row.get(2));
        // Our own update, committed before a lost reply and repeated after the reconnect.
        if now_state == state && holder.as_deref() == Some(worker) && attempts == lease.attempt {
            return Ok(());
        }
        let now_state = JobState::from_name(&now_state).ok_or_else(|| self.corrupt("jobs.state", now_state.clone()))?;
        Err(Error::LeaseLost { sha256: lease.sha256.to_string(), state: now_state, holder })
    }

    /// Pushes the leases of `held` (this worker's claims) `lease` into the future; returns the
    /// job ids whose lease is no longer this worker's.
    pub(crate) fn renew(&mut self, worker: &str, held: &[(i64, i32)], lease: Duration) -> Result<Vec<i64>> {
        let (ids, attempts): (Vec<i64>, Vec<i32>) = held.iter().copied().unzip();
        let renewed = self.run("renewing leases", |client| {
            client.query(
                "UPDATE jobs SET lease_until = now() + make_interval(secs => $4) \
                 FROM unnest($1::bigint[], $2::integer[]) AS held (id, attempt) \
                 WHERE jobs.id = held.id AND jobs.attempts = held.attempt AND jobs.worker = $3 \
                     AND jobs.state = 'running' \
                 RETURNING jobs.id",
                &[&ids, &attempts, &worker, &lease.as_secs_f64()],
            )
        })?;
        let renewed: Vec<i64> = renewed.iter().map(|row| row.get(0)).collect();
        Ok(ids.into_iter().filter(|id| !renewed.contains(id)).collect())
    }
}
