//! Extraction: rules and dictionaries (data files under `rules/`) applied to a timed transcript.
//!
//! ```no_run
//! # let transcript: handoff_transcript::Transcript = unimplemented!();
//! let rules = handoff_extract::RuleSet::load(None)?;
//! let extraction = handoff_extract::extract(&transcript, &rules);
//! # Ok::<(), handoff_extract::RuleError>(())
//! ```

#![warn(missing_docs)]

mod call;
mod extractors;
mod fuzzy;
mod inferred;
mod item;
mod lexicon;
pub mod model;
mod numbers;
mod people;
mod rules;
mod sentences;
mod words;

pub use item::item_id;
pub use model::*;
pub use rules::{RuleError, RuleSet};

use handoff_transcript::Transcript;

/// Everything the rules find in the transcript. Deterministic: the same transcript and rules
/// give the same items with the same ids.
pub fn extract(transcript: &Transcript, rules: &RuleSet) -> Extraction {
    let call = call::Call::new(transcript, rules);
    let identities = extractors::prospect::identify(&call);
    let systems = extractors::entities::systems(&call, &identities.participants);
    Extraction {
        rules_version: rules.version().to_string(),
        stakeholders: extractors::stakeholders::stakeholders(&call, &identities.participants),
        next_steps: extractors::next_steps::next_steps(&call, &identities.participants),
        prospect: identities.prospect,
        pain_points: extractors::pains::pain_points(&call),
        systems: systems.clone(),
        regulations: extractors::entities::regulations(&call),
        timeline: extractors::timeline::timeline(&call),
        budget: extractors::budget::budget(&call),
        objections: extractors::objections::objections(&call),
        competitors: extractors::entities::competitors(&call, &systems),
        previous_attempts: extractors::previous_attempts::previous_attempts(&call),
    }
}

#[cfg(test)]
mod tests;
