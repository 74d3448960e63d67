//! One pass over a sentence finds every dictionary entry and cue of every pack: the phrases (with
//! their spoken and written variants) looked up by the sentence's words (`PhraseIndex`), plus one
//! `RegexSet` pass that only runs the individual regexes that can match.

use crate::kinds::{CueKind, EntityKind};
use crate::phrase_index::PhraseIndex;
use regex::{Regex, RegexSet, RegexSetBuilder};
use rustc_hash::FxHashSet;

/// Which list a hit belongs to. Overlapping hits are resolved leftmost-longest within a layer
/// only, so "manual" can be both a pain cue and a pain topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Layer {
    Entity(EntityKind),
    Cue(CueKind),
}

/// A match in a sentence: byte range plus the entry (`Entity`) or rule (`Cue`) index in `RuleSet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub layer: Layer,
    pub index: u32,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug)]
struct PhraseMeta {
    layer: Layer,
    index: u32,
    /// Some(text) when the phrase only counts with exactly this capitalisation.
    exact: Option<Box<str>>,
    /// Index into `requirements`: one of those words must also be in the sentence.
    requires: Option<u32>,
}

#[derive(Default)]
pub(crate) struct LexiconBuilder {
    phrases: Vec<String>,
    meta: Vec<PhraseMeta>,
    seen: FxHashSet<(String, Layer, u32, bool)>,
    eager: PatternGroupBuilder,
    on_demand: PatternGroupBuilder,
    adjacent: Vec<AdjacentPhrase>,
    requirements: Vec<Vec<String>>,
}

/// A `window = 0` cue phrase, lowercase.
#[derive(Debug)]
struct AdjacentPhrase {
    layer: Layer,
    index: u32,
    text: String,
}

#[derive(Default)]
struct PatternGroupBuilder {
    patterns: Vec<Regex>,
    sources: Vec<String>,
    meta: Vec<(Layer, u32)>,
}

/// Compiled size and lazy-DFA cache of a gate over all the patterns of a group: well above the
/// built-in packs' needs, so a team's extra patterns fit.
const GATE_SIZE_LIMIT: usize = 64 << 20;
const GATE_DFA_SIZE_LIMIT: usize = 16 << 20;

impl PatternGroupBuilder {
    fn build(self) -> Result<PatternGroup, String> {
        // An ASCII-only gate takes about half the memory and load time of a Unicode one (the
        // case-folded Unicode classes of `\b` and `\w` are large) and decides exactly the same
        // on ASCII text. A pattern that needs Unicode (`\p{Lu}`) keeps the Unicode gate.
        let ascii = regex::bytes::RegexSetBuilder::new(&self.sources)
            .case_insensitive(true)
            .unicode(false)
            .size_limit(GATE_SIZE_LIMIT)
            .dfa_size_limit(GATE_DFA_SIZE_LIMIT)
            .build();
        let gate = match ascii {
            Ok(set) => Gate::Ascii(set),
            Err(_) => Gate::Unicode(
                RegexSetBuilder::new(&self.sources)
                    .case_insensitive(true)
                    .size_limit(GATE_SIZE_LIMIT)
                    .dfa_size_limit(GATE_DFA_SIZE_LIMIT)
                    .build()
                    .map_err(|error| error.to_string())?,
            ),
        };
        Ok(PatternGroup { gate, patterns: self.patterns, meta: self.meta })
    }
}

/// Regexes behind one `RegexSet`: a single pass says which can match, only those run.
struct PatternGroup {
    gate: Gate,
    patterns: Vec<Regex>,
    meta: Vec<(Layer, u32)>,
}

enum Gate {
    /// For ASCII sentences only; any other sentence runs every pattern itself (about 0.3 ms
    /// more per such sentence with the built-in packs).
    Ascii(regex::bytes::RegexSet),
    Unicode(RegexSet),
}

