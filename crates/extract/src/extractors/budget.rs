//! Budget: an amount said as a budget ("about forty thousand dollars a year", "$50k", "one point
//! two million"), who owns it and its cycle. No amount and no budget talk: no item.

use crate::call::Call;
use crate::item::{item, CONFIRMED_BY_ANSWER_FACTOR};
use crate::kinds::CueKind;
use crate::lexicon::Hit;
use crate::numbers::{quantities, Quantity};
use crate::people;
use handoff_findings::{Budget, Category, Item};
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
const ANSWER_SENTENCES: usize = 3;
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
/// Words right before a bare number that make it a limit on spend: "anything above fifty".
const THRESHOLDS: &[&str] = &["over", "above", "under", "below", "than", "max", "maximum", "beyond"];
/// Words right after a bare number that make it an amount: "the twenty to thirty-five range".
const AMOUNT_TAILS: &[&str] = &["range", "all", "total", "tops", "max", "ish"];
/// A bare "fifty" said within this many sentences of an amount in thousands means fifty thousand.
const SCALE_MEMORY_SENTENCES: usize = 40;
/// Cycle words that say what is included rather than how often: another cycle in the clause wins.
const WEAK_TOTALS: &[&str] = &["all in", "all-in", "overall"];
/// Pronouns that point back to the last person named: "anything over fifty grand goes to him".
const PRONOUNS: &[&str] = &["he", "him", "she", "her", "his"];

