//! Transcription: 16 kHz mono samples → timed text segments, locally, with whisper.cpp.
//!
//! One `Transcriber` holds the model weights once; every call gets its own decoding state, so a
//! batch can run several recordings on one loaded model.

use std::ops::Range;
use std::path::{Path, PathBuf};
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

/// Whisper labels what it hears but cannot transcribe, e.g. "[BLANK_AUDIO]", "(static)",
/// "[Music]". Those are not words anyone said.
fn is_sound_annotation(text: &str) -> bool {
    let text = text.trim();
    let bracketed = |open, close| text.starts_with(open) && text.ends_with(close);
    text.is_empty()
        || bracketed('[', ']')
        || bracketed('(', ')')
        || bracketed('*', '*')
        || text.chars().all(|c| !c.is_alphanumeric())
}

/// Above this, whisper itself says the window held no speech; its text there is invented.
const NO_SPEECH_PROBABILITY_LIMIT: f32 = 0.6;

#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    #[error("cannot load the Whisper model {path}: {reason}; download ggml-tiny.en.bin (whisper.cpp format) and pass it with --model")]
    LoadModel { path: PathBuf, reason: String },
    #[error("Whisper failed while transcribing: {0}")]
    Inference(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RawSegment {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
    /// The segment's words with their own times: one Whisper segment often spans both sides
    /// of a turn, and word times let the caller split it where the speaker changes.
    pub words: Vec<Word>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// As Whisper wrote it, with its leading space when it starts a new word.
    pub text: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

#[derive(Debug, Clone)]
pub struct TranscribeOptions {
    pub threads: usize,
    /// Names the model should spell the team's way (systems, regulations). Keep it short:
    /// long prompts make small models skip whole windows.
    pub initial_prompt: Option<String>,
}

pub struct Transcriber {
    context: WhisperContext,
    model_name: String,
    options: TranscribeOptions,
}

impl Transcriber {
    pub fn load(model_path: &Path, options: TranscribeOptions) -> Result<Self, TranscribeError> {
        // whisper.cpp logs every tensor it loads to stderr; a CLI must not.
        whisper_rs::install_logging_hooks();
        let load_error = |reason: String| TranscribeError::LoadModel {
            path: model_path.to_path_buf(),
            reason,
        };
        let path = model_path
            .to_str()
            .ok_or_else(|| load_error("the path is not valid UTF-8".into()))?;
        let context = WhisperContext::new_with_params(path, WhisperContextParameters::default())
            .map_err(|error| load_error(error.to_string()))?;
        let model_name = model_path.file_stem().map_or_else(
            || "whisper".to_string(),
            |stem| stem.to_string_lossy().into_owned(),
        );
        Ok(Self {
            context,
            model_name,
            options,
        })
    }

    pub fn model_name(&self) -> &str {
        &self.model_name
    }

    /// Transcribes `samples` (16 kHz mono). Only segments overlapping `speech_spans` (ms) are
    /// kept; with no speech span at all the model is not run.
    pub fn transcribe(
        &self,
        samples: &[f32],
        speech_spans: &[Range<u64>],
    ) -> Result<Vec<RawSegment>, TranscribeError> {
        if speech_spans.is_empty() {
            return Ok(Vec::new());
        }
        let mut state = self
            .context
            .create_state()
            .map_err(|e| TranscribeError::Inference(e.to_string()))?;
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(self.options.threads.max(1) as i32);
        params.set_language(Some("en"));
        // Each 30 s window decodes on its own: a hallucination cannot seed the next window.
        params.set_no_context(true);
        params.set_suppress_blank(true);
        params.set_suppress_nst(true);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        params.set_token_timestamps(true);
        if let Some(prompt) = &self.options.initial_prompt {
            params.set_initial_prompt(prompt);
        }
        state
            .full(params, samples)
            .map_err(|e| TranscribeError::Inference(e.to_string()))?;

        let duration_ms = samples.len() as u64 * 1000 / 16_000;
        let mut segments = Vec::new();
        for segment in state.as_iter() {
            let text = segment
                .to_str_lossy()
                .map_err(|e| TranscribeError::Inference(e.to_string()))?;
            let text = text.trim();
            // Whisper timestamps are in 10 ms ticks.
            let start_ms = (segment.start_timestamp().max(0) as u64 * 10).min(duration_ms);
            let end_ms = (segment.end_timestamp().max(0) as u64 * 10).clamp(start_ms, duration_ms);
            let spoken = speech_spans
                .iter()
                .any(|span| span.start < end_ms.max(start_ms + 1) && start_ms < span.end);
            if is_sound_annotation(text)
                || !spoken
                || segment.no_speech_probability() > NO_SPEECH_PROBABILITY_LIMIT
            {
                continue;
            }
            let words = self.words_of(&segment, duration_ms)?;
            segments.push(RawSegment {
                start_ms,
                end_ms,
                text: text.to_string(),
                words,
            });
        }
        Ok(segments)
    }

    /// Joins the segment's text tokens into words (a token starting with a space starts a word).
    fn words_of(
        &self,
        segment: &whisper_rs::WhisperSegment<'_>,
        duration_ms: u64,
    ) -> Result<Vec<Word>, TranscribeError> {
        let first_special = self.context.token_eot();
        let mut words: Vec<(Vec<u8>, u64, u64)> = Vec::new();
        for index in 0..segment.n_tokens() {
            let Some(token) = segment.get_token(index) else {
                continue;
            };
            if token.token_id() >= first_special {
                continue;
            }
            let bytes = token
                .to_bytes()
                .map_err(|e| TranscribeError::Inference(e.to_string()))?;
            let data = token.token_data();
            let (start, end) = (
                (data.t0.max(0) as u64 * 10).min(duration_ms),
                (data.t1.max(0) as u64 * 10).min(duration_ms),
            );
            match words.last_mut() {
                Some((text, _, word_end)) if !bytes.starts_with(b" ") => {
                    text.extend_from_slice(bytes);
                    *word_end = end.max(*word_end);
                }
                _ => words.push((bytes.to_vec(), start, end.max(start))),
            }
        }
        Ok(words
            .into_iter()
            .map(|(text, start_ms, end_ms)| Word {
                text: String::from_utf8_lossy(&text).into_owned(),
                start_ms,
                end_ms,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::is_sound_annotation;

    #[test]
    fn sound_labels_are_not_speech() {
        for label in [
            "[BLANK_AUDIO]",
            " (static) ",
            "[Music]",
            "*click*",
            "...",
            "",
        ] {
            assert!(is_sound_annotation(label), "{label:?}");
        }
        for words in ["We use Salesforce.", "(laughs) fine", "Q1 [approx]"] {
            assert!(!is_sound_annotation(words), "{words:?}");
        }
    }
}
