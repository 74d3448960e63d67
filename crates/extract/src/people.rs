//! People in a sentence: capitalised names, roles from the dictionary or title patterns, and
//! the two joined when they stand together ("Sarah Chen, our CFO", "our CFO Sarah Chen").

use crate::call::Call;
use crate::lexicon::{Hit, Layer};
use crate::rules::schema::{CueKind, EntityKind};
use std::ops::Range;

/// Someone (or some team) named in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PersonMention<'a> {
    pub name: Option<&'a str>,
    /// Canonical role (dictionary) or the title as said (title patterns).
    pub role: Option<&'a str>,
    /// `<pack>/<id>` of the role entry or title rule, when there is a role.
    pub role_rule: Option<&'a str>,
    pub role_confidence: f32,
    /// Byte range covering the name and the role.
    pub span: Range<usize>,
    /// "our CFO", "my boss", "your IT team": tied to the prospect's company.
    pub possessive: bool,
}

/// Words allowed between a name and the role after it: "Sarah, our CFO", "Sarah is the CFO".
const NAME_ROLE_GAP: &[&str] =
    &["is", "our", "my", "the", "your", "their", "who", "who's", "as", "she's", "he's", "and"];
/// Words allowed between a role and the name after it: "our CFO Sarah", "the CFO is Sarah".
const ROLE_NAME_GAP: &[&str] = &["is", "named", "called"];
/// Words before a capitalised word that make it a person rather than a place or a company.
/// ("with", "to", "by" are left out: "with Microsoft", "to Acme" name companies as often.)
const PERSON_LEAD_INS: &[&str] = &[
    "cc", "ask", "asked", "told", "tell", "loop", "include", "invite", "bring", "ping", "call", "email", "thanks",
    "thank", "hi", "hey", "hello",
];
const POSSESSIVES: &[&str] = &["our", "my", "your"];
const MAX_NAME_TOKENS: usize = 3;

/// A word of the sentence with its byte range, trailing punctuation and "'s" removed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    /// Punctuation right after the word (",", ".") ends a name run.
    pub punctuated: bool,
}

pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split(' ') {
        let start = offset;
        offset += raw.len() + 1;
        let leading = raw.len() - raw.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
        let core = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if core.is_empty() {
            continue;
        }
        let core = core.strip_suffix("'s").unwrap_or(core);
        let begin = start + leading;
        let punctuated = raw.len() > leading + core.len() && !raw[leading + core.len()..].starts_with("'s");
        out.push(Word { text: core, start: begin, end: begin + core.len(), punctuated });
    }
    out
}

fn looks_like_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_uppercase())
        && word.chars().any(|c| c.is_lowercase())
        && word.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '-')
}

/// Capitalised words that can be a person's name: not a dictionary word ("Salesforce", "CFO",
/// "Q1"), not a listed non-name ("So", "Monday"), at most three in a row ("Sarah Chen").
pub(crate) fn name_runs(call: &Call, sentence: usize) -> Vec<Range<usize>> {
    let text = call.text(sentence);
    let hits = call.hits(sentence);
    let is_name_word = |word: &Word| {
        looks_like_name(word.text)
            && !listed(&call.rules.not_names, word.text)
            && !hits
                .iter()
                .any(|hit| matches!(hit.layer, Layer::Entity(_)) && hit.start < word.end && word.start < hit.end)
    };
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut current: Option<(Range<usize>, usize)> = None;
    for word in words(text) {
        if is_name_word(&word) {
            current = match current.take() {
                Some((range, count)) if count < MAX_NAME_TOKENS && text[range.end..word.start].trim().is_empty() => {
                    Some((range.start..word.end, count + 1))
                }
                Some((range, _)) => {
                    runs.push(range);
                    Some((word.start..word.end, 1))
                }
                None => Some((word.start..word.end, 1)),
            };
            if word.punctuated {
                runs.extend(current.take().map(|(range, _)| range));
            }
        } else {
            runs.extend(current.take().map(|(range, _)| range));
        }
    }
    runs.extend(current.map(|(range, _)| range));
    runs
}

/// A cheap first look: could the sentence name someone at all? A role or relation cue, a
/// capitalised word after the first, or a first word that is a known first name. Most
/// sentences of a call fail it and skip the costlier `mentions`.
pub(crate) fn may_mention_someone(call: &Call, sentence: usize) -> bool {
    if call.entities(sentence, EntityKind::Role).next().is_some()
        || call.cues(sentence, CueKind::Relation).next().is_some()
    {
        return true;
    }
    let text = call.text(sentence);
    let bytes = text.as_bytes();
    let hits = call.hits(sentence);
    let capitalised_later = (1..bytes.len().saturating_sub(1)).any(|i| {
        bytes[i - 1] == b' '
            && bytes[i].is_ascii_uppercase()
            && bytes[i + 1].is_ascii_lowercase()
            && !hits.iter().any(|hit| matches!(hit.layer, Layer::Entity(_)) && hit.start <= i && i < hit.end)
            && !listed(
                &call.rules.not_names,
                text[i..].split(|c: char| !c.is_alphanumeric() && c != '\'').next().unwrap_or(""),
            )
    });
    capitalised_later || {
        let first = text.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        listed(&call.rules.first_names, first)
    }
}

