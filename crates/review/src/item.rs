//! An item of a handoff under review, whatever its category: what applying corrections works
//! on, what matching finds again after re-processing, and what the review page shows.

use crate::log::{Anchor, Correction};
use crate::vet::Checks;
use handoff_document::{Findings, ReviewMark, ReviewState};
use handoff_extract::Category;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// One item of a handoff's findings, with what corrections find it by. JSON inside, so an edit can
/// set any field of any kind and move the item between lists; every change is type-checked with
/// [`Findings::check_entry`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkItem {
    #[serde(skip)]
    category: Category,
    /// The item's fields without `review`.
    #[serde(flatten)]
    fields: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    review: Option<ReviewMark>,
    /// Kept until the end so that a later accept or edit can bring the item back.
    #[serde(skip)]
    pub(crate) rejected: bool,
}

impl WorkItem {
    /// A new item of `category` with `fields`, reviewed by nobody yet.
    pub(crate) fn new(category: Category, fields: Map<String, Value>) -> WorkItem {
        WorkItem { category, fields, review: None, rejected: false }
    }

    /// The item's id, which corrections name it by.
    pub fn id(&self) -> &str {
        self.fields.get("id").and_then(Value::as_str).unwrap_or_default()
    }

    /// The list the item is in.
    pub fn category(&self) -> Category {
        self.category
    }

    /// Who reviewed the item and how, if anybody did.
    pub fn review(&self) -> Option<&ReviewMark> {
        self.review.as_ref()
    }

    /// Where the item is in the call, to find it again when re-processing changes its id.
    pub fn anchor(&self) -> Anchor {
        Anchor::of(&self.fields)
    }

    pub(crate) fn quote(&self) -> &str {
        quote(&self.fields)
    }

    pub(crate) fn start_ms(&self) -> u64 {
        start_ms(&self.fields)
    }

    /// Records who touched the item; the state only rises (accepted → edited → added).
    pub(crate) fn mark(&mut self, state: ReviewState, correction: &Correction) {
        let state = self.review.as_ref().map_or(state, |mark| mark.state.max(state));
        self.review = Some(ReviewMark { state, by: correction.by.clone(), at: correction.at.clone() });
    }

    pub(crate) fn accept(&mut self, correction: &Correction) -> Result<(), String> {
        self.rejected = false;
        self.mark(ReviewState::Accepted, correction);
        Ok(())
    }

    pub(crate) fn reject(&mut self) -> Result<(), String> {
        self.rejected = true;
        Ok(())
    }

    pub(crate) fn edit(
        &mut self,
        correction: &Correction,
        changed: &Map<String, Value>,
        checks: Option<Checks>,
    ) -> Result<(), String> {
        let mut fields = self.fields.clone();
        fields.extend(changed.clone());
        let category = checked_category(&fields, "edited")?;
        if let Some(checks) = checks {
            checks.item(&fields, changed)?;
        }
        self.fields = fields;
        self.category = category;
        self.rejected = false;
        self.mark(ReviewState::Edited, correction);
        Ok(())
    }

    /// The item as the handoff holds it, review mark included.
    pub fn into_json(mut self) -> Map<String, Value> {
        if let Some(mark) = self.review {
            self.fields.insert("review".into(), to_json(&mark));
        }
        self.fields
    }
}

impl Anchor {
    /// Where the item with these fields is: its quote and start.
    pub fn of(fields: &Map<String, Value>) -> Anchor {
        Anchor { quote: quote(fields).to_owned(), start_ms: start_ms(fields) }
    }
}

fn quote(fields: &Map<String, Value>) -> &str {
    fields.get("quote").and_then(Value::as_str).unwrap_or_default()
}

fn start_ms(fields: &Map<String, Value>) -> u64 {
    fields.get("start_ms").and_then(Value::as_u64).unwrap_or_default()
}

/// Every item of `findings`, list by list.
pub fn work_items(findings: &Findings) -> Vec<WorkItem> {
    let lists: Map<String, Value> = serde_json::from_value(to_json(findings)).expect("findings are an object of lists");
    let items = lists.into_values().flat_map(|list| {
        serde_json::from_value::<Vec<Map<String, Value>>>(list).expect("every list holds item objects")
    });
    items
        .map(|mut fields| WorkItem {
            category: serde_json::from_value(fields["category"].clone()).expect("items name their category"),
            review: fields.remove("review").map(|mark| serde_json::from_value(mark).expect("review marks round-trip")),
            fields,
            rejected: false,
        })
        .collect()
}

/// Draft items that the `corrected` findings (the draft with a review applied) no longer have:
/// those the reviewer rejected.
pub fn rejected_items(draft: &Findings, corrected: &Findings) -> Vec<WorkItem> {
    let corrected = work_items(corrected);
    let kept: HashSet<&str> = corrected.iter().map(WorkItem::id).collect();
    work_items(draft).into_iter().filter(|item| !kept.contains(item.id())).collect()
}

pub(crate) fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("handoff types always serialize")
}

/// The category the fields name, once they make a valid item of it.
pub(crate) fn checked_category(fields: &Map<String, Value>, what: &str) -> Result<Category, String> {
    let named = fields.get("category").cloned().unwrap_or_default();
    let category: Category = serde_json::from_value(named.clone())
        .map_err(|_| format!("the {what} item's category {named} is not a known category"))?;
    let item = Value::Object(fields.clone());
    Findings::check_entry(category, &item)
        .map_err(|error| format!("the {what} item is not a valid {}: {error}", category.as_str()))?;
    Ok(category)
}