pub(crate) fn budget(call: &Call) -> Vec<Item<Budget>> {
    let mut items: Vec<(usize, Item<Budget>)> = Vec::new();
    let mut amounts_seen: HashSet<u64> = HashSet::new();
    // Where an amount in thousands was last said on the prospect's side.
    let mut thousands_at: Option<usize> = None;
    let mut said_no_budget = false;
    for sentence in 0..call.len() {
        if !call.speaks_for_prospect(sentence) {
            continue;
        }
        let text = call.text(sentence);
        let context = budget_context(call, sentence).or_else(|| continued_context(call, sentence, &items));
        let Some((context_sentence, context)) = context else {
            // Remember that money is talked about in thousands ("we pay forty grand for it"),
            // looking only where a thousands word is.
            if says_thousands(text) && quantities(text).iter().any(|q| is_money(text, q) && q.value >= 1e3) {
                thousands_at = Some(sentence);
            }
            continue;
        };
        let found = if may_hold_an_amount(text) { quantities(text) } else { Vec::new() };
        let negations: Vec<&Hit> = call.cues(sentence, CueKind::BudgetNegation).collect();
        let in_thousands = thousands_at.is_some_and(|at| sentence - at <= SCALE_MEMORY_SENTENCES)
            || found.iter().any(|q| is_money(text, q) && q.value >= 1e3);
        let amounts: Vec<Quantity> = found
            .iter()
            .filter_map(|q| amount(call, sentence, q, in_thousands))
            .filter(|q| !negations.iter().any(|n| call.same_clause(sentence, n.start, q.start)))
            .collect();
        if amounts.iter().any(|q| q.value >= 1e3) {
            thousands_at = Some(sentence);
        }
        let rule = call.cue(&context);
        let confidence = if call.is_prospect_side(sentence) {
            rule.confidence
        } else {
            rule.confidence * CONFIRMED_BY_ANSWER_FACTOR
        };
        let sentence_owner =
            owner(call, sentence).or_else(|| call.next_on_same_side(sentence).and_then(|next| owner(call, next)));

        if amounts.is_empty() {
            let owner = sentence_owner;
            let cycle = call.cues(sentence, CueKind::BudgetCycle).next().and_then(|hit| call.cue(hit).value.clone());
            let says_budget = context_sentence == sentence
                && call.matched(sentence, &context).to_ascii_lowercase().contains("budget");
            // "There's no budget for this": worth telling the AE once.
            if let Some(no) = negations.iter().find(|n| says_no_money(call.matched(sentence, n))) {
                if !said_no_budget {
                    said_no_budget = true;
                    let phrase = clause_text(call, sentence, no);
                    let detail = Budget { phrase, amount_usd: None, amount_usd_max: None, owner, cycle };
                    let rule = call.cue(no);
                    items.push((
                        sentence,
                        item(Category::Budget, call.sentence(sentence), text, &rule.rule, rule.confidence, detail),
                    ));
                }
                continue;
            }
            if !(says_budget && negations.is_empty() && owner.is_some()) {
                continue;
            }
            // "The budget sits with Sarah": complete the amount said just before, if any.
            if let Some((at, previous)) = items.last_mut() {
                if sentence - *at <= FOLLOW_UP_SENTENCES {
                    previous.detail.owner = previous.detail.owner.take().or(owner);
                    previous.detail.cycle = previous.detail.cycle.take().or(cycle);
                    continue;
                }
            }
            let detail = Budget {
                phrase: call.matched(sentence, &context).to_string(),
                amount_usd: None,
                amount_usd_max: None,
                owner,
                cycle,
            };
            items.push((
                sentence,
                item(Category::Budget, call.sentence(sentence), text, &rule.rule, confidence, detail),
            ));
            continue;
        }
        for amount in amounts {
            if !amounts_seen.insert(amount.value.to_bits()) {
                continue;
            }
            let clause = call.clause(sentence, amount.start);
            let cycle_hit = call
                .cues(sentence, CueKind::BudgetCycle)
                .filter(|hit| hit.start >= clause.start && hit.end <= clause.end)
                .min_by_key(|hit| distance(hit.start..hit.end, amount.start..amount.end));
            let cycle = cycle_hit.and_then(|hit| call.cue(hit).value.clone());
            // "forty to sixty all in, first year": "all in" says what is included; a year said
            // with it gives the cycle.
            let cycle = match cycle_hit {
                Some(hit) if WEAK_TOTALS.contains(&call.matched(sentence, hit).to_ascii_lowercase().as_str()) => call
                    .cues(sentence, CueKind::BudgetCycle)
                    .filter(|other| other.start >= clause.start && other.end <= clause.end && other != &hit)
                    .find_map(|other| call.cue(other).value.clone())
                    .or(cycle),
                _ => cycle,
            };
            // "Fifteen to twenty-five grand. That's total, for the setup.": said right after.
            let cycle = cycle.or_else(|| {
                let next = call.next_on_same_side(sentence)?;
                let same_turn = call.sentence(next).turn == call.sentence(sentence).turn;
                let no_amount = !quantities(call.text(next)).iter().any(|q| is_money(call.text(next), q));
                let hit = call.cues(next, CueKind::BudgetCycle).next()?;
                (same_turn && no_amount).then(|| call.cue(hit).value.clone()).flatten()
            });
            let owner = sentence_owner
                .clone()
                .or_else(|| named_near(call, sentence, &amount))
                .or_else(|| named_before(call, sentence));
            let detail = Budget {
                phrase: phrase(text, &amount, cycle_hit),
                amount_usd: Some(amount.value),
                amount_usd_max: amount.max,
                owner,
                cycle,
            };
            items.push((
                sentence,
                item(Category::Budget, call.sentence(sentence), text, &rule.rule, confidence, detail),
            ));
        }
    }
    items.into_iter().map(|(_, item)| item).collect()
}

/// The sentence after one that gave an amount, in the same turn, goes on about it: "He floated
/// four to five hundred a month. So, call it thirty grand a year."
fn continued_context(call: &Call, sentence: usize, items: &[(usize, Item<Budget>)]) -> Option<(usize, Hit)> {
    let (at, last) = items.last()?;
    let previous = sentence.checked_sub(1)?;
    if *at != previous
        || last.detail.amount_usd.is_none()
        || call.sentence(previous).turn != call.sentence(sentence).turn
    {
        return None;
    }
    let cue = call
        .cues(previous, CueKind::BudgetContext)
        .next()
        .copied()
        .or_else(|| budget_context(call, previous).map(|c| c.1))?;
    Some((previous, cue))
}

/// A negation that is about money ("no budget", "zero budget", "no funding", "no line for it"), not "we can't
/// afford another outage".
fn says_no_money(matched: &str) -> bool {
    let lower = matched.to_ascii_lowercase();
    ["budget", "money", "fund", "line"].iter().any(|word| lower.contains(word))
}

