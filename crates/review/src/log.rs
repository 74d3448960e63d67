//! `<name>.review.json`: the reviewer's corrections, kept apart from the handoff so they can be
//! re-applied to any later draft of the same recording (new model, new rules).

use handoff_document::Account;
use handoff_findings::Category;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
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
/// Stored as one flat object whatever the action (schemas/review.schema.json); a stored correction
/// without what its action needs does not deserialize.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "StoredCorrection", into = "StoredCorrection")]
pub struct Correction {
    /// RFC 3339 UTC (`2026-11-20T14:03:12Z`), when the reviewer made the correction.
    pub at: String,
    /// The reviewer's name.
    pub by: String,
    /// What the reviewer did.
    pub change: Change,
}

/// What a correction does, with the fields its action needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The item is right as found.
    Accept(Target),
    /// The item is wrong: the final handoff leaves it out.
    Reject(Target),
    /// The item is right but some fields are not.
    Edit {
        /// The item edited.
        target: Target,
        /// The item fields to replace; a new `category` moves the item to that list.
        after: Map<String, Value>,
    },
    /// An item the rules missed.
    Add {
        /// The new item's category.
        category: Category,
        /// The new item's fields.
        after: Map<String, Value>,
        /// Where the new item is in the call; its start is the item's when `after` has none.
        anchor: Option<Anchor>,
    },
    /// Account fields the call did not say.
    SetField {
        /// What the fields were before, for the audit trail only: applying never reads it.
        before: Option<Value>,
        /// The fields to set, e.g. `{"company": "Acme"}`.
        after: Map<String, Value>,
    },
}

/// The draft item an accept, reject or edit is about, as the reviewer saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The item's id; re-processing may give the item another one.
    pub item_id: Option<String>,
    /// The item's category as the reviewer saw it.
    pub category: Category,
    /// Where the item was, to find it again when re-processing changed its id.
    pub anchor: Option<Anchor>,
    /// The item as it was, for the audit trail only: applying never reads it.
    pub before: Option<Value>,
}

/// A correction as `<name>.review.json` holds it: one object for every action, without the fields
/// its action does not use.
#[derive(Serialize, Deserialize)]
struct StoredCorrection {
    at: String,
    by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    item_id: Option<String>,
    action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    category: Option<Category>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    anchor: Option<Anchor>,
}

impl TryFrom<StoredCorrection> for Correction {
    type Error = String;

    /// Fails when the action needs a `category` and there is none; fields the action does not use
    /// are dropped.
    fn try_from(stored: StoredCorrection) -> Result<Correction, String> {
        let StoredCorrection { at, by, item_id, action, category, before, after, anchor } = stored;
        let category = category.ok_or_else(|| format!("{action} needs `category`"));
        // An `after` that is no object is an empty one, which `check` refuses where it is needed.
        let after = match after {
            Some(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        let change = match action {
            Action::SetField => Change::SetField { before, after },
            Action::Add => Change::Add { category: category?, after, anchor },
            Action::Accept | Action::Reject | Action::Edit => {
                let target = Target { item_id, category: category?, anchor, before };
                match action {
                    Action::Accept => Change::Accept(target),
                    Action::Reject => Change::Reject(target),
                    _ => Change::Edit { target, after },
                }
            }
        };
        Ok(Correction { at, by, change })
    }
}

impl From<Correction> for StoredCorrection {
    fn from(correction: Correction) -> StoredCorrection {
        let action = correction.action();
        let Correction { at, by, change } = correction;
        let stored =
            StoredCorrection { at, by, item_id: None, action, category: None, before: None, after: None, anchor: None };
        match change {
            Change::Accept(target) | Change::Reject(target) => stored.about(target),
            Change::Edit { target, after } => StoredCorrection { after: Some(after.into()), ..stored.about(target) },
            Change::Add { category, after, anchor } => {
                StoredCorrection { category: Some(category), after: Some(after.into()), anchor, ..stored }
            }
            Change::SetField { before, after } => StoredCorrection { before, after: Some(after.into()), ..stored },
        }
    }
}

impl StoredCorrection {
    fn about(self, target: Target) -> StoredCorrection {
        let Target { item_id, category, anchor, before } = target;
        StoredCorrection { item_id, category: Some(category), anchor, before, ..self }
    }
}

/// What a correction does, without its fields: the `action` of a stored correction, and
/// [`Correction::action`].
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
        let log: ReviewLog = serde_json::from_str(&text).map_err(|cause| unreadable(path, &text, cause))?;
        if log.schema_version != REVIEW_SCHEMA_VERSION {
            return Err(ReviewError::Version { path: path.to_owned(), found: log.schema_version });
        }
        for (index, correction) in log.corrections.iter().enumerate() {
            correction.check().map_err(|problem| invalid(path, index, correction.action(), &correction.at, problem))?;
        }
        Ok(log)
    }
}

