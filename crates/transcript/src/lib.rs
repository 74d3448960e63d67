//! The timed transcript of one recording: what transcription produces and extraction consumes.
//!
//! Kept free of audio and model dependencies so that the extraction stage (and anyone reading
//! `<name>.transcript.json`) builds without whisper.cpp.

#![warn(missing_docs)]

pub mod import;

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Bumped whenever a field changes meaning or is removed; additions keep the version.
pub const TRANSCRIPT_SCHEMA_VERSION: u32 = 1;

/// Who said a segment: on a two-channel recording, the channel that carried the energy while it
/// was spoken; on a mono one, the voice that spoke it (`handoff-diarize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Speaker {
    /// The seller's side: who made the call.
    Sdr,
    /// The buyer's side, whose words the handoff quotes.
    Prospect,
    /// Not told apart (a mixed recording, or an imported transcript that names nobody).
    Unknown,
}

impl Speaker {
    /// The name transcripts and the review page show: `SDR`, `PROSPECT`, `UNKNOWN`.
    pub fn label(self) -> &'static str {
        match self {
            Speaker::Sdr => "SDR",
            Speaker::Prospect => "PROSPECT",
            Speaker::Unknown => "UNKNOWN",
        }
    }
}

/// One stretch of speech by one speaker: what items quote and point back to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// From the start of the recording.
    pub start_ms: u64,
    /// From the start of the recording; never before `start_ms`.
    pub end_ms: u64,
    /// Who said it.
    pub speaker: Speaker,
    /// What was said, trimmed.
    pub text: String,
    /// The segment's words in order, each with its own times (Whisper token timestamps), so a
    /// quote from the middle of a long segment gets the times it was said. Empty where there are
    /// none: imported captions, and transcripts written before words were kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Word>,
}

/// One spoken word, as transcribed (punctuation attached, no surrounding spaces).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// As Whisper spelt it: found again among the segment text's words to give them times.
    pub text: String,
    /// From the start of the recording: an item quoting this word starts here.
    pub start_ms: u64,
    /// From the start of the recording: an item quoting this word ends here.
    pub end_ms: u64,
}

/// What the decoder found in the file, before any resampling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The recording (or imported transcript) as processed, absolute where known: the review
    /// page plays it from here.
    pub path: String,
    /// Hex SHA-256 of the file's bytes: ties every output, and a review, to this content.
    pub sha256: String,
    /// Length of the audio actually decoded.
    pub duration_ms: u64,
    /// The file's own rate, before resampling to 16 kHz.
    pub sample_rate_hz: u32,
    /// The file's channel count: two channels let speakers be told apart.
    pub channels: u16,
    /// Codec as the decoder names it (`mp3`, `pcm_s16le`, ...), or the import format.
    pub codec: String,
    /// The file ended before its container said it would; the transcript covers what was there.
    pub truncated: bool,
}

/// Wall time of each stage, so slow recordings can be told from slow machines.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageTimings {
    /// Decoding and resampling.
    pub decode_ms: u64,
    /// Speech detection and Whisper.
    pub transcribe_ms: u64,
    /// The whole recording, speaker labelling included.
    pub total_ms: u64,
}

/// `<name>.transcript.json`: the timed, speaker-labelled text of one recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// [`TRANSCRIPT_SCHEMA_VERSION`] of the build that wrote it.
    pub schema_version: u32,
    /// Where the transcript came from.
    pub source: SourceInfo,
    /// The Whisper model (or `imported-*` for transcripts read from other tools).
    pub model: String,
    /// How speakers were assigned: `sdr-left`, `sdr-right` or `mixed`.
    pub channel_layout: String,
    /// How long each stage took.
    pub timings_ms: StageTimings,
    /// In time order.
    pub segments: Vec<Segment>,
}