/// The clause around a cue, trimmed: "There's no budget".
fn clause_text(call: &Call, sentence: usize, cue: &Hit) -> String {
    let text = call.text(sentence);
    let clause = call.clause(sentence, cue.start);
    text[clause].trim().trim_matches([',', '.', ';', ':', '?', '!']).trim().to_string()
}

/// The quantity as a budget amount, if it is one: money for sure (currency, "k", "grand", a
/// scale not counting things), or a number said with a cycle ("five hundred a month"), a limit
/// ("anything above fifty") or a range word ("the twenty to thirty-five range"). A bare number
/// under a hundred in a call that talks in thousands is in thousands.
fn amount(call: &Call, sentence: usize, quantity: &Quantity, in_thousands: bool) -> Option<Quantity> {
    let text = call.text(sentence);
    if counts_something(text, quantity) || quantity.value <= 0.0 {
        return None;
    }
    if is_money(text, quantity) {
        return Some(*quantity);
    }
    let word_before = text[..quantity.start]
        .split_whitespace()
        .next_back()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase())
        .unwrap_or_default();
    let after = &text[quantity.end..];
    let word_after = after
        .split_whitespace()
        .next()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase())
        .unwrap_or_default();
    let cycle_after = call.cues(sentence, CueKind::BudgetCycle).any(|hit| {
        hit.start >= quantity.end && {
            let gap = &text[quantity.end..hit.start];
            !gap.contains(['.', ',', ';', '?', '!']) && gap.split_whitespace().count() <= 3
        }
    });
    let limit = THRESHOLDS.contains(&word_before.as_str()) && !word_before.is_empty();
    let tail = AMOUNT_TAILS.contains(&word_after.as_str());
    if !(cycle_after || limit || tail) {
        return None;
    }
    // Hundreds said as such ("five hundred a month", "forty-eight hundred a year") are dollars.
    if quantity.value >= 100.0 {
        return cycle_after.then_some(*quantity);
    }
    // A price per unit is said in dollars: "forty per user", "fifteen, twenty a truck a month".
    if priced_per_unit(after) && quantity.value >= 1.0 {
        return Some(Quantity { money: true, ..*quantity });
    }
    // Small whole numbers are counts or dates unless the call talks money in thousands.
    if !in_thousands || quantity.value < 2.0 || quantity.value.fract() != 0.0 && quantity.value < 10.0 {
        return None;
    }
    Some(Quantity { value: quantity.value * 1e3, max: quantity.max.map(|max| max * 1e3), money: true, ..*quantity })
}

/// The budget cue that makes this sentence budget talk: its own, or the SDR's question it
/// answers ("What is your budget?" "About fifty k."). Returns the sentence holding the cue.
fn budget_context(call: &Call, sentence: usize) -> Option<(usize, Hit)> {
    if let Some(cue) = call.cues(sentence, CueKind::BudgetContext).next() {
        return Some((sentence, *cue));
    }
    // "Two grand monthly. Tops.": a one-word afterthought in the same turn.
    if let Some(next) = call.next_on_same_side(sentence) {
        let short = call.text(next).split_whitespace().count() <= 2;
        if short && call.sentence(next).turn == call.sentence(sentence).turn {
            if let Some(cue) = call.cues(next, CueKind::BudgetContext).next() {
                return Some((next, *cue));
            }
        }
    }
    // The nearest question just before, asked by the SDR (or by someone the recording could not
    // place: on a mixed channel everything is UNKNOWN).
    let nearest = (sentence.saturating_sub(ANSWER_SENTENCES)..sentence).rev().find(|&i| call.sentence(i).is_question());
    if let Some(question) = nearest.filter(|&i| call.sentence(i).speaker != Speaker::Prospect) {
        if let Some(cue) = call.cues(question, CueKind::BudgetContext).next() {
            return Some((question, *cue));
        }
    }
    // "Honestly? Seven hundred a month.": among the first sentences of the reply, whatever they
    // ask back, to the SDR's question at the end of the turn before, even one cut off ("And
    // budget, do you have a, um—").
    let turn = call.sentence(sentence).turn;
    let reply_start = sentence - (0..sentence).rev().take_while(|&i| call.sentence(i).turn == turn).count();
    if sentence - reply_start >= ANSWER_SENTENCES {
        return None;
    }
    let asked = reply_start.checked_sub(1)?;
    let asking_turn = call.sentence(asked).turn;
    (asked.saturating_sub(1)..=asked)
        .rev()
        .filter(|&i| call.sentence(i).turn == asking_turn && call.sentence(i).speaker != Speaker::Prospect)
        .filter(|&i| call.sentence(i).is_question() || call.text(i).trim_end().ends_with(['\u{2014}', '-']))
        .find_map(|i| call.cues(i, CueKind::BudgetContext).next().map(|cue| (i, *cue)))
}