impl PatternGroup {
    fn scan(&self, text: &str, out: &mut Vec<Hit>) {
        if self.patterns.is_empty() {
            return;
        }
        let run = |which: usize| {
            let (layer, index) = self.meta[which];
            for found in self.patterns[which].find_iter(text) {
                if found.start() < found.end() {
                    out.push(Hit { layer, index, start: found.start(), end: found.end() });
                }
            }
        };
        // `is_match` can stop early and skips the per-pattern bookkeeping of `matches`; most
        // sentences match no pattern at all.
        match &self.gate {
            Gate::Ascii(gate) if text.is_ascii() => {
                if gate.is_match(text.as_bytes()) {
                    gate.matches(text.as_bytes()).iter().for_each(run);
                }
            }
            Gate::Ascii(_) => (0..self.patterns.len()).for_each(run),
            Gate::Unicode(gate) => {
                if gate.is_match(text) {
                    gate.matches(text).iter().for_each(run);
                }
            }
        }
    }
}

/// Patterns only some sentences need run on demand instead of on every sentence: titles ("head
/// of patient experience", the costliest regexes) matter only next to a name or in an
/// introduction, next-step times only in a sentence that already holds a next step.
fn runs_on_demand(layer: Layer) -> bool {
    matches!(layer, Layer::Cue(CueKind::Title | CueKind::StepWhen))
}

impl LexiconBuilder {
    /// Adds a phrase and its variants ("we're" / "we are", "SOC 2" / "SOC two", "e-mail" /
    /// "e mail" / "email" for names). `exact` keeps the capitalisation significant.
    pub fn phrase(&mut self, phrase: &str, layer: Layer, index: u32, exact: bool, requires: Option<u32>) {
        let is_name = matches!(layer, Layer::Entity(_));
        for variant in variants(phrase, is_name) {
            let key = (variant.clone(), layer, index, exact);
            if !self.seen.insert(key) {
                continue;
            }
            let exact = exact.then(|| variant.clone().into_boxed_str());
            self.phrases.push(variant);
            self.meta.push(PhraseMeta { layer, index, exact, requires });
        }
    }

    /// Adds a cue that only counts right next to what it qualifies (`window = 0`: "no HIPAA",
    /// "data from Salesforce"). Such cues are mostly tiny common words; they stay out of the
    /// phrase index and are checked beside a target on request (`Lexicon::adjacent`).
    pub fn adjacent_phrase(&mut self, phrase: &str, layer: Layer, index: u32) {
        for variant in variants(phrase, false) {
            let variant = variant.to_lowercase();
            if !self.adjacent.iter().any(|known| known.layer == layer && known.index == index && known.text == variant)
            {
                self.adjacent.push(AdjacentPhrase { layer, index, text: variant });
            }
        }
    }

    /// Registers words of which one must be in the sentence; returns the id to pass to `phrase`.
    pub fn requirement(&mut self, words: Vec<String>) -> u32 {
        self.requirements.push(words.into_iter().map(|w| w.to_lowercase()).collect());
        (self.requirements.len() - 1) as u32
    }

    /// Adds a compiled regex; `source` is its text, used to build the gating `RegexSet`.
    pub fn pattern(&mut self, regex: Regex, source: String, layer: Layer, index: u32) {
        let group = if runs_on_demand(layer) { &mut self.on_demand } else { &mut self.eager };
        group.patterns.push(regex);
        group.sources.push(source);
        group.meta.push((layer, index));
    }

    pub fn build(self) -> Result<Lexicon, String> {
        let LexiconBuilder { phrases, meta, eager, on_demand, adjacent, requirements, .. } = self;
        // Every run pays for these before extracting: the phrase index is built beside the
        // regex sets where there is a second core.
        let (phrases, eager, on_demand) = std::thread::scope(|scope| {
            let phrases = scope.spawn(|| PhraseIndex::new(&phrases));
            let (eager, on_demand) = (eager.build(), on_demand.build());
            let phrases = phrases.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (phrases, eager, on_demand)
        });
        Ok(Lexicon { phrases, meta, eager: eager?, on_demand: on_demand?, adjacent, requirements })
    }
}

pub(crate) struct Lexicon {
    phrases: PhraseIndex,
    meta: Vec<PhraseMeta>,
    eager: PatternGroup,
    on_demand: PatternGroup,
    adjacent: Vec<AdjacentPhrase>,
    requirements: Vec<Vec<String>>,
}

