//! Per-frame voice features: MFCCs (the shape of the vocal tract) and pitch (the vocal folds).
//!
//! Frames are 25 ms long every 10 ms, the usual compromise between spectral detail and following
//! a turn change. The mel bank spans 100-3,800 Hz only: the telephone band, so a call recorded
//! from a phone line and one from a headset give comparable features, and codec cut-offs above
//! 4 kHz (Opus, AAC at low rates) do not shift them.

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// The rate `diarize` expects its samples at: the decoder's output, which Whisper takes too.
pub const SAMPLE_RATE_HZ: usize = 16_000;
pub const FRAME_MS: u64 = 10;
const HOP: usize = SAMPLE_RATE_HZ / 100;
const WINDOW: usize = SAMPLE_RATE_HZ / 40;
const FFT_LEN: usize = 512;
const MEL_BANDS: usize = 32;
const MEL_LOW_HZ: f32 = 100.0;
const MEL_HIGH_HZ: f32 = 7_600.0;
/// c1..c12: c0 is loudness, which says how close the speaker sat to the microphone, not who they are.
pub const CEPSTRA: usize = 19;

/// Pitch between 60 and 400 Hz covers low male to high female voices.
const MIN_LAG: usize = SAMPLE_RATE_HZ / 400;
const MAX_LAG: usize = SAMPLE_RATE_HZ / 60;
/// The pitch analysis window: one 25 ms frame plus the longest period it is compared with.
const PITCH_FFT_LEN: usize = 1_024;
/// YIN's threshold on the normalised difference: below it a period is clearly there.
const YIN_THRESHOLD: f32 = 0.2;

/// One 10 ms frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub mfcc: [f32; CEPSTRA],
    /// Log energy (natural log of the mean square, samples in -1..1).
    pub log_energy: f32,
    /// log2 of the fundamental frequency in Hz, when the frame is voiced.
    pub log_pitch: Option<f32>,
}

/// Computes frames from 16 kHz mono samples; frame `n` starts at `n * 10 ms`.
pub struct FrameAnalyzer {
    spectrum_fft: Arc<dyn RealToComplex<f32>>,
    pitch_fft: Arc<dyn RealToComplex<f32>>,
    pitch_inverse: Arc<dyn realfft::ComplexToReal<f32>>,
    window: Vec<f32>,
    mel_bank: Vec<Vec<(usize, f32)>>,
    dct: Vec<[f32; MEL_BANDS]>,
}

impl Default for FrameAnalyzer {
    fn default() -> Self {
        let mut planner = RealFftPlanner::<f32>::new();
        let window = (0..WINDOW)
            .map(|n| 0.54 - 0.46 * (2.0 * std::f32::consts::PI * n as f32 / (WINDOW - 1) as f32).cos())
            .collect();
        let dct = (1..=CEPSTRA)
            .map(|k| {
                let mut row = [0.0; MEL_BANDS];
                for (m, value) in row.iter_mut().enumerate() {
                    *value = (std::f32::consts::PI * k as f32 * (m as f32 + 0.5) / MEL_BANDS as f32).cos();
                }
                row
            })
            .collect();
        Self {
            spectrum_fft: planner.plan_fft_forward(FFT_LEN),
            pitch_fft: planner.plan_fft_forward(PITCH_FFT_LEN),
            pitch_inverse: planner.plan_fft_inverse(PITCH_FFT_LEN),
            window,
            mel_bank: mel_bank(),
            dct,
        }
    }
}

fn mel(hz: f32) -> f32 {
    2_595.0 * (1.0 + hz / 700.0).log10()
}

fn hz(mel: f32) -> f32 {
    700.0 * (10f32.powf(mel / 2_595.0) - 1.0)
}

/// Triangular filters equally spaced on the mel scale, as (FFT bin, weight) lists.
fn mel_bank() -> Vec<Vec<(usize, f32)>> {
    let (low, high) = (mel(MEL_LOW_HZ), mel(MEL_HIGH_HZ));
    let edges: Vec<f32> = (0..MEL_BANDS + 2)
        .map(|i| hz(low + (high - low) * i as f32 / (MEL_BANDS + 1) as f32) * FFT_LEN as f32 / SAMPLE_RATE_HZ as f32)
        .collect();
    (0..MEL_BANDS)
        .map(|band| {
            let (left, centre, right) = (edges[band], edges[band + 1], edges[band + 2]);
            (left.ceil() as usize..=right.floor() as usize)
                .filter_map(|bin| {
                    let at = bin as f32;
                    let weight =
                        if at <= centre { (at - left) / (centre - left) } else { (right - at) / (right - centre) };
                    (weight > 0.0).then_some((bin, weight))
                })
                .collect()
        })
        .collect()
}

impl FrameAnalyzer {
    /// How many frames' 25 ms windows fit in `sample_count` samples.
    pub fn frame_count(sample_count: usize) -> usize {
        if sample_count >= WINDOW {
            (sample_count - WINDOW) / HOP + 1
        } else {
            0
        }
    }

