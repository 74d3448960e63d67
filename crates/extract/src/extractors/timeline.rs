//! Timeline: when the prospect needs it ("before the end of Q1", "within ninety days") and the
//! reason given with it ("because of the audit", "our contract renews in March").

use crate::call::{negated_before, Call};
use crate::item::item;
use crate::kinds::{CueKind, EntityKind};
use crate::lexicon::Hit;
use crate::numbers::{digits_for_words, quantities};
use crate::tense::{has_past, looks_ahead};
use handoff_findings::{Category, Item, Timeline};
use std::collections::HashSet;

/// Words that open a phrase naming the event a deadline hangs on: "before the raise closes",
/// "ahead of open enrollment", "by the time the auditors come back".
const EVENT_OPENERS: &[&str] =
    &["before", "ahead of", "in time for", "prior to", "until", "till", "after", "by the time", "once"];
/// What cannot start such an event: "before then", "before we talk pricing", "after that".
const NOT_AN_EVENT: &[&str] = &[
    "then",
    "that",
    "this",
    "these",
    "those",
    "it",
    "we",
    "i",
    "you",
    "they",
    "he",
    "she",
    "anything",
    "everything",
    "something",
    "now",
    "long",
    "too",
    "and",
    "or",
    "a",
    "an",
    "any",
    "all",
    "me",
    "us",
    "them",
    "him",
    "what",
    "which",
    "so",
    "if",
    "when",
    "is",
    "was",
    "you're",
    "we're",
    "i'm",
    "that's",
    "it's",
    "there",
    "here",
    "today",
    "tomorrow",
    "one",
    "two",
    "three",
    "somebody",
    "someone",
    "anyone",
    "everyone",
    "anybody",
    "everybody",
    "time",
    "eight",
    "nine",
    "ten",
    "seven",
    "six",
    "five",
    "four",
    "noon",
    "lunch",
    "second",
    "first",
];
/// Skipped before the head word of an event: "before the raise closes".
const ARTICLES: &[&str] = &["the", "our", "their", "my", "your", "his", "her", "its", "next", "this"];
/// Words that end the event: "before the spring rush, because...", "before Easter and".
const EVENT_STOPS: &[&str] = &[
    "so",
    "because",
    "since",
    "and",
    "but",
    "or",
    "which",
    "that",
    "when",
    "if",
    "then",
    "though",
    "as",
    "to",
    "i",
    "we",
    "you",
    "they",
    "is",
    "are",
    "was",
    "were",
    "will",
    "would",
    "could",
    "should",
    "it",
    "at",
    "least",
    "ideally",
    "honestly",
    "hopefully",
    "realistically",
    "anyway",
    "even",
    "otherwise",
    "unless",
    "where",
    "than",
];
/// Reason cues that only join ("because", "since"): no event of their own.
const CONNECTIVES: &[&str] = &[
    "because",
    "because of",
    "due to",
    "since",
    "so that",
    "so we",
    "in order to",
    "otherwise",
    "given",
    "that's when",
];
/// Words that join clauses: the subject of an event starts after them ("and [Frank does
/// budgets] in January").
const JOINERS: &[&str] = &[
    "and", "so", "but", "or", "because", "since", "which", "that", "if", "when", "then", "though", "also", "um", "uh",
    "like", "yeah", "well", "once",
];
/// At most this many words of an event after its opener.
const EVENT_WORDS: usize = 6;
/// Before a deadline, words that say what has to happen by then and belong to the phrase: "a
/// decision by April", "live by September", "signed by end of Q2".
const LEAD_WORDS: &[&str] = &[
    "decision",
    "live",
    "signed",
    "done",
    "decided",
    "chosen",
    "ready",
    "finished",
    "running",
    "working",
    "contract",
    "launched",
    "deployed",
    "migrated",
    "implemented",
    "installed",
    "trained",
    "selected",
];
/// A time phrase that is nearly all of its sentence answers "when?": "February, ideally.",
/// "After March." Allowed words besides the phrase.
const FRAGMENT_WORDS: usize = 3;

