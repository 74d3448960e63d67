//! Pain points: the prospect's own sentence, quoted whole, when it carries a pain cue. Never
//! the SDR's ("a lot of teams tell me data entry is painful" is a pitch, not a pain). A sentence
//! holding two different pains ("it costs us a fortune, and it does not scale") gives one item
//! per part.

use crate::call::{negated_before, Call};
use crate::item::{item, QUESTION_FACTOR};
use crate::lexicon::Hit;
use crate::model::{Category, Item, PainPoint};
use crate::rules::schema::CueKind;
use std::ops::Range;

/// Longer sentences are cut to the clause that holds the cue, so the quote stays readable.
const MAX_QUOTE_BYTES: usize = 280;
/// A negation ending this many words before a cue cancels it ("not really a problem").
const NEGATION_REACH_WORDS: usize = 3;
/// Conjunctions that, after a comma, start another part of the sentence.
const PART_JOINERS: &[&str] = &["and", "but", "so", "plus", "or", "yet", "while", "also"];

/// Bytes between two ranges, 0 when they overlap: the topic word nearest the cue names the pain.
fn distance(a: &Hit, b: &Hit) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// One pain: its strongest cue and the part of the sentence it covers.
struct Pain<'a> {
    cue: &'a Hit,
    part: Range<usize>,
    theme: String,
}

pub(crate) fn pain_points(call: &Call) -> Vec<Item<PainPoint>> {
    // (item, weight): every candidate, then the strongest few, in call order.
    let mut items: Vec<(Item<PainPoint>, f32)> = Vec::new();
    for sentence in 0..call.len() {
        if !call.is_prospect_side(sentence) {
            continue;
        }
        if is_hypothetical(call.text(sentence)) {
            continue;
        }
        let pains = pains_in(call, sentence);
        if pains.is_empty() {
            items.extend(scored_pain(call, sentence));
            continue;
        }
        let weight = CUE_WEIGHT + evidence(call, sentence).map_or(0.0, |evidence| evidence.weight);
        let themes_differ = pains.windows(2).any(|pair| pair[0].theme != pair[1].theme);
        let text = call.text(sentence);
        let question_factor = if call.sentence(sentence).is_question() { QUESTION_FACTOR } else { 1.0 };
        let chosen: Vec<(Pain, &str)> = if themes_differ {
            pains
                .into_iter()
                .map(|pain| {
                    let quote = tidy(&text[pain.part.clone()]);
                    (pain, quote)
                })
                .collect()
        } else {
            let strongest = pains.into_iter().reduce(|best, pain| {
                if call.cue(pain.cue).confidence > call.cue(best.cue).confidence {
                    pain
                } else {
                    best
                }
            });
            strongest
                .map(|pain| {
                    let quote = if text.len() > MAX_QUOTE_BYTES {
                        tidy(&text[call.clause(sentence, pain.cue.start)])
                    } else {
                        text
                    };
                    (pain, quote)
                })
                .into_iter()
                .collect()
        };
        for (pain, quote) in chosen {
            let rule = call.cue(pain.cue);
            let found = item(
                Category::PainPoint,
                call.sentence(sentence),
                quote,
                &rule.rule,
                rule.confidence * question_factor,
                PainPoint { theme: pain.theme },
            );
            items.push((found, weight));
        }
    }
    strongest(items, call.len())
}

/// A cue naming the pain ("nightmare", "by hand") weighs this much on top of the rest.
const CUE_WEIGHT: f32 = 2.0;
/// The AE reads a handful of pains, not every complaint: at most this many per call, plus one
/// per this many sentences of call.
const PAINS_AT_LEAST: usize = 6;
const SENTENCES_PER_EXTRA_PAIN: usize = 40;

/// The strongest pains (by weight; earlier first on ties), back in call order.
fn strongest(mut items: Vec<(Item<PainPoint>, f32)>, sentences: usize) -> Vec<Item<PainPoint>> {
    let keep = PAINS_AT_LEAST + sentences / SENTENCES_PER_EXTRA_PAIN;
    items.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.start_ms.cmp(&b.0.start_ms)));
    items.truncate(keep);
    let mut kept: Vec<Item<PainPoint>> = items.into_iter().map(|(item, _)| item).collect();
    kept.sort_by_key(|item| item.start_ms);
    kept
}

