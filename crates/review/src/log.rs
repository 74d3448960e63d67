//! `<name>.review.json`: the reviewer's corrections, kept apart from the handoff so they can be
//! re-applied to any later draft of the same recording (new model, new rules).

use handoff_document::Account;
use handoff_extract::Category;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Bumped whenever a field changes meaning or is removed; additions keep the version.
pub const REVIEW_SCHEMA_VERSION: u32 = 1;

/// `<name>.review.json` (schemas/review.schema.json): every correction made to one recording's
/// handoff, and the sign-off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewLog {
    /// [`REVIEW_SCHEMA_VERSION`] of the build that wrote it.
    pub schema_version: u32,
    /// The recording reviewed: corrections only make sense on drafts of the same audio.
    pub handoff_source_sha256: String,
    /// In the order they were made; [`crate::apply`] orders them by `at` before applying.
    pub corrections: Vec<Correction>,
    /// The reviewer's latest sign-off. Kept with the corrections rather than only in the final
    /// file, so a handoff stays `ready` after a typo fix or re-processing as long as it still
    /// meets the requirements (see [`crate::settle_status`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalized: Option<SignOff>,
}

/// Who declared the handoff ready for the AE, and when (RFC 3339 UTC, like a correction's `at`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignOff {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// The reviewer's name.
    pub by: String,
}

/// One reviewer action on the draft, recorded as data so it can be re-applied to a later draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// RFC 3339 UTC (`2026-11-20T14:03:12Z`), when the reviewer made the correction.
    pub at: String,
    /// The reviewer's name.
    pub by: String,
    /// The item corrected; absent for `add` and `set_field`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    /// What the reviewer did.
    pub action: Action,
    /// The item's category as the reviewer saw it (for `add`, the new item's); absent for `set_field`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// What the fields were before, for the audit trail only: applying never reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// `edit`: the item fields to replace (a new `category` moves the item to that list).
    /// `add`: the new item's fields. `set_field`: account fields, e.g. `{"company": "Acme"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// Where the item was when corrected, to find it again when re-processing changed its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
}

/// What a correction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The item is right as found.
    Accept,
    /// The item is wrong: the final handoff leaves it out.
    Reject,
    /// The item is right but some fields are not: `after` has the new ones.
    Edit,
    /// An item the rules missed: `after` has its fields.
    Add,
    /// Account fields the call did not say: `after` has them.
    SetField,
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Action::Accept => "accept",
            Action::Reject => "reject",
            Action::Edit => "edit",
            Action::Add => "add",
            Action::SetField => "set_field",
        })
    }
}

/// Where an item was in the call: its quote and start, which survive re-processing better than
/// its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    /// The item's quote as the reviewer saw it.
    pub quote: String,
    /// The item's start, from the start of the recording.
    pub start_ms: u64,
}

/// Item fields a reviewer may not set: the id is what later corrections refer to (an added item's
/// is derived from the correction), the rule says what found the item, and the review mark is
/// written by [`crate::apply`].
const FIXED_ITEM_FIELDS: [&str; 3] = ["id", "rule", "review"];

/// Why a review log cannot be used; every message names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The log cannot be read.
    #[error("cannot read review log {path}: {cause}")]
    Read {
        /// The log.
        path: PathBuf,
        /// Why reading failed.
        cause: std::io::Error,
    },
    /// The log is not JSON of the log's shape.
    #[error("{path} is not a valid review log ({cause}); fix the JSON or restore it from a backup")]
    Parse {
        /// The log.
        path: PathBuf,
        /// The JSON error, with its line and column.
        cause: serde_json::Error,
    },
    /// A log written by a newer build.
    #[error(
        "{path} has review schema version {found}, this build reads version {REVIEW_SCHEMA_VERSION}; \
         upgrade handoff to re-apply it"
    )]
    Version {
        /// The log.
        path: PathBuf,
        /// Its `schema_version`.
        found: u32,
    },
    /// A correction in the log that is not well-formed.
    #[error("{path}: correction #{number} ({action} at {at}): {problem}; fix or remove that correction")]
    Invalid {
        /// The log.
        path: PathBuf,
        /// 1-based position of the correction in the log.
        number: usize,
        /// Its action.
        action: Action,
        /// Its `at`, as written.
        at: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The log's lock file cannot be created or locked.
    #[error("cannot lock {path} to write the review log beside it: {cause}; check that its folder is writable")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// Why locking failed.
        cause: std::io::Error,
    },
    /// The log belongs to another recording than the draft.
    #[error(
        "the review log is for recording {log_sha256} but the handoff is of {draft_sha256}; \
         pair each handoff with the review.json written beside it"
    )]
    WrongRecording {
        /// The recording the log was made on.
        log_sha256: String,
        /// The recording the draft was made from.
        draft_sha256: String,
    },
}

