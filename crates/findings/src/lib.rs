//! What extraction finds. Every item says where it came from (quote, speaker, time, rule) so the
//! SDR can check it in seconds, and carries an id that stays the same across re-runs of the same
//! audio and rules: review corrections are keyed by it.
//!
//! The types only, so the handoff document and the review read findings without the
//! extraction's regex and dictionary machinery.

#![warn(missing_docs)]

use handoff_transcript::Speaker;
use serde::{Deserialize, Serialize};

/// What kind of fact an item is; each has a list of its own in the handoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// What hurts: [`PainPoint`].
    PainPoint,
    /// Who is involved: [`Stakeholder`].
    Stakeholder,
    /// A system in use or in question: [`System`].
    System,
    /// A regulation: [`Regulation`].
    Regulation,
    /// A date or deadline: [`Timeline`].
    Timeline,
    /// Money: [`Budget`].
    Budget,
    /// A reason not to buy: [`Objection`].
    Objection,
    /// Another vendor: [`Competitor`].
    Competitor,
    /// What they tried before: [`PreviousAttempt`].
    PreviousAttempt,
    /// What happens next: [`NextStep`].
    NextStep,
    /// Who the prospect is: [`Prospect`].
    Prospect,
}

impl Category {
    /// The snake_case name used in JSON; part of every item id, so it must never change.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::PainPoint => "pain_point",
            Category::Stakeholder => "stakeholder",
            Category::System => "system",
            Category::Regulation => "regulation",
            Category::Timeline => "timeline",
            Category::Budget => "budget",
            Category::Objection => "objection",
            Category::Competitor => "competitor",
            Category::PreviousAttempt => "previous_attempt",
            Category::NextStep => "next_step",
            Category::Prospect => "prospect",
        }
    }
}

/// One finding plus its category-specific fields (`detail`, flattened into the same JSON object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item<D> {
    /// Stable across re-runs of the same audio and rules (see `handoff_extract::item_id`).
    pub id: String,
    /// Which list the item belongs in.
    pub category: Category,
    /// The transcript words the finding rests on, verbatim.
    pub quote: String,
    /// Who said the quote.
    pub speaker: Speaker,
    /// Start of the quote, from the start of the recording.
    pub start_ms: u64,
    /// End of the quote, from the start of the recording.
    pub end_ms: u64,
    /// `<pack file stem>/<rule id>`, e.g. `systems/salesforce` or `pains/manual-work-cue`.
    pub rule: String,
    /// 0.0..=1.0; rules declare it, context (negation, SDR speech, weak cue) lowers it.
    pub confidence: f32,
    /// The category's own fields.
    #[serde(flatten)]
    pub detail: D,
}

/// A problem the prospect has, in their words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PainPoint {
    /// manual_work, reporting, cost, scale, compliance, integration, performance, visibility, other
    pub theme: String,
}

/// A stakeholder's part in the buying decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Signs off on the purchase.
    DecisionMaker,
    /// Shapes the decision without making it.
    Influencer,
    /// Would use the product day to day.
    User,
    /// Could stop the deal.
    Blocker,
    /// Holds the budget.
    BudgetOwner,
    /// Mentioned, role in the deal not said.
    Unknown,
}

/// A person on the prospect's side who matters to the deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stakeholder {
    /// First or full name, when said.
    pub name: Option<String>,
    /// Title or role ("the CFO", "our IT lead"), when said.
    pub role: Option<String>,
    /// Their part in the decision.
    pub relation: Relation,
    /// Every place the person was mentioned, first one first (the item's own quote is the best one).
    pub mentions: Vec<Mention>,
}

/// A quote elsewhere in the call, with its times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// The words, verbatim.
    pub quote: String,
    /// From the start of the recording.
    pub start_ms: u64,
    /// From the start of the recording.
    pub end_ms: u64,
}

/// Where the prospect stands with a system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemStatus {
    /// In use now.
    Current,
    /// Being looked at.
    Evaluating,
    /// Being replaced.
    Leaving,
    /// Named, status not said.
    Mentioned,
}

