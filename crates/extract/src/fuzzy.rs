//! Fuzzy matching of dictionary names (systems, competitors, regulations) that transcription
//! misspelled: "Wordday" for Workday, "Snowflak" for Snowflake, "Clarri" for Clari.
//!
//! Only words the exact pass left alone are tried, and only where a name is likely: a token
//! starting with a capital letter, as Whisper writes names, or two such tokens joined ("Psi
//! VSS"). The candidate and every alias are compared case-folded with everything but letters
//! and digits removed (spaces, hyphens, dots).
//!
//! Thresholds (Levenshtein distance, over the shorter of the two normalised lengths):
//! - under 5 characters: never (acronyms one letter apart are other acronyms: SOC / SOX);
//! - 5-8 characters: 1, and the first letter must agree ("Black" is not "Slack", "Securly" is
//!   not Recurly: a one-letter slip that changes the onset is more often another product);
//! - 9 and more: 2.
//!
//! A window opening the sentence is capitalised anyway, so there only names of 7 or more
//! characters are tried. `exact_case` aliases (English words in lowercase) are not used.
//!
//! A single word in camel case ("OroCommerce") was written as a name: its first letter must agree
//! too, however long it is.
//!
//! Guards: no token of the candidate may be a frequent English word ([`STOPLIST`]) or a known
//! first name ("Clara" is a person, not Clari); a single capitalised word may not be any English
//! word ("Customer" in "VP of Customer" is not Kustomer, "Expensive," is not Expensify), while a
//! pair may, since Whisper splits names into words ("Snow Flake"); a window that is only part
//! of a longer run of capitalised words is another name ("CCH Axcess" is not Axxess, "Google
//! Street View" is not Google Sheets); an entry's `requires_any` still applies. A fuzzy
//! hit points at the entry's fuzzy twin: same name, `rule` ending in `~fuzzy`, confidence
//! scaled by [`FUZZY_CONFIDENCE_FACTOR`], so the SDR sees it was a guess.

use crate::distance::edit_distance;
use crate::kinds::EntityKind;
use crate::lexicon::{Hit, Layer, Lexicon};
use crate::words::{WordSet, Words};
use rustc_hash::FxHashSet;
use std::ops::Range;

/// Confidence of a fuzzy hit relative to its entry's.
pub(crate) const FUZZY_CONFIDENCE_FACTOR: f32 = 0.6;
/// Normalised names shorter than this are never matched fuzzily.
const MIN_FUZZY_LEN: usize = 5;
/// Names at least this long allow two edits instead of one.
const TWO_EDITS_LEN: usize = 9;
/// Below this length the first letter must agree as well.
const SAME_FIRST_LETTER_BELOW: usize = 9;
/// A window opening the sentence is capitalised anyway: there only names this long are tried.
const SENTENCE_OPENING_MIN_LEN: usize = 7;
/// Names longer than this are not tried (normalised bytes).
const MAX_FUZZY_LEN: usize = 32;

/// Frequent English words (lowercase) that are never read as a misspelled name, however close
/// to one: capitalised at the start of a sentence, they would otherwise look like names.
const STOPLIST: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "an", "and", "any", "are", "as", "at", "back", "be", "because",
    "been", "before", "being", "better", "black", "both", "but", "by", "call", "calls", "can", "case", "cases",
    "clear", "clearly", "close", "could", "data", "day", "days", "desk", "did", "do", "does", "doing", "done", "down",
    "each", "even", "every", "first", "for", "forward", "from", "get", "getting", "go", "going", "good", "great",
    "had", "has", "have", "having", "he", "her", "here", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "just", "know", "last", "later", "like", "look", "looking", "lot", "made", "make", "many", "may", "maybe", "me",
    "more", "most", "much", "must", "my", "need", "needs", "net", "never", "new", "next", "no", "not", "now", "of",
    "off", "okay", "on", "one", "only", "or", "other", "our", "out", "over", "own", "part", "people", "plan", "please",
    "point", "pretty", "quite", "really", "right", "sale", "sales", "same", "say", "see", "she", "should", "since",
    "so", "some", "still", "such", "sure", "take", "team", "teams", "than", "thank", "thanks", "that", "the", "their",
    "them", "then", "there", "these", "they", "thing", "things", "think", "this", "those", "though", "three",
    "through", "time", "times", "to", "today", "too", "two", "under", "until", "up", "us", "use", "used", "using",
    "very", "want", "was", "way", "we", "week", "weeks", "well", "were", "what", "when", "where", "which", "while",
    "who", "why", "will", "with", "word", "words", "work", "worked", "working", "works", "would", "yeah", "year",
    "years", "yes", "yet", "you", "your",
];

