//! Dictionary entities: systems (with how the prospect relates to each), competitors, and
//! regulations (with whether they apply). One item per entity over the whole call.

use crate::call::{Answer, Call};
use crate::inferred;
use crate::item::{item, CONFIRMED_BY_ANSWER_FACTOR};
use crate::kinds::{CueKind, EntityKind};
use crate::lexicon::{Hit, Layer};
use handoff_findings::{Category, Competitor, Item, Regulation, System, SystemStatus};
use handoff_transcript::Speaker;
use std::collections::HashMap;

/// An SDR naming a competitor is worth knowing, but less than the prospect naming it.
const SDR_MENTION_FACTOR: f32 = 0.7;
/// Rule of a system no pack lists, found from its context.
const INFERRED_SYSTEM_RULE: &str = "systems/inferred";
/// Rule of a regulation or standard no pack lists, found from the shape of its name.
const INFERRED_REGULATION_RULE: &str = "regulations/inferred";
/// Rule of a competitor that is a system the prospect evaluates or names without using.
const EVALUATED_COMPETITOR_RULE: &str = "competitors/alternative-system";
/// Kinds of general-purpose tool ("an Excel workbook", "a SharePoint list", "a Zapier flow") that
/// are how work gets done around a gap, not a vendor competing for the deal.
const WORKAROUND_KINDS: &[&str] = &["spreadsheet", "documents", "database", "communication", "etl", "cloud"];
/// An evaluated system is a competitor unless it is the seller's own product: a little less sure.
const EVALUATED_FACTOR: f32 = 0.9;
/// A regulation the SDR asked about and the prospect took up without a yes: likelier than not.
const TOPIC_ANSWERED_FACTOR: f32 = 0.7;
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

/// An inferred name as a hit, so it takes part in lists, negations and "from X to Y" like a
/// dictionary one. It points at no entry: only its position is read.
fn synthetic_hit(kind: EntityKind, span: &std::ops::Range<usize>) -> Hit {
    Hit { layer: Layer::Entity(kind), index: u32::MAX, start: span.start, end: span.end }
}

fn status_rank(status: SystemStatus) -> u8 {
    match status {
        SystemStatus::Leaving => 3,
        SystemStatus::Evaluating => 2,
        SystemStatus::Current => 1,
        SystemStatus::Mentioned => 0,
    }
}

/// A system's status in one sentence, and whether something said so (a cue or a lead) or it is
/// only the guess for a plainly named system: one "we got a quote from Vanta" outweighs any
/// number of guesses that a bare "Vanta" is in use.
#[derive(Debug, Clone, Copy)]
struct Judged {
    status: SystemStatus,
    said: bool,
}

fn parse_status(value: Option<&str>) -> SystemStatus {
    match value {
        Some("current") => SystemStatus::Current,
        Some("evaluating") => SystemStatus::Evaluating,
        Some("leaving") => SystemStatus::Leaving,
        _ => SystemStatus::Mentioned,
    }
}

/// Where a sighting's name came from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Origin {
    /// A dictionary entry (rule index).
    Rule(u32),
    /// No pack lists it; its context says it is a product (see `products`).
    Inferred,
}

/// One sighting of an entity: where, what it said about it, how sure.
#[derive(Debug, Clone, Copy)]
struct Sighting<S> {
    origin: Origin,
    sentence: usize,
    attribute: S,
    confidence: f32,
}

/// Sightings per entity, in order of first sighting, keyed by canonical name (case folded for
/// inferred names): two entries naming the same thing (one gated by context, say) give one item.
struct Ledger<S> {
    order: Vec<String>,
    names: HashMap<String, String>,
    sightings: HashMap<String, Vec<Sighting<S>>>,
}

impl<S: Copy> Ledger<S> {
    fn new() -> Self {
        Ledger { order: Vec::new(), names: HashMap::new(), sightings: HashMap::new() }
    }

