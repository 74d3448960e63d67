//! What the AE reads first: the summary and the list of gaps, both derived from the items and the
//! reviewer's account fields so they never disagree with the lists below them.

use crate::model::{Entry, Findings, Handoff, Summary, TopPain};
use handoff_findings::{PainPoint, Relation, Stakeholder, SystemStatus};
use handoff_transcript::Speaker;

/// How many pains the summary quotes: enough to show a pattern, few enough to remember.
pub const TOP_PAINS: usize = 3;

/// Something the call did not cover, worth raising on the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// Nobody said which company the prospect is with.
    NoCompany,
    /// The prospect described no pain themselves.
    NoProspectPains,
    /// Nobody named who decides.
    NoDecisionMaker,
    /// No budget was mentioned.
    NoBudget,
    /// Nobody said who owns the budget.
    NoBudgetOwner,
    /// No date or deadline came up.
    NoTimeline,
    /// No next step was agreed.
    NoNextStep,
    /// The prospect's current systems are unknown.
    NoCurrentSystems,
}

impl Gap {
    /// The line in `missing` and under "Not covered on the call".
    pub fn sentence(self) -> &'static str {
        match self {
            Gap::NoCompany => "Company not identified",
            Gap::NoProspectPains => "No pain points in the prospect's words",
            Gap::NoDecisionMaker => "No decision maker named",
            Gap::NoBudget => "No budget discussed",
            Gap::NoBudgetOwner => "Budget discussed, but no owner named",
            Gap::NoTimeline => "No timeline given",
            Gap::NoNextStep => "No next step agreed",
            Gap::NoCurrentSystems => "No current systems named",
        }
    }

    /// The recommended next step that closes the gap.
    pub fn suggestion(self) -> &'static str {
        match self {
            Gap::NoCompany => "Confirm the company name and which team is buying",
            Gap::NoProspectPains => "Ask what the current process costs them, in their own words",
            Gap::NoDecisionMaker => "Identify the decision maker and how they decide",
            Gap::NoBudget => "Ask whether budget is set aside and who owns it",
            Gap::NoBudgetOwner => "Confirm budget owner",
            Gap::NoTimeline => "Ask what date drives the decision, and why",
            Gap::NoNextStep => "Agree a next step with a date before the call ends",
            Gap::NoCurrentSystems => "Map the systems they use today",
        }
    }
}

impl Handoff {
    /// Recomputes `summary` and `missing` from the items and `account`; call after changing either.
    pub fn refresh(&mut self) {
        self.summary = summarize(self);
        self.missing = self.gaps().into_iter().map(|gap| gap.sentence().to_owned()).collect();
    }

    /// What the call did not cover, most important first.
    pub fn gaps(&self) -> Vec<Gap> {
        let findings = &self.findings;
        let budget_owner_known = findings.budget.iter().any(|b| b.item.detail.owner.is_some())
            || findings.stakeholders.iter().any(|s| s.item.detail.relation == Relation::BudgetOwner)
            || self.account.budget_owner.is_some();
        [
            (Gap::NoCompany, self.summary.company.is_none()),
            (Gap::NoProspectPains, ranked_pains(findings).is_empty()),
            (
                Gap::NoDecisionMaker,
                !findings.stakeholders.iter().any(|s| s.item.detail.relation == Relation::DecisionMaker),
            ),
            (Gap::NoBudget, findings.budget.is_empty()),
            (Gap::NoBudgetOwner, !findings.budget.is_empty() && !budget_owner_known),
            (Gap::NoTimeline, findings.timeline.is_empty()),
            (Gap::NoNextStep, findings.next_steps.is_empty()),
            (Gap::NoCurrentSystems, !findings.systems.iter().any(|s| s.item.detail.status == SystemStatus::Current)),
        ]
        .into_iter()
        .filter_map(|(gap, open)| open.then_some(gap))
        .collect()
    }
}

fn summarize(handoff: &Handoff) -> Summary {
    let said = handoff.prospect.as_ref().map(|item| &item.detail);
    let account = &handoff.account;
    let findings = &handoff.findings;
    let mut key_dates: Vec<String> = Vec::new();
    for entry in &findings.timeline {
        let phrase = entry.item.detail.normalized.trim();
        if !key_dates.iter().any(|known| known.eq_ignore_ascii_case(phrase)) {
            key_dates.push(phrase.to_owned());
        }
    }
    Summary {
        company: account.company.clone().or_else(|| said.and_then(|p| p.company.clone())),
        prospect_name: account.prospect_name.clone().or_else(|| said.and_then(|p| p.name.clone())),
        prospect_title: account.prospect_title.clone().or_else(|| said.and_then(|p| p.title.clone())),
        top_pains: ranked_pains(findings)
            .into_iter()
            .take(TOP_PAINS)
            .map(|entry| TopPain {
                id: entry.item.id.clone(),
                quote: entry.item.quote.clone(),
                theme: entry.item.detail.theme.clone(),
                start_ms: entry.item.start_ms,
            })
            .collect(),
        decision_makers: findings
            .stakeholders
            .iter()
            .filter(|s| s.item.detail.relation == Relation::DecisionMaker)
            .map(|s| person(&s.item.detail))
            .collect(),
        key_dates,
    }
}

/// "Name, role", whichever parts are known.
fn person(stakeholder: &Stakeholder) -> String {
    match (&stakeholder.name, &stakeholder.role) {
        (Some(name), Some(role)) => format!("{name}, {role}"),
        (Some(only), None) | (None, Some(only)) => only.clone(),
        (None, None) => "unnamed".to_owned(),
    }
}

/// Pain points in the prospect's words, best first. The ranking, so the AE can trust the top three:
///
/// 1. Only lines not spoken by the SDR count: the SDR paraphrasing a pain is not evidence of it.
///    Lines attributed to the prospect come before lines of unknown speaker (mono recordings).
/// 2. Within that, higher confidence first; an item a reviewer accepted, edited or added counts as
///    fully confident. Ties go to the earlier moment in the call.
/// 3. Distinct themes first: the best pain of each theme, in the order above, then the remaining
///    pains in the same order, so three quotes about reporting don't hide a cost problem.
pub(crate) fn ranked_pains(findings: &Findings) -> Vec<&Entry<PainPoint>> {
    let mut candidates: Vec<&Entry<PainPoint>> =
        findings.pain_points.iter().filter(|entry| entry.item.speaker != Speaker::Sdr).collect();
    candidates.sort_by(|a, b| {
        let not_prospect = |e: &Entry<PainPoint>| e.item.speaker != Speaker::Prospect;
        not_prospect(a)
            .cmp(&not_prospect(b))
            .then_with(|| confidence(b).total_cmp(&confidence(a)))
            .then_with(|| a.item.start_ms.cmp(&b.item.start_ms))
    });
    let (mut first_of_theme, mut rest) = (Vec::new(), Vec::new());
    for entry in candidates {
        let theme = &entry.item.detail.theme;
        if first_of_theme.iter().any(|seen: &&Entry<PainPoint>| &seen.item.detail.theme == theme) {
            rest.push(entry);
        } else {
            first_of_theme.push(entry);
        }
    }
    first_of_theme.extend(rest);
    first_of_theme
}

fn confidence(entry: &Entry<PainPoint>) -> f32 {
    if entry.review.is_some() {
        1.0
    } else {
        entry.item.confidence
    }
}
