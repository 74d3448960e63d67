//! Fitted word weights: what the words of a sentence add to a logistic score. Shared by the pain
//! scorer and the objection scorer, whose weights are data in rules/ (`[pain_words]`,
//! `[objection_words]`) fitted by the quality example on reviewed calls.

use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The distinct words of `text` the scorers weigh: lowercase runs of two or more letters, digits
/// or underscores ("don't" reads as "don").
pub fn scored_words(text: &str) -> BTreeSet<String> {
    word_runs(text).map(str::to_lowercase).collect()
}

/// The runs [`scored_words`] reads, as written.
fn word_runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|word| word.chars().nth(1).is_some())
}

/// Probability from log-odds: the confidence of a scored item.
pub fn probability(score: f32) -> f32 {
    1.0 / (1.0 + (-score).exp())
}

/// A weight per word; a word not listed weighs nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WordWeights(FxHashMap<String, f32>);

impl WordWeights {
    /// From a rules table of word weights named `table`; every key must be a word the scorer
    /// reads, or the problem is returned.
    pub(crate) fn from_table(table: &str, words: &BTreeMap<String, f32>) -> Result<WordWeights, String> {
        let readable = |word: &String| scored_words(word).into_iter().eq([word.clone()]);
        if let Some(word) = words.keys().find(|word| !readable(word)) {
            return Err(format!(
                "[{table}] `{word}` is not a word the scorer reads (lowercase letters, digits or _, two or more)"
            ));
        }
        Ok(WordWeights(words.iter().map(|(word, weight)| (word.clone(), *weight)).collect()))
    }

    /// Weights fitted elsewhere (the trainer).
    pub fn new(words: HashMap<String, f32>) -> WordWeights {
        WordWeights(words.into_iter().collect())
    }

    /// What the words of `text` add to its score: each weighed word once however often it is
    /// said, as in the fit.
    pub fn sum(&self, text: &str) -> f32 {
        let mut counted: Vec<&str> = Vec::new();
        let mut lowercase = String::new();
        let mut sum = 0.0;
        for run in word_runs(text) {
            lowercase.clear();
            if run.is_ascii() {
                // Most words are; lowercasing them char by char was most of the scoring.
                lowercase.push_str(run);
                lowercase.make_ascii_lowercase();
            } else {
                lowercase.extend(run.chars().flat_map(char::to_lowercase));
            }
            if let Some((word, weight)) = self.0.get_key_value(lowercase.as_str()) {
                if !counted.contains(&word.as_str()) {
                    counted.push(word);
                    sum += weight;
                }
            }
        }
        sum
    }

    /// Every weighed word and its weight, by word: the table the trainer prints.
    pub fn table(&self) -> BTreeMap<&str, f32> {
        self.0.iter().map(|(word, weight)| (word.as_str(), *weight)).collect()
    }
}