/// Why `text`, the log at `path`, does not deserialize: its first correction without what its
/// action needs, by number, else the JSON error `cause`.
fn unreadable(path: &Path, text: &str, cause: serde_json::Error) -> ReviewError {
    #[derive(Deserialize)]
    struct Stored {
        corrections: Vec<StoredCorrection>,
    }
    let stored = serde_json::from_str::<Stored>(text).map(|stored| stored.corrections).unwrap_or_default();
    stored
        .into_iter()
        .enumerate()
        .find_map(|(index, stored)| {
            let (action, at) = (stored.action, stored.at.clone());
            Correction::try_from(stored).err().map(|problem| invalid(path, index, action, &at, problem))
        })
        .unwrap_or(ReviewError::Parse { path: path.to_owned(), cause })
}

/// [`ReviewError::Invalid`] for the correction at `index` of the log at `path`.
fn invalid(path: &Path, index: usize, action: Action, at: &str, problem: String) -> ReviewError {
    ReviewError::Invalid { path: path.to_owned(), number: index + 1, action, at: at.to_owned(), problem }
}

impl Correction {
    /// What the correction does.
    pub fn action(&self) -> Action {
        match self.change {
            Change::Accept(_) => Action::Accept,
            Change::Reject(_) => Action::Reject,
            Change::Edit { .. } => Action::Edit,
            Change::Add { .. } => Action::Add,
            Change::SetField { .. } => Action::SetField,
        }
    }

    /// The draft item an accept, reject or edit is about; `None` for an add or a set_field.
    pub fn target(&self) -> Option<&Target> {
        match &self.change {
            Change::Accept(target) | Change::Reject(target) | Change::Edit { target, .. } => Some(target),
            Change::Add { .. } | Change::SetField { .. } => None,
        }
    }

    /// The id of the item corrected, if the correction names one.
    pub fn item_id(&self) -> Option<&str> {
        self.target().and_then(|target| target.item_id.as_deref())
    }

    /// Where the item corrected or added was in the call, if the correction says.
    pub fn anchor(&self) -> Option<&Anchor> {
        match &self.change {
            Change::Add { anchor, .. } => anchor.as_ref(),
            _ => self.target().and_then(|target| target.anchor.as_ref()),
        }
    }

