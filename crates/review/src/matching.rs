//! Finding a corrected item again after re-processing gave it a new id.
//!
//! A new whisper model or rules version moves segment boundaries by a second or so and swaps the
//! odd word ("two days" / "2 days"), which changes ids derived from time and text. The quote and
//! the moment stay close, so those are what a correction's anchor is matched on.

use crate::item::WorkItem;
use crate::log::{Anchor, Correction, ReviewLog};
use handoff_findings::Category;
use handoff_transcript::clock;
use std::collections::{HashMap, HashSet};

/// Lowest word-level similarity (1 − word edit distance ÷ words of the longer quote) at which two
/// quotes count as the same finding: one changed word in a ten-word quote scores 0.9, one in four
/// words 0.75, while two different sentences about the same topic rarely pass half.
pub const MIN_QUOTE_SIMILARITY: f64 = 0.7;

/// Largest start-time shift between an anchor and a candidate: re-transcription moves segment
/// starts by a second or two; more than five seconds away is another moment of the call.
pub const MAX_TIME_SHIFT_MS: u64 = 5_000;

/// How a corrected item was found in the current draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    ById,
    Rematched,
}

/// What a correction is about: the item id it names, or, for an anchor-only correction, itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Subject {
    Id(String),
    Position(usize),
}

impl Subject {
    fn of(position: usize, correction: &Correction) -> Subject {
        correction.item_id().map_or(Subject::Position(position), |id| Subject::Id(id.to_owned()))
    }
}

/// Which current item each corrected item is, decided for the whole log before anything is
/// applied: the best quote matches are paired first, and each item is given to one vanished id
/// only, so two similar findings don't collapse onto one and the order of corrections doesn't
/// decide who gets the better match.
#[derive(Debug, Default)]
pub(crate) struct Targets {
    found: HashMap<Subject, (String, Found)>,
    missed: HashMap<Subject, String>,
}

/// An item the log corrects, with every anchor its corrections carry.
struct Corrected<'a> {
    subject: Subject,
    /// As the first correction saw it: where the item was before any edit moved it.
    category: Category,
    anchors: Vec<&'a Anchor>,
}

impl Targets {
    /// `added` are the ids `add` corrections create: they exist once those are applied.
    pub(crate) fn resolve(items: &[WorkItem], log: &ReviewLog, added: &HashSet<String>) -> Targets {
        let mut targets = Targets::default();
        let mut taken = HashSet::new();
        let mut vanished = corrected_items(log);
        vanished.retain(|corrected| !targets.find_by_id(corrected, items, added, &mut taken));
        targets.rematch(&vanished, items, &mut taken);
        for corrected in vanished {
            if !targets.found.contains_key(&corrected.subject) {
                let reason = corrected.miss();
                targets.missed.insert(corrected.subject, reason);
            }
        }
        targets
    }

    /// Records the item the correction names by id, unless it is gone or its anchors say the id
    /// now belongs to another finding; true when found.
    fn find_by_id<'a>(
        &mut self,
        corrected: &Corrected,
        items: &'a [WorkItem],
        added: &HashSet<String>,
        taken: &mut HashSet<&'a str>,
    ) -> bool {
        let Subject::Id(id) = &corrected.subject else {
            return false;
        };
        let same = items
            .iter()
            .find(|item| item.id() == id)
            .filter(|item| corrected.anchors.is_empty() || corrected.anchors.iter().any(|anchor| agrees(item, anchor)));
        if let Some(item) = same {
            taken.insert(item.id());
        }
        let found = same.is_some() || added.contains(id);
        if found {
            self.found.insert(corrected.subject.clone(), (id.clone(), Found::ById));
        }
        found
    }

    /// Pairs vanished items with untaken items of their category, best quote match first.
    fn rematch<'a>(&mut self, vanished: &[Corrected], items: &'a [WorkItem], taken: &mut HashSet<&'a str>) {
        let mut pairs: Vec<(&Subject, &WorkItem, f64, u64)> = Vec::new();
        for corrected in vanished {
            let candidates =
                items.iter().filter(|item| item.category() == corrected.category && !taken.contains(item.id()));
            for item in candidates {
                let best = corrected
                    .anchors
                    .iter()
                    .map(|anchor| {
                        let similarity = quote_similarity(item.quote(), &anchor.quote);
                        (similarity, item.start_ms().abs_diff(anchor.start_ms))
                    })
                    .filter(|&(similarity, shift)| similarity >= MIN_QUOTE_SIMILARITY && shift <= MAX_TIME_SHIFT_MS)
                    .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
                if let Some((similarity, shift)) = best {
                    pairs.push((&corrected.subject, item, similarity, shift));
                }
            }
        }
        // Most similar first, nearer in time on a tie; stable, so equal pairs keep call order.
        pairs.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.3.cmp(&b.3)));
        for (subject, item, ..) in pairs {
            if !self.found.contains_key(subject) && taken.insert(item.id()) {
                self.found.insert(subject.clone(), (item.id().to_owned(), Found::Rematched));
            }
        }
    }

    /// The id of the item `correction` (at `position` in the log) applies to, or why there is none.
    pub(crate) fn of(&self, position: usize, correction: &Correction) -> Result<(&str, Found), String> {
        let subject = Subject::of(position, correction);
        match self.found.get(&subject) {
            Some((id, found)) => Ok((id, *found)),
            None => Err(self.missed.get(&subject).cloned().unwrap_or_else(|| "the item was not found".to_owned())),
        }
    }
}

