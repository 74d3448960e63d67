//! Recording → draft handoff end to end: the fixture calls through the real model and rules.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The four fixture calls processed once for all tests in this file.
fn outputs() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap().keep();
        let output = process(&[&fixture("calls")], &out, &["--json"]);
        assert!(output.status.success(), "{}", stderr(&output));
        out
    })
}

fn handoff(call: &str) -> Value {
    json(&outputs().join(format!("{call}.handoff.json")))
}

fn items<'a>(handoff: &'a Value, list: &str) -> &'a Vec<Value> {
    handoff[list].as_array().unwrap_or_else(|| panic!("no list {list}"))
}

fn find<'a>(handoff: &'a Value, list: &str, field: &str, value: &str) -> Option<&'a Value> {
    items(handoff, list).iter().find(|item| item[field] == value)
}

#[test]
fn every_handoff_validates_against_the_published_schema() {
    let schema = json(&repo().join("schemas/handoff.schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for call in ["stereo_discovery", "healthcare_negation", "fintech_budget", "saas_smb"] {
        let document = handoff(call);
        let errors: Vec<String> =
            validator.iter_errors(&document).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{call}: {errors:#?}");
        assert_eq!(document["status"], "draft");
        assert_eq!(document["schema_version"], 1);
        let markdown = std::fs::read_to_string(outputs().join(format!("{call}.handoff.md"))).unwrap();
        for heading in ["## Pains in their words", "## Stakeholder map", "## Timeline and why", "## Budget"] {
            assert!(markdown.contains(heading), "{call}.handoff.md lacks {heading}");
        }
    }
}

#[test]
fn every_item_carries_its_provenance() {
    for call in ["stereo_discovery", "fintech_budget"] {
        let document = handoff(call);
        let duration = document["source"]["duration_ms"].as_u64().unwrap();
        for list in ["pain_points", "stakeholders", "systems", "regulations", "timeline", "budget", "objections"] {
            for item in items(&document, list) {
                for field in ["id", "category", "quote", "speaker", "rule"] {
                    assert!(item[field].as_str().is_some_and(|v| !v.is_empty()), "{call} {list}: no {field} in {item}");
                }
                let (start, end) = (item["start_ms"].as_u64().unwrap(), item["end_ms"].as_u64().unwrap());
                assert!(start <= end && end <= duration, "{call} {list}: bad times in {item}");
            }
        }
    }
}

#[test]
fn quotes_carry_the_times_of_their_own_words() {
    let call = handoff("stereo_discovery");
    let transcript = json(&outputs().join("stereo_discovery.transcript.json"));
    let segments = transcript["segments"].as_array().unwrap();
    assert!(segments.iter().all(|s| !s["words"].as_array().unwrap().is_empty()), "segments without word times");
    let times = |value: &Value| (value["start_ms"].as_u64().unwrap(), value["end_ms"].as_u64().unwrap());
    let mut shorter = 0;
    for list in ["pain_points", "stakeholders", "systems", "regulations", "timeline", "budget", "objections"] {
        for item in items(&call, list) {
            let (start, end) = times(item);
            // Every quote here lies in one segment: its times lie within that segment's.
            let segment = segments
                .iter()
                .find(|s| s["text"].as_str().unwrap().contains(item["quote"].as_str().unwrap()))
                .unwrap_or_else(|| panic!("{list}: quote of {item} in no segment"));
            let (segment_start, segment_end) = times(segment);
            assert!(segment_start <= start && start <= end && end <= segment_end, "{list}: {item} outside {segment}");
            shorter += usize::from(end - start < segment_end - segment_start);
        }
    }
    assert!(shorter >= 3, "only {shorter} items shorter than their segment");
    // The pain story opens the prospect's first turn; it is heard from its first word: within
    // 300 ms of where the call's script puts that turn.
    let pain = items(&call, "pain_points")
        .iter()
        .find(|p| p["quote"].as_str().unwrap().starts_with("Our reporting is a nightmare."))
        .unwrap_or_else(|| panic!("no reporting pain in {:#?}", items(&call, "pain_points")));
    let truth = json(&fixture("calls/stereo_discovery.truth.json"));
    let turn = truth["script"].as_array().unwrap().iter().find(|t| t["speaker"] == "PROSPECT").unwrap();
    assert!(turn["text"].as_str().unwrap().starts_with("Our reporting is a nightmare."));
    let (start, _) = times(pain);
    assert!(start.abs_diff(turn["start_ms"].as_u64().unwrap()) <= 300, "pain starts at {start} ms, the turn at {turn}");
    // The CFO's sentence is the first of a two-sentence segment: it is over well before the
    // segment's second sentence ends it.
    let cfo = items(&call, "stakeholders").iter().find(|s| s["role"] == "CFO").expect("the CFO");
    let quote = cfo["quote"].as_str().unwrap();
    let segment = segments.iter().find(|s| s["text"].as_str().unwrap().contains(quote)).unwrap();
    let (segment_start, segment_end) = times(segment);
    assert!(segment["text"].as_str().unwrap().trim().len() > quote.len() + 10, "{quote} is all of {segment}");
    assert!(times(cfo).1 + 1000 < segment_end && segment_start <= times(cfo).0, "{cfo} is most of {segment}");
    // The Markdown gives the quote's own time.
    let markdown = std::fs::read_to_string(outputs().join("stereo_discovery.handoff.md")).unwrap();
    let clock = format!("{:02}:{:02}", start / 60_000, start / 1000 % 60);
    assert!(markdown.lines().any(|l| l.contains("Our reporting is a nightmare.") && l.contains(&clock)), "{markdown}");
}

#[test]
fn discovery_call_yields_pain_deadline_budget_and_decision_maker() {
    let call = handoff("stereo_discovery");
    let pains = items(&call, "pain_points");
    assert!(
        pains.iter().any(|p| p["quote"].as_str().unwrap().contains("nightmare") && p["speaker"] == "PROSPECT"),
        "{pains:#?}"
    );
    assert!(pains.iter().all(|p| p["speaker"] != "SDR"), "SDR speech tagged as pain: {pains:#?}");
    let soc2 = find(&call, "regulations", "name", "SOC 2").expect("SOC 2 found");
    assert_eq!(soc2["applies"], true);
    let deadline =
        items(&call, "timeline").iter().find(|t| t["phrase"].as_str().unwrap().contains("Q1")).expect("Q1 deadline");
    assert!(deadline["reason"].as_str().unwrap_or_default().contains("audit"), "{deadline}");
    let budget = &items(&call, "budget")[0];
    assert_eq!(budget["amount_usd"], 40000.0);
    assert_eq!(budget["cycle"], "annual");
    let cfo = find(&call, "stakeholders", "role", "CFO").expect("CFO found");
    assert_eq!(cfo["relation"], "decision_maker");
    assert!(find(&call, "systems", "name", "Tableau").is_some());
}

/// Negation itself is covered on exact text in the extract crate's tests and the quality script;
/// here tiny.en's wording of "HIPAA" varies with the audio, so this checks what a mixed-channel
/// call without a budget must still give.
#[test]
fn call_without_budget_says_so_and_keeps_sdr_talk_out_of_pains() {
    let call = handoff("healthcare_negation");
    assert!(items(&call, "budget").is_empty(), "{:#?}", call["budget"]);
    assert!(call["missing"].as_array().unwrap().iter().any(|m| m.as_str().unwrap().to_lowercase().contains("budget")));
    let pains = items(&call, "pain_points");
    assert!(pains.iter().all(|p| !p["quote"].as_str().unwrap().contains("manual data entry is painful")), "{pains:#?}");
    let attempts = items(&call, "previous_attempts");
    assert!(attempts.iter().any(|a| a["quote"].as_str().unwrap().contains("tried building")), "{attempts:#?}");
    let steps = items(&call, "next_steps");
    assert!(steps.iter().any(|s| s["quote"].as_str().unwrap().contains("security questionnaire")), "{steps:#?}");
}

#[test]
fn spoken_amounts_and_named_decision_makers_are_found() {
    let fintech = handoff("fintech_budget");
    assert!(items(&fintech, "budget").iter().any(|b| b["amount_usd"] == 1_200_000.0), "{:#?}", fintech["budget"]);
    let david = find(&fintech, "stakeholders", "name", "David Park").expect("David Park found");
    assert_eq!(david["role"], "VP of Finance");
    let saas = handoff("saas_smb");
    assert!(items(&saas, "budget").iter().any(|b| b["amount_usd"] == 50_000.0), "{:#?}", saas["budget"]);
    assert_eq!(find(&saas, "regulations", "name", "ISO 27001").expect("ISO 27001")["applies"], true);
    let maria = find(&saas, "stakeholders", "name", "Maria Lopez").expect("Maria Lopez found");
    assert_eq!(maria["relation"], "decision_maker");
}

#[test]
fn up_to_date_recordings_are_skipped_unless_forced() {
    let out = outputs();
    let call = fixture("calls/stereo_discovery.mp3");
    let handoff_path = out.join("stereo_discovery.handoff.json");
    let before = std::fs::read_to_string(&handoff_path).unwrap();

    let again = process(&[&call], out, &["--json"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let summary: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(summary[0]["status"], "skipped", "{summary:#}");
    assert_eq!(std::fs::read_to_string(&handoff_path).unwrap(), before, "a skipped recording was rewritten");

    // Different rules make the draft stale.
    let rules = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("rules/competitors.toml"), rules.path().join("competitors.toml")).unwrap();
    let stale = process(&[&call], out, &["--json", "--rules", rules.path().to_str().unwrap()]);
    assert_eq!(serde_json::from_slice::<Value>(&stale.stdout).unwrap()[0]["status"], "done");

    let forced = process(&[&call], out, &["--json", "--force", "--rules", rules.path().to_str().unwrap()]);
    assert_eq!(serde_json::from_slice::<Value>(&forced.stdout).unwrap()[0]["status"], "done");
}

#[test]
fn a_bad_rule_pack_stops_the_run_before_any_work() {
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(rules.path().join("systems.toml"), "pack = \"systems\"\n[[system]]\nid = \"x\"\nname = \n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let output =
        process(&[&fixture("formats/pcm16_16k.wav")], out.path(), &["--rules", rules.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("systems.toml:4:"), "error must name file and line: {message}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

/// The SDR's review survives re-processing: new rules rebuild the draft, the log is re-applied
/// and the final files are rewritten with the human's decisions, the log itself untouched.
#[test]
fn reprocessing_reapplies_the_review_to_the_new_draft() {
    let out = tempfile::tempdir().unwrap();
    let call = fixture("calls/stereo_discovery.mp3");
    assert!(process(&[&call], out.path(), &[]).status.success());
    let draft_path = out.path().join("stereo_discovery.handoff.json");
    let reviewed = common::handoff(&["review", draft_path.to_str().unwrap(), "--accept-all", "--reviewer", "Sam"]);
    assert!(reviewed.status.success(), "{}", stderr(&reviewed));
    let log_path = out.path().join("stereo_discovery.review.json");
    let log_before = std::fs::read_to_string(&log_path).unwrap();
    let final_path = out.path().join("stereo_discovery.final.json");
    std::fs::remove_file(&final_path).unwrap();

    let rules = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("rules/competitors.toml"), rules.path().join("competitors.toml")).unwrap();
    let again = process(&[&call], out.path(), &["--json", "--rules", rules.path().to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    let summary: Value = serde_json::from_slice(&again.stdout).unwrap();
    let outputs: Vec<&str> = summary[0]["outputs"].as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect();
    assert!(outputs.iter().any(|o| o.ends_with("stereo_discovery.final.json")), "{outputs:?}");

    assert_eq!(std::fs::read_to_string(&log_path).unwrap(), log_before, "re-processing changed the review log");
    let final_doc = json(&final_path);
    let draft = json(&draft_path);
    assert_ne!(final_doc["rules_version"], Value::Null);
    assert_eq!(final_doc["rules_version"], draft["rules_version"], "final built from the new draft");
    let pains = items(&final_doc, "pain_points");
    assert!(!pains.is_empty() && pains.iter().all(|p| p["review"]["state"] == "accepted"), "{pains:#?}");
}
