//! Objections: the prospect pushing back ("not sure we need another tool"), with the SDR's
//! answer when the SDR speaks next.

use crate::call::{negated_before, Call};
use crate::item::item_across;
use crate::kinds::{CueKind, EntityKind};
use crate::lexicon::Hit;
use crate::word_weights::probability;
use handoff_findings::{Category, Item, Mention, Objection, PainPoint};
use handoff_transcript::Speaker;

/// An SDR reply shorter than this ("Totally.", "I hear you.") is joined with the next sentence.
const SHORT_REPLY_WORDS: usize = 5;
/// An objection sentence this short ("Not now.", "Another login?") is quoted with the short
/// sentences beside it in the same turn ("Not now. Snow season.").
const SHORT_SENTENCE_WORDS: usize = 5;
/// At most this many sentences are added after an objection.
const MAX_FOLLOWING: usize = 2;
/// A sentence this short right after an objection in the same turn is its tail ("That's usually
/// three months by itself.").
const TAIL_WORDS: usize = 6;
/// An SDR reply made only of questions and acknowledgements this short ("Understood. Is there a
/// budget?") moves on: the objection was not answered.
const ACKNOWLEDGEMENT_WORDS: usize = 5;
/// How a question probing the objection starts ("What would you need to see?"): such a reply
/// takes the objection up.
const PROBES: &[&str] =
    &["what would", "what did", "what do you", "what makes", "what part", "what specifically", "why"];
/// A sentence this short right before an objection in the same turn names its subject
/// ("Validation. This is the big fear.").
const TOPIC_WORDS: usize = 3;
/// Words of an SDR question about money: a budget or timing cue in its answer is a fact for the
/// budget, not pushback ("Is there budget?" "Not this year, nothing in the budget.").
const MONEY_QUESTION_WORDS: &[&str] = &["budget", "budgets", "money", "funding", "funded", "spend", "afford"];
/// Topics that are facts, not pushback, when they answer a question about money.
const MONEY_TOPICS: &[&str] = &["budget", "timing"];

pub(crate) fn objections(call: &Call) -> Vec<Item<Objection>> {
    let mut items = Vec::new();
    // One objection per topic per turn: repeating it in the same breath is one objection.
    let mut turn_topics: (usize, Vec<Option<String>>) = (usize::MAX, Vec::new());
    // Sentences already quoted by an objection.
    let mut quoted_up_to: Option<usize> = None;
    for sentence in 0..call.len() {
        if !call.is_prospect_side(sentence) || quoted_up_to.is_some_and(|last| sentence <= last) {
            continue;
        }
        let text = call.text(sentence);
        let Some(cue) = call.cues(sentence, CueKind::Objection).find(|cue| {
            !negated_before(text, cue.start, call.matched(sentence, cue), 2)
                && !about_an_alternative(call, sentence, cue)
                && !answers_a_money_question(call, sentence, cue)
                && !about_a_regulation(call, sentence, cue)
        }) else {
            continue;
        };
        if after_an_alternative(call, sentence) {
            continue;
        }
        let rule = call.cue(cue);
        let turn = call.sentence(sentence).turn;
        if turn_topics.0 != turn {
            turn_topics = (turn, Vec::new());
        }
        if turn_topics.1.contains(&rule.value) {
            continue;
        }
        turn_topics.1.push(rule.value.clone());
        let (mut first, last) = quoted_sentences(call, sentence);
        if quoted_up_to.is_some_and(|done| first <= done) {
            first = sentence;
        }
        quoted_up_to = Some(last);
        items.push(objection_item(call, first..=last, rule.value.clone(), &rule.rule, rule.confidence));
    }
    items
}

/// Rule of the objections the word scorer finds (`[objection_score]`).
const SCORED_RULE: &str = "objections/scored";

/// `cued` (the objections the cue lists name) and the prospect's sentences outside them whose
/// words score as pushback (`[objection_score]` in objections.toml), in call order. A sentence
/// with an objection cue was judged by it (an "if ..." clause, a budget fact answering a money
/// question); the words weigh only the sentences no cue names. A sentence of a pain is left to
/// the pain: the scorer reads words only, and a pain is never also an objection unless a cue
/// says it pushes back on buying.
pub(crate) fn with_scored(call: &Call, cued: Vec<Item<Objection>>, pains: &[Item<PainPoint>]) -> Vec<Item<Objection>> {
    let Some(weights) = &call.rules.objection_weights else {
        return cued;
    };
    let mut covered = vec![false; call.len()];
    call.mark_quoted(&cued, &mut covered);
    call.mark_quoted(pains, &mut covered);
    let mut items = cued;
    let mut quoted_up_to: Option<usize> = None;
    for (sentence, covered) in covered.into_iter().enumerate() {
        if covered
            || !call.is_prospect_side(sentence)
            || quoted_up_to.is_some_and(|last| sentence <= last)
            || call.has_cue(sentence, CueKind::Objection)
        {
            continue;
        }
        let text = call.text(sentence).trim();
        let score = weights.score(text);
        if !weights.passes(score) {
            continue;
        }
        let (first, last) = quoted_sentences(call, sentence);
        let first = first.max(quoted_up_to.map_or(0, |done| done + 1));
        quoted_up_to = Some(last);
        items.push(objection_item(call, first..=last, None, SCORED_RULE, probability(score)));
    }
    items.sort_by_key(|item| item.start_ms);
    items
}