/// An exclusive OS lock on a review log, released when dropped. Every process that changes the log
/// holds it from reading the log to writing it back, so two writers (two review pages, a page and
/// `--apply`) never both start from the same log and drop each other's corrections.
///
/// The lock is on a sidecar `<log>.lock` rather than the log itself because the log is replaced by
/// an atomic rename: a lock on the old file would not stop a writer that opened the new one. The
/// sidecar is left in place, since removing it would let two writers lock two different files.
#[derive(Debug)]
pub struct LogLock {
    _file: File,
}

impl LogLock {
    /// Waits until no other process holds the lock on `log`, then holds it.
    pub fn acquire(log: &Path) -> Result<LogLock, ReviewError> {
        let mut name = log.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .and_then(|file| file.lock().map(|()| file))
            .map_err(|cause| ReviewError::Lock { path, cause })?;
        Ok(LogLock { _file: file })
    }
}

impl ReviewLog {
    /// An empty log for the recording with this hash.
    pub fn new(handoff_source_sha256: &str) -> ReviewLog {
        ReviewLog {
            schema_version: REVIEW_SCHEMA_VERSION,
            handoff_source_sha256: handoff_source_sha256.to_owned(),
            corrections: Vec::new(),
            finalized: None,
        }
    }

    /// The log as written to disk, pretty-printed so a reviewer's changes diff line by line.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a review log always serializes")
    }

    /// Reads and checks a review log: every correction must be well-formed (see [`Correction::check`]),
    /// so a hand-edited file fails here with the correction's number rather than later.
    pub fn load(path: &Path) -> Result<ReviewLog, ReviewError> {
        let text = std::fs::read_to_string(path).map_err(|cause| ReviewError::Read { path: path.to_owned(), cause })?;
        let log: ReviewLog =
            serde_json::from_str(&text).map_err(|cause| ReviewError::Parse { path: path.to_owned(), cause })?;
        if log.schema_version != REVIEW_SCHEMA_VERSION {
            return Err(ReviewError::Version { path: path.to_owned(), found: log.schema_version });
        }
        for (index, correction) in log.corrections.iter().enumerate() {
            correction.check().map_err(|problem| ReviewError::Invalid {
                path: path.to_owned(),
                number: index + 1,
                action: correction.action,
                at: correction.at.clone(),
                problem,
            })?;
        }
        Ok(log)
    }
}

impl Correction {
    /// Checks that the correction has what its action needs and returns when it was made.
    pub fn check(&self) -> Result<SystemTime, String> {
        let when = humantime::parse_rfc3339(&self.at)
            .map_err(|_| format!("`at` is {:?}, not RFC 3339 UTC like 2026-11-20T14:03:12Z", self.at))?;
        if self.by.trim().is_empty() {
            return Err("`by` must name the reviewer".to_owned());
        }
        let after = self.after.as_ref().and_then(Value::as_object).filter(|fields| !fields.is_empty());
        if self.action == Action::SetField {
            let fields = after.ok_or(r#"set_field needs `after` with account fields, like {"company": "Acme"}"#)?;
            if let Some(unknown) = fields.keys().find(|key| !Account::FIELDS.contains(&key.as_str())) {
                return Err(format!("`{unknown}` is not an account field; use one of {}", Account::FIELDS.join(", ")));
            }
            return Ok(when);
        }
        match self.category {
            None => return Err(format!("{} needs `category`", self.action)),
            Some(Category::Prospect) => {
                return Err(
                    "the prospect is corrected with set_field (company, prospect_name, prospect_title)".to_owned()
                )
            }
            Some(_) => {}
        }
        if self.action != Action::Add && self.item_id.is_none() && self.anchor.is_none() {
            return Err(format!("{} needs `item_id` or `anchor` to find the item", self.action));
        }
        if matches!(self.action, Action::Add | Action::Edit) {
            let fields = after.ok_or_else(|| format!("{} needs `after` with the item's fields", self.action))?;
            if let Some(fixed) = FIXED_ITEM_FIELDS.iter().find(|name| fields.contains_key(**name)) {
                return Err(format!("{} cannot set `{fixed}`", self.action));
            }
        }
        Ok(when)
    }
}
