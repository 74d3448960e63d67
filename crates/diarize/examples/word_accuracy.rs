//! Speaker accuracy per word on mono (mixed) recordings against dual-channel truth.
//!
//! ```text
//! cargo run --release -p handoff-diarize --example word_accuracy -- [--model PATH]
//!     [--only SDR|PROSPECT] [--sdr-voice FILE] RECORDING... [--sdr-voice FILE RECORDING...]
//! ```
//!
//! Each RECORDING has its `<stem>.truth.json` beside it (`script`: turns with speaker, text and
//! times, as `fixtures/make_fixtures.sh` and `fixtures/voices/make_voices.py` write them). The
//! recording is decoded and mixed to mono as `handoff process` does, transcribed with Whisper, and
//! every word is attributed twice:
//!
//! - mono: `handoff_diarize::diarize` on the mixed samples, with the sample of the last
//!   `--sdr-voice` before the recording if there is one;
//! - dual-channel (stereo recordings only): the channel that dominated while the word was spoken,
//!   a word without a clear channel taking its previous neighbour's (as `handoff process` does).
//!
//! The truth of a word is the speaker of the script word it aligns to (edit-distance alignment of
//! the normalised words; Whisper's word times are often off by a few hundred ms at a turn, so time
//! alone would misjudge the words around every turn). A word Whisper added takes the turn nearest
//! in time. `--only SDR` (or `PROSPECT`) silences the other side's turns first and drops their
//! words: a one-voice recording, to see what happens when there is nobody to tell apart.
//!
//! Prints one Markdown row per recording and a total: words right, UNKNOWN and wrong.

#[path = "../tests/common/mod.rs"]
mod common;

use common::{read_truth, true_speakers};
use handoff_audio::{decode_file, speech_spans, ChannelActivity, TARGET_RATE_HZ};
use handoff_diarize::{diarize, Naming, Speaker, TimedWord, VoiceProfile};
use handoff_transcribe::{TranscribeOptions, Transcriber};
use std::path::PathBuf;
use std::process::ExitCode;

struct Args {
    model: PathBuf,
    only: Option<Speaker>,
    /// Each recording with the SDR voice sample that applies to it.
    recordings: Vec<(PathBuf, Option<PathBuf>)>,
}

fn parse_args() -> Result<Args, String> {
    let default_model =
        std::env::var_os("HANDOFF_MODEL").map_or_else(|| "../shared/models/ggml-tiny.en.bin".into(), PathBuf::from);
    let mut args = Args { model: default_model, only: None, recordings: Vec::new() };
    let mut sdr_voice: Option<PathBuf> = None;
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| iter.next().ok_or(format!("{flag} needs a value"));
        match arg.as_str() {
            "--model" => args.model = value("--model")?.into(),
            "--sdr-voice" => sdr_voice = Some(value("--sdr-voice")?.into()),
            "--only" => {
                args.only = Some(match value("--only")?.as_str() {
                    "SDR" => Speaker::Sdr,
                    "PROSPECT" => Speaker::Prospect,
                    other => return Err(format!("--only takes SDR or PROSPECT, not {other}")),
                })
            }
            flag if flag.starts_with('-') => return Err(format!("unknown flag {flag}")),
            path => args.recordings.push((path.into(), sdr_voice.clone())),
        }
    }
    if args.recordings.is_empty() {
        return Err("usage: word_accuracy [--model PATH] [--only SDR|PROSPECT] [--sdr-voice FILE] RECORDING... \
             [--sdr-voice FILE RECORDING...]"
            .into());
    }
    Ok(args)
}