impl Transcript {
    /// Plain text, one segment a line, with its time and speaker for a quick read or grep.
    pub fn to_txt(&self) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            let _ = writeln!(out, "[{}] {}: {}", clock(segment.start_ms, ':'), segment.speaker.label(), segment.text);
        }
        out
    }

    /// SubRip subtitles, so the transcript plays along with the recording in any media player.
    pub fn to_srt(&self) -> String {
        let mut out = String::new();
        for (index, segment) in self.segments.iter().enumerate() {
            let _ = write!(
                out,
                "{}\n{} --> {}\n{}: {}\n\n",
                index + 1,
                srt_time(segment.start_ms),
                srt_time(segment.end_ms),
                segment.speaker.label(),
                segment.text
            );
        }
        out
    }

    /// `<name>.transcript.json`, pretty-printed so diffs between runs are readable.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a transcript always serializes")
    }
}

/// `h:mm:ss` (or `mm:ss` under an hour), the way people quote a moment in a call.
pub fn clock(ms: u64, separator: char) -> String {
    let total_seconds = ms / 1000;
    let (hours, minutes, seconds) = (total_seconds / 3600, total_seconds / 60 % 60, total_seconds % 60);
    if hours > 0 {
        format!("{hours}{separator}{minutes:02}{separator}{seconds:02}")
    } else {
        format!("{minutes:02}{separator}{seconds:02}")
    }
}

fn srt_time(ms: u64) -> String {
    format!("{:02}:{:02}:{:02},{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Transcript {
        Transcript {
            schema_version: TRANSCRIPT_SCHEMA_VERSION,
            source: SourceInfo {
                path: "call.wav".into(),
                sha256: "00".into(),
                duration_ms: 3_723_456,
                sample_rate_hz: 8000,
                channels: 2,
                codec: "pcm_mulaw".into(),
                truncated: false,
            },
            model: "ggml-tiny.en".into(),
            channel_layout: "sdr-left".into(),
            timings_ms: StageTimings::default(),
            segments: vec![
                Segment {
                    start_ms: 1_500,
                    end_ms: 4_250,
                    speaker: Speaker::Sdr,
                    text: "Hi there.".into(),
                    words: vec![
                        Word { text: "Hi".into(), start_ms: 1_500, end_ms: 1_900 },
                        Word { text: "there.".into(), start_ms: 2_000, end_ms: 4_250 },
                    ],
                },
                Segment {
                    start_ms: 3_722_000,
                    end_ms: 3_723_456,
                    speaker: Speaker::Prospect,
                    text: "Bye.".into(),
                    words: Vec::new(),
                },
            ],
        }
    }

    #[test]
    fn srt_numbers_cues_and_formats_hours() {
        let srt = sample().to_srt();
        assert!(srt.starts_with("1\n00:00:01,500 --> 00:00:04,250\nSDR: Hi there.\n\n2\n"));
        assert!(srt.contains("01:02:02,000 --> 01:02:03,456\nPROSPECT: Bye."));
    }

    #[test]
    fn txt_has_clock_and_speaker() {
        assert_eq!(sample().to_txt(), "[00:01] SDR: Hi there.\n[1:02:02] PROSPECT: Bye.\n");
    }

    #[test]
    fn json_round_trips_with_uppercase_speakers() {
        let json = sample().to_json();
        assert!(json.contains("\"speaker\": \"PROSPECT\""));
        let back: Transcript = serde_json::from_str(&json).unwrap();
        assert_eq!(back, sample());
        // Words are written where there are some, and only there.
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            value["segments"][0]["words"][1],
            serde_json::json!({"text": "there.", "start_ms": 2000, "end_ms": 4250})
        );
        assert!(value["segments"][1].get("words").is_none());
    }

    #[test]
    fn transcripts_written_before_word_times_still_load() {
        let older = r#"{"schema_version": 1, "source": {"path": "call.wav", "sha256": "00", "duration_ms": 4000,
            "sample_rate_hz": 16000, "channels": 1, "codec": "pcm_s16le", "truncated": false},
            "model": "ggml-tiny.en", "channel_layout": "mixed",
            "timings_ms": {"decode_ms": 1, "transcribe_ms": 2, "total_ms": 3},
            "segments": [{"start_ms": 0, "end_ms": 4000, "speaker": "UNKNOWN", "text": "Hello."}]}"#;
        let transcript: Transcript = serde_json::from_str(older).unwrap();
        assert_eq!(transcript.segments[0].text, "Hello.");
        assert!(transcript.segments[0].words.is_empty());
    }
}
