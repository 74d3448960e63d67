//! Next steps: what was agreed to happen next (demo, meeting, material, invite, trial, follow
//! up), when and with whom. Either speaker.
//!
//! A sentence often holds two steps ("I'll send the deck today, and let's book a demo for
//! Thursday"): it is cut into parts at the joins between them and each part is one step, quoted
//! on its own, with the action of its strongest cue (a demo sent as an invite is a demo). A bare
//! time right after a demo or meeting was proposed ("Tuesday at two works.", "Let's do Thursday
//! at nine") is that step. Material can be several items, each quoted as last named (the
//! seller's words preferred); any other action is one item, the first mention that names a day
//! or date (else the first mention), later mentions filling in when and who.

use crate::call::{negated_before, Answer, Call};
use crate::item::item_across;
use crate::kinds::CueKind;
use crate::lexicon::{Hit, Layer};
use crate::people;
use crate::tense::{has_past, looks_ahead};
use handoff_findings::{Category, Item, NextStep};
use handoff_transcript::Speaker;
use std::ops::Range;

/// Joins between two steps of one sentence; a part after a purpose join ("so you can...") needs
/// its own commitment word.
const JOINS: &[(&str, bool)] = &[
    (", and then ", false),
    (", and ", false),
    (" and then ", false),
    (", then ", false),
    ("; ", false),
    (" \u{2014} ", false),
    (" -- ", false),
    (", so ", true),
    (" so that ", true),
    (" so ", true),
    (" because ", true),
];
/// " and " joins two steps only when a verb or a new subject follows it.
const AND_LEADS: &[&str] = &[
    "i'll", "we'll", "let's", "i", "we", "i'd", "we'd", "you", "you'll", "invite", "set", "book", "follow", "check",
    "get", "grab", "schedule", "share", "loop", "circle", "pencil", "put", "have", "pull", "call", "propose",
    "suggest",
];
/// A step mentioned after these is a reference to it ("before the demo"), not a new step.
const REFERENCE_WORDS: &[&str] = &["before", "after", "ahead", "until", "during", "since", "prior", "whether"];
/// Words before a step that make it someone's own event ("our board meeting", "the partners' meeting").
const OWNERS: &[&str] = &["our", "their", "his", "her", "my"];
/// Rule ids for scheduling talk ("I'll send the invite", "a few times"): the meeting they set
/// is the demo or meeting proposed just before, if any.
const CALENDAR_RULE: &str = "calendar";
/// A sentence this short right before an instruction in the same turn is its subject ("Me first.").
const FRAGMENT_WORDS: usize = 3;
/// Words that open a second thing sent ("the invite and the deck").
const DETERMINERS: &[&str] = &["a", "an", "the", "our", "some", "your", "my"];
/// "send" said to the other side: what they send answers the request ("Could you send me a
/// statement?" "I can send you last month's.").
const REQUESTS: &[&str] = &["could you", "can you", "would you"];
/// "Send it." within this many sentences after an offer agrees to that offer.
const AGREEMENT_SENTENCES: usize = 3;
/// Rule id suffix of a bare time agreed after a proposal.
const AGREED_TIME: &str = "/agreed-time";
/// How far back (sentences) a bare time or an invite looks for the step it schedules.
const PROPOSAL_LOOKBACK: usize = 6;
/// Words before a step read for its tense ("that I took the meeting").
const PAST_LEAD_WORDS: usize = 4;
/// Who did it, before a verb in the past ("I took", "we've seen" reads as "we've" + "seen").
const SUBJECTS: &[&str] = &["i", "we", "they", "he", "she", "you", "i've", "we've", "they've", "you've"];
/// A sentence of at most this many words beside a step in the same turn joins its quote when it
/// carries the time ("How about Thursday at nine? I'll send an invite.").
const TIME_SENTENCE_WORDS: usize = 8;

#[derive(Debug)]
struct Candidate {
    sentence: usize,
    /// Sentence whose start the quote starts at (a preceding time sentence), and whose end it ends at.
    first: usize,
    last: usize,
    quote: String,
    action: String,
    rule: String,
    confidence: f32,
    when: Option<String>,
    who: Option<String>,
    question: bool,
}