/// Each item the log's well-formed accept, reject and edit corrections are about, first seen first.
fn corrected_items(log: &ReviewLog) -> Vec<Corrected<'_>> {
    let mut corrected: Vec<Corrected> = Vec::new();
    for (position, correction) in log.corrections.iter().enumerate() {
        let Some(target) = correction.target() else {
            continue;
        };
        if correction.check().is_err() {
            continue; // an orphan already; its anchor must not compete for items
        }
        let subject = Subject::of(position, correction);
        let index = match corrected.iter().position(|known| known.subject == subject) {
            Some(index) => index,
            None => {
                corrected.push(Corrected { subject, category: target.category, anchors: Vec::new() });
                corrected.len() - 1
            }
        };
        corrected[index].anchors.extend(&target.anchor);
    }
    corrected
}

impl Corrected<'_> {
    fn miss(&self) -> String {
        let gone = match &self.subject {
            Subject::Id(id) => format!("no item has id {id}"),
            Subject::Position(_) => "no item id given".to_owned(),
        };
        match self.anchors.first() {
            None => format!("{gone} and the correction has no anchor to find it by"),
            Some(anchor) => format!(
                "{gone}, and no other {} within ±{} s of [{}] quotes at least {:.0}% of “{}”",
                self.category.as_str(),
                MAX_TIME_SHIFT_MS / 1000,
                clock(anchor.start_ms, ':'),
                MIN_QUOTE_SIMILARITY * 100.0,
                anchor.quote
            ),
        }
    }
}

/// Whether the item is plausibly the one the anchor saw: same words or same moment. An id that
/// now names another finding (different words, elsewhere in the call) fails both.
fn agrees(item: &WorkItem, anchor: &Anchor) -> bool {
    quote_similarity(item.quote(), &anchor.quote) >= MIN_QUOTE_SIMILARITY
        || item.start_ms().abs_diff(anchor.start_ms) <= MAX_TIME_SHIFT_MS
}

/// 1 − (word-level Levenshtein distance ÷ length of the longer quote), on lower-cased words with
/// punctuation stripped, so "We spend 2 days" and "we spend two days." differ by one word.
fn quote_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (words(a), words(b));
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 1.0;
    }
    1.0 - strsim::generic_levenshtein(&a, &b) as f64 / longer as f64
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|word| word.trim_matches('\'').to_lowercase())
        .filter(|word| !word.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_word_in_ten_scores_point_nine() {
        let a = "we spend two days every month closing the books manually";
        let b = "We spend 2 days every month closing the books manually.";
        assert!((quote_similarity(a, b) - 0.9).abs() < 1e-9);
    }

    #[test]
    fn punctuation_and_case_do_not_count() {
        assert_eq!(quote_similarity("It's slow, really slow!", "it's slow really slow"), 1.0);
    }

    #[test]
    fn different_sentences_fall_below_the_threshold() {
        let score = quote_similarity(
            "we spend two days every month closing the books",
            "our reporting takes a week every quarter",
        );
        assert!(score < MIN_QUOTE_SIMILARITY, "{score}");
    }

    #[test]
    fn insertions_and_deletions_count_once_each() {
        assert!((quote_similarity("a b c d", "a c d e") - 0.5).abs() < 1e-9);
        assert_eq!(quote_similarity("", ""), 1.0);
        assert_eq!(quote_similarity("a", ""), 0.0);
    }
}