/// A system (software, platform) the call named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct System {
    /// Canonical name from the dictionary, whatever alias or misspelling was heard.
    pub name: String,
    /// Dictionary group: crm, erp, hris, data_warehouse, bi, ticketing, spreadsheet, ...
    pub kind: String,
    /// Where the prospect stands with it.
    pub status: SystemStatus,
}

/// A regulation or standard the call named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regulation {
    /// Canonical name from the dictionary ("HIPAA", "SOC 2").
    pub name: String,
    /// False when the prospect said it does not apply ("we're not subject to HIPAA").
    pub applies: bool,
}

/// A date, deadline or period that matters to the deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// The time phrase as heard, e.g. "before the end of Q1", "by March 15", "within 90 days".
    pub phrase: String,
    /// The phrase with spoken numbers and quarters written the usual way ("Q one" -> "Q1",
    /// "March fifteenth" -> "March 15", "ninety days" -> "90 days").
    pub normalized: String,
    /// The reason given in the same or next sentence, verbatim, when there is one.
    pub reason: Option<String>,
}

/// Money the prospect mentioned: an amount, a range or a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// The money phrase as heard.
    pub phrase: String,
    /// The amount, or the low end of a range ("forty to fifty thousand" -> 40000).
    pub amount_usd: Option<f64>,
    /// The high end when a range was given, else None.
    pub amount_usd_max: Option<f64>,
    /// Who holds the budget, when said.
    pub owner: Option<String>,
    /// e.g. annual, quarterly, fiscal year, next cycle.
    pub cycle: Option<String>,
}

/// A reason the prospect gave not to buy (yet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    /// What the objection is about, from the rule that matched: price, need, incumbent, timing, ...
    pub topic: Option<String>,
    /// The SDR's reply when the next SDR turn answers it.
    pub response: Option<Mention>,
}

/// Another vendor in the deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Competitor {
    /// Canonical name from the dictionary.
    pub name: String,
}

/// Something the prospect tried before to fix the problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviousAttempt {
    /// What was tried (a system or approach) when named.
    pub tried: Option<String>,
    /// Why it failed, verbatim, when said.
    pub outcome: Option<String>,
}

/// Something agreed to happen after the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextStep {
    /// meeting, demo, send_material, invite, trial, follow_up, other
    pub action: String,
    /// When, as said ("Thursday", "next week").
    pub when: Option<String>,
    /// Who does it, as said.
    pub who: Option<String>,
}

/// Who the prospect on the call is, pieced together from their own introduction ("I'm the
/// operations manager at Brightside Clinics") and the SDR's greeting ("thanks for taking my call,
/// Maria"). The item's quote is the sentence that said the most.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prospect {
    /// Their name.
    pub name: Option<String>,
    /// Their job title.
    pub title: Option<String>,
    /// Their company.
    pub company: Option<String>,
}

/// Everything found in one transcript, one list per category, in order of time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// `RuleSet::version()` of the rules that produced this; a different current version means
    /// the extraction is stale.
    pub rules_version: String,
    /// Who the prospect is, when they said.
    pub prospect: Option<Item<Prospect>>,
    /// See [`PainPoint`].
    pub pain_points: Vec<Item<PainPoint>>,
    /// See [`Stakeholder`].
    pub stakeholders: Vec<Item<Stakeholder>>,
    /// See [`System`].
    pub systems: Vec<Item<System>>,
    /// See [`Regulation`].
    pub regulations: Vec<Item<Regulation>>,
    /// See [`Timeline`].
    pub timeline: Vec<Item<Timeline>>,
    /// See [`Budget`].
    pub budget: Vec<Item<Budget>>,
    /// See [`Objection`].
    pub objections: Vec<Item<Objection>>,
    /// See [`Competitor`].
    pub competitors: Vec<Item<Competitor>>,
    /// See [`PreviousAttempt`].
    pub previous_attempts: Vec<Item<PreviousAttempt>>,
    /// See [`NextStep`].
    pub next_steps: Vec<Item<NextStep>>,
}
