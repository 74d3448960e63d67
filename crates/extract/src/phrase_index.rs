//! Where the lexicon's phrases occur in a sentence, found word by word rather than byte by byte.
//!
//! A phrase that starts with a letter or digit only counts where a word starts
//! (`lexicon::at_word_edges`), and there the sentence's first word must be the phrase's first word
//! exactly (the phrase goes on with punctuation or ends, and a longer word would fail the edge
//! test). So each phrase is filed under its first word, or under its first two words and what
//! separates them when it has more than one: a common first word ("we", some 250 phrases) then
//! only brings up the phrases that also share the second. Keys are filed by their hash alone:
//! a phrase another key's hash brings up is compared with the sentence all the same, and one
//! whose key's hash is not the sentence's cannot be there.
//!
//! A phrase that opens with punctuation ("'ll want to see") may start anywhere, even inside a
//! word, but its first word is still a word of the sentence: it is filed under that word, and
//! the punctuation is checked before it.
//!
//! Phrases and sentences are compared ASCII-lowercased: same bytes at the same offsets.

use crate::lexicon::is_word_char;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;
use std::ops::Range;

pub(crate) struct PhraseIndex {
    /// Each phrase ASCII-lowercased, by phrase id.
    folded: Vec<Box<str>>,
    /// Phrases by the hash of their key: from their first word to its end for a one-word phrase
    /// (maybe with punctuation after it: "kahoot!"), to the end of the second word for a longer
    /// one ("we are", "e-mail"). The phrases of a key are `entries[range]`.
    by_key: FxHashMap<u64, Range<u32>>,
    entries: Vec<Entry>,
    /// One bit per `KEY_FILTER_BITS` bits of a key hash: most words of a sentence start no
    /// phrase, and this small table says so without a probe of the larger `by_key`.
    key_filter: Vec<u64>,
    /// Phrases without a word (";", "—"): searched for as they are.
    wordless: Vec<u32>,
}

/// A phrase filed under a key.
#[derive(Clone, Copy)]
struct Entry {
    id: u32,
    /// Bytes of punctuation before the phrase's first word.
    lead: u32,
}

/// 2^17 bits (16 KiB): about one in ten set for the rule packs' keys.
const KEY_FILTER_BITS: u32 = 17;

impl PhraseIndex {
    /// Indexes `phrases`; a phrase's id is its position.
    pub fn new(phrases: &[String]) -> PhraseIndex {
        let folded: Vec<Box<str>> = phrases.iter().map(|phrase| phrase.to_ascii_lowercase().into_boxed_str()).collect();
        let mut keyed: Vec<(u64, Entry)> = Vec::with_capacity(folded.len());
        let mut wordless = Vec::new();
        for (id, phrase) in folded.iter().enumerate() {
            let id = id as u32;
            let mut words = word_runs(phrase);
            let Some(first) = words.next() else {
                wordless.push(id);
                continue;
            };
            let end = words.next().map_or(first.end, |second| second.end);
            keyed.push((key_hash(&phrase[first.start..end]), Entry { id, lead: first.start as u32 }));
        }
        keyed.sort_unstable_by_key(|&(key, entry)| (key, entry.id));
        let mut by_key: FxHashMap<u64, Range<u32>> = FxHashMap::default();
        let mut key_filter = vec![0u64; 1 << (KEY_FILTER_BITS - 6)];
        for (at, &(key, _)) in keyed.iter().enumerate() {
            by_key.entry(key).or_insert(at as u32..at as u32).end = at as u32 + 1;
            let bit = filter_bit(key);
            key_filter[bit / 64] |= 1 << (bit % 64);
        }
        let entries = keyed.into_iter().map(|(_, entry)| entry).collect();
        PhraseIndex { folded, by_key, entries, key_filter, wordless }
    }

    /// Calls `found(id, start, end)` for every occurrence in `folded` (a sentence ASCII-lowercased)
    /// of a phrase that may count there: a phrase opening with a word only where a word starts.
    /// In no particular order; whether an occurrence ends at a word's edge is left to the caller.
    pub fn occurrences(&self, folded: &str, mut found: impl FnMut(u32, usize, usize)) {
        let mut check = |key: &str, word_start: usize| {
            let hash = key_hash(key);
            let bit = filter_bit(hash);
            if self.key_filter[bit / 64] & (1 << (bit % 64)) == 0 {
                return;
            }
            let Some(range) = self.by_key.get(&hash) else {
                return;
            };
            for entry in &self.entries[range.start as usize..range.end as usize] {
                let Some(start) = word_start.checked_sub(entry.lead as usize) else {
                    continue;
                };
                let phrase = &self.folded[entry.id as usize];
                if folded.as_bytes()[start..].starts_with(phrase.as_bytes()) {
                    found(entry.id, start, start + phrase.len());
                }
            }
        };
        let mut words = word_runs(folded).peekable();
        while let Some(word) = words.next() {
            check(&folded[word.clone()], word.start);
            if let Some(second) = words.peek() {
                check(&folded[word.start..second.end], word.start);
            }
        }
        for &id in &self.wordless {
            let phrase = &*self.folded[id as usize];
            let step = phrase.chars().next().map_or(1, char::len_utf8);
            let mut from = 0;
            // Overlapping occurrences too: each search starts one character past the last.
            while let Some(at) = folded[from..].find(phrase) {
                found(id, from + at, from + at + phrase.len());
                from += at + step;
            }
        }
    }
}

fn key_hash(key: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(key.as_bytes());
    hasher.finish()
}

/// The bit of `key_filter` for a key hash: its top bits, the best mixed of an Fx hash.
fn filter_bit(hash: u64) -> usize {
    (hash >> (64 - KEY_FILTER_BITS)) as usize
}

/// The byte ranges of the words of `text`: maximal runs of word characters.
fn word_runs(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    // Whether the character at a byte offset is a word character, and its length; most are ASCII.
    let word_char_at = move |at: usize| match bytes[at] {
        byte if byte.is_ascii() => (byte.is_ascii_alphanumeric(), 1),
        _ => text[at..].chars().next().map_or((false, 1), |c| (is_word_char(c), c.len_utf8())),
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut start = None;
        while at < bytes.len() {
            let (is_word, length) = word_char_at(at);
            match (is_word, start) {
                (true, None) => start = Some(at),
                (false, Some(_)) => break,
                _ => {}
            }
            at += length;
        }
        start.map(|start| start..at)
    })
}
