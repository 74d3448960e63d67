//! Workers: who is processing what, and the heartbeat that keeps their leases.

use crate::db::{Backoff, Connection, Database};
use crate::handoffs::{HandoffRecord, StoredHandoff};
use crate::queue::{Claimed, ContentHash, Enqueued, Finish, Job, Lease};
use crate::{Error, Result};
use std::collections::HashMap;
use std::fmt;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

/// A worker's name in the team: shown by `status`, and one live process per name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerName(String);

impl WorkerName {
    const MAX_CHARS: usize = 64;

    /// `--worker`'s value, refused when `status` could not show it in its table.
    pub fn parse(name: &str) -> Result<Self> {
        let valid =
            !name.trim().is_empty() && name.chars().count() <= Self::MAX_CHARS && !name.chars().any(char::is_control);
        match valid {
            true => Ok(Self(name.to_string())),
            false => Err(Error::BadWorkerName(name.to_string())),
        }
    }

    /// This machine's host name: one worker per machine needs no name of its own.
    pub fn of_this_host() -> Self {
        let host = host_name();
        let name: String = host.chars().filter(|c| !c.is_control()).take(Self::MAX_CHARS).collect();
        Self::parse(&name).unwrap_or_else(|_| Self("worker".to_string()))
    }

    /// As stored in `workers.name`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WorkerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn host_name() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

/// Whether a worker is alive, as far as its heartbeats tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerState {
    /// Heartbeat within its lease.
    Running,
    /// Stopped cleanly.
    Stopped,
    /// No heartbeat for longer than its lease: killed, crashed, or its machine is gone. Its jobs
    /// are taken over by the others.
    Gone,
}

impl WorkerState {
    /// As `status` shows it.
    pub fn name(self) -> &'static str {
        match self {
            WorkerState::Running => "running",
            WorkerState::Stopped => "stopped",
            WorkerState::Gone => "gone",
        }
    }
}

/// A worker as `status` shows it.
#[derive(Debug, Clone)]
pub struct WorkerInfo {
    /// Its `--worker` name.
    pub name: String,
    /// The machine it runs on, to find it when it is gone.
    pub host: String,
    /// Its process id on that machine.
    pub pid: i32,
    /// When this run of it registered.
    pub started_at: SystemTime,
    /// Its last lease renewal.
    pub last_heartbeat: SystemTime,
    /// On the database's clock, so a worker's clock being off does not show it as gone.
    pub heartbeat_age: Duration,
    /// Running, stopped or gone, judged from the heartbeat's age against its lease.
    pub state: WorkerState,
    /// The recordings it holds a lease on (relative to the inbox): the files it is processing.
    pub current: Vec<String>,
}

impl Connection {
    /// Every worker that ever registered, by name.
    pub fn workers(&mut self) -> Result<Vec<WorkerInfo>> {
        let rows = self.run("listing workers", |client| {
            client.query(
                "SELECT w.name, w.host, w.pid, w.started_at, w.last_heartbeat, \
                     extract(epoch FROM now() - w.last_heartbeat)::float8 AS age, \
                     w.stopped_at IS NOT NULL AS stopped, w.lease_ms, \
                     coalesce(array_agg(j.path ORDER BY j.path) FILTER (WHERE j.id IS NOT NULL), '{}') AS current \
                 FROM workers w LEFT JOIN jobs j ON j.worker = w.name AND j.state = 'running' \
                 GROUP BY w.name ORDER BY w.name",
                &[],
            )
        })?;
        Ok(rows
            .iter()
            .map(|row| {
                let age = Duration::from_secs_f64(row.get::<_, f64>("age").max(0.0));
                let lease = Duration::from_millis(row.get::<_, i64>("lease_ms").unsigned_abs());
                let state = match row.get("stopped") {
                    true => WorkerState::Stopped,
                    false if age > lease => WorkerState::Gone,
                    false => WorkerState::Running,
                };
                WorkerInfo {
                    name: row.get("name"),
                    host: row.get("host"),
                    pid: row.get("pid"),
                    started_at: row.get("started_at"),
                    last_heartbeat: row.get("last_heartbeat"),
                    heartbeat_age: age,
                    state,
                    current: row.get("current"),
                }
            })
            .collect())
    }
}

