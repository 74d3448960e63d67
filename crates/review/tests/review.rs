//! Corrections survive re-processing; the required-fields gate decides when a handoff is ready.

use handoff_document::{build_draft, render_markdown, Handoff, ReviewState, Status};
use handoff_findings::{Category, Extraction, Item, Mention, PainPoint, Relation, Stakeholder, Timeline};
use handoff_review::*;
use handoff_transcript::{SourceInfo, Speaker, StageTimings, Transcript, TRANSCRIPT_SCHEMA_VERSION};
use serde_json::{json, Value};

const SHA: &str = "4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a";

/// How a re-processing run differs from the first: new ids, shifted times, a changed word.
#[derive(Clone, Copy)]
struct Run {
    id_prefix: &'static str,
    shift_ms: u64,
    reworded: bool,
}

const FIRST: Run = Run { id_prefix: "", shift_ms: 0, reworded: false };
/// New rules and model: every id changed, times moved by 1.2 s, one word per pain differs.
const MOVED: Run = Run { id_prefix: "v2-", shift_ms: 1_200, reworded: true };

fn item<D>(run: Run, category: Category, id: &str, seconds: u64, quote: &str, detail: D) -> Item<D> {
    let start_ms = seconds * 1000 + run.shift_ms;
    Item {
        id: format!("{}{id}", run.id_prefix),
        category,
        quote: quote.into(),
        speaker: Speaker::Prospect,
        start_ms,
        end_ms: start_ms + 3_000,
        rule: format!("test/{id}"),
        confidence: 0.8,
        detail,
    }
}

fn pain(run: Run, id: &str, seconds: u64, quote: &str, reworded: &str, theme: &str) -> Item<PainPoint> {
    let quote = if run.reworded { reworded } else { quote };
    let theme = PainPoint { theme: theme.into() };
    item(run, Category::PainPoint, id, seconds, quote, theme)
}

/// A call with pains, one stakeholder and a timeline, but no company, decision maker or next step.
fn extraction(run: Run) -> Extraction {
    let dana = "Dana runs finance and signs the contracts";
    Extraction {
        pain_points: vec![
            pain(
                run,
                "pain-1",
                60,
                "We spend two days every month closing the books by hand",
                "We spend 2 days every month closing the books by hand",
                "manual_work",
            ),
            pain(
                run,
                "pain-2",
                120,
                "Our reports are always late and nobody trusts them",
                "Our reports are usually late and nobody trusts them",
                "reporting",
            ),
            pain(
                run,
                "pain-3",
                180,
                "The audit prep takes the whole team a week",
                "The audit prep takes the whole team a week",
                "compliance",
            ),
        ],
        stakeholders: vec![item(
            run,
            Category::Stakeholder,
            "person-1",
            200,
            dana,
            Stakeholder {
                name: Some("Dana Ruiz".into()),
                role: Some("VP Finance".into()),
                relation: Relation::Influencer,
                mentions: vec![Mention { quote: dana.into(), start_ms: 200_000, end_ms: 203_000 }],
            },
        )],
        timeline: vec![item(
            run,
            Category::Timeline,
            "time-1",
            240,
            "by the end of Q one",
            Timeline { phrase: "by the end of Q one".into(), normalized: "by the end of Q1".into(), reason: None },
        )],
        ..Extraction::default()
    }
}

fn draft_of(extraction: Extraction) -> Handoff {
    let transcript = Transcript {
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        source: SourceInfo {
            path: "call.wav".into(),
            sha256: SHA.into(),
            duration_ms: 600_000,
            sample_rate_hz: 8000,
            channels: 2,
            codec: "pcm_s16le".into(),
            truncated: false,
        },
        model: "ggml-base.en".into(),
        channel_layout: "sdr-left".into(),
        timings_ms: StageTimings::default(),
        segments: Vec::new(),
    };
    build_draft(&transcript, extraction, "rules-1", "2026-11-20T09:00:00Z")
}

fn draft(run: Run) -> Handoff {
    draft_of(extraction(run))
}

/// Every item of the handoff as JSON, for looking items up by id whatever their kind.
fn items(handoff: &Handoff) -> Vec<Value> {
    let lists = serde_json::to_value(&handoff.findings).unwrap();
    lists.as_object().unwrap().values().flat_map(|list| list.as_array().unwrap().clone()).collect()
}