    /// Every frame of `samples`.
    pub fn frames(&self, samples: &[i16]) -> Vec<Frame> {
        self.frames_at(samples, 0..Self::frame_count(samples.len()))
    }

    /// The frames numbered `indices` (each below `frame_count`).
    pub fn frames_at(&self, samples: &[i16], indices: impl IntoIterator<Item = usize>) -> Vec<Frame> {
        let mut scratch = Scratch::new(self);
        indices.into_iter().map(|index| self.frame(samples, index * HOP, &mut scratch)).collect()
    }

    fn frame(&self, samples: &[i16], start: usize, scratch: &mut Scratch) -> Frame {
        let raw: Vec<f32> = samples[start..start + WINDOW].iter().map(|&s| f32::from(s) / 32_768.0).collect();
        let mean_square = raw.iter().map(|s| s * s).sum::<f32>() / WINDOW as f32;
        let log_energy = (mean_square + 1e-10).ln();

        // Pre-emphasis flattens the spectral tilt of voiced speech, so the upper formants count.
        scratch.spectrum_in.fill(0.0);
        for n in 0..WINDOW {
            let previous = if n > 0 { raw[n - 1] } else { 0.0 };
            scratch.spectrum_in[n] = (raw[n] - 0.97 * previous) * self.window[n];
        }
        self.spectrum_fft
            .process_with_scratch(&mut scratch.spectrum_in, &mut scratch.spectrum_out, &mut scratch.fft_scratch)
            .expect("buffers are planned for this FFT");
        let log_mel: Vec<f32> = self
            .mel_bank
            .iter()
            .map(|band| {
                (band.iter().map(|&(bin, w)| w * scratch.spectrum_out[bin].norm_sqr()).sum::<f32>() + 1e-10).ln()
            })
            .collect();
        let mut mfcc = [0.0; CEPSTRA];
        for (coefficient, row) in mfcc.iter_mut().zip(&self.dct) {
            *coefficient = row.iter().zip(&log_mel).map(|(a, b)| a * b).sum();
        }

        let pitch_end = (start + WINDOW + MAX_LAG).min(samples.len());
        let log_pitch = self.pitch(&samples[start..pitch_end], scratch).map(f32::log2);
        Frame { mfcc, log_energy, log_pitch }
    }

    /// Fundamental frequency by YIN (de Cheveigné & Kawahara 2002): the first lag where the
    /// cumulative-mean-normalised difference dips under the threshold. The difference
    /// d(τ) = Σ (x_j − x_{j+τ})² over one window is computed from energies and one FFT
    /// cross-correlation, ~40× cheaper than the direct sum.
    fn pitch(&self, span: &[i16], scratch: &mut Scratch) -> Option<f32> {
        if span.len() < WINDOW + MAX_LAG {
            return None;
        }
        let x: Vec<f32> = span.iter().map(|&s| f32::from(s) / 32_768.0).collect();
        scratch.pitch_a.fill(0.0);
        scratch.pitch_a[..WINDOW].copy_from_slice(&x[..WINDOW]);
        scratch.pitch_b.fill(0.0);
        scratch.pitch_b[..x.len()].copy_from_slice(&x);
        let (fft, inverse) = (&self.pitch_fft, &self.pitch_inverse);
        fft.process_with_scratch(&mut scratch.pitch_a, &mut scratch.pitch_spec_a, &mut scratch.pitch_scratch).ok()?;
        fft.process_with_scratch(&mut scratch.pitch_b, &mut scratch.pitch_spec_b, &mut scratch.pitch_scratch).ok()?;
        for (a, b) in scratch.pitch_spec_a.iter_mut().zip(&scratch.pitch_spec_b) {
            *a = a.conj() * b;
        }
        // The imaginary parts at DC and Nyquist are rounding noise; realfft refuses them.
        scratch.pitch_spec_a[0].im = 0.0;
        scratch.pitch_spec_a[PITCH_FFT_LEN / 2].im = 0.0;
        inverse
            .process_with_scratch(&mut scratch.pitch_spec_a, &mut scratch.pitch_corr, &mut scratch.pitch_scratch)
            .ok()?;
        let scale = 1.0 / PITCH_FFT_LEN as f32;

        let mut squares = Vec::with_capacity(x.len() + 1);
        squares.push(0.0f32);
        for s in &x {
            squares.push(squares.last().copied().unwrap_or(0.0) + s * s);
        }
        let energy = |from: usize| squares[from + WINDOW] - squares[from];
        if energy(0) < 1e-6 {
            return None;
        }
        let mut running = 0.0;
        let mut normalised = vec![1.0f32; MAX_LAG + 1];
        for (lag, value) in normalised.iter_mut().enumerate().skip(1) {
            let difference = (energy(0) + energy(lag) - 2.0 * scratch.pitch_corr[lag] * scale).max(0.0);
            running += difference;
            *value = if running > 0.0 { difference * lag as f32 / running } else { 1.0 };
        }
        let mut lag = MIN_LAG;
        while lag < MAX_LAG {
            if normalised[lag] < YIN_THRESHOLD {
                while lag < MAX_LAG && normalised[lag + 1] < normalised[lag] {
                    lag += 1;
                }
                return Some(SAMPLE_RATE_HZ as f32 / refine(&normalised, lag));
            }
            lag += 1;
        }
        None
    }
}

