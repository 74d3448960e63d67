//! One handoff under review: the draft, its review log, and the files the review writes.
//!
//! The draft `<name>.handoff.json` is never written here. Every change is a correction appended to
//! `<name>.review.json`, and `<name>.final.json` + `<name>.final.md` are the draft with the log
//! applied, rewritten after each change. The review page and the scripted paths (`--apply`,
//! `--accept-all`, `finalize`, `report`) all go through [`Review`], so they agree on what "final"
//! means.

use crate::fields::complete_added;
use crate::{
    apply_new, rejected_items, settle_status, work_items, Action, Anchor, ApplyStats, Change, Correction, LogLock,
    Missing, NotReady, Orphan, Requirements, ReviewError, ReviewLog, SignOff, Target, WorkItem,
};
use handoff_document::{now, render_markdown, write_atomically, DocumentError, Handoff, OutputError};
use handoff_findings::Category;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// Why a review could not be opened, changed or signed off. [`SessionError::Refused`] and
/// [`SessionError::NotReady`] are the reviewer's to fix; the others are about the files.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The path given is not a draft's.
    #[error("{} is not a draft handoff: pass the <name>.handoff.json that `handoff process` wrote", path.display())]
    NotDraft {
        /// The path as given.
        path: PathBuf,
    },
    /// The draft cannot be read.
    #[error(transparent)]
    Draft(#[from] DocumentError),
    /// The review log cannot be read, or its lock taken.
    #[error(transparent)]
    Log(#[from] ReviewError),
    /// The review log does not apply to the draft (it is another recording's).
    #[error("cannot apply {} to {}: {cause}", log.display(), draft.display())]
    Apply {
        /// The review log.
        log: PathBuf,
        /// The draft.
        draft: PathBuf,
        /// Why it does not apply; boxed, being large.
        cause: Box<ReviewError>,
    },
    /// The review log or a final file cannot be written.
    #[error(transparent)]
    Write(#[from] OutputError),
    /// A correction was refused; nothing was recorded.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// The sign-off was refused: requirements are not met. Nothing was recorded.
    #[error(transparent)]
    NotReady(#[from] NotReady),
    /// The review could not be shared with the team's store ([`Review::share_with_team`]).
    #[error(transparent)]
    Store(StoreError),
}

/// Why a [`ReviewStore`] could not store a review, in its own words.
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// Where a review is kept besides its files: the team's database. The files stay the record: the
/// store is sent the whole log after every change, so a change it missed arrives with the next one.
pub trait ReviewStore: Send {
    /// Stores `log` and the status of `handoff`, the draft with the log applied.
    fn store(&mut self, log: &ReviewLog, handoff: &Handoff) -> Result<(), StoreError>;
}

/// Where everything about one reviewed call lives: `<dir>/<name>.<suffix>`.
#[derive(Debug, Clone)]
pub struct ReviewFiles {
    /// `<name>.handoff.json`, the draft `handoff process` wrote; never written by the review.
    pub draft: PathBuf,
    /// `<name>.review.json`, the [`ReviewLog`].
    pub log: PathBuf,
    /// `<name>.final.json`, the draft with the log applied.
    pub final_json: PathBuf,
    /// `<name>.final.md`, the same for a person.
    pub final_md: PathBuf,
    dir: PathBuf,
    name: String,
}

impl ReviewFiles {
    /// The files of the review of the draft `handoff`, which must be named `<name>.handoff.json`.
    pub fn of(handoff: &Path) -> Result<ReviewFiles, SessionError> {
        let name = handoff
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(".handoff.json"))
            .filter(|name| !name.is_empty())
            .ok_or_else(|| SessionError::NotDraft { path: handoff.to_path_buf() })?
            .to_owned();
        let dir = handoff.parent().map(Path::to_path_buf).unwrap_or_default();
        let path = |suffix: &str| dir.join(format!("{name}.{suffix}"));
        Ok(ReviewFiles {
            draft: handoff.to_path_buf(),
            log: path("review.json"),
            final_json: path("final.json"),
            final_md: path("final.md"),
            dir,
            name,
        })
    }

    /// The handoff's name: its file name without `.handoff.json`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The folder holding the draft (empty for the current folder, as the draft's path was given).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/<name>.<suffix>`: another file of the same call, such as its transcript.
    pub fn sibling(&self, suffix: &str) -> PathBuf {
        self.dir.join(format!("{}.{suffix}", self.name))
    }
}

/// One handoff under review: its draft and review log, and the requirements that decide when it
/// is ready. Every change goes through here, under the log's lock.
pub struct Review {
    /// Where the draft, the log and the final files are.
    pub files: ReviewFiles,
    /// The draft as `handoff process` wrote it.
    pub draft: Handoff,
    /// The log as last read or written.
    pub log: ReviewLog,
    requirements: Requirements,
    /// Where each change is also stored for the team (`--state`), if anywhere.
    store: Option<Box<dyn ReviewStore>>,
}

/// The draft with the log applied: what the final files and the review page show.
#[derive(Debug)]
pub struct Current {
    /// The corrected handoff, `ready` once signed off and still meeting the requirements.
    pub handoff: Handoff,
    /// Draft items the reviewer rejected, so the page can still show them and undo the reject.
    pub rejected: Vec<WorkItem>,
    /// The requirements not met yet.
    pub missing: Vec<Missing>,
    /// Corrections that no longer land on the draft.
    pub orphans: Vec<Orphan>,
    /// How the corrections landed.
    pub stats: ApplyStats,
    /// The change is saved in the files, but the team's store did not take it (it is sent again
    /// with the next change): what to warn the reviewer of.
    pub unshared: Option<String>,
}

/// A correction that was not recorded because it was malformed or would not land on the draft:
/// the reviewer's to fix, unlike a failure to read or write a file.
#[derive(Debug, thiserror::Error)]
#[error("correction #{}: {reason}", index + 1)]
pub struct Refused {
    /// Position in the batch of corrections offered together.
    pub index: usize,
    /// What is wrong with it, for the reviewer.
    pub reason: String,
}

/// What the review page asks for; the server fills in who, when, and what the item looked like.
#[derive(Debug, Deserialize)]
pub struct Request {
    /// What to do.
    pub action: Action,
    /// The item to accept, reject or edit.
    #[serde(default)]
    pub item_id: Option<String>,
    /// Only for `add`: the new item's category (the others take the item's own).
    #[serde(default)]
    pub category: Option<Category>,
    /// The fields to set: the edited or added item's, or the account's.
    #[serde(default)]
    pub after: Option<Value>,
}

impl Review {
    /// Loads the draft and its review log, if there is one, and checks that the log applies to
    /// the draft; `requirements` decide when it is ready.
    pub fn open(handoff: &Path, requirements: Requirements) -> Result<Review, SessionError> {
        let files = ReviewFiles::of(handoff)?;
        let draft = Handoff::load(&files.draft)?;
        let log = if files.log.exists() { ReviewLog::load(&files.log)? } else { ReviewLog::new(&draft.source.sha256) };
        let review = Review { files, draft, log, requirements, store: None };
        review.current()?;
        Ok(review)
    }

    /// Stores the review in `store` now and after every change from here on.
    pub fn share_with_team(&mut self, mut store: impl ReviewStore + 'static) -> Result<(), SessionError> {
        store.store(&self.log, &self.current()?.handoff).map_err(SessionError::Store)?;
        self.store = Some(Box::new(store));
        Ok(())
    }

    /// Re-reads the review log, to show what other processes (another page, a script's
    /// `--apply`) recorded. Reading needs no lock: the log is only ever replaced whole.
    pub fn reload(&mut self) -> Result<(), SessionError> {
        if self.files.log.exists() {
            self.log = ReviewLog::load(&self.files.log)?;
        }
        Ok(())
    }

    /// Takes the log's lock and re-reads the log under it. Every change holds the returned lock
    /// until the log and the final files are written: two processes that both read the log, then
    /// both wrote it, would each drop the other's corrections.
    fn lock(&mut self) -> Result<LogLock, SessionError> {
        let lock = LogLock::acquire(&self.files.log)?;
        self.reload()?;
        Ok(lock)
    }

    /// What decides when the handoff is ready.
    pub fn requirements(&self) -> &Requirements {
        &self.requirements
    }

    /// The log as last read, applied to the draft.
    pub fn current(&self) -> Result<Current, SessionError> {
        self.settle(&self.log, self.log.corrections.len())
    }

    /// `log` applied to the draft; corrections from `first_new` on are being recorded now and
    /// held to [`apply_new`]'s checks.
    fn settle(&self, log: &ReviewLog, first_new: usize) -> Result<Current, SessionError> {
        let applied = apply_new(&self.draft, log, first_new).map_err(|cause| SessionError::Apply {
            log: self.files.log.clone(),
            draft: self.files.draft.clone(),
            cause: Box::new(cause),
        })?;
        let mut handoff = applied.handoff;
        let missing = settle_status(&mut handoff, log.finalized.is_some(), &self.requirements);
        let rejected = rejected_items(&self.draft.findings, &handoff.findings);
        Ok(Current { handoff, rejected, missing, orphans: applied.orphans, stats: applied.stats, unshared: None })
    }

    /// Appends `corrections` to the log, all or none: each must be well-formed and land on the
    /// draft, so the log never holds a correction that was wrong when it was made (orphans then
    /// only come from re-processing). Writes the log and the final files. A bad correction is
    /// reported as [`SessionError::Refused`].
    pub fn record(&mut self, corrections: Vec<Correction>) -> Result<Current, SessionError> {
        self.record_from(|_, _| Ok(corrections))
    }

    /// [`Review::record`] of the corrections `make` builds from the review as it is on disk, under
    /// the log's lock, so they are made on what other processes recorded just before.
    pub fn record_from(
        &mut self,
        make: impl FnOnce(&Review, &Current) -> Result<Vec<Correction>, SessionError>,
    ) -> Result<Current, SessionError> {
        let _lock = self.lock()?;
        let corrections = make(self, &self.current()?)?;
        for (index, correction) in corrections.iter().enumerate() {
            correction.check().map_err(|reason| Refused { index, reason })?;
        }
        let mut log = self.log.clone();
        let first_new = log.corrections.len();
        log.corrections.extend(corrections.iter().cloned());
        let current = self.settle(&log, first_new)?;
        for orphan in &current.orphans {
            if let Some(index) = corrections.iter().position(|c| *c == orphan.correction) {
                return Err(Refused { index, reason: orphan.reason.clone() }.into());
            }
        }
        self.commit(log, current)
    }

    /// Records the reviewer's sign-off when every requirement is met; otherwise fails with
    /// [`SessionError::NotReady`] and records nothing.
    pub fn sign_off(&mut self, by: &str) -> Result<Current, SessionError> {
        let _lock = self.lock()?;
        let mut log = self.log.clone();
        log.finalized = Some(SignOff { at: now(), by: by.to_owned() });
        let current = self.settle(&log, log.corrections.len())?;
        if !current.missing.is_empty() {
            return Err(NotReady { missing: current.missing }.into());
        }
        self.commit(log, current)
    }

    /// Writes `log` and the final files made from it; the caller holds the log's lock.
    fn commit(&mut self, log: ReviewLog, mut current: Current) -> Result<Current, SessionError> {
        write_atomically(&self.files.log, &log.to_json())?;
        self.log = log;
        self.write_final(&current)?;
        if let Some(store) = &mut self.store {
            // The log on disk holds the change; the store gets it again with the next one.
            if let Err(error) = store.store(&self.log, &current.handoff) {
                current.unshared = Some(format!(
                    "{} is saved, but not in the team's database yet ({error}); it is stored again with the next change",
                    self.files.log.display()
                ));
            }
        }
        Ok(current)
    }

    /// Rewrites the final files from the log as it is on disk. Under the lock, so they never
    /// overwrite newer final files that another process wrote with a longer log.
    pub fn refresh_final(&mut self) -> Result<Current, SessionError> {
        let _lock = self.lock()?;
        let current = self.current()?;
        self.write_final(&current)?;
        Ok(current)
    }

    fn write_final(&self, current: &Current) -> Result<(), OutputError> {
        write_atomically(&self.files.final_json, &current.handoff.to_json())?;
        write_atomically(&self.files.final_md, &render_markdown(&current.handoff))
    }

    /// An accept for every item of `current` that nobody has reviewed yet.
    pub fn accept_unreviewed(&self, current: &Current, by: &str) -> Result<Vec<Correction>, Refused> {
        work_items(&current.handoff.findings)
            .iter()
            .filter(|item| item.review().is_none())
            .map(|item| {
                let request = Request {
                    action: Action::Accept,
                    item_id: Some(item.id().to_owned()),
                    category: None,
                    after: None,
                };
                self.correction(current, request, by)
            })
            .collect()
    }

    /// Turns a page request into a correction by `by`, stamped now, with the item as shown as its
    /// `before` and anchor, so it can be found again after re-processing.
    pub fn correction(&self, current: &Current, request: Request, by: &str) -> Result<Correction, Refused> {
        let refuse = |reason: String| Refused { index: 0, reason };
        let after = request.after.and_then(|after| match after {
            Value::Object(fields) => Some(fields),
            _ => None,
        });
        let change = match request.action {
            Action::SetField => {
                // Recording refuses a set_field without fields, with the reason.
                let after = after.unwrap_or_default();
                let before: Map<String, Value> = after
                    .keys()
                    .map(|name| (name.clone(), current.handoff.account_field(name).unwrap_or(Value::Null)))
                    .collect();
                Change::SetField { before: Some(before.into()), after }
            }
            Action::Add => {
                let category = request.category.ok_or_else(|| refuse("add needs the new item's `category`".into()))?;
                let mut after = after.ok_or_else(|| refuse("add needs `after` with the item's fields".into()))?;
                complete_added(category, &mut after);
                Change::Add { category, anchor: Some(Anchor::of(&after)), after }
            }
            Action::Accept | Action::Reject | Action::Edit => {
                let id = request.item_id.ok_or_else(|| refuse(format!("{} needs `item_id`", request.action)))?;
                let item = work_items(&current.handoff.findings)
                    .into_iter()
                    .chain(current.rejected.iter().cloned())
                    .find(|item| item.id() == id)
                    .ok_or_else(|| refuse(format!("no item has id {id}; reload the page to see the current items")))?;
                let target = Target {
                    item_id: Some(id),
                    category: item.category(),
                    anchor: Some(item.anchor()),
                    before: Some(Value::Object(item.json())),
                };
                match request.action {
                    Action::Accept => Change::Accept(target),
                    Action::Reject => Change::Reject(target),
                    // Recording refuses an edit without fields, with the reason.
                    _ => Change::Edit { target, after: after.unwrap_or_default() },
                }
            }
        };
        Ok(Correction { at: now(), by: by.to_owned(), change })
    }
}

/// What re-applying a review to a new draft wrote, and the corrections that no longer land.
#[derive(Debug)]
pub struct Reapplied {
    /// The final files rewritten; none when the call was never reviewed.
    pub written: Vec<PathBuf>,
    /// [`orphans_report`] of the re-applied review, for the command to print.
    pub orphans: Option<String>,
}

/// After re-processing (new model, new rules): re-applies an existing review log to the new
/// draft so the SDR's work carries over, lists the corrections that no longer land, and rewrites
/// the final files, judged against `requirements`. Writes nothing when the call was never reviewed.
pub fn reapply_after_processing(handoff: &Path, requirements: &Requirements) -> Result<Reapplied, SessionError> {
    let files = ReviewFiles::of(handoff)?;
    if !files.log.exists() {
        return Ok(Reapplied { written: Vec::new(), orphans: None });
    }
    let mut review = Review::open(handoff, requirements.clone())?;
    let current = review.refresh_final()?;
    Ok(Reapplied {
        written: vec![review.files.final_json.clone(), review.files.final_md.clone()],
        orphans: orphans_report(&review, &current),
    })
}

/// The corrections that no longer land, one a line under a heading naming the log; `None` when
/// every correction lands.
pub fn orphans_report(review: &Review, current: &Current) -> Option<String> {
    if current.orphans.is_empty() {
        return None;
    }
    let mut report = format!(
        "{} correction(s) in {} no longer apply to the draft (kept in the log):",
        current.orphans.len(),
        review.files.log.display()
    );
    for orphan in &current.orphans {
        let correction = &orphan.correction;
        report.push_str(&format!(
            "\n  {} {} by {} at {}: {}",
            correction.action(),
            correction.item_id().or(correction.anchor().map(|anchor| anchor.quote.as_str())).unwrap_or("(account)"),
            correction.by,
            correction.at,
            orphan.reason
        ));
    }
    Some(report)
}
