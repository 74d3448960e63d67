//! Decoding: a call recording in any common format → 16 kHz mono samples for the model, plus
//! per-channel activity to tell the SDR from the prospect on two-channel recordings.

#![warn(missing_docs)]

mod activity;
mod decode;
mod resample;
mod speech;

pub use activity::ChannelActivity;
pub use decode::{decode_file, DecodeError, DecodedAudio, SourceFormat};
pub use resample::{ResampleError, StreamingResampler, TARGET_RATE_HZ};
pub use speech::speech_spans;