impl Lexicon {
    /// Appends the hits in `text` to `out`: whole words only, leftmost-longest within each layer,
    /// in order of position. A dictionary name said without any of the words its entry requires
    /// goes to `unmet` instead ("the Square reader" with no word of payments).
    pub fn scan(&self, text: &str, out: &mut Vec<Hit>, unmet: &mut Vec<Hit>) {
        let base = out.len();
        let mut lowercase: Option<String> = None;
        // Same bytes at the same offsets, ASCII letters lowercased: what the phrase index reads.
        let folded = text.to_ascii_lowercase();
        self.phrases.occurrences(&folded, |id, start, end| {
            let meta = &self.meta[id as usize];
            if !at_word_edges(text, start, end) {
                return;
            }
            if meta.exact.as_deref().is_some_and(|exact| &text[start..end] != exact) {
                return;
            }
            if let Some(requirement) = meta.requires {
                let lower = lowercase.get_or_insert_with(|| text.to_lowercase());
                let words = &self.requirements[requirement as usize];
                if !words.iter().any(|word| contains_word(lower, word)) {
                    unmet.push(Hit { layer: meta.layer, index: meta.index, start, end });
                    return;
                }
            }
            out.push(Hit { layer: meta.layer, index: meta.index, start, end });
        });
        self.eager.scan(text, out);
        keep_leftmost_longest(out, base);
    }

    /// The `window = 0` cues of `layer` standing right before or right after `target` (only
    /// spaces between), as hits.
    pub fn adjacent(&self, text: &str, target: &Hit, layer: Layer) -> Vec<Hit> {
        let before = text[..target.start].trim_end();
        let after_start = target.end + (text[target.end..].len() - text[target.end..].trim_start().len());
        let after = &text[after_start..];
        let mut found = Vec::new();
        for phrase in self.adjacent.iter().filter(|phrase| phrase.layer == layer) {
            let length = phrase.text.len();
            if before.len() >= length && before.is_char_boundary(before.len() - length) {
                let start = before.len() - length;
                if before[start..].eq_ignore_ascii_case(&phrase.text) && at_word_edges(text, start, before.len()) {
                    found.push(Hit { layer, index: phrase.index, start, end: before.len() });
                }
            }
            if after.len() >= length
                && after.is_char_boundary(length)
                && after[..length].eq_ignore_ascii_case(&phrase.text)
            {
                let (start, end) = (after_start, after_start + length);
                if at_word_edges(text, start, end) {
                    found.push(Hit { layer, index: phrase.index, start, end });
                }
            }
        }
        found
    }

    /// Whether one of the words of `requirement` (see `LexiconBuilder::requirement`) is in
    /// `lowercase`, the sentence lowercased.
    pub fn requirement_met(&self, requirement: u32, lowercase: &str) -> bool {
        self.requirements[requirement as usize].iter().any(|word| contains_word(lowercase, word))
    }

    /// The hits of the patterns that only run on demand (see `runs_on_demand`).
    pub fn scan_on_demand(&self, text: &str) -> Vec<Hit> {
        let mut out = Vec::new();
        self.on_demand.scan(text, &mut out);
        keep_leftmost_longest(&mut out, 0);
        out
    }
}

/// Within each layer keeps the leftmost, then longest, of overlapping hits; orders by position.
fn keep_leftmost_longest(out: &mut Vec<Hit>, base: usize) {
    let hits = &mut out[base..];
    hits.sort_unstable_by_key(|hit| (hit.layer, hit.start, std::cmp::Reverse(hit.end), hit.index));
    let mut kept = base;
    for read in base..out.len() {
        let hit = out[read];
        if kept > base {
            let previous = out[kept - 1];
            if previous.layer == hit.layer && hit.start < previous.end {
                continue;
            }
        }
        out[kept] = hit;
        kept += 1;
    }
    out.truncate(kept);
    out[base..].sort_unstable_by_key(|hit| (hit.start, hit.layer, hit.end));
}

