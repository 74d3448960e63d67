//! What extraction finds. Every item says where it came from (quote, speaker, time, rule) so the
//! SDR can check it in seconds, and carries an id that stays the same across re-runs of the same
//! audio and rules: review corrections are keyed by it.

use handoff_transcript::Speaker;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    PainPoint,
    Stakeholder,
    System,
    Regulation,
    Timeline,
    Budget,
    Objection,
    Competitor,
    PreviousAttempt,
    NextStep,
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
    pub id: String,
    pub category: Category,
    /// The transcript words the finding rests on, verbatim.
    pub quote: String,
    pub speaker: Speaker,
    pub start_ms: u64,
    pub end_ms: u64,
    /// `<pack file stem>/<rule id>`, e.g. `systems/salesforce` or `pains/manual-work-cue`.
    pub rule: String,
    /// 0.0..=1.0; rules declare it, context (negation, SDR speech, weak cue) lowers it.
    pub confidence: f32,
    #[serde(flatten)]
    pub detail: D,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PainPoint {
    /// manual_work, reporting, cost, scale, compliance, integration, performance, visibility, other
    pub theme: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    DecisionMaker,
    Influencer,
    User,
    Blocker,
    BudgetOwner,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stakeholder {
    pub name: Option<String>,
    pub role: Option<String>,
    pub relation: Relation,
    /// Every place the person was mentioned, first one first (the item's own quote is the best one).
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub quote: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemStatus {
    Current,
    Evaluating,
    Leaving,
    Mentioned,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct System {
    /// Canonical name from the dictionary, whatever alias or misspelling was heard.
    pub name: String,
    /// Dictionary group: crm, erp, hris, data_warehouse, bi, ticketing, spreadsheet, ...
    pub kind: String,
    pub status: SystemStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regulation {
    pub name: String,
    /// False when the prospect said it does not apply ("we're not subject to HIPAA").
    pub applies: bool,
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    pub phrase: String,
    /// The amount, or the low end of a range ("forty to fifty thousand" -> 40000).
    pub amount_usd: Option<f64>,
    /// The high end when a range was given, else None.
    pub amount_usd_max: Option<f64>,
    pub owner: Option<String>,
    /// e.g. annual, quarterly, fiscal year, next cycle.
    pub cycle: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    /// What the objection is about, from the rule that matched: price, need, incumbent, timing, ...
    pub topic: Option<String>,
    /// The SDR's reply when the next SDR turn answers it.
    pub response: Option<Mention>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Competitor {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviousAttempt {
    /// What was tried (a system or approach) when named.
    pub tried: Option<String>,
    /// Why it failed, verbatim, when said.
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextStep {
    /// meeting, demo, send_material, invite, trial, follow_up, other
    pub action: String,
    pub when: Option<String>,
    pub who: Option<String>,
}

/// Who the prospect on the call is, pieced together from their own introduction ("I'm the
/// operations manager at Brightside Clinics") and the SDR's greeting ("thanks for taking my call,
/// Maria"). The item's quote is the sentence that said the most.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prospect {
    pub name: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
}

/// Everything found in one transcript, one list per category, in order of time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// `RuleSet::version()` of the rules that produced this; a different current version means
    /// the extraction is stale.
    pub rules_version: String,
    pub prospect: Option<Item<Prospect>>,
    pub pain_points: Vec<Item<PainPoint>>,
    pub stakeholders: Vec<Item<Stakeholder>>,
    pub systems: Vec<Item<System>>,
    pub regulations: Vec<Item<Regulation>>,
    pub timeline: Vec<Item<Timeline>>,
    pub budget: Vec<Item<Budget>>,
    pub objections: Vec<Item<Objection>>,
    pub competitors: Vec<Item<Competitor>>,
    pub previous_attempts: Vec<Item<PreviousAttempt>>,
    pub next_steps: Vec<Item<NextStep>>,
}
