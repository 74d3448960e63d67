//! Dictionary entities: systems (with how the prospect relates to each), competitors, and
//! regulations (with whether they apply). One item per entity over the whole call.

use crate::call::{Answer, Call};
use crate::item::{item, CONFIRMED_BY_ANSWER_FACTOR};
use crate::lexicon::Hit;
use crate::model::{Category, Competitor, Item, Regulation, System, SystemStatus};
use crate::rules::schema::{CueKind, EntityKind};
use std::collections::HashMap;

/// An SDR naming a competitor is worth knowing, but less than the prospect naming it.
const SDR_MENTION_FACTOR: f32 = 0.7;
/// How many sentences back "it" / "which" may reach for the system it stands for.
const PRONOUN_REACH_SENTENCES: usize = 2;

/// Words that link coordinated names ("Excel and Google Sheets", "HIPAA or GDPR"), letting one
/// cue reach all of them.
fn is_coordination(gap: &str) -> bool {
    let words: Vec<&str> = gap.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()).collect();
    words.len() <= 2
        && words.iter().all(|w| matches!(w.to_ascii_lowercase().as_str(), "and" | "or" | "nor" | "plus" | "also"))
}

/// Whether `cue` qualifies `target`: close enough, and any other entity of the same list
/// between them is coordinated with the target, not a different object.
fn cue_reaches(call: &Call, sentence: usize, cue: &Hit, target: &Hit, peers: &[Hit], window: Option<u32>) -> bool {
    if !call.within_window(sentence, cue, target, window) {
        return false;
    }
    let text = call.text(sentence);
    let (from, to) = if cue.end <= target.start { (cue.end, target.start) } else { (target.end, cue.start) };
    let mut between: Vec<&Hit> = peers.iter().filter(|peer| peer.start >= from && peer.end <= to).collect();
    if between.is_empty() {
        return true;
    }
    between.sort_by_key(|peer| peer.start);
    let mut chain: Vec<(usize, usize)> = between.iter().map(|peer| (peer.start, peer.end)).collect();
    chain.push((target.start, target.end));
    chain.sort();
    chain.windows(2).all(|pair| is_coordination(&text[pair[0].1..pair[1].0]))
}

fn status_rank(status: SystemStatus) -> u8 {
    match status {
        SystemStatus::Leaving => 3,
        SystemStatus::Evaluating => 2,
        SystemStatus::Current => 1,
        SystemStatus::Mentioned => 0,
    }
}

fn parse_status(value: Option<&str>) -> SystemStatus {
    match value {
        Some("current") => SystemStatus::Current,
        Some("evaluating") => SystemStatus::Evaluating,
        Some("leaving") => SystemStatus::Leaving,
        _ => SystemStatus::Mentioned,
    }
}

/// One sighting of an entity: where, what it said about it, how sure.
#[derive(Debug, Clone, Copy)]
struct Sighting<S> {
    /// The dictionary entry (rule) that matched.
    entity: u32,
    sentence: usize,
    attribute: S,
    confidence: f32,
}

/// Sightings per entity (by rule index), in order of first sighting.
/// Keyed by canonical name: two entries naming the same thing (one gated by context, say) give
/// one item.
struct Ledger<'r, S> {
    order: Vec<&'r str>,
    sightings: HashMap<&'r str, Vec<Sighting<S>>>,
}

impl<'r, S: Copy> Ledger<'r, S> {
    fn new() -> Self {
        Ledger { order: Vec::new(), sightings: HashMap::new() }
    }

    fn add(&mut self, call: &Call<'r>, sighting: Sighting<S>) {
        let name = call.rules.entity(sighting.entity).name.as_str();
        self.sightings
            .entry(name)
            .or_insert_with(|| {
                self.order.push(name);
                Vec::new()
            })
            .push(sighting);
    }

    /// One item per entity, from the sighting `choose` picks, ordered by time.
    fn items<D>(
        self,
        call: &Call,
        category: Category,
        choose: impl Fn(&[Sighting<S>]) -> Sighting<S>,
        detail: impl Fn(&crate::rules::Entity, S) -> D,
    ) -> Vec<Item<D>> {
        let mut items: Vec<Item<D>> = self
            .order
            .iter()
            .map(|name| {
                let chosen = choose(&self.sightings[name]);
                let rule = call.rules.entity(chosen.entity);
                let sentence = call.sentence(chosen.sentence);
                item(category, sentence, &sentence.text, &rule.rule, chosen.confidence, detail(rule, chosen.attribute))
            })
            .collect();
        items.sort_by_key(|item| item.start_ms);
        items
    }
}

