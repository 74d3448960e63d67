//! Connections that survive the database restarting, and the schema brought up to date.

use crate::{Error, Result};
use postgres::config::Host;
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// Any fixed number: it only has to differ from the other advisory locks taken in the database.
const MIGRATION_LOCK: i64 = 0x68616e646f6666; // "handoff"

/// A way to the database, and how to show it: never with its password.
#[derive(Clone)]
pub struct DbUrl {
    config: Config,
    shown: String,
}

impl DbUrl {
    /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE`, or libpq's `host=... dbname=...` form.
    pub fn parse(url: &str) -> Result<Self> {
        let mut config = Config::from_str(url).map_err(|cause| Error::BadUrl { url: redact(url), cause })?;
        // A machine that is gone must not hang a worker: connecting fails, and is retried.
        config.connect_timeout(Duration::from_secs(10));
        config.keepalives_idle(Duration::from_secs(30));
        if config.get_application_name().is_none() {
            config.application_name("handoff");
        }
        let shown = shown(&config);
        Ok(Self { config, shown })
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({})", self.shown)
    }
}

/// `postgres://user@host:port/db`, from what was parsed, so no password can slip through.
fn shown(config: &Config) -> String {
    let user = config.get_user().map(|user| format!("{user}@")).unwrap_or_default();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(index, host)| {
            let name = match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(index).or(config.get_ports().first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let db = config.get_dbname().unwrap_or("");
    format!("postgres://{user}{}/{db}", hosts.join(","))
}

/// A URL that did not parse, shown without what may be its password: `user:***@`, `password=***`.
fn redact(url: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            if let Some(colon) = rest[..at].find(':') {
                return format!("{}{}:***{}", &url[..scheme_end + 3], &rest[..colon], &rest[at..]);
            }
        }
        return url.to_string();
    }
    url.split_whitespace()
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How long to wait between tries after the connection is lost: doubling from `first` to `max`,
/// and giving up after `give_up_after` (never, when `None`: a worker outlives a database restart).
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Short, as most losses are a blip or a quick restart.
    pub first: Duration,
    /// So an outage of hours is still noticed within this of the database coming back.
    pub max: Duration,
    /// For a person waiting: an error they can act on beats waiting forever.
    pub give_up_after: Option<Duration>,
}

impl Backoff {
    /// For long-running workers: a restart or an outage of any length is waited out.
    pub const PATIENT: Backoff =
        Backoff { first: Duration::from_millis(100), max: Duration::from_secs(5), give_up_after: None };
    /// For commands a person waits on (`status`, `report`): say so after half a minute.
    pub const INTERACTIVE: Backoff = Backoff {
        first: Duration::from_millis(100),
        max: Duration::from_secs(2),
        give_up_after: Some(Duration::from_secs(30)),
    };
}

/// Told about each lost connection and the wait before the next try, for the log.
pub type Notice = Arc<dyn Fn(&str) + Send + Sync>;

/// The database of a team, with its schema up to date; hands out connections.
#[derive(Clone)]
pub struct Database {
    url: Arc<DbUrl>,
    backoff: Backoff,
    notice: Option<Notice>,
}

impl Database {
    /// Connects (waiting per `backoff` while the database is unreachable) and applies the
    /// migrations it does not have yet. Several workers starting at once apply them once.
    pub fn open(url: &str, backoff: Backoff, notice: Option<Notice>) -> Result<Self> {
        let database = Self { url: Arc::new(DbUrl::parse(url)?), backoff, notice };
        let mut connection = database.connect();
        connection.run("a connection", |_| Ok(()))?;
        let client = connection.client.as_mut().expect("run connected it");
        let url = &database.url;
        let refused = |cause| Error::Refused { url: url.to_string(), what: "the schema migration lock", cause };
        client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).map_err(refused)?;
        let migrated = embedded::migrations::runner().run(client);
        // Also released when the connection ends, so an error above leaves nothing locked.
        client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).map_err(refused)?;
        migrated.map_err(|cause| Error::Migration { url: url.to_string(), cause: Box::new(cause) })?;
        Ok(database)
    }

    /// The database as messages name it, without the password.
    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// A connection, made on first use and remade whenever it is lost.
    pub fn connect(&self) -> Connection {
        self.connect_with(self.backoff)
    }

    /// Tells the notice callback, if any.
    pub(crate) fn notify(&self, message: &str) {
        if let Some(notice) = &self.notice {
            notice(message);
        }
    }

    pub(crate) fn connect_with(&self, backoff: Backoff) -> Connection {
        Connection { database: Self { backoff, ..self.clone() }, client: None }
    }
}

