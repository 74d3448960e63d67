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
use crate::kinds::CueKind;
use crate::lexicon::{Hit, Layer};
use crate::people::{is_said_as_place, may_mention_someone, mentions, words, Word};
use crate::words::{listed, WordSet};
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

/// Words after a name in which a [[tail]] of inferred_systems.toml may start ("X, their
/// implementation", "X did a demo").
const TAIL_REACH_WORDS: usize = 3;

/// A name no pack lists, in one sentence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InferredName {
    pub span: Range<usize>,
    pub name: String,
    pub confidence: f32,
    /// The status the words before it give ("looking at" -> evaluating), for a product.
    pub status: Option<String>,
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
    // "Bill.com", "Start.gg", but not "p.m" or "U.S": one side of a dot is a word, not a letter.
    let dotted =
        word.contains('.') && word.split('.').any(|part| part.chars().filter(|c| c.is_alphabetic()).count() > 1);
    inner_capital || dotted
}

/// Whether `word` can be part of a product name at position `index` of the sentence.
fn name_word(call: &Call, word: &Word, first_in_sentence: bool) -> Option<NameWord> {
    let text = word.text;
    let shaped = has_product_shape(text);
    // A lone letter ("Rev D", "Plan B", "the C shift") names a version or a shift, not a product.
    if !(is_capitalised(text) || shaped)
        || text.chars().all(|c| !c.is_alphabetic())
        || text.chars().filter(|c| c.is_alphanumeric()).count() < 2
        || crate::numbers::is_number_word(text)
    {
        return None;
    }
    // "Haven't", "He'll": a capitalised contraction opens a sentence, it names nothing.
    if is_contraction(text) {
        return None;
    }
    let rules = call.rules;
    // "Fridays", "CRMs": a listed word in the plural is no name either.
    let singular = text.strip_suffix('s').filter(|stem| stem.len() > 1).unwrap_or(text);
    let never = |word: &str| {
        listed(&rules.not_names, word)
            || listed(&rules.not_products, word)
            || (listed(&rules.first_names, word) && !is_acronym(word))
    };
    if never(text) || never(singular) {
        return None;
    }
    let english = !shaped && rules.words.is_english(text.trim_end_matches(|c: char| !c.is_alphabetic()));
    // Sentence-initial words are capitalised anyway: only a shape, a made-up word or a vendor's
    // doing after it ("Assembled reached out") says "name".
    Some(NameWord { shaped, english, initial_english: first_in_sentence && english })
}

/// "ELMO", "AMOS": a word in capitals is an acronym or a brand, never someone's first name.
fn is_acronym(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 3 && word.chars().all(|c| !c.is_lowercase())
}

/// Whether `word` ends like a contraction ("Haven't", "He’ll"), in any case, with either
/// apostrophe. Compared char by char from the end: this runs for every capitalised word.
fn is_contraction(word: &str) -> bool {
    ["n't", "'ll", "'re", "'ve", "'m", "'d"].iter().any(|ending| {
        let mut tail = word.chars().rev().map(|c| if c == '\u{2019}' { '\'' } else { c.to_ascii_lowercase() });
        ending.chars().rev().all(|expected| tail.next() == Some(expected))
    })
}

#[derive(Debug, Clone, Copy)]
struct NameWord {
    shaped: bool,
    english: bool,
    /// An English word opening the sentence ("Weave told me"): capitalised by grammar alone.
    initial_english: bool,
}

/// Names in `sentence` that no dictionary entry, role or known person covers and whose context
/// says they are products or vendors.
pub(crate) fn product_names(call: &Call, sentence: usize, not_products: &NotProducts) -> Vec<InferredName> {
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
        // A first name or a place ("my friend Jeanette", "a shop in Dallas") is a product only
        // when a lead frames it as one ("we use Aurora").
        let words = &call.rules.words;
        let place = words.is_place(&name);
        let common_name = place || run.iter().all(|word| words.is_given_name(word.text) && !is_acronym(word.text));
        let framed = || !common_name || lead_before(call, sentence, &span).is_some();
        // "a clinic in Dayton uses X": where, even with a lead before it.
        let located = place && is_said_as_place(index.checked_sub(1).map(|before| &tokens[before]), tokens.get(end));
        if let Some((confidence, status)) = product_context(call, sentence, &span, shape)
            .filter(|_| !located && !is_person(call, run) && !not_products.excludes(&name) && framed())
        {
            found.push(InferredName { span, name, confidence, status });
        }
        index = end;
    }
    found
}

/// Dictionary entries hide a name under them, and so do words about people (titles, relations,
/// introductions) and the words that frame a product ("Demoed Litify": "Demoed" is no name).
fn is_blocking_cue(layer: Layer) -> bool {
    matches!(
        layer,
        Layer::Cue(
            CueKind::Title
                | CueKind::Relation
                | CueKind::SelfIntro
                | CueKind::Greeting
                | CueKind::ProductLead
                | CueKind::ProductWeakLead
                | CueKind::ProductAlternative
                | CueKind::SystemStatus
        )
    )
}

