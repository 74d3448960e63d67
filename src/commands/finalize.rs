//! `handoff finalize`: the SDR's sign-off that a reviewed handoff is ready for the AE.

use super::Outcome;
use crate::cli::FinalizeArgs;
use crate::review::{report_orphans, report_unshared, reviewer};
use anyhow::Result;
use handoff_review::SessionError;

pub fn run(args: FinalizeArgs) -> Result<Outcome> {
    let mut review = super::review::open_review(&args.handoff, &args.review)?;
    let reviewer = reviewer(args.review.reviewer)?;
    match review.sign_off(&reviewer) {
        Ok(current) => {
            report_unshared(&current);
            report_orphans(&review, &current);
            println!(
                "{} is ready for the AE: wrote {} and {}",
                review.files.name(),
                review.files.final_json.display(),
                review.files.final_md.display()
            );
            Ok(Outcome::AllSucceeded)
        }
        Err(SessionError::NotReady(not_ready)) => {
            report_orphans(&review, &review.current()?);
            eprintln!("handoff: {} is not ready for the AE; still missing:", review.files.name());
            for missing in &not_ready.missing {
                eprintln!("  - {} ({})", missing.label, missing.id);
            }
            eprintln!("fill them in with `handoff review {}`, then finalize again", args.handoff.display());
            Ok(Outcome::SomeFailed)
        }
        Err(error) => Err(error.into()),
    }
}
