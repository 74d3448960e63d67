//! Budget: an amount said as a budget ("about forty thousand dollars a year", "$50k", "one point
//! two million"), who owns it and its cycle. No amount and no budget talk: no item.

use crate::call::Call;
use crate::item::{item, CONFIRMED_BY_ANSWER_FACTOR};
use crate::lexicon::Hit;
use crate::model::{Budget, Category, Item};
use crate::numbers::{quantities, Quantity};
use crate::people;
use crate::rules::schema::CueKind;
use handoff_transcript::Speaker;
use std::collections::HashSet;

/// Things counted in thousands and millions that are not money ("1.2 million records").
const COUNTED_THINGS: &[&str] = &[
    "users",
    "seats",
    "licenses",
    "records",
    "rows",
    "customers",
    "patients",
    "employees",
    "people",
    "reps",
    "claims",
    "tickets",
    "calls",
    "emails",
    "leads",
    "contacts",
    "accounts",
    "transactions",
    "orders",
    "visits",
    "appointments",
    "members",
    "lives",
    "downloads",
    "hours",
    "minutes",
    "days",
    "lines",
    "messages",
    "documents",
    "files",
    "pages",
    "units",
    "devices",
    "locations",
    "stores",
    "sites",
    "requests",
    "events",
    "views",
    "impressions",
    "followers",
    "subscribers",
    "students",
    "beds",
    "miles",
    "deals",
    "invoices",
    "items",
    "products",
];
/// How many sentences into the reply to an SDR budget question an amount is still the answer.
const ANSWER_SENTENCES: usize = 2;
/// Qualifiers kept in the phrase: "about forty thousand dollars".
const QUALIFIERS: &[&str] = &[
    "about",
    "around",
    "roughly",
    "approximately",
    "maybe",
    "like",
    "up",
    "under",
    "over",
    "almost",
    "nearly",
    "somewhere",
    "between",
    "upwards",
    "just",
];
/// A budget mentioned again within this many sentences adds its owner or cycle to the last one.
const FOLLOW_UP_SENTENCES: usize = 3;

pub(crate) fn budget(call: &Call) -> Vec<Item<Budget>> {
    let mut items: Vec<(usize, Item<Budget>)> = Vec::new();
    let mut amounts_seen: HashSet<u64> = HashSet::new();
    for sentence in 0..call.len() {
        if !call.speaks_for_prospect(sentence) {
            continue;
        }
        let Some((context_sentence, context)) = budget_context(call, sentence) else {
            continue;
        };
        let text = call.text(sentence);
        let negations: Vec<&Hit> = call.cues(sentence, CueKind::BudgetNegation).collect();
        let amount = may_hold_an_amount(text)
            .then(|| quantities(text))
            .into_iter()
            .flatten()
            .filter(|q| is_money(text, q))
            .find(|q| !negations.iter().any(|n| call.same_clause(sentence, n.start, q.start)));
        let owner =
            owner(call, sentence).or_else(|| call.next_on_same_side(sentence).and_then(|next| owner(call, next)));
        let cycle_hit = call.cues(sentence, CueKind::BudgetCycle).min_by_key(|hit| {
            amount.map_or(hit.start, |amount| distance(hit.start..hit.end, amount.start..amount.end))
        });
        let cycle = cycle_hit.and_then(|hit| call.cue(hit).value.clone());
        let says_budget =
            context_sentence == sentence && call.matched(sentence, &context).to_ascii_lowercase().contains("budget");

        let detail = match amount {
            Some(amount) => Budget {
                phrase: phrase(text, &amount, cycle_hit),
                amount_usd: Some(amount.value),
                amount_usd_max: amount.max,
                owner,
                cycle,
            },
            None if says_budget && negations.is_empty() && (owner.is_some() || cycle.is_some()) => {
                // "The budget sits with Sarah": complete the amount said just before, if any.
                if let Some((at, previous)) = items.last_mut() {
                    if sentence - *at <= FOLLOW_UP_SENTENCES {
                        previous.detail.owner = previous.detail.owner.take().or(owner);
                        previous.detail.cycle = previous.detail.cycle.take().or(cycle);
                        continue;
                    }
                }
                Budget {
                    phrase: call.matched(sentence, &context).to_string(),
                    amount_usd: None,
                    amount_usd_max: None,
                    owner,
                    cycle,
                }
            }
            None => continue,
        };
        if detail.amount_usd.is_some_and(|amount| !amounts_seen.insert(amount.to_bits())) {
            continue;
        }
        let rule = call.cue(&context);
        let confidence = if call.is_prospect_side(sentence) {
            rule.confidence
        } else {
            rule.confidence * CONFIRMED_BY_ANSWER_FACTOR
        };
        items.push((sentence, item(Category::Budget, call.sentence(sentence), text, &rule.rule, confidence, detail)));
    }
    items.into_iter().map(|(_, item)| item).collect()
}