/// Letters and digits: what a phrase must not start or end in the middle of.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// True when the match neither starts nor ends inside a word ("our" must not match in "hour").
pub(crate) fn at_word_edges(text: &str, start: usize, end: usize) -> bool {
    let first_is_word = text[start..].chars().next().is_some_and(is_word_char);
    let last_is_word = text[..end].chars().next_back().is_some_and(is_word_char);
    let before_is_word = text[..start].chars().next_back().is_some_and(is_word_char);
    let after_is_word = text[end..].chars().next().is_some_and(is_word_char);
    !(first_is_word && before_is_word || last_is_word && after_is_word)
}

/// Whole-word (or whole-phrase) containment in already-lowercased text.
pub(crate) fn contains_word(haystack: &str, word: &str) -> bool {
    haystack.match_indices(word).any(|(start, matched)| at_word_edges(haystack, start, start + matched.len()))
}

/// Contractions whisper may write either way; a phrase written with one also matches the other.
const CONTRACTIONS: &[(&str, &str)] = &[
    ("we're", "we are"),
    ("i'm", "i am"),
    ("you're", "you are"),
    ("they're", "they are"),
    ("it's", "it is"),
    ("that's", "that is"),
    ("there's", "there is"),
    ("what's", "what is"),
    ("he's", "he is"),
    ("she's", "she is"),
    ("we've", "we have"),
    ("i've", "i have"),
    ("they've", "they have"),
    ("you've", "you have"),
    ("we'll", "we will"),
    ("i'll", "i will"),
    ("you'll", "you will"),
    ("they'll", "they will"),
    ("it'll", "it will"),
    ("he'll", "he will"),
    ("she'll", "she will"),
    ("we'd", "we would"),
    ("i'd", "i would"),
    ("don't", "do not"),
    ("doesn't", "does not"),
    ("didn't", "did not"),
    ("can't", "cannot"),
    ("can't", "can not"),
    ("won't", "will not"),
    ("isn't", "is not"),
    ("aren't", "are not"),
    ("wasn't", "was not"),
    ("weren't", "were not"),
    ("haven't", "have not"),
    ("hasn't", "has not"),
    ("hadn't", "had not"),
    ("shouldn't", "should not"),
    ("wouldn't", "would not"),
    ("couldn't", "could not"),
    ("let's", "let us"),
];

/// Upper bound on variants of one phrase, so a long phrase full of contractions cannot explode.
const MAX_VARIANTS: usize = 32;

/// Every way the phrase may appear in a transcript. Cues are compared lowercase; names keep
/// their case (for `exact_case`) and also match with hyphens and spaces swapped.
pub(crate) fn variants(phrase: &str, is_name: bool) -> Vec<String> {
    let base = phrase.split_whitespace().collect::<Vec<_>>().join(" ").replace('\u{2019}', "'");
    let mut all = vec![base];
    let add = |all: &mut Vec<String>, candidate: String| {
        if all.len() < MAX_VARIANTS && !candidate.is_empty() && !all.contains(&candidate) {
            all.push(candidate);
        }
    };
    // `all` lowercased, kept alongside: each contraction below looks at every variant.
    let mut lowercase: Vec<String> = Vec::new();
    for (short, long) in CONTRACTIONS {
        let long_first = long.split(' ').next().unwrap_or(long);
        for i in 0..all.len() {
            if i == lowercase.len() {
                lowercase.push(all[i].to_lowercase());
            }
            let lower = &lowercase[i];
            // Most phrases hold no contraction and no pronoun: a word check is far cheaper than
            // searching for each form (rules load pays this for every alias of every pack).
            if !lower.split(' ').any(|word| word == *short || word == long_first) {
                continue;
            }
            if let Some(swapped) = replace_words(lower, short, long) {
                add(&mut all, swapped);
            }
            if let Some(swapped) = replace_words(lower, long, short) {
                add(&mut all, swapped);
            }
        }
    }
    for i in 0..all.len() {
        let swapped = all[i]
            .split(' ')
            .map(|token| swap_number_form(token).unwrap_or_else(|| token.to_string()))
            .collect::<Vec<_>>()
            .join(" ");
        add(&mut all, swapped);
    }
    if is_name {
        for i in 0..all.len() {
            let text = all[i].clone();
            if text.contains('-') {
                add(&mut all, text.replace('-', " "));
                add(&mut all, text.replace('-', ""));
            }
            if text.contains(' ') {
                add(&mut all, text.replace(' ', "-"));
            }
        }
    }
    all
}

