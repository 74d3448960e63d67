//! Timeline: when the prospect needs it ("before the end of Q1", "within ninety days") and the
//! reason given with it ("because of the audit", "our contract renews in March").

use crate::call::{negated_before, Call};
use crate::item::item;
use crate::lexicon::Hit;
use crate::model::{Category, Item, Timeline};
use crate::numbers::digits_for_words;
use crate::rules::schema::{CueKind, EntityKind};
use std::collections::HashSet;

pub(crate) fn timeline(call: &Call) -> Vec<Item<Timeline>> {
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    for sentence in 0..call.len() {
        if !call.is_prospect_side(sentence) {
            continue;
        }
        let deadlines: Vec<&Hit> = call.cues(sentence, CueKind::Deadline).collect();
        // "We're not looking to change anything this quarter" states no goal.
        let text = call.text(sentence);
        let has_goal = call
            .cues(sentence, CueKind::TimelineGoal)
            .any(|goal| !negated_before(text, goal.start, call.matched(sentence, goal), 3));
        // "live by the end of Q3, since our renewal is in October": a period inside the reason
        // given for a deadline belongs to that reason.
        let reason_from = deadlines
            .first()
            .and_then(|deadline| call.cues(sentence, CueKind::TimelineReason).find(|cue| cue.start >= deadline.end))
            .map_or(usize::MAX, |cue| cue.start);
        let periods = call
            .cues(sentence, CueKind::Period)
            .filter(|_| has_goal)
            .filter(|period| period.start < reason_from)
            .filter(|period| !deadlines.iter().any(|d| d.start < period.end && period.start < d.end));
        let mut phrases: Vec<&Hit> = deadlines.iter().copied().chain(periods).collect();
        phrases.sort_by_key(|hit| hit.start);
        for hit in phrases {
            let text = call.text(sentence);
            let phrase = text[hit.start..hit.end].trim_end_matches([',', '.', '?', '!', ';', ':']).trim();
            let normalized = normalize(call, sentence, hit);
            if !seen.insert(normalized.to_lowercase()) {
                continue;
            }
            let rule = call.cue(hit);
            let detail = Timeline { phrase: phrase.to_string(), normalized, reason: reason(call, sentence, hit) };
            items.push(item(Category::Timeline, call.sentence(sentence), text, &rule.rule, rule.confidence, detail));
        }
    }
    items
}

/// The phrase with quarters canonical ("Q one" -> "Q1") and spoken numbers as digits.
fn normalize(call: &Call, sentence: usize, phrase: &Hit) -> String {
    let text = call.text(sentence);
    let mut out = String::new();
    let mut copied = phrase.start;
    for quarter in call.entities(sentence, EntityKind::Quarter) {
        if quarter.start >= copied && quarter.end <= phrase.end {
            out.push_str(&text[copied..quarter.start]);
            out.push_str(&call.entity(quarter).name);
            copied = quarter.end;
        }
    }
    out.push_str(&text[copied..phrase.end]);
    digits_for_words(out.trim_end_matches([',', '.', '?', '!', ';', ':']).trim())
}

/// The reason after the phrase in the same sentence, before it, or in the next sentence.
fn reason(call: &Call, sentence: usize, phrase: &Hit) -> Option<String> {
    let text = call.text(sentence);
    let cues: Vec<&Hit> = call
        .cues(sentence, CueKind::TimelineReason)
        .filter(|cue| !(cue.start < phrase.end && phrase.start < cue.end))
        .collect();
    let tidy = |s: &str| s.trim().trim_matches([',', '.', ';', ':', '?', '!']).trim().to_string();
    if let Some(after) = cues.iter().find(|cue| cue.start >= phrase.end) {
        return Some(tidy(&text[after.start..]));
    }
    if let Some(before) = cues.iter().rev().find(|cue| cue.end <= phrase.start) {
        return Some(tidy(&text[before.start..phrase.start]));
    }
    let next = call.next_on_same_side(sentence)?;
    call.has_cue(next, CueKind::TimelineReason).then(|| tidy(call.text(next)))
}
