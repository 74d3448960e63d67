//! Streaming conversion of mono audio at any rate to 16 kHz, the rate Whisper expects.
//!
//! Input arrives packet by packet; only one resampler chunk is buffered, so memory stays flat
//! however long the call is (the 16 kHz output itself is the only thing that grows).

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler as _};

/// The rate Whisper was trained on; every recording is converted to it.
pub const TARGET_RATE_HZ: u32 = 16_000;

/// Input frames per FFT chunk: small enough to keep latency and scratch memory tiny, large
/// enough that per-call overhead is negligible.
const CHUNK_FRAMES: usize = 1024;

/// The resampler refused a rate or a buffer.
#[derive(Debug, thiserror::Error)]
#[error("cannot resample from {rate_hz} Hz: {reason}")]
pub struct ResampleError {
    /// The recording's rate.
    pub rate_hz: u32,
    /// The resampler's own message.
    pub reason: String,
}

/// Feeds mono samples at `source_rate` and appends 16 kHz samples to an output vector.
pub struct StreamingResampler {
    inner: Option<FftStage>,
    /// Output is trimmed to exactly `consumed * 16000 / source_rate` frames at the end, so the
    /// timeline of the transcript matches the recording to the sample.
    source_rate: u32,
    consumed_frames: u64,
    emitted_frames: u64,
}

struct FftStage {
    resampler: Fft<f32>,
    pending: Vec<f32>,
    scratch: Vec<f32>,
    /// Leading frames of output that are only the filter's delay, not signal.
    delay_left: usize,
}

impl StreamingResampler {
    /// A resampler from `source_rate` Hz; fails for a rate the resampler cannot take.
    pub fn new(source_rate: u32) -> Result<Self, ResampleError> {
        let inner = if source_rate == TARGET_RATE_HZ {
            None
        } else {
            let resampler =
                Fft::<f32>::new(source_rate as usize, TARGET_RATE_HZ as usize, CHUNK_FRAMES, 1, FixedSync::Input)
                    .map_err(|e| ResampleError { rate_hz: source_rate, reason: e.to_string() })?;
            let delay_left = resampler.output_delay();
            let scratch = vec![0.0; resampler.output_frames_max()];
            Some(FftStage { pending: Vec::with_capacity(resampler.input_frames_max()), resampler, scratch, delay_left })
        };
        Ok(Self { inner, source_rate, consumed_frames: 0, emitted_frames: 0 })
    }

    /// How many 16 kHz frames `frames` source frames become; used to pre-size the output.
    pub fn output_len_for(&self, frames: u64) -> u64 {
        frames * u64::from(TARGET_RATE_HZ) / u64::from(self.source_rate)
    }

    /// Takes the next `input` samples and appends the 16 kHz samples ready so far to `out`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<(), ResampleError> {
        self.consumed_frames += input.len() as u64;
        let before = out.len();
        match self.inner.as_mut() {
            None => out.extend_from_slice(input),
            Some(stage) => {
                let mut rest = input;
                while !rest.is_empty() {
                    let wanted = stage.resampler.input_frames_next() - stage.pending.len();
                    let (head, tail) = rest.split_at(wanted.min(rest.len()));
                    stage.pending.extend_from_slice(head);
                    rest = tail;
                    if stage.pending.len() == stage.resampler.input_frames_next() {
                        let rate_hz = self.source_rate;
                        stage.run(None, out).map_err(|reason| ResampleError { rate_hz, reason })?;
                    }
                }
            }
        }
        self.emitted_frames += (out.len() - before) as u64;
        Ok(())
    }

    /// Flushes the filter tail. Across all calls the output then holds exactly the expected
    /// number of frames, so the transcript's timeline matches the recording to the sample.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<(), ResampleError> {
        let expected = self.output_len_for(self.consumed_frames);
        let start = out.len();
        let already = self.emitted_frames;
        let emitted = |out: &Vec<f32>| already + (out.len() - start) as u64;
        if let Some(stage) = self.inner.as_mut() {
            let mut partial = Some(stage.pending.len());
            while emitted(out) < expected {
                let rate_hz = self.source_rate;
                stage.run(partial, out).map_err(|reason| ResampleError { rate_hz, reason })?;
                // After the real tail, feed silence until the delayed signal is all out.
                partial = Some(0);
            }
        }
        let excess = emitted(out).saturating_sub(expected) as usize;
        out.truncate(out.len().saturating_sub(excess).max(start));
        self.emitted_frames = emitted(out);
        Ok(())
    }
}

