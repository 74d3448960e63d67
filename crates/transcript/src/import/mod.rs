//! Transcripts other tools wrote, read into a [`Transcript`]: `handoff process`'s own
//! `<name>.transcript.json`, WebVTT (Zoom, Teams), SRT (dialers, Gong exports) and plain text with
//! one `Name: text` turn a line. The format is told from the content, the file's extension only
//! breaking a tie, so a renamed or extension-less export still reads.
//!
//! ```no_run
//! use handoff_transcript::import::read_transcript_file;
//! let imported = read_transcript_file("call.vtt".as_ref(), &["Jordan".to_string()])?;
//! for (name, speaker) in imported.speakers() {
//!     println!("{name}: {}", speaker.label());
//! }
//! # Ok::<(), handoff_transcript::import::ImportError>(())
//! ```

mod cues;
mod roles;
mod text;

pub use cues::{parse_srt, parse_webvtt};
pub use roles::{assign_roles, seller_introduction, RoleSource, Roles};
pub use text::parse_text;

use crate::{SourceInfo, Speaker, StageTimings, Transcript, TRANSCRIPT_SCHEMA_VERSION};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};

/// One speaker turn as the file gave it, before roles are assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// From the start of the call, as the file gives it (or estimated from word counts).
    pub start_ms: u64,
    /// From the start of the call.
    pub end_ms: u64,
    /// The speaker's name, when the file names speakers.
    pub name: Option<String>,
    /// What was said, without the name and the time.
    pub text: String,
    /// 1-based line of the file where the turn starts (its cue timing, for WebVTT and SRT).
    pub line: usize,
}

/// The transcript file formats that can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TranscriptFileFormat {
    /// `<name>.transcript.json` as `handoff process` writes it.
    Json,
    /// WebVTT captions (Zoom, Teams).
    WebVtt,
    /// SubRip subtitles (dialers, Gong exports).
    Srt,
    /// One `Name: text` (or `[mm:ss] Name: text`) turn a line.
    Text,
}

impl TranscriptFileFormat {
    /// The format the content is in, when it says so: the `WEBVTT` header, a JSON object, or an
    /// SRT cue number followed by a timing line. `None` for anything else, plain text included.
    pub fn detect(content: &str) -> Option<Self> {
        let content = content.trim_start_matches('\u{feff}').trim_start();
        if content.starts_with("WEBVTT") {
            return Some(Self::WebVtt);
        }
        if content.starts_with('{') {
            return Some(Self::Json);
        }
        let mut lines = content.lines().map(str::trim).filter(|line| !line.is_empty());
        let first = lines.next()?;
        let cue_number = !first.is_empty() && first.bytes().all(|byte| byte.is_ascii_digit());
        let is_timing = |line: &str| line.contains("-->");
        (is_timing(first) || (cue_number && lines.next().is_some_and(is_timing))).then_some(Self::Srt)
    }

    /// The format a file's name suggests (`.vtt`, `.srt`, `.json`, `.txt`).
    pub fn from_extension(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "vtt" | "webvtt" => Some(Self::WebVtt),
            "srt" => Some(Self::Srt),
            "json" => Some(Self::Json),
            "txt" | "text" => Some(Self::Text),
            _ => None,
        }
    }

    /// Short lowercase name, as written into the transcript's `codec`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "transcript.json",
            Self::WebVtt => "webvtt",
            Self::Srt => "srt",
            Self::Text => "text",
        }
    }
}

impl fmt::Display for TranscriptFileFormat {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::Json => "transcript.json",
            Self::WebVtt => "WebVTT",
            Self::Srt => "SRT",
            Self::Text => "text",
        })
    }
}

