//! The SDR's own voice, from a sample recording: names the SDR's voice on mono calls for certain.
//!
//! The rep is on every call, so one sample serves them all. It can be a short recording of the
//! SDR alone, or a previous dual-channel call of theirs, of which only the stretches where the
//! SDR's channel clearly dominates are kept.

use crate::cluster::{same_voice, VoiceModel};
use crate::features::{Frame, FrameAnalyzer, FRAME_MS};
use crate::loud_speech;
use handoff_audio::{decode_file, DecodeError};
use std::path::{Path, PathBuf};

/// Less speech than this (3 s) describes a voice too poorly to name it.
const MIN_SPEECH_FRAMES: usize = 300;
/// A frame's 25 ms window, for checking which channel dominated it.
const FRAME_WINDOW_MS: u64 = 25;

/// Why an SDR voice sample cannot be used; the run stops, as naming voices without it is a
/// different (and weaker) method the user did not ask for.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    /// Names the file itself.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(
        "{path}: the SDR voice sample holds {seconds:.1} s of speech{channel}; it needs at least 3 s of the SDR alone"
    )]
    /// Too little speech of the SDR alone to describe the voice.
    TooShort {
        /// The sample.
        path: PathBuf,
        /// Speech found in it.
        seconds: f64,
        /// On a dual-channel sample, which channel was used, for the message; empty on mono.
        channel: String,
    },
}

/// A model of the SDR's voice.
#[derive(Debug, Clone)]
pub struct VoiceProfile {
    /// The sample's speech frames.
    frames: Vec<Frame>,
}

impl VoiceProfile {
    /// Reads a sample of the SDR's voice in any format the decoder reads. On a recording with two
    /// or more channels, only the speech where channel `sdr_channel` (0 = left) dominates is used.
    pub fn load(path: &Path, sdr_channel: usize) -> Result<Self, VoiceError> {
        let audio = decode_file(path)?;
        let analyzer = FrameAnalyzer::default();
        let mut frames = analyzer.frames(&audio.samples);
        let two_channels = audio.activity.channel_count() >= 2;
        if two_channels {
            let mut index = 0;
            frames.retain(|_| {
                let start_ms = index as u64 * FRAME_MS;
                index += 1;
                audio.activity.dominant_channel(start_ms, start_ms + FRAME_WINDOW_MS) == Some(sdr_channel)
            });
        }
        let loud = loud_speech(&frames);
        frames.retain(|frame| loud(frame));
        let seconds = frames.len() as f64 * FRAME_MS as f64 / 1000.0;
        Self::from_frames(frames).ok_or_else(|| VoiceError::TooShort {
            path: path.to_path_buf(),
            seconds,
            channel: if two_channels {
                format!(" on its SDR channel ({})", channel_name(sdr_channel))
            } else {
                String::new()
            },
        })
    }

    /// A profile from speech frames; `None` when they are too few to describe a voice.
    pub(crate) fn from_frames(frames: Vec<Frame>) -> Option<Self> {
        (frames.len() >= MIN_SPEECH_FRAMES).then_some(Self { frames })
    }

    /// Which of `voices` is the SDR's: the one that explains the sample best.
    pub(crate) fn nearest(&self, voices: &[VoiceModel]) -> usize {
        let fit = |model: &VoiceModel| model.fit_of(&self.frames).unwrap_or(f64::NEG_INFINITY);
        (0..voices.len()).max_by(|&a, &b| fit(&voices[a]).total_cmp(&fit(&voices[b]))).unwrap_or(0)
    }

    /// Whether `frames` are the SDR speaking.
    pub(crate) fn is_voice_of(&self, frames: &[&Frame]) -> bool {
        let own: Vec<&Frame> = self.frames.iter().collect();
        same_voice(&own, frames)
    }
}

fn channel_name(channel: usize) -> String {
    match channel {
        0 => "left".into(),
        1 => "right".into(),
        other => format!("channel {}", other + 1),
    }
}
