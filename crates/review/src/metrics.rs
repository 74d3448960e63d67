//! Numbers for a manager: how complete handoffs are and how much reviewing they take.

use crate::gate::{check_ready, Requirements};
use crate::item::{rejected_items, work_items, WorkItem};
use crate::log::{Action, ReviewLog};
use handoff_document::{Handoff, ReviewState};
use serde::Serialize;
use std::collections::BTreeMap;

/// One handoff's completeness and review effort, for `handoff report`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Share of requirements the final handoff meets, 0.0..=1.0 (1.0 when there are none).
    pub completeness: f64,
    /// Every correction in the log by action, orphans included: they are work the reviewer did.
    pub corrections: BTreeMap<Action, usize>,
    /// From the first to the last correction; `None` without corrections.
    pub review_seconds: Option<u64>,
    /// What happened to the items.
    pub items: ItemCounts,
}

/// Items of the final handoff by what the reviewer did to them; `rejected` counts draft items the
/// final one no longer has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ItemCounts {
    /// Accepted as found.
    pub accepted: usize,
    /// Left out of the final handoff.
    pub rejected: usize,
    /// Kept with fields changed.
    pub edited: usize,
    /// Added by the reviewer.
    pub added: usize,
}

/// The [`Metrics`] of a draft, its log and the final handoff made from them.
pub fn metrics(draft: &Handoff, log: &ReviewLog, final_handoff: &Handoff, requirements: &Requirements) -> Metrics {
    let total = requirements.requirements.len();
    let completeness =
        if total == 0 { 1.0 } else { (total - check_ready(final_handoff, requirements).len()) as f64 / total as f64 };

    let mut corrections = BTreeMap::new();
    for correction in &log.corrections {
        *corrections.entry(correction.action()).or_insert(0) += 1;
    }

    // Corrections with an unreadable time are left out of the duration, not guessed.
    let times: Vec<_> = log.corrections.iter().filter_map(|correction| correction.check().ok()).collect();
    let review_seconds = times
        .iter()
        .min()
        .zip(times.iter().max())
        .map(|(first, last)| last.duration_since(*first).map_or(0, |elapsed| elapsed.as_secs()));

    let mut items = ItemCounts {
        rejected: rejected_items(&draft.findings, &final_handoff.findings).len(),
        ..ItemCounts::default()
    };
    for mark in work_items(&final_handoff.findings).iter().filter_map(WorkItem::review) {
        match mark.state {
            ReviewState::Accepted => items.accepted += 1,
            ReviewState::Edited => items.edited += 1,
            ReviewState::Added => items.added += 1,
        }
    }

    Metrics { completeness, corrections, review_seconds, items }
}