pub(crate) fn timeline(call: &Call) -> Vec<Item<Timeline>> {
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    for sentence in 0..call.len() {
        if !call.is_prospect_side(sentence) {
            continue;
        }
        let deadlines: Vec<&Hit> = call.cues(sentence, CueKind::Deadline).collect();
        // "Every year in September they break my heart": in small talk a bare time is no plan
        // (a deadline still is: "by the holidays, before the buses fill the parking lot").
        let small_talk = call.has_cue(sentence, CueKind::OffTopic);
        let periods: Vec<&Hit> = call.cues(sentence, CueKind::Period).filter(|_| !small_talk).collect();
        if deadlines.is_empty() && periods.is_empty() {
            continue;
        }
        let text = call.text(sentence);
        // "We're not looking to change anything this quarter" states no goal.
        let has_goal = call
            .cues(sentence, CueKind::TimelineGoal)
            .any(|goal| !negated_before(text, goal.start, call.matched(sentence, goal), 3));
        // "the audit is in September", "we move into the new building in March": an event of
        // the prospect's with its date.
        let has_event = call.has_cue(sentence, CueKind::TimelineReason);
        // "live by the end of Q3, since our renewal is in October": a period inside the reason
        // given for a deadline belongs to that reason.
        let reason_from = deadlines
            .first()
            .and_then(|deadline| call.cues(sentence, CueKind::TimelineReason).find(|cue| cue.start >= deadline.end))
            .map_or(usize::MAX, |cue| cue.start);
        let mut phrases: Vec<(usize, usize, &Hit)> = Vec::new();
        let answer = answers_when(call, sentence, &items);
        for &hit in deadlines.iter().chain(&periods) {
            let is_deadline = deadlines.contains(&hit);
            if !is_deadline && deadlines.iter().any(|d| d.start < hit.end && hit.start < d.end) {
                continue;
            }
            let Some(end) = extend_event(text, hit) else {
                continue;
            };
            let matched = text[hit.start..hit.end].to_ascii_lowercase();
            // "by March" holds when told of the past with a goal ("we committed to have it live
            // by March"), not as a story ("By January I stopped adjusting"); "for spring" and the
            // periods only with a goal or an event.
            let firm = is_deadline && !matched.starts_with("for ");
            // "February, ideally." as an answer; "Ford audit. IATF, in the fall." after an event.
            let fragment = (answer && is_fragment(text, hit.start, end, true))
                || (is_fragment(text, hit.start, end, false) && event_just_before(call, sentence));
            let event_from = if is_deadline { None } else { event_start(call, sentence, hit.start) };
            let stated =
                firm || fragment || event_from.is_some() || ((has_goal || has_event) && hit.start < reason_from);
            let committed = matched.starts_with("by ");
            if !stated
                || is_rate(text, hit)
                || is_possessive(text, end)
                || is_modal_may(call.matched(sentence, hit))
                || recurring_or_negated(text, hit.start)
                || (!is_deadline && modifies_a_noun(text, hit.start))
                || ((!committed || !has_goal) && said_of_the_past(call, sentence, hit.start, end))
            {
                continue;
            }
            // "Our renewal is in October", "New billboards go up in May": the event is part of
            // the phrase when it is what makes the date count.
            let (start, end) = if fragment {
                // The whole answer: "February, ideally".
                let whole = text.trim_end_matches([',', '.', '?', '!', ';', ':', ' ']);
                (text.len() - text.trim_start().len(), whole.len())
            } else {
                (event_from.unwrap_or_else(|| lead_start(text, hit.start)), end)
            };
            phrases.push((start, end, hit));
        }
        phrases.sort_by_key(|(start, _, _)| *start);
        // An extended event may now cover a later hit ("before the Lexcel review in September").
        let mut covered_to = 0;
        for (start, end, hit) in phrases {
            if hit.start < covered_to {
                continue;
            }
            // An event phrase reaching back into the one before: "before the next return [is
            // due in July]".
            let start = if start < covered_to {
                covered_to + text[covered_to..].len() - text[covered_to..].trim_start().len()
            } else {
                start
            };
            covered_to = end;
            let phrase = text[start..end].trim_end_matches([',', '.', '?', '!', ';', ':']).trim();
            let normalized = normalize(call, sentence, start, end);
            if !seen.insert(normalized.to_lowercase()) {
                continue;
            }
            let rule = call.cue(hit);
            let detail =
                Timeline { phrase: phrase.to_string(), normalized, reason: reason(call, sentence, start, end) };
            items.push(item(Category::Timeline, call.sentence(sentence), text, &rule.rule, rule.confidence, detail));
        }
    }
    items
}

