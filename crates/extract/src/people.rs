//! People in a sentence: capitalised names, roles from the dictionary or title patterns, and
//! the two joined when they stand together ("Sarah Chen, our CFO", "our CFO Sarah Chen").

use crate::call::Call;
use crate::kinds::{CueKind, EntityKind};
use crate::lexicon::{Hit, Layer};
use crate::words::{listed, word_capacity};
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
    /// The possessive is "our" / "my": the speaker's own side (the seller's, when the SDR says it).
    pub ours: bool,
    /// The role as said ("IT director" for the dictionary role "Head of IT").
    pub role_said: Option<&'a str>,
    /// The part a dictionary role usually plays in a purchase (its `kind`), when it has one.
    pub role_relation: Option<&'a str>,
}

/// Words allowed between a name and the role after it: "Sarah, our CFO", "Sarah is the CFO",
/// "Marcus in IT", "Priya from IT".
const NAME_ROLE_GAP: &[&str] =
    &["is", "'s", "our", "my", "the", "your", "their", "who", "who's", "as", "she's", "he's", "and", "in", "from"];
/// Words allowed between a role and the name after it: "our CFO Sarah", "the CFO is Sarah".
const ROLE_NAME_GAP: &[&str] = &["is", "named", "called"];
/// Words before a capitalised word that make it a person rather than a place or a company.
/// ("with", "to", "by" are left out: "with Microsoft", "to Acme" name companies as often.)
const PERSON_LEAD_INS: &[&str] = &[
    "cc", "ask", "asked", "told", "tell", "loop", "include", "invite", "bring", "ping", "call", "email", "thanks",
    "thank", "hi", "hey", "hello",
];
const POSSESSIVES: &[&str] = &["our", "my", "your"];
/// Words between a possessive and a role that keep it possessive: "my two AP clerks".
const ROLE_MODIFIERS: &[&str] = &[
    "two",
    "three",
    "four",
    "five",
    "six",
    "few",
    "couple",
    "other",
    "younger",
    "older",
    "senior",
    "junior",
    "new",
    "main",
    "outside",
    "external",
    "whole",
    "entire",
    "own",
    "best",
    "top",
    "field",
    "site",
    "local",
    "full-time",
];
/// Titles before a surname: "Dr. Nakamura" is a person even with a surname no list knows.
const HONORIFICS: &[&str] = &["Dr", "Mr", "Mrs", "Ms", "Mx", "Prof"];
/// Departments after "Kim in HR", "Priya from IT": the capitalised word before is a person.
const DEPARTMENTS: &[&str] = &[
    "it",
    "hr",
    "finance",
    "accounting",
    "legal",
    "ops",
    "operations",
    "sales",
    "marketing",
    "purchasing",
    "procurement",
    "compliance",
    "quality",
    "qa",
    "engineering",
    "security",
    "dev",
    "development",
    "payroll",
    "billing",
    "support",
    "admissions",
    "facilities",
    "maintenance",
    "risk",
    "audit",
    "treasury",
    "product",
    "data",
];
/// Words after a name that say the person is on the call: "Gail's joining too", "I've got Tony
/// on with me".
const ON_THE_CALL: &[&[&str]] = &[
    &["is", "joining"],
    &["joining"],
    &["on", "with", "me"],
    &["with", "me"],
    &["here", "with", "me"],
    &["is", "on", "the", "call"],
    &["on", "the", "call"],
    &["on", "the", "line"],
    &["is", "on", "the", "line"],
    &["is", "on", "with", "me"],
    &["with", "you"],
    &["is", "with", "you"],
    &["is", "with", "me"],
];
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
    let mut out = Vec::with_capacity(word_capacity(text));
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

/// Whether a known place between `before` and `after` is said as a place: after a word of place
/// ("a clinic in Dayton", "into north Georgia", "out of Charlotte") or naming a site ("our
/// Ontario building", "the Boston office"). Such a name is neither a product nor a person.
pub(crate) fn is_said_as_place(before: Option<&Word>, after: Option<&Word>) -> bool {
    let is = |word: &Word, list: &[&str]| list.iter().any(|listed| word.text.eq_ignore_ascii_case(listed));
    before.is_some_and(|word| !word.punctuated && is(word, PLACE_WORDS))
        || after.is_some_and(|word| is(word, SITE_NOUNS))
}

