//! `schemas/transcript.schema.json` accepts what this crate writes, with and without word times,
//! and rejects broken transcripts.

use handoff_transcript::{Segment, SourceInfo, Speaker, StageTimings, Transcript, Word, TRANSCRIPT_SCHEMA_VERSION};
use serde_json::Value;
use std::path::Path;

fn errors(document: &Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/transcript.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    validator.iter_errors(document).map(|error| format!("{} at {}", error, error.instance_path())).collect()
}

fn transcript() -> Value {
    let transcript = Transcript {
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        source: SourceInfo {
            path: "/calls/call.mp3".into(),
            sha256: "ab".repeat(32),
            duration_ms: 9_000,
            sample_rate_hz: 44_100,
            channels: 2,
            codec: "mp3".into(),
            truncated: false,
        },
        model: "ggml-tiny.en".into(),
        channel_layout: "sdr-left".into(),
        timings_ms: StageTimings { decode_ms: 10, transcribe_ms: 900, total_ms: 950 },
        segments: vec![
            Segment {
                start_ms: 500,
                end_ms: 2_400,
                speaker: Speaker::Sdr,
                text: "Any deadline?".into(),
                words: vec![
                    Word { text: "Any".into(), start_ms: 520, end_ms: 900 },
                    Word { text: "deadline?".into(), start_ms: 900, end_ms: 2_300 },
                ],
            },
            Segment {
                start_ms: 3_000,
                end_ms: 5_000,
                speaker: Speaker::Prospect,
                text: "Q1.".into(),
                words: Vec::new(),
            },
        ],
    };
    serde_json::from_str(&transcript.to_json()).unwrap()
}

#[test]
fn written_transcripts_validate_with_and_without_words() {
    let document = transcript();
    assert!(document["segments"][0]["words"].is_array() && document["segments"][1].get("words").is_none());
    assert_eq!(errors(&document), Vec::<String>::new());
}

/// What is broken, and how to break a valid transcript that way.
type Breakage = (&'static str, fn(&mut Value));

#[test]
fn broken_transcripts_do_not_validate() {
    let broken: [Breakage; 5] = [
        ("word without times", |doc| {
            doc["segments"][0]["words"][0].as_object_mut().unwrap().remove("start_ms");
        }),
        ("empty word", |doc| doc["segments"][0]["words"][1]["text"] = "".into()),
        ("negative time", |doc| doc["segments"][1]["end_ms"] = (-1).into()),
        ("bad speaker", |doc| doc["segments"][0]["speaker"] = "sdr".into()),
        ("another schema version", |doc| doc["schema_version"] = 2.into()),
    ];
    for (what, break_it) in broken {
        let mut document = transcript();
        break_it(&mut document);
        assert!(!errors(&document).is_empty(), "{what} validated");
    }
}