    /// Checks that the correction is one a reviewer can make and returns when it was made.
    pub fn check(&self) -> Result<SystemTime, String> {
        let when = humantime::parse_rfc3339(&self.at)
            .map_err(|_| format!("`at` is {:?}, not RFC 3339 UTC like 2026-11-20T14:03:12Z", self.at))?;
        if self.by.trim().is_empty() {
            return Err("`by` must name the reviewer".to_owned());
        }
        let action = self.action();
        match &self.change {
            Change::SetField { after, .. } => {
                if after.is_empty() {
                    return Err(r#"set_field needs `after` with account fields, like {"company": "Acme"}"#.to_owned());
                }
                if let Some(unknown) = after.keys().find(|key| !Account::FIELDS.contains(&key.as_str())) {
                    return Err(format!(
                        "`{unknown}` is not an account field; use one of {}",
                        Account::FIELDS.join(", ")
                    ));
                }
            }
            Change::Accept(target) | Change::Reject(target) => check_target(action, target)?,
            Change::Edit { target, after } => {
                check_target(action, target)?;
                check_item_fields(action, after)?;
            }
            Change::Add { category, after, .. } => {
                check_category(*category)?;
                check_item_fields(action, after)?;
            }
        }
        Ok(when)
    }
}

/// Prospects are items too, but the reviewer corrects them through the account fields.
fn check_category(category: Category) -> Result<(), String> {
    if category == Category::Prospect {
        return Err("the prospect is corrected with set_field (company, prospect_name, prospect_title)".to_owned());
    }
    Ok(())
}

fn check_target(action: Action, target: &Target) -> Result<(), String> {
    check_category(target.category)?;
    if target.item_id.is_none() && target.anchor.is_none() {
        return Err(format!("{action} needs `item_id` or `anchor` to find the item"));
    }
    Ok(())
}

fn check_item_fields(action: Action, after: &Map<String, Value>) -> Result<(), String> {
    if after.is_empty() {
        return Err(format!("{action} needs `after` with the item's fields"));
    }
    if let Some(fixed) = FIXED_ITEM_FIELDS.iter().find(|name| after.contains_key(**name)) {
        return Err(format!("{action} cannot set `{fixed}`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A log with one correction of every action, each with every field its action uses.
    fn stored_log() -> Value {
        let at = |second: u32| format!("2026-11-20T10:00:{second:02}Z");
        let anchor = json!({"quote": "It is slow", "start_ms": 60_000});
        json!({
            "schema_version": REVIEW_SCHEMA_VERSION,
            "handoff_source_sha256": "4b22",
            "corrections": [
                {"at": at(0), "by": "Sam", "item_id": "pain-1", "action": "accept", "category": "pain_point",
                 "before": {"id": "pain-1", "quote": "It is slow"}, "anchor": anchor},
                {"at": at(1), "by": "Sam", "item_id": "pain-2", "action": "reject", "category": "pain_point"},
                {"at": at(2), "by": "Sam", "action": "edit", "category": "stakeholder",
                 "after": {"relation": "decision_maker"}, "anchor": anchor},
                {"at": at(3), "by": "Sam", "action": "add", "category": "next_step",
                 "after": {"quote": "Demo on Tuesday", "action": "demo"}, "anchor": anchor},
                {"at": at(4), "by": "Sam", "action": "set_field", "before": {"company": null},
                 "after": {"company": "Northwind Traders"}},
            ],
            "finalized": {"at": at(5), "by": "Sam"},
        })
    }

    #[test]
    fn every_action_round_trips_to_the_same_json() {
        let stored = stored_log();
        let log: ReviewLog = serde_json::from_value(stored.clone()).unwrap();
        let actions: Vec<Action> = log.corrections.iter().map(Correction::action).collect();
        assert_eq!(actions, [Action::Accept, Action::Reject, Action::Edit, Action::Add, Action::SetField]);
        assert!(log.corrections.iter().all(|correction| correction.check().is_ok()));
        assert_eq!(serde_json::from_str::<Value>(&log.to_json()).unwrap(), stored);
    }

    #[test]
    fn a_correction_without_its_category_does_not_deserialize() {
        let stored = stored_log();
        for (index, action) in ["accept", "reject", "edit", "add"].into_iter().enumerate() {
            let mut correction = stored["corrections"][index].clone();
            correction.as_object_mut().unwrap().remove("category");
            let error = serde_json::from_value::<Correction>(correction).unwrap_err();
            assert_eq!(error.to_string(), format!("{action} needs `category`"));
        }
    }
}
