//! Names no pack lists, found from how the prospect talks about them. The packs stay the way a
//! team names its market; this catches the long tail, with a lower confidence and a rule that
//! says it was inferred.
//!
//! - Products and vendors: a capitalised name in the object of using, running, buying,
//!   evaluating, replacing or talking to a vendor ("we rekey them into MeridianLink", "Origence
//!   did a webinar", "we're on Corelation KeyStone").
//! - Regulations and standards: a name shaped like one ("the Fair Work Act", "CPS 234", "NFPA
//!   70E", "Cyber Essentials Plus accreditation") or an acronym in a sentence about compliance
//!   ("our examiners dinged us on ECOA").

use crate::call::Call;
use crate::lexicon::Layer;
use crate::people::{listed, words, Word};
use crate::rules::schema::CueKind;
use std::ops::Range;

/// Longest name inferred: "Corelation KeyStone Core" is three words, four is a sentence.
const MAX_NAME_WORDS: usize = 3;
/// Words between a context word before the name and the name itself ("switched everything
/// over to X": 2).
const LEAD_REACH_WORDS: usize = 3;

/// Confidence of an inferred name: a made-up word in a using/evaluating context.
const INFERRED_CONFIDENCE: f32 = 0.6;
/// Mixed case ("RouteOne") or a dotted name ("Bill.com") is almost never anything but a product.
const PRODUCT_SHAPE_BONUS: f32 = 0.1;

/// Words right before a name that say the prospect uses, buys, evaluates or leaves it.
const LEADS: &[&str] = &[
    "use",
    "uses",
    "using",
    "used",
    "run",
    "runs",
    "running",
    "ran",
    "on",
    "into",
    "onto",
    "from",
    "to",
    "with",
    "through",
    "via",
    "called",
    "replace",
    "replaced",
    "replacing",
    "evaluate",
    "evaluating",
    "evaluated",
    "at",
    "trialing",
    "trialed",
    "piloting",
    "piloted",
    "license",
    "licensed",
    "bought",
    "buy",
    "pay",
    "paid",
    "paying",
    "implemented",
    "implementing",
    "rolled",
    "adopted",
    "chose",
    "picked",
    "migrated",
    "migrating",
    "switched",
    "switching",
    "moved",
    "moving",
    "vs",
    "versus",
    "than",
    "like",
    "and",
    "or",
    "of",
    "about",
];
/// Words right after a name that make it a product: "X contract", "X's add-on", "X for billing".
const TAILS: &[&str] = &[
    "for",
    "instance",
    "integration",
    "integrations",
    "contract",
    "module",
    "modules",
    "add-on",
    "license",
    "licenses",
    "platform",
    "system",
    "software",
    "tool",
    "app",
    "portal",
    "account",
    "renewal",
    "implementation",
    "rollout",
    "admin",
    "dashboard",
    "dashboards",
    "reports",
    "data",
    "did",
    "does",
    "demoed",
    "quoted",
    "pitched",
    "came",
    "sent",
    "gave",
    "wanted",
    "works",
    "handles",
    "doesn't",
    "didn't",
    "talks",
    "pricing",
    "price",
    "quote",
    "demo",
    "webinar",
    "subscription",
    "seats",
    "api",
    "side",
    "piece",
    "setup",
];
/// Leads that only count for a name with a product's shape or no English reading: "in Kearney",
/// "to Dana" and "with Marcus" are places and people as often as products.
const WEAK_LEADS: &[&str] = &["to", "with", "at", "like", "and", "or", "of", "about", "than", "from", "on"];

/// A name no pack lists, in one sentence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InferredName {
    pub span: Range<usize>,
    pub name: String,
    pub confidence: f32,
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

/// "RouteOne", "MeridianLink", "eClinicalWorks", "Bill.com", "NetSuite": shapes English words
/// never have.
fn has_product_shape(word: &str) -> bool {
    let inner_capital = word
        .char_indices()
        .skip(1)
        .any(|(at, c)| c.is_uppercase() && word[..at].chars().next_back().is_some_and(|before| before.is_lowercase()));
    let dotted = word.contains('.') && word.chars().any(|c| c.is_alphabetic());
    inner_capital || dotted
}

