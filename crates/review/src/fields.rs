//! What the review page lets a reviewer edit on each kind of item and on the account, and the
//! fields an item added by hand gets by default. The page builds its forms from these tables, so
//! a field added here needs no change to the page.

use handoff_findings::Category;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// One list category as the page shows it, and the fields it lets a reviewer edit.
#[derive(Debug, Serialize)]
pub struct CategorySpec {
    /// The items' category.
    pub category: Category,
    /// The handoff list holding the category's items.
    pub list: &'static str,
    /// The list's heading.
    pub label: &'static str,
    /// What one item is called.
    pub singular: &'static str,
    /// The fields of its own, after [`COMMON`].
    pub fields: &'static [Field],
}

/// One field the page lets a reviewer edit.
#[derive(Debug, Serialize)]
pub struct Field {
    /// Its key in the item's (or the account's) JSON.
    pub name: &'static str,
    /// What the page calls it.
    pub label: &'static str,
    /// How the page edits it.
    #[serde(flatten)]
    pub kind: FieldKind,
}

/// How the page shows a field and which JSON value it sends.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    /// A string, possibly empty.
    Text,
    /// A string, or null when left empty.
    OptionalText,
    /// A number, or null when left empty.
    OptionalNumber,
    /// A calendar date `YYYY-MM-DD`, or null when left empty: the server refuses anything else
    /// (see [`crate::DATE_FIELDS`]), so the page offers a date picker.
    OptionalDate,
    /// True or false.
    Flag,
    /// One of `options` exactly (a Rust enum behind it).
    Choice {
        /// Every value allowed.
        options: &'static [&'static str],
        /// The value an item added by hand gets.
        default: &'static str,
    },
    /// Free text with the usual values offered.
    Suggest {
        /// The values offered.
        options: &'static [&'static str],
        /// The value an item added by hand gets.
        default: &'static str,
    },
}

impl Field {
    const fn new(name: &'static str, label: &'static str, kind: FieldKind) -> Field {
        Field { name, label, kind }
    }

    fn default_value(&self) -> Value {
        match self.kind {
            FieldKind::Text => json!(""),
            FieldKind::OptionalText | FieldKind::OptionalNumber | FieldKind::OptionalDate => Value::Null,
            FieldKind::Flag => json!(true),
            FieldKind::Choice { default, .. } | FieldKind::Suggest { default, .. } => json!(default),
        }
    }
}

use FieldKind::*;

/// Shown for every item, whatever its category.
pub const COMMON: [Field; 2] = [
    Field::new("quote", "Quote", Text),
    Field::new("speaker", "Speaker", Choice { options: &["PROSPECT", "SDR", "UNKNOWN"], default: "PROSPECT" }),
];

const fn spec(
    category: Category,
    list: &'static str,
    label: &'static str,
    singular: &'static str,
    fields: &'static [Field],
) -> CategorySpec {
    CategorySpec { category, list, label, singular, fields }
}

/// Every list category, in the order the handoff shows them.
pub const CATEGORIES: [CategorySpec; 10] = [
    spec(
        Category::PainPoint,
        "pain_points",
        "Pain points",
        "Pain point",
        &[Field::new(
            "theme",
            "Theme",
            Suggest {
                options: &[
                    "manual_work",
                    "reporting",
                    "cost",
                    "scale",
                    "compliance",
                    "integration",
                    "performance",
                    "visibility",
                    "other",
                ],
                default: "other",
            },
        )],
    ),
    spec(
        Category::Stakeholder,
        "stakeholders",
        "Stakeholders",
        "Stakeholder",
        &[
            Field::new("name", "Name", OptionalText),
            Field::new("role", "Role", OptionalText),
            Field::new(
                "relation",
                "Relation",
                Choice {
                    options: &["decision_maker", "influencer", "user", "blocker", "budget_owner", "unknown"],
                    default: "unknown",
                },
            ),
        ],
    ),
    spec(
        Category::System,
        "systems",
        "Systems",
        "System",
        &[
            Field::new("name", "Name", Text),
            Field::new(
                "kind",
                "Kind",
                Suggest {
                    options: &["crm", "erp", "hris", "data_warehouse", "bi", "ticketing", "spreadsheet", "other"],
                    default: "other",
                },
            ),
            Field::new(
                "status",
                "Status",
                Choice { options: &["current", "evaluating", "leaving", "mentioned"], default: "current" },
            ),
        ],
    ),
    spec(
        Category::Regulation,
        "regulations",
        "Regulations",
        "Regulation",
        &[Field::new("name", "Name", Text), Field::new("applies", "Applies", Flag)],
    ),
    spec(
        Category::Timeline,
        "timeline",
        "Timeline",
        "Timeline",
        &[
            Field::new("phrase", "Phrase", Text),
            Field::new("normalized", "Normalized", Text),
            Field::new("reason", "Reason", OptionalText),
        ],
    ),
    spec(
        Category::Budget,
        "budget",
        "Budget",
        "Budget",
        &[
            Field::new("phrase", "Phrase", Text),
            Field::new("amount_usd", "Amount (USD)", OptionalNumber),
            Field::new("amount_usd_max", "Up to (USD)", OptionalNumber),
            Field::new("owner", "Owner", OptionalText),
            Field::new("cycle", "Cycle", OptionalText),
        ],
    ),
    spec(Category::Objection, "objections", "Objections", "Objection", &[Field::new("topic", "Topic", OptionalText)]),
    spec(Category::Competitor, "competitors", "Competitors", "Competitor", &[Field::new("name", "Name", Text)]),
    spec(
        Category::PreviousAttempt,
        "previous_attempts",
        "Previous attempts",
        "Previous attempt",
        &[Field::new("tried", "Tried", OptionalText), Field::new("outcome", "Outcome", OptionalText)],
    ),
    spec(
        Category::NextStep,
        "next_steps",
        "Next steps",
        "Next step",
        &[
            Field::new(
                "action",
                "Action",
                Suggest {
                    options: &["meeting", "demo", "send_material", "invite", "trial", "follow_up", "other"],
                    default: "other",
                },
            ),
            Field::new("when", "When", OptionalText),
            Field::new("who", "Who", OptionalText),
        ],
    ),
];