/// Words right before a name that make it a place.
const PLACE_WORDS: &[&str] = &[
    "in",
    "at",
    "near",
    "outside",
    "around",
    "across",
    "from",
    "into",
    "through",
    "throughout",
    "of",
    "north",
    "south",
    "east",
    "west",
    "central",
    "upstate",
    "downstate",
    "downtown",
];

/// Nouns after a place that make it the name of a site.
const SITE_NOUNS: &[&str] = &[
    "office",
    "offices",
    "building",
    "buildings",
    "location",
    "locations",
    "site",
    "sites",
    "store",
    "stores",
    "property",
    "properties",
    "branch",
    "branches",
    "plant",
    "plants",
    "warehouse",
    "warehouses",
    "clinic",
    "clinics",
    "campus",
    "facility",
    "facilities",
    "shop",
    "shops",
    "team",
    "market",
    "markets",
    "region",
    "area",
    "division",
    "hotel",
    "hotels",
    "yard",
    "terminal",
    "depot",
    "airport",
    "port",
    "club",
    "center",
    "territory",
    "spot",
];

fn looks_like_name(word: &str) -> bool {
    // "She'd", "They'll", "You've" are pronouns, not names ("O'Brien" is).
    let contraction = word.rsplit_once('\'').is_some_and(|(_, tail)| {
        matches!(tail.to_ascii_lowercase().as_str(), "d" | "ll" | "ve" | "re" | "m" | "t" | "s")
    });
    if contraction {
        return false;
    }
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_uppercase())
        && word.chars().any(|c| c.is_lowercase())
        && word.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '-')
}

/// Capitalised words that can be a person's name: not a dictionary word ("Salesforce", "CFO",
/// "Q1"), not a listed non-name ("So", "Monday"), at most three in a row ("Sarah Chen").
pub(crate) fn name_runs<'c>(call: &'c Call, sentence: usize) -> &'c [Range<usize>] {
    call.name_runs_memo(sentence).get_or_init(|| find_name_runs(call, sentence))
}

fn find_name_runs(call: &Call, sentence: usize) -> Vec<Range<usize>> {
    let text = call.text(sentence);
    let hits = call.hits(sentence);
    let is_name_word = |word: &Word| {
        looks_like_name(word.text)
            && !listed(&call.rules.not_names, word.text)
            // "Send it.", "Ask Donna.": a sentence's first word is capitalised anyway.
            && !(word.start == 0
                && !word.punctuated
                && call.rules.words.is_english(word.text)
                && !listed(&call.rules.first_names, word.text)
                && !text[word.end..].trim_start().starts_with(|c: char| c.is_uppercase()))
            && !hits
                .iter()
                .any(|hit| matches!(hit.layer, Layer::Entity(_)) && hit.start < word.end && word.start < hit.end)
    };
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut current: Option<(Range<usize>, usize)> = None;
    let mut honorific: Option<usize> = None;
    let all = words(text);
    for word in all.iter().copied() {
        if HONORIFICS.contains(&word.text) && current.is_none() {
            honorific = Some(word.start);
            continue;
        }
        if let Some(start) = honorific.take() {
            if is_name_word(&word) {
                current = Some((start..word.end, 0));
                if word.punctuated {
                    runs.extend(current.take().map(|(range, _)| range));
                }
                continue;
            }
        }
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
    // "some bar's basement in Eugene", "a company out of Charlotte": a town, not a person; "the
    // Dean", "the Henry Schein portal", "the Gate Board": no one's name takes "the".
    runs.retain(|run| {
        let before = all.iter().rev().find(|word| word.end <= run.start);
        let after = all.iter().find(|word| word.start >= run.end);
        let after_the = before.is_some_and(|word| !word.punctuated && word.text.eq_ignore_ascii_case("the"));
        let a_place = call.rules.words.is_place(&text[run.clone()]) && is_said_as_place(before, after);
        // "the VP of Inflight", "the plant manager at North": a department or a site, unless it
        // starts with a given name ("a friend of Jim's", "Dana at Brightside").
        let of_or_at = before.is_some_and(|word| {
            !word.punctuated && (word.text.eq_ignore_ascii_case("of") || word.text.eq_ignore_ascii_case("at"))
        });
        let first = text[run.clone()].split(' ').next().unwrap_or("");
        let given = call.rules.words.is_given_name(first) || listed(&call.rules.first_names, first);
        !(after_the || a_place || (of_or_at && !given && !HONORIFICS.contains(&first)))
    });
    // "Dr. Samuel Ortiz" is Samuel Ortiz; "Dr. Nakamura" keeps the title it is known by.
    for run in &mut runs {
        let name = &text[run.clone()];
        if name.split(' ').count() >= 3 && HONORIFICS.iter().any(|h| name.starts_with(h)) {
            if let Some(space) = name.find(' ') {
                run.start += space + 1;
            }
        }
    }
    runs
}

/// Whether a name is preceded by a title ("Dr. Nakamura").
pub(crate) fn has_honorific(name: &str) -> bool {
    name.split(' ').next().is_some_and(|first| HONORIFICS.contains(&first.trim_end_matches('.'))) && name.contains(' ')
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
        listed(&call.rules.first_names, first) || call.rules.words.is_given_name(first)
    }
}

