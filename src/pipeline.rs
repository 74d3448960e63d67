//! One recording through every stage: decode → transcribe → extract → handoff document.
//!
//! Stages only hand typed values forward; this module wires them and times them.

use crate::cli::{ChannelLayout, PipelineArgs, TranscriptFormat};
use crate::output::{write_atomically, OutputPaths};
use crate::prompt::vocabulary_prompt;
use crate::speakers::label_speakers;
use anyhow::{Context, Result};
use handoff_audio::{decode_file, speech_spans, DecodedAudio, TARGET_RATE_HZ};
use handoff_document::{build_draft, render_markdown, Handoff};
use handoff_extract::{extract, RuleSet};
use handoff_transcribe::{TranscribeOptions, Transcriber};
use handoff_transcript::{SourceInfo, StageTimings, Transcript, TRANSCRIPT_SCHEMA_VERSION};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything loaded once and shared by all recordings of a run.
pub struct Pipeline {
    transcriber: Transcriber,
    rules: RuleSet,
    settings: PipelineArgs,
}

/// What processing one recording produced.
#[derive(Debug)]
pub struct Processed {
    pub handoff: Handoff,
    /// Whether the outputs were already up to date (same audio, model and rules) and kept.
    pub skipped: bool,
    pub truncated: bool,
    pub written: Vec<PathBuf>,
}

impl Pipeline {
    /// Loads and validates everything up front, so a bad rule or model fails before any work.
    pub fn new(settings: PipelineArgs, model: &Path, threads_per_job: usize) -> Result<Self> {
        let rules = RuleSet::load(settings.rules.as_deref())?;
        let initial_prompt = match settings.no_prompt {
            true => None,
            false => vocabulary_prompt(settings.rules.as_deref())?,
        };
        let options = TranscribeOptions { threads: threads_per_job, initial_prompt };
        let transcriber = Transcriber::load(model, options)?;
        Ok(Self { transcriber, rules, settings })
    }

    pub fn outputs_for(&self, recording: &Path) -> OutputPaths {
        OutputPaths::for_recording(recording, self.settings.out.as_deref())
    }

    /// Processes `recording` unless its outputs are up to date and `force` is false.
    pub fn process(&self, recording: &Path, force: bool) -> Result<Processed> {
        self.process_hashed(recording, sha256_file(recording)?, force)
    }

    /// [`Pipeline::process`] for a caller that already hashed the file (the watcher keys on it).
    pub fn process_hashed(&self, recording: &Path, sha256: String, force: bool) -> Result<Processed> {
        let started = Instant::now();
        if !force {
            if let Some(handoff) = self.up_to_date(recording, &sha256) {
                return Ok(Processed { handoff, skipped: true, truncated: false, written: Vec::new() });
            }
        }
        let audio = decode_file(recording)?;
        let decode_ms = elapsed_ms(started);

        let transcribe_started = Instant::now();
        let spans = speech_spans(&audio.samples, TARGET_RATE_HZ);
        let raw = self.transcriber.transcribe(&audio.samples, &spans)?;
        let transcribe_ms = elapsed_ms(transcribe_started);

        let layout = self.layout_for(&audio);
        let transcript = Transcript {
            schema_version: TRANSCRIPT_SCHEMA_VERSION,
            source: SourceInfo {
                path: recording.display().to_string(),
                sha256,
                duration_ms: audio.source.duration_ms,
                sample_rate_hz: audio.source.sample_rate_hz,
                channels: audio.source.channels,
                codec: audio.source.codec.clone(),
                truncated: audio.source.truncated,
            },
            model: self.transcriber.model_name().to_string(),
            channel_layout: layout.name().to_string(),
            timings_ms: StageTimings { decode_ms, transcribe_ms, total_ms: elapsed_ms(started) },
            segments: label_speakers(raw, &audio.activity, layout),
        };
        let extraction = extract(&transcript, &self.rules);
        let created_at = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        let handoff = build_draft(&transcript, extraction, self.rules.version(), &created_at);

        let mut written = self.write_transcript(recording, &transcript)?;
        let paths = self.outputs_for(recording);
        for (suffix, contents) in [("handoff.json", handoff.to_json()), ("handoff.md", render_markdown(&handoff))] {
            let path = paths.path(suffix);
            write_atomically(&path, &contents)?;
            written.push(path);
        }
        // The new draft is written either way; a review that cannot be re-applied is reported.
        match crate::review::reapply_after_processing(&paths.path("handoff.json")) {
            Ok(finals) => written.extend(finals),
            Err(error) => {
                eprintln!("handoff: warning: {}: the SDR's review was not re-applied: {error:#}", recording.display())
            }
        }
        Ok(Processed { handoff, skipped: false, truncated: transcript.source.truncated, written })
    }

    /// The existing draft, when it was made from the same audio, model and rules.
    fn up_to_date(&self, recording: &Path, sha256: &str) -> Option<Handoff> {
        let paths = self.outputs_for(recording);
        let handoff = Handoff::load(&paths.path("handoff.json")).ok()?;
        let transcript_kept = paths.path("transcript.json").is_file();
        (handoff.source.sha256 == sha256
            && handoff.model == self.transcriber.model_name()
            && handoff.rules_version == self.rules.version()
            && transcript_kept)
            .then_some(handoff)
    }

    fn layout_for(&self, audio: &DecodedAudio) -> ChannelLayout {
        match self.settings.channels {
            _ if audio.activity.channel_count() < 2 => ChannelLayout::Mixed,
            Some(layout) => layout,
            None => ChannelLayout::SdrLeft,
        }
    }

    fn write_transcript(&self, recording: &Path, transcript: &Transcript) -> Result<Vec<PathBuf>> {
        let paths = self.outputs_for(recording);
        let format = self.settings.format;
        let wanted = |one| format == one || format == TranscriptFormat::All;
        let files = [
            (TranscriptFormat::Json, "transcript.json", transcript.to_json()),
            (TranscriptFormat::Txt, "transcript.txt", transcript.to_txt()),
            (TranscriptFormat::Srt, "srt", transcript.to_srt()),
        ];
        let mut written = Vec::new();
        for (kind, suffix, contents) in files {
            if wanted(kind) {
                let path = paths.path(suffix);
                write_atomically(&path, &contents)?;
                written.push(path);
            }
        }
        Ok(written)
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    since.elapsed().as_millis() as u64
}

/// Content hash of the recording: names outputs' source, and keys "already processed".
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = File::open(path).with_context(|| format!("{}: cannot read the file", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer).with_context(|| format!("{}: read failed", path.display()))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}
