//! The Markdown an AE reads in five minutes and keeps open during the call: one to two printed
//! pages, facts first, every quote with the moment it was said so it can be found in the recording.

use crate::model::{Entry, Handoff, ReviewMark, ReviewState, Status};
use crate::summary::ranked_pains;
use handoff_findings::{Item, Relation, SystemStatus};
use handoff_transcript::clock;

/// Pains quoted in full; the rest stay in the JSON so the document keeps to two pages.
const MAX_PAINS_SHOWN: usize = 6;
/// Enough of the hash to tell recordings apart by eye.
const SHA_PREFIX: usize = 12;
const NONE_MENTIONED: &str = "None mentioned.";

/// The handoff as Markdown, draft or final alike: the status shows in the header and footer, and
/// items a reviewer confirmed, edited or added say so.
pub fn render_markdown(handoff: &Handoff) -> String {
    let mut doc = Doc::default();
    title(&mut doc, handoff);
    prospect_summary(&mut doc, handoff);
    pains(&mut doc, handoff);
    stakeholders(&mut doc, handoff);
    technical(&mut doc, handoff);
    timeline(&mut doc, handoff);
    budget(&mut doc, handoff);
    objections(&mut doc, handoff);
    previous_attempts(&mut doc, handoff);
    next_steps(&mut doc, handoff);
    not_covered(&mut doc, handoff);
    footer(&mut doc, handoff);
    doc.0
}

