//! How much a prospect's sentence sounds like a pain: the signals read from it and the weights
//! that turn them into a score. The weights are data (`[pain_score]` and `[pain_words]` in
//! rules/pains.toml), learned from the dev corpus (`cargo run -p handoff-extract --example quality
//! -- --train-pains fixtures/corpus/dev/*.truth.json`), so a team can refit them on its own
//! reviewed calls.
//!
//! The signals say what a pain is like in general (a lack, a cost, effort); the word weights add
//! what the hand-written signals miss, learned from which words pains use ("month", "hours",
//! "nobody") and which words background uses ("we're", "people", "great"). Measured on dev with
//! 5-fold cross-validation by call (the folds' own calls never seen in fitting), words raised
//! the sentence-level F1 from 0.44 to 0.49 (precision 0.38 -> 0.53).

use crate::word_weights::WordWeights;
use std::collections::BTreeMap;

/// One thing the scorer reads in a sentence. Values are 0/1 flags or small counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// A `[[cue]]` of the pains pack names a pain and nothing cancels it.
    Cue,
    /// Sum of the negative valence of its problem words (VADER list), capped at 3.
    ProblemWords,
    /// How many `[[consequence]]` cues say what went wrong or what it cost (up to 2).
    Consequences,
    /// A problem played down (`[[understatement]]`).
    Understatement,
    /// A number of hours, days, dollars or people.
    Quantity,
    /// It opens the reply to an SDR question about problems (`[[problem_question]]`).
    Asked,
    /// "we", "our", "I": about the prospect's own side.
    Ownership,
    /// The sentence is a question.
    Question,
    /// A system is named in it (how they work, not always what hurts).
    SystemNamed,
    /// An objection cue: pushing back on buying, not a problem of theirs.
    Objection,
    /// Fewer than five words.
    Short,
    /// More than thirty words.
    Long,
    /// Sum of the positive valence of its words, capped at 3.
    PositiveWords,
    /// Words of something missing or failing ("nobody", "can't", "lost"): `[[signal]]` lack.
    Lack,
    /// Words of how often ("every", "always", "again"): `[[signal]]` frequency.
    Frequency,
    /// Words of work spent ("spend", "chase", "re-enter"): `[[signal]]` effort.
    Effort,
    /// It opens the prospect's reply to any SDR question.
    Reply,
    /// How far into the call, 0 at the start to 1 at the end: pains come before next steps.
    Position,
    /// Its turn has three sentences or more: the prospect is telling a story.
    Story,
    /// A number with nothing wrong said about it ("Four vans.", "We have about a hundred and
    /// forty volunteers."): how big they are, which pains share only their numbers with. Fitted
    /// on dev without the fresh-6 (or fresh-7) calls and scored on them, it raised pains
    /// precision 0.48 -> 0.49 (0.47 -> 0.49) and recall 0.58 -> 0.60 (0.48 -> 0.50).
    BareQuantity,
}

impl Signal {
    /// Every signal, in the order a [`Signals`] array holds their values.
    pub const ALL: [Signal; 20] = [
        Signal::Cue,
        Signal::ProblemWords,
        Signal::Consequences,
        Signal::Understatement,
        Signal::Quantity,
        Signal::Asked,
        Signal::Ownership,
        Signal::Question,
        Signal::SystemNamed,
        Signal::Objection,
        Signal::Short,
        Signal::Long,
        Signal::PositiveWords,
        Signal::Lack,
        Signal::Frequency,
        Signal::Effort,
        Signal::Reply,
        Signal::Position,
        Signal::Story,
        Signal::BareQuantity,
    ];

    /// Its place in a [`Signals`] array: `ALL` lists the signals in the order they are declared.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its key in `[pain_score]`.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Cue => "cue",
            Signal::ProblemWords => "problem_words",
            Signal::Consequences => "consequences",
            Signal::Understatement => "understatement",
            Signal::Quantity => "quantity",
            Signal::Asked => "asked",
            Signal::Ownership => "ownership",
            Signal::Question => "question",
            Signal::SystemNamed => "system_named",
            Signal::Objection => "objection",
            Signal::Short => "short",
            Signal::Long => "long",
            Signal::PositiveWords => "positive_words",
            Signal::Lack => "lack",
            Signal::Frequency => "frequency",
            Signal::Effort => "effort",
            Signal::Reply => "reply",
            Signal::Position => "position",
            Signal::Story => "story",
            Signal::BareQuantity => "bare_quantity",
        }
    }
}

/// The signals of one sentence, indexed like [`Signal::ALL`].
pub type Signals = [f32; Signal::ALL.len()];

/// Weights of a logistic model over [`Signal`]s and the words of the sentence, and the score a
/// sentence needs to be a pain.
#[derive(Debug, Clone, PartialEq)]
pub struct PainWeights {
    bias: f32,
    weights: Signals,
    words: WordWeights,
    threshold: f32,
}

/// Keys of `[pain_score]` that are not signals.
const BIAS: &str = "bias";
const THRESHOLD: &str = "threshold";

impl PainWeights {
    /// From the `[pain_score]` table; every signal, `bias` and `threshold` must be there and
    /// nothing else, or the problem is returned.
    pub(crate) fn from_table(
        table: &BTreeMap<String, f32>,
        words: &BTreeMap<String, f32>,
    ) -> Result<PainWeights, String> {
        let words = WordWeights::from_table("pain_words", words)?;
        let known = |key: &str| key == BIAS || key == THRESHOLD || Signal::ALL.iter().any(|s| s.name() == key);
        if let Some(unknown) = table.keys().find(|key| !known(key)) {
            return Err(format!("`{unknown}` is not a pain signal"));
        }
        let get = |key: &str| table.get(key).copied().ok_or_else(|| format!("`{key}` is missing"));
        let mut weights = [0.0; Signal::ALL.len()];
        for (weight, signal) in weights.iter_mut().zip(Signal::ALL) {
            *weight = get(signal.name())?;
        }
        Ok(PainWeights { bias: get(BIAS)?, weights, words, threshold: get(THRESHOLD)? })
    }

    /// The log-odds that the sentence `text`, whose signals are `signals`, is a pain.
    pub fn score(&self, signals: &Signals, text: &str) -> f32 {
        self.bias
            + self.weights.iter().zip(signals).map(|(weight, value)| weight * value).sum::<f32>()
            + self.words.sum(text)
    }

    /// Whether a score is enough for a pain.
    pub fn is_pain(&self, score: f32) -> bool {
        score >= self.threshold
    }

    /// The keys and values of a `[pain_score]` table holding these weights.
    pub fn table(&self) -> Vec<(&'static str, f32)> {
        let mut table = vec![(BIAS, self.bias)];
        table.extend(Signal::ALL.iter().map(|s| s.name()).zip(self.weights));
        table.push((THRESHOLD, self.threshold));
        table
    }

    /// The `[pain_words]` table: every weighed word and its weight, by word.
    pub fn word_table(&self) -> BTreeMap<&str, f32> {
        self.words.table()
    }

    /// Weights fitted elsewhere (the trainer), with the threshold to use.
    pub fn new(bias: f32, weights: Signals, words: WordWeights, threshold: f32) -> PainWeights {
        PainWeights { bias, weights, words, threshold }
    }
}

#[cfg(test)]
mod tests {
    use super::Signal;

    #[test]
    fn every_signal_sits_at_its_index() {
        for (at, signal) in Signal::ALL.into_iter().enumerate() {
            assert_eq!(signal.index(), at, "{}", signal.name());
        }
    }
}