pub(crate) fn next_steps(call: &Call, participants: &[String]) -> Vec<Item<NextStep>> {
    let mut candidates: Vec<Candidate> = Vec::new();
    // The last demo or meeting proposed: (sentence, action).
    let mut proposal: Option<(usize, String)> = None;
    for sentence in 0..call.len() {
        let has_step = call.has_cue(sentence, CueKind::StepAction);
        if !has_step && proposal.as_ref().is_none_or(|(at, _)| sentence > at + PROPOSAL_LOOKBACK) {
            continue;
        }
        if !has_step && !call.has_cue(sentence, CueKind::StepCommitment) {
            continue;
        }
        let text = call.text(sentence);
        let whens = whens(call, sentence);
        let parts = parts(text);
        let commitments: Vec<usize> = call.cues(sentence, CueKind::StepCommitment).map(|cue| cue.start).collect();
        // A commitment carries over the joins to the parts after it ("I'll send X, and then a
        // demo"), as does an instruction ("Send me X, and then we do the demo").
        let mut carried = false;
        for (index, part) in parts.iter().enumerate() {
            let committed = commitments.iter().any(|&at| part.range.contains(&at))
                || (!part.purpose && carried)
                || opens_with_step(call, sentence, &part.range)
                || (index == 0 && is_instruction(call, sentence));
            carried = committed || (carried && !part.purpose);
            if !committed {
                continue;
            }
            let when = whens.iter().find(|(at, _)| part.range.contains(at)).map(|(_, w)| w.clone());
            let best = governing_cue(call, sentence, &part.range);
            if best.is_some_and(|cue| told_as_past(call, sentence, part.range.start, cue.start)) {
                continue;
            }
            let (action, rule, confidence) = match best {
                Some(cue) => {
                    let rule = call.cue(cue);
                    let mut action = rule.value.clone().unwrap_or_else(|| "other".into());
                    if is_calendar(call, cue) {
                        if let Some((at, proposed)) = &proposal {
                            if sentence <= at + PROPOSAL_LOOKBACK {
                                action = proposed.clone();
                            }
                        }
                    }
                    (action, rule.rule.clone(), rule.confidence)
                }
                // A bare time agreed right after a demo or meeting was proposed.
                None => match (&proposal, &when) {
                    (Some((at, proposed)), Some(w))
                        if sentence <= at + PROPOSAL_LOOKBACK && is_specific(w) && is_time_only(text, &part.range) =>
                    {
                        // Said just before a step of the same turn, it joins that step's quote; asked
                        // ("Can you do the 22nd?"), it is not agreed yet.
                        if next_in_turn_has_step(call, sentence) || call.sentence(sentence).is_question() {
                            continue;
                        }
                        (proposed.clone(), format!("{}{AGREED_TIME}", pack_of(call, sentence)), 0.7)
                    }
                    _ => continue,
                },
            };
            // "I'll send the agreement tonight so Donna can look it over": a purpose that is no
            // step of its own belongs to the quote of the step it explains.
            let quote_end = parts[index + 1..]
                .iter()
                .take_while(|next| {
                    next.purpose
                        && !commitments.iter().any(|&at| next.range.contains(&at))
                        && !opens_with_step(call, sentence, &next.range)
                })
                .last()
                .map_or(part.range.end, |purpose| purpose.range.end);
            let mut quote = tidy(&text[part.range.start..quote_end]).to_string();
            let mut when = when;
            let mut first = sentence;
            let mut last = sentence;
            let scheduled = matches!(action.as_str(), "demo" | "meeting" | "trial" | "follow_up" | "invite");
            if scheduled && when.is_none() && index == 0 {
                if let Some((before, w)) = time_sentence(call, sentence, sentence.checked_sub(1)) {
                    quote = format!("{} {}", call.text(before).trim(), quote);
                    when = Some(w);
                    first = before;
                }
            }
            // "Me first. Send some dates.": a fragment right before an instruction is its subject.
            if first == sentence && index == 0 && is_instruction(call, sentence) {
                if let Some(before) = sentence.checked_sub(1).filter(|&b| {
                    call.sentence(b).turn == call.sentence(sentence).turn
                        && call.text(b).split_whitespace().count() <= FRAGMENT_WORDS
                }) {
                    quote = format!("{} {}", call.text(before).trim(), quote);
                    first = before;
                }
            }
            if scheduled && when.is_none() && index + 1 == parts.len() {
                if let Some((after, w)) = time_sentence(call, sentence, Some(sentence + 1)) {
                    quote =
                        format!("{} {}", quote.trim_end_matches(['.', ',']).to_string() + ".", call.text(after).trim());
                    when = Some(w);
                    last = after;
                }
            }
            if quote.is_empty() {
                continue;
            }
            if matches!(action.as_str(), "demo" | "meeting") {
                proposal = Some((sentence, action.clone()));
            }
            let who = who(call, sentence, participants, &part.range);
            let question = call.sentence(sentence).is_question();
            // "I'll send the invite and the security package": the invite is the meeting, the
            // rest is material, quoted whole.
            if let Some(cue) = best.filter(|cue| {
                is_calendar(call, cue) && call.matched(sentence, cue).to_ascii_lowercase().starts_with("send")
            }) {
                let tail = &text[cue.end..part.range.end];
                if let Some(at) = tail.find(" and ") {
                    let object = tail[at + 5..].split_whitespace().next().unwrap_or("").to_ascii_lowercase();
                    if DETERMINERS.contains(&object.as_str()) {
                        candidates.push(Candidate {
                            sentence,
                            first: sentence,
                            last: sentence,
                            quote: quote.clone(),
                            action: "send_material".into(),
                            rule: rule.clone(),
                            confidence,
                            when: when.clone(),
                            who: None,
                            question,
                        });
                        quote = tidy(&text[part.range.start..cue.end + at]).to_string();
                    }
                }
            }
            candidates.push(Candidate { sentence, first, last, quote, action, rule, confidence, when, who, question });
        }
    }
    select(call, candidates)
}

