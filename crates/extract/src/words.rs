//! Word lists shipped as data under `rules/words/` (see scripts/make_word_lists.sh): which words
//! are ordinary English, and how negative or positive a word sounds. Extraction uses them where
//! fixed phrase lists cannot reach: an unknown capitalised word that is no English word may be a
//! product, unless it is someone's first name or a place; a prospect's sentence full of problem
//! words may be a pain no cue names.

use rustc_hash::{FxHashMap, FxHashSet};

/// A lowercase word list; hashed with Fx, as every word of a call is looked up in several.
pub(crate) type WordSet = FxHashSet<String>;

const ENGLISH: &str = include_str!("../../../rules/words/english.txt");
const SENTIMENT: &str = include_str!("../../../rules/words/sentiment.txt");
const GIVEN_NAMES: &str = include_str!("../../../rules/words/given_names.txt");
const PLACES: &str = include_str!("../../../rules/words/places.txt");

pub(crate) struct Words {
    english: FxHashSet<&'static str>,
    valence: FxHashMap<&'static str, f32>,
    given_names: FxHashSet<&'static str>,
    places: FxHashSet<&'static str>,
}

impl Words {
    pub fn builtin() -> Words {
        let lines = |text: &'static str| text.lines().filter(|line| !line.starts_with('#') && !line.is_empty());
        let english = lines(ENGLISH).collect();
        let valence = lines(SENTIMENT)
            .filter_map(|line| {
                let (word, value) = line.split_once('\t')?;
                Some((word, value.parse().ok()?))
            })
            .collect();
        Words { english, valence, given_names: lines(GIVEN_NAMES).collect(), places: lines(PLACES).collect() }
    }

    /// Whether `word` (any case) is a common first name ("Jeanette", "Henrik" is not: census list).
    pub fn is_given_name(&self, word: &str) -> bool {
        listed_str(&self.given_names, word)
    }

    /// Whether `name` (any case, one or more words) is a country, US state or big city.
    pub fn is_place(&self, name: &str) -> bool {
        listed_str(&self.places, name)
    }

    /// Whether `word` (any case) is an ordinary English word, or an inflection the list keeps.
    pub fn is_english(&self, word: &str) -> bool {
        listed_str(&self.english, word)
    }

    /// -4 (most negative) .. 4 (most positive), for the lowercase `word`; None when neutral.
    pub fn valence(&self, lower: &str) -> Option<f32> {
        self.valence.get(lower).copied()
    }

    /// Text for the rule-set version: outputs made with other lists are stale too.
    pub fn fingerprint_sources() -> [&'static str; 4] {
        [ENGLISH, SENTIMENT, GIVEN_NAMES, PLACES]
    }
}

/// Room for the words (or number tokens) of `text`, so a per-sentence word vector is allocated
/// once instead of growing: English runs about five bytes a word with its space, and growing
/// these vectors was a visible share of extraction.
pub(crate) fn word_capacity(text: &str) -> usize {
    text.len() / 4 + 1
}

/// Whether a word is in a lowercase word list, without allocating for short ASCII words.
pub(crate) fn listed(list: &WordSet, word: &str) -> bool {
    list_contains(|lower| list.contains(lower), word)
}

fn listed_str(list: &FxHashSet<&'static str>, word: &str) -> bool {
    list_contains(|lower| list.contains(lower), word)
}

fn list_contains(contains: impl Fn(&str) -> bool, word: &str) -> bool {
    let mut buffer = [0u8; 32];
    if word.len() <= buffer.len() && word.is_ascii() {
        let lower = &mut buffer[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        std::str::from_utf8(lower).is_ok_and(&contains)
    } else {
        contains(&word.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_answer() {
        let words = Words::builtin();
        assert!(words.is_english("Canvas") && words.is_english("epic"));
        assert!(!words.is_english("MeridianLink") && !words.is_english("Dentrix"));
        assert!(words.valence("frustrating").is_some_and(|v| v < -1.0));
        assert!(words.valence("love").is_some_and(|v| v > 1.0));
        assert_eq!(words.valence("invoice"), None);
    }
}
