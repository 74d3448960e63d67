//! The summary and `missing` a draft is built with: gaps, top-pain ranking, key dates.

mod common;

use common::*;
use handoff_document::{build_draft, Gap, ReviewMark, ReviewState};
use handoff_findings::{Extraction, Relation};
use handoff_transcript::Speaker;

fn draft(extraction: Extraction) -> handoff_document::Handoff {
    build_draft(&transcript(), extraction, RULES_VERSION, CREATED_AT)
}

#[test]
fn an_empty_call_misses_everything_in_order() {
    assert_eq!(
        empty().missing,
        [
            "Company not identified",
            "No pain points in the prospect's words",
            "No decision maker named",
            "No budget discussed",
            "No timeline given",
            "No next step agreed",
            "No current systems named",
        ]
    );
}

#[test]
fn the_rich_call_misses_only_the_budget_owner() {
    assert_eq!(rich().gaps(), [Gap::NoBudgetOwner]);
    assert_eq!(rich().missing, ["Budget discussed, but no owner named"]);
}

#[test]
fn a_budget_owner_can_come_from_a_stakeholder_or_the_reviewer() {
    let mut extraction = rich_extraction();
    extraction.stakeholders[1].detail.relation = Relation::BudgetOwner;
    assert_eq!(draft(extraction).gaps(), [Gap::NoDecisionMaker]);

    let mut handoff = rich();
    handoff.account.budget_owner = Some("Dr. Alan Reyes".into());
    handoff.refresh();
    assert!(handoff.missing.is_empty());
}

#[test]
fn pains_only_the_sdr_voiced_do_not_count() {
    let extraction = Extraction {
        pain_points: vec![pain("p", Speaker::Sdr, 5, "So reporting is slow for you?", 0.9, "reporting")],
        ..Extraction::default()
    };
    let handoff = draft(extraction);
    assert!(handoff.summary.top_pains.is_empty());
    assert!(handoff.gaps().contains(&Gap::NoProspectPains));
}

#[test]
fn top_pains_prefer_distinct_themes_then_confidence() {
    let top: Vec<String> = rich().summary.top_pains.into_iter().map(|pain| pain.id).collect();
    // pain-3 (0.85) is more confident than pain-2 (0.8) but repeats manual_work; pain-4 is the SDR's.
    assert_eq!(top, ["pain-1", "pain-2", "pain-5"]);
}

#[test]
fn prospect_words_outrank_unknown_speakers_and_reviewed_pains_count_as_certain() {
    let extraction = Extraction {
        pain_points: vec![
            pain("unknown", Speaker::Unknown, 10, "it is slow", 0.99, "performance"),
            pain("weak", Speaker::Prospect, 20, "kind of annoying", 0.3, "other"),
            pain("strong", Speaker::Prospect, 30, "costs us a fortune", 0.8, "cost"),
        ],
        ..Extraction::default()
    };
    let mut handoff = draft(extraction);
    let ids = |handoff: &handoff_document::Handoff| -> Vec<String> {
        handoff.summary.top_pains.iter().map(|pain| pain.id.clone()).collect()
    };
    assert_eq!(ids(&handoff), ["strong", "weak", "unknown"]);

    handoff.findings.pain_points[1].review =
        Some(ReviewMark { state: ReviewState::Accepted, by: "Sam".into(), at: CREATED_AT.into() });
    handoff.refresh();
    assert_eq!(ids(&handoff), ["weak", "strong", "unknown"]);
}

#[test]
fn summary_reads_the_prospect_and_dedups_dates() {
    let summary = rich().summary;
    assert_eq!(summary.company.as_deref(), Some("Brightside Clinics"));
    assert_eq!(summary.prospect_name.as_deref(), Some("Maria Lopez"));
    assert_eq!(summary.decision_makers, ["Dr. Alan Reyes, CFO"]);
    assert_eq!(summary.key_dates, ["before the end of Q1", "by March 15"]);
}

#[test]
fn reviewer_account_fields_override_what_the_call_said() {
    let mut handoff = rich();
    handoff.account.company = Some("Brightside Health".into());
    handoff.refresh();
    assert_eq!(handoff.summary.company.as_deref(), Some("Brightside Health"));
    assert_eq!(handoff.account_field("company"), Some("Brightside Health".into()));
    assert_eq!(handoff.account_field("prospect_title"), Some("Operations Manager".into()));
    assert_eq!(handoff.account_field("deal_size"), None);
    assert_eq!(handoff.account_field("decision_maker_unknown"), None);
}

#[test]
fn the_draft_records_its_provenance() {
    let handoff = rich();
    assert_eq!(handoff.source.file, "2026-11-19-brightside.wav");
    assert_eq!(handoff.model, "ggml-base.en");
    assert_eq!(handoff.rules_version, RULES_VERSION);
    assert_eq!(handoff.created_at, CREATED_AT);
    let json = handoff.to_json();
    assert!(json.contains("\"status\": \"draft\""));
    assert!(!json.contains("\"review\""), "unreviewed items carry no review mark");
    let back: handoff_document::Handoff = serde_json::from_str(&json).unwrap();
    assert_eq!(back, handoff);
}

#[test]
fn a_reason_that_already_says_because_is_not_doubled() {
    let extraction = Extraction {
        timeline: vec![timeline("t-1", 30, "before Q1", "before Q1", Some("because of the SOC 2 audit"))],
        ..Extraction::default()
    };
    let markdown = handoff_document::render_markdown(&draft(extraction));
    assert!(markdown.contains("— “because of the SOC 2 audit”"), "{markdown}");
    assert!(!markdown.contains("because “because"), "{markdown}");
}
