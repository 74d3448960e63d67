//! Previous attempts: what the prospect already tried ("we tried building our own scripts"),
//! what it was, and how it ended ("it failed because nobody maintained it").

use crate::call::Call;
use crate::inferred;
use crate::item::item_across;
use crate::kinds::{CueKind, EntityKind};
use crate::lexicon::Hit;
use crate::word_weights::probability;
use handoff_findings::{Category, Item, PreviousAttempt};
use rustc_hash::FxHashSet;

/// "what was tried" is cut after this many words.
const TRIED_MAX_WORDS: usize = 8;
/// Subjects dropped from a cue used as the "tried" text ("we built our own" -> "built our own").
const SUBJECTS: &[&str] = &["we", "i", "we've", "i've", "we'd", "they"];
/// Words right before a cue that make it a plan or a condition, not something done ("we could
/// set up a tracker", "if we hired a consultant").
const NOT_DONE: &[&str] = &[
    "will", "would", "could", "should", "can", "might", "may", "must", "if", "to", "gonna", "going", "wanna", "let's",
    "we'll", "i'll", "we'd", "i'd", "unless", "whether",
];
/// A weak cue counts when a named system stands within this many words after it ("we had GreenSky").
const NAMED_WITHIN_WORDS: usize = 1;
/// A sentence this short ("Tried it last year.", "She quit.") is quoted with its neighbour.
const SHORT_SENTENCE_WORDS: usize = 5;
/// A short attempt told in fragments ("Fiix. Four years ago. Guy who set it up left.") is quoted
/// with up to this many fragments after it, each at most one word longer than a short sentence.
const FRAGMENTS_AFTER: usize = 3;
/// Rule of an attempt that is a product named in reply to "Have you tried anything before?".
const ASKED_RULE: &str = "previous_attempts/asked-what-they-tried";
/// Less sure than an attempt said in words ("we tried"): the product may be only looked at.
const ASKED_CONFIDENCE: f32 = 0.6;
/// Sentences into the reply that still answer the question.
const ASKED_REPLY_SENTENCES: usize = 2;

pub(crate) fn previous_attempts(call: &Call) -> Vec<Item<PreviousAttempt>> {
    // Each item with the last sentence it quotes: a sentence already quoted starts no other.
    let mut items: Vec<(Item<PreviousAttempt>, usize)> = Vec::new();
    for sentence in 0..call.len() {
        if !call.is_prospect_side(sentence) {
            continue;
        }
        let text = call.text(sentence);
        // The first strong cue, else the first weak one with an outcome or a name after it.
        let counts = |cue: &&Hit| {
            !not_done(text, cue)
                && (call.cue(cue).value.as_deref() != Some("weak")
                    || outcome(call, sentence, cue).is_some()
                    || names_what(call, sentence, cue)
                    || named_just_before(call, sentence))
        };
        let (detail, rule, confidence) = match call.cues(sentence, CueKind::Attempt).find(counts) {
            Some(cue) => {
                let rule = call.cue(cue);
                let detail =
                    PreviousAttempt { tried: tried(call, sentence, cue), outcome: outcome(call, sentence, cue) };
                (detail, rule.rule.as_str(), rule.confidence)
            }
            // Once the reply has told its attempt, the rest of it tells how it went.
            None if items.last().is_some_and(|(_, last)| call.sentence(*last).turn == call.sentence(sentence).turn) => {
                continue
            }
            None => match named_in_reply_to_what_they_tried(call, sentence) {
                Some(name) => (PreviousAttempt { tried: Some(name), outcome: None }, ASKED_RULE, ASKED_CONFIDENCE),
                None => continue,
            },
        };
        let (first, last) = quoted_sentences(call, sentence);
        if items.last().is_some_and(|(_, quoted_to)| first <= *quoted_to) {
            continue;
        }
        let quote = (first..=last).map(|i| call.text(i).trim()).collect::<Vec<_>>().join(" ");
        let sentences = &call.sentences[first..=last];
        items.push((item_across(Category::PreviousAttempt, sentences, &quote, rule, confidence, detail), last));
    }
    items.into_iter().map(|(item, _)| item).collect()
}

/// Rule of the attempts the word scorer finds (`[attempt_score]`).
const SCORED_RULE: &str = "previous_attempts/scored";