fn distance(a: std::ops::Range<usize>, b: std::ops::Range<usize>) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// Budgets are said with digits, a scale word ("forty thousand", "fifty k") or a round number
/// ("anything above fifty"): a cheap look before parsing numbers.
fn may_hold_an_amount(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        || text.split(|c: char| !c.is_ascii_alphabetic()).any(|word| {
            [
                "k", "grand", "hundred", "thousand", "million", "billion", "dollar", "dollars", "bucks", "twenty",
                "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "ten", "fifteen",
            ]
            .iter()
            .any(|scale| word.eq_ignore_ascii_case(scale))
        })
}

/// A cheap look for an amount in thousands: "thousand", "grand", "k", "$40k", "50,000".
fn says_thousands(text: &str) -> bool {
    text.contains(",000")
        || text.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| {
            let lower = word.trim_start_matches(|c: char| c.is_ascii_digit());
            ["thousand", "grand", "k", "million"].iter().any(|scale| lower.eq_ignore_ascii_case(scale))
        })
}

/// Money for sure with a currency marker; a scaled number ("1.2 million") unless one of the
/// next two words says what it counts ("1.2 million patient records").
fn is_money(text: &str, quantity: &Quantity) -> bool {
    quantity.money || (quantity.scaled && !counts_something(text, quantity))
}

/// One of the next two words says what the number counts: "1.2 million patient records"; not a
/// rate ("two bucks per clinician").
fn counts_something(text: &str, quantity: &Quantity) -> bool {
    let next: Vec<String> = text[quantity.end..]
        .split_whitespace()
        .take(2)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase())
        .collect();
    !next.first().is_some_and(|w| RATE_WORDS.contains(&w.as_str()))
        && next.iter().any(|w| COUNTED_THINGS.contains(&w.as_str()))
}

/// Words that make the next noun a rate's unit: "per user", "a site", "each school".
const RATE_WORDS: &[&str] = &["per", "a", "an", "each", "every"];
/// Periods after a rate word, which make a cycle, not a unit: "a month".
const PERIODS: &[&str] = &["month", "year", "week", "quarter", "day", "annum"];

/// A price per unit right after the number: "forty per user", "three hundred a site", "fifteen a
/// truck a month".
fn priced_per_unit(after: &str) -> bool {
    let mut words =
        after.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase());
    let (rate, unit) = (words.next().unwrap_or_default(), words.next().unwrap_or_default());
    RATE_WORDS.contains(&rate.as_str()) && !unit.is_empty() && !PERIODS.contains(&unit.as_str())
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

/// The person or role nearest an owner cue ("owned by Sarah", "our CFO signs off"), else what
/// the cue points at ("has to go to the Finance Committee", "needs ownership approval"), else
/// the person last named when the cue points at "him" or "her".
fn owner(call: &Call, sentence: usize) -> Option<String> {
    let cue = call.cues(sentence, CueKind::BudgetOwner).next()?;
    let text = call.text(sentence);
    // "has to go to the Board of Commissioners", "approval from our parent company": the body
    // named right after the cue.
    let cue_text = call.matched(sentence, cue).to_ascii_lowercase();
    if ["to", "of", "from", "by"].iter().any(|end| cue_text.ends_with(&format!(" {end}"))) {
        if let Some(body) = body_after(&text[cue.end..]) {
            return Some(body);
        }
    }
    if let Some(body) = body_before_approval(&text[..cue.end]) {
        return Some(body);
    }
    let nearest = people::mentions(call, sentence, &[]).into_iter().min_by_key(|m| {
        if m.span.start >= cue.end {
            m.span.start - cue.end
        } else {
            cue.start.saturating_sub(m.span.end)
        }
    });
    if let Some(person) = nearest.as_ref().and_then(person_label) {
        return Some(person);
    }
    named_before(call, sentence)
}

