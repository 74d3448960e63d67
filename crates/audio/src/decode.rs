//! The decode loop: any container/codec symphonia (plus libopus) knows → 16 kHz mono + activity.

use crate::activity::ChannelActivity;
use crate::resample::{ResampleError, StreamingResampler};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use symphonia::core::codecs::audio::well_known as codec_ids;
use symphonia::core::codecs::audio::{AudioCodecId, AudioDecoderOptions};
use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia_adapter_libopus::OpusDecoder;

/// What the container and codec say about the recording, before any conversion.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFormat {
    /// The file's own rate.
    pub sample_rate_hz: u32,
    /// The file's channels: 2 lets speakers be told apart.
    pub channels: u16,
    /// Codec name as symphonia gives it (`mp3`, `pcm_s16le`, `opus`, ...).
    pub codec: String,
    /// Length of what was decoded.
    pub duration_ms: u64,
    /// The stream ended early (cut-off upload, disk full while recording); what was there is kept.
    pub truncated: bool,
}

/// A recording ready for transcription.
#[derive(Debug, Clone)]
pub struct DecodedAudio {
    /// 16 kHz mono, all channels mixed, 16-bit: half the memory of f32 on a 2-hour call, and
    /// far finer than the model can hear.
    pub samples: Vec<i16>,
    /// The recording as it was before conversion.
    pub source: SourceFormat,
    /// Per-channel loudness over time; empty for mono.
    pub activity: ChannelActivity,
}

/// Why a recording cannot be transcribed; every message starts with the file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The file cannot be opened or read.
    #[error("{path}: cannot read the file: {cause}")]
    Open {
        /// The recording.
        path: PathBuf,
        /// Why reading failed.
        cause: std::io::Error,
    },
    /// The file has no bytes: a recording that was never saved.
    #[error("{path}: the file is empty (0 bytes); the recording was not saved, export it again")]
    Empty {
        /// The recording.
        path: PathBuf,
    },
    /// No container format recognises the content.
    #[error(
        "{path}: not a recording handoff can read ({reason}); supported: WAV, MP3, M4A/AAC, FLAC, \
         OGG/Vorbis, Opus (OGG or WebM)"
    )]
    UnknownFormat {
        /// The recording.
        path: PathBuf,
        /// The probe's message.
        reason: String,
    },
    /// A container without an audio track.
    #[error("{path}: the file has no audio track (a video without sound?)")]
    NoAudioTrack {
        /// The recording.
        path: PathBuf,
    },
    /// An audio track in a codec no decoder here reads.
    #[error("{path}: the audio codec {codec} is not supported; convert it to WAV, FLAC or MP3 first")]
    UnsupportedCodec {
        /// The recording.
        path: PathBuf,
        /// The codec as the container names it.
        codec: String,
    },
    /// The container's header is broken.
    #[error("{path}: invalid audio header: {reason}")]
    InvalidHeader {
        /// The recording.
        path: PathBuf,
        /// The demuxer's message.
        reason: String,
    },
    /// A valid container with no samples in it.
    #[error("{path}: the file holds no audio samples")]
    NoSamples {
        /// The recording.
        path: PathBuf,
    },
    /// The audio data cannot be decoded.
    #[error("{path}: the audio is corrupt and could not be decoded: {reason}")]
    Corrupt {
        /// The recording.
        path: PathBuf,
        /// The decoder's message.
        reason: String,
    },
    /// Conversion to 16 kHz failed.
    #[error("{path}: {cause}")]
    Resample {
        /// The recording.
        path: PathBuf,
        /// What the resampler said.
        cause: ResampleError,
    },
}

/// Symphonia's codecs plus libopus, which symphonia lacks and call recorders (WebRTC) love.
fn codecs() -> &'static CodecRegistry {
    static REGISTRY: OnceLock<CodecRegistry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = CodecRegistry::new();
        symphonia::default::register_enabled_codecs(&mut registry);
        registry.register_audio_decoder::<OpusDecoder>();
        registry
    })
}