/// Lowercase words of `text` with their byte ranges.
fn words(text: &str, offset: usize) -> impl Iterator<Item = (usize, usize, String)> + '_ {
    text.split_inclusive(char::is_whitespace)
        .scan(offset, |at, raw| {
            let start = *at;
            *at += raw.len();
            let trimmed = raw.trim_end();
            Some((start, start + trimmed.len(), trimmed.to_ascii_lowercase()))
        })
        .filter(|(start, end, _)| end > start)
}

/// The end of the phrase: for "before ..." / "until ..." hits, the event named after the
/// opener ("before the spring leasing season", "before Ron retires"); None when the opener is
/// followed by no event at all ("before then", "after that", "before we talk pricing").
fn extend_event(text: &str, hit: &Hit) -> Option<usize> {
    let matched = text[hit.start..hit.end].to_ascii_lowercase();
    let Some(opener) = EVENT_OPENERS
        .iter()
        .find(|o| matched.starts_with(*o) && matched[o.len()..].starts_with(|c: char| c.is_whitespace() || c == ','))
    else {
        return Some(hit.end);
    };
    let mut end = hit.end;
    if !text[hit.end..].starts_with([',', '.', ';', '?', '!', ':']) {
        for (count, (_, word_end, word)) in words(&text[hit.end..], hit.end).enumerate() {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-');
            if bare.is_empty() || EVENT_STOPS.contains(&bare) || count >= EVENT_WORDS {
                break;
            }
            let punctuation = word.len() - word.trim_end_matches([',', '.', '?', '!', ';', ':']).len();
            end = word_end - punctuation;
            if punctuation > 0 {
                break;
            }
        }
    }
    let event = text[hit.start..end].to_ascii_lowercase();
    let mut event_words =
        event[opener.len()..].split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''));
    let mut head = event_words.next()?;
    // "before signing", "before getting there": an action, not an event with a date.
    let gerund = head.ends_with("ing") && !matches!(head, "spring" | "morning" | "evening" | "thanksgiving");
    if ARTICLES.contains(&head) {
        head = event_words.next()?;
    } else if gerund {
        return None;
    }
    let pronoun_contraction = head.split('\'').next().is_some_and(|stem| NOT_AN_EVENT.contains(&stem));
    (!NOT_AN_EVENT.contains(&head) && !pronoun_contraction && !head.is_empty()).then_some(end)
}

/// The sentence opens a turn, as a reply does ("When would you want it live?" "February,
/// ideally."), with no timeline item given before in the same turn.
fn answers_when(call: &Call, sentence: usize, items: &[Item<Timeline>]) -> bool {
    let turn = call.sentence(sentence).turn;
    let first = (0..=sentence).rev().take_while(|&i| call.sentence(i).turn == turn).last().unwrap_or(sentence);
    if sentence - first > 2 || first == 0 {
        return false;
    }
    let turn_start_ms = call.sentence(first).start_ms;
    !items.iter().any(|item| item.start_ms >= turn_start_ms)
}

/// This sentence or the one before in the same turn names an event ("Ford audit.").
fn event_just_before(call: &Call, sentence: usize) -> bool {
    call.has_cue(sentence, CueKind::TimelineReason)
        || sentence.checked_sub(1).is_some_and(|previous| {
            call.sentence(previous).turn == call.sentence(sentence).turn
                && call.has_cue(previous, CueKind::TimelineReason)
        })
}

/// "they may well oppose it": the verb, not the month.
fn is_modal_may(matched: &str) -> bool {
    matched.split(|c: char| !c.is_alphanumeric()).any(|w| w == "may")
}

