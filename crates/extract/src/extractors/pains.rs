//! Pain points: the prospect's own sentence, quoted whole, when it carries a pain cue. Never
//! the SDR's ("a lot of teams tell me data entry is painful" is a pitch, not a pain). A sentence
//! holding two different pains ("it costs us a fortune, and it does not scale") gives one item
//! per part.

use crate::call::{negated_before, Call};
use crate::item::{item, item_across, QUESTION_FACTOR};
use crate::kinds::{CueKind, EntityKind};
use crate::lexicon::Hit;
use crate::pain_score::{Signal, Signals};
use crate::word_weights::probability;
use crate::words::word_capacity;
use handoff_findings::{Category, Item, PainPoint};
use std::ops::{Range, RangeInclusive};

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
    // (item, score, sentence): every sentence that scores as a pain, then the strongest few, in
    // call order.
    let mut items: Vec<(Item<PainPoint>, f32, usize)> = Vec::new();
    let weights = &call.rules.pain_weights;
    for sentence in 0..call.len() {
        let Some(read) = read_sentence(call, sentence) else {
            continue;
        };
        // A pain a [[cue]] names is one (the team wrote it down); the score only ranks it. The
        // rest must score as a pain.
        let score = weights.score(&read.signals, call.text(sentence));
        if read.cued.is_empty() && !weights.is_pain(score) {
            continue;
        }
        if read.cued.is_empty() {
            items.push((scored_pain(call, sentence, &read, score), score, sentence));
            continue;
        }
        let themes_differ = read.cued.windows(2).any(|pair| pair[0].theme != pair[1].theme);
        let text = call.text(sentence);
        let question_factor = if call.sentence(sentence).is_question() { QUESTION_FACTOR } else { 1.0 };
        let chosen: Vec<(&Pain, &str)> = if themes_differ {
            read.cued.iter().map(|pain| (pain, tidy(&text[pain.part.clone()]))).collect()
        } else {
            let strongest = read.cued.iter().reduce(|best, pain| {
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
                PainPoint { theme: pain.theme.clone() },
            );
            items.push((found, score, sentence));
        }
    }
    told_together(call, strongest(items, call.len()))
}

/// The theme of a pain no topic names.
const OTHER_THEME: &str = "other";

/// A fragment this short right after a pain in the same turn finishes it ("By hand.",
/// "Sometimes.", "Eleven!").
const TAIL_WORDS: usize = 3;
/// A story stays short enough to read at a glance: a sentence that would make it longer than
/// this many words starts a pain of its own.
const STORY_WORDS: usize = 50;

/// "Missed a pickup out in Eastgate. Nobody had it on their list.": pains said in consecutive
/// sentences of one turn are one story, quoted whole, with a short fragment that follows them.
/// A sentence that pushes back on buying stays out of a story (it is an objection).
fn told_together(call: &Call, pains: Vec<(Item<PainPoint>, usize)>) -> Vec<Item<PainPoint>> {
    let whole = |item: &Item<PainPoint>, sentence: usize| item.quote == call.text(sentence).trim();
    let joinable = |sentence: usize| !call.has_cue(sentence, CueKind::Objection);
    let same_turn = |a: usize, b: usize| call.sentence(a).turn == call.sentence(b).turn;
    let words = |sentences: RangeInclusive<usize>| -> usize {
        sentences.map(|at| call.text(at).split_whitespace().count()).sum()
    };
    let pain_sentences: Vec<usize> = pains.iter().map(|(_, sentence)| *sentence).collect();
    // (first sentence, last sentence, item) of each story.
    let mut stories: Vec<(usize, usize, Item<PainPoint>)> = Vec::new();
    for (item, sentence) in pains {
        let extends = stories.last().is_some_and(|(first, last, told)| {
            *last + 1 == sentence
                && same_turn(*first, sentence)
                && whole(&item, sentence)
                && (*first..=*last).all(joinable)
                && joinable(sentence)
                && (first != last || whole(told, *first))
                && words(*first..=sentence) <= STORY_WORDS
        });
        match stories.last_mut() {
            Some((_, last, told)) if extends => {
                *last = sentence;
                // The story is about what its most specific sentence names.
                if told.detail.theme == OTHER_THEME {
                    told.detail.theme = item.detail.theme;
                }
            }
            _ => stories.push((sentence, sentence, item)),
        }
    }
    stories
        .into_iter()
        .map(|(first, last, told)| {
            let tail = last + 1;
            let last = if tail < call.len()
                && same_turn(first, tail)
                && call.text(tail).split_whitespace().count() <= TAIL_WORDS
                && call.is_prospect_side(tail)
                && joinable(tail)
                && !pain_sentences.contains(&tail)
                && (first != last || whole(&told, first))
            {
                tail
            } else {
                last
            };
            if first == last {
                return told;
            }
            let quote = (first..=last).map(|at| call.text(at).trim()).collect::<Vec<_>>().join(" ");
            let sentences = &call.sentences[first..=last];
            item_across(Category::PainPoint, sentences, &quote, &told.rule, told.confidence, told.detail)
        })
        .collect()
}

