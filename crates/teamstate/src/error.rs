use crate::queue::JobState;
use std::time::Duration;

/// What went wrong, naming the database by its URL without the password.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{url} is not a PostgreSQL URL ({source}); expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")]
    BadUrl { url: String, source: postgres::Error },

    #[error(
        "cannot reach the database at {url} (tried for {}s): {source}. Check that PostgreSQL is \
         running and accepts connections from this machine (listen_addresses, pg_hba.conf)",
        waited.as_secs()
    )]
    Unreachable { url: String, waited: Duration, source: postgres::Error },

    #[error("the database at {url} refused {what}: {source}{}", hint(source))]
    Refused { url: String, what: &'static str, source: postgres::Error },

    #[error(
        "the database at {url}: bringing the schema up to date failed: {source}. If another \
         handoff version migrated it, upgrade handoff on this machine to the same version"
    )]
    Migration { url: String, source: Box<refinery::Error> },

    #[error(
        "a worker named {name:?} is already running (host {host}, pid {pid}, last heartbeat {}s ago); \
         give this one another --worker name, or wait for that one's lease to run out if it is gone",
        heartbeat_age.as_secs()
    )]
    WorkerNameInUse { name: String, host: String, pid: i32, heartbeat_age: Duration },

    #[error(
        "{sha256}: this worker's lease on the job was lost: it is now {state} ({holder}). Another \
         worker took it over after this one stopped heartbeating for longer than the lease; its \
         result counts, this one's is dropped",
        holder = holder.as_deref().map_or_else(|| "no worker".to_string(), |holder| format!("worker {holder}"))
    )]
    LeaseLost { sha256: String, state: JobState, holder: Option<String> },

    #[error("{0:?} is not a sha256 content hash (64 lowercase hexadecimal digits)")]
    BadHash(String),

    #[error("{0:?} cannot be a worker name: use 1 to 64 characters, no control characters")]
    BadWorkerName(String),

    #[error(
        "the database at {url} holds {value:?} in {column}, which handoff never writes; the tables \
         were changed by something else: fix or remove that row"
    )]
    Corrupt { url: String, column: &'static str, value: String },
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