/// Two capitalised words neither of which is English and neither with a product's shape
/// ("Renee Albright") are a person's name more often than a product's; so is a known first name.
fn is_person(call: &Call, run: &[Word]) -> bool {
    let plain = |word: &Word| !has_product_shape(word.text) && !call.rules.words.is_english(word.text);
    run.len() == 2 && run.iter().all(plain) && run[1].text.chars().skip(1).all(|c| c.is_lowercase())
        || run.iter().any(|word| listed(&call.rules.first_names, word.text) && !is_acronym(word.text))
}

/// Names the call itself says are not products: the people on the call and their companies,
/// and everyone the call mentions as a person ("Raymond, our IT director").
pub(crate) struct NotProducts {
    words: WordSet,
}

impl NotProducts {
    pub fn of_call(call: &Call, participants: &[String]) -> NotProducts {
        let mut names: Vec<String> = participants.to_vec();
        for sentence in (0..call.len()).filter(|&sentence| may_mention_someone(call, sentence)) {
            names.extend(
                mentions(call, sentence, &[]).into_iter().filter_map(|mention| mention.name.map(str::to_string)),
            );
        }
        let words = names.iter().flat_map(|name| name.split(' ')).map(str::to_lowercase).collect();
        NotProducts { words }
    }

    fn excludes(&self, name: &str) -> bool {
        name.split(' ').any(|word| listed(&self.words, word))
    }
}

/// How sure the words around the name make it a product, and the status its lead gives; None
/// when nothing does (see the header of rules/inferred_systems.toml).
fn product_context(
    call: &Call,
    sentence: usize,
    name: &Range<usize>,
    shape: NameWord,
) -> Option<(f32, Option<String>)> {
    let text = call.text(sentence);
    let lead = lead_before(call, sentence, name);
    let weak_lead = call
        .cues(sentence, CueKind::ProductWeakLead)
        .any(|cue| cue.end <= name.start && text[cue.end..name.start].trim().is_empty());
    let tail = tail_after(call, sentence, name);
    // "Weave told me", "Assembled reached out": an English word is a vendor by what it did to
    // them, not by what it said ("Corporate says", "Title 24 says").
    let tail_status = tail
        .filter(|cue| !shape.english || cue.layer != Layer::Cue(CueKind::ProductSaying))
        .and_then(|cue| call.cue(cue).value.clone());
    // A word capitalised only because it opens the sentence needs that vendor's doing.
    if shape.initial_english && tail_status.is_none() {
        return None;
    }
    let tail = tail.is_some();
    let made_up = !shape.english;
    let asked = asked_which_product(call, sentence, REPLY_SENTENCES);
    let evidence = lead.is_some()
        || (tail && (made_up || shape.shaped || tail_status.is_some()))
        || (weak_lead && shape.shaped)
        || (asked.is_some() && (made_up || shape.shaped));
    // An English word ("Epic", "Prism") needs a lead or a tail.
    if !evidence || (shape.english && !shape.shaped && lead.is_none() && !tail) {
        return None;
    }
    let confidence = INFERRED_CONFIDENCE + if shape.shaped { PRODUCT_SHAPE_BONUS } else { 0.0 };
    Some((confidence, lead.and_then(|cue| call.cue(cue).value.clone()).or(asked).or(tail_status)))
}

/// The [[lead]] that frames the product at `name` ("a quote from Vanta"): the nearest one ending
/// at most LEAD_REACH_WORDS words before it in its clause.
fn lead_before<'a>(call: &'a Call, sentence: usize, name: &Range<usize>) -> Option<&'a Hit> {
    let text = call.text(sentence);
    let clause = call.clause(sentence, name.start);
    call.cues(sentence, CueKind::ProductLead)
        .filter(|cue| cue.end <= name.start && cue.start >= clause.start)
        .filter(|cue| text[cue.end..name.start].split_whitespace().count() <= LEAD_REACH_WORDS)
        .max_by_key(|cue| cue.end)
}

/// The [[tail]] or [[saying]] that follows the product at `name` ("X did a demo", "X said AI"): the nearest
/// one starting at most TAIL_REACH_WORDS words after it in its clause, or with the clause break
/// itself ("X, which is our LIS").
fn tail_after<'a>(call: &'a Call, sentence: usize, name: &Range<usize>) -> Option<&'a Hit> {
    let text = call.text(sentence);
    let clause = call.clause(sentence, name.start);
    (call.cues(sentence, CueKind::ProductTail).chain(call.cues(sentence, CueKind::ProductSaying)))
        .filter(|cue| cue.start >= name.end && cue.start <= clause.end)
        .filter(|cue| text[name.end..cue.start].split_whitespace().count() <= TAIL_REACH_WORDS)
        .min_by_key(|cue| cue.start)
}

/// Whether a [[tail]] or [[saying]] follows the name at `name` ("Deputy did a demo").
pub(crate) fn has_tail(call: &Call, sentence: usize, name: &Range<usize>) -> bool {
    tail_after(call, sentence, name).is_some()
}

/// The status a [[tail]] gives the product at `name`, listed or not ("Kustomer said AI": a
/// vendor talking to them, not a system they run).
pub(crate) fn tail_status(call: &Call, sentence: usize, name: &Range<usize>) -> Option<String> {
    tail_after(call, sentence, name).and_then(|cue| call.cue(cue).value.clone())
}