/// The AE reads a handful of pains, not every complaint: at most this many per call, plus one
/// per this many sentences of call.
const PAINS_AT_LEAST: usize = 8;
const SENTENCES_PER_EXTRA_PAIN: usize = 40;

/// The strongest pains (by score; earlier first on ties), back in call order, each with its
/// sentence.
fn strongest(mut items: Vec<(Item<PainPoint>, f32, usize)>, sentences: usize) -> Vec<(Item<PainPoint>, usize)> {
    let keep = PAINS_AT_LEAST + sentences / SENTENCES_PER_EXTRA_PAIN;
    items.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.start_ms.cmp(&b.0.start_ms)));
    items.truncate(keep);
    let mut kept: Vec<(Item<PainPoint>, usize)> =
        items.into_iter().map(|(item, _, sentence)| (item, sentence)).collect();
    kept.sort_by_key(|(item, sentence)| (*sentence, item.start_ms));
    kept
}

/// How many sentences of a reply still answer the question before it.
const REPLY_SENTENCES: usize = 3;
/// Words more negative than this count as problem words; "no" and the like are grammar.
const PROBLEM_VALENCE: f32 = -0.9;
/// Words more positive than this count as good news.
const POSITIVE_VALENCE: f32 = 0.9;
/// Valence sums count up to this much, so one angry sentence is not three pains' worth.
const VALENCE_CAP: f32 = 3.0;
/// Sentences shorter than this many words are fragments; longer than the other, stories.
const SHORT_WORDS: usize = 5;
const LONG_WORDS: usize = 30;
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

/// A turn this many sentences long is a story, not an answer.
const STORY_SENTENCES: usize = 3;

/// 1 when a [[signal]] of this kind is in the sentence, else 0.
fn word_signal(call: &Call, sentence: usize, kind: &str) -> f32 {
    let present = call.cues(sentence, CueKind::PainSignal).any(|cue| call.cue(cue).value.as_deref() == Some(kind));
    if present {
        1.0
    } else {
        0.0
    }
}

/// The sentences of the turn `sentence` is in.
fn turn_sentences(call: &Call, sentence: usize) -> usize {
    let turn = call.sentence(sentence).turn;
    let before = (0..sentence).rev().take_while(|&at| call.sentence(at).turn == turn).count();
    let after = (sentence + 1..call.len()).take_while(|&at| call.sentence(at).turn == turn).count();
    before + 1 + after
}

/// Whether `sentence` is among the first two of the prospect's reply to an SDR question.
fn opens_reply_to_question(call: &Call, sentence: usize) -> bool {
    let turn = call.sentence(sentence).turn;
    let opening = sentence - (0..sentence).rev().take_while(|&at| call.sentence(at).turn == turn).count();
    opening > 0
        && sentence - opening < 2
        && call.sentence(opening - 1).speaker == handoff_transcript::Speaker::Sdr
        && call.sentence(opening - 1).is_question()
}

/// What a prospect's sentence says that bears on it being a pain.
struct Reading<'a> {
    signals: Signals,
    /// Uncancelled pain cues, one per part of the sentence.
    cued: Vec<Pain<'a>>,
    consequences: Vec<&'a Hit>,
}

