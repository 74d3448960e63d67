//! A transcript made ready for the extractors: sentences, every dictionary and cue hit of each
//! sentence (one lexicon pass), clause boundaries, and which SDR questions the prospect
//! answered with yes or no.

use crate::kinds::{CueKind, EntityKind};
use crate::lexicon::{Hit, Layer};
use crate::rules::{Cue, Entity, RuleSet};
use crate::sentences::{self, Sentence};
use handoff_findings::Item;
use handoff_transcript::{Speaker, Transcript};
use rustc_hash::FxHashMap;
use std::cell::{OnceCell, RefCell};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    Yes,
    No,
}

/// How far into a reply a yes/no may start ("Oh, yeah" / "Um, no") and still be the answer.
const ANSWER_LEAD_BYTES: usize = 8;

pub(crate) struct Call<'r> {
    pub rules: &'r RuleSet,
    pub sentences: Vec<Sentence>,
    hits: Vec<Hit>,
    hit_ranges: Vec<Range<usize>>,
    /// Per sentence, the `layer_bit` of every layer it has hits in: extractors ask sentence by
    /// sentence for kinds most sentences lack.
    layers: Vec<u64>,
    /// For a question by the SDR, the reply's yes/no when the next sentence is the prospect's.
    answers: Vec<Option<Answer>>,
    /// Per sentence, once an extractor asks: the hits of the patterns run on demand.
    on_demand_hits: Vec<OnceCell<Vec<Hit>>>,
    /// Per sentence, the systems a dictionary entry names without the words it requires ("Wise",
    /// "Toast"): products only where the sentence shows it otherwise.
    unmet: Vec<Vec<Hit>>,
    /// The whole call lowercased, once an extractor asks.
    lowercase: OnceCell<String>,
    /// Whether each entry requirement asked about is met somewhere in the call.
    requirements_met: RefCell<FxHashMap<u32, bool>>,
    /// Per sentence, once an extractor asks: the runs of words that can be names
    /// (`people::name_runs`); several extractors look for people in the same sentences.
    name_runs: Vec<OnceCell<Vec<Range<usize>>>>,
}

impl<'r> Call<'r> {
    pub fn new(transcript: &Transcript, rules: &'r RuleSet) -> Call<'r> {
        let sentences = sentences::split(&transcript.segments);
        let mut hits = Vec::with_capacity(sentences.len() * 4);
        let mut hit_ranges = Vec::with_capacity(sentences.len());
        let mut unmet = Vec::with_capacity(sentences.len());
        for sentence in &sentences {
            let start = hits.len();
            let mut unmet_here = Vec::new();
            rules.lexicon.scan(&sentence.text, &mut hits, &mut unmet_here);
            rules.fuzzy.scan(&sentence.text, &rules.lexicon, &rules.first_names, &rules.words, &mut hits, start);
            unmet.push(unmet_systems(&hits[start..], unmet_here));
            hit_ranges.push(start..hits.len());
        }
        let (on_demand_hits, name_runs) =
            (vec![OnceCell::new(); sentences.len()], vec![OnceCell::new(); sentences.len()]);
        let layers = (hit_ranges.iter())
            .map(|range| hits[range.clone()].iter().fold(0, |layers, hit| layers | layer_bit(hit.layer)))
            .collect();
        let mut call = Call {
            rules,
            sentences,
            hits,
            hit_ranges,
            layers,
            answers: Vec::new(),
            on_demand_hits,
            unmet,
            lowercase: OnceCell::new(),
            requirements_met: RefCell::default(),
            name_runs,
        };
        call.answers = (0..call.sentences.len()).map(|index| call.reply_to(index)).collect();
        call
    }

    pub fn len(&self) -> usize {
        self.sentences.len()
    }

    pub fn sentence(&self, index: usize) -> &Sentence {
        &self.sentences[index]
    }

    /// Marks in `covered` (one flag per sentence) the sentences `items` quote: among the
    /// sentences their times span, those their quote holds or that hold their quote. By times
    /// first, so a long call costs a look at a few sentences per item, not at every item per
    /// sentence.
    pub fn mark_quoted<D>(&self, items: &[Item<D>], covered: &mut [bool]) {
        for item in items {
            let first = self.sentences.partition_point(|sentence| sentence.end_ms < item.start_ms);
            for (sentence, covered) in self.sentences[first..].iter().zip(&mut covered[first..]) {
                if sentence.start_ms > item.end_ms {
                    break;
                }
                let text = sentence.text.trim();
                *covered |= item.quote.contains(text) || text.contains(item.quote.as_str());
            }
        }
    }

    pub fn text(&self, index: usize) -> &str {
        &self.sentences[index].text
    }

    pub fn hits(&self, index: usize) -> &[Hit] {
        &self.hits[self.hit_ranges[index].clone()]
    }

    pub fn cues(&self, index: usize, kind: CueKind) -> impl Iterator<Item = &Hit> + '_ {
        self.in_layer(index, Layer::Cue(kind))
    }

