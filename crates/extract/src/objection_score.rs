//! How much a prospect's sentence sounds like pushback on buying, from its words alone: a
//! logistic model whose weights are data (`[objection_score]` and `[objection_words]` in
//! rules/objections.toml), fitted on the dev corpus by the quality example's
//! `--train-objections`. It finds the objections the `[[objection]]` cue lists do not name;
//! the cues stay the way a team states an objection it knows.

use crate::word_weights::WordWeights;
use std::collections::BTreeMap;

/// Keys of `[objection_score]`.
const BIAS: &str = "bias";
const THRESHOLD: &str = "threshold";

/// Weights of the words of a sentence, the bias, and the score a sentence needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectionWeights {
    bias: f32,
    words: WordWeights,
    threshold: f32,
}

impl ObjectionWeights {
    /// From the `[objection_score]` table (`bias` and `threshold`, nothing else) and the
    /// `[objection_words]` table, or the problem.
    pub(crate) fn from_table(
        table: &BTreeMap<String, f32>,
        words: &BTreeMap<String, f32>,
    ) -> Result<ObjectionWeights, String> {
        if let Some(unknown) = table.keys().find(|key| *key != BIAS && *key != THRESHOLD) {
            return Err(format!("`{unknown}` is not read: [objection_score] holds `bias` and `threshold`"));
        }
        let get = |key: &str| table.get(key).copied().ok_or_else(|| format!("`{key}` is missing"));
        Ok(ObjectionWeights {
            bias: get(BIAS)?,
            words: WordWeights::from_table("objection_words", words)?,
            threshold: get(THRESHOLD)?,
        })
    }

    /// Weights fitted elsewhere (the trainer), with the threshold to use.
    pub fn new(bias: f32, words: WordWeights, threshold: f32) -> ObjectionWeights {
        ObjectionWeights { bias, words, threshold }
    }

    /// The log-odds that the sentence `text` is an objection.
    pub fn score(&self, text: &str) -> f32 {
        self.bias + self.words.sum(text)
    }

    /// Whether a score is enough for an objection.
    pub fn is_objection(&self, score: f32) -> bool {
        score >= self.threshold
    }

    /// The keys and values of an `[objection_score]` table holding these weights.
    pub fn table(&self) -> [(&'static str, f32); 2] {
        [(BIAS, self.bias), (THRESHOLD, self.threshold)]
    }

    /// The `[objection_words]` table.
    pub fn word_table(&self) -> BTreeMap<&str, f32> {
        self.words.table()
    }
}