/// Whether the name at `run` is someone on the call: "Gail's joining too", "I've got Tony Vu on
/// with me", "joined by Alma".
pub(crate) fn joins_the_call(text: &str, run: &Range<usize>) -> bool {
    let rest = &text[run.end..];
    let rest = rest.strip_prefix("'s").map_or_else(
        || gap_words(rest),
        |tail| {
            let mut words = vec!["is".to_string()];
            words.extend(gap_words(tail));
            words
        },
    );
    let joined_by = text[..run.start].trim_end().to_ascii_lowercase().ends_with("joined by");
    joined_by
        || ON_THE_CALL
            .iter()
            .any(|shape| rest.len() >= shape.len() && rest.iter().zip(shape.iter()).all(|(word, want)| word == want))
}

/// First words after "Name," that speak to that person: a greeting, thanks, or the speaker's own
/// "I" ("Dana, our training officer, will..." is about Dana).
const OPENS_TALK_TO_SOMEONE: &[&str] =
    &["hi", "hello", "hey", "thanks", "thank", "good", "sorry", "i", "i'm", "i've", "i'd", "i'll"];

/// First words of a noun phrase before "..., Name.": the name says who it is, to no one.
const APPOSITION_OPENERS: &[&str] = &["the", "our", "my", "his", "her", "their", "a", "an"];

/// Whether the name at `run` is said to someone on the call rather than about someone:
/// "Rachel, your note mentioned...", "Tony, how are you tracking...", "Thanks, Evan.",
/// "Let me be honest with you, Tyler, I'm...".
pub(crate) fn is_vocative(text: &str, run: &Range<usize>) -> bool {
    let before = text[..run.start].trim_end();
    let after = &text[run.end..];
    let second_person = |words: &[String]| {
        words
            .iter()
            .take(4)
            .any(|w| matches!(w.as_str(), "you" | "your" | "you're" | "you'd" | "you've" | "you'll" | "yours"))
    };
    // At the start, set off by a comma and followed by talk to "you", a greeting or the
    // speaker's own "I": "Steven, hi, Jonah from Quillmark.", "Trevor, I think we met".
    if before.is_empty() && after.starts_with(',') {
        let words = gap_words(after);
        return second_person(&words) || words.first().is_some_and(|w| OPENS_TALK_TO_SOMEONE.contains(&w.as_str()));
    }
    // At the end, after a comma: "Thanks, Evan." / "Sure thing, Tyler!"; but after a noun
    // phrase it names who that is: "The GM, Phil Sandoval."
    let ends = after.trim().is_empty() || after.starts_with(['.', '!', '?']);
    if before.ends_with(',') && ends {
        let clause = before[..before.len() - 1].rsplit([',', ';']).next().unwrap_or("");
        let opener = gap_words(clause).into_iter().next().unwrap_or_default();
        return !APPOSITION_OPENERS.contains(&opener.as_str());
    }
    // In the middle between commas, before "I" or "you": "honest with you, Tyler, I'm taking".
    before.ends_with(',')
        && after.starts_with(',')
        && gap_words(after).first().is_some_and(|w| {
            matches!(w.as_str(), "i" | "i'm" | "i'd" | "i'll" | "i've" | "you" | "you're" | "we" | "we're")
        })
}

