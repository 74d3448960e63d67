//! The scripted review paths on a handoff that `handoff process` made from a real call with the
//! real model: `review --apply`, `review --accept-all`, `finalize` and `report`.

mod common;
mod review_common;

use common::{handoff, json, stderr};
use review_common::{beside, call_in, item, items, CALL};
use serde_json::{json, Value};
use std::path::Path;
use std::thread;

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `handoff review HANDOFF --apply FILE` with `corrections` written to FILE.
fn apply(draft: &Path, corrections: Value) -> std::process::Output {
    apply_from(draft, "corrections.json", corrections)
}

/// [`apply`] from a file of its own, for several writers at once.
fn apply_from(draft: &Path, file_name: &str, corrections: Value) -> std::process::Output {
    let file = draft.with_file_name(file_name);
    std::fs::write(&file, corrections.to_string()).unwrap();
    handoff(&["review", path(draft), "--apply", path(&file), "--reviewer", "Sam"])
}

/// The first item of `list` in the draft: the rules found it, so it must be there.
fn first(draft: &Value, list: &str) -> Value {
    draft[list][0].clone()
}

/// Corrections that meet every default requirement whatever the rules found on the call.
fn completing() -> Value {
    json!([
        {"action": "set_field", "after": {"company": "Northwind Traders", "decision_date": "2027-03-31", "decision_maker_unknown": true}},
        {"action": "add", "category": "pain_point", "after": {"quote": "Our reporting is a nightmare.", "theme": "reporting", "start_ms": 4300}},
        {"action": "add", "category": "next_step", "after": {"quote": "Could we book a demo next Tuesday with Sarah?", "action": "demo", "when": "next Tuesday", "start_ms": 38100}},
    ])
}