    pub fn entities(&self, index: usize, kind: EntityKind) -> impl Iterator<Item = &Hit> + '_ {
        self.in_layer(index, Layer::Entity(kind))
    }

    fn in_layer(&self, index: usize, layer: Layer) -> impl Iterator<Item = &Hit> + '_ {
        let hits = if self.layers[index] & layer_bit(layer) != 0 { self.hits(index) } else { &[] };
        hits.iter().filter(move |hit| hit.layer == layer)
    }

    /// Systems the dictionary names in the sentence without the words their entries require.
    pub fn unmet_systems(&self, index: usize) -> &[Hit] {
        &self.unmet[index]
    }

    /// Whether one of the words an entry requires is said anywhere in the call (any entry without
    /// a requirement meets it).
    pub fn requirement_met_in_call(&self, entity: &Entity) -> bool {
        entity.requires.is_none_or(|requirement| {
            *self.requirements_met.borrow_mut().entry(requirement).or_insert_with(|| {
                let lowercase = self.lowercase.get_or_init(|| {
                    self.sentences.iter().map(|sentence| sentence.text.to_lowercase()).collect::<Vec<_>>().join(" ")
                });
                self.rules.lexicon.requirement_met(requirement, lowercase)
            })
        })
    }

    /// The hits of the patterns only some sentences need (`Lexicon::scan_on_demand`).
    pub fn on_demand_hits(&self, index: usize) -> &[Hit] {
        self.on_demand_hits[index].get_or_init(|| self.rules.lexicon.scan_on_demand(self.text(index)))
    }

    /// Where `people::name_runs` keeps the sentence's runs once found.
    pub fn name_runs_memo(&self, index: usize) -> &OnceCell<Vec<Range<usize>>> {
        &self.name_runs[index]
    }

    /// Cues of `kind` with `window = 0` right beside `target` ("no HIPAA", "from Salesforce"):
    /// they are not in `hits`, being looked up only where a target is.
    pub fn adjacent_cues(&self, index: usize, target: &Hit, kind: CueKind) -> Vec<Hit> {
        self.rules.lexicon.adjacent(self.text(index), target, Layer::Cue(kind))
    }

    pub fn has_cue(&self, index: usize, kind: CueKind) -> bool {
        self.cues(index, kind).next().is_some()
    }

    pub fn cue(&self, hit: &Hit) -> &'r Cue {
        self.rules.cue(hit.index)
    }

    pub fn entity(&self, hit: &Hit) -> &'r Entity {
        self.rules.entity(hit.index)
    }

    pub fn matched<'a>(&'a self, index: usize, hit: &Hit) -> &'a str {
        &self.text(index)[hit.start..hit.end]
    }

    /// Said by the prospect or by someone the channel split could not place, and not sales
    /// talk ("a lot of teams tell me...", the vocabulary's [[pitch]] cues): the sentences that
    /// can state the prospect's facts.
    pub fn is_prospect_side(&self, index: usize) -> bool {
        self.sentences[index].speaker != Speaker::Sdr && !self.has_cue(index, CueKind::Pitch)
    }

    /// The prospect's yes/no to this sentence, if it is an SDR question that got one.
    pub fn answer(&self, index: usize) -> Option<Answer> {
        self.answers[index]
    }

    /// The prospect opens this reply without saying yes or no ("I don't know, honestly.").
    pub fn opens_unsure(&self, index: usize) -> bool {
        self.opening_answer(index).is_some_and(|cue| self.cue(cue).value.as_deref() == Some("unsure"))
    }

    /// An [[answer]] cue at the start of the sentence ("Oh, yeah" / "Um, no").
    fn opening_answer(&self, index: usize) -> Option<&Hit> {
        self.cues(index, CueKind::Answer).next().filter(|cue| cue.start <= ANSWER_LEAD_BYTES)
    }

    /// Whether the sentence states the prospect's facts: said on their side, or an SDR question
    /// they confirmed ("So you're on Salesforce?" "Yeah.").
    pub fn speaks_for_prospect(&self, index: usize) -> bool {
        self.is_prospect_side(index) || self.answer(index) == Some(Answer::Yes)
    }

    /// Byte range of the clause around `position`: clauses end at clause-break cues ("but",
    /// "which", ";") so "we use X but we're replacing Y" keeps the two apart.
    pub fn clause(&self, index: usize, position: usize) -> Range<usize> {
        let mut range = 0..self.text(index).len();
        for hit in self.cues(index, CueKind::ClauseBreak) {
            if hit.start <= position && hit.start > range.start {
                range.start = hit.start;
            } else if hit.start > position && hit.start < range.end {
                range.end = hit.start;
            }
        }
        range
    }

    pub fn same_clause(&self, index: usize, a: usize, b: usize) -> bool {
        self.clause(index, a) == self.clause(index, b)
    }

    /// Whether a cue and a target are close enough: same clause, at most `window` words apart,
    /// and for adjacent cues (`window = 0`) no punctuation between ("No, HIPAA is key" is not
    /// "no HIPAA").
    pub fn within_window(&self, index: usize, cue: &Hit, target: &Hit, window: Option<u32>) -> bool {
        if !self.same_clause(index, cue.start, target.start) {
            return false;
        }
        let text = self.text(index);
        let gap = if cue.end <= target.start {
            &text[cue.end..target.start]
        } else if target.end <= cue.start {
            &text[target.end..cue.start]
        } else {
            ""
        };
        match window {
            None => true,
            Some(0) => gap.trim().is_empty(),
            Some(limit) => gap.split_whitespace().count() <= limit as usize,
        }
    }

    /// The first sentence of the next turn, if that turn is the given speaker's.
    pub fn next_turn_by(&self, index: usize, speaker: Speaker) -> Option<usize> {
        let turn = self.sentences[index].turn;
        let next = (index + 1..self.len()).find(|&i| self.sentences[i].turn != turn)?;
        (self.sentences[next].speaker == speaker).then_some(next)
    }

    /// The next sentence when it is still the same side of the conversation (prospect side or
    /// SDR) as this one: where a reason or an outcome is given after the fact.
    pub fn next_on_same_side(&self, index: usize) -> Option<usize> {
        let next = index + 1;
        (next < self.len() && self.is_prospect_side(next) == self.is_prospect_side(index)).then_some(next)
    }

    /// "We looked at Gong but it was too expensive": a complaint after a competitor or a past
    /// attempt is about that alternative, not a pain or an objection of the prospect's own.
    pub fn about_an_alternative(&self, index: usize, cue: &Hit) -> bool {
        let before_cue = |hit: &Hit| hit.end <= cue.start;
        self.entities(index, EntityKind::Competitor).any(before_cue)
            || self.cues(index, CueKind::Attempt).any(before_cue)
    }

    fn reply_to(&self, index: usize) -> Option<Answer> {
        let said = &self.sentences[index];
        if said.speaker != Speaker::Sdr {
            return None;
        }
        let reply = (index + 1..self.len()).find(|&at| self.sentences[at].turn != said.turn)?;
        let asks = |at: usize| self.sentences[at].is_question() || self.has_cue(at, CueKind::ConfirmCheck);
        // A question and the one remark that closes the turn get the same reply: "Are you in
        // California at all? Sometimes CCPA comes up." "No California." answers both.
        let answered = match reply - index {
            1 => asks(index) || (index > 0 && self.sentences[index - 1].turn == said.turn && asks(index - 1)),
            2 => asks(index),
            _ => false,
        };
        if !answered || !self.is_prospect_side(reply) {
            return None;
        }
        // A closing "..., so no." / "Yeah, no." says more than an opening word, so it wins.
        let text = self.text(reply);
        let closing = self.cues(reply, CueKind::Answer).last().filter(|cue| {
            let after = text[cue.end..].trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
            let before = text[..cue.start].trim_end();
            after.is_empty() && cue.start > 0 && (before.ends_with(',') || before.to_ascii_lowercase().ends_with(" so"))
        });
        let opening = self.opening_answer(reply);
        let answer = closing.or(opening)?;
        match self.cue(answer).value.as_deref() {
            Some("yes") => Some(Answer::Yes),
            Some("no") => Some(Answer::No),
            _ => None,
        }
    }
}

