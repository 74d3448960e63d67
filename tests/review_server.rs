//! The review page's server over plain HTTP, on a call processed with the real model: what it
//! accepts from whom, what it refuses, that pages and scripts on one handoff keep each other's
//! corrections, and that it finds the recording from wherever it was started.

mod common;
mod review_common;

use common::{fixture, handoff, json, stderr};
use review_common::{beside, call_in, http, post_json, review_page, CALL};
use serde_json::{json, Value};
use std::path::Path;
use std::thread;

fn body(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

/// Any other web page the reviewer has open can send these; none may change the review.
#[test]
fn state_changing_requests_need_json_from_the_page_itself() {
    let dir = tempfile::tempdir().unwrap();
    let draft_path = call_in(dir.path(), CALL);
    let (_server, url) = review_page(&draft_path, dir.path());
    let accept = json!({"action": "set_field", "after": {"company": "Evil Corp"}}).to_string();

    for path in ["/api/finalize", "/api/corrections"] {
        // What an HTML form or a `no-cors` fetch from another site can send.
        let (status, text) = http(&url, "POST", path, &[("Content-Type", "text/plain")], Some(&accept));
        assert_eq!(status, 415, "{path} text/plain: {text}");
        assert!(text.contains("application/json"), "{text}");
        let (status, text) = http(&url, "POST", path, &[], None);
        assert_eq!(status, 415, "{path} without a body: {text}");
        let (status, text) = http(
            &url,
            "POST",
            path,
            &[("Content-Type", "application/json"), ("Origin", "http://evil.example")],
            Some(&accept),
        );
        assert_eq!(status, 403, "{path} from another origin: {text}");
        assert!(text.contains("http://evil.example"), "{text}");
    }
    assert!(!beside(&draft_path, "review.json").exists(), "a refused request recorded something");

    // The page's own requests, with or without an Origin header, and from either local name.
    let port = url.rsplit(':').next().unwrap();
    for origin in [url.clone(), format!("http://localhost:{port}")] {
        let headers = [("Content-Type", "application/json; charset=utf-8"), ("Origin", origin.as_str())];
        let (status, text) = http(&url, "POST", "/api/corrections", &headers, Some(&accept));
        assert_eq!(status, 200, "{origin}: {text}");
    }
    // With every pain rejected the handoff cannot be ready, whatever Whisper heard: finalize is
    // heard and refused for that, not for where it came from.
    let pains = json(&draft_path)["pain_points"].as_array().unwrap().clone();
    assert!(!pains.is_empty(), "the call's pain was not found");
    for pain in &pains {
        let reject = json!({"action": "reject", "item_id": pain["id"], "category": "pain_point"});
        let (status, text) = post_json(&url, "/api/corrections", &reject);
        assert_eq!(status, 200, "{text}");
    }
    let (status, text) = http(&url, "POST", "/api/finalize", &[("Content-Type", "application/json")], Some("{}"));
    assert_eq!(status, 409, "not ready yet, but heard: {text}");
    assert!(text.contains("pain"), "{text}");
    assert_eq!(json(&beside(&draft_path, "review.json"))["corrections"].as_array().unwrap().len(), 2 + pains.len());
}

#[test]
fn impossible_corrections_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let draft_path = call_in(dir.path(), CALL);
    let draft = json(&draft_path);
    let person = &draft["stakeholders"][0]["id"];
    let duration = draft["source"]["duration_ms"].as_u64().unwrap();
    let (_server, url) = review_page(&draft_path, dir.path());
    let cases = [
        (
            json!({"action": "edit", "item_id": person, "after": {"start_ms": 9000, "end_ms": 2000}}),
            "ends before it starts",
        ),
        (json!({"action": "edit", "item_id": person, "after": {"end_ms": duration + 5000}}), "after the call ends"),
        (
            json!({"action": "add", "category": "next_step", "after": {"quote": "", "start_ms": 1000, "end_ms": 2000}}),
            "quote is empty",
        ),
        (json!({"action": "set_field", "after": {"decision_date": "end of Q3"}}), "not a date"),
    ];
    for (request, reason) in cases {
        let (status, text) = post_json(&url, "/api/corrections", &request);
        assert_eq!(status, 422, "{request}: {text}");
        let answer = body(&text);
        assert!(answer["error"].as_str().unwrap().contains(reason), "{request}: {text}");
        assert_eq!(answer["state"]["corrections"], 0, "the page still gets the state to redraw");
    }
    assert!(!beside(&draft_path, "review.json").exists());
    let (status, text) =
        post_json(&url, "/api/corrections", &json!({"action": "set_field", "after": {"decision_date": "2027-03-31"}}));
    assert_eq!(status, 200, "{text}");
}