fn codec_name(id: AudioCodecId) -> String {
    let known = [
        (codec_ids::CODEC_ID_AC3, "AC-3"),
        (codec_ids::CODEC_ID_EAC3, "E-AC-3"),
        (codec_ids::CODEC_ID_AC4, "AC-4"),
        (codec_ids::CODEC_ID_DCA, "DTS"),
        (codec_ids::CODEC_ID_WMA, "WMA"),
        (codec_ids::CODEC_ID_SPEEX, "Speex"),
        (codec_ids::CODEC_ID_MUSEPACK, "Musepack"),
    ];
    known
        .iter()
        .find(|(known_id, _)| *known_id == id)
        .map_or_else(|| format!("with id {id}"), |(_, name)| (*name).to_string())
}

/// Decodes a whole recording, detecting the format from its content (never the extension).
pub fn decode_file(path: &Path) -> Result<DecodedAudio, DecodeError> {
    let at = || path.to_path_buf();
    let file = File::open(path).map_err(|cause| DecodeError::Open { path: at(), cause })?;
    let byte_len = file.metadata().map_err(|cause| DecodeError::Open { path: at(), cause })?.len();
    if byte_len == 0 {
        return Err(DecodeError::Empty { path: at() });
    }
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let mut format = symphonia::default::get_probe()
        .probe(&Hint::new(), stream, FormatOptions::default(), MetadataOptions::default())
        .map_err(|error| match error {
            SymphoniaError::IoError(cause) if cause.kind() != std::io::ErrorKind::UnexpectedEof => {
                DecodeError::Open { path: at(), cause }
            }
            // The probe's own "nothing recognised this" is a verdict on the content, not a header.
            SymphoniaError::Unsupported(reason) if reason.contains("no suitable format reader") => {
                DecodeError::UnknownFormat { path: at(), reason: "no known audio format in its content".into() }
            }
            SymphoniaError::DecodeError(reason) | SymphoniaError::Unsupported(reason) => {
                DecodeError::InvalidHeader { path: at(), reason: reason.to_string() }
            }
            other => DecodeError::UnknownFormat { path: at(), reason: other.to_string() },
        })?;

    let track = format.default_track(TrackType::Audio).ok_or_else(|| DecodeError::NoAudioTrack { path: at() })?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|params| params.audio())
        .ok_or_else(|| DecodeError::NoAudioTrack { path: at() })?
        .clone();
    let track_id = track.id;
    let expected_frames = track.num_frames;

    let declared_channels = params.channels.as_ref().map(|channels| channels.count());
    if declared_channels == Some(0) {
        return Err(DecodeError::InvalidHeader { path: at(), reason: "it declares 0 channels".into() });
    }
    if params.sample_rate == Some(0) {
        return Err(DecodeError::InvalidHeader { path: at(), reason: "it declares a sample rate of 0 Hz".into() });
    }
    let mut decoder = codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|_| DecodeError::UnsupportedCodec { path: at(), codec: codec_name(params.codec) })?;
    let codec = decoder.codec_info().short_name.to_string();

    let mut sink: Option<Sink> = None;
    let mut truncated = false;
    let mut decode_errors = 0usize;
    let mut last_error = String::new();
    loop {
        let packet = match format.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            // A stream that stops mid-packet: keep what decoded, and say so.
            Err(SymphoniaError::IoError(error)) if error.kind() == std::io::ErrorKind::UnexpectedEof => {
                truncated = true;
                break;
            }
            Err(SymphoniaError::ResetRequired) => break,
            Err(error) => {
                if sink.is_none() {
                    return Err(DecodeError::Corrupt { path: at(), reason: error.to_string() });
                }
                truncated = true;
                break;
            }
        };
        if packet.track_id != track_id {
            continue;
        }
        let buffer = match decoder.decode(&packet) {
            Ok(buffer) => buffer,
            // One bad packet (a glitch in a long call) must not lose the rest of the call.
            Err(SymphoniaError::DecodeError(reason)) => {
                decode_errors += 1;
                last_error = reason.to_string();
                continue;
            }
            Err(SymphoniaError::IoError(error)) => {
                decode_errors += 1;
                last_error = error.to_string();
                continue;
            }
            Err(error) => return Err(DecodeError::Corrupt { path: at(), reason: error.to_string() }),
        };
        if buffer.frames() == 0 {
            continue;
        }
        let sink = match &mut sink {
            Some(sink) => sink,
            None => {
                let spec = buffer.spec();
                let rate = spec.rate();
                if rate == 0 || spec.channels().count() == 0 {
                    return Err(DecodeError::InvalidHeader {
                        path: at(),
                        reason: format!("{} Hz with {} channels", rate, spec.channels().count()),
                    });
                }
                sink.insert(
                    Sink::new(rate, spec.channels().count(), expected_frames)
                        .map_err(|cause| DecodeError::Resample { path: at(), cause })?,
                )
            }
        };
        buffer.copy_to_vecs_planar(&mut sink.planes);
        sink.consume(buffer.frames()).map_err(|cause| DecodeError::Resample { path: at(), cause })?;
    }

    let Some(sink) = sink else {
        return Err(if decode_errors > 0 {
            DecodeError::Corrupt { path: at(), reason: last_error }
        } else {
            DecodeError::NoSamples { path: at() }
        });
    };
    if expected_frames.is_some_and(|expected| sink.frames_in < expected.saturating_sub(expected / 50)) {
        truncated = true;
    }
    sink.finish(codec, truncated).map_err(|cause| DecodeError::Resample { path: at(), cause })
}

