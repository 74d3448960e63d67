//! The handoff document: what the AE reads before the next call.
//!
//! [`build_draft`] turns a transcript and its extraction into a [`Handoff`] (`<name>.handoff.json`);
//! [`render_markdown`] prints it for a person. The review stage edits the same structure and calls
//! [`Handoff::refresh`] so the summary and the gaps follow the reviewer's corrections. Every file
//! the program writes goes through [`write_atomically`], and every time it records through [`now`].

#![warn(missing_docs)]

mod files;
mod markdown;
mod model;
mod summary;

pub use files::{now, rfc3339, write_atomically, OutputError};
pub use markdown::{escape, render_markdown};
pub use model::*;
pub use summary::{Gap, TOP_PAINS};

use handoff_findings::{Extraction, Item};
use handoff_transcript::Transcript;
use std::path::Path;

/// Builds the draft handoff. `rules_version` is that of the rules that produced `extraction` (the
/// caller checks the extraction is not stale); `created_at` is RFC 3339 UTC: the caller passes the
/// current time, tests a fixed one, so the same inputs always give the same document.
pub fn build_draft(transcript: &Transcript, extraction: Extraction, rules_version: &str, created_at: &str) -> Handoff {
    // Destructured rather than accessed field by field so a new extraction list fails to compile
    // here instead of silently missing from the handoff.
    let Extraction {
        rules_version: _,
        prospect,
        pain_points,
        stakeholders,
        systems,
        regulations,
        timeline,
        budget,
        objections,
        competitors,
        previous_attempts,
        next_steps,
    } = extraction;
    let source = &transcript.source;
    let mut handoff = Handoff {
        schema_version: HANDOFF_SCHEMA_VERSION,
        source: Source {
            file: Path::new(&source.path)
                .file_name()
                .map_or_else(|| source.path.clone(), |name| name.to_string_lossy().into_owned()),
            sha256: source.sha256.clone(),
            duration_ms: source.duration_ms,
            truncated: source.truncated,
        },
        created_at: created_at.to_owned(),
        model: transcript.model.clone(),
        rules_version: rules_version.to_owned(),
        status: Status::Draft,
        summary: Summary::default(),
        account: Account::default(),
        prospect,
        findings: Findings {
            pain_points: entries(pain_points),
            stakeholders: entries(stakeholders),
            systems: entries(systems),
            regulations: entries(regulations),
            timeline: entries(timeline),
            budget: entries(budget),
            objections: entries(objections),
            competitors: entries(competitors),
            previous_attempts: entries(previous_attempts),
            next_steps: entries(next_steps),
        },
        missing: Vec::new(),
    };
    handoff.refresh();
    handoff
}

fn entries<D>(items: Vec<Item<D>>) -> Vec<Entry<D>> {
    items.into_iter().map(Entry::from).collect()
}
