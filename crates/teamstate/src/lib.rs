//! A sales team's shared state in PostgreSQL, for many `handoff watch` workers on many machines
//! over one shared folder: the job queue (one job per recording content), the workers and their
//! heartbeats, the handoffs and the SDRs' review corrections.
//!
//! Exactly once: a job is claimed with `SELECT ... FOR UPDATE SKIP LOCKED` and held under a
//! lease that a heartbeat thread renews. A worker that dies stops renewing, its lease expires and
//! another worker takes the job over; finishing checks that the lease is still the finisher's, so
//! a job is finished once even when two workers ended up processing it. Leases are measured on
//! the database's clock, so the workers' clocks do not matter.
//!
//! A `process` run is a worker too: it queues the recordings it was given and claims only
//! those, so runs on several machines over one folder share it. Output names are reserved here
//! as well (`call`, then `call-<hash>` for another recording named `call`), so workers writing
//! into one folder at once never overwrite each other's outputs.
//!
//! Every operation reconnects with backoff when the connection is lost (the database restarted,
//! the network dropped) and is safe to repeat after a reconnect. The schema is versioned
//! (`migrations/`) and brought up to date by [`Database::open`].

#![warn(missing_docs)]

mod db;
mod error;
mod handoffs;
mod names;
mod queue;
mod workers;

#[cfg(feature = "test-cluster")]
mod cluster;

#[cfg(feature = "test-cluster")]
pub use cluster::TestCluster;
pub use db::{Backoff, Connection, Database, DbUrl, Notice};
pub use error::Error;
pub use handoffs::{HandoffRecord, HandoffStatus, ReviewRecord, StoredHandoff};
pub use queue::{Claimed, ContentHash, Enqueued, Finish, Job, JobState, Lease, QueueCounts};
pub use workers::{Heartbeat, Worker, WorkerInfo, WorkerName, WorkerState};

/// Every operation here fails with the one [`Error`], whose messages name the database.
pub type Result<T, E = Error> = std::result::Result<T, E>;
