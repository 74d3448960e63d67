//! The Markdown layout, compared byte for byte with `tests/golden/rich.md`. After an intended
//! layout change, run with `UPDATE_GOLDEN=1` and review the diff of the golden file.

mod common;

use handoff_document::render_markdown;
use std::path::Path;

#[test]
fn rich_call_renders_as_the_golden_file() {
    let rendered = render_markdown(&common::rich());
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/rich.md");
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1") {
        std::fs::write(&golden, &rendered).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}; run with UPDATE_GOLDEN=1", golden.display()));
    assert!(
        rendered == expected,
        "the rendering differs from {}; if the change is intended, rerun with UPDATE_GOLDEN=1.\n--- rendered ---\n{rendered}",
        golden.display()
    );
}

#[test]
fn an_empty_call_says_so_in_every_section() {
    let rendered = render_markdown(&common::empty());
    for heading in [
        "Pains in their words",
        "Stakeholder map",
        "Technical requirements",
        "Timeline and why",
        "Budget",
        "Objections and the SDR's response",
        "Previous attempts",
    ] {
        let section = rendered.split(&format!("## {heading}\n\n")).nth(1).unwrap();
        assert!(section.starts_with("None mentioned.\n"), "{heading}:\n{section}");
    }
    assert!(rendered.starts_with("# Unknown company\n"));
    assert!(rendered.contains("1. Confirm the company name and which team is buying\n"));
    assert!(rendered.contains("- No budget discussed\n"));
    assert!(rendered.contains("**DRAFT — not yet reviewed by the SDR**\n"));
}

#[test]
fn a_truncated_recording_is_flagged_as_partial_notes_in_json_and_markdown() {
    let mut transcript = common::transcript();
    transcript.source.truncated = true;
    let handoff = handoff_document::build_draft(&transcript, common::rich_extraction(), "r", "2026-11-28T10:00:00Z");
    let json: serde_json::Value = serde_json::from_str(&handoff.to_json()).unwrap();
    assert_eq!(json["source"]["truncated"], true);
    let rendered = render_markdown(&handoff);
    let header = rendered.split("\n## ").next().unwrap();
    assert!(header.contains("**Partial notes: the recording file ends early"), "{header}");
    // A whole recording says nothing of the kind, in either form.
    let whole = common::rich();
    assert!(!whole.to_json().contains("truncated"));
    assert!(!render_markdown(&whole).contains("Partial notes"));
}
