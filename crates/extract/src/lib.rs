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
mod distance;
mod extractors;
mod fuzzy;
mod hex;
mod inferred;
mod item;
mod kinds;
mod lexicon;
mod numbers;
pub mod pain_score;
mod people;
mod phrase_index;
mod rules;
mod sentences;
mod tense;
pub mod word_weights;
mod words;

pub use handoff_findings::*;
pub use item::item_id;
pub use rules::{RuleError, RuleSet};

use handoff_transcript::Transcript;

/// Everything the rules find in the transcript. Deterministic: the same transcript and rules
/// give the same items with the same ids.
pub fn extract(transcript: &Transcript, rules: &RuleSet) -> Extraction {
    extract_with_speakers(transcript, rules, &[])
}

/// [`extract`] for a transcript whose source names who speaks (a Zoom, Teams or dialer export):
/// `speakers` are on the call, so they are never stakeholders ("Owen, good to meet you") nor
/// products.
pub fn extract_with_speakers(transcript: &Transcript, rules: &RuleSet, speakers: &[String]) -> Extraction {
    let call = call::Call::new(transcript, rules);
    let mut identities = extractors::prospect::identify(&call);
    identities.participants.extend(speakers.iter().cloned());
    let systems = extractors::entities::systems(&call, &identities.participants);
    let cued_objections = extractors::objections::objections(&call);
    let pain_points = not_objections(extractors::pains::pain_points(&call), &cued_objections);
    let objections = extractors::objections::with_scored(&call, cued_objections, &pain_points);
    Extraction {
        rules_version: rules.version().to_string(),
        stakeholders: extractors::stakeholders::stakeholders(&call, &identities.participants),
        next_steps: extractors::next_steps::next_steps(&call, &identities.participants),
        prospect: identities.prospect,
        pain_points,
        systems: systems.clone(),
        regulations: extractors::entities::regulations(&call),
        timeline: extractors::timeline::timeline(&call),
        budget: extractors::budget::budget(&call),
        objections,
        competitors: extractors::entities::competitors(&call, &systems),
        previous_attempts: extractors::previous_attempts::with_scored(
            &call,
            extractors::previous_attempts::previous_attempts(&call),
        ),
    }
}

/// A sentence that pushes back on buying ("I can't go above that", "I swore I'd never do another
/// conversion") is the objection the AE must answer, not a pain to build on: it is kept once.
fn not_objections(pains: Vec<Item<PainPoint>>, objections: &[Item<Objection>]) -> Vec<Item<PainPoint>> {
    pains
        .into_iter()
        .filter(|pain| {
            !objections.iter().any(|objection| {
                objection.start_ms <= pain.start_ms
                    && pain.end_ms <= objection.end_ms
                    && (objection.quote.contains(&pain.quote) || pain.quote.contains(&objection.quote))
            })
        })
        .collect()
}

/// One sentence of a call and the pain signals read from it; None for sentences that are never
/// pains (the SDR's, hypotheticals, small talk).
#[derive(Debug, Clone)]
pub struct SentenceSignals {
    /// The sentence as the scorer split it: matched against the labelled pains' quotes to tell
    /// which sentences are pains.
    pub text: String,
    /// From the start of the recording: where to listen when a fit disagrees with a label.
    pub start_ms: u64,
    /// From the start of the recording.
    pub end_ms: u64,
    /// The scorer's inputs, the features a refit weighs.
    pub signals: Option<pain_score::Signals>,
    /// Said by the prospect's side: a sentence the word scorers (objections, attempts) read.
    pub prospect_side: bool,
}

/// What the pain scorer reads in every sentence of a call, and which sentences the word scorers
/// read: for refitting `[pain_score]` in pains.toml, `[objection_score]` in objections.toml and
/// `[attempt_score]` in previous_attempts.toml on calls whose items are known (the quality
/// example's `--train-pains`, `--train-objections` and `--train-attempts`).
pub fn pain_signals(transcript: &Transcript, rules: &RuleSet) -> Vec<SentenceSignals> {
    let call = call::Call::new(transcript, rules);
    extractors::pains::sentence_signals(&call)
        .into_iter()
        .enumerate()
        .map(|(at, signals)| {
            let sentence = call.sentence(at);
            SentenceSignals {
                text: sentence.text.clone(),
                start_ms: sentence.start_ms,
                end_ms: sentence.end_ms,
                signals,
                prospect_side: call.is_prospect_side(at),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