/// One session with the database. Each operation reconnects with backoff when the connection
/// is lost, and is written to be safe to repeat: a statement whose reply was lost may have been
/// committed.
pub struct Connection {
    database: Database,
    client: Option<Client>,
}

impl Connection {
    /// The database as messages name it, without the password.
    pub fn url(&self) -> &DbUrl {
        &self.database.url
    }

    /// Runs `op`; when the connection is lost (before or during it), reconnects and runs it
    /// again. `what` names the operation in errors and notices.
    pub(crate) fn run<T>(
        &mut self,
        what: &'static str,
        mut op: impl FnMut(&mut Client) -> Result<T, postgres::Error>,
    ) -> Result<T> {
        let Backoff { first, max, give_up_after } = self.database.backoff;
        let started = Instant::now();
        let mut delay = first;
        loop {
            let attempt = match self.client.take() {
                Some(client) => Ok(client),
                None => self.database.url.config.connect(NoTls),
            }
            .and_then(|client| op(self.client.insert(client)));
            let error = match attempt {
                Ok(value) => return Ok(value),
                Err(error) if is_transient(&error) => error,
                Err(cause) => return Err(Error::Refused { url: self.url().to_string(), what, cause }),
            };
            self.client = None;
            if give_up_after.is_some_and(|limit| started.elapsed() + delay > limit) {
                return Err(Error::Unreachable {
                    url: self.url().to_string(),
                    waited: started.elapsed(),
                    cause: error,
                });
            }
            self.database.notify(&format!(
                "database at {}: {what} failed ({error}); reconnecting in {:.1}s",
                self.url(),
                delay.as_secs_f64()
            ));
            std::thread::sleep(delay);
            delay = (delay * 2).min(max);
        }
    }

    /// For errors found in what a query returned, not in running it.
    pub(crate) fn corrupt(&self, column: &'static str, value: impl Into<String>) -> Error {
        Error::Corrupt { url: self.url().to_string(), column, value: value.into() }
    }
}

/// Whether `error` is the connection's (worth reconnecting for) rather than the statement's.
fn is_transient(error: &postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    match error.code() {
        Some(code) => {
            // Class 08: connection exceptions; 57P0x: the server is shutting down or starting.
            code.code().starts_with("08")
                || [
                    SqlState::ADMIN_SHUTDOWN,
                    SqlState::CRASH_SHUTDOWN,
                    SqlState::CANNOT_CONNECT_NOW,
                    SqlState::TOO_MANY_CONNECTIONS,
                ]
                .contains(code)
        }
        // No answer from the server at all: refused, reset or timed out on the socket.
        None => std::error::Error::source(error).is_some_and(|source| source.is::<std::io::Error>()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_password() {
        let url = DbUrl::parse("postgres://sales:s3cret@db.example:6543/handoff").unwrap();
        assert_eq!(url.to_string(), "postgres://sales@db.example:6543/handoff");
        assert!(!format!("{url:?}").contains("s3cret"));
        let url = DbUrl::parse("host=db user=sales password=s3cret dbname=team").unwrap();
        assert_eq!(url.to_string(), "postgres://sales@db/team");
    }

    #[test]
    fn a_url_that_does_not_parse_is_named_without_its_password() {
        let error = DbUrl::parse("postgres://sales:s3cret@db:notaport/handoff").unwrap_err().to_string();
        assert!(error.contains("postgres://sales:***@db:notaport/handoff"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
        assert_eq!(redact("host=db password=s3cret port=x"), "host=db password=*** port=x");
        assert_eq!(redact("postgres://db/handoff"), "postgres://db/handoff");
    }

    #[test]
    fn an_unreachable_database_is_given_up_on_when_asked() {
        // Nothing listens on port 1 of the loopback: refused at once, every time.
        let backoff = Backoff {
            first: Duration::from_millis(10),
            max: Duration::from_millis(20),
            give_up_after: Some(Duration::from_millis(100)),
        };
        let notices = Arc::new(std::sync::Mutex::new(0));
        let counted = Arc::clone(&notices);
        let notice: Notice = Arc::new(move |_| *counted.lock().unwrap() += 1);
        let error = Database::open("postgres://sales:s3cret@127.0.0.1:1/handoff", backoff, Some(notice))
            .err()
            .expect("nothing listens there");
        let message = error.to_string();
        assert!(matches!(error, Error::Unreachable { .. }), "{message}");
        assert!(message.starts_with("cannot reach the database at postgres://sales@127.0.0.1:1/handoff"), "{message}");
        assert!(*notices.lock().unwrap() >= 2, "each retry is told");
    }
}