/// "every December", "since March", "not this year": no date the prospect is working to. A
/// window ruled out is one ("not in April", "not working before Thanksgiving").
fn recurring_or_negated(text: &str, start: usize) -> bool {
    let before: Vec<String> = text[..start]
        .split_whitespace()
        .rev()
        .take(2)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_ascii_lowercase())
        .collect();
    let lead = text[start..].get(..5).unwrap_or("");
    let this_or_next = lead.eq_ignore_ascii_case("this ") || lead.eq_ignore_ascii_case("next ");
    let negated =
        before.first().is_some_and(|w| w == "not" || w == "never") || before.get(1).is_some_and(|w| w == "not");
    before.first().is_some_and(|w| matches!(w.as_str(), "every" | "each" | "since")) || (this_or_next && negated)
}

/// "budgets for next year", "the plan for this quarter": the period says which, not when.
fn modifies_a_noun(text: &str, start: usize) -> bool {
    let word = text[..start].split_whitespace().next_back().unwrap_or("").to_ascii_lowercase();
    let matched = text[start..].to_ascii_lowercase();
    matches!(word.as_str(), "for" | "of") && !matched.starts_with("in ") && !matched.starts_with("the ")
}

/// Start of the event clause before a date: the words (at most three) before the nearest event
/// cue, up to a comma or a joining word: "and [Frank does budgets] in January".
fn event_start(call: &Call, sentence: usize, date_start: usize) -> Option<usize> {
    let text = call.text(sentence);
    let cue = call
        .cues(sentence, CueKind::TimelineReason)
        .filter(|cue| {
            cue.end <= date_start && !CONNECTIVES.contains(&call.matched(sentence, cue).to_ascii_lowercase().as_str())
        })
        .last()
        .map(|cue| cue.start..cue.end);
    // "The trade show is in November": the copula alone ties an event to its date.
    let before = text[..date_start].trim_end();
    let copula = ["is", "are", "'s", "\u{2019}s"].iter().find(|c| {
        let lower = before.to_ascii_lowercase();
        let Some(stem) = lower.strip_suffix(*c) else {
            return false;
        };
        let spoken_apart = !c.ends_with("s") || c.len() == 2 && !c.starts_with('\'');
        let stem = if spoken_apart { stem.strip_suffix(' ') } else { Some(stem) };
        // The subject: a word of its own, not "it", "which" or "this" ("it's April" is the weather).
        let subject = stem.and_then(|stem| stem.rsplit(' ').next()).unwrap_or("");
        !subject.is_empty()
            && subject.chars().all(|ch| ch.is_alphanumeric() || ch == '-')
            && !matches!(
                subject,
                "it" | "this" | "that" | "which" | "what" | "there" | "here" | "he" | "she" | "who" | "where"
            )
    });
    let cue = match (cue, copula) {
        (Some(cue), _) => cue,
        (None, Some(copula)) => before.len() - copula.len()..before.len(),
        (None, None) => return opened_event_start(text, date_start),
    };
    let between = &text[cue.end..date_start];
    if between.contains([',', ';', '.', '?', '!', '\u{2014}']) || between.split_whitespace().count() > 4 {
        return None;
    }
    let mut start = cue.start;
    for (count, (word_start, _, word)) in words(&text[..cue.start], 0).collect::<Vec<_>>().into_iter().rev().enumerate()
    {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        if count >= 4 || word.ends_with([',', ';', '.', '?', '!', ':']) || JOINERS.contains(&bare) || bare.is_empty() {
            break;
        }
        start = word_start;
    }
    Some(start)
}

/// "after his wedding in June", "before our CARF survey in October": an event no cue names,
/// opened by "after" or "before" just before its date, is part of the phrase (the date alone
/// says less than the event it hangs on).
fn opened_event_start(text: &str, date_start: usize) -> Option<usize> {
    let before: Vec<(usize, usize, String)> = words(&text[..date_start], 0).collect();
    for (count, (word_start, _, word)) in before.iter().rev().enumerate() {
        if count > EVENT_WORDS || word.ends_with([',', ';', '.', '?', '!', ':']) {
            return None;
        }
        let opens = ["after", "before"].contains(&word.as_str());
        let event = before.get(before.len() - count).map(|(_, _, first)| first.as_str());
        if opens {
            return event.filter(|first| !NOT_AN_EVENT.contains(first)).map(|_| *word_start);
        }
        if count > 0 && JOINERS.contains(&word.as_str()) {
            return None;
        }
    }
    None
}