/// The status a [[lead]] gives the product at `name`, listed or not, and where the lead ends:
/// the words that make an unknown name a product say how a known one is used too.
pub(crate) fn lead_status(call: &Call, sentence: usize, name: &Range<usize>) -> Option<(String, usize)> {
    lead_before(call, sentence, name).and_then(|cue| Some((call.cue(cue).value.clone()?, cue.end)))
}

/// Replies this many sentences deep still answer the question before them.
pub(crate) const REPLY_SENTENCES: usize = 2;
/// A product the dictionary knows is a product anywhere in the reply: only its status comes from
/// the question, so the whole of a longer answer follows it.
pub(crate) const REPLY_SENTENCES_FOR_LISTED: usize = 4;

/// The SDR question the prospect's reply answers, when `sentence` is at most `depth` sentences
/// into that reply.
pub(crate) fn question_answered(call: &Call, sentence: usize, depth: usize) -> Option<usize> {
    let turn = call.sentence(sentence).turn;
    let opening = (0..=sentence).rev().take_while(|&at| call.sentence(at).turn == turn).last()?;
    if sentence - opening >= depth || opening == 0 {
        return None;
    }
    let question = opening - 1;
    let asked = call.sentence(question);
    (asked.speaker == handoff_transcript::Speaker::Sdr && asked.is_question()).then_some(question)
}

/// The status an SDR question gives when `sentence` opens the prospect's reply to it and it asks
/// which product they use or tried ("What's your core?" "Corelation."), `depth` sentences into
/// the reply at most.
pub(crate) fn asked_which_product(call: &Call, sentence: usize, depth: usize) -> Option<String> {
    let question = question_answered(call, sentence, depth)?;
    call.cues(question, CueKind::ProductQuestion).last().and_then(|cue| call.cue(cue).value.clone())
}

/// Regulations and standards in `sentence` named by a [[name_shape]] of the regulations pack that
/// no dictionary entry covers: trailing lowercase words ("accreditation") and leading grammar
/// words ("The") are trimmed off; a shape that needs compliance talk gets it or is dropped; a
/// name inside a longer one ("CPS" in "CPS 234") gives way to it.
pub(crate) fn regulation_names(call: &Call, sentence: usize) -> Vec<InferredName> {
    let text = call.text(sentence);
    let compliance_talk = compliance_talk_near(call, sentence);
    let mut found: Vec<InferredName> = Vec::new();
    for hit in call.cues(sentence, CueKind::RegulationShape) {
        let cue = call.cue(hit);
        if cue.value.as_deref() == Some("required") && !compliance_talk {
            continue;
        }
        let Some(span) = trim_name(call, text, hit.start..hit.end) else { continue };
        // "ISO ClaimSearch", "STP Phase 2": an acronym opening a longer name is not the name.
        let continues = text[span.end..].trim_start().starts_with(|c: char| c.is_uppercase())
            && text[span.end..].starts_with(' ')
            && span.end == hit.end;
        if continues && text[span.clone()].chars().all(|c| c.is_ascii_uppercase()) {
            continue;
        }
        let named_already = call
            .hits(sentence)
            .iter()
            .any(|other| matches!(other.layer, Layer::Entity(_)) && other.start < span.end && span.start < other.end);
        if named_already || found.iter().any(|name| name.span.start <= span.start && span.end <= name.span.end) {
            continue;
        }
        found.retain(|name| !(span.start <= name.span.start && name.span.end <= span.end));
        found.push(InferredName {
            name: text[span.clone()].to_string(),
            span,
            confidence: cue.confidence,
            status: None,
        });
    }
    found
}

/// Whether compliance is being talked about: in the sentence, the one before it in the same
/// turn, or the SDR question the turn answers ("Anything on the compliance side?" "ECOA, mostly.").
fn compliance_talk_near(call: &Call, sentence: usize) -> bool {
    let turn = call.sentence(sentence).turn;
    let opening = (0..=sentence).rev().take_while(|&at| call.sentence(at).turn == turn).last().unwrap_or(sentence);
    let question = opening.checked_sub(1).filter(|&at| {
        sentence - opening < REPLY_SENTENCES && call.sentence(at).speaker == handoff_transcript::Speaker::Sdr
    });
    let before = sentence.checked_sub(1).filter(|&at| at >= opening);
    [Some(sentence), before, question].into_iter().flatten().any(|at| call.has_cue(at, CueKind::RegulationContext))
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
    // "EPA 608" is a certification though "EPA" alone is an agency: a number keeps the word.
    let numbered =
        |at: usize| tokens.get(at + 1).is_some_and(|next| next.text.starts_with(|c: char| c.is_ascii_digit()));
    let never = |at: usize, word: &Word| {
        LEADING_GRAMMAR.contains(&word.text.to_lowercase().as_str())
            || (listed(&call.rules.not_products, word.text) && !numbered(at))
    };
    let first = tokens.iter().enumerate().position(|(at, word)| keep(word) && !never(at, word))?;
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
