//! `handoff watch` and `handoff status` end to end: the real binary, the real model, the real
//! filesystem watcher, real signals. Short clips keep it fast.

mod common;

use common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime};

const TIMEOUT: Duration = Duration::from_secs(120);
/// The longest short clip (7.4 s, two channels): it takes a second or more to process, and the
/// signal tests act within about 100 ms of the journal saying it started.
const LONGER: &str = "formats/stereo_pcm16_8k.wav";

/// A running `handoff watch`, killed if the test fails; its stderr goes to a log file that
/// failures print.
struct Watcher {
    child: Child,
    log: PathBuf,
}

impl Watcher {
    fn start(inbox: &Path, log: &Path, extra: &[&str]) -> Self {
        // Appended to, so the log of a restarted watcher keeps the first run's lines.
        let stderr = fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        let model = model();
        let child = Command::new(env!("CARGO_BIN_EXE_handoff"))
            .arg("watch")
            .arg(inbox)
            .args(["--model", model.to_str().unwrap()])
            .args(["--settle-seconds", "1", "--rescan-seconds", "2", "--verbose"])
            .args(extra)
            .env_remove("HANDOFF_MODEL")
            .env_remove("HANDOFF_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("the handoff binary starts");
        Self { child, log: log.to_path_buf() }
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status().unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// Polls `condition` until it holds, failing with the watcher's log after `TIMEOUT`.
    fn wait_for(&mut self, what: &str, mut condition: impl FnMut() -> bool) {
        let started = Instant::now();
        while !condition() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the watcher exited ({status}) waiting for {what}:\n{}", self.log());
            }
            assert!(started.elapsed() < TIMEOUT, "timed out waiting for {what}:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_for_exit(&mut self) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < TIMEOUT, "the watcher did not exit:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The journal's lines, in order (a line being appended while we read is left for the next poll).
fn journal(out: &Path) -> Vec<Value> {
    fs::read_to_string(out.join(".handoff-state/journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn count(records: &[Value], sha256: &str, state: &str) -> usize {
    records.iter().filter(|r| r["sha256"] == sha256 && r["state"] == state).count()
}

fn latest_state(records: &[Value], sha256: &str) -> Option<String> {
    records.iter().rev().find(|r| r["sha256"] == sha256).map(|r| r["state"].as_str().unwrap().to_string())
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn read(relative: &str) -> Vec<u8> {
    fs::read(fixture(relative)).unwrap()
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path).and_then(|m| m.modified()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn status(args: &[&str]) -> String {
    let output = handoff(&[&["status"], args].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    String::from_utf8(output.stdout).unwrap()
}

/// Normal copies, a slow copy, a corrupt file, a rename from a temporary name, a unicode name,
/// a duplicate, and files that are not input: each recording processed exactly once.
#[test]
fn dropped_recordings_are_processed_once_each() {
    let root = tempfile::tempdir().unwrap();
    let inbox = root.path().join("inbox");
    fs::create_dir(&inbox).unwrap();
    let out = inbox.join("handoffs");
    let mut watcher = Watcher::start(&inbox, &root.path().join("watch.log"), &[]);

    let (good, slow, renamed, unicode, broken, fixed) = (
        read("formats/pcm16_16k.wav"),
        read("formats/alaw_8k.wav"),
        read("formats/vorbis_48k.ogg"),
        read("formats/aac_48k.m4a"),
        read("bad/corrupt_header.wav"),
        read("formats/mulaw_8k.wav"),
    );
    // Written over 3 s in chunks, each gap shorter than the 1 s settle time: a watcher that does
    // not wait would process a partial file (which decodes, as a truncated WAV).
    let slow_copy = {
        let (path, bytes) = (inbox.join("slow.wav"), slow.clone());
        std::thread::spawn(move || {
            let mut file = fs::File::create(path).unwrap();
            for chunk in bytes.chunks(bytes.len() / 10 + 1) {
                file.write_all(chunk).unwrap();
                file.flush().unwrap();
                std::thread::sleep(Duration::from_millis(300));
            }
        })
    };
    fs::write(inbox.join("good.wav"), &good).unwrap();
    fs::write(inbox.join("broken.wav"), &broken).unwrap();
    let broken_modified = modified(&inbox.join("broken.wav"));
    fs::write(inbox.join("Zoë call — 1.m4a"), &unicode).unwrap();
    fs::write(inbox.join("notes.txt"), b"not a recording").unwrap();
    fs::create_dir(inbox.join("sub")).unwrap();
    fs::write(inbox.join("sub/nested.wav"), &good).unwrap();
    // A download finishing: it sits under a temporary name longer than the settle time.
    fs::write(inbox.join("renamed.ogg.part"), &renamed).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    fs::rename(inbox.join("renamed.ogg.part"), inbox.join("renamed.ogg")).unwrap();
    slow_copy.join().unwrap();

    let processed = [&good, &slow, &renamed, &unicode].map(|bytes| sha256(bytes));
    let broken_sha = sha256(&broken);
    watcher.wait_for("4 done and 1 failed", || {
        let records = journal(&out);
        processed.iter().all(|sha| count(&records, sha, "done") == 1) && count(&records, &broken_sha, "failed") == 1
    });

    for name in ["good", "slow", "renamed", "Zoë call — 1"] {
        let transcript = out.join(format!("{name}.transcript.json"));
        assert!(transcript.is_file(), "{name}: no transcript");
    }
    let error_note = fs::read_to_string(out.join("broken.error.txt")).unwrap();
    for expected in ["broken.wav", &broken_sha, "Reason:", "What to do"] {
        assert!(error_note.contains(expected), "{expected:?} in {error_note}");
    }
    assert_eq!(fs::read(inbox.join("broken.wav")).unwrap(), broken, "recording untouched");
    assert_eq!(modified(&inbox.join("broken.wav")), broken_modified);
    assert!(!out.join("broken.transcript.json").exists());

    // Once each: one queued and one done per hash, and only the complete slow copy was seen.
    let records = journal(&out);
    for sha in &processed {
        assert_eq!(count(&records, sha, "queued"), 1, "{sha} queued twice");
    }
    let slow_hashes: Vec<&Value> =
        records.iter().filter(|r| r["path"].as_str().unwrap().ends_with("slow.wav")).map(|r| &r["sha256"]).collect();
    assert!(slow_hashes.iter().all(|sha| **sha == processed[1]), "a partial copy was processed: {slow_hashes:?}");
    let inputs: Vec<&str> = records.iter().map(|r| r["path"].as_str().unwrap()).collect();
    for never in [".part", "notes.txt", "nested.wav", "handoffs"] {
        assert!(!inputs.iter().any(|path| path.contains(never)), "{never} in {inputs:?}");
    }

    // A copy of a done recording under another name is not redone.
    let snapshot = Instant::now();
    let outputs_before: Vec<(PathBuf, SystemTime)> = ["good", "slow", "renamed", "Zoë call — 1"]
        .iter()
        .map(|name| out.join(format!("{name}.transcript.json")))
        .map(|path| (path.clone(), modified(&path)))
        .collect();
    fs::write(inbox.join("good copy.wav"), &good).unwrap();
    watcher.wait_for("the copy to be skipped", || {
        watcher_log_has(&root.path().join("watch.log"), "skipped good copy.wav")
    });

    // A fixed recording under the failed one's name is new content: processed, note removed.
    fs::write(inbox.join("broken.wav.part"), &fixed).unwrap();
    fs::rename(inbox.join("broken.wav.part"), inbox.join("broken.wav")).unwrap();
    let fixed_sha = sha256(&fixed);
    watcher.wait_for("the fixed copy to be done", || count(&journal(&out), &fixed_sha, "done") == 1);
    assert!(out.join("broken.transcript.json").is_file());
    assert!(!out.join("broken.error.txt").exists(), "stale error note kept");

    // Further rescans (every 2 s) redo nothing.
    std::thread::sleep(Duration::from_secs(5).saturating_sub(snapshot.elapsed()));
    for (path, before) in &outputs_before {
        assert_eq!(modified(path), *before, "{} rewritten", path.display());
    }
    assert!(!out.join("good copy.transcript.json").exists());
    let records = journal(&out);
    for sha in processed.iter().chain([&fixed_sha]) {
        assert_eq!(count(&records, sha, "done"), 1, "{sha} done twice");
    }

    // `handoff status`: done and failed recordings, then the counts.
    let table = status(&[inbox.to_str().unwrap()]);
    assert!(table.contains("watcher: running"), "{table}");
    for row in ["good.wav", "slow.wav", "renamed.ogg", "Zoë call — 1.m4a", "broken.wav"] {
        assert!(table.contains(row), "{row} missing from:\n{table}");
    }
    assert!(table.contains(&broken_sha[..12]), "{table}");
    let failed_row = table.lines().find(|l| l.starts_with("failed")).unwrap();
    assert!(failed_row.contains("broken.wav"), "{table}");
    assert!(table.trim_end().ends_with("0 queued, 0 running, 5 done, 1 failed"), "{table}");
    let json: Value = serde_json::from_str(&status(&[inbox.to_str().unwrap(), "--json"])).unwrap();
    assert_eq!(json["counts"]["done"], 5, "{json:#}");
    assert_eq!(json["counts"]["failed"], 1, "{json:#}");

    watcher.signal("TERM");
    let exit = watcher.wait_for_exit();
    assert_eq!(exit.code(), Some(0), "{}", watcher.log());
}

fn watcher_log_has(log: &Path, line: &str) -> bool {
    fs::read_to_string(log).unwrap_or_default().contains(line)
}

/// SIGKILL in the middle of a recording: the restart finishes it, redoes nothing that was done,
/// and the journal ends with one `done` per recording.
#[test]
fn a_killed_watcher_finishes_the_interrupted_recording_after_restart() {
    let root = tempfile::tempdir().unwrap();
    let inbox = root.path().join("inbox");
    let out = root.path().join("out");
    fs::create_dir(&inbox).unwrap();
    let log = root.path().join("watch.log");
    let out_arg = ["--out", out.to_str().unwrap()];
    let (clip, call) = (read("formats/opus_48k.opus"), read(LONGER));
    let (clip_sha, call_sha) = (sha256(&clip), sha256(&call));

    let mut watcher = Watcher::start(&inbox, &log, &out_arg);
    fs::write(inbox.join("clip.opus"), &clip).unwrap();
    watcher.wait_for("the clip to be done", || count(&journal(&out), &clip_sha, "done") == 1);
    let clip_transcript = out.join("clip.transcript.json");
    let clip_written = modified(&clip_transcript);
    fs::write(inbox.join("long call.wav"), &call).unwrap();
    watcher
        .wait_for("the call to be running", || latest_state(&journal(&out), &call_sha).as_deref() == Some("running"));
    watcher.child.kill().unwrap();
    watcher.child.wait().unwrap();
    assert_eq!(
        latest_state(&journal(&out), &call_sha).as_deref(),
        Some("running"),
        "the kill came too late to test anything"
    );
    assert!(!out.join("long call.transcript.json").exists());
    drop(watcher);

    let mut restarted = Watcher::start(&inbox, &log, &out_arg);
    restarted.wait_for("the interrupted call to be done", || count(&journal(&out), &call_sha, "done") == 1);
    restarted.wait_for("the done clip to be skipped", || watcher_log_has(&log, "skipped clip.opus"));
    let log_text = restarted.log();
    assert!(log_text.contains("retrying long call.wav (interrupted)"), "{log_text}");
    let records = journal(&out);
    // Compacted on restart: the clip is one `done` line, never queued again.
    assert_eq!(count(&records, &clip_sha, "done"), 1, "{records:#?}");
    assert_eq!(count(&records, &clip_sha, "queued"), 0, "{records:#?}");
    assert_eq!(count(&records, &call_sha, "done"), 1, "{records:#?}");
    assert_eq!(count(&records, &call_sha, "queued"), 1, "{records:#?}");
    assert_eq!(modified(&clip_transcript), clip_written, "the done clip was redone");
    let transcript = json(&out.join("long call.transcript.json"));
    assert_eq!(transcript["source"]["sha256"], call_sha.as_str());
    assert!(!transcript["segments"].as_array().unwrap().is_empty());

    restarted.signal("TERM");
    assert_eq!(restarted.wait_for_exit().code(), Some(0), "{}", restarted.log());
}

/// SIGTERM while a recording is in progress: it is finished, nothing new is started, exit 0.
/// Also: --recursive takes nested folders but never the output folder inside the inbox.
#[test]
fn sigterm_finishes_the_recording_in_progress_and_exits_0() {
    let root = tempfile::tempdir().unwrap();
    let inbox = root.path().join("inbox");
    let nested = inbox.join("team a/2026-11");
    fs::create_dir_all(&nested).unwrap();
    fs::create_dir_all(inbox.join("handoffs")).unwrap();
    let out = inbox.join("handoffs");
    let (call, clip) = (read(LONGER), read("formats/pcm32_22k.wav"));
    let (call_sha, clip_sha) = (sha256(&call), sha256(&clip));
    // There before the start, so the first scan queues both at once, the call first (by path).
    fs::write(nested.join("a call.wav"), &call).unwrap();
    fs::write(inbox.join("z clip.wav"), &clip).unwrap();
    fs::write(out.join("stray.wav"), &clip).unwrap();

    let mut watcher = Watcher::start(&inbox, &root.path().join("watch.log"), &["--recursive", "--jobs", "1"]);
    watcher.wait_for("the call running and the clip queued behind it", || {
        let records = journal(&out);
        latest_state(&records, &call_sha).as_deref() == Some("running")
            && latest_state(&records, &clip_sha).as_deref() == Some("queued")
    });
    watcher.signal("TERM");
    let exit = watcher.wait_for_exit();
    let log = watcher.log();
    assert_eq!(exit.code(), Some(0), "{log}");
    let (stopping, call_done) = (log.find("stopping"), log.find("a call.wav ->"));
    assert!(stopping.is_some() && stopping < call_done, "the call was not in progress at the signal:\n{log}");

    let records = journal(&out);
    assert_eq!(count(&records, &call_sha, "done"), 1, "{log}");
    assert!(out.join("a call.transcript.json").is_file());
    assert_eq!(
        latest_state(&records, &clip_sha).as_deref(),
        Some("queued"),
        "started after the signal:\n{}",
        watcher.log()
    );
    assert!(!out.join("z clip.transcript.json").exists());
    assert!(
        !records.iter().any(|r| r["path"].as_str().unwrap().contains("stray")),
        "the output folder was watched as input"
    );

    let table = status(&[inbox.to_str().unwrap()]);
    assert!(table.contains("watcher: not running"), "{table}");
    assert!(table.contains("1 queued, 0 running, 1 done, 0 failed"), "{table}");
    assert!(table.contains("retried when `handoff watch` starts again"), "{table}");
}

/// The output side failing (here a folder stands where the handoff must go, which even root
/// cannot write over) does not fail the recording: it waits, `status` says why, and it is done
/// once the way is clear, with no error note.
#[test]
fn an_output_failure_is_retried_not_held_against_the_recording() {
    let root = tempfile::tempdir().unwrap();
    let inbox = root.path().join("inbox");
    let out = root.path().join("out");
    fs::create_dir(&inbox).unwrap();
    let blocker = out.join("call.handoff.json");
    fs::create_dir_all(blocker.join("in the way")).unwrap();
    let mut watcher = Watcher::start(&inbox, &root.path().join("watch.log"), &["--out", out.to_str().unwrap()]);
    let recording = read("formats/pcm16_16k.wav");
    let sha = sha256(&recording);
    fs::write(inbox.join("call.wav"), &recording).unwrap();

    watcher.wait_for("waiting", || latest_state(&journal(&out), &sha).as_deref() == Some("waiting"));
    let listed = status(&[inbox.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(listed.contains("waiting") && listed.contains("call.handoff.json"), "{listed}");
    assert!(watcher.log().contains("trying again in"), "{}", watcher.log());

    fs::remove_dir_all(&blocker).unwrap();
    watcher.wait_for("done after the retry", || latest_state(&journal(&out), &sha).as_deref() == Some("done"));
    let records = journal(&out);
    assert_eq!(count(&records, &sha, "failed"), 0);
    assert_eq!(count(&records, &sha, "queued"), 1, "retried, not queued again as new");
    assert!(out.join("call.handoff.json").is_file() && out.join("call.handoff.md").is_file());
    assert!(!out.join("call.error.txt").exists(), "no error note for the output side");
}
