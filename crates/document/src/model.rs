//! The shape of `<name>.handoff.json`. `schemas/handoff.schema.json` describes the same shape for
//! readers outside Rust; the schema test in `tests/schema.rs` keeps the two in step.

use handoff_findings::{
    Budget, Category, Competitor, Item, NextStep, Objection, PainPoint, PreviousAttempt, Prospect, Regulation,
    Stakeholder, System, Timeline,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped whenever a field changes meaning or is removed; additions keep the version.
pub const HANDOFF_SCHEMA_VERSION: u32 = 1;

/// `<name>.handoff.json`: what the AE reads before the next call, every item with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    /// [`HANDOFF_SCHEMA_VERSION`] of the build that wrote it.
    pub schema_version: u32,
    /// The recording it was made from.
    pub source: Source,
    /// RFC 3339 UTC, when the draft was built (not when the call took place).
    pub created_at: String,
    /// The transcription model, so a surprising quote can be blamed on the right stage.
    pub model: String,
    /// Hash of the rules that found the items, so a draft from older rules is redone.
    pub rules_version: String,
    /// Draft until the reviewer signs it off.
    pub status: Status,
    /// Derived from the items and `account` by [`Handoff::refresh`]; never edited by hand.
    pub summary: Summary,
    /// Account-level facts the reviewer typed in because the rules could not find them.
    #[serde(default)]
    pub account: Account,
    /// Who the prospect said they are, when they said it; `summary` carries the result.
    #[serde(default)]
    pub prospect: Option<Item<Prospect>>,
    /// The item lists, at the top level of the JSON.
    #[serde(flatten)]
    pub findings: Findings,
    /// What the call did not cover, as sentences for the AE (see [`crate::Gap`]).
    pub missing: Vec<String>,
}

/// The recording a handoff was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// File name only: the handoff travels to the AE, the directory layout of the SDR's disk doesn't.
    pub file: String,
    /// Hex SHA-256 of the recording: ties the handoff, and its review, to that content.
    pub sha256: String,
    /// Length of the audio the notes cover.
    pub duration_ms: u64,
    /// The file ended before its container said it would: the notes cover only `duration_ms`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// Whether the AE can rely on the handoff yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Machine-made, not yet checked by the SDR.
    Draft,
    /// The SDR reviewed it and every required field is there.
    Ready,
}

/// The handoff's first screen: who, the pains that matter most, who decides, and when.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The prospect's company: the reviewer's, else the call's.
    pub company: Option<String>,
    /// The prospect's name: the reviewer's, else the call's.
    pub prospect_name: Option<String>,
    /// The prospect's title: the reviewer's, else the call's.
    pub prospect_title: Option<String>,
    /// Up to three pains in the prospect's own words; see `summary::top_pains` for the ranking.
    pub top_pains: Vec<TopPain>,
    /// "Name, role" of every stakeholder with relation `decision_maker`.
    pub decision_makers: Vec<String>,
    /// Timeline phrases (normalized: "Q1", "March 15"), in call order, without repeats.
    pub key_dates: Vec<String>,
}

/// One of the summary's top pains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopPain {
    /// Id of the pain point item the quote comes from.
    pub id: String,
    /// The prospect's words.
    pub quote: String,
    /// The pain's theme, as the pain rules name it.
    pub theme: String,
    /// Where in the call, to listen to it.
    pub start_ms: u64,
}

/// Set only by a reviewer (`set_field` corrections); a value here overrides what the call said.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Account {
    /// The prospect's company.
    pub company: Option<String>,
    /// The prospect's name.
    pub prospect_name: Option<String>,
    /// The prospect's title.
    pub prospect_title: Option<String>,
    /// As the reviewer wrote it ("$120k ARR"), since deals are sized in many ways.
    pub deal_size: Option<String>,
    /// `YYYY-MM-DD`, when the prospect expects to decide.
    pub decision_date: Option<String>,
    /// Who holds the budget, by name or role.
    pub budget_owner: Option<String>,
    /// The date of the call itself; the recording does not carry it.
    pub call_date: Option<String>,
    /// The reviewer confirms nobody on the call could name the decision maker yet.
    pub decision_maker_unknown: bool,
}

impl Account {
    /// Field names as they appear in JSON, for validating `set_field` corrections and requirement
    /// files; a unit test checks the list against the serialized struct.
    pub const FIELDS: [&'static str; 8] = [
        "company",
        "prospect_name",
        "prospect_title",
        "deal_size",
        "decision_date",
        "budget_owner",
        "call_date",
        "decision_maker_unknown",
    ];
}

/// An extracted item plus what a reviewer did to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry<D> {
    /// The item as extracted (or as the reviewer edited or added it).
    #[serde(flatten)]
    pub item: Item<D>,
    /// Absent on machine findings nobody has looked at yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewMark>,
}