/// Lowercase words of a gap, punctuation dropped.
pub(crate) fn gap_words(gap: &str) -> Vec<String> {
    lowercase_words(gap).collect()
}

/// `gap_words` one at a time, from either end: most callers only look at the words next to a
/// name, in a gap that may be the whole rest of the sentence.
fn lowercase_words(gap: &str) -> impl DoubleEndedIterator<Item = String> + '_ {
    gap.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_ascii_lowercase())
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
    /// The words said, without a leading "the" / "our" ("IT director").
    pub said: &'a str,
    /// The dictionary role's usual part in a purchase (`kind`), if any.
    pub relation: Option<&'a str>,
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
            let start = compound_start(text, hit.start);
            let end = department_end(text, hit.start..hit.end);
            let said = strip_determiner(&text[start..end]);
            RoleHit {
                span: start..end,
                // "VP of Inflight" is a role of its own, as a title pattern would find it.
                role: if end > hit.end { said } else { &entity.name },
                said,
                relation: entity.group.as_deref(),
                rule: &entity.rule,
                confidence: entity.confidence,
            }
        })
        .collect();
    let titles = if with_titles { call.on_demand_hits(sentence) } else { &[] };
    for title in titles.iter().filter(|hit| hit.layer == Layer::Cue(CueKind::Title)) {
        if roles.iter().any(|role| role.start < title.end && title.start < role.end) {
            continue;
        }
        if let Some(span) = trim_title(text, title.start..title.end) {
            let cue = call.cue(title);
            let said = &text[span.clone()];
            found.push(RoleHit {
                role: said,
                said,
                relation: None,
                span,
                rule: &cue.rule,
                confidence: cue.confidence * 0.9,
            });
        }
    }
    found.sort_by_key(|role| role.span.start);
    found
}

/// Where a role said with a word of its own starts: "the elder board", "our taproom managers",
/// "the IAM analyst" are roles of their own, shown and matched whole. Only behind a determiner,
/// so "needs board approval" or "talk to managers" stay as they are.
fn compound_start(text: &str, role_start: usize) -> usize {
    /// Words between a determiner and a role that describe it rather than name a kind of it.
    const NOT_COMPOUND: &[&str] = &[
        "and", "or", "of", "to", "for", "with", "in", "on", "at", "current", "former", "same", "only", "real",
        "actual", "old", "very", "last", "next", "first", "one", "other", "new", "whole", "entire", "own", "main",
    ];
    let before = &text[..role_start];
    let Some((rest, modifier)) = before.trim_end().rsplit_once(' ') else {
        return role_start;
    };
    let determiner = rest.trim_end().rsplit(' ').next().unwrap_or("").to_ascii_lowercase();
    // "the Gate Board", "the Ohio Board of Embalmers": a capitalised word makes a proper name.
    let acronym = modifier.len() <= 5 && modifier.chars().all(|c| c.is_ascii_uppercase());
    let describes = !modifier.is_empty()
        && (acronym || modifier.chars().all(|c| c.is_lowercase() || c == '-'))
        && !NOT_COMPOUND.contains(&modifier.to_ascii_lowercase().as_str())
        && !ROLE_MODIFIERS.contains(&modifier.to_ascii_lowercase().as_str());
    if describes
        && (crate::numbers::is_count(&determiner)
            || matches!(determiner.as_str(), "the" | "our" | "my" | "their" | "your"))
        && before.ends_with(' ')
    {
        role_start - modifier.len() - (before.len() - before.trim_end().len())
    } else {
        role_start
    }
}

/// Titles that say their function after "of" ("VP of Inflight"); after any other role, "of"
/// names the company ("COO of Brightside Health").
const FUNCTION_TITLES: &[&str] = &["vp", "svp", "evp", "avp", "vice president", "director", "head", "manager"];