/// Whether `word` can be part of a product name at position `index` of the sentence.
fn name_word(call: &Call, word: &Word, first_in_sentence: bool) -> Option<NameWord> {
    let text = word.text;
    let shaped = has_product_shape(text);
    if !(is_capitalised(text) || shaped) || text.chars().all(|c| !c.is_alphabetic()) {
        return None;
    }
    let rules = call.rules;
    // "Fridays", "CRMs": a listed word in the plural is no name either.
    let singular = text.strip_suffix('s').filter(|stem| stem.len() > 1).unwrap_or(text);
    let never = |word: &str| {
        listed(&rules.not_names, word) || listed(&rules.not_products, word) || listed(&rules.first_names, word)
    };
    if never(text) || never(singular) {
        return None;
    }
    let english = !shaped && rules.words.is_english(text.trim_end_matches(|c: char| !c.is_alphabetic()));
    // Sentence-initial words are capitalised anyway: only a shape or a made-up word says "name".
    if first_in_sentence && english {
        return None;
    }
    Some(NameWord { shaped, english })
}

#[derive(Debug, Clone, Copy)]
struct NameWord {
    shaped: bool,
    english: bool,
}

/// Names in `sentence` that no dictionary entry, role or known person covers and whose context
/// says they are products or vendors.
pub(crate) fn product_names(call: &Call, sentence: usize, participants: &[String]) -> Vec<InferredName> {
    let text = call.text(sentence);
    let tokens = words(text);
    let covered = |word: &Word| {
        call.hits(sentence).iter().any(|hit| {
            let blocks = matches!(hit.layer, Layer::Entity(_)) || is_blocking_cue(hit.layer);
            blocks && hit.start < word.end && word.start < hit.end
        })
    };
    let mut found = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        let Some(first) = name_word(call, &tokens[index], index == 0).filter(|_| !covered(&tokens[index])) else {
            index += 1;
            continue;
        };
        // Extend the run: more capitalised words, or a version number ("Sage 300", "Dynamics 365").
        let mut end = index + 1;
        let mut shape = first;
        while end < tokens.len()
            && end - index < MAX_NAME_WORDS
            && !tokens[end - 1].punctuated
            && text[tokens[end - 1].end..tokens[end].start].trim().is_empty()
            && !covered(&tokens[end])
        {
            let next = &tokens[end];
            if next.text.chars().all(|c| c.is_ascii_digit()) {
                end += 1;
                continue;
            }
            match name_word(call, next, false) {
                Some(more) => {
                    shape.shaped |= more.shaped;
                    shape.english &= more.english;
                    end += 1;
                }
                None => break,
            }
        }
        let span = tokens[index].start..tokens[end - 1].end;
        let name = text[span.clone()].to_string();
        let run = &tokens[index..end];
        if let Some(confidence) = product_context(call, sentence, &tokens, index, end, shape)
            .filter(|_| !is_person(call, run) && !participants.iter().any(|p| names_overlap(p, &name)))
        {
            found.push(InferredName { span, name, confidence });
        }
        index = end;
    }
    found
}

/// Dictionary entries hide a name under them, and so do words about people (titles, relations,
/// introductions); other cues (clause breaks, pain words) do not.
fn is_blocking_cue(layer: Layer) -> bool {
    matches!(layer, Layer::Cue(CueKind::Title | CueKind::Relation | CueKind::SelfIntro | CueKind::Greeting))
}

/// Two capitalised words neither of which is English and neither with a product's shape
/// ("Renee Albright") are a person's name more often than a product's; so is a known first name.
fn is_person(call: &Call, run: &[Word]) -> bool {
    let plain = |word: &Word| !has_product_shape(word.text) && !call.rules.words.is_english(word.text);
    run.len() == 2 && run.iter().all(plain) && run[1].text.chars().skip(1).all(|c| c.is_lowercase())
        || run.iter().any(|word| listed(&call.rules.first_names, word.text))
}

fn names_overlap(participant: &str, name: &str) -> bool {
    let participant = participant.to_lowercase();
    name.split(' ').any(|word| participant.split(' ').any(|part| part == word.to_lowercase()))
}

