//! Building items: the stable id, the rule name and the confidence after context.

use crate::hex::hex;
use crate::sentences::{quote_times, Sentence};
use handoff_findings::{Category, Item};
use handoff_transcript::Speaker;
use sha2::{Digest, Sha256};

/// An unidentified speaker may be the SDR: everything they say counts a little less.
const UNKNOWN_SPEAKER_FACTOR: f32 = 0.85;
/// A question states nothing for sure ("Is that slow for you?").
pub(crate) const QUESTION_FACTOR: f32 = 0.85;
/// A fact taken from an SDR question the prospect only confirmed with "yes".
pub(crate) const CONFIRMED_BY_ANSWER_FACTOR: f32 = 0.85;

/// First 12 hex digits of sha256(category, start time of the quote, quote normalised to lowercase
/// words): the same audio and rules give the same id, so review corrections stay attached.
pub fn item_id(category: Category, start_ms: u64, quote: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(category.as_str().as_bytes());
    hasher.update(b"|");
    hasher.update(start_ms.to_string().as_bytes());
    hasher.update(b"|");
    hasher.update(normalize_quote(quote).as_bytes());
    hex(&hasher.finalize()[..6])
}

/// Lowercase words separated by single spaces: punctuation and spacing never change an id.
pub(crate) fn normalize_quote(quote: &str) -> String {
    let mut out = String::with_capacity(quote.len());
    for word in quote.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|word| !word.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// An item quoting (part of) a sentence; `confidence` is the rule's, already lowered for weak
/// evidence by the caller; the speaker's effect is applied here.
pub(crate) fn item<D>(
    category: Category,
    sentence: &Sentence,
    quote: &str,
    rule: &str,
    confidence: f32,
    detail: D,
) -> Item<D> {
    item_across(category, std::slice::from_ref(sentence), quote, rule, confidence, detail)
}

/// An item quoting consecutive sentences (their texts joined by spaces, or part of that), said
/// by the first one's speaker. Its times are those of the quote's own words, so playing it plays
/// the quote, not the whole segment around it.
pub(crate) fn item_across<D>(
    category: Category,
    sentences: &[Sentence],
    quote: &str,
    rule: &str,
    confidence: f32,
    detail: D,
) -> Item<D> {
    let speaker = sentences[0].speaker;
    let speaker_factor = if speaker == Speaker::Unknown { UNKNOWN_SPEAKER_FACTOR } else { 1.0 };
    let (start_ms, end_ms) = quote_times(sentences, quote);
    Item {
        id: item_id(category, start_ms, quote),
        category,
        quote: quote.to_string(),
        speaker,
        start_ms,
        end_ms,
        rule: rule.to_string(),
        confidence: round_confidence(confidence * speaker_factor),
        detail,
    }
}

/// Two decimals: enough to rank, and stable in JSON (no 0.71999997).
fn round_confidence(value: f32) -> f32 {
    (value.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_ignores_case_and_punctuation_but_not_time() {
        let a = item_id(Category::PainPoint, 1000, "We spend two days, every month!");
        assert_eq!(a, item_id(Category::PainPoint, 1000, "we spend two days every month"));
        assert_ne!(a, item_id(Category::PainPoint, 2000, "we spend two days every month"));
        assert_ne!(a, item_id(Category::Objection, 1000, "we spend two days every month"));
        assert_eq!(a.len(), 12);
    }
}
