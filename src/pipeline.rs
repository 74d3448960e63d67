//! One recording through every stage: decode → transcribe → extract → handoff document.
//!
//! Stages only hand typed values forward; this module wires them and times them.

use crate::output::OutputPaths;
use crate::prompt::vocabulary_prompt;
use crate::settings::{PipelineSettings, TranscriptFormat};
use crate::speakers::{label_speakers, ChannelLayout};
use anyhow::{Context, Result};
use handoff_audio::{decode_file, speech_spans, DecodedAudio, TARGET_RATE_HZ};
use handoff_diarize::VoiceProfile;
use handoff_document::{build_draft, now, render_markdown, write_atomically, Handoff};
use handoff_extract::{extract_with_speakers, RuleSet};
use handoff_review::Requirements;
use handoff_transcribe::{TranscribeOptions, Transcriber};
use handoff_transcript::{SourceInfo, StageTimings, Transcript, TRANSCRIPT_SCHEMA_VERSION};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything loaded once and shared by all recordings of a run.
pub struct Pipeline {
    transcriber: Transcriber,
    rules: RuleSet,
    format: TranscriptFormat,
    channels: Option<ChannelLayout>,
    /// Names the SDR's voice on mono recordings.
    sdr_voice: Option<VoiceProfile>,
    requirements: Requirements,
}

/// What processing one recording produced.
#[derive(Debug)]
pub struct Processed {
    pub handoff: Handoff,
    /// Whether the outputs were already up to date (same audio, model and rules) and kept.
    pub skipped: bool,
    pub truncated: bool,
    pub written: Vec<PathBuf>,
    /// Processed, but the user should know; for the command to print, since only it knows
    /// where (beside a progress bar, in a log).
    pub warnings: Vec<String>,
}

/// The draft handoff of one transcript, the files written, and what the user should know.
#[derive(Debug)]
pub struct Drafted {
    pub handoff: Handoff,
    pub written: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

impl Pipeline {
    /// Loads and validates everything up front, so a bad rule or model fails before any work.
    pub fn new(settings: &PipelineSettings, threads_per_job: usize) -> Result<Self> {
        let rules = RuleSet::load(settings.rules.as_deref())?;
        let initial_prompt = match settings.prompt {
            true => vocabulary_prompt(settings.rules.as_deref())?,
            false => None,
        };
        let options =
            TranscribeOptions { threads: threads_per_job, initial_prompt, language: settings.language.clone() };
        let transcriber = Transcriber::load(&settings.model, options)?;
        Ok(Self {
            transcriber,
            rules,
            format: settings.format,
            channels: settings.channels,
            sdr_voice: settings.sdr_voice.clone(),
            requirements: settings.requirements.clone(),
        })
    }

