//! Transcription: 16 kHz mono 16-bit samples → timed text segments, locally, with whisper.cpp.
//!
//! One `Transcriber` holds the model weights once; every call gets its own decoding state, so a
//! batch can run several recordings on one loaded model.

#![warn(missing_docs)]

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

const SAMPLE_RATE_HZ: u64 = 16_000;

/// Whisper hears 30 s at a time, and every window costs a whole run of the encoder however
/// little of it holds audio.
const WHISPER_WINDOW_MS: u64 = 30_000;
/// Audio kept around the speech of a chunk so Whisper hears each onset and tail whole.
const CHUNK_PADDING_MS: u64 = 500;
/// Longest stretch of speech handed to Whisper at once: padded, a chunk fills one window. From a
/// longer chunk whisper.cpp slides its next window to wherever its last segment ended, and at
/// that seam it dropped whole sentences: on the held-out calls spoken by espeak-ng, WER was
/// 27.0% with 60 s chunks against 22.0% with one window per chunk. Shorter inputs also hold
/// less of whisper.cpp's memory, which pays for flash attention off (below): a 60-minute call
/// peaks at 367 MB, against 404 MB with 60 s chunks and flash attention on (BENCHMARKS.md).
const MAX_CHUNK_MS: u64 = WHISPER_WINDOW_MS - 2 * CHUNK_PADDING_MS;

/// Stretches of the recording to transcribe: the speech spans grouped into chunks of at most
/// `MAX_CHUNK_MS`, cut in the pauses between spans (never inside a word), padded, and never
/// overlapping. Long silences between chunks are skipped altogether.
fn chunks(speech_spans: &[Range<u64>], duration_ms: u64) -> Vec<Range<u64>> {
    let mut grouped: Vec<Range<u64>> = Vec::new();
    for span in speech_spans {
        match grouped.last_mut() {
            Some(chunk) if span.end - chunk.start <= MAX_CHUNK_MS => chunk.end = span.end,
            _ => {
                // Speech with no pause for a whole chunk (rare) is cut where it must be.
                let mut start = span.start;
                while span.end - start > MAX_CHUNK_MS {
                    grouped.push(start..start + MAX_CHUNK_MS);
                    start += MAX_CHUNK_MS;
                }
                grouped.push(start..span.end);
            }
        }
    }
    let mut previous_end = 0;
    grouped
        .into_iter()
        .map(|chunk| {
            let start = chunk.start.saturating_sub(CHUNK_PADDING_MS).max(previous_end);
            let end = (chunk.end + CHUNK_PADDING_MS).min(duration_ms).max(start);
            previous_end = end;
            start..end
        })
        .collect()
}

/// Above this, whisper itself says the window held no speech; its text there is invented.
const NO_SPEECH_PROBABILITY_LIMIT: f32 = 0.6;

/// Why transcription could not run.
#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    /// The model file is missing, unreadable or not in whisper.cpp's format.
    #[error(
        "cannot load the Whisper model {path}: {reason}; it must be a whisper.cpp ggml file (`handoff models` checks \
         the known ones, `handoff models download tiny.en-q8_0` fetches the default)"
    )]
    LoadModel {
        /// The model file.
        path: PathBuf,
        /// whisper.cpp's message.
        reason: String,
    },
    /// `--language` names no language Whisper has; checked before the model is read.
    #[error("--language {0}: not a language Whisper knows; give a code such as en, de, fr, es, or auto")]
    UnknownLanguage(String),
    /// An English-only model was asked for another language; refused at load rather than
    /// discovered in the transcripts.
    #[error(
        "{path} is an English-only model and cannot transcribe --language {language}; use a multilingual model \
         (a name without .en, e.g. --model base-q8_0) or --language en"
    )]
    EnglishOnlyModel {
        /// The model file.
        path: PathBuf,
        /// The language asked for.
        language: String,
    },
    /// whisper.cpp failed on the audio; holds its message.
    #[error("Whisper failed while transcribing: {0}")]
    Inference(String),
}