/// Two pages open on one handoff and a script applying corrections beside them: every one of the
/// corrections is in the log afterwards.
#[test]
fn pages_and_scripts_on_one_handoff_keep_every_correction() {
    const EACH: usize = 20;
    let dir = tempfile::tempdir().unwrap();
    let draft_path = call_in(dir.path(), CALL);
    let (_first, first_url) = review_page(&draft_path, dir.path());
    let (_second, second_url) = review_page(&draft_path, dir.path());
    let set = |value: &str| json!({"action": "set_field", "after": {"deal_size": value}});
    let mut writers = Vec::new();
    for (writer, url) in [("page1", first_url), ("page2", second_url)] {
        writers.push(thread::spawn(move || {
            for n in 0..EACH {
                let (status, text) = post_json(&url, "/api/corrections", &set(&format!("{writer}-{n}")));
                assert_eq!(status, 200, "{writer}-{n}: {text}");
            }
        }));
    }
    let script_draft = draft_path.clone();
    writers.push(thread::spawn(move || {
        let file = script_draft.with_file_name("script.json");
        for n in 0..EACH {
            std::fs::write(&file, json!([set(&format!("script-{n}"))]).to_string()).unwrap();
            let (draft, file) = (script_draft.to_str().unwrap(), file.to_str().unwrap());
            let output = handoff(&["review", draft, "--apply", file, "--reviewer", "Script"]);
            assert!(output.status.success(), "script-{n}: {}", stderr(&output));
        }
    }));
    for writer in writers {
        writer.join().unwrap();
    }
    let log = json(&beside(&draft_path, "review.json"));
    let kept: Vec<&str> =
        log["corrections"].as_array().unwrap().iter().filter_map(|c| c["after"]["deal_size"].as_str()).collect();
    let lost: Vec<String> = ["page1", "page2", "script"]
        .iter()
        .flat_map(|writer| (0..EACH).map(move |n| format!("{writer}-{n}")))
        .filter(|value| !kept.contains(&value.as_str()))
        .collect();
    assert!(lost.is_empty(), "kept {} of {}; lost {lost:?}", kept.len(), 3 * EACH);
    assert_eq!(kept.len(), 3 * EACH, "{kept:?}");
}

/// `GET /audio` answers with the recording's bytes.
fn plays(url: &str) -> bool {
    let (status, _) = http(url, "GET", "/audio", &[("Range", "bytes=0-99")], None);
    status == 206
}

/// Points the call's transcript at `recorded`, as `handoff process` stored it.
fn record_path(draft_path: &Path, recorded: &str) {
    let transcript_path = beside(draft_path, "transcript.json");
    let mut transcript = json(&transcript_path);
    transcript["source"]["path"] = json!(recorded);
    std::fs::write(&transcript_path, transcript.to_string()).unwrap();
}

/// Older builds stored the recording as `process` was given it, relative to where it ran
/// (`handoff process calls/x.mp3 --out out`); newer ones store it absolute. Either way, a review
/// started from the output folder plays it.
#[test]
fn the_recording_is_found_from_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join(format!("calls/{CALL}.mp3"));
    std::fs::create_dir_all(recording.parent().unwrap()).unwrap();
    std::fs::copy(fixture(&format!("calls/{CALL}.mp3")), &recording).unwrap();
    let out = dir.path().join("out");
    let draft_path = call_in(&out, CALL);
    let name = Path::new(draft_path.file_name().unwrap());

    for recorded in [format!("calls/{CALL}.mp3"), recording.display().to_string()] {
        record_path(&draft_path, &recorded);
        let (_server, url) = review_page(name, &out);
        assert!(plays(&url), "stored as {recorded}: the page cannot play the recording");
        let (_, call) = http(&url, "GET", "/api/call", &[], None);
        assert_eq!(body(&call)["recording"]["available"], true, "{recorded}: {call}");
    }

    // Moved next to the handoff, away from where either path points: found by its name.
    std::fs::rename(&recording, out.join(format!("{CALL}.mp3"))).unwrap();
    let (_server, url) = review_page(&draft_path, dir.path());
    assert!(plays(&url), "next to the handoff");
}