/// One alias, normalised, and the fuzzy twin of the entry it belongs to.
#[derive(Debug)]
struct FuzzyName {
    key: Box<[u8]>,
    /// `letters(key)`: a cheap filter before the edit distance.
    letters: u64,
    kind: EntityKind,
    /// The entry's fuzzy twin in `RuleSet::entities`.
    twin: u32,
    requires: Option<u32>,
}

/// What `closest` checks of a name before its edit distance, packed for the scan.
#[derive(Debug, Clone, Copy)]
struct Filter {
    length: u8,
    first: u8,
    letters: u64,
    /// Index into `FuzzyIndex::names`.
    name: u32,
}

/// Every fuzzily matchable alias, sorted by normalised length.
#[derive(Debug, Default)]
pub(crate) struct FuzzyIndex {
    names: Vec<FuzzyName>,
    /// One per name, same order.
    filters: Vec<Filter>,
    /// (twin, kind, key) of every name, so an alias is indexed once per entry.
    added: FxHashSet<(u32, EntityKind, Box<[u8]>)>,
    /// `filters` split by first byte, same order within each: a candidate shorter than
    /// SAME_FIRST_LETTER_BELOW can only match names starting like it, a small share of all.
    filters_by_first: Vec<Vec<Filter>>,
}

/// Which entity kinds are matched fuzzily.
pub(crate) fn is_fuzzy_kind(kind: EntityKind) -> bool {
    matches!(kind, EntityKind::System | EntityKind::Competitor | EntityKind::Regulation)
}

/// Lowercase ASCII alphanumerics of `text`, everything else dropped; None if too long or not
/// ASCII.
fn normalize(text: &str) -> Option<Vec<u8>> {
    if !text.is_ascii() {
        return None;
    }
    let key: Vec<u8> = text.bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_lowercase()).collect();
    (key.len() <= MAX_FUZZY_LEN).then_some(key)
}

/// Edits allowed between a candidate and a name whose shorter normalised length is `length`.
fn allowed_edits(length: usize) -> usize {
    match length {
        0..MIN_FUZZY_LEN => 0,
        MIN_FUZZY_LEN..TWO_EDITS_LEN => 1,
        _ => 2,
    }
}

impl FuzzyIndex {
    /// Adds `alias` of the entry whose fuzzy twin is `twin`.
    pub(crate) fn add(&mut self, alias: &str, kind: EntityKind, twin: u32, requires: Option<u32>) {
        let Some(key) = normalize(alias) else {
            return;
        };
        let key = key.into_boxed_slice();
        if key.len() < MIN_FUZZY_LEN || !self.added.insert((twin, kind, key.clone())) {
            return;
        }
        let letters = letters(&key);
        self.names.push(FuzzyName { key, letters, kind, twin, requires });
    }

    /// Orders the names by length; call once when every alias is in.
    pub(crate) fn finish(&mut self) {
        self.added = FxHashSet::default();
        self.names.sort_by_key(|name| name.key.len());
        self.filters = (self.names.iter().enumerate())
            .map(|(at, name)| Filter {
                length: name.key.len() as u8,
                first: name.key[0],
                letters: name.letters,
                name: at as u32,
            })
            .collect();
        self.filters_by_first = vec![Vec::new(); 256];
        for filter in &self.filters {
            self.filters_by_first[usize::from(filter.first)].push(*filter);
        }
    }