/// Where a role said with its department ends: "the VP of Inflight", "our Director of Nursing
/// Services" name the department in capitals after "of"; else the role's own end.
fn department_end(text: &str, role: Range<usize>) -> usize {
    let role_end = role.end;
    let title = text[role].to_ascii_lowercase();
    let Some(rest) = text[role_end..].strip_prefix(" of ").filter(|_| FUNCTION_TITLES.contains(&title.as_str())) else {
        return role_end;
    };
    let mut end = role_end;
    let mut offset = role_end + " of ".len();
    for word in rest.split(' ').take(MAX_NAME_TOKENS) {
        let bare = word.trim_end_matches(|c: char| !c.is_alphanumeric());
        let capitalised = bare.chars().next().is_some_and(char::is_uppercase);
        if !capitalised || bare.eq_ignore_ascii_case("the") {
            break;
        }
        end = offset + bare.len();
        if bare.len() < word.len() {
            break;
        }
        offset += word.len() + 1;
    }
    end
}

/// "the board" -> "board", "our IT director" -> "IT director", "the CIO's security team" stays.
fn strip_determiner(said: &str) -> &str {
    let mut rest = said;
    while let Some((first, tail)) = rest.split_once(' ') {
        if matches!(first.to_ascii_lowercase().as_str(), "the" | "our" | "my" | "your" | "their" | "a" | "an") {
            rest = tail;
        } else {
            break;
        }
    }
    rest.strip_suffix("'s").unwrap_or(rest)
}

/// A title pattern match without leading articles and trailing "at Brightside" etc.
pub(crate) fn trim_title(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    const LEADING: &[&str] = &["the", "a", "an", "our", "my", "your", "their", "his", "her", "i'm", "im", "am", "is"];
    const STOP: &[&str] = &[
        "at", "for", "with", "from", "here", "in", "on", "over", "and", "who", "that", "which", "to", "so", "but",
        "we", "i", "would", "will", "should", "could", "can", "may", "might", "must", "is", "was", "has", "had",
        "probably", "does", "did", "wants", "said", "says",
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
                && !text[run.end..role.span.start].trim().is_empty()
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
        // "our CFO", "my two AP clerks", "our younger estimators": a possessive up to one
        // modifier back.
        let mut before_role = lowercase_words(&text[..role.span.start]).rev();
        let mut word_before_role = before_role.next().unwrap_or_default();
        if !POSSESSIVES.contains(&word_before_role.as_str()) && ROLE_MODIFIERS.contains(&word_before_role.as_str()) {
            word_before_role = before_role.next().unwrap_or_default();
        }
        let run = run.map(|i| runs[i].clone());
        let span =
            run.as_ref().map_or(role.span.clone(), |run| role.span.start.min(run.start)..role.span.end.max(run.end));
        let own_word = lowercase_words(&text[role.span.clone()]).next().unwrap_or_default();
        let possessive_word = [word_before_role, own_word].into_iter().find(|w| POSSESSIVES.contains(&w.as_str()));
        found.push(PersonMention {
            name: run.map(|run| &text[run]),
            role: Some(role.role),
            role_rule: Some(role.rule),
            role_confidence: role.confidence,
            span,
            possessive: possessive_word.is_some(),
            ours: possessive_word.is_some_and(|w| w != "your"),
            role_said: Some(role.said),
            role_relation: role.relation,
        });
    }

    let relation_cues: Vec<&Hit> = call.cues(sentence, CueKind::Relation).collect();
    for (i, run) in runs.iter().enumerate() {
        if used_runs[i] {
            continue;
        }
        let name = &text[run.clone()];
        let first = name.split(' ').next().unwrap_or(name).to_lowercase();
        let lead_in = lowercase_words(&text[..run.start]).next_back().unwrap_or_default();
        let mid_sentence = run.start > 0;
        let before_relation = relation_cues
            .iter()
            .any(|cue| cue.start >= run.end && text[run.end..cue.start].split_whitespace().count() <= 3);
        let before: Vec<String> = lowercase_words(&text[..run.start]).rev().take(2).collect();
        let after: Vec<String> = lowercase_words(&text[run.end..]).take(3).collect();
        let after: Vec<&str> = after.iter().take(3).map(String::as_str).collect();
        // "you and Keenan", "Kim in HR", "Priya from IT": shapes only people take.
        let with_you = before.len() == 2 && before[0] == "and" && matches!(before[1].as_str(), "you" | "me");
        let in_department = after.len() >= 2
            && matches!(after[0], "in" | "from")
            && (DEPARTMENTS.contains(&after[1])
                || (after[1] == "our" && after.get(2).is_some_and(|w| DEPARTMENTS.contains(w))));
        // "Who reviews security?" "Anand Mehta.": a full name said alone answers "who?".
        let alone = run.start == 0
            && text[run.end..].trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace()).is_empty();
        let full_name_alone = alone
            && name.split(' ').count() == 2
            && name.split(' ').all(|word| !call.rules.words.is_english(word))
            && answers_who(call, sentence);
        // "so I can show Portia", "Hollis will attend": a given name that is no English word,
        // place ("Florida", "north of Harlan"), product the packs list ("Jarvis") or date
        // ("before Easter"), nor a word said alone ("Maximo.") unless it answers "who?".
        let overlaps = |hit: &Hit| hit.start < run.end && run.start < hit.end;
        let given_name = call.rules.words.is_given_name(&first)
            && !call.rules.words.is_english(&first)
            && (!alone || answers_who(call, sentence))
            && !matches!(lead_in.as_str(), "at" | "near" | "of" | "in" | "on")
            && !call.rules.words.is_place(&first)
            && !call.rules.words.is_place(name)
            && !call.entities(sentence, EntityKind::System).any(overlaps)
            && !call.cues(sentence, CueKind::Deadline).chain(call.cues(sentence, CueKind::Period)).any(overlaps);
        let accepted = call.rules.first_names.contains(&first)
            || given_name
            || full_name_alone
            || has_honorific(name)
            || before_relation
            || with_you
            || in_department
            || (mid_sentence && PERSON_LEAD_INS.contains(&lead_in.as_str()))
            || known.iter().any(|k| names_match(k, name));
        // "St. Luke's", "we use Jane", "we tried Jarvis": a hospital, a product.
        let not_a_person = matches!(lead_in.as_str(), "st" | "saint" | "use" | "uses" | "using" | "tried");
        if accepted && !not_a_person {
            found.push(PersonMention {
                name: Some(name),
                role: None,
                role_rule: None,
                role_confidence: 0.0,
                span: run.clone(),
                possessive: false,
                ours: false,
                role_said: None,
                role_relation: None,
            });
        }
    }
    found.sort_by_key(|mention| mention.span.start);
    merge_appositions(text, found)
}