/// Weight a prospect's sentence needs to be scored a pain when no cue names one. Problem words
/// weigh their VADER valence ("brutal" 3.1, "stuck" 1.0); the rest as below.
const PAIN_WEIGHT: f32 = 1.5;
/// What went wrong or what it cost ([[consequence]]): the strongest sign.
const CONSEQUENCE_WEIGHT: f32 = 1.5;
/// A problem played down ([[understatement]]).
const UNDERSTATEMENT_WEIGHT: f32 = 1.0;
/// A number of hours, days, dollars or people: how big the problem is.
const QUANTITY_WEIGHT: f32 = 0.5;
/// The sentence opens the reply to an SDR question about problems ([[problem_question]]).
const ASKED_WEIGHT: f32 = 1.0;
/// How many sentences of a reply still answer the question before it.
const REPLY_SENTENCES: usize = 3;
/// Words more negative than this count as problem words; "no" and the like are grammar.
const PROBLEM_VALENCE: f32 = -0.9;
/// Problem words count up to this much, so one angry sentence is not three pains' worth.
const PROBLEM_CAP: f32 = 3.0;
/// Confidence of a scored pain: no cue named it, the sentence's words did.
const SCORED_CONFIDENCE: f32 = 0.55;
/// Words that put the sentence on the prospect's own side.
const OWNERSHIP: &[&str] =
    &["we", "we're", "we've", "we'd", "we'll", "our", "ours", "us", "i", "i'm", "i've", "i'd", "my", "me", "myself"];
/// Openings of a hypothetical: "if we ever doubled, that might get messy" is no pain yet.
const HYPOTHETICAL_OPENINGS: &[&str] = &["if", "unless", "suppose", "imagine", "hypothetically", "whether"];

/// Whether a prospect's sentence opens with a hypothetical ("If they won't use it, ...").
fn is_hypothetical(text: &str) -> bool {
    let first = text.split(|c: char| !c.is_alphanumeric() && c != '\'').find(|word| !word.is_empty());
    first.is_some_and(|word| HYPOTHETICAL_OPENINGS.contains(&word.to_lowercase().as_str()))
}

/// Whether `sentence` is among the first of the prospect's reply to an SDR question about problems.
fn answers_a_problem_question(call: &Call, sentence: usize) -> bool {
    let turn = call.sentence(sentence).turn;
    let Some(opening) = (0..=sentence).rev().take_while(|&at| call.sentence(at).turn == turn).last() else {
        return false;
    };
    opening > 0
        && sentence - opening < REPLY_SENTENCES
        && call.sentence(opening - 1).speaker == handoff_transcript::Speaker::Sdr
        && call.has_cue(opening - 1, CueKind::PainQuestion)
}

/// What a prospect's sentence says about a problem, beyond any cue.
struct Evidence<'a> {
    weight: f32,
    consequences: Vec<&'a Hit>,
    reasons: Vec<&'a str>,
}

/// The weight of a prospect's own sentence as a pain: its problem words, what it says went wrong
/// or cost them, understatement, numbers, and whether it answers a question about problems.
/// None for questions, small talk, hypotheticals and sentences not about the prospect's side.
fn evidence<'a>(call: &'a Call, sentence: usize) -> Option<Evidence<'a>> {
    let text = call.text(sentence);
    if call.sentence(sentence).is_question() || call.has_cue(sentence, CueKind::OffTopic) || is_hypothetical(text) {
        return None;
    }
    let lower = text.to_lowercase();
    let words: Vec<&str> =
        lower.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|word| !word.is_empty()).collect();
    let asked = answers_a_problem_question(call, sentence);
    if !asked && !words.iter().any(|word| OWNERSHIP.contains(word)) {
        return None;
    }
    let problem: f32 = words
        .iter()
        .enumerate()
        .filter_map(|(at, word)| {
            let valence = call.rules.words.valence(word).filter(|v| *v <= PROBLEM_VALENCE)?;
            let negated = words[at.saturating_sub(2)..at]
                .iter()
                .any(|w| matches!(*w, "not" | "no" | "never") || w.ends_with("n't"));
            (!negated).then_some(-valence)
        })
        .sum::<f32>()
        .min(PROBLEM_CAP);
    let consequences: Vec<&Hit> = call
        .cues(sentence, CueKind::PainConsequence)
        .filter(|cue| !negated_before(text, cue.start, call.matched(sentence, cue), 2))
        .collect();
    let understated = call.has_cue(sentence, CueKind::PainUnderstatement);
    let quantified = !crate::numbers::quantities(text).is_empty();
    let weight = problem
        + CONSEQUENCE_WEIGHT * consequences.len().min(2) as f32
        + if understated { UNDERSTATEMENT_WEIGHT } else { 0.0 }
        + if quantified { QUANTITY_WEIGHT } else { 0.0 }
        + if asked { ASKED_WEIGHT } else { 0.0 };
    let mut reasons: Vec<&str> = consequences.iter().map(|cue| rule_id(&call.cue(cue).rule)).collect();
    reasons.dedup();
    for (present, reason) in [
        (problem > 0.0, "problem-words"),
        (understated, "understatement"),
        (quantified, "quantity"),
        (asked, "answers-problem-question"),
    ] {
        if present {
            reasons.push(reason);
        }
    }
    Some(Evidence { weight, consequences, reasons })
}