impl FftStage {
    fn run(&mut self, partial_len: Option<usize>, out: &mut Vec<f32>) -> Result<(), String> {
        let frames_in = self.resampler.input_frames_next();
        self.pending.resize(frames_in, 0.0);
        let input = InterleavedSlice::new(&self.pending, 1, frames_in).map_err(|e| e.to_string())?;
        let frames_out = self.resampler.output_frames_next();
        let mut output = InterleavedSlice::new_mut(&mut self.scratch, 1, frames_out).map_err(|e| e.to_string())?;
        let indexing = Indexing { input_offset: 0, output_offset: 0, partial_len, active_channels_mask: None };
        let (_, written) =
            self.resampler.process_into_buffer(&input, &mut output, Some(&indexing)).map_err(|e| e.to_string())?;
        let skip = self.delay_left.min(written);
        self.delay_left -= skip;
        out.extend_from_slice(&self.scratch[skip..written]);
        self.pending.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::TAU;

    fn sine(rate: u32, freq: f32, seconds: f32) -> Vec<f32> {
        (0..(rate as f32 * seconds) as usize).map(|n| 0.5 * (TAU * freq * n as f32 / rate as f32).sin()).collect()
    }

    /// Frequency estimated from zero crossings over the middle of the signal (edges hold the
    /// filter's ramp).
    fn zero_crossing_frequency(samples: &[f32], rate: u32) -> f32 {
        let middle = &samples[samples.len() / 10..samples.len() * 9 / 10];
        let crossings = middle.windows(2).filter(|w| (w[0] < 0.0) != (w[1] < 0.0)).count();
        crossings as f32 / 2.0 / (middle.len() as f32 / rate as f32)
    }

    fn resample_in_odd_pieces(rate: u32, input: &[f32]) -> Vec<f32> {
        let mut resampler = StreamingResampler::new(rate).unwrap();
        let mut out = Vec::new();
        // Packet sizes that never line up with the chunk size, as real decoders deliver.
        for piece in input.chunks(777) {
            resampler.push(piece, &mut out).unwrap();
        }
        resampler.finish(&mut out).unwrap();
        out
    }

    #[test]
    fn keeps_duration_and_pitch_for_every_common_rate() {
        for rate in [8_000, 11_025, 22_050, 32_000, 44_100, 48_000] {
            let input = sine(rate, 440.0, 2.0);
            let out = resample_in_odd_pieces(rate, &input);
            assert_eq!(out.len(), 32_000, "length at {rate} Hz");
            let freq = zero_crossing_frequency(&out, TARGET_RATE_HZ);
            assert!((freq - 440.0).abs() < 3.0, "{rate} Hz: 440 Hz came out as {freq} Hz");
        }
    }

    #[test]
    fn delay_is_removed_so_timing_is_preserved() {
        // A click at exactly 1.0 s must land at 1.0 s after resampling.
        let rate = 44_100;
        let mut input = vec![0.0; rate as usize * 2];
        input[rate as usize] = 1.0;
        let out = resample_in_odd_pieces(rate, &input);
        let peak =
            out.iter().enumerate().max_by(|a, b| a.1.abs().total_cmp(&b.1.abs())).map(|(index, _)| index).unwrap();
        assert!((peak as i64 - 16_000).abs() <= 2, "click moved to sample {peak}");
    }

    #[test]
    fn native_rate_passes_through_untouched() {
        let input = sine(16_000, 300.0, 0.5);
        assert_eq!(resample_in_odd_pieces(16_000, &input), input);
    }

    #[test]
    fn content_above_the_new_nyquist_is_filtered_out() {
        // 7 kHz is fine at 16 kHz; 11 kHz would alias to 5 kHz if not filtered.
        let out = resample_in_odd_pieces(48_000, &sine(48_000, 11_000.0, 1.0));
        let rms = (out.iter().map(|s| s * s).sum::<f32>() / out.len() as f32).sqrt();
        assert!(rms < 0.01, "aliased energy left: rms {rms}");
    }
}