    /// Processes `recording` (content `sha256`) into `outputs`, unless they are up to date and
    /// `force` is false. Errors name the recording; an [`OutputError`](handoff_document::OutputError)
    /// in the chain means the output side failed, not the recording.
    pub fn process(&self, recording: &Path, sha256: String, outputs: &OutputPaths, force: bool) -> Result<Processed> {
        let started = Instant::now();
        if !force {
            if let Some(handoff) = self.up_to_date(outputs, &sha256) {
                return Ok(Processed {
                    handoff,
                    skipped: true,
                    truncated: false,
                    written: Vec::new(),
                    warnings: Vec::new(),
                });
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
                // Absolute, so the review page finds the recording from wherever it is started.
                path: recording.canonicalize().unwrap_or_else(|_| recording.to_path_buf()).display().to_string(),
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
            segments: label_speakers(raw, &audio, layout, self.sdr_voice.as_ref()),
        };
        let not_all_written = || format!("{}: the outputs were not all written", recording.display());
        let mut written = self.write_transcript(outputs, &transcript).with_context(not_all_written)?;
        let drafted = draft_handoff(&transcript, &self.rules, &self.requirements, outputs, recording, &[])
            .with_context(not_all_written)?;
        written.extend(drafted.written);
        Ok(Processed {
            handoff: drafted.handoff,
            skipped: false,
            truncated: transcript.source.truncated,
            written,
            warnings: drafted.warnings,
        })
    }

    /// The existing draft, when it was made from the same audio, model and rules and every other
    /// output of the set is there with the content that draft and transcript give: a run that
    /// died half-way (disk full, a kill) leaves a set that is not up to date. Needs the JSON
    /// transcript, which the other transcript files are rendered from.
    fn up_to_date(&self, outputs: &OutputPaths, sha256: &str) -> Option<Handoff> {
        let handoff = Handoff::load(&outputs.path("handoff.json")).ok()?;
        let same_inputs = handoff.source.sha256 == sha256
            && handoff.model == self.transcriber.model_name()
            && handoff.rules_version == self.rules.version();
        let transcript: Transcript =
            serde_json::from_str(&fs::read_to_string(outputs.path("transcript.json")).ok()?).ok()?;
        let unchanged = |suffix: &str, expected: String| {
            fs::read_to_string(outputs.path(suffix)).is_ok_and(|text| text == expected)
        };
        let complete = transcript.source.sha256 == sha256
            && unchanged("handoff.md", render_markdown(&handoff))
            && self.transcript_files(&transcript).into_iter().all(|(suffix, expected)| unchanged(suffix, expected));
        (same_inputs && complete).then_some(handoff)
    }

    fn layout_for(&self, audio: &DecodedAudio) -> ChannelLayout {
        match self.channels {
            _ if audio.activity.channel_count() < 2 => ChannelLayout::Mixed,
            Some(layout) => layout,
            None => ChannelLayout::SdrLeft,
        }
    }

    /// The transcript files `--format` asks for, as (suffix, contents).
    fn transcript_files(&self, transcript: &Transcript) -> Vec<(&'static str, String)> {
        let format = self.format;
        let wanted = |one| format == one || format == TranscriptFormat::All;
        let files = [
            (TranscriptFormat::Json, "transcript.json", Transcript::to_json as fn(&Transcript) -> String),
            (TranscriptFormat::Txt, "transcript.txt", Transcript::to_txt),
            (TranscriptFormat::Srt, "srt", Transcript::to_srt),
        ];
        files
            .into_iter()
            .filter(|(kind, ..)| wanted(*kind))
            .map(|(_, suffix, render)| (suffix, render(transcript)))
            .collect()
    }

    fn write_transcript(&self, outputs: &OutputPaths, transcript: &Transcript) -> Result<Vec<PathBuf>> {
        write_all(outputs, self.transcript_files(transcript))
    }
}

/// Transcript → extraction → draft handoff → `<stem>.handoff.json` and `.handoff.md`, then the
/// SDR's review of the call, if there is one, re-applied to the new draft and judged against
/// `requirements`: the step `process` and `extract` share. `input` names the recording or
/// transcript file in warnings; `speakers` are the names the transcript gives who speaks (none
/// for a recording).
pub fn draft_handoff(
    transcript: &Transcript,
    rules: &RuleSet,
    requirements: &Requirements,
    outputs: &OutputPaths,
    input: &Path,
    speakers: &[String],
) -> Result<Drafted> {
    let extraction = extract_with_speakers(transcript, rules, speakers);
    let handoff = build_draft(transcript, extraction, rules.version(), &now());
    let mut written = write_handoff(outputs, &handoff)?;
    let mut warnings = Vec::new();
    // The new draft is written either way; a review that cannot be re-applied is reported.
    match handoff_review::reapply_after_processing(&outputs.path("handoff.json"), requirements) {
        Ok(reapplied) => {
            written.extend(reapplied.written);
            warnings.extend(reapplied.orphans);
        }
        Err(error) => warnings.push(format!("{}: the SDR's review was not re-applied: {error:#}", input.display())),
    }
    Ok(Drafted { handoff, written, warnings })
}

/// The draft handoff as JSON and as Markdown.
fn write_handoff(outputs: &OutputPaths, handoff: &Handoff) -> Result<Vec<PathBuf>> {
    write_all(outputs, vec![("handoff.json", handoff.to_json()), ("handoff.md", render_markdown(handoff))])
}

fn write_all(outputs: &OutputPaths, files: Vec<(&str, String)>) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (suffix, contents) in files {
        let path = outputs.path(suffix);
        write_atomically(&path, &contents)?;
        written.push(path);
    }
    Ok(written)
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