impl<D> From<Item<D>> for Entry<D> {
    fn from(item: Item<D>) -> Self {
        Entry { item, review: None }
    }
}

/// What a reviewer did to an item, shown beside it so the AE knows what a person checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewMark {
    /// The most the reviewer changed it.
    pub state: ReviewState,
    /// Reviewer name of the latest correction that touched the item.
    pub by: String,
    /// RFC 3339 time of that correction.
    pub at: String,
}

/// Ordered by how much of the item is the reviewer's own: a later `accept` does not hide that
/// the item was edited or added by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Checked and kept as found.
    Accepted,
    /// Kept with fields the reviewer changed.
    Edited,
    /// Found by the reviewer, not the rules.
    Added,
}

/// The extraction's lists under the same names, each item able to carry a review mark.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    /// What hurts, in the prospect's words.
    pub pain_points: Vec<Entry<PainPoint>>,
    /// Who is involved and how.
    pub stakeholders: Vec<Entry<Stakeholder>>,
    /// Systems they use or need.
    pub systems: Vec<Entry<System>>,
    /// Regulations they must meet.
    pub regulations: Vec<Entry<Regulation>>,
    /// Dates and deadlines, with why.
    pub timeline: Vec<Entry<Timeline>>,
    /// Budget amounts, ranges and owners.
    pub budget: Vec<Entry<Budget>>,
    /// Objections, with the SDR's answer.
    pub objections: Vec<Entry<Objection>>,
    /// Competitors they mentioned.
    pub competitors: Vec<Entry<Competitor>>,
    /// What they tried before.
    pub previous_attempts: Vec<Entry<PreviousAttempt>>,
    /// What was agreed to happen next.
    pub next_steps: Vec<Entry<NextStep>>,
}

impl Findings {
    /// Checks that `item` (JSON) would be a valid entry of the list of `category`, so code that
    /// edits items as JSON (review corrections) can refuse a bad edit before it lands. The prospect
    /// is no list entry: its facts are corrected as account fields.
    pub fn check_entry(category: Category, item: &serde_json::Value) -> Result<(), serde_json::Error> {
        AnyEntry::from_json(category, item).map(drop)
    }

    /// Every entry of every list, list by list.
    pub fn entries(&self) -> Vec<AnyEntry> {
        let mut entries = Vec::new();
        entries.extend(self.pain_points.iter().cloned().map(AnyEntry::PainPoint));
        entries.extend(self.stakeholders.iter().cloned().map(AnyEntry::Stakeholder));
        entries.extend(self.systems.iter().cloned().map(AnyEntry::System));
        entries.extend(self.regulations.iter().cloned().map(AnyEntry::Regulation));
        entries.extend(self.timeline.iter().cloned().map(AnyEntry::Timeline));
        entries.extend(self.budget.iter().cloned().map(AnyEntry::Budget));
        entries.extend(self.objections.iter().cloned().map(AnyEntry::Objection));
        entries.extend(self.competitors.iter().cloned().map(AnyEntry::Competitor));
        entries.extend(self.previous_attempts.iter().cloned().map(AnyEntry::PreviousAttempt));
        entries.extend(self.next_steps.iter().cloned().map(AnyEntry::NextStep));
        entries
    }

    /// Appends `entry` to the list of its kind.
    pub fn push(&mut self, entry: AnyEntry) {
        match entry {
            AnyEntry::PainPoint(entry) => self.pain_points.push(entry),
            AnyEntry::Stakeholder(entry) => self.stakeholders.push(entry),
            AnyEntry::System(entry) => self.systems.push(entry),
            AnyEntry::Regulation(entry) => self.regulations.push(entry),
            AnyEntry::Timeline(entry) => self.timeline.push(entry),
            AnyEntry::Budget(entry) => self.budget.push(entry),
            AnyEntry::Objection(entry) => self.objections.push(entry),
            AnyEntry::Competitor(entry) => self.competitors.push(entry),
            AnyEntry::PreviousAttempt(entry) => self.previous_attempts.push(entry),
            AnyEntry::NextStep(entry) => self.next_steps.push(entry),
        }
    }
}

/// An entry of any list of [`Findings`], for code that handles items whatever their kind (review
/// corrections). Serializes as the entry itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AnyEntry {
    /// An entry of `pain_points`.
    PainPoint(Entry<PainPoint>),
    /// An entry of `stakeholders`.
    Stakeholder(Entry<Stakeholder>),
    /// An entry of `systems`.
    System(Entry<System>),
    /// An entry of `regulations`.
    Regulation(Entry<Regulation>),
    /// An entry of `timeline`.
    Timeline(Entry<Timeline>),
    /// An entry of `budget`.
    Budget(Entry<Budget>),
    /// An entry of `objections`.
    Objection(Entry<Objection>),
    /// An entry of `competitors`.
    Competitor(Entry<Competitor>),
    /// An entry of `previous_attempts`.
    PreviousAttempt(Entry<PreviousAttempt>),
    /// An entry of `next_steps`.
    NextStep(Entry<NextStep>),
}