/// The objection quoted from the sentences `quoted`, with the SDR's answer to it.
fn objection_item(
    call: &Call,
    quoted: std::ops::RangeInclusive<usize>,
    topic: Option<String>,
    rule: &str,
    confidence: f32,
) -> Item<Objection> {
    let (first, last) = (*quoted.start(), *quoted.end());
    let quote = (first..=last).map(|i| call.text(i).trim()).collect::<Vec<_>>().join(" ");
    let detail = Objection { topic, response: response(call, last) };
    item_across(Category::Objection, &call.sentences[first..=last], &quote, rule, confidence, detail)
}

/// "We looked at X but it was too expensive": a complaint after a competitor or a past attempt
/// is about that alternative, unless the prospect starts a clause of their own in between
/// ("I had a demo with X, and I'm not sure we need a whole system").
fn about_an_alternative(call: &Call, sentence: usize, cue: &Hit) -> bool {
    let text = call.text(sentence);
    let alternative = call
        .entities(sentence, EntityKind::Competitor)
        .chain(call.cues(sentence, CueKind::Attempt))
        .filter(|hit| hit.end <= cue.start)
        .map(|hit| hit.end)
        .max();
    let Some(end) = alternative else {
        return false;
    };
    !call.cues(sentence, CueKind::ClauseBreak).any(|join| {
        join.start >= end && join.end <= cue.start && {
            let last = text[join.start..join.end].split_whitespace().last().unwrap_or("").to_ascii_lowercase();
            matches!(last.as_str(), "i" | "we" | "we're" | "i'm")
        }
    })
}

/// A budget or timing cue in the prospect's answer to the SDR's question about money.
fn answers_a_money_question(call: &Call, sentence: usize, cue: &Hit) -> bool {
    if !call.cue(cue).value.as_deref().is_some_and(|topic| MONEY_TOPICS.contains(&topic)) {
        return false;
    }
    let turn = call.sentence(sentence).turn;
    let Some(question) = (0..sentence).rev().find(|&i| call.sentence(i).turn != turn) else {
        return false;
    };
    let asked = call.sentence(question);
    asked.speaker == Speaker::Sdr
        && asked.is_question()
        && asked
            .text
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| MONEY_QUESTION_WORDS.contains(&word.to_ascii_lowercase().as_str()))
}

/// "PIPEDA would matter, but that's not this year": timing of a regulation, not of the purchase.
fn about_a_regulation(call: &Call, sentence: usize, cue: &Hit) -> bool {
    call.cue(cue).value.as_deref() == Some("timing") && call.entities(sentence, EntityKind::Regulation).next().is_some()
}

/// "Demoed X. Too expensive.": a short complaint right after naming an alternative or a past
/// attempt in the same turn is about that alternative.
fn after_an_alternative(call: &Call, sentence: usize) -> bool {
    if sentence == 0 || call.text(sentence).split_whitespace().count() > SHORT_SENTENCE_WORDS {
        return false;
    }
    let previous = sentence - 1;
    call.sentence(previous).turn == call.sentence(sentence).turn
        && (call.entities(previous, EntityKind::Competitor).next().is_some()
            || call.has_cue(previous, CueKind::Attempt))
}

/// The sentences quoted for an objection: a short tail after it in the same turn, another
/// pushback right after it ("Honestly? Not now. Not in the middle of summer."), and for a short
/// one the short sentence before it ("Validation. This is the big fear.").
fn quoted_sentences(call: &Call, sentence: usize) -> (usize, usize) {
    let words = |i: usize| call.text(i).split_whitespace().count();
    let same_turn = |i: usize| call.sentence(i).turn == call.sentence(sentence).turn;
    let first = if sentence > 0
        && same_turn(sentence - 1)
        && (words(sentence - 1) <= TOPIC_WORDS
            || (words(sentence) <= SHORT_SENTENCE_WORDS && words(sentence - 1) <= SHORT_SENTENCE_WORDS))
    {
        sentence - 1
    } else {
        sentence
    };
    let mut last = sentence;
    while last + 1 < call.len()
        && last - sentence < MAX_FOLLOWING
        && same_turn(last + 1)
        && (words(last + 1) <= TAIL_WORDS || call.has_cue(last + 1, CueKind::Objection))
    {
        last += 1;
    }
    (first, last)
}

/// The first sentence(s) of the next turn when it is the SDR's.
fn response(call: &Call, sentence: usize) -> Option<Mention> {
    let first = call.next_turn_by(sentence, Speaker::Sdr)?;
    let opening = call.sentence(first);
    let reply = (first..call.len()).take_while(|&i| call.sentence(i).turn == opening.turn);
    let moves_on = reply.clone().all(|i| {
        let text = call.text(i).trim_start_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase();
        let probe = PROBES.iter().any(|probe| text.starts_with(probe));
        (call.sentence(i).is_question() && !probe) || text.split_whitespace().count() <= ACKNOWLEDGEMENT_WORDS
    });
    if moves_on {
        return None;
    }
    let mut quote = opening.text.clone();
    let mut end_ms = opening.end_ms;
    let second = first + 1;
    if quote.split_whitespace().count() < SHORT_REPLY_WORDS
        && second < call.len()
        && call.sentence(second).turn == opening.turn
    {
        quote.push(' ');
        quote.push_str(call.text(second));
        end_ms = call.sentence(second).end_ms;
    }
    Some(Mention { quote, start_ms: opening.start_ms, end_ms })
}