/// The sighting to quote among those `fits` accepts: the prospect's own words before an SDR
/// question they confirmed, then the earliest.
fn preferred<S: Copy>(call: &Call, sightings: &[Sighting<S>], fits: impl Fn(&Sighting<S>) -> bool) -> Sighting<S> {
    let mut fitting = sightings.iter().filter(|s| fits(s));
    let first = fitting.clone().next().unwrap_or(&sightings[0]);
    *fitting.find(|s| call.is_prospect_side(s.sentence)).unwrap_or(first)
}

/// Confidence of a sentence as evidence of the prospect's facts, or None if it is not.
fn evidence_weight(call: &Call, sentence: usize) -> Option<f32> {
    if call.is_prospect_side(sentence) {
        Some(1.0)
    } else if call.answer(sentence) == Some(Answer::Yes) {
        Some(CONFIRMED_BY_ANSWER_FACTOR)
    } else {
        None
    }
}

pub(crate) fn systems(call: &Call) -> Vec<Item<System>> {
    let mut ledger = Ledger::new();
    // The last system named on the prospect side, for "we're replacing it".
    let mut last_named: Option<(usize, u32)> = None;
    for sentence in 0..call.len() {
        let Some(weight) = evidence_weight(call, sentence) else {
            continue;
        };
        let mentions: Vec<Hit> = call.entities(sentence, EntityKind::System).copied().collect();
        let cues: Vec<Hit> = call.cues(sentence, CueKind::SystemStatus).copied().collect();
        for mention in &mentions {
            let mut cues = cues.clone();
            cues.extend(call.adjacent_cues(sentence, mention, CueKind::SystemStatus));
            let status = status_from_cues(call, sentence, mention, &mentions, &cues);
            let confidence = call.entity(mention).confidence * weight;
            ledger.add(call, Sighting { entity: mention.index, sentence, attribute: status, confidence });
        }
        for (cue, target) in pronoun_cues(call, sentence, &mentions, &cues, last_named) {
            let confidence = call.rules.entity(target).confidence * weight * call.cue(&cue).confidence;
            ledger.add(
                call,
                Sighting {
                    entity: target,
                    sentence,
                    attribute: parse_status(call.cue(&cue).value.as_deref()),
                    confidence,
                },
            );
        }
        if let Some(last) = mentions.last() {
            last_named = Some((sentence, last.index));
        }
    }
    ledger.items(
        call,
        Category::System,
        |sightings| {
            // Leaving beats evaluating beats current beats a bare mention; the first such.
            let best = sightings.iter().map(|s| status_rank(s.attribute)).max().unwrap_or(0);
            preferred(call, sightings, |s| status_rank(s.attribute) == best)
        },
        |entity, status| System {
            name: entity.name.clone(),
            kind: entity.group.clone().unwrap_or_else(|| "other".into()),
            status,
        },
    )
}

/// The status cues give a system. "From X to Y" / "replace X with Y": Y is where they are going.
/// Otherwise the most confident cue before it in reach (then the nearest), else the first cue
/// after it, else a bare mention.
fn status_from_cues(call: &Call, sentence: usize, mention: &Hit, mentions: &[Hit], cues: &[Hit]) -> SystemStatus {
    if let Some(status) = destination_status(call, sentence, mention, mentions, cues) {
        return status;
    }
    // Lists are common ("we use HubSpot for X, Jira for Y and Sheets"): other systems between a
    // cue and this one do not block it; the window and the clause do.
    let reaches = |cue: &&Hit| call.within_window(sentence, cue, mention, call.cue(cue).window);
    let before = cues
        .iter()
        .filter(|cue| cue.end <= mention.start)
        .filter(reaches)
        .max_by(|a, b| call.cue(a).confidence.total_cmp(&call.cue(b).confidence).then(a.end.cmp(&b.end)));
    if let Some(cue) = before {
        return parse_status(call.cue(cue).value.as_deref());
    }
    let after = cues
        .iter()
        .filter(|cue| cue.start >= mention.end)
        .filter(|cue| !mentions.iter().any(|other| other.start >= mention.end && other.end <= cue.start))
        .filter(reaches)
        .min_by_key(|cue| cue.start);
    after.map_or(SystemStatus::Mentioned, |cue| parse_status(call.cue(cue).value.as_deref()))
}