/// What is wrong with one line of a transcript file, and how to mend it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The file was taken for WebVTT but lacks its header.
    #[error("a WebVTT file starts with the line `WEBVTT`; add it as the first line or export the captions again")]
    MissingWebVttHeader,
    #[error(
        "expected a cue timing like `00:01:02.500 --> 00:01:04.000`, found `{0}`; every cue needs one \
         (a blank line inside a cue's text also ends the cue)"
    )]
    /// A cue without its timing line; holds the line found instead.
    ExpectedTiming(String),
    #[error(
        "`{0}` is not a cue timing: expected `start --> end` with times as hh:mm:ss.mmm or mm:ss.mmm \
         (hh:mm:ss,mmm in SRT), minutes and seconds below 60"
    )]
    /// A timing line whose times cannot be read; holds the line.
    BadTiming(String),
    #[error("the cue ends at {end} before it starts at {start}; fix its timing")]
    /// A cue whose end is before its start.
    EndsBeforeStart {
        /// The start as written.
        start: String,
        /// The end as written.
        end: String,
    },
    #[error("this starts at {start}, before the one above it ({previous}); cues and turns must be in time order")]
    /// A cue or turn earlier than the one before it.
    OutOfOrder {
        /// Its start as written.
        start: String,
        /// The start of the one above it, as written.
        previous: String,
    },
    #[error(
        "`{0}` is not a turn, and there is no turn above it to continue: expected `Name: text`, \
         `[mm:ss] Name: text` or `[hh:mm:ss] Name: text`"
    )]
    /// A text line that is not a turn, with no turn above it to continue; holds the line.
    NotATurn(String),
}

/// A [`Problem`] at a 1-based line of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct ParseError {
    /// 1-based.
    pub line: usize,
    /// What is wrong there.
    pub problem: Problem,
}

impl ParseError {
    pub(crate) fn new(line: usize, problem: Problem) -> Self {
        Self { line, problem }
    }
}

/// Why a transcript file could not be read. Every message names the file (and the line, where
/// there is one) and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read at all.
    #[error("cannot read {}: {cause}; check the path and that the file is readable", path.display())]
    Read {
        /// The transcript file.
        path: PathBuf,
        /// Why reading failed.
        cause: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error("{}:{line}: the file is not UTF-8 text; save or export the transcript as UTF-8", path.display())]
    NotUtf8 {
        /// The transcript file.
        path: PathBuf,
        /// 1-based line of the first byte that is not UTF-8.
        line: usize,
    },
    /// A line of a WebVTT, SRT or text file cannot be read.
    #[error("{}:{}: {} (read as {format})", path.display(), error.line, error.problem)]
    Parse {
        /// The transcript file.
        path: PathBuf,
        /// The format it was read as.
        format: TranscriptFileFormat,
        /// Where, and what is wrong.
        error: ParseError,
    },
    /// A JSON file that is not a `handoff process` transcript.
    #[error(
        "{}:{line}:{column}: not a transcript as `handoff process` writes it ({message}); give the \
         `<name>.transcript.json` it wrote, or the call's WebVTT, SRT or text transcript",
        path.display()
    )]
    Json {
        /// The transcript file.
        path: PathBuf,
        /// 1-based line of the JSON error.
        line: usize,
        /// 1-based column of the JSON error.
        column: usize,
        /// The JSON parser's message.
        message: String,
    },
    /// The file read, but holds no text.
    #[error("{}: no speech in this {format} file (no cue or turn has any text); check that it is the call's transcript", path.display())]
    NoSpeech {
        /// The transcript file.
        path: PathBuf,
        /// The format it was read as.
        format: TranscriptFileFormat,
    },
}

impl ImportError {
    /// The 1-based line the error is at, when it is at one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::NotUtf8 { line, .. } | Self::Json { line, .. } => Some(*line),
            Self::Parse { error, .. } => Some(error.line),
            Self::Read { .. } | Self::NoSpeech { .. } => None,
        }
    }
}

/// A transcript file read, with its speakers told apart.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedTranscript {
    /// Segments carry SDR / PROSPECT / UNKNOWN; `source` describes the transcript file (its
    /// hash, and the format as `codec`), except for a `transcript.json`, which keeps its own.
    pub transcript: Transcript,
    /// The format the file was read as.
    pub format: TranscriptFileFormat,
    /// The speaker's name of each segment, in step with `transcript.segments` (`None` where the
    /// file names nobody). Kept beside the transcript: its JSON form has no names.
    pub speaker_names: Vec<Option<String>>,
    /// How the SDR was told from the prospect.
    pub roles: RoleSource,
}

