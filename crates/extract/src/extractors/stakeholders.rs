//! Stakeholders: one entry per person (or team) around the deal, with the strongest relation
//! said about them. "Sarah", "Sarah Chen" and "our CFO" merge when linked; a person known only
//! by role ("our head of IT") is an entry without a name. The two people on the call are not.

use crate::call::{negated_before, Call};
use crate::item::item;
use crate::kinds::{CueKind, EntityKind};
use crate::people::{self, is_vocative, names_match, PersonMention};
use handoff_findings::{Category, Item, Mention, Relation, Stakeholder};
use handoff_transcript::Speaker;

/// Confidence of a person known only by a name, with no role or relation said.
const NAME_ONLY_CONFIDENCE: f32 = 0.6;
const NAME_ONLY_RULE: &str = "stakeholders/named-person";
/// How many sentences back "she" / "he" / "they" may reach for the person meant ("Ana
/// Castellanos?" / "Yep." / "Managing partner." / "She decides.").
const PRONOUN_REACH_SENTENCES: usize = 3;
/// A role's usual part ("the CEO" decides) counts for less than words said about the person.
const ROLE_PRIOR_FACTOR: f32 = 0.75;
/// The part asked about ("Who would sign off on this?") counts for less still.
const ASKED_FACTOR: f32 = 0.65;
/// Words between a person and a relation cue said about them ("Sarah will probably sign off").
const SUBJECT_REACH_WORDS: usize = 6;
/// Words between a relation cue and the person after it ("approved by our CFO").
const OBJECT_REACH_WORDS: usize = 3;

fn relation_rank(relation: Relation) -> u8 {
    match relation {
        Relation::DecisionMaker => 0,
        Relation::BudgetOwner => 1,
        Relation::Blocker => 2,
        // "She'll be the one living in it" says more than "she'll want to see it".
        Relation::User => 3,
        Relation::Influencer => 4,
        Relation::Unknown => 5,
    }
}

fn parse_relation(value: Option<&str>) -> Relation {
    match value {
        Some("decision_maker") => Relation::DecisionMaker,
        Some("budget_owner") => Relation::BudgetOwner,
        Some("blocker") => Relation::Blocker,
        Some("influencer") => Relation::Influencer,
        Some("user") => Relation::User,
        _ => Relation::Unknown,
    }
}

/// What a relation cue said about someone.
#[derive(Debug, Clone)]
struct Said {
    relation: Relation,
    rule: String,
    confidence: f32,
}

#[derive(Debug)]
struct Person {
    name: Option<String>,
    /// Canonical role: what mentions are matched on.
    role: Option<String>,
    /// The role as said, shown in the handoff when it differs from the canonical one only in
    /// more than case ("IT director" for "Head of IT").
    role_shown: Option<String>,
    said: Option<(Said, usize)>,
    /// What the role usually means in a purchase ("the CEO" decides), where it was said.
    prior: Option<(Said, usize)>,
    /// The part the SDR asked about when the prospect named them ("Who would sign off?").
    asked: Option<(Said, usize)>,
    role_rule: Option<(String, f32)>,
    /// Sentences that mention them, first first.
    sentences: Vec<usize>,
    /// Where name and role were said together: the best quote when no relation was said.
    introduced_at: Option<usize>,
}

impl Person {
    fn matches(&self, mention: &PersonMention) -> bool {
        if let (Some(known), Some(name)) = (&self.name, mention.name) {
            return names_match(known, name);
        }
        match (&self.role_shown, mention.role) {
            (Some(known), Some(role)) => same_group(known, &shown_role(role, mention.role_said.unwrap_or(role))),
            _ => false,
        }
    }

