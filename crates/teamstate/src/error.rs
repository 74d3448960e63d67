use crate::queue::JobState;
use std::time::Duration;

/// What went wrong, naming the database by its URL without the password.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `--state` cannot be parsed; nothing was tried.
    #[error("{url} is not a PostgreSQL URL ({cause}); expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")]
    BadUrl {
        /// The URL as given, password hidden.
        url: String,
        /// The parser's reason.
        cause: postgres::Error,
    },

    /// The connection kept failing for longer than the backoff allows (interactive commands).
    #[error(
        "cannot reach the database at {url} (tried for {}s): {cause}. Check that PostgreSQL is \
         running and accepts connections from this machine (listen_addresses, pg_hba.conf)",
        waited.as_secs()
    )]
    Unreachable {
        /// The database, password hidden.
        url: String,
        /// How long it was tried.
        waited: Duration,
        /// The last failure.
        cause: postgres::Error,
    },

    /// The database answered with an error: trying again would not help.
    #[error("the database at {url} refused {what}: {cause}{}", hint(cause))]
    Refused {
        /// The database, password hidden.
        url: String,
        /// The operation, for the message.
        what: &'static str,
        /// PostgreSQL's error, whose SQL state picks the hint.
        cause: postgres::Error,
    },

    /// The schema could not be brought up to date, most often because a newer handoff changed it.
    #[error(
        "the database at {url}: bringing the schema up to date failed: {cause}. If another \
         handoff version migrated it, upgrade handoff on this machine to the same version"
    )]
    Migration {
        /// The database, password hidden.
        url: String,
        /// refinery's error; boxed, being large.
        cause: Box<refinery::Error>,
    },

    /// Another live process holds this worker name: two would confuse `status` and each other's
    /// leases.
    #[error(
        "a worker named {name:?} is already running (host {host}, pid {pid}, last heartbeat {}s ago); \
         give this one another --worker name, or wait for that one's lease to run out if it is gone",
        heartbeat_age.as_secs()
    )]
    WorkerNameInUse {
        /// The name asked for.
        name: String,
        /// Where the holder runs.
        host: String,
        /// The holder's process id there.
        pid: i32,
        /// Since the holder last renewed: a large one suggests it is gone.
        heartbeat_age: Duration,
    },

    /// The job was taken over while this worker still ran it; its result is dropped so the job
    /// is finished once.
    #[error(
        "{sha256}: this worker's lease on the job was lost: it is now {state} ({holder}). Another \
         worker took it over after this one stopped heartbeating for longer than the lease; its \
         result counts, this one's is dropped",
        holder = holder.as_deref().map_or_else(|| "no worker".to_string(), |holder| format!("worker {holder}"))
    )]
    LeaseLost {
        /// The job's content hash.
        sha256: String,
        /// The job's state now.
        state: JobState,
        /// The worker holding it now, if any.
        holder: Option<String>,
    },

    /// A job key that is not a content hash: a caller bug or a hand-edited row.
    #[error("{0:?} is not a sha256 content hash (64 lowercase hexadecimal digits)")]
    BadHash(String),

    /// A worker name that is empty, over 64 characters or holds control characters: `status`
    /// shows names in a table.
    #[error("{0:?} cannot be a worker name: use 1 to 64 characters, no control characters")]
    BadWorkerName(String),

    /// A value handoff never writes: refused rather than guessed at.
    #[error(
        "the database at {url} holds {value:?} in {column}, which handoff never writes; the tables \
         were changed by something else: fix or remove that row"
    )]
    Corrupt {
        /// The database, password hidden.
        url: String,
        /// `table.column`.
        column: &'static str,
        /// The value found.
        value: String,
    },
}

/// What the person can do about the errors that are not the network's.
fn hint(error: &postgres::Error) -> &'static str {
    use postgres::error::SqlState;
    match error.code() {
        Some(code) if *code == SqlState::INVALID_PASSWORD || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            ". Check the user and password in the URL, and pg_hba.conf"
        }
        Some(code) if *code == SqlState::INVALID_CATALOG_NAME => {
            ". Create the database first (createdb), or name an existing one in the URL"
        }
        Some(code) if *code == SqlState::INSUFFICIENT_PRIVILEGE => {
            ". The user needs to own the database (or be granted CREATE on it) so the tables can be made"
        }
        _ => "",
    }
}
