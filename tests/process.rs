//! `handoff process` end to end: real encoded files, the real Whisper model, the real binary.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn transcript_text(transcript: &Value) -> String {
    transcript["segments"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect::<Vec<_>>().join(" ")
}

/// Everything `speaker` said, segment after segment.
fn said_by(transcript: &Value, speaker: &str) -> String {
    transcript["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["speaker"] == speaker)
        .map(|s| s["text"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_times_are_sane(name: &str, transcript: &Value) {
    let duration = transcript["source"]["duration_ms"].as_u64().unwrap();
    let mut previous_start = 0;
    for segment in transcript["segments"].as_array().unwrap() {
        let (start, end) = (segment["start_ms"].as_u64().unwrap(), segment["end_ms"].as_u64().unwrap());
        assert!(start >= previous_start, "{name}: segments out of order at {start} ms");
        assert!(start <= end && end <= duration, "{name}: segment {start}..{end} outside 0..{duration}");
        previous_start = start;
    }
}

/// Every format a sales team's recorders produce, in one batch run, each with its expected words.
#[test]
fn every_supported_format_is_transcribed() {
    let out = tempfile::tempdir().unwrap();
    let output = process(&[&fixture("formats")], out.path(), &["--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary.as_array().unwrap().len(), 14, "{summary:#}");

    let full_clip = ["50,000", "today"];
    let expectations: [(&str, &[&str], u32, u16); 14] = [
        ("pcm16_16k", &full_clip, 16_000, 1),
        ("pcm24_44k", &["use"], 44_100, 1),
        ("pcm32_22k", &["use"], 22_050, 1),
        ("float32_32k", &["use"], 32_000, 1),
        ("mulaw_8k", &full_clip, 8_000, 1),
        ("alaw_8k", &full_clip, 8_000, 1),
        ("mp3_44k_stereo", &full_clip, 44_100, 2),
        ("aac_48k", &full_clip, 48_000, 1),
        ("flac_16k", &full_clip, 16_000, 1),
        ("flac_named", &full_clip, 16_000, 1),
        ("vorbis_48k", &full_clip, 48_000, 1),
        ("opus_48k", &full_clip, 48_000, 1),
        ("opus", &full_clip, 48_000, 1),
        ("stereo_pcm16_8k", &["Acme", "50,000"], 8_000, 2),
    ];
    for (name, words, rate, channels) in expectations {
        let transcript = json(&out.path().join(format!("{name}.transcript.json")));
        let text = transcript_text(&transcript);
        for word in words {
            assert!(text.contains(word), "{name}: expected {word:?} in {text:?}");
        }
        assert_eq!(transcript["source"]["sample_rate_hz"], rate, "{name}");
        assert_eq!(transcript["source"]["channels"], channels, "{name}");
        assert_eq!(transcript["schema_version"], 1);
        assert_eq!(transcript["model"], "ggml-tiny.en");
        assert_eq!(transcript["source"]["sha256"].as_str().unwrap().len(), 64);
        assert_times_are_sane(name, &transcript);
        for suffix in ["transcript.txt", "srt"] {
            assert!(out.path().join(format!("{name}.{suffix}")).is_file(), "{name}.{suffix}");
        }
    }
    // Content decides the format: a FLAC named .mp3 is decoded as FLAC.
    assert_eq!(json(&out.path().join("flac_named.transcript.json"))["source"]["codec"], "flac");
}

/// Two-channel call: the SDR is on the left, the prospect on the right.
#[test]
fn stereo_call_labels_sdr_and_prospect() {
    let out = tempfile::tempdir().unwrap();
    let call = fixture("calls/stereo_discovery.mp3");
    let output = process(&[&call], out.path(), &["--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let transcript = json(&out.path().join("stereo_discovery.transcript.json"));
    assert_eq!(transcript["channel_layout"], "sdr-left");
    assert_times_are_sane("stereo_discovery", &transcript);
    let (sdr, prospect) = (said_by(&transcript, "SDR"), said_by(&transcript, "PROSPECT"));
    assert!(sdr.contains("Tom from Acme") && sdr.contains("budget?"), "SDR said: {sdr:?}");
    assert!(prospect.contains("nightmare") && prospect.contains("40,000"), "prospect said: {prospect:?}");
    assert!(!prospect.contains("Tom from Acme") && !sdr.contains("nightmare"));
    // --format json writes only the JSON transcript.
    assert!(!out.path().join("stereo_discovery.srt").exists());

    // Swapping the layout swaps the labels.
    let swapped = tempfile::tempdir().unwrap();
    let output = process(&[&call], swapped.path(), &["--format", "json", "--channels", "sdr-right"]);
    assert!(output.status.success());
    let transcript = json(&swapped.path().join("stereo_discovery.transcript.json"));
    let first = &transcript["segments"][0];
    assert_eq!(first["speaker"], "PROSPECT", "{first}");
}

/// One mixed channel: the two voices are told apart, and the one introducing the company is the SDR.
#[test]
fn mono_call_labels_sdr_and_prospect_by_voice() {
    let out = tempfile::tempdir().unwrap();
    let call = fixture("calls/healthcare_negation.ogg");
    let output = process(&[&call], out.path(), &["--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let transcript = json(&out.path().join("healthcare_negation.transcript.json"));
    assert_eq!(transcript["channel_layout"], "mixed");
    assert_times_are_sane("healthcare_negation", &transcript);
    let (sdr, prospect) = (said_by(&transcript, "SDR"), said_by(&transcript, "PROSPECT"));
    assert!(sdr.contains("Tom from Acme") && sdr.contains("compliance?"), "SDR said: {sdr:?}");
    assert!(prospect.contains("front desk") && prospect.contains("nobody maintained"), "prospect said: {prospect:?}");
    assert!(!prospect.contains("Acme") && !sdr.contains("front desk"));
}

/// `--sdr-voice`: the SDR's channel of an earlier dual-channel call (the channel `--channels`
/// names) decides which voice of a mono call is the SDR, over what the voices say.
#[test]
fn an_sdr_voice_sample_decides_who_the_sdr_is() {
    let call = fixture("calls/healthcare_negation.ogg");
    let earlier_call = fixture("calls/stereo_discovery.mp3");
    let sample = earlier_call.to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = process(&[&call], out.path(), &["--format", "json", "--sdr-voice", sample]);
    assert!(output.status.success(), "{}", stderr(&output));
    let sdr = said_by(&json(&out.path().join("healthcare_negation.transcript.json")), "SDR");
    assert!(sdr.contains("Tom from Acme") && !sdr.contains("front desk"), "SDR said: {sdr:?}");

    // Its right channel is the prospect of that call, a voice like this call's prospect.
    let swapped = tempfile::tempdir().unwrap();
    let args = ["--format", "json", "--sdr-voice", sample, "--channels", "sdr-right"];
    let output = process(&[&call], swapped.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let sdr = said_by(&json(&swapped.path().join("healthcare_negation.transcript.json")), "SDR");
    assert!(sdr.contains("front desk") && !sdr.contains("Tom from Acme"), "SDR said: {sdr:?}");
}

#[test]
fn an_unusable_sdr_voice_stops_the_run_naming_the_file() {
    let out = tempfile::tempdir().unwrap();
    let short = fixture("formats/pcm32_22k.wav");
    let args = ["--sdr-voice", short.to_str().unwrap()];
    let output = process(&[&fixture("calls/healthcare_negation.ogg")], out.path(), &args);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("--sdr-voice") && message.contains("pcm32_22k.wav"), "{message}");
    assert!(message.contains("at least 3 s"), "{message}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

/// Bad input: a one-line reason naming the file, no panic, no partial output, the others go on.
#[test]
fn bad_inputs_fail_clearly_and_leave_nothing_behind() {
    let out = tempfile::tempdir().unwrap();
    let bad = fixture("bad");
    let before = snapshot(&bad);
    let output = process(&[&bad], out.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let errors = stderr(&output);
    assert!(!errors.contains("panicked"), "{errors}");
    let expected_reasons = [
        ("empty.wav", "the file is empty (0 bytes)"),
        ("not_audio.mp3", "not a recording handoff can read"),
        ("corrupt_header.wav", "invalid audio header"),
        ("zero_channels.wav", "invalid audio header"),
        ("zero_rate.wav", "sample rate of 0 Hz"),
        ("header_only.wav", "holds no audio samples"),
        ("video_no_audio.mp4", "has no audio track"),
        ("unsupported_codec.mka", "codec AC-3 is not supported"),
    ];
    for (file, reason) in expected_reasons {
        let line =
            errors.lines().find(|line| line.contains(file)).unwrap_or_else(|| panic!("no error for {file}: {errors}"));
        assert!(line.contains(reason), "{file}: {line}");
        let stem = file.rsplit_once('.').unwrap().0;
        let leftovers: Vec<_> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(stem))
            .collect();
        assert!(leftovers.is_empty(), "{file} left {leftovers:?}");
    }
    // Silence and steady noise: processed, and nothing invented.
    for quiet in ["silence", "white_noise"] {
        let transcript = json(&out.path().join(format!("{quiet}.transcript.json")));
        assert_eq!(transcript["segments"], serde_json::json!([]), "{quiet} got words");
    }
    // A truncated MP3 keeps what is there and says it was cut short.
    let truncated = json(&out.path().join("truncated.transcript.json"));
    assert_eq!(truncated["source"]["truncated"], true);
    assert!(!truncated["segments"].as_array().unwrap().is_empty());
    assert!(errors.contains("truncated.mp3: the file ends early"), "{errors}");
    // Recordings are never touched.
    assert_eq!(snapshot(&bad), before);
}

#[test]
fn missing_model_is_a_usage_error_naming_every_place_looked() {
    let output =
        handoff(&["process", "--model", "/nonexistent/model.bin", fixture("formats/pcm16_16k.wav").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--model /nonexistent/model.bin: no such file"));
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_handoff"))
        .current_dir(dir.path())
        .args(["process", fixture("formats/pcm16_16k.wav").to_str().unwrap()])
        .env_remove("HANDOFF_MODEL")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    for place in ["--model", "$HANDOFF_MODEL", "models/ggml-tiny.en-q8_0.bin", "../shared/models/ggml-tiny.en-q8_0.bin"]
    {
        assert!(message.contains(place), "{place} not named in: {message}");
    }
}

#[test]
fn bad_usage_exits_2_and_help_has_examples() {
    assert_eq!(handoff(&["process"]).status.code(), Some(2));
    assert_eq!(handoff(&["process", "--format", "docx", "x.wav"]).status.code(), Some(2));
    let help = String::from_utf8(handoff(&["--help"]).stdout).unwrap();
    assert!(help.contains("Examples:") && help.contains("handoff process"));
    let version = String::from_utf8(handoff(&["--version"]).stdout).unwrap();
    assert!(version.starts_with("handoff "));
}

/// File name → (size, modification time, sha256) of every file in a folder.
fn snapshot(dir: &Path) -> Vec<(String, u64, std::time::SystemTime, String)> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let meta = std::fs::metadata(&path).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            use sha2::Digest;
            let hash = format!("{:x}", sha2::Sha256::digest(&bytes));
            (path.file_name().unwrap().to_string_lossy().into_owned(), meta.len(), meta.modified().unwrap(), hash)
        })
        .collect();
    entries.sort();
    entries
}

/// A day's folder with good and bad recordings, two at a time: every good one gets its outputs,
/// every bad one is reported, and the exit code says some failed.
#[test]
fn a_batch_with_good_and_bad_files_processes_all_good_ones() {
    let day = tempfile::tempdir().unwrap();
    for (source, name) in [
        ("formats/pcm16_16k.wav", "09-00 call.wav"),
        ("bad/not_audio.mp3", "10-30 call.mp3"),
        ("formats/opus.webm", "11-15 Zoë call.webm"),
        ("bad/empty.wav", "13-00 call.wav"),
    ] {
        std::fs::copy(fixture(source), day.path().join(name)).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let output = process(&[day.path()], out.path(), &["--json", "--jobs", "2"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let status: Vec<(String, String)> = summary
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let file = Path::new(r["file"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned();
            (file, r["status"].as_str().unwrap().to_string())
        })
        .collect();
    let expected = [
        ("09-00 call.wav", "done"),
        ("10-30 call.mp3", "failed"),
        ("11-15 Zoë call.webm", "done"),
        ("13-00 call.wav", "failed"),
    ];
    assert_eq!(status, expected.map(|(f, s)| (f.to_string(), s.to_string())));
    for stem in ["09-00 call", "11-15 Zoë call"] {
        for suffix in ["transcript.json", "transcript.txt", "srt", "handoff.json", "handoff.md"] {
            assert!(out.path().join(format!("{stem}.{suffix}")).is_file(), "{stem}.{suffix} missing");
        }
    }
    let errors = stderr(&output);
    assert!(errors.contains("10-30 call.mp3") && errors.contains("13-00 call.wav"), "{errors}");
}