    fn absorb(&mut self, mention: &PersonMention, sentence: usize) {
        if let Some(name) = mention.name {
            if self.name.as_ref().is_none_or(|known| name.len() > known.len()) {
                self.name = Some(name.to_string());
            }
        }
        let shown = mention.role.map(|role| shown_role(role, mention.role_said.unwrap_or(role)));
        if self.role.is_none() {
            self.role = mention.role.map(str::to_string);
            self.role_shown = shown;
            self.role_rule = mention.role_rule.map(|rule| (rule.to_string(), mention.role_confidence));
        } else if let (Some(known), Some(shown)) = (&self.role_shown, shown) {
            // "clerks" then "AP clerks": keep the fuller way of saying it.
            if shown.len() > known.len() && same_group(known, &shown) {
                self.role_shown = Some(shown);
            }
        }
        if let (None, Some(relation), Some(rule)) = (&self.prior, mention.role_relation, mention.role_rule) {
            let relation = parse_relation(Some(relation));
            if relation != Relation::Unknown {
                let confidence = mention.role_confidence * ROLE_PRIOR_FACTOR;
                self.prior = Some((Said { relation, rule: rule.to_string(), confidence }, sentence));
            }
        }
        if self.sentences.last() != Some(&sentence) {
            self.sentences.push(sentence);
        }
        if self.introduced_at.is_none() && mention.name.is_some() && mention.role.is_some() {
            self.introduced_at = Some(sentence);
        }
    }

    /// The relation to report: the strongest of what was said and what the role implies, else
    /// what the SDR asked about.
    fn relation(&self) -> Option<&(Said, usize)> {
        let sources = [&self.said, &self.asked, &self.prior];
        let strong = sources
            .iter()
            .filter_map(|source| source.as_ref())
            .filter(|(said, _)| relation_rank(said.relation) <= relation_rank(Relation::Blocker))
            .min_by_key(|(said, _)| relation_rank(said.relation));
        strong.or(self.said.as_ref()).or(self.prior.as_ref()).or(self.asked.as_ref())
    }

    fn hear(&mut self, said: Said, sentence: usize) {
        let better =
            self.said.as_ref().is_none_or(|(known, _)| relation_rank(said.relation) < relation_rank(known.relation));
        if better {
            self.said = Some((said, sentence));
        }
    }
}

pub(crate) fn stakeholders(call: &Call, participants: &[String]) -> Vec<Item<Stakeholder>> {
    let mut persons: Vec<Person> = Vec::new();
    let mut known_names: Vec<String> = Vec::new();
    let mut last_person: Option<(usize, usize)> = None;
    // Names said to someone ("Thanks, Evan."): people on the call, whenever it shows.
    let mut addressed: Vec<String> = Vec::new();
    // (turn of the answer, what was asked, only the first person named) after "Who ...?".
    let mut question: Option<(usize, Said, bool)> = None;
    let mut answered_first = false;

    for sentence in 0..call.len() {
        if !people::may_mention_someone(call, sentence) {
            continue;
        }
        let speaker = call.sentence(sentence).speaker;
        let turn = call.sentence(sentence).turn;
        if question.as_ref().is_some_and(|(answer, ..)| turn > *answer) {
            question = None;
        }
        if speaker == Speaker::Sdr {
            if let Some(asked) = asked_about(call, sentence) {
                question = Some((turn + 1, asked.0, asked.1));
                answered_first = false;
            }
        }
        let text = call.text(sentence);
        let mentions: Vec<PersonMention> = people::mentions(call, sentence, &known_names)
            .into_iter()
            .filter(|m| !m.name.is_some_and(|name| participants.iter().any(|p| names_match(p, name))))
            .filter(|m| {
                let vocative = m.role.is_none()
                    && !m.name.is_some_and(people::has_honorific)
                    && call.cues(sentence, CueKind::Relation).next().is_none()
                    && is_vocative(text, &m.span);
                if vocative {
                    addressed.extend(m.name.map(str::to_string));
                }
                !vocative
            })
            .filter(|m| !is_own_title(call, sentence, m))
            .collect();
        let relations = relations_said(call, sentence, &mentions);

        for (index, mention) in mentions.iter().enumerate() {
            let said =
                relations.iter().find(|(target, _)| *target == Target::Mention(index)).map(|(_, said)| said.clone());
            // The SDR's "our engineers" are the seller's; their "your IT team" is the prospect's.
            // "the board", "the reps", "the taproom managers": a role said by the prospect with
            // "the" is someone of theirs.
            let said_with_the =
                text[mention.span.clone()].get(..4).is_some_and(|lead| lead.eq_ignore_ascii_case("the "));
            // "six entry clerks", "thirty-eight field clinicians": a team counted is theirs too.
            let definite = mention.role.is_some()
                && (said_with_the
                    || people::gap_words(&text[..mention.span.start])
                        .last()
                        .is_some_and(|w| w == "the" || crate::numbers::is_count(w)));
            let tied_to_prospect = match speaker {
                Speaker::Sdr => mention.name.is_some() || (mention.possessive && !mention.ours),
                _ => mention.name.is_some() || mention.possessive || said.is_some() || definite,
            };
            // "He sits on our board": the role is what is said about someone else.
            let inside_cue = mention.name.is_none()
                && call
                    .cues(sentence, CueKind::Relation)
                    .any(|cue| cue.start <= mention.span.start && mention.span.end <= cue.end);
            if !tied_to_prospect || inside_cue {
                continue;
            }
            let person = match persons.iter().position(|p| p.matches(mention)) {
                Some(found) => found,
                None => {
                    persons.push(Person {
                        name: None,
                        role: None,
                        role_shown: None,
                        said: None,
                        prior: None,
                        asked: None,
                        role_rule: None,
                        sentences: Vec::new(),
                        introduced_at: None,
                    });
                    persons.len() - 1
                }
            };
            persons[person].absorb(mention, sentence);
            if let Some(said) = said {
                persons[person].hear(said, sentence);
            }
            if let Some((answer, asked, first_only)) = &question {
                if turn == *answer && speaker != Speaker::Sdr && !(*first_only && answered_first) {
                    if persons[person].asked.is_none() {
                        persons[person].asked = Some((asked.clone(), sentence));
                    }
                    answered_first = true;
                }
            }
            if let Some(name) = mention.name {
                if !known_names.iter().any(|known| known == name) {
                    known_names.push(name.to_string());
                }
            }
            last_person = Some((sentence, person));
        }
        for (target, said) in relations {
            if target == Target::Pronoun {
                if let Some((at, person)) = last_person.filter(|(at, _)| sentence - at <= PRONOUN_REACH_SENTENCES) {
                    let _ = at;
                    persons[person].hear(said, sentence);
                    if persons[person].sentences.last() != Some(&sentence) {
                        persons[person].sentences.push(sentence);
                    }
                }
            }
        }
    }

    persons.retain(|person| !person.name.as_ref().is_some_and(|name| addressed.iter().any(|a| names_match(a, name))));
    let mut items: Vec<Item<Stakeholder>> = persons.into_iter().map(|person| stakeholder_item(call, person)).collect();
    items.sort_by_key(|item| item.detail.mentions.first().map_or(item.start_ms, |m| m.start_ms));
    items
}