/// Lowercase words of a gap, punctuation dropped.
pub(crate) fn gap_words(gap: &str) -> Vec<String> {
    gap.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_ascii_lowercase())
        .collect()
}

fn gap_allows(gap: &str, allowed: &[&str], max_words: usize) -> bool {
    let only_commas = gap.chars().all(|c| c == ',' || c.is_whitespace());
    let words = gap_words(gap);
    only_commas || (words.len() <= max_words && words.iter().all(|w| allowed.contains(&w.as_str())))
}

/// A role said in the sentence: a dictionary role, or a title pattern match not inside one.
pub(crate) struct RoleHit<'a> {
    pub span: Range<usize>,
    pub role: &'a str,
    pub rule: &'a str,
    pub confidence: f32,
}

/// Dictionary roles, plus title patterns when `with_titles` (they are costly and only used next
/// to a name or in an introduction).
pub(crate) fn role_hits<'a>(call: &'a Call, sentence: usize, with_titles: bool) -> Vec<RoleHit<'a>> {
    let text = call.text(sentence);
    let roles: Vec<&Hit> = call.entities(sentence, EntityKind::Role).collect();
    let mut found: Vec<RoleHit> = roles
        .iter()
        .map(|hit| {
            let entity = call.entity(hit);
            RoleHit { span: hit.start..hit.end, role: &entity.name, rule: &entity.rule, confidence: entity.confidence }
        })
        .collect();
    let titles = if with_titles { call.rules.lexicon.scan_on_demand(text) } else { Vec::new() };
    for title in titles.iter().filter(|hit| hit.layer == Layer::Cue(CueKind::Title)) {
        if roles.iter().any(|role| role.start < title.end && title.start < role.end) {
            continue;
        }
        if let Some(span) = trim_title(text, title.start..title.end) {
            let cue = call.cue(title);
            found.push(RoleHit { role: &text[span.clone()], span, rule: &cue.rule, confidence: cue.confidence * 0.9 });
        }
    }
    found.sort_by_key(|role| role.span.start);
    found
}

/// A title pattern match without leading articles and trailing "at Brightside" etc.
pub(crate) fn trim_title(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    const LEADING: &[&str] = &["the", "a", "an", "our", "my", "your", "their", "his", "her", "i'm", "im", "am", "is"];
    const STOP: &[&str] = &[
        "at", "for", "with", "from", "here", "in", "on", "over", "and", "who", "that", "which", "to", "so", "but",
        "we", "i",
    ];
    let mut start = span.start;
    let mut end = span.start;
    let mut seen_word = false;
    for word in words(&text[span.clone()]) {
        let lower = word.text.to_ascii_lowercase();
        if !seen_word && LEADING.contains(&lower.as_str()) {
            start = span.start + word.end;
            continue;
        }
        if seen_word && STOP.contains(&lower.as_str()) {
            break;
        }
        if !seen_word {
            start = span.start + word.start;
        }
        seen_word = true;
        end = span.start + word.end;
        if word.punctuated {
            break;
        }
    }
    (seen_word && end > start).then_some(start..end)
}