/// `text` with every whole-word occurrence of `from` replaced by `to`, or None if there is none.
fn replace_words(text: &str, from: &str, to: &str) -> Option<String> {
    let mut result = String::with_capacity(text.len() + 8);
    let mut rest = 0;
    let mut replaced = false;
    for (start, _) in text.match_indices(from) {
        let end = start + from.len();
        if start < rest || !at_word_edges(text, start, end) {
            continue;
        }
        result.push_str(&text[rest..start]);
        result.push_str(to);
        rest = end;
        replaced = true;
    }
    result.push_str(&text[rest..]);
    replaced.then_some(result)
}

/// "2" <-> "two" for the small numbers that show up inside names ("SOC 2", "Dynamics 365" no).
fn swap_number_form(token: &str) -> Option<String> {
    if let Ok(value) = token.parse::<usize>() {
        return crate::numbers::UNITS.get(value).map(|word| word.to_string());
    }
    let lower = token.to_lowercase();
    crate::numbers::UNITS.iter().position(|word| *word == lower).map(|value| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_cover_contractions_numbers_and_hyphens() {
        let cue = variants("we're not subject to", false);
        assert!(cue.contains(&"we are not subject to".to_string()), "{cue:?}");
        let name = variants("SOC 2", true);
        assert!(name.contains(&"SOC two".to_string()) && name.contains(&"SOC-2".to_string()), "{name:?}");
        let hyphen = variants("Sarbanes-Oxley", true);
        assert!(hyphen.contains(&"Sarbanes Oxley".to_string()), "{hyphen:?}");
    }

    #[test]
    fn patterns_match_the_same_behind_an_ascii_gate_or_a_unicode_one() {
        let layer = Layer::Cue(CueKind::Objection);
        let lexicon = |patterns: &[&str]| {
            let mut builder = LexiconBuilder::default();
            for (index, pattern) in patterns.iter().enumerate() {
                let regex = regex::RegexBuilder::new(pattern).case_insensitive(true).build().unwrap();
                builder.pattern(regex, pattern.to_string(), layer, index as u32);
            }
            builder.build().unwrap()
        };
        fn found(lexicon: &Lexicon, text: &str) -> Vec<(u32, String)> {
            let (mut out, mut unmet) = (Vec::new(), Vec::new());
            lexicon.scan(text, &mut out, &mut unmet);
            out.iter().map(|hit| (hit.index, text[hit.start..hit.end].to_string())).collect()
        }
        let pairs = |expected: &[(u32, &str)]| -> Vec<(u32, String)> {
            expected.iter().map(|(index, text)| (*index, text.to_string())).collect()
        };
        // An ASCII `\w` would not take the é: the sentence is not ASCII, so the pattern runs
        // itself.
        let ascii_gate = lexicon(&[r"\bcaf\w\b", r"\bTOO EXPENSIVE\b"]);
        assert!(matches!(ascii_gate.eager.gate, Gate::Ascii(_)));
        assert_eq!(
            found(&ascii_gate, "Lunch at the café is too expensive."),
            pairs(&[(0, "café"), (1, "too expensive")])
        );
        assert_eq!(found(&ascii_gate, "It is too expensive."), pairs(&[(1, "too expensive")]));
        // `\p{Lu}` needs Unicode: the gate keeps it.
        let unicode_gate = lexicon(&[r"\bÉ\p{Ll}+", r"\bcaf\w\b"]);
        assert!(matches!(unicode_gate.eager.gate, Gate::Unicode(_)));
        assert_eq!(found(&unicode_gate, "Élodie runs the café."), pairs(&[(0, "Élodie"), (1, "café")]));
    }

    #[test]
    fn word_edges() {
        assert!(at_word_edges("our team", 0, 3));
        assert!(!at_word_edges("an hour", 4, 7));
        assert!(at_word_edges("Salesforce's data", 0, 10));
        assert!(contains_word("we use microsoft teams", "microsoft"));
        assert!(!contains_word("microsofty", "microsoft"));
    }
}