fn find(handoff: &Handoff, id: &str) -> Option<Value> {
    items(handoff).into_iter().find(|item| item["id"] == id)
}

fn ids(handoff: &Handoff, list: &str) -> Vec<String> {
    let lists = serde_json::to_value(&handoff.findings).unwrap();
    lists[list].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
}

/// Builds corrections the way the review UI would: one a second, anchored on the item as shown.
struct Reviewer {
    draft: Handoff,
    log: ReviewLog,
}

impl Reviewer {
    fn new(draft: Handoff) -> Reviewer {
        let log = ReviewLog::new(&draft.source.sha256);
        Reviewer { draft, log }
    }

    fn push(&mut self, action: Action, item_id: Option<&str>, category: Option<Category>, after: Option<Value>) {
        let at =
            format!("2026-11-20T10:{:02}:{:02}Z", self.log.corrections.len() / 60, self.log.corrections.len() % 60);
        let shown = item_id.and_then(|id| find(&self.draft, id));
        let after = after.map(|after| after.as_object().unwrap().clone()).unwrap_or_default();
        let target = || Target {
            item_id: item_id.map(Into::into),
            category: category.unwrap(),
            anchor: shown.as_ref().map(|item| Anchor {
                quote: item["quote"].as_str().unwrap().into(),
                start_ms: item["start_ms"].as_u64().unwrap(),
            }),
            before: shown.clone(),
        };
        let change = match action {
            Action::Accept => Change::Accept(target()),
            Action::Reject => Change::Reject(target()),
            Action::Edit => Change::Edit { target: target(), after },
            Action::Add => Change::Add { category: category.unwrap(), after, anchor: None },
            Action::SetField => Change::SetField { before: None, after },
        };
        self.log.corrections.push(Correction { at, by: "Sam".into(), change });
    }

    fn on(&mut self, action: Action, id: &str, category: Category, after: Option<Value>) -> &mut Reviewer {
        self.push(action, Some(id), Some(category), after);
        self
    }

    fn add(&mut self, category: Category, after: Value) -> &mut Reviewer {
        self.push(Action::Add, None, Some(category), Some(after));
        self
    }

    fn set(&mut self, fields: Value) -> &mut Reviewer {
        self.push(Action::SetField, None, None, Some(fields));
        self
    }
}

/// The review most tests start from: one of each action, on the first draft.
fn review() -> Reviewer {
    let mut sam = Reviewer::new(draft(FIRST));
    sam.on(Action::Accept, "pain-1", Category::PainPoint, None)
        .on(Action::Reject, "pain-2", Category::PainPoint, None)
        .on(Action::Edit, "person-1", Category::Stakeholder, Some(json!({"relation": "decision_maker"})))
        .add(
            Category::NextStep,
            json!({"quote": "Demo with Dana next Tuesday", "action": "demo", "when": "next Tuesday", "start_ms": 500_000}),
        )
        .set(json!({"company": "Northwind Traders"}));
    sam
}

fn applied(draft: &Handoff, log: &ReviewLog) -> Applied {
    apply(draft, log).unwrap()
}

fn state(handoff: &Handoff, id: &str) -> Value {
    find(handoff, id).unwrap_or_else(|| panic!("{id} is not in the handoff"))["review"]["state"].clone()
}

/// What the review did, in terms that don't depend on ids: checked on every re-processing.
fn assert_review_landed(final_handoff: &Handoff, prefix: &str) {
    assert_eq!(state(final_handoff, &format!("{prefix}pain-1")), "accepted");
    assert!(find(final_handoff, &format!("{prefix}pain-2")).is_none(), "rejected pain is gone");
    let dana = find(final_handoff, &format!("{prefix}person-1")).unwrap();
    assert_eq!((dana["relation"].clone(), dana["review"]["state"].clone()), (json!("decision_maker"), json!("edited")));
    let step = &serde_json::to_value(&final_handoff.findings.next_steps).unwrap()[0];
    assert!(step["id"].as_str().unwrap().starts_with("human-"), "{step}");
    assert_eq!((step["rule"].clone(), step["review"]["state"].clone()), (json!("human"), json!("added")));
    assert_eq!(final_handoff.summary.company.as_deref(), Some("Northwind Traders"));
    assert_eq!(final_handoff.summary.decision_makers, ["Dana Ruiz, VP Finance"]);
}