/// "moving from NetSuite to Workday", "replacing Zendesk with Freshdesk": the system after
/// "to"/"onto"/"with" that follows a left system is the destination: evaluating while it is
/// under way, current once done ("switched", "moved", "got rid of").
fn destination_status(
    call: &Call,
    sentence: usize,
    mention: &Hit,
    mentions: &[Hit],
    cues: &[Hit],
) -> Option<SystemStatus> {
    let text = call.text(sentence);
    let word_before = text[..mention.start].split_whitespace().next_back().unwrap_or("").to_ascii_lowercase();
    if !matches!(word_before.as_str(), "to" | "onto" | "into" | "with" | "for" | "by") {
        return None;
    }
    let leaving = cues.iter().filter(|cue| cue.end <= mention.start).find(|cue| {
        parse_status(call.cue(cue).value.as_deref()) == SystemStatus::Leaving
            && call.same_clause(sentence, cue.start, mention.start)
            && mentions.iter().any(|other| other.start >= cue.end && other.end <= mention.start)
    })?;
    let cue_text = call.matched(sentence, leaving).to_ascii_lowercase();
    let done = cue_text.split_whitespace().any(|word| word.ends_with("ed") || word == "got" || word == "left");
    Some(if done { SystemStatus::Current } else { SystemStatus::Evaluating })
}

/// Status cues in a clause that names no system but points back at one ("we're replacing it",
/// "..., which we're trying to get rid of"), with the system they point to.
fn pronoun_cues(
    call: &Call,
    sentence: usize,
    mentions: &[Hit],
    cues: &[Hit],
    last_named: Option<(usize, u32)>,
) -> Vec<(Hit, u32)> {
    let text = call.text(sentence);
    let mut found = Vec::new();
    for cue in cues {
        let clause = call.clause(sentence, cue.start);
        if mentions.iter().any(|m| m.start >= clause.start && m.end <= clause.end) {
            continue;
        }
        let opens_with_which = text[clause.start..].to_ascii_lowercase().starts_with("which");
        let points_back = text[cue.end..clause.end].split_whitespace().take(2).any(|word| {
            matches!(
                word.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase().as_str(),
                "it" | "them" | "that" | "this" | "those"
            )
        });
        if !(opens_with_which || points_back) {
            continue;
        }
        let earlier_here = mentions.iter().filter(|m| m.end <= cue.start).max_by_key(|m| m.end).map(|m| m.index);
        let earlier_before =
            last_named.filter(|(at, _)| sentence - at <= PRONOUN_REACH_SENTENCES).map(|(_, index)| index);
        if let Some(target) = earlier_here.or(earlier_before) {
            found.push((*cue, target));
        }
    }
    found
}

pub(crate) fn competitors(call: &Call) -> Vec<Item<Competitor>> {
    let mut ledger = Ledger::new();
    for sentence in 0..call.len() {
        let weight = evidence_weight(call, sentence).unwrap_or(SDR_MENTION_FACTOR);
        for mention in call.entities(sentence, EntityKind::Competitor) {
            let confidence = call.entity(mention).confidence * weight;
            ledger.add(call, Sighting { entity: mention.index, sentence, attribute: (), confidence });
        }
    }
    ledger.items(
        call,
        Category::Competitor,
        // The prospect's own words first; an SDR mention only when nothing else.
        |sightings| *sightings.iter().find(|s| call.is_prospect_side(s.sentence)).unwrap_or(&sightings[0]),
        |entity, ()| Competitor { name: entity.name.clone() },
    )
}

pub(crate) fn regulations(call: &Call) -> Vec<Item<Regulation>> {
    let mut ledger = Ledger::new();
    for sentence in 0..call.len() {
        let answer = call.answer(sentence);
        let weight = match (call.is_prospect_side(sentence), answer) {
            (true, _) => 1.0,
            (false, Some(_)) => CONFIRMED_BY_ANSWER_FACTOR,
            (false, None) => continue,
        };
        let mentions: Vec<Hit> = call.entities(sentence, EntityKind::Regulation).copied().collect();
        for mention in &mentions {
            let adjacent = call.adjacent_cues(sentence, mention, CueKind::RegulationNegation);
            let negated = call
                .cues(sentence, CueKind::RegulationNegation)
                .chain(&adjacent)
                .any(|cue| cue_reaches(call, sentence, cue, mention, &mentions, call.cue(cue).window));
            // An SDR question answered "no" ("Any HIPAA requirements?" "No.") negates too.
            let applies = !negated && answer != Some(Answer::No);
            let confidence = call.entity(mention).confidence * weight;
            ledger.add(call, Sighting { entity: mention.index, sentence, attribute: applies, confidence });
        }
    }
    ledger.items(
        call,
        Category::Regulation,
        // Said not to apply anywhere: it does not apply; the sentence that says so is the quote.
        |sightings| {
            let denied = sightings.iter().any(|s| !s.attribute);
            preferred(call, sightings, |s| s.attribute != denied)
        },
        |entity, applies| Regulation { name: entity.name.clone(), applies },
    )
}
