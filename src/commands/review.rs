//! `handoff review`: the SDR checks a draft handoff in the browser, or scripts the same
//! corrections with `--apply` / `--accept-all`.

use super::Outcome;
use crate::cli::{ReviewArgs, ReviewerArgs};
use crate::review::{call, report_orphans, report_unshared, reviewer, server};
use crate::team::TeamReview;
use anyhow::{bail, Context, Result};
use handoff_document::now;
use handoff_review::{Correction, Current, Requirements, Review, SessionError};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

pub fn run(args: ReviewArgs) -> Result<Outcome> {
    let mut review = open_review(&args.handoff, &args.review)?;
    let reviewer = reviewer(args.review.reviewer)?;
    if args.apply.is_some() || args.accept_all {
        if let Some(file) = &args.apply {
            apply_file(&mut review, file, &reviewer)?;
        }
        if args.accept_all {
            let mut accepted = 0;
            let current = review.record_from(|review, current| {
                let accepts = review.accept_unreviewed(current, &reviewer)?;
                accepted = accepts.len();
                Ok(accepts)
            })?;
            report_unshared(&current);
            println!("accepted {accepted} item(s) nobody had reviewed");
        }
        // Also when nothing changed, so the final files always match the draft and the log.
        let current = review.refresh_final()?;
        summarize(&review, &current);
        return Ok(Outcome::AllSucceeded);
    }

    let call = call::locate(&review.files, &review.draft)?;
    if let Err(problem) = &call.recording {
        eprintln!("handoff: warning: {problem}");
    }
    // Re-applying the log to the draft is the point of opening a re-processed call: write it.
    let current = review.refresh_final()?;
    report_orphans(&review, &current);
    let name = review.files.name().to_owned();
    server::serve(review, call, reviewer, args.port, |url| {
        println!("Reviewing {name} at {url}  (Ctrl-C to stop)");
        if !args.no_open {
            open_browser(url);
        }
    })?;
    Ok(Outcome::AllSucceeded)
}

/// The review of `handoff` against the requirements `reviewer` names, shared with the team's
/// database when it names one.
pub(super) fn open_review(handoff: &Path, reviewer: &ReviewerArgs) -> Result<Review> {
    let requirements = Requirements::load(reviewer.required.as_deref())?;
    let mut review = Review::open(handoff, requirements)?;
    if let Some(url) = &reviewer.database_url {
        review.share_with_team(TeamReview::open(url, &review.draft)?)?;
    }
    Ok(review)
}

/// Appends the corrections in `file`, all or none.
fn apply_file(review: &mut Review, file: &Path, reviewer: &str) -> Result<()> {
    let corrections = read_corrections(file, review, reviewer)?;
    let count = corrections.len();
    match review.record(corrections) {
        Ok(current) => report_unshared(&current),
        Err(SessionError::Refused(refused)) => {
            bail!("{}: {refused}; nothing was applied: fix or remove that correction and run again", file.display())
        }
        Err(error) => return Err(error.into()),
    }
    println!("applied {count} correction(s) from {}", file.display());
    Ok(())
}

/// A JSON list of corrections, or an object with one under `corrections` (a review log of the
/// same recording, say). Scripts may leave out `at` and `by`: they become now and the reviewer.
fn read_corrections(file: &Path, review: &Review, reviewer: &str) -> Result<Vec<Correction>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read corrections file {}", file.display()))?;
    let document: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON; fix it and run again", file.display()))?;
    if let Some(sha256) = document.get("handoff_source_sha256") {
        if *sha256 != review.draft.source.sha256 {
            bail!(
                "{} is the review of another recording than {}; pass the corrections for this call",
                file.display(),
                review.files.draft.display()
            );
        }
    }
    let list = document
        .get("corrections")
        .unwrap_or(&document)
        .as_array()
        .with_context(|| {
            format!(
                "{} holds no list of corrections: give a JSON list, or an object with `corrections` (see schemas/review.schema.json)",
                file.display()
            )
        })?;
    let at = now();
    list.iter()
        .enumerate()
        .map(|(index, entry)| {
            let mut entry = entry.clone();
            if let Some(fields) = entry.as_object_mut() {
                fields.entry("at").or_insert_with(|| at.clone().into());
                fields.entry("by").or_insert_with(|| reviewer.into());
            }
            serde_json::from_value(entry).with_context(|| {
                format!(
                    "{}: correction #{} is not a correction (see schemas/review.schema.json)",
                    file.display(),
                    index + 1
                )
            })
        })
        .collect()
}

fn summarize(review: &Review, current: &Current) {
    report_orphans(review, current);
    let files = &review.files;
    println!(
        "wrote {} and {} ({} correction(s) in {})",
        files.final_json.display(),
        files.final_md.display(),
        review.log.corrections.len(),
        files.log.display()
    );
    if current.missing.is_empty() {
        println!("nothing missing for the AE: `handoff finalize {}` marks it ready", files.draft.display());
    } else {
        println!("still missing for the AE:");
        for missing in &current.missing {
            println!("  - {}", missing.label);
        }
    }
}

/// Opens the page in the desktop's browser when there is a way to; the address is printed
/// either way, so a missing opener is no error.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let opened = Command::new(opener).arg(url).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
    if let Ok(mut child) = opened {
        // Reaped in the background so the long-running server leaves no zombie behind.
        std::thread::spawn(move || child.wait());
    }
}