/// Whether `sentence` opens a reply to the other side's "who ...?".
fn answers_who(call: &Call, sentence: usize) -> bool {
    sentence.checked_sub(1).is_some_and(|before| {
        let asked = call.sentence(before);
        asked.speaker != call.sentence(sentence).speaker
            && asked.is_question()
            && gap_words(call.text(before))
                .iter()
                .any(|word| matches!(word.as_str(), "who" | "who's" | "whom" | "whose"))
    })
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
    if has_honorific(a) || has_honorific(b) {
        // "Dr. Feldman" is known by the surname: it matches "Feldman" and "Dr. Ann Feldman".
        let surname = |name| last_word(name).trim_end_matches('.');
        return similar(surname(a), surname(b), 1);
    }
    let single = |name: &str| !name.contains(' ');
    similar(first_word(a), first_word(b), 1) && (single(a) || single(b) || similar(last_word(a), last_word(b), 2))
}

/// The words of a name are compared in place: stakeholders match every name of a sentence
/// against every person and name known so far.
fn first_word(name: &str) -> &str {
    name.split(' ').next().unwrap_or("")
}

fn last_word(name: &str) -> &str {
    name.rsplit(' ').next().unwrap_or("")
}

/// Case-insensitive equality, or an edit distance within `slips` for words long enough that a
/// slip cannot turn one common name into another ("Ken"/"Chen" yes, "Tom"/"Tim" no).
fn similar(a: &str, b: &str, slips: usize) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let long_enough = a.len().min(b.len()) >= 3 + slips;
    long_enough && a.len().abs_diff(b.len()) <= slips && crate::distance::edit_distance(a, b) <= slips
}