/// "ten thousand dollars in a year", "fifty a month": a rate after an amount, not a date.
fn is_rate(text: &str, hit: &Hit) -> bool {
    let matched = text[hit.start..hit.end].to_ascii_lowercase();
    let rate_words = ["in a ", "a ", "per ", "for the year", "for the month", "for the quarter"];
    if !rate_words.iter().any(|r| matched.starts_with(r)) {
        return false;
    }
    let before = text[..hit.start].trim_end();
    quantities(before).last().is_some_and(|q| q.end == before.len())
}

/// "next year's budget": the period names something else.
fn is_possessive(text: &str, end: usize) -> bool {
    text[end..].starts_with("'s") || text[end..].starts_with("\u{2019}s")
}

/// The sentence is hardly more than the phrase: "February, ideally." "After March."
fn is_fragment(text: &str, start: usize, end: usize, fillers_only: bool) -> bool {
    // One word past the limit says enough: the rest of a long sentence is not lowercased.
    let others: Vec<String> = text[..start]
        .split_whitespace()
        .chain(text[end..].split_whitespace())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
        .filter(|w| !w.is_empty())
        .take(FRAGMENT_WORDS + 1)
        .map(str::to_ascii_lowercase)
        .collect();
    others.len() <= FRAGMENT_WORDS
        && (!fillers_only || others.iter().all(|w| FRAGMENT_FILLERS.contains(&w.as_str())))
        && !text.trim_end().ends_with('?')
}

/// Words that may come with a date given as an answer: "Honestly, after March.", "April-ish,
/// probably."
const FRAGMENT_FILLERS: &[&str] = &[
    "ideally",
    "probably",
    "maybe",
    "honestly",
    "realistically",
    "hopefully",
    "so",
    "um",
    "uh",
    "like",
    "yeah",
    "yes",
    "then",
    "latest",
    "the",
    "at",
    "i'd",
    "say",
    "guess",
    "think",
    "i",
    "sometime",
    "around",
    "about",
    "roughly",
    "definitely",
    "well",
    "oh",
    "okay",
    "ok",
];

/// The clause around the phrase speaks of the past: "we signed a guy in March", "in 2021 IT
/// added a form", "a postdoc who left in April"; or the sentence does and nothing in it looks
/// ahead ("In March, we failed to send the notice").
fn said_of_the_past(call: &Call, sentence: usize, start: usize, end: usize) -> bool {
    let text = call.text(sentence);
    let from = text[..start]
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, ',' | ';' | '.' | '\u{2014}'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let to = text[end..].find([',', ';', '.', '\u{2014}']).map_or(text.len(), |i| end + i);
    let clause = &text[from..to];
    if has_past(clause) && !looks_ahead(clause) {
        return true;
    }
    // "..., which begins July 1": an event in the present in the clause settles it.
    let present_event = call
        .cues(sentence, CueKind::TimelineReason)
        .chain(call.cues(sentence, CueKind::TimelineGoal))
        .filter(|cue| cue.start >= from && cue.end <= to)
        .any(|cue| {
            let matched = call.matched(sentence, cue).to_ascii_lowercase();
            matched.ends_with('s') && !matched.ends_with("ss") || looks_ahead(&text[from..to])
        });
    !present_event && has_past(text) && !looks_ahead(text)
}