/// "We saw a demo from them", "I took the meeting because Nadia asked": a step told as what
/// someone did, in the few words before it, is history, not a next step. A past form after a
/// proposal ("What if we did a demo") or in no one's doing ("a sample generated from a demo
/// winery") is not.
fn told_as_past(call: &Call, sentence: usize, from: usize, step_at: usize) -> bool {
    let text = call.text(sentence);
    let starts: Vec<usize> =
        text[from..step_at].split_whitespace().map(|word| word.as_ptr() as usize - text.as_ptr() as usize).collect();
    let window = starts.len().saturating_sub(PAST_LEAD_WORDS);
    let Some(&lead_in) = starts.get(window) else {
        return false;
    };
    let words: Vec<&str> = text[lead_in..step_at].split_whitespace().collect();
    let someone_did = words.windows(2).any(|pair| {
        let subject = pair[0].trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        let is_subject = SUBJECTS.contains(&subject.to_ascii_lowercase().as_str())
            || subject.chars().next().is_some_and(char::is_uppercase);
        is_subject && has_past(pair[1])
    });
    let proposed = call.cues(sentence, CueKind::StepCommitment).any(|cue| cue.end > lead_in && cue.start < step_at);
    someone_did && !proposed && !looks_ahead(&words.join(" "))
}

fn pack_of(call: &Call, sentence: usize) -> String {
    call.cues(sentence, CueKind::StepCommitment)
        .next()
        .and_then(|cue| call.cue(cue).rule.split('/').next())
        .unwrap_or("next_steps")
        .to_string()
}