    /// The closest name to `key` within the allowed edits (ties: the first added shortest).
    fn closest(&self, key: &[u8], mut accepts: impl FnMut(&FuzzyName) -> bool) -> Option<&FuzzyName> {
        if key.len() < MIN_FUZZY_LEN {
            return None;
        }
        let reach = allowed_edits(key.len());
        let key_letters = letters(key);
        let lengths = key.len() - reach..key.len() + reach + 1;
        // Names shorter than SAME_FIRST_LETTER_BELOW, or all of them for a short key, must start
        // like the key; in length order, they all come before the longer names.
        let first_letter_until =
            if key.len() < SAME_FIRST_LETTER_BELOW { lengths.end } else { SAME_FIRST_LETTER_BELOW };
        let same_first = of_lengths(&self.filters_by_first[usize::from(key[0])], lengths.start..first_letter_until);
        let any_first = of_lengths(&self.filters, first_letter_until.max(lengths.start)..lengths.end);
        let mut best: Option<(usize, &FuzzyName)> = None;
        for &Filter { length, first, letters: name_letters, name } in same_first.iter().chain(any_first) {
            let length = usize::from(length);
            let shorter = length.min(key.len());
            let edits = allowed_edits(shorter);
            if edits == 0 || length.abs_diff(key.len()) > edits {
                continue;
            }
            if shorter < SAME_FIRST_LETTER_BELOW && first != key[0] {
                continue;
            }
            // Each edit brings in at most one letter the other side lacks.
            let (extra, missing) = (key_letters & !name_letters, name_letters & !key_letters);
            if extra.count_ones() as usize > edits || missing.count_ones() as usize > edits {
                continue;
            }
            let name = &self.names[name as usize];
            let distance = edit_distance(&name.key, key);
            if distance <= edits && best.is_none_or(|(d, _)| distance < d) && accepts(name) {
                best = Some((distance, name));
            }
        }
        best.map(|(_, name)| name)
    }

    /// Appends fuzzy hits for `text` to `out`, where `out[base..]` already holds the exact hits
    /// of the sentence. Windows overlapping an exact entity hit are skipped.
    pub(crate) fn scan(
        &self,
        text: &str,
        lexicon: &Lexicon,
        first_names: &WordSet,
        words: &Words,
        out: &mut Vec<Hit>,
        base: usize,
    ) {
        if self.names.is_empty() {
            return;
        }
        let bytes = text.as_bytes();
        let mut lowercase: Option<String> = None;
        let before = out.len();
        let mut at = 0;
        while at < bytes.len() {
            // Only words that start with a capital: Whisper writes names that way.
            let Some(offset) = bytes[at..].iter().position(u8::is_ascii_uppercase) else {
                break;
            };
            let start = at + offset;
            let end = token_end(bytes, start);
            at = end;
            if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            let opens_sentence = !bytes[..start].iter().any(u8::is_ascii_alphanumeric);
            // A second capitalised word may be part of the name ("Psi VSS", "Snow Flak").
            let gap = bytes[end..].iter().take(2).take_while(|&&b| b == b' ' || b == b'-').count();
            let pair = (gap > 0 && bytes.get(end + gap).is_some_and(u8::is_ascii_uppercase))
                .then(|| token_end(bytes, end + gap));
            let shortest = if opens_sentence { SENTENCE_OPENING_MIN_LEN } else { MIN_FUZZY_LEN };
            // Cheapest checks first.
            if (pair.is_none() && end - start < shortest) || is_stopword(&text[start..end]) {
                continue;
            }
            let pair = pair.filter(|&pair_end| !is_stopword(&text[end + gap..pair_end]));
            for window_end in pair.into_iter().chain(std::iter::once(end)) {
                let overlaps_exact = out[base..before]
                    .iter()
                    .any(|hit| matches!(hit.layer, Layer::Entity(_)) && hit.start < window_end && start < hit.end);
                if overlaps_exact {
                    continue;
                }
                let window = &text[start..window_end];
                let mut buffer = [0u8; MAX_FUZZY_LEN];
                let Some(key) = normalize_into(window, &mut buffer) else {
                    continue;
                };
                // Every sentence starts with a capital: there, only longer names are tried.
                if opens_sentence && key.len() < SENTENCE_OPENING_MIN_LEN {
                    continue;
                }
                // Word-list lookups before the search among all names, which costs far more.
                if window.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| is_common(word, first_names)) {
                    continue;
                }
                let single_word = window_end == end;
                if single_word && words.is_english(window) {
                    continue;
                }
                let Some(name) = self.closest(key, |name| match name.requires {
                    None => true,
                    Some(requirement) => {
                        let lower = lowercase.get_or_insert_with(|| text.to_lowercase());
                        lexicon.requirement_met(requirement, lower)
                    }
                }) else {
                    continue;
                };
                // "OroCommerce" is written as a name of its own: a slip in its first letter makes
                // another product (WooCommerce), not a misspelling.
                if single_word && name.key[0] != key[0] && has_inner_capital(window) {
                    continue;
                }
                if part_of_longer_name(text, start, window_end, words) {
                    continue;
                }
                out.push(Hit { layer: Layer::Entity(name.kind), index: name.twin, start, end: window_end });
                at = window_end;
                break;
            }
        }
        if out.len() > before {
            out[base..].sort_unstable_by_key(|hit| (hit.layer, hit.start));
        }
    }
}