impl ImportedTranscript {
    /// Every named speaker once, in order of their first turn, with the role they were given.
    pub fn speakers(&self) -> Vec<(&str, Speaker)> {
        let mut speakers: Vec<(&str, Speaker)> = Vec::new();
        let named = self.speaker_names.iter().zip(&self.transcript.segments);
        for (name, segment) in named.filter_map(|(name, segment)| Some((name.as_deref()?, segment))) {
            if !speakers.iter().any(|(known, _)| *known == name) {
                speakers.push((name, segment.speaker));
            }
        }
        speakers
    }
}

/// Reads the transcript at `path`. Speakers named like one of `sdr_names` (first or full name,
/// any case) are the SDR and every other named speaker the prospect; with no such speaker, the one
/// who introduces the selling company is the SDR (see [`assign_roles`]).
pub fn read_transcript_file(path: &Path, sdr_names: &[String]) -> Result<ImportedTranscript, ImportError> {
    let bytes = std::fs::read(path).map_err(|cause| ImportError::Read { path: path.to_owned(), cause })?;
    parse_transcript_file(path, &bytes, sdr_names)
}

/// [`read_transcript_file`] for content already read; `path` names it in errors and outputs.
pub fn parse_transcript_file(
    path: &Path,
    bytes: &[u8],
    sdr_names: &[String],
) -> Result<ImportedTranscript, ImportError> {
    let content = std::str::from_utf8(bytes).map_err(|error| ImportError::NotUtf8 {
        path: path.to_owned(),
        line: 1 + bytes[..error.valid_up_to()].iter().filter(|&&byte| byte == b'\n').count(),
    })?;
    let format = TranscriptFileFormat::detect(content)
        .or_else(|| TranscriptFileFormat::from_extension(path))
        .unwrap_or(TranscriptFileFormat::Text);
    let parse_error = |error| ImportError::Parse { path: path.to_owned(), format, error };
    let turns = match format {
        TranscriptFileFormat::Json => return own_transcript(path, content),
        TranscriptFileFormat::WebVtt => parse_webvtt(content).map_err(parse_error)?,
        TranscriptFileFormat::Srt => parse_srt(content).map_err(parse_error)?,
        TranscriptFileFormat::Text => parse_text(content).map_err(parse_error)?,
    };
    if turns.is_empty() {
        return Err(ImportError::NoSpeech { path: path.to_owned(), format });
    }
    let roles = assign_roles(&turns, sdr_names);
    let source = SourceInfo {
        path: path.display().to_string(),
        sha256: format!("{:x}", Sha256::digest(bytes)),
        duration_ms: turns.iter().map(|turn| turn.end_ms).max().unwrap_or(0),
        // No audio was decoded: zero says so rather than inventing a rate.
        sample_rate_hz: 0,
        channels: 0,
        codec: format.name().to_string(),
        truncated: false,
    };
    let segments = turns
        .iter()
        .map(|turn| crate::Segment {
            start_ms: turn.start_ms,
            end_ms: turn.end_ms,
            speaker: roles.speaker_of(turn.name.as_deref()),
            text: turn.text.clone(),
            words: Vec::new(),
        })
        .collect();
    let transcript = Transcript {
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        source,
        model: format!("imported-{}", format.name()),
        channel_layout: roles.source.layout_name().to_string(),
        timings_ms: StageTimings::default(),
        segments,
    };
    Ok(ImportedTranscript {
        transcript,
        format,
        speaker_names: turns.into_iter().map(|turn| turn.name).collect(),
        roles: roles.source,
    })
}