/// The account fields a reviewer fills in when the call did not say them, in
/// [`handoff_document::Account::FIELDS`] order.
pub const ACCOUNT: [Field; 8] = [
    Field::new("company", "Company", OptionalText),
    Field::new("prospect_name", "Prospect name", OptionalText),
    Field::new("prospect_title", "Prospect title", OptionalText),
    Field::new("deal_size", "Deal size", OptionalText),
    Field::new("decision_date", "Decision date", OptionalDate),
    Field::new("budget_owner", "Budget owner", OptionalText),
    Field::new("call_date", "Call date", OptionalDate),
    Field::new("decision_maker_unknown", "No decision maker known yet", Flag),
];

/// Fills in what an item added by hand leaves out: the category's defaults, and for a stakeholder
/// the quote as the one place they were mentioned.
pub(crate) fn complete_added(category: Category, fields: &mut Map<String, Value>) {
    let Some(spec) = CATEGORIES.iter().find(|spec| spec.category == category) else {
        return;
    };
    for field in spec.fields {
        fields.entry(field.name).or_insert_with(|| field.default_value());
    }
    if category == Category::Stakeholder && !fields.contains_key("mentions") {
        let mention: Map<String, Value> = ["quote", "start_ms", "end_ms"]
            .into_iter()
            .filter_map(|key| Some((key.to_owned(), fields.get(key)?.clone())))
            .collect();
        fields.insert("mentions".into(), json!([mention]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_document::{list_key, Account, Findings};

    /// An item added with nothing but a quote and a time is valid in every category, and every
    /// choice the page offers is one the handoff accepts.
    #[test]
    fn defaults_and_choices_make_valid_items() {
        for spec in &CATEGORIES {
            assert_eq!(spec.list, list_key(spec.category));
            let mut base = json!({
                "id": "human-1", "category": spec.category, "quote": "We need this fixed",
                "speaker": "PROSPECT", "start_ms": 1000, "end_ms": 2000, "rule": "human",
                "confidence": 1.0,
            });
            let fields = base.as_object_mut().unwrap();
            complete_added(spec.category, fields);
            Findings::check_entry(spec.category, &base).unwrap_or_else(|error| panic!("{}: {error}", spec.list));
            for field in spec.fields.iter().chain(&COMMON) {
                if let Choice { options, .. } = field.kind {
                    for option in options {
                        let mut item = base.clone();
                        item[field.name] = json!(option);
                        Findings::check_entry(spec.category, &item)
                            .unwrap_or_else(|error| panic!("{}.{} = {option}: {error}", spec.list, field.name));
                    }
                }
            }
        }
    }

    #[test]
    fn account_fields_are_the_documents() {
        let names: Vec<&str> = ACCOUNT.iter().map(|field| field.name).collect();
        assert_eq!(names, Account::FIELDS);
        let dates: Vec<&str> =
            ACCOUNT.iter().filter(|field| matches!(field.kind, OptionalDate)).map(|field| field.name).collect();
        assert_eq!(dates, crate::DATE_FIELDS, "the page offers a date picker for every date the server checks");
    }
}