/// `cued` (the attempts the cue lists name) and the prospect's sentences whose words score as
/// something already tried (`[attempt_score]` in previous_attempts.toml), in call order. A
/// sentence with an attempt cue was judged by it ("we could hire someone" is a plan, "Last year
/// we hired two people." needs an outcome); the words weigh only the sentences no cue names. As
/// with the cues, a turn that has told its attempt goes on to tell how it went: no second item.
pub(crate) fn with_scored(call: &Call, cued: Vec<Item<PreviousAttempt>>) -> Vec<Item<PreviousAttempt>> {
    let Some(weights) = &call.rules.attempt_weights else {
        return cued;
    };
    let mut covered = vec![false; call.len()];
    call.mark_quoted(&cued, &mut covered);
    let mut told_in_turn: FxHashSet<usize> =
        (0..call.len()).filter(|&sentence| covered[sentence]).map(|sentence| call.sentence(sentence).turn).collect();
    let mut items = cued;
    for sentence in 0..call.len() {
        let turn = call.sentence(sentence).turn;
        if !call.is_prospect_side(sentence) || told_in_turn.contains(&turn) || call.has_cue(sentence, CueKind::Attempt)
        {
            continue;
        }
        let score = weights.score(call.text(sentence));
        if !weights.passes(score) {
            continue;
        }
        told_in_turn.insert(turn);
        let (first, last) = quoted_sentences(call, sentence);
        let quote = (first..=last).map(|i| call.text(i).trim()).collect::<Vec<_>>().join(" ");
        let detail = PreviousAttempt { tried: None, outcome: None };
        let sentences = &call.sentences[first..=last];
        items.push(item_across(Category::PreviousAttempt, sentences, &quote, SCORED_RULE, probability(score), detail));
    }
    items.sort_by_key(|item| item.start_ms);
    items
}

/// "Have you tried a CMMS before?" "MaintainX. Free version.": a product named at the start of
/// the reply to a question about what they tried ([[attempt_question]] in previous_attempts.toml)
/// is the attempt; "Looked at anyone else?" asks about competitors, not attempts.
fn named_in_reply_to_what_they_tried(call: &Call, sentence: usize) -> Option<String> {
    let question = inferred::question_answered(call, sentence, ASKED_REPLY_SENTENCES)?;
    if !call.has_cue(question, CueKind::AttemptQuestion) {
        return None;
    }
    let named = call.entities(sentence, EntityKind::System).chain(call.entities(sentence, EntityKind::Competitor));
    named.min_by_key(|hit| hit.start).map(|hit| call.entity(hit).name.clone())
}

fn not_done(text: &str, cue: &Hit) -> bool {
    text[..cue.start].split_whitespace().rev().take(2).any(|word| {
        NOT_DONE.contains(&word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_ascii_lowercase().as_str())
    })
}

/// A named system or competitor right after a weak cue, in its clause: "we had GreenSky".
fn names_what(call: &Call, sentence: usize, cue: &Hit) -> bool {
    let text = call.text(sentence);
    let clause = call.clause(sentence, cue.start);
    call.entities(sentence, EntityKind::System).chain(call.entities(sentence, EntityKind::Competitor)).any(|hit| {
        hit.start >= cue.end
            && hit.start < clause.end.max(cue.end)
            && text[cue.end..hit.start].split_whitespace().count() <= NAMED_WITHIN_WORDS
    })
}

/// "Fiix. Four years ago.": the short sentence before, in the same turn, names what it was.
fn named_just_before(call: &Call, sentence: usize) -> bool {
    let Some(before) = sentence.checked_sub(1) else {
        return false;
    };
    call.sentence(before).turn == call.sentence(sentence).turn
        && call.text(before).split_whitespace().count() <= SHORT_SENTENCE_WORDS
        && (call.entities(before, EntityKind::System).next().is_some()
            || call.entities(before, EntityKind::Competitor).next().is_some())
}

/// "Buildium has a maintenance thing. Tried it last year.": a short attempt takes the short
/// sentence before it in the same turn, and the short fragments after it ("She quit."); a longer
/// attempt takes only a short outcome ("We put a plugin on the site. Nobody used it.").
fn quoted_sentences(call: &Call, sentence: usize) -> (usize, usize) {
    let short = |i: usize| call.text(i).split_whitespace().count() <= SHORT_SENTENCE_WORDS;
    let same_turn = |i: usize| call.sentence(i).turn == call.sentence(sentence).turn;
    if !short(sentence) {
        let next = sentence + 1;
        let outcome_follows =
            next < call.len() && same_turn(next) && short(next) && call.has_cue(next, CueKind::AttemptOutcome);
        return (sentence, if outcome_follows { next } else { sentence });
    }
    let first = if sentence > 0
        && same_turn(sentence - 1)
        && call.text(sentence - 1).split_whitespace().count() <= 2 * SHORT_SENTENCE_WORDS
    {
        sentence - 1
    } else {
        sentence
    };
    let fragment = |i: usize| call.text(i).split_whitespace().count() <= SHORT_SENTENCE_WORDS + 1;
    let last = (sentence + 1..call.len())
        .take(FRAGMENTS_AFTER)
        .take_while(|&i| same_turn(i) && fragment(i))
        .last()
        .unwrap_or(sentence);
    (first, last)
}

/// A named system or competitor in the attempt, else the words after the cue up to the end
/// of its clause, else the cue itself without its subject.
fn tried(call: &Call, sentence: usize, cue: &Hit) -> Option<String> {
    let named = call
        .entities(sentence, EntityKind::System)
        .chain(call.entities(sentence, EntityKind::Competitor))
        .find(|hit| hit.start >= cue.start);
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