/// Claims held by this worker process: job id → attempt. The heartbeat renews them.
type Held = Arc<Mutex<HashMap<i64, i32>>>;

/// This process as a worker of the team: claims jobs, finishes them, and (with its
/// [`Heartbeat`] running) keeps their leases. Shared by the process's threads.
pub struct Worker {
    name: WorkerName,
    session: i64,
    started_at: SystemTime,
    lease: Duration,
    database: Database,
    connection: Mutex<Connection>,
    held: Held,
}

impl Worker {
    /// Registers `name`, refused while another live process has it. Jobs are held for `lease`
    /// past each heartbeat; start the heartbeat with [`Worker::heartbeat`].
    pub fn register(database: &Database, name: WorkerName, lease: Duration) -> Result<Self> {
        let mut connection = database.connect();
        let (host, pid) = (host_name(), std::process::id() as i32);
        let lease_ms = lease.as_millis() as i64;
        let (session, started_at) = connection.run("registering the worker", |client| {
            // Taken over only from a stopped or silent worker, or from this very process (a
            // lost reply repeated); the conflict's row is read back to say who has the name.
            let row = client.query_opt(
                "INSERT INTO workers (name, host, pid, session, lease_ms) \
                 VALUES ($1, $2, $3, nextval('worker_sessions'), $4) \
                 ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, \
                     session = excluded.session, lease_ms = excluded.lease_ms, started_at = now(), \
                     last_heartbeat = now(), stopped_at = NULL \
                 WHERE workers.stopped_at IS NOT NULL \
                     OR workers.last_heartbeat + make_interval(secs => workers.lease_ms / 1000.0) < now() \
                     OR (workers.host = excluded.host AND workers.pid = excluded.pid) \
                 RETURNING session, started_at",
                &[&name.as_str(), &host, &pid, &lease_ms],
            )?;
            match row {
                Some(row) => Ok(Ok((row.get::<_, i64>(0), row.get::<_, SystemTime>(1)))),
                None => client
                    .query_one(
                        "SELECT host, pid, extract(epoch FROM now() - last_heartbeat)::float8 \
                         FROM workers WHERE name = $1",
                        &[&name.as_str()],
                    )
                    .map(|row| {
                        Err(Error::WorkerNameInUse {
                            name: name.to_string(),
                            host: row.get(0),
                            pid: row.get(1),
                            heartbeat_age: Duration::from_secs_f64(row.get::<_, f64>(2).max(0.0)),
                        })
                    }),
            }
        })??;
        Ok(Self {
            name,
            session,
            started_at,
            lease,
            database: database.clone(),
            connection: Mutex::new(connection),
            held: Held::default(),
        })
    }

    /// This worker's name, for the log.
    pub fn name(&self) -> &WorkerName {
        &self.name
    }

