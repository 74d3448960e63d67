//! Fitted word weights: what the words of a sentence add to a logistic score. The pain scorer
//! adds them to its signals (`[pain_words]`); objections and previous attempts are weighed by
//! their words alone ([`WordScorer`]: `[objection_score]` / `[objection_words]` in
//! objections.toml, `[attempt_score]` / `[attempt_words]` in previous_attempts.toml). They find
//! what the cue lists do not name; the cues stay the way a team states what it knows. All are
//! data in rules/, fitted by the quality example (`--train-pains`, `--train-objections`,
//! `--train-attempts`) on reviewed calls.

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

/// Keys of a [`WordScorer`]'s score table.
const BIAS: &str = "bias";
const THRESHOLD: &str = "threshold";

/// A logistic model over the words of a sentence: the bias, a weight per word, and the score a
/// sentence needs.
#[derive(Debug, Clone, PartialEq)]
pub struct WordScorer {
    bias: f32,
    words: WordWeights,
    threshold: f32,
}

impl WordScorer {
    /// From the score table `[<what>_score]` (`bias` and `threshold`, nothing else) and the word
    /// table `[<what>_words]`, or the problem.
    pub(crate) fn from_tables(
        what: &str,
        table: &BTreeMap<String, f32>,
        words: &BTreeMap<String, f32>,
    ) -> Result<WordScorer, String> {
        if let Some(unknown) = table.keys().find(|key| *key != BIAS && *key != THRESHOLD) {
            return Err(format!("`{unknown}` is not read: [{what}_score] holds `bias` and `threshold`"));
        }
        let get = |key: &str| table.get(key).copied().ok_or_else(|| format!("`{key}` is missing"));
        Ok(WordScorer {
            bias: get(BIAS)?,
            words: WordWeights::from_table(&format!("{what}_words"), words)?,
            threshold: get(THRESHOLD)?,
        })
    }

    /// Weights fitted elsewhere (the trainer), with the threshold to use.
    pub fn new(bias: f32, words: WordWeights, threshold: f32) -> WordScorer {
        WordScorer { bias, words, threshold }
    }

    /// The log-odds that the sentence `text` is what the scorer was fitted to find.
    pub fn score(&self, text: &str) -> f32 {
        self.bias + self.words.sum(text)
    }

    /// Whether a score is enough.
    pub fn passes(&self, score: f32) -> bool {
        score >= self.threshold
    }

    /// The keys and values of the score table.
    pub fn table(&self) -> [(&'static str, f32); 2] {
        [(BIAS, self.bias), (THRESHOLD, self.threshold)]
    }

    /// The word table.
    pub fn word_table(&self) -> BTreeMap<&str, f32> {
        self.words.table()
    }
}
