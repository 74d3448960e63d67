//! A cheap energy-based speech detector run before Whisper.
//!
//! Whisper invents fluent sentences on silence and on steady noise ("Thank you.", "Bye."). Speech
//! has syllable-rate loudness swings well above its own noise floor; silence has no energy and
//! stationary noise has no swings. Whisper segments that fall outside every detected speech span
//! are dropped, and a file with no span at all is not sent to the model.

use std::ops::Range;

const FRAME_MS: usize = 30;
/// Quieter than about -50 dBFS is never speech, whatever the floor.
const ABSOLUTE_FLOOR_DB: f32 = -50.0;
/// Speech frames stand at least this far above the recording's own noise floor.
const MARGIN_OVER_FLOOR_DB: f32 = 12.0;
/// Spans closer than this merge: pauses between words are not the end of speech.
const MERGE_GAP_MS: u64 = 300;
/// Shorter blips (a click, a cough) are not speech.
const MIN_SPAN_MS: u64 = 150;

/// Time spans (in ms) of mono 16-bit `samples` that likely hold speech.
pub fn speech_spans(samples: &[i16], rate_hz: u32) -> Vec<Range<u64>> {
    let frame_len = rate_hz as usize * FRAME_MS / 1000;
    if frame_len == 0 || samples.len() < frame_len {
        return Vec::new();
    }
    let levels_db: Vec<f32> = samples
        .chunks_exact(frame_len)
        .map(|frame| {
            let mean_square =
                frame.iter().map(|&s| (f32::from(s) / 32_768.0).powi(2)).sum::<f32>() / frame.len() as f32;
            10.0 * (mean_square + 1e-12).log10()
        })
        .collect();
    let mut sorted = levels_db.clone();
    sorted.sort_by(f32::total_cmp);
    let noise_floor = sorted[sorted.len() / 10];
    let threshold = (noise_floor + MARGIN_OVER_FLOOR_DB).max(ABSOLUTE_FLOOR_DB);

    let mut spans: Vec<Range<u64>> = Vec::new();
    for (index, &level) in levels_db.iter().enumerate() {
        if level < threshold {
            continue;
        }
        let start = (index * FRAME_MS) as u64;
        let end = start + FRAME_MS as u64;
        match spans.last_mut() {
            Some(last) if start <= last.end + MERGE_GAP_MS => last.end = end,
            _ => spans.push(start..end),
        }
    }
    spans.retain(|span| span.end - span.start >= MIN_SPAN_MS);
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 16_000;

    fn overlaps_any(spans: &[Range<u64>], start_ms: u64, end_ms: u64) -> bool {
        spans.iter().any(|span| span.start < end_ms && start_ms < span.end)
    }

    fn pcm(samples: &[f32]) -> Vec<i16> {
        samples.iter().map(|&s| (s * 32_767.0) as i16).collect()
    }

    /// Deterministic pseudo-random noise in -1..1 (xorshift), so tests need no rand crate.
    fn noise(len: usize, amplitude: f32) -> Vec<f32> {
        let mut state = 0x2545_F491_u32;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                amplitude * (state as f32 / u32::MAX as f32 * 2.0 - 1.0)
            })
            .collect()
    }

    /// Speech-like bursts: a 200 Hz tone switched on for 250 ms every 400 ms.
    fn syllables(seconds: usize) -> Vec<f32> {
        (0..RATE as usize * seconds)
            .map(|n| {
                let on = (n * 1000 / RATE as usize) % 400 < 250;
                if on {
                    0.3 * (n as f32 * 200.0 * std::f32::consts::TAU / RATE as f32).sin()
                } else {
                    0.0
                }
            })
            .collect()
    }

    #[test]
    fn silence_has_no_speech() {
        assert!(speech_spans(&vec![0; RATE as usize * 3], RATE).is_empty());
    }

    #[test]
    fn steady_noise_has_no_speech() {
        assert!(speech_spans(&pcm(&noise(RATE as usize * 3, 0.25)), RATE).is_empty());
    }

    #[test]
    fn bursts_after_silence_are_found_where_they_are() {
        let mut audio = vec![0.0; RATE as usize * 2];
        audio.extend(syllables(2));
        audio.extend(vec![0.0; RATE as usize * 2]);
        let spans = speech_spans(&pcm(&audio), RATE);
        assert_eq!(spans.len(), 1, "{spans:?}");
        assert!((1_950..=2_050).contains(&spans[0].start), "{spans:?}");
        assert!((3_700..=4_050).contains(&spans[0].end), "{spans:?}");
        assert!(overlaps_any(&spans, 3_000, 3_500));
        assert!(!overlaps_any(&spans, 4_500, 5_500));
    }

    #[test]
    fn speech_over_background_noise_is_still_found() {
        let background = noise(RATE as usize * 4, 0.01);
        let mut audio = background.clone();
        for (sample, voice) in audio[RATE as usize..].iter_mut().zip(syllables(2)) {
            *sample += voice;
        }
        let spans = speech_spans(&pcm(&audio), RATE);
        assert!(overlaps_any(&spans, 1_200, 2_800), "{spans:?}");
        assert!(!overlaps_any(&spans, 3_300, 4_000), "{spans:?}");
    }
}
