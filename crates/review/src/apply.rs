//! Re-applying a review log to a draft: the same log works on the first draft and on any later
//! one of the same recording, and every correction either lands or comes back as an orphan.

use crate::item::{to_json, work_items, WorkItem};
use crate::log::{Anchor, Change, Correction, ReviewError, ReviewLog};
use crate::matching::{Found, Targets};
use crate::vet::Checks;
use handoff_document::{Account, Findings, Handoff, ReviewState, Status};
use handoff_findings::Category;
use handoff_transcript::Speaker;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// A review log applied to a draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The corrected handoff, still `draft` until [`crate::finalize`] passes it.
    pub handoff: Handoff,
    /// Corrections that could not be applied, in log order, each with the reason.
    pub orphans: Vec<Orphan>,
    /// How the corrections landed.
    pub stats: ApplyStats,
}

/// A correction that no longer lands on the draft: kept in the log, shown to the reviewer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Orphan {
    /// As in the log.
    pub correction: Correction,
    /// Why it does not land, for the reviewer.
    pub reason: String,
}

/// How the corrections landed; a rising `rematched` count after re-processing is expected, a
/// rising `orphaned` count means the anchors no longer find their items.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyStats {
    /// Found their item by id.
    pub by_id: usize,
    /// Found their item by quote and time because the id had changed.
    pub rematched: usize,
    /// Items the reviewer added.
    pub added: usize,
    /// Account fields the reviewer set.
    pub fields_set: usize,
    /// Corrections that did not land.
    pub orphaned: usize,
}

/// How one correction landed.
enum Landed {
    ById,
    Rematched,
    Added,
    FieldsSet,
}

/// Applies `log` to `draft`, oldest correction first, so a later correction of the same item wins.
/// Fails only when the log belongs to another recording; anything wrong with a single correction
/// makes it an orphan instead.
pub fn apply(draft: &Handoff, log: &ReviewLog) -> Result<Applied, ReviewError> {
    apply_new(draft, log, log.corrections.len())
}

/// [`apply`] while corrections are being recorded: those from position `first_new` of the log on
/// are new and must also keep their item's times inside the call, its quote non-empty and account
/// dates real dates (see [`crate::DATE_FIELDS`]); one that does not is an orphan with the reason.
pub fn apply_new(draft: &Handoff, log: &ReviewLog, first_new: usize) -> Result<Applied, ReviewError> {
    if log.handoff_source_sha256 != draft.source.sha256 {
        return Err(ReviewError::WrongRecording {
            log_sha256: log.handoff_source_sha256.clone(),
            draft_sha256: draft.source.sha256.clone(),
        });
    }
    let mut orphans: Vec<(usize, Orphan)> = Vec::new();
    let mut ordered = Vec::new();
    for (position, correction) in log.corrections.iter().enumerate() {
        match correction.check() {
            Ok(when) => ordered.push((when, position, correction)),
            Err(reason) => orphans.push((position, Orphan::new(correction, reason))),
        }
    }
    // Stable, so corrections logged within the same second keep their logged order.
    ordered.sort_by_key(|(when, ..)| *when);
    let mut work = Work::new(draft, log, first_new);
    let mut stats = ApplyStats::default();
    for (_, position, correction) in ordered {
        match work.apply(position, correction) {
            Ok(Landed::ById) => stats.by_id += 1,
            Ok(Landed::Rematched) => stats.rematched += 1,
            Ok(Landed::Added) => stats.added += 1,
            Ok(Landed::FieldsSet) => stats.fields_set += 1,
            Err(reason) => orphans.push((position, Orphan::new(correction, reason))),
        }
    }
    orphans.sort_by_key(|(position, _)| *position);
    stats.orphaned = orphans.len();
    Ok(Applied { handoff: work.finish(draft), orphans: orphans.into_iter().map(|(_, orphan)| orphan).collect(), stats })
}

impl Orphan {
    fn new(correction: &Correction, reason: String) -> Orphan {
        Orphan { correction: correction.clone(), reason }
    }
}

struct Work {
    items: Vec<WorkItem>,
    account: Account,
    targets: Targets,
    /// Log positions from here on are new corrections, checked as they are recorded.
    first_new: usize,
    checks: Checks,
}

impl Work {
    fn new(draft: &Handoff, log: &ReviewLog, first_new: usize) -> Work {
        let items = work_items(&draft.findings);
        let added: HashSet<String> = log
            .corrections
            .iter()
            .filter_map(|correction| match &correction.change {
                Change::Add { category, after, .. } => Some(human_id(correction, *category, after)),
                _ => None,
            })
            .collect();
        let targets = Targets::resolve(&items, log, &added);
        let checks = Checks { duration_ms: draft.source.duration_ms };
        Work { items, account: draft.account.clone(), targets, first_new, checks }
    }