/// A prospect's sentence no pain cue matched, when its [`evidence`] weighs enough; the rule names
/// the reasons ("pains/scored:money-lost+problem-words").
fn scored_pain(call: &Call, sentence: usize) -> Option<(Item<PainPoint>, f32)> {
    let Evidence { weight, consequences, reasons } = evidence(call, sentence).filter(|e| e.weight >= PAIN_WEIGHT)?;
    let text = call.text(sentence);
    let theme = call
        .cues(sentence, CueKind::PainTopic)
        .next()
        .or(consequences.first().copied())
        .and_then(|cue| call.cue(cue).value.clone())
        .unwrap_or_else(|| "other".into());
    let quote = if text.len() > MAX_QUOTE_BYTES {
        consequences.first().map_or(text, |cue| tidy(&text[call.clause(sentence, cue.start)]))
    } else {
        text
    };
    let rule = format!("pains/scored:{}", reasons.join("+"));
    let found =
        item(Category::PainPoint, call.sentence(sentence), quote, &rule, SCORED_CONFIDENCE, PainPoint { theme });
    Some((found, weight))
}

/// "pains/money-lost" -> "money-lost".
fn rule_id(rule: &str) -> &str {
    rule.rsplit('/').next().unwrap_or(rule)
}

fn tidy(part: &str) -> &str {
    part.trim().trim_start_matches(',').trim()
}

/// The strongest valid cue of each part of the sentence, with its theme.
fn pains_in<'a>(call: &'a Call, sentence: usize) -> Vec<Pain<'a>> {
    let text = call.text(sentence);
    let negations: Vec<&Hit> = call.cues(sentence, CueKind::PainNegation).collect();
    let cancelled = |cue: &Hit| {
        negations.iter().any(|negation| {
            let overlaps = negation.start < cue.end && cue.start < negation.end;
            let just_before = negation.end <= cue.start
                && text[negation.end..cue.start].split_whitespace().count() <= NEGATION_REACH_WORDS;
            overlaps || just_before
        }) || negated_before(text, cue.start, call.matched(sentence, cue), 2)
            || call.about_an_alternative(sentence, cue)
    };
    let mut pains: Vec<Pain> = Vec::new();
    for cue in call.cues(sentence, CueKind::PainCue).filter(|cue| !cancelled(cue)) {
        let part = part_around(call, sentence, cue.start);
        match pains.iter_mut().find(|pain| pain.part == part) {
            Some(pain) if call.cue(cue).confidence > call.cue(pain.cue).confidence => pain.cue = cue,
            Some(_) => {}
            None => pains.push(Pain { cue, part, theme: String::new() }),
        }
    }
    for pain in &mut pains {
        pain.theme = call
            .cues(sentence, CueKind::PainTopic)
            .filter(|topic| topic.start >= pain.part.start && topic.end <= pain.part.end)
            .min_by_key(|topic| distance(topic, pain.cue))
            .and_then(|topic| call.cue(topic).value.clone())
            .or_else(|| call.cue(pain.cue).value.clone())
            .unwrap_or_else(|| "other".into());
    }
    pains
}

/// The clause around `position`, further cut where a comma is followed by a conjunction.
fn part_around(call: &Call, sentence: usize, position: usize) -> Range<usize> {
    let text = call.text(sentence);
    let mut part = call.clause(sentence, position);
    // Offsets are into the clause as it was before `part` starts moving.
    let clause_start = part.start;
    for (comma, _) in text[part.clone()].match_indices(", ") {
        let at = clause_start + comma;
        let next_word = text[at + 2..].split(' ').next().unwrap_or("").to_ascii_lowercase();
        if !PART_JOINERS.contains(&next_word.as_str()) {
            continue;
        }
        if at < position {
            part.start = at + 1;
        } else {
            part.end = at;
            break;
        }
    }
    part
}