#[test]
fn corrections_apply_to_the_draft_they_were_made_on() {
    let sam = review();
    let result = applied(&sam.draft, &sam.log);
    assert_eq!(result.orphans, []);
    assert_eq!(result.stats, ApplyStats { by_id: 3, rematched: 0, added: 1, fields_set: 1, orphaned: 0 });
    assert_review_landed(&result.handoff, "");
    assert_eq!(result.handoff.status, Status::Draft);
    assert!(!result.handoff.missing.contains(&"No decision maker named".to_owned()));
}

#[test]
fn corrections_survive_reprocessing_with_stable_ids() {
    let sam = review();
    let mut reprocessed = draft(FIRST);
    reprocessed.model = "ggml-large-v3".into();
    let result = applied(&reprocessed, &sam.log);
    assert_eq!(result.orphans, []);
    assert_eq!(result.stats.by_id, 3);
    assert_review_landed(&result.handoff, "");
    assert_eq!(result.handoff.model, "ggml-large-v3");
}

#[test]
fn corrections_follow_items_whose_ids_times_and_words_moved() {
    let sam = review();
    let result = applied(&draft(MOVED), &sam.log);
    assert_eq!(result.orphans, []);
    assert_eq!((result.stats.by_id, result.stats.rematched), (0, 3));
    assert_review_landed(&result.handoff, "v2-");
    // The re-processed words and times are kept; only the reviewer's changes are applied.
    let pain = find(&result.handoff, "v2-pain-1").unwrap();
    assert_eq!(pain["start_ms"], 61_200);
    assert!(pain["quote"].as_str().unwrap().contains("2 days"));
}

#[test]
fn a_correction_whose_item_vanished_is_an_orphan_not_dropped() {
    let sam = review();
    let mut without_pain_2 = extraction(MOVED);
    without_pain_2.pain_points.remove(1);
    let result = applied(&draft_of(without_pain_2), &sam.log);
    assert_eq!(result.orphans.len(), 1);
    let orphan = &result.orphans[0];
    assert_eq!((orphan.correction.action(), orphan.correction.item_id()), (Action::Reject, Some("pain-2")));
    assert!(orphan.reason.contains("no item has id pain-2"), "{}", orphan.reason);
    assert!(orphan.reason.contains("no other pain_point within ±5 s of [02:00]"), "{}", orphan.reason);
    assert_eq!(result.stats.orphaned, 1);
    assert_eq!(result.stats.rematched, 2);
}

#[test]
fn a_reused_id_on_another_finding_is_not_trusted() {
    // Re-processing renumbered the pains: `pain-1` now names what was `pain-3`.
    let mut renumbered = extraction(FIRST);
    renumbered.pain_points.swap(0, 2);
    for (index, pain) in renumbered.pain_points.iter_mut().enumerate() {
        pain.id = format!("pain-{}", index + 1);
    }
    let sam = review();
    let result = applied(&draft_of(renumbered.clone()), &sam.log);
    assert_eq!(result.orphans, []);
    let accepted: Vec<String> = result
        .handoff
        .findings
        .pain_points
        .iter()
        .filter(|pain| pain.review.is_some())
        .map(|pain| pain.item.quote.clone())
        .collect();
    assert_eq!(accepted, [renumbered.pain_points[2].quote.clone()], "the accept follows the words, not the reused id");
}

#[test]
fn a_vanished_item_does_not_take_the_match_of_a_similar_neighbour() {
    let month = "We lose two days every month closing the books";
    let quarter = "We lose two days every quarter closing the books";
    let call = |run: Run, with_month: bool| Extraction {
        pain_points: [(with_month, "month", 60, month), (true, "quarter", 63, quarter)]
            .into_iter()
            .filter(|(keep, ..)| *keep)
            .map(|(_, id, seconds, quote)| pain(run, id, seconds, quote, quote, "manual_work"))
            .collect(),
        ..Extraction::default()
    };
    let mut sam = Reviewer::new(draft_of(call(FIRST, true)));
    // The month pain is corrected first, and its quote is 88% like the quarter pain's.
    sam.on(Action::Reject, "month", Category::PainPoint, None).on(Action::Accept, "quarter", Category::PainPoint, None);
    let result = applied(&draft_of(call(MOVED, false)), &sam.log);
    assert_eq!(ids(&result.handoff, "pain_points"), ["v2-quarter"]);
    assert_eq!(state(&result.handoff, "v2-quarter"), "accepted");
    let orphans: Vec<Option<&str>> = result.orphans.iter().map(|orphan| orphan.correction.item_id()).collect();
    assert_eq!(orphans, [Some("month")]);
}