    fn apply(&mut self, position: usize, correction: &Correction) -> Result<Landed, String> {
        let checks = (position >= self.first_new).then_some(self.checks);
        match &correction.change {
            Change::SetField { after, .. } => self.set_fields(after, checks),
            Change::Add { category, after, anchor } => self.add(correction, *category, after, anchor.as_ref(), checks),
            Change::Accept(_) => self.change(position, correction, |item| item.accept(correction)),
            Change::Reject(_) => self.change(position, correction, WorkItem::reject),
            Change::Edit { after, .. } => {
                self.change(position, correction, |item| item.edit(correction, after, checks))
            }
        }
    }

    fn change(
        &mut self,
        position: usize,
        correction: &Correction,
        change: impl FnOnce(&mut WorkItem) -> Result<(), String>,
    ) -> Result<Landed, String> {
        let (id, how) = self.targets.of(position, correction)?;
        // Only an item added by a correction that did not apply can be missing here.
        let index =
            self.position(id).ok_or_else(|| format!("item {id} was to be added by a correction that did not apply"))?;
        change(&mut self.items[index])?;
        Ok(match how {
            Found::ById => Landed::ById,
            Found::Rematched => Landed::Rematched,
        })
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|item| item.id() == id)
    }

    fn add(
        &mut self,
        correction: &Correction,
        category: Category,
        after: &Map<String, Value>,
        anchor: Option<&Anchor>,
        checks: Option<Checks>,
    ) -> Result<Landed, String> {
        let start_ms = anchor.map_or(0, |anchor| anchor.start_ms);
        let mut fields = Map::new();
        fields.insert("speaker".into(), to_json(&Speaker::Unknown));
        fields.insert("start_ms".into(), start_ms.into());
        // A reviewer who adds an item vouches for it.
        fields.insert("confidence".into(), 1.0.into());
        fields.extend(after.clone());
        if !fields.contains_key("end_ms") {
            fields.insert("end_ms".into(), fields["start_ms"].clone());
        }
        fields.insert("id".into(), human_id(correction, category, after).into());
        fields.insert("category".into(), to_json(&category));
        fields.insert("rule".into(), "human".into());
        let mut item = WorkItem::from_fields(&fields, "added")?;
        if let Some(checks) = checks {
            // Everything about an added item is the reviewer's.
            checks.item(&fields, &fields)?;
        }
        item.mark(ReviewState::Added, correction);
        // The same add logged twice yields the same id: keep one item.
        match self.position(item.id()) {
            Some(index) => self.items[index] = item,
            None => self.items.push(item),
        }
        Ok(Landed::Added)
    }

    fn set_fields(&mut self, changed: &Map<String, Value>, checks: Option<Checks>) -> Result<Landed, String> {
        if let Some(checks) = checks {
            checks.account(changed)?;
        }
        let mut account: Map<String, Value> =
            serde_json::from_value(to_json(&self.account)).expect("an account is an object");
        account.extend(changed.clone());
        self.account = serde_json::from_value(Value::Object(account))
            .map_err(|error| format!("the account fields are not valid: {error}"))?;
        Ok(Landed::FieldsSet)
    }

    fn finish(self, draft: &Handoff) -> Handoff {
        let mut findings = Findings::default();
        let mut kept: Vec<WorkItem> = self.items.into_iter().filter(|item| !item.rejected).collect();
        // Stable: items at the same moment keep the extraction's order.
        kept.sort_by_key(WorkItem::start_ms);
        for item in kept {
            findings.push(item.into_entry());
        }
        let mut handoff = Handoff { status: Status::Draft, account: self.account, findings, ..draft.clone() };
        handoff.refresh();
        handoff
    }
}

/// `human-` and a hash of who added what when (the add `correction` of a `category` item with
/// `after`): stable across re-applying the same log, so later corrections of an added item can
/// name it.
fn human_id(correction: &Correction, category: Category, after: &Map<String, Value>) -> String {
    let mut hasher = Sha256::new();
    for part in
        [correction.by.as_str(), correction.at.as_str(), &to_json(&category).to_string(), &to_json(after).to_string()]
    {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().take(6).map(|byte| format!("{byte:02x}")).collect();
    format!("human-{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Logs written by earlier builds name added items by these ids, so the hash must not change.
    #[test]
    fn an_added_item_keeps_the_id_earlier_builds_gave_it() {
        let after = json!({"quote": "They also talked to Acme", "name": "Acme"}).as_object().unwrap().clone();
        let change = Change::Add { category: Category::Competitor, after: after.clone(), anchor: None };
        let correction = Correction { at: "2026-11-20T10:00:00Z".into(), by: "Sam".into(), change };
        assert_eq!(human_id(&correction, Category::Competitor, &after), "human-2bdb243da457");
    }
}