/// Each word's speaker by which channel dominated (channel 0 is the SDR's, as in the fixtures).
fn channel_speakers(words: &[(String, u64, u64)], activity: &ChannelActivity) -> Vec<Speaker> {
    let mut previous = Speaker::Unknown;
    words
        .iter()
        .map(|(_, start, end)| {
            let speaker = match activity.dominant_channel(*start, (*end).max(start + 10)) {
                Some(0) => Speaker::Sdr,
                Some(_) => Speaker::Prospect,
                None => previous,
            };
            previous = speaker;
            speaker
        })
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Tally {
    words: usize,
    right: usize,
    unknown: usize,
}

impl Tally {
    fn add(&mut self, truth: &[Speaker], found: &[Speaker]) {
        for (want, got) in truth.iter().zip(found) {
            self.words += 1;
            self.right += usize::from(want == got);
            self.unknown += usize::from(*got == Speaker::Unknown);
        }
    }

    fn cells(self) -> String {
        let share = |n: usize| 100.0 * n as f64 / self.words.max(1) as f64;
        let wrong = self.words - self.right - self.unknown;
        format!("{:.1}% | {:.1}% | {:.1}%", share(self.right), share(self.unknown), share(wrong))
    }
}

fn run(args: &Args) -> Result<(), String> {
    let options = TranscribeOptions {
        threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        initial_prompt: None,
        language: "en".into(),
    };
    let transcriber = Transcriber::load(&args.model, options).map_err(|e| e.to_string())?;
    println!("| recording | voices | named by | words | mono right | mono UNKNOWN | mono wrong | dual-channel right |");
    println!("|---|---|---|---|---|---|---|---|");
    let (mut mono_total, mut dual_total) = (Tally::default(), Tally::default());
    for (recording, sample) in &args.recordings {
        let voice = match sample {
            Some(path) => Some(VoiceProfile::load(path, 0).map_err(|e| e.to_string())?),
            None => None,
        };
        let turns = read_truth(recording)?;
        let mut audio = decode_file(recording).map_err(|e| e.to_string())?;
        if let Some(keep) = args.only {
            let length = audio.samples.len();
            let at = |ms: u64| ((ms * u64::from(TARGET_RATE_HZ) / 1000) as usize).min(length);
            for turn in turns.iter().filter(|turn| turn.speaker != keep) {
                audio.samples[at(turn.start_ms)..at(turn.end_ms)].fill(0);
            }
        }
        let spans = speech_spans(&audio.samples, TARGET_RATE_HZ);
        let segments = transcriber.transcribe(&audio.samples, &spans).map_err(|e| e.to_string())?;
        let mut words: Vec<(String, u64, u64)> = segments
            .iter()
            .flat_map(|segment| segment.words.iter().map(|w| (w.text.clone(), w.start_ms, w.end_ms)))
            .collect();
        let mut truth = true_speakers(&words, &turns);
        if let Some(keep) = args.only {
            let kept: Vec<bool> = truth.iter().map(|speaker| *speaker == keep).collect();
            let mut flags = kept.iter();
            words.retain(|_| *flags.next().unwrap_or(&false));
            truth.retain(|speaker| *speaker == keep);
        }
        let timed: Vec<TimedWord<'_>> = words
            .iter()
            .map(|(text, start_ms, end_ms)| TimedWord { text, start_ms: *start_ms, end_ms: *end_ms })
            .collect();
        let diarization = diarize(&audio.samples, &timed, voice.as_ref());
        let mono: Vec<Speaker> = diarization.words.iter().map(|word| word.speaker).collect();
        let mut tally = Tally::default();
        tally.add(&truth, &mono);
        mono_total.add(&truth, &mono);
        let dual = if audio.activity.channel_count() >= 2 && args.only.is_none() {
            let mut dual = Tally::default();
            dual.add(&truth, &channel_speakers(&words, &audio.activity));
            dual_total.add(&truth, &channel_speakers(&words, &audio.activity));
            format!("{:.1}%", 100.0 * dual.right as f64 / dual.words.max(1) as f64)
        } else {
            "-".into()
        };
        let sample_name = sample.as_ref().and_then(|path| path.file_name()).map(|name| name.to_string_lossy());
        let named_by = match diarization.naming {
            Naming::SdrVoice => format!("voice sample {}", sample_name.unwrap_or_default()),
            Naming::WhatTheySaid => "what they said".into(),
            Naming::Unsure => "nothing (all UNKNOWN)".into(),
        };
        let name = recording.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        println!("| {name} | {} | {named_by} | {} | {} | {dual} |", diarization.voices, tally.words, tally.cells());
    }
    let dual = if dual_total.words > 0 {
        format!("{:.1}% of {} words", 100.0 * dual_total.right as f64 / dual_total.words as f64, dual_total.words)
    } else {
        "-".into()
    };
    println!("| **all** | | | {} | {} | {dual} |", mono_total.words, mono_total.cells());
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("word_accuracy: {message}");
            ExitCode::FAILURE
        }
    }
}