#[test]
fn an_edit_can_move_an_item_to_another_list() {
    let mut sam = Reviewer::new(draft(FIRST));
    sam.on(
        Action::Edit,
        "pain-3",
        Category::PainPoint,
        Some(json!({"category": "objection", "topic": "timing", "quote": "Audit prep eats a week"})),
    );
    let result = applied(&sam.draft, &sam.log);
    assert_eq!(result.orphans, []);
    assert_eq!(ids(&result.handoff, "pain_points"), ["pain-1", "pain-2"]);
    assert_eq!(ids(&result.handoff, "objections"), ["pain-3"]);
    let objection = &result.handoff.findings.objections[0];
    assert_eq!(objection.item.detail.topic.as_deref(), Some("timing"));
    assert_eq!(objection.item.quote, "Audit prep eats a week");
    assert_eq!(objection.review.as_ref().unwrap().state, ReviewState::Edited);
}

#[test]
fn an_edit_that_leaves_an_invalid_item_is_an_orphan() {
    let mut sam = Reviewer::new(draft(FIRST));
    // A competitor needs a name, which a pain point doesn't have.
    sam.on(Action::Edit, "pain-3", Category::PainPoint, Some(json!({"category": "competitor"}))).on(
        Action::Edit,
        "time-1",
        Category::Timeline,
        Some(json!({"start_ms": "soon"})),
    );
    let result = applied(&sam.draft, &sam.log);
    assert_eq!(result.orphans.len(), 2);
    assert!(result.orphans[0].reason.contains("missing field `name`"), "{}", result.orphans[0].reason);
    assert!(result.orphans[1].reason.contains("not a valid timeline"), "{}", result.orphans[1].reason);
    assert_eq!(result.handoff.findings, draft(FIRST).findings, "nothing changed");
}

/// New corrections must make a possible handoff; the same corrections already in a log apply as
/// they were recorded, so an upgrade changes no finished review.
#[test]
fn only_new_corrections_are_held_to_times_quotes_and_dates() {
    let mut sam = Reviewer::new(draft(FIRST));
    sam.on(Action::Edit, "pain-1", Category::PainPoint, Some(json!({"start_ms": 9_000, "end_ms": 8_000})))
        .on(Action::Edit, "pain-3", Category::PainPoint, Some(json!({"end_ms": 600_001})))
        .add(Category::Objection, json!({"quote": "", "start_ms": 1_000}))
        .set(json!({"decision_date": "end of Q3"}))
        // Possible ones pass: times up to the end of the call, a real date.
        .on(Action::Edit, "time-1", Category::Timeline, Some(json!({"start_ms": 599_000, "end_ms": 600_000})))
        .set(json!({"call_date": "2026-11-20"}));
    assert!(applied(&sam.draft, &sam.log).orphans.is_empty(), "recorded before: applied as they were");

    let result = apply_new(&sam.draft, &sam.log, 0).unwrap();
    let reasons: Vec<&str> = result.orphans.iter().map(|orphan| orphan.reason.as_str()).collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    for (reason, expected) in
        reasons.iter().zip(["ends before it starts", "after the call ends", "quote is empty", "not a date"])
    {
        assert!(reason.contains(expected), "{reason}");
    }
    assert_eq!(result.handoff.account.call_date.as_deref(), Some("2026-11-20"));
    assert_eq!(find(&result.handoff, "time-1").unwrap()["end_ms"], 600_000);
    assert_eq!(find(&result.handoff, "pain-1"), find(&draft(FIRST), "pain-1"), "an orphan changes nothing");
    // Only from `first_new` on: the last two are new and fine.
    assert!(apply_new(&sam.draft, &sam.log, 4).unwrap().orphans.is_empty());
}