/// The person last named when the sentence points back at "him" or "her": "Dennis runs the
/// numbers. He's said thirty to fifty a year."
fn named_before(call: &Call, sentence: usize) -> Option<String> {
    let text = call.text(sentence);
    let points_back =
        text.split(|c: char| !c.is_alphanumeric()).any(|w| PRONOUNS.iter().any(|p| w.eq_ignore_ascii_case(p)));
    if !points_back {
        return None;
    }
    let turn = call.sentence(sentence).turn;
    (sentence.saturating_sub(4)..sentence)
        .rev()
        .filter(|&i| call.is_prospect_side(i) && call.sentence(i).turn + 1 >= turn)
        .find_map(|i| {
            people::mentions(call, i, &[]).into_iter().rev().find(|m| m.name.is_some()).and_then(|m| person_label(&m))
        })
}

/// "Martin (CFO)", "Sarah", "CFO".
fn person_label(mention: &people::PersonMention) -> Option<String> {
    match (mention.name, mention.role) {
        (Some(name), Some(role)) => Some(format!("{name} ({role})")),
        (Some(name), None) => Some(name.to_string()),
        (None, Some(role)) => Some(role.to_string()),
        (None, None) => None,
    }
}

/// Words that end the name of an approving body: "the board, which...", "City Council for
/// approval".
const BODY_STOPS: &[&str] = &[
    "for", "in", "and", "or", "but", "so", "which", "who", "to", "if", "because", "before", "after", "with", "on",
    "at", "first", "anyway", "too", "as", "when", "then", "that", "than",
];

/// The body right after an owner cue: "go to the board", "in front of the Board of
/// Commissioners", "approval from our parent company in Frankfurt" -> "our parent company".
fn body_after(after: &str) -> Option<String> {
    let mut words = Vec::new();
    for raw in after.split_whitespace().take(6) {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        let lower = word.to_ascii_lowercase();
        if word.is_empty() || BODY_STOPS.contains(&lower.as_str()) {
            break;
        }
        words.push(word);
        if raw.ends_with([',', '.', ';', '?', '!']) {
            break;
        }
    }
    while words
        .first()
        .is_some_and(|w| matches!(w.to_ascii_lowercase().as_str(), "the" | "our" | "their" | "a" | "an" | "final"))
    {
        words.remove(0);
    }
    let last = words.last()?.to_ascii_lowercase();
    if PRONOUNS.contains(&last.as_str())
        || matches!(last.as_str(), "it" | "them" | "me" | "us" | "this" | "that" | "of")
    {
        return None;
    }
    Some(words.join(" "))
}

/// The body named just before "approval" / "sign-off": "needs ownership approval".
fn body_before_approval(before: &str) -> Option<String> {
    let lower = before.to_ascii_lowercase();
    let stem = lower.strip_suffix("approval").or_else(|| lower.strip_suffix("sign-off"))?;
    let word = stem.split_whitespace().next_back()?;
    let generic = [
        "the", "final", "formal", "board", "needs", "need", "requires", "require", "for", "an", "any", "get", "his",
        "her",
    ];
    (!generic.contains(&word) || word == "board")
        .then(|| word.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| !w.is_empty())
}

/// A person named in the same clause as the amount: "Frank's going to want it under fifty
/// grand", "Rachel would go for twenty to thirty-five".
fn named_near(call: &Call, sentence: usize, amount: &Quantity) -> Option<String> {
    let clause = call.clause(sentence, amount.start);
    people::mentions(call, sentence, &[])
        .into_iter()
        .filter(|m| m.name.is_some() && m.span.start >= clause.start && m.span.end <= clause.end)
        .min_by_key(|m| distance(m.span.clone(), amount.start..amount.end))
        .and_then(|m| person_label(&m))
}