/// A `transcript.json` from `handoff process`: taken as it is, speakers and source included, so a
/// handoff made from it matches the recording (and the review page finds both).
fn own_transcript(path: &Path, content: &str) -> Result<ImportedTranscript, ImportError> {
    let transcript: Transcript = serde_json::from_str(content.trim_start_matches('\u{feff}')).map_err(|error| {
        // serde_json ends its message with the position, which the error states up front.
        let message = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        ImportError::Json {
            path: path.to_owned(),
            line: error.line(),
            column: error.column(),
            message: message.strip_suffix(&position).unwrap_or(&message).to_string(),
        }
    })?;
    if transcript.segments.iter().all(|segment| segment.text.trim().is_empty()) {
        return Err(ImportError::NoSpeech { path: path.to_owned(), format: TranscriptFileFormat::Json });
    }
    Ok(ImportedTranscript {
        speaker_names: vec![None; transcript.segments.len()],
        transcript,
        format: TranscriptFileFormat::Json,
        roles: RoleSource::Recorded,
    })
}

/// Lines numbered from 1, without a byte order mark or line-end characters.
pub(crate) fn numbered_lines(content: &str) -> impl Iterator<Item = (usize, &str)> {
    content.trim_start_matches('\u{feff}').lines().enumerate().map(|(index, line)| (index + 1, line))
}

/// `01:02:03.500`, `02:03.500`, `02:03,5` or `1:02:03` in milliseconds. Hours may have any number
/// of digits; minutes and seconds must be below 60.
pub(crate) fn parse_clock(text: &str) -> Option<u64> {
    let (clock, fraction) = match text.split_once(['.', ',']) {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let millis = match fraction {
        None => 0,
        Some(digits) if (1..=3).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) => {
            // ".5" is half a second: pad to three digits.
            format!("{digits:0<3}").parse::<u64>().ok()?
        }
        Some(_) => return None,
    };
    let fields: Vec<&str> = clock.split(':').collect();
    let number = |field: &str| (!field.is_empty() && field.bytes().all(|b| b.is_ascii_digit())).then(|| field.parse());
    let (hours, minutes, seconds) = match fields.as_slice() {
        [minutes, seconds] => (0, number(minutes)?.ok()?, number(seconds)?.ok()?),
        [hours, minutes, seconds] => (number(hours)?.ok()?, number(minutes)?.ok()?, number(seconds)?.ok()?),
        _ => return None,
    };
    if minutes >= 60 || seconds >= 60 || (fields.len() == 3 && fields[1].len() != 2) {
        return None;
    }
    Some(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
}

/// `hh:mm:ss.mmm`, the way cue timings are written, for messages.
pub(crate) fn cue_clock(ms: u64) -> String {
    format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// The start of a long line, enough to find it in the file.
pub(crate) fn excerpt(line: &str) -> String {
    const SHOWN_CHARS: usize = 60;
    let line = line.trim();
    match line.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line.to_string(),
    }
}

/// `Name: text` split into the speaker's name and what they said, when the part before the
/// colon can be a name: up to five words (up to 60 characters) that each start with a capital or
/// a digit, or one word of any case (`jordan`, `jordan.blake@acme.com`). So "We have two problems:
/// cost and speed" stays a sentence and "https://x" no turn. The colon must be followed by a space
/// or end the line (`Jordan:` alone opens a turn continued on the next lines).
pub(crate) fn split_speaker(line: &str) -> Option<(&str, &str)> {
    const MAX_NAME_CHARS: usize = 60;
    const MAX_NAME_WORDS: usize = 5;
    let (name, said) = line.split_once(':')?;
    if !(said.is_empty() || said.starts_with(char::is_whitespace)) {
        return None;
    }
    let name = name.trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    let capitalised = |word: &&str| word.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || c == '(');
    let name_like = !words.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name.starts_with(char::is_alphabetic)
        && !name.contains(['[', ']'])
        && (words.len() == 1 || (words.len() <= MAX_NAME_WORDS && words.iter().all(capitalised)));
    name_like.then(|| (name, said.trim()))
}

/// Spoken milliseconds per word at 150 words a minute, the pace of a sales call: times for turns
/// a file gives none for, and the share of a cue each of its speakers gets.
pub(crate) const SPOKEN_MS_PER_WORD: u64 = 400;

pub(crate) fn word_count(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

#[cfg(test)]
mod tests;