/// One item per action except material; see the module comment.
fn select(call: &Call, candidates: Vec<Candidate>) -> Vec<Item<NextStep>> {
    // "Could we set up a demo?" "Not yet.": a proposal the prospect turned down is no step.
    let candidates: Vec<Candidate> = candidates
        .into_iter()
        .filter(|candidate| !(candidate.question && call.answer(candidate.sentence) == Some(Answer::No)))
        .collect();
    let mut keep = vec![false; candidates.len()];
    // Material: "send it" after an offer only agrees to it; the same thing named again is the
    // same step.
    for (i, candidate) in candidates.iter().enumerate() {
        if candidate.action != "send_material" {
            continue;
        }
        let agreement = only_pronoun_object(&candidate.quote)
            && candidates[..i].iter().any(|before| {
                before.action == "send_material" && candidate.sentence <= before.sentence + AGREEMENT_SENTENCES
            });
        // A request to the other side is agreed by their own offer in reply.
        let lower = candidate.quote.to_ascii_lowercase();
        let answered = candidate.question
            && REQUESTS.iter().any(|request| lower.contains(request))
            && candidates[i + 1..].iter().any(|later| {
                later.action == "send_material"
                    && later.sentence <= candidate.sentence + AGREEMENT_SENTENCES
                    && call.sentence(later.sentence).speaker != call.sentence(candidate.sentence).speaker
            });
        if agreement || answered {
            continue;
        }
        let same = |j: usize| keep[j] && shares_object(&candidates[j].quote, &candidate.quote);
        // The same thing named again is the step as finally agreed ("I can send our SOC 2
        // report" ... "I'll send the SOC 2 report and the diagram today"), the seller's words
        // preferred over the prospect's.
        match (0..i).find(|&j| same(j)) {
            Some(j) if is_sellers(call, candidate) || !is_sellers(call, &candidates[j]) => {
                keep[j] = false;
                keep[i] = true;
            }
            Some(_) => {}
            None => keep[i] = true,
        }
    }
    // Other actions: the first said with a step word and a day or date, else a time agreed
    // after a proposal, else the first with any time, else the first proposal the other side
    // said yes to, else the first statement, else the first.
    let mut actions: Vec<&str> = Vec::new();
    for candidate in candidates.iter().filter(|c| c.action != "send_material") {
        if !actions.contains(&candidate.action.as_str()) {
            actions.push(&candidate.action);
        }
    }
    for action in actions {
        let same: Vec<usize> = (0..candidates.len()).filter(|&j| candidates[j].action == action).collect();
        let pick = |test: &dyn Fn(&Candidate) -> bool| same.iter().copied().find(|&j| test(&candidates[j]));
        let specific = |c: &Candidate| c.when.as_deref().is_some_and(is_specific);
        let scheduling =
            |c: &Candidate| c.rule.ends_with(AGREED_TIME) || c.rule.ends_with(&format!("/{CALENDAR_RULE}"));
        let chosen = pick(&|c| specific(c) && !scheduling(c))
            .or_else(|| pick(&|c| specific(c) && !c.rule.ends_with(AGREED_TIME)))
            .or_else(|| pick(&|c| c.rule.ends_with(AGREED_TIME)))
            .or_else(|| pick(&|c| c.when.is_some()))
            .or_else(|| pick(&|c| c.question && call.answer(c.sentence) == Some(Answer::Yes)))
            .or_else(|| pick(&|c| !c.question))
            .unwrap_or(same[0]);
        keep[chosen] = true;
    }
    let mut items = Vec::new();
    for (i, candidate) in candidates.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let mut detail =
            NextStep { action: candidate.action.clone(), when: candidate.when.clone(), who: candidate.who.clone() };
        if candidate.action != "send_material" {
            for other in candidates.iter().filter(|other| other.action == candidate.action) {
                detail.when = detail.when.or_else(|| other.when.clone());
                detail.who = detail.who.or_else(|| other.who.clone());
            }
        }
        items.push(item_across(
            Category::NextStep,
            &call.sentences[candidate.first..=candidate.last],
            &candidate.quote,
            &candidate.rule,
            candidate.confidence,
            detail,
        ));
    }
    items
}

fn is_sellers(call: &Call, candidate: &Candidate) -> bool {
    call.sentence(candidate.sentence).speaker == Speaker::Sdr
}

/// "Send it.", "I'll send those over this week": what is sent is only a pronoun.
fn only_pronoun_object(quote: &str) -> bool {
    let lower = quote.to_ascii_lowercase();
    let Some(at) = lower.find("send").or_else(|| lower.find("forward")) else {
        return false;
    };
    // "Send me that", "send it over", "Send both.": who it goes to says nothing of what it is.
    let object = lower[at..]
        .split_whitespace()
        .skip(1)
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()))
        .find(|word| !matches!(*word, "me" | "us" | "him" | "her" | "over" | "along"))
        .unwrap_or("");
    matches!(object, "it" | "that" | "those" | "them" | "these" | "this" | "both" | "everything")
}

/// Whether two quotes of material name the same thing ("our security package").
fn shares_object(a: &str, b: &str) -> bool {
    // Words that say nothing about what is sent.
    #[rustfmt::skip]
    const COMMON: &[&str] = &[
        "send", "over", "that", "this", "those", "these", "them", "with", "your", "you'll", "today",
        "tomorrow", "week", "next", "afternoon", "morning", "before", "after", "some", "also", "just", "can",
        "could", "will", "i'll", "we'll", "let", "let's", "through", "along", "time", "times", "then", "from",
        "into", "have", "what", "sure", "great", "perfect", "would", "should", "it's", "there", "their",
        "about", "short", "quick", "couple", "the", "and", "you", "our", "for", "all", "any", "now", "too",
        "get", "got", "one", "two", "few", "her", "his", "its", "out", "see", "who", "how", "why", "way",
        "yes", "him", "first", "new", "more", "ahead",
    ];
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '\'')
            .map(str::to_lowercase)
            .filter(|w| w.len() >= 3 && !COMMON.contains(&w.as_str()))
            .collect()
    };
    let later = words(b);
    words(a).iter().any(|w| later.contains(w))
}

