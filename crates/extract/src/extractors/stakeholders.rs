//! Stakeholders: one entry per person (or team) around the deal, with the strongest relation
//! said about them. "Sarah", "Sarah Chen" and "our CFO" merge when linked; a person known only
//! by role ("our head of IT") is an entry without a name. The two people on the call are not.

use crate::call::{negated_before, Call};
use crate::item::item;
use crate::model::{Category, Item, Mention, Relation, Stakeholder};
use crate::people::{self, names_match, PersonMention};
use crate::rules::schema::CueKind;
use handoff_transcript::Speaker;

/// Confidence of a person known only by a name, with no role or relation said.
const NAME_ONLY_CONFIDENCE: f32 = 0.6;
const NAME_ONLY_RULE: &str = "stakeholders/named-person";
/// How many sentences back "she" / "he" / "they" may reach for the person meant.
const PRONOUN_REACH_SENTENCES: usize = 2;
/// Words between a person and a relation cue said about them ("Sarah will probably sign off").
const SUBJECT_REACH_WORDS: usize = 6;
/// Words between a relation cue and the person after it ("approved by our CFO").
const OBJECT_REACH_WORDS: usize = 3;

fn relation_rank(relation: Relation) -> u8 {
    match relation {
        Relation::DecisionMaker => 0,
        Relation::BudgetOwner => 1,
        Relation::Blocker => 2,
        Relation::Influencer => 3,
        Relation::User => 4,
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
    role: Option<String>,
    said: Option<(Said, usize)>,
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
        mention.role.is_some() && self.role.as_deref() == mention.role
    }

    fn absorb(&mut self, mention: &PersonMention, sentence: usize) {
        if let Some(name) = mention.name {
            if self.name.as_ref().is_none_or(|known| name.len() > known.len()) {
                self.name = Some(name.to_string());
            }
        }
        if self.role.is_none() {
            self.role = mention.role.map(str::to_string);
            self.role_rule = mention.role_rule.map(|rule| (rule.to_string(), mention.role_confidence));
        }
        if self.sentences.last() != Some(&sentence) {
            self.sentences.push(sentence);
        }
        if self.introduced_at.is_none() && mention.name.is_some() && mention.role.is_some() {
            self.introduced_at = Some(sentence);
        }
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

    for sentence in 0..call.len() {
        if !people::may_mention_someone(call, sentence) {
            continue;
        }
        let speaker = call.sentence(sentence).speaker;
        let mentions: Vec<PersonMention> = people::mentions(call, sentence, &known_names)
            .into_iter()
            .filter(|m| !m.name.is_some_and(|name| participants.iter().any(|p| names_match(p, name))))
            .filter(|m| !is_own_title(call, sentence, m))
            .collect();
        let relations = relations_said(call, sentence, &mentions);

        for (index, mention) in mentions.iter().enumerate() {
            let said =
                relations.iter().find(|(target, _)| *target == Target::Mention(index)).map(|(_, said)| said.clone());
            let tied_to_prospect = match speaker {
                Speaker::Sdr => mention.name.is_some() || mention.possessive,
                _ => mention.name.is_some() || mention.possessive || said.is_some(),
            };
            if !tied_to_prospect {
                continue;
            }
            let person = match persons.iter().position(|p| p.matches(mention)) {
                Some(found) => found,
                None => {
                    persons.push(Person {
                        name: None,
                        role: None,
                        said: None,
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

    let mut items: Vec<Item<Stakeholder>> = persons.into_iter().map(|person| stakeholder_item(call, person)).collect();
    items.sort_by_key(|item| item.detail.mentions.first().map_or(item.start_ms, |m| m.start_ms));
    items
}

fn stakeholder_item(call: &Call, person: Person) -> Item<Stakeholder> {
    let (quote_at, rule, confidence, relation) = match (&person.said, &person.role_rule) {
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
    let detail = Stakeholder { name: person.name, role: person.role, relation, mentions };
    item(Category::Stakeholder, said, &said.text, &rule, confidence, detail)
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
        let pronoun = text[clause.start..cue.start].split_whitespace().rev().take(4).any(|w| {
            matches!(
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_ascii_lowercase().as_str(),
                "she" | "he" | "they" | "she'll" | "he'll" | "they'll" | "she's" | "he's" | "they're"
            )
        });
        if pronoun {
            found.push((Target::Pronoun, said));
        }
    }
    found
}
