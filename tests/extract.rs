//! `handoff extract` end to end: transcripts as Zoom, Teams, a dialer and a notes app export
//! them (fixtures/transcripts/), through the real binary. No audio and no model.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn extract(inputs: &[&Path], out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<&str> = vec!["extract", "--out", out.to_str().unwrap()];
    args.extend(extra);
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    handoff(&args)
}

fn transcript(name: &str) -> std::path::PathBuf {
    fixture(&format!("transcripts/{name}"))
}

/// The quotes of one category said by `speaker`.
fn quotes_by(handoff: &Value, category: &str, speaker: &str) -> Vec<String> {
    handoff[category]
        .as_array()
        .unwrap_or_else(|| panic!("no {category} list in {handoff:#}"))
        .iter()
        .filter(|item| item["speaker"] == speaker)
        .map(|item| item["quote"].as_str().unwrap().to_string())
        .collect()
}

fn names(handoff: &Value, category: &str) -> Vec<String> {
    handoff[category].as_array().unwrap().iter().map(|item| item["name"].as_str().unwrap().to_string()).collect()
}

/// The summary's speakers of one file as (name, role).
fn speakers(report: &Value) -> Vec<(String, String)> {
    report["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s["role"].as_str().unwrap().to_string()))
        .collect()
}

fn pair(name: &str, role: &str) -> (String, String) {
    (name.to_string(), role.to_string())
}

/// The Markdown is the JSON draft rendered exactly as `process` renders it.
fn assert_markdown_matches(out: &Path, stem: &str) {
    let draft = handoff_document::Handoff::load(&out.join(format!("{stem}.handoff.json"))).unwrap();
    let markdown = std::fs::read_to_string(out.join(format!("{stem}.handoff.md"))).unwrap();
    assert_eq!(markdown, handoff_document::render_markdown(&draft), "{stem}");
}

#[test]
fn zoom_and_teams_captions_give_handoffs_in_the_prospects_words() {
    let out = tempfile::tempdir().unwrap();
    let (zoom, teams) = (transcript("zoom_discovery.vtt"), transcript("teams_support.vtt"));
    let output = extract(&[&zoom, &teams], out.path(), &["--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let reports = summary.as_array().unwrap();
    assert_eq!(reports.len(), 2);

    // Zoom: `Name: text` cues; Jordan introduces Acme, so he is the SDR.
    assert_eq!(reports[0]["format"], "webvtt");
    assert_eq!(reports[0]["roles_from"], "introduction");
    assert_eq!(speakers(&reports[0]), [pair("Jordan Blake", "SDR"), pair("Dana Ortiz", "PROSPECT")]);
    let zoom_draft = json(&out.path().join("zoom_discovery.handoff.json"));
    let pains = quotes_by(&zoom_draft, "pain_points", "PROSPECT");
    assert!(pains.iter().any(|q| q.contains("our reporting is a nightmare")), "{pains:?}");
    // The pain continued on the cue's second line.
    assert!(pains.iter().any(|q| q.contains("exporting data from Salesforce into Excel")), "{pains:?}");
    assert!(quotes_by(&zoom_draft, "pain_points", "SDR").is_empty());
    assert_eq!(names(&zoom_draft, "systems"), ["Salesforce", "Excel"]);
    assert_eq!(zoom_draft["budget"][0]["amount_usd"], 40_000.0);
    assert_eq!(zoom_draft["budget"][0]["speaker"], "PROSPECT");
    assert_eq!(zoom_draft["source"]["file"], "zoom_discovery.vtt");
    assert_eq!(zoom_draft["source"]["duration_ms"], 54_700);
    assert_eq!(zoom_draft["model"], "imported-webvtt");
    assert_eq!(zoom_draft["status"], "draft");
    // Times come from the cues: the reporting pain was said at 12.9 s.
    let nightmare = zoom_draft["pain_points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["quote"].as_str().unwrap().contains("nightmare"));
    assert_eq!(nightmare.unwrap()["start_ms"], 12_900);

    // Teams: `<v Name>` voices; the prospect answers first, Priya introduces Northwind.
    assert_eq!(speakers(&reports[1]), [pair("Marcus Webb", "PROSPECT"), pair("Priya Nair", "SDR")]);
    let teams_draft = json(&out.path().join("teams_support.handoff.json"));
    let pains = quotes_by(&teams_draft, "pain_points", "PROSPECT");
    assert!(pains.iter().any(|q| q.contains("copy customer notes from Zendesk into Jira by hand")), "{pains:?}");
    assert!(names(&teams_draft, "systems").contains(&"Zendesk".to_string()));
    assert_eq!(teams_draft["budget"][0]["amount_usd"], 50_000.0);
    assert_eq!(teams_draft["stakeholders"][0]["name"], "Maria Lopez");

    for stem in ["zoom_discovery", "teams_support"] {
        assert_markdown_matches(out.path(), stem);
    }
    let markdown = std::fs::read_to_string(out.path().join("zoom_discovery.handoff.md")).unwrap();
    assert!(markdown.contains("our reporting is a nightmare"), "{markdown}");
}

#[test]
fn sdr_names_decide_who_the_prospect_is() {
    let out = tempfile::tempdir().unwrap();
    // Told the other way round, Marcus's complaints are the seller's and no pain any more.
    let output = extract(&[&transcript("teams_support.vtt")], out.path(), &["--json", "--sdr", "marcus"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary[0]["roles_from"], "sdr-names");
    assert_eq!(speakers(&summary[0]), [pair("Marcus Webb", "SDR"), pair("Priya Nair", "PROSPECT")]);
    let draft = json(&out.path().join("teams_support.handoff.json"));
    let pains = quotes_by(&draft, "pain_points", "SDR");
    assert!(
        !pains.iter().chain(&quotes_by(&draft, "pain_points", "PROSPECT")).any(|q| q.contains("Jira")),
        "{pains:?}"
    );

    // A name that is nobody's: warned, and the introduction decides.
    let output = extract(&[&transcript("teams_support.vtt")], out.path(), &["--json", "--sdr", "Jordan"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary[0]["roles_from"], "introduction");
    assert!(stderr(&output).contains("no speaker is named like --sdr Jordan"), "{}", stderr(&output));
}

#[test]
fn srt_and_plain_text_transcripts() {
    let out = tempfile::tempdir().unwrap();
    let (srt, text) = (transcript("dialer_fintech.srt"), transcript("notes_smb.txt"));
    let output = extract(&[&srt, &text], out.path(), &["--sdr", "Sam Rivera", "--sdr", "tom"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("2 extracted, 0 failed"), "{table}");
    assert!(table.contains(&format!("wrote {}", out.path().join("notes_smb.handoff.md").display())), "{table}");

    let dialer = json(&out.path().join("dialer_fintech.handoff.json"));
    let pains = quotes_by(&dialer, "pain_points", "PROSPECT");
    assert!(pains.iter().any(|q| q.contains("costs us a fortune in analyst time")), "{pains:?}");
    assert_eq!(names(&dialer, "systems"), ["NetSuite", "Snowflake"]);
    assert_eq!(dialer["budget"][0]["amount_usd"], 1_200_000.0);
    assert_eq!(dialer["next_steps"][0]["speaker"], "SDR");

    let notes = json(&out.path().join("notes_smb.handoff.json"));
    let pains = quotes_by(&notes, "pain_points", "PROSPECT");
    assert!(pains.iter().any(|q| q.contains("We copy notes from HubSpot into Jira by hand")), "{pains:?}");
    // "and a lot of Google Sheets" continued Maria's turn on the next line.
    assert!(names(&notes, "systems").contains(&"Google Sheets".to_string()), "{notes:#}");
    assert_eq!(notes["budget"][0]["amount_usd"], 50_000.0);
    // No times in the file: synthesized from words, in order.
    let starts: Vec<u64> =
        notes["pain_points"].as_array().unwrap().iter().map(|p| p["start_ms"].as_u64().unwrap()).collect();
    assert!(starts.iter().all(|&start| start > 0), "{starts:?}");
    assert_markdown_matches(out.path(), "notes_smb");
}

#[test]
fn a_bad_file_is_named_with_its_line_and_the_others_still_extracted() {
    let out = tempfile::tempdir().unwrap();
    let (bad, good) = (transcript("bad_timing.vtt"), transcript("notes_smb.txt"));
    let output = extract(&[&bad, &good], out.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let errors = stderr(&output);
    assert!(errors.contains("bad_timing.vtt:8: `00:00:04.500 -> 00:00:09.000` is not a cue timing"), "{errors}");
    let written: Vec<String> =
        std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!written.iter().any(|name| name.starts_with("bad_timing")), "{written:?}");
    assert!(out.path().join("notes_smb.handoff.json").is_file(), "{written:?}");

    // A text file that is no transcript: its first line is named.
    let notes = out.path().join("meeting.txt");
    std::fs::write(&notes, "Agenda for Tuesday\nJordan: hi\n").unwrap();
    let output = extract(&[&notes], out.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("meeting.txt:1: `Agenda for Tuesday` is not a turn"), "{}", stderr(&output));
    assert!(!out.path().join("meeting.handoff.json").exists());

    // Nothing can run at all: exit 2.
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(rules.path().join("pains.toml"), "this is = not [toml").unwrap();
    let output = extract(&[&good], out.path(), &["--rules", rules.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn own_transcript_json_keeps_its_speakers_and_recording() {
    let dir = tempfile::tempdir().unwrap();
    let sha256 = "ab".repeat(32);
    let segment = |start_ms: u64, speaker: &str, text: &str| serde_json::json!({"start_ms": start_ms, "end_ms": start_ms + 3000, "speaker": speaker, "text": text});
    let transcript = serde_json::json!({
        "schema_version": 1,
        "source": {"path": "/calls/call.wav", "sha256": sha256, "duration_ms": 9000, "sample_rate_hz": 8000,
                   "channels": 2, "codec": "pcm_mulaw", "truncated": false},
        "model": "ggml-tiny.en",
        "channel_layout": "sdr-left",
        "timings_ms": {"decode_ms": 1, "transcribe_ms": 2, "total_ms": 3},
        "segments": [
            segment(0, "SDR", "How is reporting going?"),
            segment(3000, "PROSPECT", "Our reporting is a nightmare."),
        ],
    });
    let input = dir.path().join("call.transcript.json");
    std::fs::write(&input, serde_json::to_string_pretty(&transcript).unwrap()).unwrap();
    // No --out: next to the transcript, under the recording's name.
    let output = handoff(&["extract", "-q", input.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "-q prints nothing");
    let draft = json(&dir.path().join("call.handoff.json"));
    assert_eq!(draft["source"]["sha256"], sha256.as_str());
    assert_eq!(draft["source"]["file"], "call.wav");
    assert_eq!(draft["model"], "ggml-tiny.en");
    assert_eq!(quotes_by(&draft, "pain_points", "PROSPECT"), ["Our reporting is a nightmare."]);
}

#[test]
fn speakers_nobody_can_tell_apart_are_unknown_and_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("call.txt");
    std::fs::write(&input, "[00:01] Alex: How is reporting going?\n[00:04] Sam: Our reporting is a nightmare.\n")
        .unwrap();
    let output = handoff(&["extract", "--json", input.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary[0]["roles_from"], "none");
    assert_eq!(speakers(&summary[0]), [pair("Alex", "UNKNOWN"), pair("Sam", "UNKNOWN")]);
    assert!(stderr(&output).contains("nobody introduces the selling company"), "{}", stderr(&output));
    assert!(stderr(&output).contains("pass --sdr NAME"), "{}", stderr(&output));
}

/// A review re-applied to a new draft is judged against the team's `--required`, as `finalize`
/// judged it, not against the built-in requirements.
#[test]
fn re_extracting_judges_readiness_with_the_teams_requirements() {
    let out = tempfile::tempdir().unwrap();
    let zoom = transcript("zoom_discovery.vtt");
    let required = out.path().join("team-required.toml");
    std::fs::write(&required, "").unwrap();
    let required = required.to_str().unwrap();
    let draft = out.path().join("zoom_discovery.handoff.json");
    let status = || json(&out.path().join("zoom_discovery.final.json"))["status"].clone();

    assert!(extract(&[&zoom], out.path(), &["-q"]).status.success());
    let signed = handoff(&["finalize", draft.to_str().unwrap(), "--reviewer", "sam", "--required", required]);
    assert!(signed.status.success(), "{}", stderr(&signed));
    assert_eq!(status(), "ready");

    assert!(extract(&[&zoom], out.path(), &["-q"]).status.success());
    assert_eq!(status(), "draft", "the built-in requirements are not met by this call");
    assert!(extract(&[&zoom], out.path(), &["-q", "--required", required]).status.success());
    assert_eq!(status(), "ready");
}

#[test]
fn people_who_speak_in_the_transcript_are_not_its_stakeholders() {
    let dir = tempfile::tempdir().unwrap();
    let call = dir.path().join("three_way.txt");
    std::fs::write(
        &call,
        "Jordan Blake: Thanks, both of you, for joining. Owen, good to meet you.\n\
         Dana Ortiz: Owen's from finance. Our CFO, Carla Mendes, signs off on anything like this.\n\
         Owen Petrakis: Mostly I'm here because the invoices land on my desk.\n",
    )
    .unwrap();
    let output = extract(&[&call], dir.path(), &["--sdr", "Jordan"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let draft = json(&dir.path().join("three_way.handoff.json"));
    let people: Vec<&str> =
        draft["stakeholders"].as_array().unwrap().iter().filter_map(|person| person["name"].as_str()).collect();
    assert_eq!(people, ["Carla Mendes"], "{draft:#}");
}