/// Collects decoded packets: mixes to mono, resamples, tracks channel activity.
struct Sink {
    rate: u32,
    channels: usize,
    planes: Vec<Vec<f32>>,
    mono: Vec<f32>,
    resampler: StreamingResampler,
    /// The resampler's output for the packet at hand, before it is stored as 16-bit.
    resampled: Vec<f32>,
    activity: ChannelActivity,
    samples: Vec<i16>,
    frames_in: u64,
}

impl Sink {
    fn new(rate: u32, channels: usize, expected_frames: Option<u64>) -> Result<Self, ResampleError> {
        let resampler = StreamingResampler::new(rate)?;
        // Reserving the exact size avoids the 2x overshoot of a growing Vec on long calls.
        let capacity = expected_frames.map_or(0, |frames| resampler.output_len_for(frames) as usize + 1);
        Ok(Self {
            rate,
            channels,
            planes: Vec::new(),
            mono: Vec::new(),
            resampler,
            resampled: Vec::new(),
            activity: ChannelActivity::new(channels, rate),
            samples: Vec::with_capacity(capacity),
            frames_in: 0,
        })
    }

    fn consume(&mut self, frames: usize) -> Result<(), ResampleError> {
        self.frames_in += frames as u64;
        self.activity.push(&self.planes, frames);
        self.mono.clear();
        let scale = 1.0 / self.planes.len() as f32;
        self.mono.extend((0..frames).map(|frame| self.planes.iter().map(|plane| plane[frame]).sum::<f32>() * scale));
        self.resampler.push(&self.mono, &mut self.resampled)?;
        self.store_resampled();
        Ok(())
    }

    fn store_resampled(&mut self) {
        self.samples.extend(self.resampled.drain(..).map(|s| (s * 32_768.0).clamp(-32_768.0, 32_767.0) as i16));
    }

    fn finish(mut self, codec: String, truncated: bool) -> Result<DecodedAudio, ResampleError> {
        self.resampler.finish(&mut self.resampled)?;
        self.store_resampled();
        self.activity.finish();
        Ok(DecodedAudio {
            samples: self.samples,
            activity: self.activity,
            source: SourceFormat {
                sample_rate_hz: self.rate,
                channels: self.channels as u16,
                codec,
                duration_ms: self.frames_in * 1000 / u64::from(self.rate),
                truncated,
            },
        })
    }
}