/// One segment as Whisper wrote it, before speakers are assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSegment {
    /// From the start of the recording.
    pub start_ms: u64,
    /// From the start of the recording.
    pub end_ms: u64,
    /// The segment's text, trimmed.
    pub text: String,
    /// The segment's words with their own times: one Whisper segment often spans both sides
    /// of a turn, and word times let the caller split it where the speaker changes.
    pub words: Vec<Word>,
}

/// One word (or word piece) of a segment with its own times.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// As Whisper wrote it, with its leading space when it starts a new word.
    pub text: String,
    /// From the start of the recording.
    pub start_ms: u64,
    /// From the start of the recording.
    pub end_ms: u64,
}

/// How the model is run.
#[derive(Debug, Clone)]
pub struct TranscribeOptions {
    /// CPU threads for one recording.
    pub threads: usize,
    /// Names the model should spell the team's way (systems, regulations). Keep it short:
    /// long prompts make small models skip whole windows.
    pub initial_prompt: Option<String>,
    /// Whisper language code, or `auto` to detect it per chunk. Otherwise multilingual models
    /// are told the language: detection on a short or noisy chunk can pick the wrong one.
    pub language: String,
}

/// A loaded Whisper model: load once, transcribe many recordings, from several threads at once.
pub struct Transcriber {
    context: WhisperContext,
    model_name: String,
    options: TranscribeOptions,
}

impl Transcriber {
    /// Loads the ggml model at `model_path`; its file stem becomes [`model_name`](Self::model_name).
    pub fn load(model_path: &Path, options: TranscribeOptions) -> Result<Self, TranscribeError> {
        // whisper.cpp logs every tensor it loads to stderr; a CLI must not.
        whisper_rs::install_logging_hooks();
        let load_error = |reason: String| TranscribeError::LoadModel { path: model_path.to_path_buf(), reason };
        let path = model_path.to_str().ok_or_else(|| load_error("the path is not valid UTF-8".into()))?;
        let language = options.language.as_str();
        if language != "auto" && whisper_rs::get_lang_id(language).is_none() {
            return Err(TranscribeError::UnknownLanguage(language.to_string()));
        }
        // Flash attention stays off (whisper-rs's default): transcription runs about 12% faster
        // without it here, and one window per chunk leaves room for the memory it would save.
        let context = WhisperContext::new_with_params(path, WhisperContextParameters::default())
            .map_err(|error| load_error(error.to_string()))?;
        if language != "en" && !context.is_multilingual() {
            return Err(TranscribeError::EnglishOnlyModel {
                path: model_path.to_path_buf(),
                language: language.to_string(),
            });
        }
        let model_name =
            model_path.file_stem().map_or_else(|| "whisper".to_string(), |stem| stem.to_string_lossy().into_owned());
        Ok(Self { context, model_name, options })
    }

    /// The model's file stem (`ggml-tiny.en`): outputs record it, so a new model redoes them.
    pub fn model_name(&self) -> &str {
        &self.model_name
    }

    /// Transcribes `samples` (16 kHz mono, 16-bit). Only the stretches around `speech_spans` (ms) are
    /// sent to the model, in chunks cut at pauses, and only segments overlapping a span are kept;
    /// with no speech span at all the model is not run.
    pub fn transcribe(&self, samples: &[i16], speech_spans: &[Range<u64>]) -> Result<Vec<RawSegment>, TranscribeError> {
        let inference = |error: whisper_rs::WhisperError| TranscribeError::Inference(error.to_string());
        let duration_ms = samples.len() as u64 * 1000 / SAMPLE_RATE_HZ;
        let mut state = self.context.create_state().map_err(inference)?;
        let mut segments = Vec::new();
        let mut chunk_samples = Vec::new();
        for chunk in chunks(speech_spans, duration_ms) {
            let from = (chunk.start * SAMPLE_RATE_HZ / 1000) as usize;
            let to = ((chunk.end * SAMPLE_RATE_HZ / 1000) as usize).min(samples.len());
            // Whisper wants f32; converting one chunk at a time keeps the whole call at 2 bytes/sample.
            chunk_samples.clear();
            chunk_samples.extend(samples[from..to].iter().map(|&s| f32::from(s) / 32_768.0));
            state.full(self.params(), &chunk_samples).map_err(inference)?;
            for segment in state.as_iter() {
                let text = segment.to_str_lossy().map_err(inference)?;
                let text = text.trim();
                // Whisper timestamps are in 10 ms ticks from the start of the chunk.
                let at = |ticks: i64| (chunk.start + ticks.max(0) as u64 * 10).min(chunk.end);
                let (start_ms, end_ms) = (at(segment.start_timestamp()), at(segment.end_timestamp()));
                let end_ms = end_ms.max(start_ms);
                let spoken =
                    speech_spans.iter().any(|span| span.start < end_ms.max(start_ms + 1) && start_ms < span.end);
                if is_sound_annotation(text) || !spoken || segment.no_speech_probability() > NO_SPEECH_PROBABILITY_LIMIT
                {
                    continue;
                }
                let words = self.words_of(&segment, &at)?;
                segments.push(RawSegment { start_ms, end_ms, text: text.to_string(), words });
            }
        }
        Ok(segments)
    }