/// How sure the words around the name make it a product, or None when nothing does.
fn product_context(
    call: &Call,
    sentence: usize,
    tokens: &[Word],
    start: usize,
    end: usize,
    shape: NameWord,
) -> Option<f32> {
    let text = call.text(sentence);
    let clause = call.clause(sentence, tokens[start].start);
    let lower = |word: &Word| word.text.to_lowercase();
    let before: Vec<String> = tokens[start.saturating_sub(LEAD_REACH_WORDS)..start]
        .iter()
        .filter(|w| w.start >= clause.start)
        .map(lower)
        .collect();
    let after = tokens.get(end).filter(|w| w.end <= clause.end && !tokens[end - 1].punctuated).map(lower);
    let possessive = text[tokens[end - 1].end..].starts_with("'s");
    let strong_lead = before.iter().any(|word| LEADS.contains(&word.as_str()) && !WEAK_LEADS.contains(&word.as_str()));
    let weak_lead = before.last().is_some_and(|word| WEAK_LEADS.contains(&word.as_str()));
    let tail = after.as_deref().is_some_and(|word| TAILS.contains(&word)) || possessive;
    let made_up = !shape.english;
    let evidence = match (strong_lead, weak_lead, tail) {
        (true, _, _) => true,
        (false, true, true) => true,
        (false, true, false) => shape.shaped || (made_up && tokens[start].text.len() >= 5),
        (false, false, true) => made_up || shape.shaped,
        (false, false, false) => false,
    };
    // An English word ("Epic", "Canvas") needs a strong lead or a tail and a capital mid-sentence.
    if !evidence || (shape.english && !shape.shaped && !(strong_lead || tail)) {
        return None;
    }
    Some(INFERRED_CONFIDENCE + if shape.shaped { PRODUCT_SHAPE_BONUS } else { 0.0 })
}

/// Regulations and standards in `sentence` named by a [[name_shape]] of the regulations pack that
/// no dictionary entry covers: trailing lowercase words ("accreditation") and leading grammar
/// words ("The") are trimmed off; a shape that needs compliance talk gets it or is dropped; a
/// name inside a longer one ("CPS" in "CPS 234") gives way to it.
pub(crate) fn regulation_names(call: &Call, sentence: usize) -> Vec<InferredName> {
    let text = call.text(sentence);
    let compliance_talk = call.has_cue(sentence, CueKind::RegulationContext);
    let mut found: Vec<InferredName> = Vec::new();
    for hit in call.cues(sentence, CueKind::RegulationShape) {
        let cue = call.cue(hit);
        if cue.value.as_deref() == Some("required") && !compliance_talk {
            continue;
        }
        let Some(span) = trim_name(call, text, hit.start..hit.end) else { continue };
        let named_already = call
            .hits(sentence)
            .iter()
            .any(|other| matches!(other.layer, Layer::Entity(_)) && other.start < span.end && span.start < other.end);
        if named_already || found.iter().any(|name| name.span.start <= span.start && span.end <= name.span.end) {
            continue;
        }
        found.retain(|name| !(span.start <= name.span.start && name.span.end <= span.end));
        found.push(InferredName { name: text[span.clone()].to_string(), span, confidence: cue.confidence });
    }
    found
}

/// Words that open a sentence or a noun phrase before a name: "The Fair Work Act", "Our SOC 2".
const LEADING_GRAMMAR: &[&str] = &[
    "the", "a", "an", "our", "my", "your", "their", "this", "that", "these", "and", "or", "also", "plus", "under",
    "per",
];

/// The name inside a shape's match: without trailing lowercase words, leading grammar words
/// ("The", "Our"), or leading words that are never a product or regulation ("IT", "NCUA").
fn trim_name(call: &Call, text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let tokens: Vec<Word> = words(&text[span.clone()]);
    let keep = |word: &Word| is_capitalised(word.text) || word.text.chars().next().is_some_and(|c| c.is_ascii_digit());
    let never = |word: &Word| {
        LEADING_GRAMMAR.contains(&word.text.to_lowercase().as_str()) || listed(&call.rules.not_products, word.text)
    };
    let first = tokens.iter().position(|word| keep(word) && !never(word))?;
    let last = tokens.iter().rposition(keep)?;
    if last < first {
        return None;
    }
    let name = &tokens[first..=last];
    // A single English word ("Standard", "Compliance") is no name.
    if name.len() == 1 && call.rules.words.is_english(name[0].text) && name[0].text.chars().any(|c| c.is_lowercase()) {
        return None;
    }
    Some(span.start + name[0].start..span.start + name[name.len() - 1].end)
}