/// The cue that says what the part's step is: the first one, except that sending or scheduling
/// is for the demo, meeting or invite named after it ("send over times for a demo", "send Raj
/// the invite").
fn governing_cue<'c>(call: &'c Call, sentence: usize, range: &Range<usize>) -> Option<&'c Hit> {
    let cues: Vec<&Hit> = call
        .cues(sentence, CueKind::StepAction)
        .filter(|cue| range.contains(&cue.start) && !excluded(call, sentence, cue, range))
        .collect();
    let first = *cues.first()?;
    let defers = |cue: &Hit| {
        is_calendar(call, cue) || matches!(call.cue(cue).value.as_deref(), Some("send_material" | "invite" | "other"))
    };
    if !defers(first) {
        return Some(first);
    }
    // What is sent may itself be a step: "get you a reference".
    let sending = call.cue(first).value.as_deref() == Some("send_material") && !is_calendar(call, first);
    let scheduled = cues.iter().skip(1).find(|cue| {
        is_calendar(call, cue)
            || match call.cue(cue).value.as_deref() {
                Some("demo" | "meeting" | "invite") => true,
                Some("other") => sending,
                _ => false,
            }
    });
    Some(scheduled.copied().unwrap_or(first))
}

fn is_calendar(call: &Call, cue: &Hit) -> bool {
    call.cue(cue).rule.rsplit('/').next() == Some(CALENDAR_RULE)
}

struct Part {
    range: Range<usize>,
    purpose: bool,
}

/// The sentence cut at the joins between steps.
fn parts(text: &str) -> Vec<Part> {
    let lower = text.to_ascii_lowercase();
    let mut cuts: Vec<(usize, usize, bool)> = Vec::new(); // (join start, part start, purpose)
    for &(join, purpose) in JOINS {
        for (at, _) in lower.match_indices(join) {
            // "the MSA, the SLA, and the agency pricing": the last item of a list, not a step.
            let next = lower[at + join.len()..].split_whitespace().next().unwrap_or("");
            if join == ", and " && DETERMINERS.contains(&next) {
                continue;
            }
            if !cuts.iter().any(|&(s, e, _)| at < e && at + join.len() > s) {
                cuts.push((at, at + join.len(), purpose));
            }
        }
    }
    for (at, _) in lower.match_indices(" and ") {
        let next = lower[at + 5..].split(|c: char| c.is_whitespace() || c == ',').next().unwrap_or("");
        if AND_LEADS.contains(&next) && !cuts.iter().any(|&(s, e, _)| at < e && at + 5 > s) {
            cuts.push((at, at + 5, false));
        }
    }
    cuts.sort();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut purpose = false;
    for (join, next, is_purpose) in cuts {
        if join > start {
            parts.push(Part { range: start..join, purpose });
        }
        start = next;
        purpose = is_purpose;
    }
    parts.push(Part { range: start..text.len(), purpose });
    parts
}

fn tidy(text: &str) -> &str {
    text.trim().trim_end_matches([',', ';', ':']).trim()
}

/// Every time said in the sentence: (start byte, phrase).
fn whens(call: &Call, sentence: usize) -> Vec<(usize, String)> {
    let text = call.text(sentence);
    call.on_demand_hits(sentence)
        .iter()
        .filter(|hit| hit.layer == Layer::Cue(CueKind::StepWhen))
        .map(|hit| (hit.start, text[hit.start..hit.end].trim_end_matches([',', '.', '?', '!']).to_string()))
        .collect()
}

/// A day, a date or a clock time, not just "next week".
fn is_specific(when: &str) -> bool {
    let lower = when.to_ascii_lowercase();
    lower.chars().any(|c| c.is_ascii_digit())
        || ["monday", "tuesday", "wednesday", "thursday", "friday", "tomorrow", "today", "afternoon", "morning"]
            .iter()
            .any(|day| lower.contains(day))
        || lower.split_whitespace().count() >= 3
}

