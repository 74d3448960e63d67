//! Per-channel loudness over time, to tell who spoke when each channel carries one party.
//!
//! Call recorders put the SDR on one channel and the prospect on the other; comparing the two
//! channels' energy while a segment was spoken names its speaker without any diarization model.

/// Energy is kept per 10 ms window: fine enough to follow turn-taking, and 2 hours of stereo
/// is only ~1.4 M floats.
const WINDOW_MS: u64 = 10;

/// One channel must carry this many times the energy of the other (6 dB) to be called the
/// speaker; crosstalk and echo on the quiet channel stay well below it.
const DOMINANCE_RATIO: f64 = 4.0;

/// Below this mean-square level (about -60 dBFS) neither channel is speaking.
const SILENCE_MEAN_SQUARE: f64 = 1e-6;

/// How loud each channel of a stereo recording was over time: who spoke when, since each side of
/// a recorded call usually has a channel of its own.
#[derive(Debug, Clone, Default)]
pub struct ChannelActivity {
    /// Mean square per window, one vector per channel. Empty for mono recordings.
    windows: Vec<Vec<f32>>,
    window_frames: usize,
    /// Running sums for the window being filled.
    partial: Vec<f64>,
    partial_frames: usize,
}

impl ChannelActivity {
    /// Tracks `channels` channels at `rate_hz`; mono needs no tracking.
    pub fn new(channels: usize, rate_hz: u32) -> Self {
        let tracked = if channels >= 2 { channels } else { 0 };
        Self {
            windows: vec![Vec::new(); tracked],
            window_frames: ((u64::from(rate_hz) * WINDOW_MS / 1000) as usize).max(1),
            partial: vec![0.0; tracked],
            partial_frames: 0,
        }
    }

    /// Channels tracked: 0 for mono, where there is nothing to tell apart.
    pub fn channel_count(&self) -> usize {
        self.windows.len()
    }

    /// Adds planar samples (one slice per channel, equal lengths).
    pub fn push(&mut self, planes: &[Vec<f32>], frames: usize) {
        if self.windows.is_empty() {
            return;
        }
        let mut frame = 0;
        while frame < frames {
            let take = (self.window_frames - self.partial_frames).min(frames - frame);
            for (sum, plane) in self.partial.iter_mut().zip(planes) {
                *sum += plane[frame..frame + take].iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>();
            }
            self.partial_frames += take;
            frame += take;
            if self.partial_frames == self.window_frames {
                self.close_window();
            }
        }
    }

    /// Closes the last, partly filled window; call once after the last [`push`](Self::push).
    pub fn finish(&mut self) {
        if self.partial_frames > 0 && !self.windows.is_empty() {
            self.close_window();
        }
    }

    fn close_window(&mut self) {
        for (energies, sum) in self.windows.iter_mut().zip(self.partial.iter_mut()) {
            energies.push((*sum / self.partial_frames as f64) as f32);
            *sum = 0.0;
        }
        self.partial_frames = 0;
    }

    /// The channel that clearly carried the speech between `start_ms` and `end_ms`, if any.
    pub fn dominant_channel(&self, start_ms: u64, end_ms: u64) -> Option<usize> {
        let first = (start_ms / WINDOW_MS) as usize;
        let last = (end_ms.div_ceil(WINDOW_MS) as usize).max(first + 1);
        let energy: Vec<f64> = self
            .windows
            .iter()
            .map(|channel| {
                let end = last.min(channel.len());
                channel.get(first.min(end)..end).unwrap_or(&[]).iter().map(|&e| f64::from(e)).sum()
            })
            .collect();
        let (loudest, &top) = energy.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
        let frames = (last - first) as f64;
        let runner_up = energy.iter().enumerate().filter(|&(i, _)| i != loudest).map(|(_, &e)| e).fold(0.0, f64::max);
        (top / frames > SILENCE_MEAN_SQUARE && top >= DOMINANCE_RATIO * runner_up).then_some(loudest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One second at 1 kHz where the left channel talks for the first half and the right
    /// channel for the second, with faint crosstalk on the other side.
    fn turn_taking() -> ChannelActivity {
        let rate = 1000;
        let loud = |n: usize| 0.3 * ((n as f32) * 0.7).sin();
        let left: Vec<f32> = (0..1000).map(|n| if n < 500 { loud(n) } else { 0.01 * loud(n) }).collect();
        let right: Vec<f32> = (0..1000).map(|n| if n < 500 { 0.01 * loud(n) } else { loud(n) }).collect();
        let mut activity = ChannelActivity::new(2, rate);
        for start in (0..1000).step_by(137) {
            let end = (start + 137).min(1000);
            activity.push(&[left[start..end].to_vec(), right[start..end].to_vec()], end - start);
        }
        activity.finish();
        activity
    }

    #[test]
    fn names_the_channel_that_spoke() {
        let activity = turn_taking();
        assert_eq!(activity.dominant_channel(0, 480), Some(0));
        assert_eq!(activity.dominant_channel(520, 1000), Some(1));
    }

    #[test]
    fn a_span_across_both_turns_has_no_single_speaker() {
        assert_eq!(turn_taking().dominant_channel(250, 750), None);
    }

    #[test]
    fn silence_and_mono_have_no_speaker() {
        let mut silent = ChannelActivity::new(2, 1000);
        silent.push(&[vec![0.0; 500], vec![0.0; 500]], 500);
        silent.finish();
        assert_eq!(silent.dominant_channel(0, 500), None);
        let mono = ChannelActivity::new(1, 1000);
        assert_eq!(mono.channel_count(), 0);
        assert_eq!(mono.dominant_channel(0, 500), None);
    }

    #[test]
    fn spans_past_the_end_are_clamped() {
        assert_eq!(turn_taking().dominant_channel(900, 5_000), Some(1));
        assert_eq!(turn_taking().dominant_channel(5_000, 6_000), None);
    }
}