/// Start of the phrase, taking in a word of what must be done by then: "a decision by April".
fn lead_start(text: &str, start: usize) -> usize {
    let before = &text[..start];
    let trimmed = before.trim_end();
    if trimmed.len() == before.len() && start > 0 {
        return start;
    }
    let word_start = trimmed.char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(0, |(i, c)| i + c.len_utf8());
    let word = trimmed[word_start..].to_ascii_lowercase();
    if !LEAD_WORDS.contains(&word.as_str()) {
        return start;
    }
    // "a decision", "the contract".
    let earlier = trimmed[..word_start].trim_end();
    let article = earlier.rsplit(char::is_whitespace).next().unwrap_or("");
    if matches!(article.to_ascii_lowercase().as_str(), "a" | "the" | "our") {
        return earlier.len() - article.len();
    }
    word_start
}

/// The phrase with quarters canonical ("Q one" -> "Q1") and spoken numbers as digits.
fn normalize(call: &Call, sentence: usize, start: usize, end: usize) -> String {
    let text = call.text(sentence);
    let mut out = String::new();
    let mut copied = start;
    for quarter in call.entities(sentence, EntityKind::Quarter) {
        if quarter.start >= copied && quarter.end <= end {
            out.push_str(&text[copied..quarter.start]);
            out.push_str(&call.entity(quarter).name);
            copied = quarter.end;
        }
    }
    out.push_str(&text[copied..end]);
    digits_for_words(out.trim_end_matches([',', '.', '?', '!', ';', ':']).trim())
}

/// The reason after the phrase in the same sentence, before it (from the start of its clause:
/// "the new rules kick in on the 1st of July"), or in the next sentence.
fn reason(call: &Call, sentence: usize, start: usize, end: usize) -> Option<String> {
    let text = call.text(sentence);
    let cues: Vec<&Hit> =
        call.cues(sentence, CueKind::TimelineReason).filter(|cue| !(cue.start < end && start < cue.end)).collect();
    let tidy = |s: &str| s.trim().trim_matches([',', '.', ';', ':', '?', '!', '\u{2014}']).trim().to_string();
    if let Some(after) = cues.iter().find(|cue| cue.start >= end) {
        return Some(tidy(&text[after.start..]));
    }
    if let Some(before) = cues.iter().rev().find(|cue| cue.end <= start) {
        let clause = call.clause(sentence, before.start).start.min(before.start);
        let from = text[..clause].rfind(['.', ';', '?', '!']).map_or(clause, |i| i + 1);
        return Some(tidy(&text[from.max(clause)..start]));
    }
    // "before the Lexcel reassessment": the event in the phrase is the reason.
    let phrase = &text[start..end];
    if let Some(cue) = call.cues(sentence, CueKind::TimelineReason).find(|cue| cue.start >= start && cue.end <= end) {
        let lower = phrase.to_ascii_lowercase();
        let opener = EVENT_OPENERS.iter().filter_map(|o| lower.find(o).map(|at| at + o.len())).min();
        match opener {
            Some(after) if start + after <= cue.start => return Some(tidy(&phrase[after..])),
            // "Our renewal is in October": the event said with its date.
            None if cue.start >= start => {
                let date = call
                    .cues(sentence, CueKind::Period)
                    .chain(call.cues(sentence, CueKind::Deadline))
                    .filter(|hit| hit.start >= cue.end && hit.end <= end)
                    .map(|hit| hit.start)
                    .max()
                    .unwrap_or(end);
                return Some(tidy(&text[start..date]));
            }
            _ => {}
        }
    }
    let whole = start <= text.len() - text.trim_start().len()
        && text[end..].trim_matches(|c: char| !c.is_alphanumeric()).is_empty();
    if whole {
        // An answer on its own ("February, ideally."): the sentence after it says why, or the
        // event named just before ("Ford audit. IATF, in the fall.").
        let previous = sentence.checked_sub(1).filter(|&p| {
            call.sentence(p).turn == call.sentence(sentence).turn && call.has_cue(p, CueKind::TimelineReason)
        });
        if let Some(previous) = previous {
            return Some(tidy(call.text(previous)));
        }
        let next = call.next_on_same_side(sentence)?;
        return (call.sentence(next).turn == call.sentence(sentence).turn).then(|| tidy(call.text(next)));
    }
    let next = call.next_on_same_side(sentence)?;
    call.has_cue(next, CueKind::TimelineReason).then(|| tidy(call.text(next)))
}