/// A part that is little more than a time: "Thursday at nine works", "Let's do next Tuesday".
fn is_time_only(text: &str, range: &Range<usize>) -> bool {
    text[range.clone()].split_whitespace().count() <= TIME_SENTENCE_WORDS
}

/// A short sentence of the same turn, right before or after a step, that holds a time.
fn time_sentence(call: &Call, sentence: usize, other: Option<usize>) -> Option<(usize, String)> {
    let other = other.filter(|&o| o < call.len())?;
    if call.sentence(other).turn != call.sentence(sentence).turn || call.has_cue(other, CueKind::StepAction) {
        return None;
    }
    let text = call.text(other);
    if text.split_whitespace().count() > TIME_SENTENCE_WORDS {
        return None;
    }
    whens(call, other).into_iter().map(|(_, w)| w).find(|w| is_specific(w)).map(|w| (other, w))
}

fn next_in_turn_has_step(call: &Call, sentence: usize) -> bool {
    let next = sentence + 1;
    next < call.len()
        && call.sentence(next).turn == call.sentence(sentence).turn
        && call.has_cue(next, CueKind::StepAction)
}

/// A step cue that is not a step here: negated ("I wouldn't commit to a demo"), a reference to
/// a step ("before the demo"), or part of something already done ("we had a demo last year").
fn excluded(call: &Call, sentence: usize, cue: &Hit, part: &Range<usize>) -> bool {
    let text = call.text(sentence);
    let before = &text[part.start..cue.start];
    if negated_before(before, before.len(), call.matched(sentence, cue), 6) {
        return true;
    }
    let mut words =
        before.split_whitespace().rev().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''));
    let previous: Vec<String> = words.by_ref().take(2).map(str::to_ascii_lowercase).collect();
    if previous.iter().any(|w| REFERENCE_WORDS.contains(&w.as_str()))
        || previous.first().is_some_and(|w| OWNERS.contains(&w.as_str()) || w.ends_with('\'') || w.ends_with("'s"))
    {
        return true;
    }
    let clause = call.clause(sentence, cue.start);
    call.cues(sentence, CueKind::Attempt).any(|attempt| {
        attempt.start <= cue.start && attempt.start >= clause.start && !hypothetical(&text[..attempt.start])
    })
}

/// "What if we did a demo": the words before a past-tense cue make it a proposal.
fn hypothetical(before: &str) -> bool {
    before.split_whitespace().rev().take(2).any(|word| {
        matches!(
            word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_ascii_lowercase().as_str(),
            "if" | "would" | "could" | "should" | "we'd" | "i'd" | "maybe" | "suppose"
        )
    })
}

/// "Send the video.", "and invite you and Ana": the part opens with the step.
fn opens_with_step(call: &Call, sentence: usize, range: &Range<usize>) -> bool {
    let text = call.text(sentence);
    call.cues(sentence, CueKind::StepAction)
        .any(|cue| range.contains(&cue.start) && cue.start > range.start && only_fillers(&text[range.start..cue.start]))
}

/// "Loop in our IT director too.", "Please send the deck.": the sentence opens with the step.
fn is_instruction(call: &Call, sentence: usize) -> bool {
    let text = call.text(sentence);
    call.cues(sentence, CueKind::StepAction).any(|cue| only_fillers(&text[..cue.start]))
}

fn only_fillers(text: &str) -> bool {
    text.split_whitespace().all(|word| {
        matches!(
            word.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase().as_str(),
            "please"
                | "also"
                | "and"
                | "just"
                | "so"
                | "then"
                | "oh"
                | "yes"
                | "yeah"
                | "okay"
                | "ok"
                | "sure"
                | "good"
                | "great"
                | "perfect"
                | ""
        )
    })
}

/// People named in the part other than the two on the call: "with Sarah", "our CFO".
fn who(call: &Call, sentence: usize, participants: &[String], range: &Range<usize>) -> Option<String> {
    let names: Vec<&str> = people::mentions(call, sentence, participants)
        .into_iter()
        .filter(|m| range.contains(&m.span.start))
        .filter(|m| !m.name.is_some_and(|name| participants.iter().any(|p| people::names_match(p, name))))
        .filter_map(|m| m.name.or(m.role))
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}