/// A capital after a lowercase letter inside the word: "OroCommerce", "ServiceTitan".
fn has_inner_capital(word: &str) -> bool {
    word.as_bytes().windows(2).any(|pair| pair[0].is_ascii_lowercase() && pair[1].is_ascii_uppercase())
}

/// The filters (sorted by length) of names whose length is in `lengths`.
fn of_lengths(filters: &[Filter], lengths: Range<usize>) -> &[Filter] {
    let start = filters.partition_point(|filter| usize::from(filter.length) < lengths.start);
    let end = filters.partition_point(|filter| usize::from(filter.length) < lengths.end);
    &filters[start..end.max(start)]
}

/// Whether `text[start..end]` continues a run of capitalised words: a capitalised word before
/// it (other than "I", or an English word that is only capitalised for opening the sentence),
/// or a title-case word after it. An all-capitals word after it is let through, since it is
/// usually the product's category ("Wordday HCM").
fn part_of_longer_name(text: &str, start: usize, end: usize, words: &Words) -> bool {
    let before = text[..start].strip_suffix(' ').is_some_and(|head| {
        // The separator may be wider than a byte (an em dash before the name).
        let word_start =
            head.char_indices().rev().find(|(_, c)| !c.is_ascii_alphanumeric()).map_or(0, |(at, c)| at + c.len_utf8());
        let word = &head[word_start..];
        let opens_sentence = !head[..word_start].bytes().any(|b| b.is_ascii_alphanumeric());
        word.starts_with(|c: char| c.is_ascii_uppercase()) && word != "I" && !(opens_sentence && words.is_english(word))
    });
    let after = text[end..].strip_prefix(' ').is_some_and(|tail| {
        let mut letters = tail.chars();
        letters.next().is_some_and(|c| c.is_ascii_uppercase()) && letters.next().is_some_and(|c| c.is_ascii_lowercase())
    });
    before || after
}

/// The set of letters and digits in a normalised key, one bit each.
fn letters(key: &[u8]) -> u64 {
    key.iter().fold(0, |set, &b| set | 1u64 << (b % 64))
}

/// A frequent English word or a first name: never a misspelled product.
fn is_common(word: &str, first_names: &WordSet) -> bool {
    is_stopword(word) || crate::words::listed(first_names, word)
}

/// Whether `word` is in [`STOPLIST`], case-insensitively.
fn is_stopword(word: &str) -> bool {
    let mut buffer = [0u8; 16];
    if word.is_empty() || word.len() > buffer.len() {
        return false;
    }
    let lower = &mut buffer[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    STOPLIST.binary_search_by(|entry| entry.as_bytes().cmp(lower)).is_ok()
}

/// End of the ASCII-alphanumeric run starting at `start`.
fn token_end(bytes: &[u8], start: usize) -> usize {
    start + bytes[start..].iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(bytes.len() - start)
}

/// `normalize` into a stack buffer: lowercase alphanumerics only; None if they do not fit.
fn normalize_into<'b>(text: &str, buffer: &'b mut [u8; MAX_FUZZY_LEN]) -> Option<&'b [u8]> {
    let mut length = 0;
    for b in text.bytes().filter(u8::is_ascii_alphanumeric) {
        *buffer.get_mut(length)? = b.to_ascii_lowercase();
        length += 1;
    }
    Some(&buffer[..length])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stoplist_is_sorted_for_binary_search() {
        assert!(STOPLIST.windows(2).all(|pair| pair[0] < pair[1]), "keep STOPLIST sorted and unique");
    }

    #[test]
    fn thresholds() {
        assert_eq!(allowed_edits(4), 0);
        assert_eq!(allowed_edits(5), 1);
        assert_eq!(allowed_edits(8), 1);
        assert_eq!(allowed_edits(9), 2);
        assert_eq!(edit_distance(b"wordday", b"workday"), 1);
        assert_eq!(edit_distance(b"Snowflak", b"snowflake"), 1);
    }

    #[test]
    fn tokens_and_keys() {
        let text = "Hump's part, SOC2.";
        assert_eq!(token_end(text.as_bytes(), 0), 4);
        assert_eq!(token_end(text.as_bytes(), 13), 17);
        let mut buffer = [0u8; MAX_FUZZY_LEN];
        assert_eq!(normalize_into("Net-Suite", &mut buffer), Some(&b"netsuite"[..]));
        assert_eq!(normalize(text).as_deref(), Some(&b"humpspartsoc2"[..]));
    }
}
