//! The shape of a rule pack file as written by a sales team, and which tables each kind of pack
//! may hold. Values keep their position in the file (`Spanned`) so validation can name the line.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

pub(crate) use crate::kinds::{CueKind, EntityKind};

/// One rule pack file. Every table is optional here; `PackSpec` says which ones a kind reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackDoc {
    /// The kind of pack: decides which tables are read and what they mean.
    pub pack: Spanned<String>,
    /// Confidence of rules that do not set their own.
    pub default_confidence: Option<Spanned<f32>>,
    /// Regex fragments usable as `{name}` inside any pack's `patterns` (vocabulary pack only).
    #[serde(default)]
    pub macros: BTreeMap<String, Spanned<String>>,
    /// Capitalised words that are never a person's name (stakeholders pack only).
    #[serde(default)]
    pub not_names: Vec<Spanned<String>>,
    /// First names recognised even without a role next to them (stakeholders pack only).
    #[serde(default)]
    pub first_names: Vec<Spanned<String>>,
    /// Capitalised words and acronyms that are never a product's name: kinds of system ("LMS"),
    /// departments, places (vocabulary pack only).
    #[serde(default)]
    pub not_products: Vec<Spanned<String>>,
    /// Weights of the pain scorer, by signal name (pains pack only; see `pain_score.rs`).
    pub pain_score: Option<Spanned<BTreeMap<String, f32>>>,
    /// Weights of the words a sentence uses, fitted with `pain_score` (pains pack only).
    pub pain_words: Option<Spanned<BTreeMap<String, f32>>>,
    /// Bias and threshold of the objection scorer (objections pack only; see `word_weights.rs`).
    pub objection_score: Option<Spanned<BTreeMap<String, f32>>>,
    /// Weights of the words an objection uses, fitted with `objection_score` (objections pack only).
    pub objection_words: Option<Spanned<BTreeMap<String, f32>>>,
    /// Bias and threshold of the previous-attempt scorer (previous_attempts pack only).
    pub attempt_score: Option<Spanned<BTreeMap<String, f32>>>,
    /// Weights of the words an attempt uses, fitted with `attempt_score` (previous_attempts pack only).
    pub attempt_words: Option<Spanned<BTreeMap<String, f32>>>,

    #[serde(default)]
    pub system: Vec<EntryDef>,
    #[serde(default)]
    pub competitor: Vec<EntryDef>,
    #[serde(default)]
    pub regulation: Vec<EntryDef>,
    #[serde(default)]
    pub role: Vec<EntryDef>,
    #[serde(default)]
    pub quarter: Vec<EntryDef>,

    #[serde(default)]
    pub clause_break: Vec<CueDef>,
    #[serde(default)]
    pub answer: Vec<CueDef>,
    #[serde(default)]
    pub confirm_check: Vec<CueDef>,
    #[serde(default)]
    pub status: Vec<CueDef>,
    #[serde(default)]
    pub negation: Vec<CueDef>,
    #[serde(default)]
    pub title: Vec<CueDef>,
    #[serde(default)]
    pub relation: Vec<CueDef>,
    #[serde(default)]
    pub self_intro: Vec<CueDef>,
    #[serde(default)]
    pub greeting: Vec<CueDef>,
    #[serde(default)]
    pub cue: Vec<CueDef>,
    #[serde(default)]
    pub topic: Vec<CueDef>,
    #[serde(default)]
    pub consequence: Vec<CueDef>,
    #[serde(default)]
    pub name_shape: Vec<CueDef>,
    #[serde(default)]
    pub lead: Vec<CueDef>,
    #[serde(default)]
    pub weak_lead: Vec<CueDef>,
    #[serde(default)]
    pub tail: Vec<CueDef>,
    #[serde(default)]
    pub saying: Vec<CueDef>,
    #[serde(default)]
    pub alternative: Vec<CueDef>,
    #[serde(default)]
    pub past: Vec<CueDef>,
    #[serde(default)]
    pub question: Vec<CueDef>,
    #[serde(default)]
    pub off_topic: Vec<CueDef>,
    #[serde(default)]
    pub understatement: Vec<CueDef>,
    #[serde(default)]
    pub signal: Vec<CueDef>,
    #[serde(default)]
    pub problem_question: Vec<CueDef>,
    #[serde(default)]
    pub pitch: Vec<CueDef>,
    #[serde(default)]
    pub deadline: Vec<CueDef>,
    #[serde(default)]
    pub period: Vec<CueDef>,
    #[serde(default)]
    pub goal: Vec<CueDef>,
    #[serde(default)]
    pub reason: Vec<CueDef>,
    #[serde(default)]
    pub context: Vec<CueDef>,
    #[serde(default)]
    pub cycle: Vec<CueDef>,
    #[serde(default)]
    pub owner: Vec<CueDef>,
    #[serde(default)]
    pub objection: Vec<CueDef>,
    #[serde(default)]
    pub attempt: Vec<CueDef>,
    #[serde(default)]
    pub outcome: Vec<CueDef>,
    #[serde(default)]
    pub attempt_question: Vec<CueDef>,
    #[serde(default)]
    pub step: Vec<CueDef>,
    #[serde(default)]
    pub commitment: Vec<CueDef>,
    #[serde(default)]
    pub when: Vec<CueDef>,
}