/// `$body` with `$entry` bound to the typed entry inside `$any`, whatever its kind.
macro_rules! each_kind {
    ($any:expr, $entry:ident => $body:expr) => {
        match $any {
            AnyEntry::PainPoint($entry) => $body,
            AnyEntry::Stakeholder($entry) => $body,
            AnyEntry::System($entry) => $body,
            AnyEntry::Regulation($entry) => $body,
            AnyEntry::Timeline($entry) => $body,
            AnyEntry::Budget($entry) => $body,
            AnyEntry::Objection($entry) => $body,
            AnyEntry::Competitor($entry) => $body,
            AnyEntry::PreviousAttempt($entry) => $body,
            AnyEntry::NextStep($entry) => $body,
        }
    };
}

impl AnyEntry {
    /// The entry that `item` (JSON) makes in the list of `category`, or why it makes none. The
    /// prospect is no list entry: its facts are corrected as account fields.
    pub fn from_json(category: Category, item: &serde_json::Value) -> Result<AnyEntry, serde_json::Error> {
        fn entry<D: DeserializeOwned>(item: &serde_json::Value) -> Result<Entry<D>, serde_json::Error> {
            Entry::<D>::deserialize(item)
        }
        Ok(match category {
            Category::PainPoint => AnyEntry::PainPoint(entry(item)?),
            Category::Stakeholder => AnyEntry::Stakeholder(entry(item)?),
            Category::System => AnyEntry::System(entry(item)?),
            Category::Regulation => AnyEntry::Regulation(entry(item)?),
            Category::Timeline => AnyEntry::Timeline(entry(item)?),
            Category::Budget => AnyEntry::Budget(entry(item)?),
            Category::Objection => AnyEntry::Objection(entry(item)?),
            Category::Competitor => AnyEntry::Competitor(entry(item)?),
            Category::PreviousAttempt => AnyEntry::PreviousAttempt(entry(item)?),
            Category::NextStep => AnyEntry::NextStep(entry(item)?),
            Category::Prospect => {
                return Err(serde::de::Error::custom(
                    "the prospect is not a list item; set company, prospect_name or prospect_title instead",
                ))
            }
        })
    }

    /// The item's id.
    pub fn id(&self) -> &str {
        each_kind!(self, entry => &entry.item.id)
    }

    /// The list the entry is in.
    pub fn category(&self) -> Category {
        each_kind!(self, entry => entry.item.category)
    }

    /// The item's quote.
    pub fn quote(&self) -> &str {
        each_kind!(self, entry => &entry.item.quote)
    }

    /// The item's start, from the start of the recording.
    pub fn start_ms(&self) -> u64 {
        each_kind!(self, entry => entry.item.start_ms)
    }

    /// What a reviewer did to the item, if anything.
    pub fn review(&self) -> Option<&ReviewMark> {
        each_kind!(self, entry => entry.review.as_ref())
    }

    /// The review mark, to change.
    pub fn review_mut(&mut self) -> &mut Option<ReviewMark> {
        each_kind!(self, entry => &mut entry.review)
    }
}

/// The handoff JSON key that holds items of `category` (the `Extraction` field name): a list for
/// every category but `prospect`, which holds at most one item.
pub fn list_key(category: Category) -> &'static str {
    match category {
        Category::PainPoint => "pain_points",
        Category::Stakeholder => "stakeholders",
        Category::System => "systems",
        Category::Regulation => "regulations",
        Category::Timeline => "timeline",
        Category::Budget => "budget",
        Category::Objection => "objections",
        Category::Competitor => "competitors",
        Category::PreviousAttempt => "previous_attempts",
        Category::NextStep => "next_steps",
        Category::Prospect => "prospect",
    }
}

/// Why a handoff file cannot be read; every message names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file cannot be read.
    #[error("cannot read handoff {path}: {cause}")]
    Read {
        /// The handoff file.
        path: PathBuf,
        /// Why reading failed.
        cause: std::io::Error,
    },
    /// The file is not JSON of the handoff's shape.
    #[error("{path} is not a valid handoff document ({cause}); rebuild it from the transcript")]
    Parse {
        /// The handoff file.
        path: PathBuf,
        /// The JSON error, with its line and column.
        cause: serde_json::Error,
    },
    /// A handoff written by a build with another schema.
    #[error(
        "{path} has handoff schema version {found}, this build reads version {HANDOFF_SCHEMA_VERSION}; \
         rebuild it from the transcript"
    )]
    Version {
        /// The handoff file.
        path: PathBuf,
        /// Its `schema_version`.
        found: u32,
    },
}