/// The signals of a prospect's own sentence; None for the SDR's sentences, hypotheticals and
/// small talk, which are never pains.
fn read_sentence<'a>(call: &'a Call, sentence: usize) -> Option<Reading<'a>> {
    let text = call.text(sentence);
    if !call.is_prospect_side(sentence) || is_hypothetical(text) || call.has_cue(sentence, CueKind::OffTopic) {
        return None;
    }
    let lower = text.to_lowercase();
    let mut words: Vec<&str> = Vec::with_capacity(word_capacity(&lower));
    words.extend(lower.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|word| !word.is_empty()));
    let negated_at = |at: usize| {
        words[at.saturating_sub(2)..at].iter().any(|w| matches!(*w, "not" | "no" | "never") || w.ends_with("n't"))
    };
    // Looked up once for both the problem and the positive words.
    let valences: Vec<(usize, f32)> =
        words.iter().enumerate().filter_map(|(at, word)| Some((at, call.rules.words.valence(word)?))).collect();
    let valence = |keep: fn(f32) -> bool| -> f32 {
        valences
            .iter()
            .filter(|(_, v)| keep(*v))
            .filter(|(at, _)| !negated_at(*at))
            .map(|(_, v)| v.abs())
            .sum::<f32>()
            .min(VALENCE_CAP)
    };
    let consequences: Vec<&Hit> = call
        .cues(sentence, CueKind::PainConsequence)
        .filter(|cue| !negated_before(text, cue.start, call.matched(sentence, cue), 2))
        .collect();
    let cued = pains_in(call, sentence);
    // "Onboarding is not a problem for us": a pain the prospect denies is none, whatever else
    // the sentence says.
    if cued.is_empty() && call.has_cue(sentence, CueKind::PainCue) {
        return None;
    }
    let flag = |present: bool| if present { 1.0 } else { 0.0 };
    let mut signals: Signals = [0.0; Signal::ALL.len()];
    for (value, signal) in signals.iter_mut().zip(Signal::ALL) {
        *value = match signal {
            Signal::Cue => flag(!cued.is_empty()),
            Signal::ProblemWords => valence(|v| v <= PROBLEM_VALENCE),
            Signal::Consequences => consequences.len().min(2) as f32,
            Signal::Understatement => flag(call.has_cue(sentence, CueKind::PainUnderstatement)),
            Signal::Quantity => flag(crate::numbers::has_quantity(text)),
            Signal::Asked => flag(answers_a_problem_question(call, sentence)),
            Signal::Ownership => flag(words.iter().any(|word| OWNERSHIP.contains(word))),
            Signal::Question => flag(call.sentence(sentence).is_question()),
            Signal::SystemNamed => flag(call.entities(sentence, EntityKind::System).next().is_some()),
            Signal::Objection => flag(call.has_cue(sentence, CueKind::Objection)),
            Signal::Short => flag(words.len() < SHORT_WORDS),
            Signal::Long => flag(words.len() > LONG_WORDS),
            Signal::PositiveWords => valence(|v| v >= POSITIVE_VALENCE),
            Signal::Lack => word_signal(call, sentence, "lack"),
            Signal::Frequency => word_signal(call, sentence, "frequency"),
            Signal::Effort => word_signal(call, sentence, "effort"),
            Signal::Reply => flag(opens_reply_to_question(call, sentence)),
            Signal::Position => sentence as f32 / call.len().max(1) as f32,
            Signal::Story => flag(turn_sentences(call, sentence) >= STORY_SENTENCES),
            // Read from the signals before it, once they are all set.
            Signal::BareQuantity => 0.0,
        };
    }
    let something_wrong =
        [Signal::Cue, Signal::ProblemWords, Signal::Consequences, Signal::Understatement, Signal::Lack, Signal::Effort]
            .into_iter()
            .any(|signal| signals[signal.index()] > 0.0);
    signals[Signal::BareQuantity.index()] = flag(signals[Signal::Quantity.index()] > 0.0 && !something_wrong);
    Some(Reading { signals, cued, consequences })
}

/// The signals of every sentence of the call, for fitting the weights (see `pain_score`); None
/// for sentences that are never pains.
pub(crate) fn sentence_signals(call: &Call) -> Vec<Option<Signals>> {
    (0..call.len()).map(|sentence| read_sentence(call, sentence).map(|read| read.signals)).collect()
}

/// A prospect's sentence no pain cue matched but whose signals score as a pain; the rule names
/// what spoke for it ("pains/scored:money-lost+problem-words").
fn scored_pain(call: &Call, sentence: usize, read: &Reading, score: f32) -> Item<PainPoint> {
    let text = call.text(sentence);
    let theme = call
        .cues(sentence, CueKind::PainTopic)
        .next()
        .or(read.consequences.first().copied())
        .and_then(|cue| call.cue(cue).value.clone())
        .unwrap_or_else(|| OTHER_THEME.into());
    let quote = if text.len() > MAX_QUOTE_BYTES {
        read.consequences.first().map_or(text, |cue| tidy(&text[call.clause(sentence, cue.start)]))
    } else {
        text
    };
    let mut reasons: Vec<&str> = read.consequences.iter().map(|cue| rule_id(&call.cue(cue).rule)).collect();
    reasons.dedup();
    let weights = call.rules.pain_weights.table();
    reasons.extend(
        Signal::ALL
            .iter()
            .zip(read.signals)
            .filter(|(signal, value)| {
                *value > 0.0
                    && **signal != Signal::Consequences
                    && weights.iter().any(|(name, weight)| *name == signal.name() && *weight > 0.0)
            })
            .map(|(signal, _)| signal.name()),
    );
    let rule = format!("pains/scored:{}", reasons.join("+"));
    item(Category::PainPoint, call.sentence(sentence), quote, &rule, probability(score), PainPoint { theme })
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
            .unwrap_or_else(|| OTHER_THEME.into());
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
