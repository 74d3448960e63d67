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
    let mut items = Vec::new();
    for sentence in 0..call.len() {
        if !call.is_prospect_side(sentence) {
            continue;
        }
        let pains = pains_in(call, sentence);
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
            items.push(item(
                Category::PainPoint,
                call.sentence(sentence),
                quote,
                &rule.rule,
                rule.confidence * question_factor,
                PainPoint { theme: pain.theme },
            ));
        }
    }
    items
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
    for (comma, _) in text[part.clone()].match_indices(", ") {
        let at = part.start + comma;
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