    /// When this run of the worker registered, on the database's clock: a job finished before
    /// it was finished before this run began.
    pub fn started_at(&self) -> SystemTime {
        self.started_at
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // Only a panic inside a database call poisons it; the connection is then just redone.
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<i64, i32>> {
        self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// See [`Connection::enqueue`].
    pub fn enqueue(&self, sha256: &ContentHash, path: &str) -> Result<Enqueued> {
        self.connection().enqueue(sha256, path)
    }

    /// See [`Connection::enqueue_from_process`].
    pub fn enqueue_from_process(&self, sha256: &ContentHash, path: &str) -> Result<Enqueued> {
        self.connection().enqueue_from_process(sha256, path)
    }

    /// Queues the finished job of `sha256` again, unless it was finished since this worker
    /// registered (by a run going on now): a `process --force` redoes each recording once,
    /// however many runs are forced at the same time. Returns whether it was queued again.
    pub fn redo(&self, sha256: &ContentHash) -> Result<bool> {
        self.connection().redo(sha256, self.name.as_str(), self.session)
    }

    /// See [`Connection::jobs_among`].
    pub fn jobs_among(&self, among: &[ContentHash]) -> Result<Vec<Job>> {
        self.connection().jobs_among(among)
    }

    /// See [`Connection::handoffs_among`].
    pub fn handoffs_among(&self, among: &[ContentHash]) -> Result<Vec<StoredHandoff>> {
        self.connection().handoffs_among(among)
    }

    /// See [`Connection::reserve_output_name`].
    pub fn reserve_output_name(&self, name: &str, sha256: &ContentHash) -> Result<bool> {
        self.connection().reserve_output_name(name, sha256)
    }

    /// See [`Connection::store_handoff`].
    pub fn store_handoff(&self, record: &HandoffRecord) -> Result<()> {
        self.connection().store_handoff(record)
    }

    /// The next job for this worker, if there is one: queued by a watcher, due for a retry, or
    /// left by a worker whose lease expired.
    pub fn claim(&self) -> Result<Option<Claimed>> {
        self.claim_from(None)
    }

    /// Like [`Worker::claim`], but only the jobs of these contents, whoever queued them: a
    /// `process` run takes the recordings it was given, and no other.
    pub fn claim_among(&self, among: &[ContentHash]) -> Result<Option<Claimed>> {
        self.claim_from(Some(among))
    }

    fn claim_from(&self, among: Option<&[ContentHash]>) -> Result<Option<Claimed>> {
        let claimed = self.connection().claim(self.name.as_str(), self.lease, among)?;
        if let Some(claimed) = &claimed {
            self.held().insert(claimed.lease.job_id, claimed.lease.attempt);
        }
        Ok(claimed)
    }

    /// Records how the job of `lease` ended, if the lease is still this worker's; otherwise
    /// [`Error::LeaseLost`] and nothing is recorded: the worker that took it over finishes it.
    pub fn finish(&self, lease: Lease, finish: Finish) -> Result<()> {
        let result = self.connection().finish(self.name.as_str(), &lease, &finish);
        self.held().remove(&lease.job_id);
        result
    }

    /// Starts renewing this worker's leases and heartbeat every third of the lease, on a
    /// connection of its own, until the returned [`Heartbeat`] is dropped. A worker without a
    /// running heartbeat loses each job it claims once the lease runs out.
    pub fn heartbeat(&self) -> Heartbeat {
        let (stop, stopped) = mpsc::channel::<()>();
        let every = self.lease / 3;
        // A heartbeat that cannot get through within a lease has lost the leases anyway: it
        // stops waiting, says so, and tries again at the next beat.
        let backoff = Backoff { give_up_after: Some(self.lease), ..Backoff::PATIENT };
        let mut connection = self.database.connect_with(backoff);
        let (name, session, lease, held) = (self.name.clone(), self.session, self.lease, Arc::clone(&self.held));
        let database = self.database.clone();
        let thread = std::thread::spawn(move || loop {
            match stopped.recv_timeout(every) {
                Err(RecvTimeoutError::Timeout) => {}
                Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
            }
            let claims: Vec<(i64, i32)> = held
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .iter()
                .map(|(id, at)| (*id, *at))
                .collect();
            let beat = connection
                .run("the worker's heartbeat", |client| {
                    client.execute(
                        "UPDATE workers SET last_heartbeat = now() WHERE name = $1 AND session = $2",
                        &[&name.as_str(), &session],
                    )
                })
                .and_then(|_| match claims.is_empty() {
                    true => Ok(Vec::new()),
                    false => connection.renew(name.as_str(), &claims, lease),
                });
            match beat {
                // Taken over already: `finish` will say so; renewing them is pointless.
                Ok(lost) => {
                    let mut held = held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    held.retain(|id, _| !lost.contains(id));
                }
                Err(error) => database.notify(&format!("heartbeat of worker {name}: {error}")),
            }
        });
        Heartbeat { stop: Some(stop), thread: Some(thread) }
    }

    /// Marks this worker stopped (a clean exit), so `status` does not show it as gone.
    pub fn stop(self) -> Result<()> {
        self.connection().run("marking the worker stopped", |client| {
            client.execute(
                "UPDATE workers SET stopped_at = now() WHERE name = $1 AND session = $2",
                &[&self.name.as_str(), &self.session],
            )
        })?;
        Ok(())
    }
}

/// The thread renewing a worker's leases; stops (and is joined) when dropped.
pub struct Heartbeat {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // A panic in the heartbeat thread was already printed; nothing more to do here.
            let _ = thread.join();
        }
    }
}
