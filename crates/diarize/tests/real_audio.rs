//! Mono attribution on real recordings: two-voice fixture calls mixed down to mono, transcribed
//! by the real Whisper model, checked word by word against the script.
//!
//! The thresholds sit below what `examples/word_accuracy.rs` measured (see BENCHMARKS.md):
//! enough margin for another whisper.cpp build to time a few words differently, not enough to
//! let a broken clustering or naming through.

mod common;

use common::{read_truth, true_speakers};
use handoff_audio::{decode_file, speech_spans, DecodedAudio, TARGET_RATE_HZ};
use handoff_diarize::{diarize, Diarization, Naming, Speaker, TimedWord, VoiceError, VoiceProfile};
use handoff_transcribe::{TranscribeOptions, Transcriber};
use std::path::{Path, PathBuf};

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(relative)
}

fn model() -> PathBuf {
    let path = std::env::var_os("HANDOFF_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/models/ggml-tiny.en.bin"));
    assert!(path.is_file(), "the Whisper model is missing at {} (see README: Model)", path.display());
    path
}

/// The recording mixed to mono (as `handoff process` hears a mono file), its words, and each
/// word's true speaker.
fn transcribed(relative: &str) -> (DecodedAudio, Vec<(String, u64, u64)>, Vec<Speaker>) {
    let recording = fixture(relative);
    let audio = decode_file(&recording).unwrap();
    let transcriber =
        Transcriber::load(&model(), TranscribeOptions { threads: 2, initial_prompt: None, language: "en".into() })
            .unwrap();
    let segments = transcriber.transcribe(&audio.samples, &speech_spans(&audio.samples, TARGET_RATE_HZ)).unwrap();
    let words: Vec<(String, u64, u64)> = segments
        .iter()
        .flat_map(|segment| segment.words.iter().map(|word| (word.text.clone(), word.start_ms, word.end_ms)))
        .collect();
    let truth = true_speakers(&words, &read_truth(&recording).unwrap());
    (audio, words, truth)
}

fn attribute(audio: &DecodedAudio, words: &[(String, u64, u64)], voice: Option<&VoiceProfile>) -> Diarization {
    let timed: Vec<TimedWord<'_>> =
        words.iter().map(|(text, start_ms, end_ms)| TimedWord { text, start_ms: *start_ms, end_ms: *end_ms }).collect();
    diarize(&audio.samples, &timed, voice)
}

fn share_right(found: &Diarization, truth: &[Speaker]) -> f64 {
    let right = found.words.iter().zip(truth).filter(|(word, want)| word.speaker == **want).count();
    right as f64 / truth.len() as f64
}

/// The hardest pair: two male voices of one pitch range (measured 93% right).
#[test]
fn two_male_voices_in_a_mono_mix_are_told_apart_and_named() {
    let (audio, words, truth) = transcribed("voices/logistics_routing.opus");
    let found = attribute(&audio, &words, None);
    assert_eq!((found.voices, found.naming), (2, Naming::WhatTheySaid));
    let right = share_right(&found, &truth);
    assert!(right >= 0.85, "{:.1}% of words right", 100.0 * right);
}

/// A few seconds of the SDR alone name the SDR's voice (measured 100% right).
#[test]
fn an_sdr_voice_sample_names_the_sdr() {
    let (audio, words, truth) = transcribed("voices/clinic_intake.opus");
    let sample = VoiceProfile::load(&fixture("voices/clinic_intake.sdr_voice.opus"), 0).unwrap();
    let found = attribute(&audio, &words, Some(&sample));
    assert_eq!(found.naming, Naming::SdrVoice);
    let right = share_right(&found, &truth);
    assert!(right >= 0.9, "{:.1}% of words right", 100.0 * right);
}

/// A previous dual-channel call of the same SDR serves as the sample: its SDR channel is used
/// (measured 100% right); its prospect's channel would name the wrong voice.
#[test]
fn a_dual_channel_call_of_the_sdr_serves_as_the_sample() {
    let (audio, words, truth) = transcribed("calls/healthcare_negation.ogg");
    let previous_call = fixture("calls/stereo_discovery.mp3");
    let sdr_channel = VoiceProfile::load(&previous_call, 0).unwrap();
    let found = attribute(&audio, &words, Some(&sdr_channel));
    assert_eq!(found.naming, Naming::SdrVoice);
    let right = share_right(&found, &truth);
    assert!(right >= 0.9, "{:.1}% of words right", 100.0 * right);

    let prospect_channel = VoiceProfile::load(&previous_call, 1).unwrap();
    let swapped = share_right(&attribute(&audio, &words, Some(&prospect_channel)), &truth);
    assert!(swapped <= 0.1, "the prospect's channel named the SDR: {:.1}% right", 100.0 * swapped);
}

#[test]
fn an_unusable_sample_is_refused_naming_the_file() {
    let not_audio = fixture("bad/not_audio.mp3");
    let error = VoiceProfile::load(&not_audio, 0).unwrap_err();
    assert!(matches!(error, VoiceError::Decode(_)));
    assert!(error.to_string().contains("not_audio.mp3"), "{error}");

    // "We use Salesforce today": 1.4 s of speech.
    let short = fixture("formats/pcm32_22k.wav");
    let error = VoiceProfile::load(&short, 0).unwrap_err();
    assert!(matches!(error, VoiceError::TooShort { .. }));
    let message = error.to_string();
    assert!(message.contains("pcm32_22k.wav") && message.contains("at least 3 s"), "{message}");
}
