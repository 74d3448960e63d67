//! Outputs never overwrite another recording's, a half-written set is never "up to date", and
//! an unusable output folder is found before any transcription: the real binary and model.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn statuses(output: &std::process::Output) -> Vec<(String, String)> {
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", stderr(output)));
    summary
        .as_array()
        .unwrap()
        .iter()
        .map(|report| {
            let file = report["file"].as_str().unwrap().to_string();
            (file, report["status"].as_str().unwrap().to_string())
        })
        .collect()
}

fn sha256_of(path: &Path) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(fs::read(path).unwrap()))
}

/// `meetA/call.wav`, `meetA/call.mp3` and `meetB/call.wav` into one `--out`: three sets of
/// outputs, each made from its own recording, and the same names again on the next run.
#[test]
fn recordings_with_the_same_name_keep_outputs_of_their_own() {
    let day = tempfile::tempdir().unwrap();
    let (meet_a, meet_b) = (day.path().join("meetA"), day.path().join("meetB"));
    fs::create_dir_all(&meet_a).unwrap();
    fs::create_dir_all(&meet_b).unwrap();
    fs::copy(fixture("formats/pcm16_16k.wav"), meet_a.join("call.wav")).unwrap();
    fs::copy(fixture("formats/mp3_44k_stereo.mp3"), meet_a.join("call.mp3")).unwrap();
    fs::copy(fixture("formats/mulaw_8k.wav"), meet_b.join("call.wav")).unwrap();
    let out = tempfile::tempdir().unwrap();

    let first = process(&[&meet_a, &meet_b], out.path(), &["--json"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let mut made_from: Vec<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().ends_with(".handoff.json"))
        .map(|path| json(&path)["source"]["sha256"].as_str().unwrap().to_string())
        .collect();
    made_from.sort();
    let mut recordings: Vec<String> = [meet_a.join("call.wav"), meet_a.join("call.mp3"), meet_b.join("call.wav")]
        .iter()
        .map(|p| sha256_of(p))
        .collect();
    recordings.sort();
    assert_eq!(made_from, recordings, "one handoff per recording");
    let wav_b = sha256_of(&meet_b.join("call.wav"));
    assert_eq!(
        json(&out.path().join(format!("call-{}.handoff.json", &wav_b[..8])))["source"]["sha256"],
        wav_b.as_str()
    );

    let again = process(&[&meet_a, &meet_b], out.path(), &["--json"]);
    assert!(statuses(&again).iter().all(|(_, status)| status == "skipped"), "{:?}", statuses(&again));
}

/// A run that died half-way leaves a set that is redone, not reported current.
#[test]
fn a_partial_output_set_is_not_up_to_date() {
    let out = tempfile::tempdir().unwrap();
    let call = fixture("formats/pcm16_16k.wav");
    assert!(process(&[&call], out.path(), &[]).status.success());
    fs::remove_file(out.path().join("pcm16_16k.handoff.md")).unwrap();
    let redone = process(&[&call], out.path(), &["--json"]);
    assert_eq!(statuses(&redone)[0].1, "done", "{}", stderr(&redone));
    assert!(out.path().join("pcm16_16k.handoff.md").is_file());

    // A file cut short counts as missing too.
    let srt = out.path().join("pcm16_16k.srt");
    let text = fs::read_to_string(&srt).unwrap();
    fs::write(&srt, &text[..text.len() / 2]).unwrap();
    assert_eq!(statuses(&process(&[&call], out.path(), &["--json"]))[0].1, "done");
    assert_eq!(fs::read_to_string(&srt).unwrap(), text);
    assert_eq!(statuses(&process(&[&call], out.path(), &["--json"]))[0].1, "skipped");
}

/// An `--out` that cannot be made is a usage error at once, not a failure after transcription.
#[test]
fn an_unusable_out_folder_stops_the_run_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handoffs.txt");
    fs::write(&file, "a file, not a folder").unwrap();
    let started = std::time::Instant::now();
    let output = process(&[&fixture("calls/stereo_discovery.mp3")], &file.join("out"), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("--out") && message.contains("handoffs.txt"), "{message}");
    assert!(started.elapsed().as_secs() < 5, "it transcribed first: {:?}", started.elapsed());
}

/// A reviewed draft is never replaced by other content under the same name: the run refuses,
/// naming both files, and the reviewed draft stays as it was.
#[test]
fn a_reviewed_draft_is_not_replaced_by_other_content() {
    let dir = tempfile::tempdir().unwrap();
    let call = dir.path().join("call.wav");
    fs::copy(fixture("formats/pcm16_16k.wav"), &call).unwrap();
    assert!(process(&[&call], dir.path(), &[]).status.success());
    let draft = dir.path().join("call.handoff.json");
    let reviewed = handoff(&["review", draft.to_str().unwrap(), "--accept-all", "--reviewer", "sam"]);
    assert!(reviewed.status.success(), "{}", stderr(&reviewed));
    let before = fs::read(&draft).unwrap();

    fs::copy(fixture("formats/mulaw_8k.wav"), &call).unwrap();
    let output = process(&[&call], dir.path(), &["--json"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("call.wav") && message.contains("call.review.json"), "{message}");
    assert_eq!(fs::read(&draft).unwrap(), before, "the reviewed draft was replaced");
}