/// One bit per layer. Were there more than 64 kinds, some would share a bit: a sentence with
/// hits of one would only be searched in vain for the other.
/// Of the names a sentence says without their entries' words, the systems no name found in it
/// covers; of overlapping ones the leftmost, then longest ("Square" in "Square reader").
fn unmet_systems(found: &[Hit], mut unmet: Vec<Hit>) -> Vec<Hit> {
    let overlaps = |a: &Hit, b: &Hit| a.start < b.end && b.start < a.end;
    unmet.retain(|name| {
        name.layer == Layer::Entity(EntityKind::System)
            && !found.iter().any(|hit| matches!(hit.layer, Layer::Entity(_)) && overlaps(hit, name))
    });
    unmet.sort_unstable_by_key(|name| (name.start, std::cmp::Reverse(name.end), name.index));
    let mut kept: Vec<Hit> = Vec::new();
    for name in unmet {
        if !kept.iter().any(|other| overlaps(other, &name)) {
            kept.push(name);
        }
    }
    kept
}

fn layer_bit(layer: Layer) -> u64 {
    let position = match layer {
        Layer::Entity(kind) => kind as u32,
        Layer::Cue(kind) => 8 + kind as u32,
    };
    1 << (position % 64)
}

/// Negation words that, shortly before a cue, turn it around ("not frustrating", "don't want a
/// demo"). A cue that is itself negative ("we can't") is left alone.
pub(crate) fn negated_before(text: &str, cue_start: usize, cue_text: &str, words: usize) -> bool {
    if is_negative(cue_text) {
        return false;
    }
    text[..cue_start].split_whitespace().rev().take(words).any(is_negative)
}

fn is_negative(text: &str) -> bool {
    // Compared in place: this runs for the words before every cue checked for negation.
    text.split(|c: char| !c.is_alphanumeric() && c != '\'').any(|word| {
        ["not", "no", "never", "nothing", "without", "cannot"]
            .iter()
            .any(|negation| word.eq_ignore_ascii_case(negation))
            || (word.len() >= 3 && word.as_bytes()[word.len() - 3..].eq_ignore_ascii_case(b"n't"))
    })
}