/// A dictionary entry: one thing (a system, a regulation, a role...) and every way it is said.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntryDef {
    pub id: Spanned<String>,
    /// Canonical name shown in the handoff whatever alias was heard.
    pub name: Spanned<String>,
    /// Group, e.g. `crm` for a system or `privacy` for a regulation.
    pub kind: Option<Spanned<String>>,
    /// Matched case-insensitively on whole words.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// Matched only with exactly this capitalisation ("Excel" but not "excel at").
    #[serde(default)]
    pub exact_case: Vec<Spanned<String>>,
    /// When set, an alias only counts if one of these words is also in the sentence.
    #[serde(default)]
    pub requires_any: Vec<Spanned<String>>,
    pub confidence: Option<Spanned<f32>>,
}

/// A cue rule: words (`phrases`, whole-word, case-insensitive) or regexes (`patterns`) that
/// signal something, plus what they signal (`value`, named after the table's attribute).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CueDef {
    pub id: Spanned<String>,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    pub confidence: Option<Spanned<f32>>,
    /// How many words may stand between the cue and the thing it qualifies.
    pub window: Option<Spanned<u32>>,
    #[serde(
        rename = "value",
        alias = "status",
        alias = "theme",
        alias = "relation",
        alias = "action",
        alias = "cycle",
        alias = "topic",
        alias = "answer",
        alias = "strength",
        alias = "context",
        alias = "signal"
    )]
    pub value: Option<Spanned<String>>,
}