/// The lag of the dip to a fraction of a sample (parabola through the dip and its neighbours).
fn refine(curve: &[f32], lag: usize) -> f32 {
    if lag == 0 || lag + 1 >= curve.len() {
        return lag as f32;
    }
    let (a, b, c) = (curve[lag - 1], curve[lag], curve[lag + 1]);
    let denominator = a - 2.0 * b + c;
    if denominator.abs() < 1e-9 {
        return lag as f32;
    }
    lag as f32 + (0.5 * (a - c) / denominator).clamp(-0.5, 0.5)
}

/// Buffers reused frame after frame.
struct Scratch {
    spectrum_in: Vec<f32>,
    spectrum_out: Vec<Complex<f32>>,
    fft_scratch: Vec<Complex<f32>>,
    pitch_a: Vec<f32>,
    pitch_b: Vec<f32>,
    pitch_spec_a: Vec<Complex<f32>>,
    pitch_spec_b: Vec<Complex<f32>>,
    pitch_corr: Vec<f32>,
    pitch_scratch: Vec<Complex<f32>>,
}

impl Scratch {
    fn new(analyzer: &FrameAnalyzer) -> Self {
        let scratch_len = analyzer
            .spectrum_fft
            .get_scratch_len()
            .max(analyzer.pitch_fft.get_scratch_len())
            .max(analyzer.pitch_inverse.get_scratch_len());
        Self {
            spectrum_in: analyzer.spectrum_fft.make_input_vec(),
            spectrum_out: analyzer.spectrum_fft.make_output_vec(),
            fft_scratch: vec![Complex::default(); scratch_len],
            pitch_a: analyzer.pitch_fft.make_input_vec(),
            pitch_b: analyzer.pitch_fft.make_input_vec(),
            pitch_spec_a: analyzer.pitch_fft.make_output_vec(),
            pitch_spec_b: analyzer.pitch_fft.make_output_vec(),
            pitch_corr: analyzer.pitch_inverse.make_output_vec(),
            pitch_scratch: vec![Complex::default(); scratch_len],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A buzz with the harmonics of a voice at `pitch_hz`.
    fn voiced(pitch_hz: f32, seconds: f32) -> Vec<i16> {
        let count = (seconds * SAMPLE_RATE_HZ as f32) as usize;
        (0..count)
            .map(|n| {
                let t = n as f32 / SAMPLE_RATE_HZ as f32;
                let wave: f32 =
                    (1..=8).map(|h| (2.0 * std::f32::consts::PI * pitch_hz * h as f32 * t).sin() / h as f32).sum();
                (wave * 6_000.0) as i16
            })
            .collect()
    }

    #[test]
    fn finds_the_pitch_of_low_and_high_voices() {
        let analyzer = FrameAnalyzer::default();
        for pitch in [85.0f32, 120.0, 210.0, 330.0] {
            let frames = analyzer.frames(&voiced(pitch, 0.5));
            let found: Vec<f32> = frames.iter().filter_map(|f| f.log_pitch).map(f32::exp2).collect();
            assert!(found.len() >= frames.len() * 8 / 10, "{pitch} Hz: {} of {} voiced", found.len(), frames.len());
            for hz in found {
                assert!((hz - pitch).abs() < pitch * 0.02, "{pitch} Hz found as {hz}");
            }
        }
    }

    #[test]
    fn silence_and_noise_have_no_pitch() {
        let analyzer = FrameAnalyzer::default();
        assert!(analyzer.frames(&vec![0; 8_000]).iter().all(|f| f.log_pitch.is_none()));
        let mut state = 12_345u32;
        let noise: Vec<i16> = (0..8_000)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                ((state >> 16) as i16) / 4
            })
            .collect();
        let frames = analyzer.frames(&noise);
        let voiced = frames.iter().filter(|f| f.log_pitch.is_some()).count();
        assert!(voiced * 10 < frames.len(), "{voiced} of {} noise frames voiced", frames.len());
    }

    #[test]
    fn a_different_timbre_gives_different_cepstra() {
        let analyzer = FrameAnalyzer::default();
        let mean = |samples: &[i16]| {
            let frames = analyzer.frames(samples);
            let mut sum = [0.0f32; CEPSTRA];
            for frame in &frames {
                for (total, c) in sum.iter_mut().zip(frame.mfcc) {
                    *total += c / frames.len() as f32;
                }
            }
            sum
        };
        let buzz = voiced(120.0, 0.3);
        // The same pitch through a first-order low-pass: a darker voice.
        let mut dark = buzz.clone();
        for n in 1..dark.len() {
            dark[n] = ((f32::from(dark[n]) + 0.9 * f32::from(dark[n - 1])) * 0.5) as i16;
        }
        let (a, b) = (mean(&buzz), mean(&dark));
        let distance = a.iter().zip(&b).map(|(p, q)| (p - q).powi(2)).sum::<f32>().sqrt();
        assert!(distance > 1.0, "{a:?} vs {b:?}");
    }
}
