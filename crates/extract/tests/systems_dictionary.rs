//! The built-in systems dictionary on whole sentences: vertical products are found with their
//! kind, and English words that are also product names ("an epic fail") are not systems.

use handoff_extract::{extract, Extraction, Item, RuleSet, System, SystemStatus};
use handoff_transcript::{Segment, SourceInfo, Speaker, StageTimings, Transcript, TRANSCRIPT_SCHEMA_VERSION};
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(RuleSet::builtin)
}

/// One prospect segment per sentence, 4 s each.
fn run(sentences: &[&str]) -> Extraction {
    let segments = sentences
        .iter()
        .enumerate()
        .map(|(i, text)| Segment {
            start_ms: i as u64 * 4000,
            end_ms: i as u64 * 4000 + 3500,
            speaker: Speaker::Prospect,
            text: text.to_string(),
            words: Vec::new(),
        })
        .collect();
    let transcript = Transcript {
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        source: SourceInfo {
            path: "test.wav".into(),
            sha256: String::new(),
            duration_ms: 0,
            sample_rate_hz: 16_000,
            channels: 2,
            codec: "pcm".into(),
            truncated: false,
        },
        model: "test".into(),
        channel_layout: "sdr-left".into(),
        timings_ms: StageTimings::default(),
        segments,
    };
    extract(&transcript, rules())
}

fn system<'a>(extraction: &'a Extraction, name: &str) -> &'a Item<System> {
    extraction
        .systems
        .iter()
        .find(|s| s.detail.name == name)
        .unwrap_or_else(|| panic!("no {name} in {:#?}", extraction.systems))
}

#[test]
fn vertical_systems_from_the_large_dictionary_are_found() {
    let found = run(&[
        "We moved everything to Paylocity last year.",
        "Our dentists chart in Eaglesoft and claims go through Availity.",
        "The district is moving from Blackboard to Canvas for all students.",
        "Drivers log hours in Motive and dispatch lives in McLeod.",
        "We're replacing Jack Henry with Fiserv DNA next year.",
        "The front desk runs on Opera and we're looking at Mews for the new hotel.",
    ]);
    let kind = |name: &str| system(&found, name).detail.kind.as_str();
    assert_eq!(kind("Paylocity"), "payroll");
    assert_eq!(system(&found, "Paylocity").detail.status, SystemStatus::Current);
    assert_eq!(kind("Eaglesoft"), "ehr");
    assert_eq!(kind("Availity"), "clearinghouse");
    assert_eq!(system(&found, "Blackboard").detail.status, SystemStatus::Leaving);
    assert_eq!(kind("Canvas"), "lms");
    assert_eq!(kind("Motive"), "telematics");
    assert_eq!(kind("McLeod Software"), "tms");
    assert_eq!(system(&found, "Jack Henry").detail.status, SystemStatus::Leaving);
    assert_eq!(kind("Fiserv DNA"), "banking_core");
    assert_eq!(kind("Oracle OPERA"), "hospitality");
    assert_eq!(system(&found, "Mews").detail.status, SystemStatus::Evaluating);
    // Whisper's spellings of a name are aliases, not guesses.
    let heard = run(&["Payroll is in Pay Locity and tickets go to Service Now."]);
    assert_eq!(system(&heard, "Paylocity").rule, "systems/paylocity");
    assert_eq!(system(&heard, "ServiceNow").detail.kind, "itsm");
}

#[test]
fn english_words_that_name_products_are_not_systems() {
    let found = run(&[
        "Honestly that was an epic fail.",
        "Epic fail, to be honest, and everyone knew it.",
        "We built a canvas of ideas on the wall.",
        "Canvas the team before you decide.",
        "Then we grab a square meal, toast the launch and go to the opera.",
        "Our motive is simple, we want the banner up and a clever plan with real synergy.",
        "I concur, we need to retool the process and blend the two teams.",
    ]);
    // Epic, Canvas, Square, Toast, Opera, Motive, Banner, Clever, Synergy, Concur, Retool, Blend.
    assert!(found.systems.is_empty(), "{:#?}", found.systems);
}

#[test]
fn vertical_products_added_to_the_dictionary_are_found() {
    let found = run(&[
        "We post every opening on Indeed and our recruiters screen the candidates.",
        "Support runs on Gladly and the agents like it.",
        "Patients get their appointment reminders from Klara.",
        "Port appointments go through eModal and the terminal runs Navis N4.",
        "We pay our contractors abroad with Wise.",
        "Invoices land in MarginEdge and we order on Sysco Shop.",
        "Our 401k is with Empower.",
        "The cabinets are Pyxis and the lab runs Orchard Harvest.",
    ]);
    let kind = |name: &str| system(&found, name).detail.kind.as_str();
    assert_eq!(kind("Indeed"), "ats");
    assert_eq!(kind("Gladly"), "ticketing");
    assert_eq!(kind("Klara"), "practice_management");
    assert_eq!(kind("Advent eModal"), "tms");
    assert_eq!(kind("Navis N4"), "tms");
    assert_eq!(kind("Wise"), "payments");
    assert_eq!(kind("MarginEdge"), "hospitality");
    assert_eq!(kind("Sysco Shop"), "hospitality");
    assert_eq!(kind("Empower (retirement)"), "hris");
    assert_eq!(kind("BD Pyxis"), "other");
    assert_eq!(kind("Orchard Harvest"), "lims");
}

#[test]
fn english_words_that_name_the_added_products_are_not_systems() {
    let found = run(&[
        "Indeed, we gladly accept that the wise choice is to gather the team first.",
        "Fourth, the breeze was swept away by a monster storm.",
        "Gladly, we will empower the team and toast the mosaic of ideas.",
        "Check point two is the advent of remote work.",
        "Ruby said she would call back on Monday.",
    ]);
    assert!(found.systems.is_empty(), "{:#?}", found.systems);
}