/// Makes transcript words print as themselves: Markdown punctuation is backslash-escaped (so a
/// `|` can't split a table cell and a `*` can't start emphasis), a leading `#`, `-`, `+`, `=` or
/// `1.` can't turn the text into a heading or list, and line breaks become spaces.
pub fn escape(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(flat.len() + 8);
    if flat.starts_with(['#', '-', '+', '=']) {
        out.push('\\');
    }
    let ordered_marker = flat.find(|c: char| !c.is_ascii_digit()).filter(|&at| at > 0);
    for (at, c) in flat.char_indices() {
        let starts_list = Some(at) == ordered_marker && matches!(c, '.' | ')');
        if starts_list || matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[derive(Default)]
struct Doc(String);

impl Doc {
    fn line(&mut self, text: &str) {
        self.0.push_str(text);
        self.0.push('\n');
    }

    fn section(&mut self, heading: &str) {
        self.line("");
        self.line(&format!("## {heading}"));
        self.line("");
    }

    /// One bullet per entry, or the "none" line when there are none.
    fn bullets(&mut self, lines: Vec<String>) {
        if lines.is_empty() {
            self.line(NONE_MENTIONED);
        }
        for line in lines {
            self.line(&format!("- {line}"));
        }
    }
}

/// `“quote”`, escaped.
fn quoted(text: &str) -> String {
    format!("“{}”", escape(text))
}

fn at(ms: u64) -> String {
    format!("[{}]", clock(ms, ':'))
}

/// Says whose words these are when they are not the machine's.
fn mark(review: &Option<ReviewMark>) -> String {
    match review {
        None => String::new(),
        Some(mark) => {
            let verb = match mark.state {
                ReviewState::Accepted => "confirmed",
                ReviewState::Edited => "edited",
                ReviewState::Added => "added",
            };
            format!(" *({verb} by {})*", escape(&mark.by))
        }
    }
}

/// `manual_work` → `manual work`, for dictionary values shown to people.
fn words(snake: &str) -> String {
    escape(&snake.replace('_', " "))
}

/// The tail every evidence line ends with: when it was said and who vouched for it.
fn evidence<D>(entry: &Entry<D>) -> String {
    format!("{}{}", at(entry.item.start_ms), mark(&entry.review))
}

fn status_line(status: Status) -> &'static str {
    match status {
        Status::Draft => "DRAFT — not yet reviewed by the SDR",
        Status::Ready => "READY — reviewed by the SDR",
    }
}

fn title(doc: &mut Doc, handoff: &Handoff) {
    let summary = &handoff.summary;
    let company = summary.company.as_deref().unwrap_or("Unknown company");
    let who = match (&summary.prospect_name, &summary.prospect_title) {
        (Some(name), Some(title)) => format!(" — {name}, {title}"),
        (Some(only), None) | (None, Some(only)) => format!(" — {only}"),
        (None, None) => String::new(),
    };
    doc.line(&format!("# {}", escape(&format!("{company}{who}"))));
    doc.line("");
    let date = match &handoff.account.call_date {
        Some(date) => format!("Call on {}", escape(date)),
        None => format!("Processed {}", escape(handoff.created_at.get(..10).unwrap_or(&handoff.created_at))),
    };
    doc.line(&format!(
        "{date} · {} recorded · **{}**",
        clock(handoff.source.duration_ms, ':'),
        status_line(handoff.status)
    ));
    if handoff.source.truncated {
        doc.line("");
        doc.line(&format!(
            "**Partial notes: the recording file ends early (cut short or damaged).** Only its first {} \
             could be heard; ask the SDR what came after.",
            clock(handoff.source.duration_ms, ':')
        ));
    }
}

fn prospect_summary(doc: &mut Doc, handoff: &Handoff) {
    let summary = &handoff.summary;
    let account = &handoff.account;
    doc.section("Prospect summary");
    let who = [&summary.prospect_name, &summary.prospect_title]
        .into_iter()
        .flatten()
        .map(|part| escape(part))
        .collect::<Vec<_>>()
        .join(", ");
    let company = summary.company.as_deref().map(escape);
    let who = match (who.is_empty(), company) {
        (true, None) => "not captured".to_owned(),
        (true, Some(company)) => format!("someone at {company}"),
        (false, None) => who,
        (false, Some(company)) => format!("{who} at {company}"),
    };
    let mut lines = vec![format!("**Who:** {who}")];
    let listed = |items: Vec<String>, empty: &str| {
        if items.is_empty() {
            empty.to_owned()
        } else {
            items.join("; ")
        }
    };
    let themes: Vec<String> = summary.top_pains.iter().map(|pain| words(&pain.theme)).collect();
    lines.push(format!("**Top pains:** {}", listed(themes, "none in their words")));
    let deciders = summary.decision_makers.iter().map(|name| escape(name)).collect();
    let unknown = if account.decision_maker_unknown { "unknown (confirmed by the SDR)" } else { "none named" };
    lines.push(format!("**Decision makers:** {}", listed(deciders, unknown)));
    let dates = summary.key_dates.iter().map(|date| escape(date)).collect();
    lines.push(format!("**Key dates:** {}", listed(dates, "none given")));
    let deal: Vec<String> = [
        account.deal_size.as_deref().map(|size| format!("size {}", escape(size))),
        account.decision_date.as_deref().map(|date| format!("decision by {}", escape(date))),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !deal.is_empty() {
        lines.push(format!("**Deal (per SDR):** {}", deal.join(" · ")));
    }
    doc.bullets(lines);
}

fn pains(doc: &mut Doc, handoff: &Handoff) {
    doc.section("Pains in their words");
    let ranked = ranked_pains(&handoff.findings);
    if ranked.is_empty() {
        doc.line(NONE_MENTIONED);
    }
    for (index, entry) in ranked.iter().take(MAX_PAINS_SHOWN).enumerate() {
        // A blank line between quotes keeps each its own block quote.
        if index > 0 {
            doc.line("");
        }
        doc.line(&format!(
            "> {} — {} · {}",
            quoted(&entry.item.quote),
            evidence(entry),
            words(&entry.item.detail.theme)
        ));
    }
    if ranked.len() > MAX_PAINS_SHOWN {
        doc.line("");
        doc.line(&format!("*{} more in the handoff JSON.*", ranked.len() - MAX_PAINS_SHOWN));
    }
}

fn relation(relation: Relation) -> &'static str {
    match relation {
        Relation::DecisionMaker => "decision maker",
        Relation::Influencer => "influencer",
        Relation::User => "user",
        Relation::Blocker => "blocker",
        Relation::BudgetOwner => "budget owner",
        Relation::Unknown => "unknown",
    }
}

fn stakeholders(doc: &mut Doc, handoff: &Handoff) {
    doc.section("Stakeholder map");
    let people = &handoff.findings.stakeholders;
    if people.is_empty() {
        doc.line(NONE_MENTIONED);
        return;
    }
    doc.line("| Name | Role | Relation | Heard at |");
    doc.line("| --- | --- | --- | --- |");
    for entry in people {
        let who = &entry.item.detail;
        let cell = |value: &Option<String>| value.as_deref().map_or_else(|| "—".to_owned(), escape);
        doc.line(&format!(
            "| {} | {} | {} | {} |",
            cell(&who.name),
            cell(&who.role),
            relation(who.relation),
            evidence(entry)
        ));
    }
}

/// `Label: a [t], b [t]` for a non-empty group of named things.
fn named_group<'a, D: 'a>(
    label: &str,
    entries: impl Iterator<Item = &'a Entry<D>>,
    name: impl Fn(&Item<D>) -> String,
) -> Option<String> {
    let mut shown: Vec<(String, String)> = Vec::new();
    for entry in entries {
        let named = name(&entry.item);
        // The same system is often heard several times; the first mention is the evidence.
        if !shown.iter().any(|(known, _)| *known == named) {
            shown.push((named, evidence(entry)));
        }
    }
    (!shown.is_empty()).then(|| {
        let list: Vec<String> = shown.into_iter().map(|(named, time)| format!("{named} {time}")).collect();
        format!("**{label}:** {}", list.join(", "))
    })
}

fn technical(doc: &mut Doc, handoff: &Handoff) {
    doc.section("Technical requirements");
    let findings = &handoff.findings;
    let system =
        |item: &Item<handoff_findings::System>| format!("{} ({})", escape(&item.detail.name), words(&item.detail.kind));
    let with_status =
        |status: SystemStatus| findings.systems.iter().filter(move |entry| entry.item.detail.status == status);
    let regulation = |item: &Item<handoff_findings::Regulation>| escape(&item.detail.name);
    let applies = |wanted: bool| findings.regulations.iter().filter(move |entry| entry.item.detail.applies == wanted);
    let lines = [
        named_group("Current systems", with_status(SystemStatus::Current), system),
        named_group("Evaluating", with_status(SystemStatus::Evaluating), system),
        named_group("Leaving", with_status(SystemStatus::Leaving), system),
        named_group("Also mentioned", with_status(SystemStatus::Mentioned), system),
        named_group("Regulations that apply", applies(true), regulation),
        named_group("Explicitly not subject to", applies(false), regulation),
        named_group("Competitors mentioned", findings.competitors.iter(), |item| escape(&item.detail.name)),
    ];
    doc.bullets(lines.into_iter().flatten().collect());
}

fn timeline(doc: &mut Doc, handoff: &Handoff) {
    doc.section("Timeline and why");
    let lines = handoff
        .findings
        .timeline
        .iter()
        .map(|entry| {
            let why = entry.item.detail.reason.as_deref().map_or_else(
                || "no reason given".to_owned(),
                // The reason is verbatim: it may already say "because".
                |reason| match reason.trim_start().to_lowercase().starts_with("because") {
                    true => quoted(reason),
                    false => format!("because {}", quoted(reason)),
                },
            );
            format!("**{}** {} — {why}", escape(&entry.item.detail.normalized), evidence(entry))
        })
        .collect();
    doc.bullets(lines);
}

/// `$120,000`: whole dollars with thousands separators, as budgets are said.
fn dollars(amount: f64) -> String {
    let digits = format!("{:.0}", amount.abs());
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{}${grouped}", if amount < 0.0 { "-" } else { "" })
}

fn budget(doc: &mut Doc, handoff: &Handoff) {
    doc.section("Budget");
    let mut lines: Vec<String> = handoff
        .findings
        .budget
        .iter()
        .map(|entry| {
            let detail = &entry.item.detail;
            let amount = match (detail.amount_usd, detail.amount_usd_max) {
                (Some(low), Some(high)) => format!("{}–{}", dollars(low), dollars(high)),
                (Some(amount), None) => dollars(amount),
                (None, _) => escape(&detail.phrase),
            };
            let owner = detail.owner.as_deref().map_or_else(|| "not named".to_owned(), escape);
            let cycle = detail.cycle.as_deref().map_or_else(|| "not given".to_owned(), escape);
            format!(
                "**{amount}** · owner: {owner} · cycle: {cycle} — {} {}",
                quoted(&entry.item.quote),
                evidence(entry)
            )
        })
        .collect();
    if let Some(owner) = &handoff.account.budget_owner {
        lines.push(format!("Budget owner (per SDR): {}", escape(owner)));
    }
    doc.bullets(lines);
}

fn objections(doc: &mut Doc, handoff: &Handoff) {
    doc.section("Objections and the SDR's response");
    let objections = &handoff.findings.objections;
    if objections.is_empty() {
        doc.line(NONE_MENTIONED);
    }
    for entry in objections {
        let topic = entry.item.detail.topic.as_deref().map(|topic| format!(" · {}", words(topic)));
        doc.line(&format!("- {} {}{}", quoted(&entry.item.quote), evidence(entry), topic.unwrap_or_default()));
        let answer = entry.item.detail.response.as_ref().map_or_else(
            || "*No answer on the call.*".to_owned(),
            |reply| format!("SDR: {} {}", quoted(&reply.quote), at(reply.start_ms)),
        );
        doc.line(&format!("  - {answer}"));
    }
}

fn previous_attempts(doc: &mut Doc, handoff: &Handoff) {
    doc.section("Previous attempts");
    let lines = handoff
        .findings
        .previous_attempts
        .iter()
        .map(|entry| {
            let detail = &entry.item.detail;
            let tried = detail.tried.as_deref().map_or_else(|| "Unnamed attempt".to_owned(), escape);
            let outcome = quoted(detail.outcome.as_deref().unwrap_or(&entry.item.quote));
            format!("**{tried}:** {outcome} {}", evidence(entry))
        })
        .collect();
    doc.bullets(lines);
}

fn next_steps(doc: &mut Doc, handoff: &Handoff) {
    doc.section("Recommended next steps");
    let agreed = handoff.findings.next_steps.iter().map(|entry| {
        let detail = &entry.item.detail;
        let parts: Vec<String> = std::iter::once(words(&detail.action))
            .chain([&detail.when, &detail.who].into_iter().flatten().map(|part| escape(part)))
            .collect();
        format!("**Agreed:** {} — {} {}", parts.join(" · "), quoted(&entry.item.quote), evidence(entry))
    });
    let gaps = handoff.gaps().into_iter().map(|gap| gap.suggestion().to_owned());
    let unanswered = handoff
        .findings
        .objections
        .iter()
        .filter(|entry| entry.item.detail.response.is_none())
        .map(|entry| format!("Prepare an answer to {} {}", quoted(&entry.item.quote), at(entry.item.start_ms)));
    let steps: Vec<String> = agreed.chain(gaps).chain(unanswered).collect();
    if steps.is_empty() {
        doc.line("Nothing agreed, and nothing left open.");
    }
    for (number, line) in steps.iter().enumerate() {
        doc.line(&format!("{}. {line}", number + 1));
    }
}

fn not_covered(doc: &mut Doc, handoff: &Handoff) {
    doc.section("Not covered on the call");
    if handoff.missing.is_empty() {
        doc.line("Everything on the checklist came up.");
    }
    for gap in &handoff.missing {
        doc.line(&format!("- {}", escape(gap)));
    }
}

fn footer(doc: &mut Doc, handoff: &Handoff) {
    let source = &handoff.source;
    let sha = source.sha256.get(..SHA_PREFIX).unwrap_or(&source.sha256);
    doc.line("");
    doc.line("---");
    doc.line("");
    doc.line(&format!(
        "Source: {} · sha256 {} · model {} · rules {} · **{}**",
        escape(&source.file),
        escape(sha),
        escape(&handoff.model),
        escape(&handoff.rules_version),
        status_line(handoff.status)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralizes_markdown_in_quotes() {
        assert_eq!(escape("# of *hours* | [lost]"), r"\# of \*hours\* \| \[lost\]");
        assert_eq!(escape("- not a list"), r"\- not a list");
        assert_eq!(escape("2. not a list either"), r"2\. not a list either");
        assert_eq!(escape("<b>snake_case</b> `code` ~~x~~"), r"\<b\>snake\_case\</b\> \`code\` \~\~x\~\~");
        assert_eq!(escape(r"back\slash"), r"back\\slash");
    }

    #[test]
    fn escape_keeps_plain_speech_and_flattens_lines() {
        assert_eq!(escape("We spend 2 days, maybe 3."), "We spend 2 days, maybe 3.");
        assert_eq!(escape("  line one\n  line two "), "line one line two");
        assert_eq!(escape("2026 was fine"), "2026 was fine");
    }

    #[test]
    fn dollars_group_thousands() {
        assert_eq!(dollars(120_000.0), "$120,000");
        assert_eq!(dollars(1_234_567.4), "$1,234,567");
        assert_eq!(dollars(999.0), "$999");
        assert_eq!(dollars(-5_000.0), "-$5,000");
    }
}
