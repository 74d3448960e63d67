//! Previous attempts: what the prospect already tried ("we tried building our own scripts"),
//! what it was, and how it ended ("it failed because nobody maintained it").

use crate::call::Call;
use crate::item::item;
use crate::lexicon::Hit;
use crate::model::{Category, Item, PreviousAttempt};
use crate::rules::schema::{CueKind, EntityKind};

/// "what was tried" is cut after this many words.
const TRIED_MAX_WORDS: usize = 8;
/// Subjects dropped from a cue used as the "tried" text ("we built our own" -> "built our own").
const SUBJECTS: &[&str] = &["we", "i", "we've", "i've", "we'd", "they"];

pub(crate) fn previous_attempts(call: &Call) -> Vec<Item<PreviousAttempt>> {
    let mut items = Vec::new();
    for sentence in 0..call.len() {
        if !call.is_prospect_side(sentence) {
            continue;
        }
        let Some(cue) = call.cues(sentence, CueKind::Attempt).next() else {
            continue;
        };
        let rule = call.cue(cue);
        let outcome = outcome(call, sentence, cue);
        if rule.value.as_deref() == Some("weak") && outcome.is_none() {
            continue;
        }
        let detail = PreviousAttempt { tried: tried(call, sentence, cue), outcome };
        let text = call.text(sentence);
        items.push(item(Category::PreviousAttempt, call.sentence(sentence), text, &rule.rule, rule.confidence, detail));
    }
    items
}

/// A named system or competitor in the sentence, else the words after the cue up to the end
/// of its clause, else the cue itself without its subject.
fn tried(call: &Call, sentence: usize, cue: &Hit) -> Option<String> {
    let named = call
        .entities(sentence, EntityKind::System)
        .chain(call.entities(sentence, EntityKind::Competitor))
        .find(|hit| hit.start >= cue.end);
    if let Some(hit) = named {
        return Some(call.entity(hit).name.clone());
    }
    let text = call.text(sentence);
    let clause = call.clause(sentence, cue.start);
    let rest: Vec<&str> = text[cue.end..clause.end.max(cue.end)]
        .split([',', '.', '?', '!', ';'])
        .next()
        .unwrap_or("")
        .split_whitespace()
        .take(TRIED_MAX_WORDS)
        .collect();
    if !rest.is_empty() {
        return Some(rest.join(" "));
    }
    let cue_words: Vec<&str> = call
        .matched(sentence, cue)
        .split_whitespace()
        .skip_while(|w| SUBJECTS.contains(&w.to_ascii_lowercase().as_str()))
        .collect();
    (!cue_words.is_empty()).then(|| cue_words.join(" "))
}

/// How it ended: the clause with an outcome cue after the attempt, or the next sentence.
fn outcome(call: &Call, sentence: usize, attempt: &Hit) -> Option<String> {
    let tidy = |s: &str| s.trim().trim_matches([',', '.', ';', ':']).trim().to_string();
    let text = call.text(sentence);
    if let Some(cue) = call.cues(sentence, CueKind::AttemptOutcome).find(|cue| cue.start >= attempt.end) {
        let clause = call.clause(sentence, cue.start);
        let start = if clause.start >= attempt.end { clause.start } else { cue.start };
        return Some(tidy(&text[start..]));
    }
    let next = call.next_on_same_side(sentence)?;
    call.has_cue(next, CueKind::AttemptOutcome).then(|| tidy(call.text(next)))
}