#[test]
fn apply_records_corrections_and_writes_the_final_files() {
    let dir = tempfile::tempdir().unwrap();
    let draft_path = call_in(dir.path(), CALL);
    let draft_text = std::fs::read_to_string(&draft_path).unwrap();
    let draft: Value = serde_json::from_str(&draft_text).unwrap();
    let pain = first(&draft, "pain_points");
    let person = first(&draft, "stakeholders");

    let output = apply(
        &draft_path,
        json!([
            {"action": "reject", "item_id": pain["id"], "category": "pain_point"},
            {"action": "edit", "item_id": person["id"], "category": "stakeholder", "after": {"relation": "influencer"}},
            {"action": "add", "category": "next_step", "after": {"quote": "Could we book a demo next Tuesday with Sarah?", "action": "demo", "start_ms": 38100}},
            {"action": "set_field", "after": {"company": "Northwind Traders"}},
        ]),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("applied 4 correction(s)"), "{}", stdout(&output));

    let log = json(&beside(&draft_path, "review.json"));
    let corrections = log["corrections"].as_array().unwrap();
    assert_eq!(corrections.len(), 4);
    for correction in corrections {
        assert_eq!(correction["by"], "Sam", "a missing `by` is the reviewer");
        assert!(correction["at"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(log["handoff_source_sha256"], draft["source"]["sha256"]);

    let final_handoff = json(&beside(&draft_path, "final.json"));
    assert!(item(&final_handoff, pain["id"].as_str().unwrap()).is_none());
    let edited = item(&final_handoff, person["id"].as_str().unwrap()).unwrap();
    assert_eq!(
        (&edited["relation"], &edited["review"]["state"], &edited["review"]["by"]),
        (&json!("influencer"), &json!("edited"), &json!("Sam"))
    );
    let added = &final_handoff["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["rule"] == "human")
        .cloned()
        .expect("the added next step");
    assert_eq!(added["review"]["state"], "added");
    assert_eq!(added["action"], "demo");
    assert_eq!(final_handoff["summary"]["company"], "Northwind Traders");
    assert_eq!(final_handoff["status"], "draft");
    let markdown = std::fs::read_to_string(beside(&draft_path, "final.md")).unwrap();
    assert!(markdown.contains("Northwind Traders"), "{markdown}");
    assert_eq!(std::fs::read_to_string(&draft_path).unwrap(), draft_text, "the draft is never written");

    // A correction that would not land is refused with the file and its number; nothing is added.
    let output = apply(
        &draft_path,
        json!([
            {"action": "accept", "item_id": person["id"], "category": "stakeholder"},
            {"action": "edit", "item_id": person["id"], "category": "stakeholder", "after": {"relation": "boss"}},
        ]),
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let error = stderr(&output);
    assert!(error.contains("corrections.json: correction #2") && error.contains("nothing was applied"), "{error}");
    assert_eq!(json(&beside(&draft_path, "review.json"))["corrections"].as_array().unwrap().len(), 4);
}

#[test]
fn accept_all_accepts_only_what_nobody_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let draft_path = call_in(dir.path(), CALL);
    let draft = json(&draft_path);
    let person = first(&draft, "stakeholders");
    let output = apply(
        &draft_path,
        json!([{"action": "edit", "item_id": person["id"], "category": "stakeholder", "after": {"role": "Chief Financial Officer"}}]),
    );
    assert!(output.status.success(), "{}", stderr(&output));

    let output = handoff(&["review", path(&draft_path), "--accept-all", "--reviewer", "Sam"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let count = items(&draft).len();
    assert!(stdout(&output).contains(&format!("accepted {} item(s)", count - 1)), "{}", stdout(&output));
    let final_handoff = json(&beside(&draft_path, "final.json"));
    for found in items(&final_handoff) {
        let expected = if found["id"] == person["id"] { "edited" } else { "accepted" };
        assert_eq!(found["review"]["state"], expected, "{found}");
    }

    // Nothing left to accept: a second run records nothing.
    let output = handoff(&["review", path(&draft_path), "--accept-all", "--reviewer", "Sam"]);
    assert!(stdout(&output).contains("accepted 0 item(s)"), "{}", stdout(&output));
    let log = json(&beside(&draft_path, "review.json"));
    assert_eq!(log["corrections"].as_array().unwrap().len(), count);
}

#[test]
fn finalize_refuses_until_every_requirement_is_met() {
    let dir = tempfile::tempdir().unwrap();
    let draft_path = call_in(dir.path(), CALL);

    let output = handoff(&["finalize", path(&draft_path), "--reviewer", "Sam"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let error = stderr(&output);
    assert!(error.contains("not ready for the AE"), "{error}");
    assert!(error.contains("The company name (company)"), "{error}");
    assert!(!beside(&draft_path, "final.json").exists(), "a refused finalize writes nothing");

    let output = apply(&draft_path, completing());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("nothing missing for the AE"), "{}", stdout(&output));

    // A team's own bar applies when given.
    let strict = dir.path().join("strict.toml");
    std::fs::write(&strict, "[[requirement]]\nid = \"deal\"\nlabel = \"The deal size\"\nfield = \"deal_size\"\n")
        .unwrap();
    let output = handoff(&["finalize", path(&draft_path), "--required", path(&strict), "--reviewer", "Sam"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("The deal size (deal)"), "{}", stderr(&output));

    let output = handoff(&["finalize", path(&draft_path), "--reviewer", "Sam"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let final_handoff = json(&beside(&draft_path, "final.json"));
    assert_eq!(final_handoff["status"], "ready");
    let log = json(&beside(&draft_path, "review.json"));
    assert_eq!(log["finalized"]["by"], "Sam");
    assert!(std::fs::read_to_string(beside(&draft_path, "final.md")).unwrap().contains("Northwind Traders"));
}

#[test]
fn report_shows_completeness_and_review_effort_per_handoff() {
    let dir = tempfile::tempdir().unwrap();
    let reviewed = call_in(dir.path(), CALL);
    call_in(&dir.path().join("team-b"), "untouched");
    let draft = json(&reviewed);
    let mut corrections = completing();
    corrections.as_array_mut().unwrap().push(json!(
        {"action": "reject", "item_id": first(&draft, "pain_points")["id"], "category": "pain_point"}
    ));
    assert!(apply(&reviewed, corrections).status.success());
    assert!(handoff(&["finalize", path(&reviewed), "--reviewer", "Sam"]).status.success());

    let csv = dir.path().join("report.csv");
    let output = handoff(&["report", path(dir.path()), "--csv", path(&csv)]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(lines[0].starts_with("HANDOFF") && lines[0].contains("REVIEW TIME"), "{table}");
    assert!(lines[1].starts_with(&format!("{CALL}.handoff.json")), "{table}");
    assert!(lines[1].contains("ready") && lines[1].contains("100%"), "{table}");
    assert!(lines[2].starts_with("team-b/untouched.handoff.json"), "{table}");
    assert!(lines[2].contains("draft"), "{table}");

    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|line| line.split(',').collect()).collect();
    let column = |name: &str| rows[0].iter().position(|title| *title == name).unwrap();
    let value = |row: usize, name: &str| rows[row][column(name)];
    assert_eq!(rows.len(), 3, "{text}");
    assert_eq!(value(1, "status"), "ready");
    assert_eq!(value(1, "completeness"), "1.00");
    assert_eq!([value(1, "set_field"), value(1, "add"), value(1, "reject"), value(1, "accept")], ["1", "2", "1", "0"]);
    assert_eq!([value(1, "items_added"), value(1, "items_rejected")], ["2", "1"]);
    assert_eq!(value(2, "status"), "draft");
    assert_eq!(value(2, "review_seconds"), "", "no corrections, no review time");
    assert!(value(2, "completeness").parse::<f64>().unwrap() < 1.0);
}

/// Two processes appending to one review log at once (scripts, or a script beside the page) each
/// re-read the log under its lock, so neither drops what the other wrote.
#[test]
fn concurrent_applies_keep_every_correction() {
    const EACH: usize = 30;
    let dir = tempfile::tempdir().unwrap();
    let draft_path = call_in(dir.path(), CALL);
    let writers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|writer| {
            let draft_path = draft_path.clone();
            thread::spawn(move || {
                for n in 0..EACH {
                    let value = format!("{writer}-{n}");
                    let corrections = json!([{"action": "set_field", "after": {"deal_size": value}}]);
                    let output = apply_from(&draft_path, &format!("{writer}.json"), corrections);
                    assert!(output.status.success(), "{value}: {}", stderr(&output));
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let log = json(&beside(&draft_path, "review.json"));
    let kept: Vec<&str> =
        log["corrections"].as_array().unwrap().iter().filter_map(|c| c["after"]["deal_size"].as_str()).collect();
    let lost: Vec<String> = ["a", "b"]
        .iter()
        .flat_map(|writer| (0..EACH).map(move |n| format!("{writer}-{n}")))
        .filter(|value| !kept.contains(&value.as_str()))
        .collect();
    assert!(lost.is_empty(), "kept {} of {}; lost {lost:?}", kept.len(), 2 * EACH);
    assert_eq!(kept.len(), 2 * EACH);
}

/// Corrections that would make an impossible handoff are refused with the reason, and a file
/// holding one records nothing, not even its good corrections.
#[test]
fn apply_refuses_impossible_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let draft_path = call_in(dir.path(), CALL);
    let draft = json(&draft_path);
    let person = first(&draft, "stakeholders");
    let duration = draft["source"]["duration_ms"].as_u64().unwrap();
    let good = json!({"action": "set_field", "after": {"company": "Northwind Traders"}});
    let edit =
        |after: Value| json!({"action": "edit", "item_id": person["id"], "category": "stakeholder", "after": after});
    let cases = [
        (edit(json!({"start_ms": 5000, "end_ms": 4000})), "ends before it starts"),
        (edit(json!({"end_ms": duration + 1})), "after the call ends"),
        (
            json!({"action": "add", "category": "pain_point", "after": {"quote": "  ", "theme": "cost", "start_ms": 1000}}),
            "quote is empty",
        ),
        (json!({"action": "set_field", "after": {"decision_date": "next spring"}}), "not a date"),
        (json!({"action": "set_field", "after": {"call_date": "2027-02-30"}}), "not a date"),
    ];
    for (bad, reason) in cases {
        let output = apply(&draft_path, json!([good, bad]));
        let error = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{bad}: {error}");
        assert!(error.contains("correction #2") && error.contains(reason), "{bad}: {error}");
        assert!(error.contains("nothing was applied"), "{error}");
        assert!(!beside(&draft_path, "review.json").exists(), "{bad} recorded something");
    }
    // The same kinds of change, possible ones, are recorded.
    let output = apply(
        &draft_path,
        json!([good, edit(json!({"start_ms": 1000, "end_ms": duration})), {"action": "set_field", "after": {"decision_date": "2028-02-29"}}]),
    );
    assert!(output.status.success(), "{}", stderr(&output));
}