/// The lock on a review log is exclusive: a second holder waits until the first lets go.
#[test]
fn the_log_lock_waits_for_the_holder() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("call.review.json");
    let released = Arc::new(AtomicBool::new(false));
    let held = LogLock::acquire(&log).unwrap();
    let waiter = {
        let (log, released) = (log.clone(), released.clone());
        std::thread::spawn(move || {
            let _lock = LogLock::acquire(&log).unwrap();
            released.load(Ordering::SeqCst)
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    released.store(true, Ordering::SeqCst);
    drop(held);
    assert!(waiter.join().unwrap(), "the second lock was granted while the first was held");
    assert!(dir.path().join("call.review.json.lock").is_file());
}

#[test]
fn the_later_correction_of_an_item_wins() {
    let mut sam = Reviewer::new(draft(FIRST));
    sam.on(Action::Reject, "pain-1", Category::PainPoint, None)
        .on(Action::Accept, "pain-1", Category::PainPoint, None)
        .on(Action::Accept, "pain-2", Category::PainPoint, None)
        .on(Action::Reject, "pain-2", Category::PainPoint, None)
        .on(Action::Edit, "time-1", Category::Timeline, Some(json!({"normalized": "by March"})))
        .on(Action::Edit, "time-1", Category::Timeline, Some(json!({"normalized": "by April"})))
        .set(json!({"company": "Northwind"}))
        .set(json!({"company": "Northwind Traders"}));
    // Logged out of order: applying goes by time, not by position in the file.
    sam.log.corrections.swap(0, 1);
    let result = applied(&sam.draft, &sam.log);
    assert_eq!(result.orphans, []);
    assert_eq!(ids(&result.handoff, "pain_points"), ["pain-1", "pain-3"]);
    assert_eq!(state(&result.handoff, "pain-1"), "accepted");
    assert_eq!(result.handoff.summary.key_dates, ["by April"]);
    assert_eq!(result.handoff.account.company.as_deref(), Some("Northwind Traders"));
}

#[test]
fn an_accept_after_an_edit_keeps_the_item_marked_edited() {
    let mut sam = Reviewer::new(draft(FIRST));
    sam.on(Action::Edit, "pain-1", Category::PainPoint, Some(json!({"theme": "cost"}))).on(
        Action::Accept,
        "pain-1",
        Category::PainPoint,
        None,
    );
    let result = applied(&sam.draft, &sam.log);
    assert_eq!(state(&result.handoff, "pain-1"), "edited");
}

#[test]
fn malformed_corrections_are_orphans_with_reasons() {
    let mut sam = Reviewer::new(draft(FIRST));
    sam.set(json!({"dael_size": "$50k"}));
    sam.push(Action::Edit, None, Some(Category::PainPoint), Some(json!({"quote": "x"})));
    sam.add(Category::Budget, json!({"id": "mine", "phrase": "50k"}));
    sam.push(Action::Edit, Some("prospect-1"), Some(Category::Prospect), Some(json!({"name": "Dana"})));
    sam.log.corrections.push(Correction { at: "yesterday".into(), ..sam.log.corrections[0].clone() });
    let result = applied(&sam.draft, &sam.log);
    let reasons: Vec<&str> = result.orphans.iter().map(|orphan| orphan.reason.as_str()).collect();
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    assert!(reasons[0].starts_with("`dael_size` is not an account field"), "{}", reasons[0]);
    assert_eq!(reasons[1], "edit needs `item_id` or `anchor` to find the item");
    assert_eq!(reasons[2], "add cannot set `id`");
    assert!(reasons[3].starts_with("the prospect is corrected with set_field"), "{}", reasons[3]);
    assert!(reasons[4].contains("not RFC 3339"), "{}", reasons[4]);
}

#[test]
fn the_same_add_twice_gives_one_item_with_a_stable_id() {
    let mut sam = Reviewer::new(draft(FIRST));
    sam.add(Category::Competitor, json!({"quote": "They also talked to Acme", "name": "Acme"}));
    sam.log.corrections.push(sam.log.corrections[0].clone());
    let first = applied(&sam.draft, &sam.log);
    let again = applied(&draft(MOVED), &sam.log);
    assert_eq!(ids(&first.handoff, "competitors"), ids(&again.handoff, "competitors"));
    assert_eq!(ids(&first.handoff, "competitors").len(), 1);
    let competitor = &first.handoff.findings.competitors[0].item;
    assert_eq!((competitor.speaker, competitor.confidence, competitor.start_ms), (Speaker::Unknown, 1.0, 0));
}

#[test]
fn a_human_added_item_can_be_corrected_later() {
    let mut sam = Reviewer::new(draft(FIRST));
    sam.add(Category::Competitor, json!({"quote": "They also talked to Acme", "name": "Acme"}));
    let added = applied(&sam.draft, &sam.log).handoff.findings.competitors[0].item.id.clone();
    sam.on(Action::Edit, &added, Category::Competitor, Some(json!({"name": "Acme Corp"})));
    let result = applied(&draft(MOVED), &sam.log);
    assert_eq!(result.orphans, []);
    let competitor = &result.handoff.findings.competitors[0];
    assert_eq!((competitor.item.id.as_str(), competitor.item.detail.name.as_str()), (added.as_str(), "Acme Corp"));
    assert_eq!(competitor.review.as_ref().unwrap().state, ReviewState::Added);
}

#[test]
fn a_log_for_another_recording_is_refused() {
    let mut log = review().log;
    log.handoff_source_sha256 = "0".repeat(64);
    let error = apply(&draft(FIRST), &log).unwrap_err();
    assert!(matches!(error, ReviewError::WrongRecording { .. }));
    assert!(error.to_string().contains("pair each handoff with the review.json written beside it"));
}

#[test]
fn the_gate_lists_what_is_missing_until_corrections_fill_it() {
    let requirements = Requirements::load(None).unwrap();
    let mut sam = Reviewer::new(draft(FIRST));
    let mut handoff = applied(&sam.draft, &sam.log).handoff;
    let missing: Vec<String> = check_ready(&handoff, &requirements).into_iter().map(|missing| missing.id).collect();
    assert_eq!(missing, ["decision_maker", "next_step", "company"]);
    let refused = finalize(&mut handoff, &requirements).unwrap_err();
    assert_eq!(refused.missing.len(), 3);
    assert!(refused.to_string().contains("An agreed next step; The company name"), "{refused}");
    assert_eq!(handoff.status, Status::Draft);

    sam.set(json!({"company": "Northwind Traders", "decision_maker_unknown": true})).add(
        Category::NextStep,
        json!({"quote": "Send the ROI sheet", "action": "send_material", "start_ms": 590_000}),
    );
    let mut handoff = applied(&sam.draft, &sam.log).handoff;
    assert_eq!(check_ready(&handoff, &requirements), []);
    finalize(&mut handoff, &requirements).unwrap();
    assert_eq!(handoff.status, Status::Ready);

    let markdown = render_markdown(&handoff);
    assert!(markdown.contains("**READY — reviewed by the SDR**"), "{markdown}");
    assert!(markdown.contains("“Send the ROI sheet” [09:50] *(added by Sam)*"), "{markdown}");
    assert!(markdown.contains("**Decision makers:** unknown (confirmed by the SDR)"), "{markdown}");
}

#[test]
fn clearing_a_field_unmeets_its_requirement() {
    let requirements = Requirements::parse(
        "[[requirement]]\nid = \"size\"\nlabel = \"Deal size\"\nfield = \"deal_size\"\n",
        std::path::Path::new("team.toml"),
    )
    .unwrap();
    let mut sam = Reviewer::new(draft(FIRST));
    sam.set(json!({"deal_size": "$80k"}));
    assert_eq!(check_ready(&applied(&sam.draft, &sam.log).handoff, &requirements), []);
    sam.set(json!({"deal_size": " "}));
    assert_eq!(check_ready(&applied(&sam.draft, &sam.log).handoff, &requirements).len(), 1);
}

#[test]
fn metrics_count_the_review() {
    let requirements = Requirements::load(None).unwrap();
    let mut sam = review();
    sam.on(Action::Accept, "pain-3", Category::PainPoint, None);
    let result = applied(&draft(MOVED), &sam.log);
    let numbers = metrics(&draft(MOVED), &sam.log, &result.handoff, &requirements);
    // Met: pain, decision maker (edited in), timeline, next step (added), company (set).
    assert_eq!(numbers.completeness, 1.0);
    assert_eq!(numbers.items, ItemCounts { accepted: 2, rejected: 1, edited: 1, added: 1 });
    let by_action: Vec<(Action, usize)> = numbers.corrections.into_iter().collect();
    assert_eq!(
        by_action,
        [(Action::Accept, 2), (Action::Reject, 1), (Action::Edit, 1), (Action::Add, 1), (Action::SetField, 1)]
    );
    assert_eq!(numbers.review_seconds, Some(5));

    let untouched = metrics(&draft(FIRST), &ReviewLog::new(SHA), &draft(FIRST), &requirements);
    assert_eq!(untouched.completeness, 2.0 / 5.0);
    assert_eq!(untouched.review_seconds, None);
}

#[test]
fn review_logs_round_trip_and_bad_files_name_the_correction() {
    let dir = std::env::temp_dir().join(format!("handoff-review-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("call.review.json");
    let log = review().log;
    std::fs::write(&path, log.to_json()).unwrap();
    assert_eq!(ReviewLog::load(&path).unwrap(), log);

    let mut broken: Value = serde_json::from_str(&log.to_json()).unwrap();
    broken["corrections"][2].as_object_mut().unwrap().remove("category");
    std::fs::write(&path, broken.to_string()).unwrap();
    let error = ReviewLog::load(&path).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "{}: correction #3 (edit at 2026-11-20T10:00:02Z): edit needs `category`; fix or remove that correction",
            path.display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn schema(name: &str) -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas").join(name);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::draft202012::new(&schema).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn schema_errors(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator.iter_errors(document).map(|error| format!("{error} at {}", error.instance_path())).collect()
}

#[test]
fn review_logs_and_final_handoffs_match_the_published_schemas() {
    let sam = review();
    let log = serde_json::to_value(&sam.log).unwrap();
    let review_schema = schema("review.schema.json");
    assert_eq!(schema_errors(&review_schema, &log), Vec::<String>::new());
    let final_handoff = serde_json::to_value(applied(&sam.draft, &sam.log).handoff).unwrap();
    assert_eq!(schema_errors(&schema("handoff.schema.json"), &final_handoff), Vec::<String>::new());

    let broken: [(usize, Value); 4] = [
        (0, json!({"action": "approve"})),
        (2, json!({"after": {"id": "mine"}})),
        (4, json!({"after": {"dael_size": "$50k"}})),
        (1, json!({"category": null})),
    ];
    for (index, change) in broken {
        let mut document = log.clone();
        for (key, value) in change.as_object().unwrap() {
            document["corrections"][index][key] = value.clone();
        }
        assert!(!schema_errors(&review_schema, &document).is_empty(), "{change} validated");
    }
}

#[test]
fn a_sign_off_keeps_the_handoff_ready_only_while_the_requirements_are_met() {
    let requirements = Requirements::load(None).unwrap();
    let mut sam = review();
    let mut unsigned = applied(&sam.draft, &sam.log).handoff;
    assert_eq!(settle_status(&mut unsigned, false, &requirements), Vec::<Missing>::new());
    assert_eq!(unsigned.status, Status::Draft, "complete but not signed off");

    sam.log.finalized = Some(SignOff { at: "2026-11-20T10:05:00Z".into(), by: "Sam".into() });
    let log = serde_json::to_value(&sam.log).unwrap();
    assert_eq!(schema_errors(&schema("review.schema.json"), &log), Vec::<String>::new());
    // The sign-off travels with the log, so a re-processed draft is ready again.
    let mut reprocessed = applied(&draft(MOVED), &sam.log).handoff;
    settle_status(&mut reprocessed, sam.log.finalized.is_some(), &requirements);
    assert_eq!(reprocessed.status, Status::Ready);

    sam.on(Action::Reject, "time-1", Category::Timeline, None);
    let mut corrected = applied(&sam.draft, &sam.log).handoff;
    let missing = settle_status(&mut corrected, true, &requirements);
    assert_eq!(missing.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["timeline"]);
    assert_eq!(corrected.status, Status::Draft);
}