impl Handoff {
    /// `<name>.handoff.json`, pretty-printed so a person can read and diff it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a handoff always serializes")
    }

    /// Reads a handoff file, refusing one of another schema version.
    pub fn load(path: &Path) -> Result<Handoff, DocumentError> {
        let text =
            std::fs::read_to_string(path).map_err(|cause| DocumentError::Read { path: path.to_owned(), cause })?;
        let handoff: Handoff =
            serde_json::from_str(&text).map_err(|cause| DocumentError::Parse { path: path.to_owned(), cause })?;
        if handoff.schema_version != HANDOFF_SCHEMA_VERSION {
            return Err(DocumentError::Version { path: path.to_owned(), found: handoff.schema_version });
        }
        Ok(handoff)
    }

    /// Number of items of `category`.
    pub fn count(&self, category: Category) -> usize {
        let findings = &self.findings;
        match category {
            Category::PainPoint => findings.pain_points.len(),
            Category::Stakeholder => findings.stakeholders.len(),
            Category::System => findings.systems.len(),
            Category::Regulation => findings.regulations.len(),
            Category::Timeline => findings.timeline.len(),
            Category::Budget => findings.budget.len(),
            Category::Objection => findings.objections.len(),
            Category::Competitor => findings.competitors.len(),
            Category::PreviousAttempt => findings.previous_attempts.len(),
            Category::NextStep => findings.next_steps.len(),
            Category::Prospect => usize::from(self.prospect.is_some()),
        }
    }

    /// The value of an account-level field as the AE sees it: what the reviewer set, else what
    /// the call said. `None` for unknown names and for fields nobody filled.
    pub fn account_field(&self, name: &str) -> Option<serde_json::Value> {
        let from_call = match name {
            "company" => self.summary.company.clone(),
            "prospect_name" => self.summary.prospect_name.clone(),
            "prospect_title" => self.summary.prospect_title.clone(),
            _ => None,
        };
        if let Some(value) = from_call {
            return Some(value.into());
        }
        let account = serde_json::to_value(&self.account).expect("an account always serializes");
        // Blank text and `false` mean the reviewer cleared the field.
        account
            .get(name)
            .filter(|value| match value {
                serde_json::Value::Null | serde_json::Value::Bool(false) => false,
                serde_json::Value::String(text) => !text.trim().is_empty(),
                _ => true,
            })
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_field_list_matches_the_struct() {
        let value = serde_json::to_value(Account::default()).unwrap();
        let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = Account::FIELDS.to_vec();
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
    }

    #[test]
    fn load_checks_json_and_version_and_names_the_file() {
        let dir = std::env::temp_dir().join(format!("handoff-document-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("call.handoff.json");
        let mut handoff = Handoff {
            schema_version: HANDOFF_SCHEMA_VERSION,
            source: Source { file: "call.wav".into(), sha256: "00".into(), duration_ms: 1, truncated: false },
            created_at: "2026-11-20T09:00:00Z".into(),
            model: "m".into(),
            rules_version: "r".into(),
            status: Status::Draft,
            summary: Summary::default(),
            account: Account::default(),
            prospect: None,
            findings: Findings::default(),
            missing: Vec::new(),
        };
        std::fs::write(&path, handoff.to_json()).unwrap();
        assert_eq!(Handoff::load(&path).unwrap(), handoff);

        handoff.schema_version = 2;
        std::fs::write(&path, handoff.to_json()).unwrap();
        let error = Handoff::load(&path).unwrap_err().to_string();
        assert!(error.starts_with(&format!("{} has handoff schema version 2", path.display())), "{error}");

        std::fs::write(&path, "{}").unwrap();
        let error = Handoff::load(&path).unwrap_err().to_string();
        assert!(error.contains("is not a valid handoff document"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn findings_mirror_the_extraction_lists() {
        let keys = |value: serde_json::Value| -> Vec<String> {
            let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
            keys.retain(|key| key != "prospect" && key != "rules_version");
            keys.sort_unstable();
            keys
        };
        let findings = keys(serde_json::to_value(Findings::default()).unwrap());
        assert_eq!(findings, keys(serde_json::to_value(handoff_findings::Extraction::default()).unwrap()));
        let mut named: Vec<String> = [
            Category::PainPoint,
            Category::Stakeholder,
            Category::System,
            Category::Regulation,
            Category::Timeline,
            Category::Budget,
            Category::Objection,
            Category::Competitor,
            Category::PreviousAttempt,
            Category::NextStep,
        ]
        .map(|category| list_key(category).to_owned())
        .to_vec();
        named.sort_unstable();
        assert_eq!(named, findings);
        assert_eq!(list_key(Category::Prospect), "prospect");
    }
}
