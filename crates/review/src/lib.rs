//! SDR review of a draft handoff.
//!
//! Corrections are data of their own (`<name>.review.json`, a [`ReviewLog`]), never edits of the
//! handoff file: re-processing the recording with a new model or rules writes a new draft, and
//! [`apply`] puts the same corrections back on it, finding moved items by quote and time. The
//! required-fields gate ([`check_ready`], [`finalize`]) decides when a handoff is ready for the AE.
//! The final handoff renders with [`handoff_document::render_markdown`] like the draft.
//!
//! A [`Review`] is one handoff under review: every change (the review page's, `--apply`'s,
//! `finalize`'s) is recorded through it, under the log's lock, and rewrites the final files. The
//! tables of what a reviewer may edit ([`CATEGORIES`], [`ACCOUNT`], [`COMMON`]) are the page's
//! forms and the defaults of items added by hand.

#![warn(missing_docs)]

mod apply;
mod fields;
mod gate;
mod item;
mod log;
mod matching;
mod metrics;
mod session;
mod vet;

pub use apply::{apply, apply_new, Applied, ApplyStats, Orphan};
pub use fields::{CategorySpec, Field, FieldKind, ACCOUNT, CATEGORIES, COMMON};
pub use gate::{check_ready, finalize, settle_status, Missing, NotReady, Requirement, Requirements, RequirementsError};
pub use item::{rejected_items, work_items, WorkItem};
pub use log::{
    Action, Anchor, Change, Correction, LogLock, ReviewError, ReviewLog, SignOff, Target, REVIEW_SCHEMA_VERSION,
};
pub use matching::{MAX_TIME_SHIFT_MS, MIN_QUOTE_SIMILARITY};
pub use metrics::{metrics, ItemCounts, Metrics};
pub use session::{
    orphans_report, reapply_after_processing, Current, Reapplied, Refused, Request, Review, ReviewFiles, ReviewStore,
    SessionError, StoreError,
};
pub use vet::DATE_FIELDS;