/// What a cue table's `value` must be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Attribute {
    /// The table has no value.
    None,
    /// Required, one of the listed values.
    OneOf(&'static str, &'static [&'static str]),
    /// Optional; when given, one of the listed values.
    MaybeOneOf(&'static str, &'static [&'static str]),
    /// Optional free text (e.g. an objection topic).
    FreeText(&'static str),
    /// Required free text (e.g. the label of a budget cycle).
    RequiredText(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct CueTable {
    pub table: &'static str,
    pub kind: CueKind,
    pub attribute: Attribute,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct EntityTable {
    pub table: &'static str,
    pub kind: EntityKind,
    /// Allowed `kind` values of an entry; empty means entries have no kind.
    pub kinds: &'static [&'static str],
}

/// One kind of pack: its name (also the built-in file stem) and the tables it reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackSpec {
    pub name: &'static str,
    pub entities: Option<EntityTable>,
    pub cues: &'static [CueTable],
    /// Whether `macros` may appear (vocabulary).
    pub macros: bool,
    /// Whether `not_names` / `first_names` may appear (stakeholders).
    pub name_lists: bool,
}

pub(crate) const SYSTEM_STATUSES: &[&str] = &["current", "evaluating", "leaving", "mentioned"];
pub(crate) const RELATIONS: &[&str] = &["decision_maker", "influencer", "user", "blocker", "budget_owner", "unknown"];
/// The word-list signals of the pain scorer ([[signal]] in pains.toml).
pub(crate) const PAIN_SIGNAL_WORDS: &[&str] = &["lack", "frequency", "effort"];

pub(crate) const PAIN_THEMES: &[&str] =
    &["manual_work", "reporting", "cost", "scale", "compliance", "integration", "performance", "visibility", "other"];
pub(crate) const STEP_ACTIONS: &[&str] = &["meeting", "demo", "send_material", "invite", "trial", "follow_up", "other"];
pub(crate) const ATTEMPT_STRENGTHS: &[&str] = &["strong", "weak"];
pub(crate) const ANSWERS: &[&str] = &["yes", "no", "unsure"];
/// Whether a regulation name shape needs a compliance word in the sentence.
pub(crate) const SHAPE_CONTEXTS: &[&str] = &["required", "none"];
pub(crate) const SYSTEM_KINDS: &[&str] = &[
    "crm",
    "erp",
    "hris",
    "ats",
    "payroll",
    "data_warehouse",
    "database",
    "bi",
    "ticketing",
    "spreadsheet",
    "marketing_automation",
    "sales_engagement",
    "accounting",
    "communication",
    "project_management",
    "documents",
    "ecommerce",
    "payments",
    "ehr",
    "security",
    "dev_tools",
    "planning",
    "etl",
    "cdp",
    "itsm",
    "it_management",
    "cloud",
    "contact_center",
    "pos",
    "practice_management",
    "clearinghouse",
    "life_sciences",
    "lims",
    "lms",
    "sis",
    "tms",
    "wms",
    "supply_chain",
    "telematics",
    "banking_core",
    "lending",
    "legal",
    "construction",
    "field_service",
    "property_management",
    "hospitality",
    "insurance",
    "nonprofit",
    "government",
    "other",
];
pub(crate) const REGULATION_KINDS: &[&str] = &[
    "privacy",
    "security",
    "financial",
    "healthcare",
    "education",
    "government",
    "accessibility",
    "employment",
    "safety",
    "environmental",
    "accounting",
    "trade",
    "quality",
    "housing",
    "other",
];

const fn cue(table: &'static str, kind: CueKind, attribute: Attribute) -> CueTable {
    CueTable { table, kind, attribute }
}

pub(crate) const PACKS: &[PackSpec] = &[
    PackSpec {
        name: "vocabulary",
        entities: Some(EntityTable { table: "quarter", kind: EntityKind::Quarter, kinds: &[] }),
        cues: &[
            cue("clause_break", CueKind::ClauseBreak, Attribute::None),
            cue("answer", CueKind::Answer, Attribute::OneOf("answer", ANSWERS)),
            cue("pitch", CueKind::Pitch, Attribute::None),
            cue("confirm_check", CueKind::ConfirmCheck, Attribute::None),
        ],
        macros: true,
        name_lists: false,
    },
    PackSpec {
        name: "systems",
        entities: Some(EntityTable { table: "system", kind: EntityKind::System, kinds: SYSTEM_KINDS }),
        cues: &[
            cue("status", CueKind::SystemStatus, Attribute::OneOf("status", SYSTEM_STATUSES)),
            cue("lead", CueKind::ProductLead, Attribute::OneOf("status", SYSTEM_STATUSES)),
            cue("weak_lead", CueKind::ProductWeakLead, Attribute::None),
            cue("tail", CueKind::ProductTail, Attribute::MaybeOneOf("status", SYSTEM_STATUSES)),
            cue("saying", CueKind::ProductSaying, Attribute::MaybeOneOf("status", SYSTEM_STATUSES)),
            cue("alternative", CueKind::ProductAlternative, Attribute::None),
            cue("past", CueKind::ProductPast, Attribute::None),
            cue("question", CueKind::ProductQuestion, Attribute::OneOf("status", SYSTEM_STATUSES)),
        ],
        macros: false,
        name_lists: false,
    },
    PackSpec {
        name: "competitors",
        entities: Some(EntityTable { table: "competitor", kind: EntityKind::Competitor, kinds: &[] }),
        cues: &[],
        macros: false,
        name_lists: false,
    },
    PackSpec {
        name: "regulations",
        entities: Some(EntityTable { table: "regulation", kind: EntityKind::Regulation, kinds: REGULATION_KINDS }),
        cues: &[
            cue("negation", CueKind::RegulationNegation, Attribute::None),
            cue("name_shape", CueKind::RegulationShape, Attribute::OneOf("context", SHAPE_CONTEXTS)),
            cue("context", CueKind::RegulationContext, Attribute::None),
        ],
        macros: false,
        name_lists: false,
    },
    PackSpec {
        name: "roles",
        entities: Some(EntityTable { table: "role", kind: EntityKind::Role, kinds: RELATIONS }),
        cues: &[cue("title", CueKind::Title, Attribute::None)],
        macros: false,
        name_lists: false,
    },
    PackSpec {
        name: "stakeholders",
        entities: None,
        cues: &[
            cue("relation", CueKind::Relation, Attribute::OneOf("relation", RELATIONS)),
            cue("self_intro", CueKind::SelfIntro, Attribute::None),
            cue("greeting", CueKind::Greeting, Attribute::None),
        ],
        macros: false,
        name_lists: true,
    },
    PackSpec {
        name: "pains",
        entities: None,
        cues: &[
            cue("cue", CueKind::PainCue, Attribute::OneOf("theme", PAIN_THEMES)),
            cue("topic", CueKind::PainTopic, Attribute::OneOf("theme", PAIN_THEMES)),
            cue("negation", CueKind::PainNegation, Attribute::None),
            cue("consequence", CueKind::PainConsequence, Attribute::OneOf("theme", PAIN_THEMES)),
            cue("off_topic", CueKind::OffTopic, Attribute::None),
            cue("understatement", CueKind::PainUnderstatement, Attribute::None),
            cue("problem_question", CueKind::PainQuestion, Attribute::None),
            cue("signal", CueKind::PainSignal, Attribute::OneOf("signal", PAIN_SIGNAL_WORDS)),
        ],
        macros: false,
        name_lists: false,
    },
    PackSpec {
        name: "timeline",
        entities: None,
        cues: &[
            cue("deadline", CueKind::Deadline, Attribute::None),
            cue("period", CueKind::Period, Attribute::None),
            cue("goal", CueKind::TimelineGoal, Attribute::None),
            cue("reason", CueKind::TimelineReason, Attribute::None),
        ],
        macros: false,
        name_lists: false,
    },
    PackSpec {
        name: "budget",
        entities: None,
        cues: &[
            cue("context", CueKind::BudgetContext, Attribute::None),
            cue("cycle", CueKind::BudgetCycle, Attribute::RequiredText("cycle")),
            cue("owner", CueKind::BudgetOwner, Attribute::None),
            cue("negation", CueKind::BudgetNegation, Attribute::None),
        ],
        macros: false,
        name_lists: false,
    },
    PackSpec {
        name: "objections",
        entities: None,
        cues: &[cue("objection", CueKind::Objection, Attribute::FreeText("topic"))],
        macros: false,
        name_lists: false,
    },
    PackSpec {
        name: "previous_attempts",
        entities: None,
        cues: &[
            cue("attempt", CueKind::Attempt, Attribute::OneOf("strength", ATTEMPT_STRENGTHS)),
            cue("outcome", CueKind::AttemptOutcome, Attribute::None),
            cue("attempt_question", CueKind::AttemptQuestion, Attribute::None),
        ],
        macros: false,
        name_lists: false,
    },
    PackSpec {
        name: "next_steps",
        entities: None,
        cues: &[
            cue("step", CueKind::StepAction, Attribute::OneOf("action", STEP_ACTIONS)),
            cue("commitment", CueKind::StepCommitment, Attribute::None),
            cue("when", CueKind::StepWhen, Attribute::None),
        ],
        macros: false,
        name_lists: false,
    },
];

pub(crate) fn pack_spec(name: &str) -> Option<&'static PackSpec> {
    PACKS.iter().find(|spec| spec.name == name)
}

impl PackDoc {
    pub fn entity_table(&self, table: &str) -> &[EntryDef] {
        match table {
            "system" => &self.system,
            "competitor" => &self.competitor,
            "regulation" => &self.regulation,
            "role" => &self.role,
            "quarter" => &self.quarter,
            _ => &[],
        }
    }

    pub fn cue_table(&self, table: &str) -> &[CueDef] {
        match table {
            "clause_break" => &self.clause_break,
            "answer" => &self.answer,
            "confirm_check" => &self.confirm_check,
            "status" => &self.status,
            "negation" => &self.negation,
            "title" => &self.title,
            "relation" => &self.relation,
            "self_intro" => &self.self_intro,
            "greeting" => &self.greeting,
            "cue" => &self.cue,
            "topic" => &self.topic,
            "consequence" => &self.consequence,
            "name_shape" => &self.name_shape,
            "lead" => &self.lead,
            "weak_lead" => &self.weak_lead,
            "tail" => &self.tail,
            "saying" => &self.saying,
            "alternative" => &self.alternative,
            "past" => &self.past,
            "question" => &self.question,
            "off_topic" => &self.off_topic,
            "understatement" => &self.understatement,
            "signal" => &self.signal,
            "problem_question" => &self.problem_question,
            "pitch" => &self.pitch,
            "deadline" => &self.deadline,
            "period" => &self.period,
            "goal" => &self.goal,
            "reason" => &self.reason,
            "context" => &self.context,
            "cycle" => &self.cycle,
            "owner" => &self.owner,
            "objection" => &self.objection,
            "attempt" => &self.attempt,
            "outcome" => &self.outcome,
            "attempt_question" => &self.attempt_question,
            "step" => &self.step,
            "commitment" => &self.commitment,
            "when" => &self.when,
            _ => &[],
        }
    }

    /// Names of every table that has entries, so a table in the wrong kind of pack is reported
    /// instead of silently ignored.
    pub const TABLES: &'static [&'static str] = &[
        "system",
        "competitor",
        "regulation",
        "role",
        "quarter",
        "clause_break",
        "answer",
        "status",
        "negation",
        "title",
        "relation",
        "self_intro",
        "greeting",
        "cue",
        "topic",
        "consequence",
        "name_shape",
        "lead",
        "weak_lead",
        "tail",
        "saying",
        "alternative",
        "past",
        "question",
        "off_topic",
        "understatement",
        "signal",
        "problem_question",
        "pitch",
        "confirm_check",
        "deadline",
        "period",
        "goal",
        "reason",
        "context",
        "cycle",
        "owner",
        "objection",
        "attempt",
        "outcome",
        "attempt_question",
        "step",
        "commitment",
        "when",
    ];

    /// The id of the first entry of a table, to point at it in an error.
    pub fn first_entry(&self, table: &str) -> Option<&Spanned<String>> {
        self.entity_table(table)
            .first()
            .map(|entry| &entry.id)
            .or_else(|| self.cue_table(table).first().map(|cue| &cue.id))
    }
}