fn stakeholder_item(call: &Call, person: Person) -> Item<Stakeholder> {
    let (quote_at, rule, confidence, relation) = match (person.relation(), &person.role_rule) {
        (Some((said, at)), _) => (*at, said.rule.clone(), said.confidence, said.relation),
        (None, Some((rule, confidence))) => {
            (person.introduced_at.unwrap_or(person.sentences[0]), rule.clone(), *confidence, Relation::Unknown)
        }
        (None, None) => (
            person.introduced_at.unwrap_or(person.sentences[0]),
            NAME_ONLY_RULE.to_string(),
            NAME_ONLY_CONFIDENCE,
            Relation::Unknown,
        ),
    };
    let mentions = person
        .sentences
        .iter()
        .map(|&at| {
            let said = call.sentence(at);
            Mention { quote: said.text.clone(), start_ms: said.start_ms, end_ms: said.end_ms }
        })
        .collect();
    let said = call.sentence(quote_at);
    let detail = Stakeholder { name: person.name, role: person.role_shown.or(person.role), relation, mentions };
    item(Category::Stakeholder, said, &said.text, &rule, confidence, detail)
}

/// "clerks" and "AP clerks" are one group; "board" and "board treasurer" are not.
fn same_group(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long == short || (long.ends_with(&short) && long[..long.len() - short.len()].ends_with(' '))
}

/// The role to show: as said, unless that is the canonical name in other case, or a spelled-out
/// acronym ("chief financial officer" shows as "CFO").
fn shown_role(canonical: &str, said: &str) -> String {
    let acronym = canonical.len() <= 5 && canonical.chars().all(|c| c.is_ascii_uppercase());
    if said.eq_ignore_ascii_case(canonical) || (acronym && said.contains(' ')) {
        canonical.to_string()
    } else {
        said.to_string()
    }
}