    fn add(&mut self, name: &str, sighting: Sighting<S>) {
        let key = name.to_lowercase();
        self.names.entry(key.clone()).or_insert_with(|| name.to_string());
        self.sightings
            .entry(key.clone())
            .or_insert_with(|| {
                self.order.push(key);
                Vec::new()
            })
            .push(sighting);
    }

    fn add_rule(&mut self, call: &Call, entity: u32, sighting: Sighting<S>) {
        self.add(&call.rules.entity(entity).name, sighting);
    }

    /// One item per entity, from the sighting `choose` picks, ordered by time. `detail` gets the
    /// entity's name and dictionary group ("unknown" when inferred).
    fn items<D>(
        self,
        call: &Call,
        category: Category,
        inferred_rule: &str,
        choose: impl Fn(&[Sighting<S>]) -> Sighting<S>,
        detail: impl Fn(&str, &str, S) -> D,
    ) -> Vec<Item<D>> {
        let mut items: Vec<Item<D>> = self
            .order
            .iter()
            .map(|key| {
                let chosen = choose(&self.sightings[key]);
                let sentence = call.sentence(chosen.sentence);
                let (name, group, rule) = match chosen.origin {
                    Origin::Rule(index) => {
                        let entity = call.rules.entity(index);
                        (entity.name.as_str(), entity.group.as_deref().unwrap_or("other"), entity.rule.as_str())
                    }
                    Origin::Inferred => (self.names[key].as_str(), "unknown", inferred_rule),
                };
                item(category, sentence, &sentence.text, rule, chosen.confidence, detail(name, group, chosen.attribute))
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

pub(crate) fn systems(call: &Call, participants: &[String]) -> Vec<Item<System>> {
    let mut ledger = Ledger::new();
    let not_products = inferred::NotProducts::of_call(call, participants);
    // The last system named on the prospect side, for "we're replacing it".
    let mut last_named: Option<(usize, u32)> = None;
    for sentence in 0..call.len() {
        let Some(weight) = evidence_weight(call, sentence) else {
            continue;
        };
        let mut mentions: Vec<Hit> = call.entities(sentence, EntityKind::System).copied().collect();
        let mut inferred = inferred::product_names(call, sentence, &not_products);
        // "Plunet with Wise", "Gather did a demo", "What's your POS?" "Toast.": a listed name that
        // is also an ordinary word counts without its entry's words where the sentence names
        // other listed products, a vendor's doing is around it, or it answers a question about
        // products, and the call says the entry's words somewhere.
        let other_products = !mentions.is_empty();
        let listed = mentions.len();
        mentions.extend(call.unmet_systems(sentence).iter().copied().filter(|name| {
            let span = name.start..name.end;
            let product_talk = other_products
                || inferred::lead_status(call, sentence, &span).is_some()
                || inferred::has_tail(call, sentence, &span)
                || inferred::asked_which_product(call, sentence, inferred::REPLY_SENTENCES).is_some();
            // The entry's own words elsewhere in the call say which product the word is.
            product_talk && call.requirement_met_in_call(call.entity(name))
        }));
        let taken_unmet: Vec<Hit> = mentions[listed..].to_vec();
        if !taken_unmet.is_empty() {
            inferred
                .retain(|name| !taken_unmet.iter().any(|hit| hit.start < name.span.end && name.span.start < hit.end));
            mentions.sort_by_key(|mention| mention.start);
        }
        let known = mentions.len();
        // Inferred names take part in lists and "from X to Y" like dictionary ones.
        mentions.extend(inferred.iter().map(|name| synthetic_hit(EntityKind::System, &name.span)));
        let cues: Vec<Hit> = call.cues(sentence, CueKind::SystemStatus).copied().collect();
        for (at, mention) in mentions.iter().enumerate() {
            let mut cues = cues.clone();
            cues.extend(call.adjacent_cues(sentence, mention, CueKind::SystemStatus));
            let cued = status_from_cues(call, sentence, mention, &mentions, &cues);
            match at.checked_sub(known) {
                None => {
                    // A lead right before the name ("a quote from Vanta") says more than a cue
                    // that only says data flows through it ("from"), unless it too says "in use"
                    // or it is another system's ("migrating from NetSuite to Workday").
                    let lead = inferred::lead_status(call, sentence, &(mention.start..mention.end))
                        .filter(|(_, end)| {
                            !mentions.iter().any(|other| other.start >= *end && other.end <= mention.start)
                        })
                        .map(|(lead, _)| parse_status(Some(&lead)));
                    let tail = || {
                        inferred::tail_status(call, sentence, &(mention.start..mention.end))
                            .map(|status| parse_status(Some(&status)))
                    };
                    // With nothing around the name, the question it answers says how it is
                    // used ("Looked at anything else?" "MaintainX. Free version.").
                    let asked = || {
                        inferred::asked_which_product(call, sentence, inferred::REPLY_SENTENCES_FOR_LISTED)
                            .map(|status| parse_status(Some(&status)))
                    };
                    let said = match (lead, cued) {
                        (Some(lead), _) if lead != SystemStatus::Current => Some(lead),
                        // Taken on what a vendor did ("Weave told me"), as a name no pack lists is.
                        (None, _) if taken_unmet.contains(mention) => tail().or(cued).or_else(asked),
                        (lead, cued) => cued.or(lead).or_else(tail).or_else(asked),
                    };
                    let status = match said {
                        Some(status) => Judged { status, said: true },
                        None => Judged { status: uncued_status(call, sentence), said: false },
                    };
                    let status = evaluated_back_then(call, sentence, status);
                    let confidence = call.entity(mention).confidence * weight;
                    let sighting =
                        Sighting { origin: Origin::Rule(mention.index), sentence, attribute: status, confidence };
                    ledger.add_rule(call, mention.index, sighting);
                }
                Some(which) => {
                    let name = &inferred[which];
                    // The lead that made it a product ("looking at X") says more than a cue further off.
                    let status = match (name.status.as_deref(), cued) {
                        (Some("current"), Some(cued)) => Judged { status: cued, said: true },
                        (Some(lead), _) => Judged { status: parse_status(Some(lead)), said: true },
                        (None, Some(cued)) => Judged { status: cued, said: true },
                        (None, None) => Judged { status: uncued_status(call, sentence), said: false },
                    };
                    let status = evaluated_back_then(call, sentence, status);
                    let confidence = name.confidence * weight;
                    ledger.add(
                        &name.name,
                        Sighting { origin: Origin::Inferred, sentence, attribute: status, confidence },
                    );
                }
            }
        }
        mentions.truncate(known);
        for (cue, target) in pronoun_cues(call, sentence, &mentions, &cues, last_named) {
            let confidence = call.rules.entity(target).confidence * weight * call.cue(&cue).confidence;
            let attribute = Judged { status: parse_status(call.cue(&cue).value.as_deref()), said: true };
            ledger.add_rule(call, target, Sighting { origin: Origin::Rule(target), sentence, attribute, confidence });
        }
        if let Some(last) = mentions.last() {
            last_named = Some((sentence, last.index));
        }
    }
    ledger.items(
        call,
        Category::System,
        INFERRED_SYSTEM_RULE,
        |sightings| {
            // What was said beats a guess; then leaving beats evaluating beats current beats a
            // bare mention; the first such.
            let said = sightings.iter().any(|s| s.attribute.said);
            let best =
                sightings.iter().filter(|s| s.attribute.said == said).map(|s| status_rank(s.attribute.status)).max();
            preferred(call, sightings, |s| s.attribute.said == said && Some(status_rank(s.attribute.status)) == best)
        },
        |name, group, judged| System { name: name.to_string(), kind: group.to_string(), status: judged.status },
    )
}

/// The status cues give a system. "From X to Y" / "replace X with Y": Y is where they are going.
/// Otherwise the most confident cue before it in reach (then the nearest), else the first cue
/// after it; None when no cue reaches it.
fn status_from_cues(
    call: &Call,
    sentence: usize,
    mention: &Hit,
    mentions: &[Hit],
    cues: &[Hit],
) -> Option<SystemStatus> {
    if let Some(status) = destination_status(call, sentence, mention, mentions, cues) {
        return Some(status);
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
        return Some(parse_status(call.cue(cue).value.as_deref()));
    }
    let after = cues
        .iter()
        .filter(|cue| cue.start >= mention.end)
        .filter(|cue| !mentions.iter().any(|other| other.start >= mention.end && other.end <= cue.start))
        .filter(reaches)
        .min_by_key(|cue| cue.start);
    after.map(|cue| parse_status(call.cue(cue).value.as_deref()))
}

/// An evaluation told in the past ("we had a demo with Akeneo last year") ended without a
/// purchase: the product is only mentioned now ([[past]] in inferred_systems.toml).
/// In the same way, "in use" said in a sentence about vendors or other people's systems ("my
/// nephew's agency uses EZLynx", "we had Waystar in for a demo") is not the prospect's own use.
fn evaluated_back_then(call: &Call, sentence: usize, judged: Judged) -> Judged {
    let ended = match judged.status {
        SystemStatus::Evaluating => call.has_cue(sentence, CueKind::ProductPast),
        SystemStatus::Current => call.has_cue(sentence, CueKind::ProductAlternative),
        SystemStatus::Leaving | SystemStatus::Mentioned => false,
    };
    if ended {
        Judged { status: SystemStatus::Mentioned, ..judged }
    } else {
        judged
    }
}

/// A system no status cue reaches: the prospect's own systems are named plainly ("Zendesk,
/// Recharge, Klaviyo...", "infra is Terraform"), so it is in use, unless the sentence talks about
/// vendors and alternatives ([[alternative]] in inferred_systems.toml: "a demo", "heard of").
/// The SDR's own words count only when the prospect confirmed them ("So you're on Yardi?" "Yes.").
fn uncued_status(call: &Call, sentence: usize) -> SystemStatus {
    if call.has_cue(sentence, CueKind::ProductAlternative) || !call.speaks_for_prospect(sentence) {
        SystemStatus::Mentioned
    } else {
        SystemStatus::Current
    }
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

/// Vendors the prospect evaluated, compared or talked to: the team's competitor list (surest),
/// and every system, listed or inferred, the prospect is evaluating or names without using it
/// ("somebody mentioned Cityworks", "I know IDeaS exists"): a product a prospect brings up but
/// does not run is an alternative to the one being sold.
pub(crate) fn competitors(call: &Call, systems: &[Item<System>]) -> Vec<Item<Competitor>> {
    let mut ledger = Ledger::new();
    for sentence in 0..call.len() {
        let weight = evidence_weight(call, sentence).unwrap_or(SDR_MENTION_FACTOR);
        for mention in call.entities(sentence, EntityKind::Competitor) {
            let confidence = call.entity(mention).confidence * weight;
            ledger.add_rule(
                call,
                mention.index,
                Sighting { origin: Origin::Rule(mention.index), sentence, attribute: (), confidence },
            );
        }
    }
    let mut items = ledger.items(
        call,
        Category::Competitor,
        // Competitors and regulations come from lists only.
        "",
        // The prospect's own words first; an SDR mention only when nothing else.
        |sightings| *sightings.iter().find(|s| call.is_prospect_side(s.sentence)).unwrap_or(&sightings[0]),
        |name, _, ()| Competitor { name: name.to_string() },
    );
    let listed: Vec<String> = items.iter().map(|item| item.detail.name.to_lowercase()).collect();
    let alternative = |system: &Item<System>| {
        matches!(system.detail.status, SystemStatus::Evaluating | SystemStatus::Mentioned)
            && !WORKAROUND_KINDS.contains(&system.detail.kind.as_str())
    };
    for system in systems.iter().filter(|system| alternative(system)) {
        if listed.contains(&system.detail.name.to_lowercase()) {
            continue;
        }
        items.push(Item {
            id: crate::item::item_id(Category::Competitor, system.start_ms, &system.quote),
            category: Category::Competitor,
            quote: system.quote.clone(),
            speaker: system.speaker,
            start_ms: system.start_ms,
            end_ms: system.end_ms,
            rule: EVALUATED_COMPETITOR_RULE.to_string(),
            confidence: system.confidence * EVALUATED_FACTOR,
            detail: Competitor { name: system.detail.name.clone() },
        });
    }
    items.sort_by_key(|item| item.start_ms);
    items
}

/// "And OSHA, anything there?" "Lockout tagout. Got cited once, 2019.": an SDR question about
/// one regulation that the prospect takes up without a yes or a no, naming no regulation of
/// their own, says it applies.
fn answered_with_substance(call: &Call, question: usize) -> bool {
    if !call.sentence(question).is_question() || call.entities(question, EntityKind::Regulation).count() != 1 {
        return false;
    }
    let Some(reply) = call.next_turn_by(question, Speaker::Prospect).filter(|&reply| call.is_prospect_side(reply))
    else {
        return false;
    };
    call.entities(reply, EntityKind::Regulation).next().is_none() && !call.opens_unsure(reply)
}

pub(crate) fn regulations(call: &Call) -> Vec<Item<Regulation>> {
    let mut ledger = Ledger::new();
    for sentence in 0..call.len() {
        let answer = call.answer(sentence);
        let weight = match (call.is_prospect_side(sentence), answer) {
            (true, _) => 1.0,
            (false, Some(_)) => CONFIRMED_BY_ANSWER_FACTOR,
            (false, None) if answered_with_substance(call, sentence) => TOPIC_ANSWERED_FACTOR,
            (false, None) => continue,
        };
        let mut mentions: Vec<Hit> = call.entities(sentence, EntityKind::Regulation).copied().collect();
        let known = mentions.len();
        let inferred = inferred::regulation_names(call, sentence);
        mentions.extend(inferred.iter().map(|name| synthetic_hit(EntityKind::Regulation, &name.span)));
        for (at, mention) in mentions.iter().enumerate() {
            let adjacent = call.adjacent_cues(sentence, mention, CueKind::RegulationNegation);
            let negated = call
                .cues(sentence, CueKind::RegulationNegation)
                .chain(&adjacent)
                .any(|cue| cue_reaches(call, sentence, cue, mention, &mentions, call.cue(cue).window));
            // An SDR question answered "no" ("Any HIPAA requirements?" "No.") negates too.
            let applies = !negated && answer != Some(Answer::No);
            match at.checked_sub(known) {
                None => {
                    let confidence = call.entity(mention).confidence * weight;
                    let sighting =
                        Sighting { origin: Origin::Rule(mention.index), sentence, attribute: applies, confidence };
                    ledger.add_rule(call, mention.index, sighting);
                }
                Some(which) => {
                    let name = &inferred[which];
                    let sighting = Sighting {
                        origin: Origin::Inferred,
                        sentence,
                        attribute: applies,
                        confidence: name.confidence * weight,
                    };
                    ledger.add(&name.name, sighting);
                }
            }
        }
    }
    ledger.items(
        call,
        Category::Regulation,
        INFERRED_REGULATION_RULE,
        // Said not to apply anywhere: it does not apply; the sentence that says so is the quote.
        |sightings| {
            let denied = sightings.iter().any(|s| !s.attribute);
            preferred(call, sightings, |s| s.attribute != denied)
        },
        |name, _, applies| Regulation { name: name.to_string(), applies },
    )
}
