//! An item of a handoff under review, whatever its category: what applying corrections works
//! on, what matching finds again after re-processing, and what the review page shows.

use crate::log::{Anchor, Correction};
use crate::vet::Checks;
use handoff_document::{list_key, AnyEntry, Findings, ReviewMark, ReviewState};
use handoff_findings::Category;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// One item of a handoff's findings, with what corrections find it by.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct WorkItem {
    entry: AnyEntry,
    /// Kept until the end so that a later accept or edit can bring the item back.
    #[serde(skip)]
    pub(crate) rejected: bool,
}

impl WorkItem {
    /// The item `fields` (JSON, without `review`) make, as the category they name; `what` the
    /// item is, for the reason when they make none.
    pub(crate) fn from_fields(fields: &Map<String, Value>, what: &str) -> Result<WorkItem, String> {
        let named = fields.get("category").cloned().unwrap_or_default();
        let category: Category = serde_json::from_value(named.clone())
            .map_err(|_| format!("the {what} item's category {named} is not a known category"))?;
        let entry = AnyEntry::from_json(category, &Value::Object(fields.clone()))
            .map_err(|error| format!("the {what} item is not a valid {}: {error}", category.as_str()))?;
        Ok(WorkItem { entry, rejected: false })
    }

    /// The item's id, which corrections name it by.
    pub fn id(&self) -> &str {
        self.entry.id()
    }

    /// The list the item is in.
    pub fn category(&self) -> Category {
        self.entry.category()
    }

    /// Who reviewed the item and how, if anybody did.
    pub fn review(&self) -> Option<&ReviewMark> {
        self.entry.review()
    }

    /// Where the item is in the call, to find it again when re-processing changes its id.
    pub fn anchor(&self) -> Anchor {
        Anchor { quote: self.quote().to_owned(), start_ms: self.start_ms() }
    }

    pub(crate) fn quote(&self) -> &str {
        self.entry.quote()
    }

    pub(crate) fn start_ms(&self) -> u64 {
        self.entry.start_ms()
    }

    /// Records who touched the item; the state only rises (accepted → edited → added).
    pub(crate) fn mark(&mut self, state: ReviewState, correction: &Correction) {
        let review = self.entry.review_mut();
        let state = review.as_ref().map_or(state, |mark| mark.state.max(state));
        *review = Some(ReviewMark { state, by: correction.by.clone(), at: correction.at.clone() });
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
        // Edited as JSON, so an edit can set any field of any kind and move the item to another list.
        let mut fields = self.fields();
        fields.extend(changed.clone());
        let mut edited = WorkItem::from_fields(&fields, "edited")?;
        if let Some(checks) = checks {
            checks.item(&fields, changed)?;
        }
        *edited.entry.review_mut() = self.entry.review_mut().take();
        *self = edited;
        self.mark(ReviewState::Edited, correction);
        Ok(())
    }

    /// The item's fields as JSON, without its review mark.
    fn fields(&self) -> Map<String, Value> {
        let mut fields = self.json();
        fields.remove("review");
        fields
    }

    /// The item as the handoff holds it, review mark included.
    pub fn json(&self) -> Map<String, Value> {
        match to_json(&self.entry) {
            Value::Object(fields) => fields,
            _ => unreachable!("an entry serializes as an object"),
        }
    }

    pub(crate) fn into_entry(self) -> AnyEntry {
        self.entry
    }
}

impl Anchor {
    /// Where the item with these fields (JSON) is: its quote and start.
    pub fn of(fields: &Map<String, Value>) -> Anchor {
        Anchor {
            quote: fields.get("quote").and_then(Value::as_str).unwrap_or_default().to_owned(),
            start_ms: fields.get("start_ms").and_then(Value::as_u64).unwrap_or_default(),
        }
    }
}

/// Every item of `findings`, in the order of their lists' names: the order the review has always
/// listed them in, which `--accept-all` logs its accepts in and the page shows rejected items in.
pub fn work_items(findings: &Findings) -> Vec<WorkItem> {
    let mut entries = findings.entries();
    entries.sort_by_key(|entry| list_key(entry.category()));
    entries.into_iter().map(|entry| WorkItem { entry, rejected: false }).collect()
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