    fn params(&self) -> FullParams<'_, '_> {
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(self.options.threads.max(1) as i32);
        params.set_language(Some(&self.options.language));
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
        params
    }

    /// Joins the segment's text tokens into words (a token starting with a space starts a word).
    fn words_of(
        &self,
        segment: &whisper_rs::WhisperSegment<'_>,
        at: &dyn Fn(i64) -> u64,
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
            let bytes = token.to_bytes().map_err(|e| TranscribeError::Inference(e.to_string()))?;
            let data = token.token_data();
            let (start, end) = (at(data.t0), at(data.t1));
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
    use super::{chunks, is_sound_annotation, MAX_CHUNK_MS, WHISPER_WINDOW_MS};

    #[test]
    fn chunks_cut_in_pauses_skip_silence_and_never_overlap() {
        // 20 s turns every 30 s for 12 minutes, 10 minutes of silence, then one more turn.
        let mut spans: Vec<_> = (0..24).map(|n| n * 30_000 + 1_000..n * 30_000 + 21_000).collect();
        spans.push(22 * 60_000..22 * 60_000 + 5_000);
        let got = chunks(&spans, 23 * 60_000);
        assert!(got.len() >= 12 * 60_000 / MAX_CHUNK_MS as usize, "{got:?}");
        for pair in got.windows(2) {
            assert!(pair[0].end <= pair[1].start, "{got:?}");
        }
        // Each chunk, padding and all, is one window: whisper.cpp never slides a window inside it.
        for chunk in &got {
            assert!(chunk.end - chunk.start <= WHISPER_WINDOW_MS, "{chunk:?}");
        }
        // Every turn lies whole inside one chunk: cuts fall in pauses, never inside speech.
        for span in &spans {
            assert!(got.iter().any(|c| c.start <= span.start && span.end <= c.end), "{span:?} split: {got:?}");
        }
        // The long silence is skipped.
        assert!(!got.iter().any(|c| c.start < 20 * 60_000 && 14 * 60_000 < c.end), "{got:?}");
        assert_eq!(got[0].start, 500);
        assert_eq!(got.last().unwrap(), &(22 * 60_000 - 500..22 * 60_000 + 5_500));
    }

    #[test]
    fn no_speech_means_nothing_to_transcribe_and_endless_speech_is_still_bounded() {
        assert!(chunks(&[], 60_000).is_empty());
        let endless_speech = 0..2 * MAX_CHUNK_MS + 10;
        let got = chunks(std::slice::from_ref(&endless_speech), 3 * MAX_CHUNK_MS);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got.iter().all(|chunk| chunk.end - chunk.start <= WHISPER_WINDOW_MS));
    }

    #[test]
    fn sound_labels_are_not_speech() {
        for label in ["[BLANK_AUDIO]", " (static) ", "[Music]", "*click*", "...", ""] {
            assert!(is_sound_annotation(label), "{label:?}");
        }
        for words in ["We use Salesforce.", "(laughs) fine", "Q1 [approx]"] {
            assert!(!is_sound_annotation(words), "{words:?}");
        }
    }
}