/// The budget cue that makes this sentence budget talk: its own, or the SDR's question it
/// answers ("What is your budget?" "About fifty k."). Returns the sentence holding the cue.
fn budget_context(call: &Call, sentence: usize) -> Option<(usize, Hit)> {
    if let Some(cue) = call.cues(sentence, CueKind::BudgetContext).next() {
        return Some((sentence, *cue));
    }
    // The nearest question just before, asked by the SDR (or by someone the recording could not
    // place: on a mixed channel everything is UNKNOWN).
    let question =
        (sentence.saturating_sub(ANSWER_SENTENCES)..sentence).rev().find(|&i| call.sentence(i).is_question())?;
    let asked_by_sdr = call.sentence(question).speaker != Speaker::Prospect;
    let cue = call.cues(question, CueKind::BudgetContext).next()?;
    asked_by_sdr.then_some((question, *cue))
}

fn distance(a: std::ops::Range<usize>, b: std::ops::Range<usize>) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// Budgets are said with digits or with a scale word ("forty thousand", "fifty k"): a cheap
/// look before parsing numbers.
fn may_hold_an_amount(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        || text.split(|c: char| !c.is_ascii_alphabetic()).any(|word| {
            ["k", "grand", "hundred", "thousand", "million", "billion"]
                .iter()
                .any(|scale| word.eq_ignore_ascii_case(scale))
        })
}

/// Money for sure with a currency marker; a scaled number ("1.2 million") unless one of the
/// next two words says what it counts ("1.2 million patient records").
fn is_money(text: &str, quantity: &Quantity) -> bool {
    let counts_something = text[quantity.end..]
        .split_whitespace()
        .take(2)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase())
        .any(|w| COUNTED_THINGS.contains(&w.as_str()));
    quantity.money || (quantity.scaled && !counts_something)
}

/// The amount as said, with a qualifier just before it and a cycle right after it: "about forty
/// thousand dollars a year".
fn phrase(text: &str, quantity: &Quantity, cycle: Option<&Hit>) -> String {
    let before = &text[..quantity.start];
    let mut start = quantity.start;
    for word in before.split_whitespace().rev().take(2) {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase();
        if QUALIFIERS.contains(&bare.as_str()) || bare == "to" && before.trim_end().ends_with("up to") {
            start = before.rfind(word).unwrap_or(start);
        } else {
            break;
        }
    }
    let end = cycle
        .filter(|cycle| cycle.start >= quantity.end && text[quantity.end..cycle.start].trim().is_empty())
        .map_or(quantity.end, |cycle| cycle.end);
    text[start..end].to_string()
}

/// The person or role nearest an owner cue ("owned by Sarah", "our CFO signs off").
fn owner(call: &Call, sentence: usize) -> Option<String> {
    let cue = call.cues(sentence, CueKind::BudgetOwner).next()?;
    people::mentions(call, sentence, &[])
        .into_iter()
        .min_by_key(
            |m| {
                if m.span.start >= cue.end {
                    m.span.start - cue.end
                } else {
                    cue.start.saturating_sub(m.span.end)
                }
            },
        )
        .and_then(|m| m.name.or(m.role))
        .map(str::to_string)
}