/// Everyone mentioned in the sentence. `known` holds names already seen in the call, so a
/// later bare "Sarah" is recognised.
pub(crate) fn mentions<'a>(call: &'a Call, sentence: usize, known: &[String]) -> Vec<PersonMention<'a>> {
    let text = call.text(sentence);
    let runs = name_runs(call, sentence);
    let roles = role_hits(call, sentence, !runs.is_empty());
    let mut used_runs = vec![false; runs.len()];
    let mut found = Vec::new();

    // Pair names with roles: "Sarah Chen, our CFO" first, then "our CFO Sarah Chen", so in
    // "my boss, Kevin Walsh, the CRO" Kevin is the CRO.
    let mut paired: Vec<Option<usize>> = vec![None; roles.len()];
    for (r, role) in roles.iter().enumerate() {
        let before = runs.iter().enumerate().rev().find(|(i, run)| {
            !used_runs[*i]
                && run.end <= role.span.start
                && gap_allows(&text[run.end..role.span.start], NAME_ROLE_GAP, 3)
        });
        if let Some((i, _)) = before {
            used_runs[i] = true;
            paired[r] = Some(i);
        }
    }
    for (r, role) in roles.iter().enumerate() {
        if paired[r].is_some() {
            continue;
        }
        let after = runs.iter().enumerate().find(|(i, run)| {
            !used_runs[*i]
                && run.start >= role.span.end
                && gap_allows(&text[role.span.end..run.start], ROLE_NAME_GAP, 1)
        });
        if let Some((i, _)) = after {
            used_runs[i] = true;
            paired[r] = Some(i);
        }
    }
    for (role, run) in roles.iter().zip(&paired) {
        let word_before_role = gap_words(&text[..role.span.start]).pop().unwrap_or_default();
        let run = run.map(|i| runs[i].clone());
        let span =
            run.as_ref().map_or(role.span.clone(), |run| role.span.start.min(run.start)..role.span.end.max(run.end));
        found.push(PersonMention {
            name: run.map(|run| &text[run]),
            role: Some(role.role),
            role_rule: Some(role.rule),
            role_confidence: role.confidence,
            span,
            possessive: POSSESSIVES.contains(&word_before_role.as_str()),
        });
    }

    let relation_cues: Vec<&Hit> = call.cues(sentence, CueKind::Relation).collect();
    for (i, run) in runs.iter().enumerate() {
        if used_runs[i] {
            continue;
        }
        let name = &text[run.clone()];
        let first = name.split(' ').next().unwrap_or(name).to_lowercase();
        let lead_in = gap_words(&text[..run.start]).pop().unwrap_or_default();
        let mid_sentence = run.start > 0;
        let is_known = known.iter().any(|k| names_match(k, name));
        let before_relation = relation_cues
            .iter()
            .any(|cue| cue.start >= run.end && text[run.end..cue.start].split_whitespace().count() <= 3);
        let accepted = call.rules.first_names.contains(&first)
            || is_known
            || before_relation
            || (mid_sentence && PERSON_LEAD_INS.contains(&lead_in.as_str()));
        if accepted {
            found.push(PersonMention {
                name: Some(name),
                role: None,
                role_rule: None,
                role_confidence: 0.0,
                span: run.clone(),
                possessive: false,
            });
        }
    }
    found.sort_by_key(|mention| mention.span.start);
    merge_appositions(text, found)
}

/// "My boss, Kevin Walsh, the CRO": a nameless role right before a named person, with only a
/// comma between, is the same person; the named mention keeps its own role when it has one.
fn merge_appositions<'a>(text: &str, mentions: Vec<PersonMention<'a>>) -> Vec<PersonMention<'a>> {
    let mut merged: Vec<PersonMention<'a>> = Vec::with_capacity(mentions.len());
    for mention in mentions {
        if let Some(previous) = merged.last_mut() {
            let adjacent =
                previous.span.end <= mention.span.start && text[previous.span.end..mention.span.start].trim() == ",";
            if adjacent && previous.name.is_none() && mention.name.is_some() {
                let role_kept = mention.role.is_some();
                let keep =
                    if role_kept { mention.clone() } else { PersonMention { name: mention.name, ..previous.clone() } };
                *previous = PersonMention {
                    span: previous.span.start..mention.span.end,
                    possessive: previous.possessive,
                    ..keep
                };
                continue;
            }
        }
        merged.push(mention);
    }
    merged
}

/// "Sarah" matches "Sarah Chen"; "Sarah Chen" does not match "Sarah Park". Spellings one
/// transcription slip apart still match ("Maria" / "Marie", "Sarah Chen" / "Sarah Ken").
pub(crate) fn names_match(a: &str, b: &str) -> bool {
    let single = |name: &str| !name.contains(' ');
    let first = |name: &'_ str| name.split(' ').next().unwrap_or("").to_string();
    let last = |name: &'_ str| name.rsplit(' ').next().unwrap_or("").to_string();
    similar(&first(a), &first(b), 1) && (single(a) || single(b) || similar(&last(a), &last(b), 2))
}

/// Case-insensitive equality, or an edit distance within `slips` for words long enough that a
/// slip cannot turn one common name into another ("Ken"/"Chen" yes, "Tom"/"Tim" no).
fn similar(a: &str, b: &str, slips: usize) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let long_enough = a.len().min(b.len()) >= 3 + slips;
    long_enough && a.len().abs_diff(b.len()) <= slips && crate::fuzzy::edit_distance(a, b) <= slips
}

/// Whether a word is in a lowercase word list, without allocating for short ASCII words.
pub(crate) fn listed(list: &std::collections::HashSet<String>, word: &str) -> bool {
    let mut buffer = [0u8; 32];
    if word.len() <= buffer.len() && word.is_ascii() {
        let lower = &mut buffer[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        std::str::from_utf8(lower).is_ok_and(|lower| list.contains(lower))
    } else {
        list.contains(&word.to_lowercase())
    }
}