/// "Who else would need to sign off?", "Who else has a say?": the relation asked about, and
/// whether it fits only the first person named in the answer (a decision has one maker).
fn asked_about(call: &Call, sentence: usize) -> Option<(Said, bool)> {
    if !call.sentence(sentence).is_question() {
        return None;
    }
    let text = call.text(sentence);
    let asks_who = people::gap_words(text)
        .iter()
        .any(|w| matches!(w.as_str(), "who" | "who's" | "who'd" | "whose" | "anyone" | "anybody"));
    if !asks_who {
        return None;
    }
    let cue = call
        .cues(sentence, CueKind::Relation)
        .map(|hit| call.cue(hit))
        .min_by_key(|cue| relation_rank(parse_relation(cue.value.as_deref())));
    let said = match cue {
        Some(cue) => Said {
            relation: parse_relation(cue.value.as_deref()),
            rule: cue.rule.clone(),
            confidence: cue.confidence * ASKED_FACTOR,
        },
        None => {
            // "Who's the owner?": the answer is the owner, with what owners usually do.
            let role = call
                .entities(sentence, EntityKind::Role)
                .map(|hit| call.entity(hit))
                .find(|role| role.group.is_some())?;
            Said {
                relation: parse_relation(role.group.as_deref()),
                rule: role.rule.clone(),
                confidence: role.confidence * ASKED_FACTOR,
            }
        }
    };
    let first_only = said.relation == Relation::DecisionMaker;
    Some((said, first_only))
}

/// "I'm the operations manager": the speaker's own title, not a stakeholder.
fn is_own_title(call: &Call, sentence: usize, mention: &PersonMention) -> bool {
    if mention.name.is_some() {
        return false;
    }
    let text = call.text(sentence);
    call.cues(sentence, CueKind::SelfIntro).any(|cue| {
        cue.end <= mention.span.start
            && people::gap_words(&text[cue.end..mention.span.start])
                .iter()
                .all(|w| matches!(w.as_str(), "the" | "a" | "an" | "currently" | "also"))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Mention(usize),
    /// "she" / "he" / "they": the last person mentioned before.
    Pronoun,
}

/// Each relation cue of the sentence with the person it is about: the nearest mention before it
/// in the clause (the subject), else the one just after ("approved by Sarah"), else a pronoun.
fn relations_said(call: &Call, sentence: usize, mentions: &[PersonMention]) -> Vec<(Target, Said)> {
    let text = call.text(sentence);
    let mut found = Vec::new();
    for cue in call.cues(sentence, CueKind::Relation) {
        let cue_text = call.matched(sentence, cue);
        if negated_before(text, cue.start, cue_text, 2) {
            continue;
        }
        let rule = call.cue(cue);
        let said = Said {
            relation: parse_relation(rule.value.as_deref()),
            rule: rule.rule.clone(),
            confidence: rule.confidence,
        };
        let clause = call.clause(sentence, cue.start);
        let subject = mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| m.span.end <= cue.start && m.span.start >= clause.start)
            .filter(|(_, m)| text[m.span.end..cue.start].split_whitespace().count() <= SUBJECT_REACH_WORDS)
            .max_by_key(|(_, m)| m.span.end);
        let object = || {
            mentions
                .iter()
                .enumerate()
                .filter(|(_, m)| m.span.start >= cue.end && m.span.end <= clause.end)
                .filter(|(_, m)| text[cue.end..m.span.start].split_whitespace().count() <= OBJECT_REACH_WORDS)
                .min_by_key(|(_, m)| m.span.start)
        };
        if let Some((index, _)) = subject.or_else(object) {
            found.push((Target::Mention(index), said));
            continue;
        }
        let own_pronoun = cue_text
            .split_whitespace()
            .any(|w| matches!(w.to_ascii_lowercase().as_str(), "her" | "his" | "him" | "she" | "he"));
        let pronoun = own_pronoun
            || text[clause.start..cue.start].split_whitespace().rev().take(4).any(|w| {
                matches!(
                    w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_ascii_lowercase().as_str(),
                    "she"
                        | "he"
                        | "they"
                        | "she'll"
                        | "he'll"
                        | "they'll"
                        | "she's"
                        | "he's"
                        | "they're"
                        | "she'd"
                        | "he'd"
                        | "they'd"
                )
            });
        if pronoun {
            found.push((Target::Pronoun, said));
        }
    }
    found
}
