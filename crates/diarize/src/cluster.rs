//! Two voices from the speech frames of one recording, or the finding that there is only one.
//!
//! 1. The speech is cut at pauses into pieces of at most 3 s: long enough for a Gaussian to
//!    describe the voice more than the words, short enough that most hold one voice.
//! 2. The pieces are clustered bottom-up: the two clusters whose merge costs least (ΔBIC over
//!    full-covariance Gaussians of the cepstra) merge, until two are left.
//! 3. Each voice gets a model (a Gaussian over cepstra, plus its pitch), and the frames are
//!    relabelled by Viterbi over two states, where changing voice costs evidence (little at a
//!    pause, much inside a stretch of speech); refit and relabel for a few rounds. This is what
//!    finds a turn change inside a piece, and so inside a Whisper segment.
//! 4. One voice or two: a split between two voices describes the speech much better than one
//!    model does, and better than splitting either voice again (which separates what was said,
//!    not who said it). A plain threshold on the gain fails: how much a single voice gains from a
//!    split depends on the voice and the words.

use crate::features::Frame;
use crate::gaussian::{delta_bic, Gaussian, Stats};
use std::ops::Range;

/// A gap of this many frames (150 ms) without speech is a pause where a turn may change.
const PAUSE_FRAMES: usize = 15;
/// Pieces for the bottom-up clustering are at most 3 s of speech.
const PIECE_FRAMES: usize = 300;
/// Bottom-up clustering over all pairs starts from at most this many clusters (about 30 minutes
/// of speech in 3 s pieces); on longer calls, neighbouring pieces are joined first.
const MAX_CLUSTERS: usize = 600;
/// Pieces with less speech than this (200 ms) describe no voice; Viterbi labels them.
const MIN_PIECE_FRAMES: usize = 20;
/// A voice has at least this share of the speech; less is a cough, a hold tone or a phrase said
/// oddly, not a second person. (Plain bottom-up clustering of one fixture voice left such an
/// outlier of 3-6% as "the other voice"; see `agglomerate` for how that is kept from happening.)
const MIN_VOICE_SHARE: f64 = 0.05;
/// What changing voice costs inside a stretch of speech and at a pause, in log-likelihood. With
/// per-frame evidence capped at `FRAME_EVIDENCE_CAP`, a change inside speech needs the other voice
/// to fit clearly better for about a tenth of a second.
const SWITCH_COST: f64 = 40.0;
const PAUSE_SWITCH_COST: f64 = 8.0;
/// A single odd frame (a click, a breath) may not outvote its neighbours.
const FRAME_EVIDENCE_CAP: f64 = 4.0;
const ROUNDS: usize = 5;
/// Two voices gain at least this share of what splitting either of them again gains. Measured
/// on the fixtures' calls (`word_accuracy --only`): two voices 0.96-4.1; one voice 0.16-1.0,
/// below 0.6 for 9 of 12. So one voice is only found when it is clear; a call is a conversation,
/// and taking two voices for one would give all the prospect's words to the SDR.
const SPLIT_RATIO: f64 = 0.6;
/// Below this per-frame gain (nats) a split separates nothing: the speech is one voice. Two voices
/// gained 0.9 or more on the fixtures, one espeak voice 0.5-1.0 (its phones differ more than it
/// varies), a steady synthetic voice under 0.1.
const MIN_SPLIT_GAIN: f64 = 0.3;
/// Two stretches of speech are one voice below this gain: an SDR voice sample against the same
/// voice in a call gained 0.14, against another voice 2.7 (and two voices of a call at least 0.9).
const SAME_VOICE_GAIN: f64 = 0.4;

/// One frame of speech and where it is in the recording.
#[derive(Debug, Clone, Copy)]
pub struct SpeechFrame<'a> {
    /// Frame number: 10 ms steps from the start of the recording.
    pub index: usize,
    pub frame: &'a Frame,
}

/// The model of one voice.
#[derive(Debug, Clone)]
pub struct VoiceModel {
    cepstra: Gaussian,
    /// Mean and standard deviation of log2 pitch over voiced frames.
    pitch: Option<(f64, f64)>,
}

impl VoiceModel {
    pub fn fit<'a>(frames: impl IntoIterator<Item = &'a Frame>) -> Option<Self> {
        let frames: Vec<&Frame> = frames.into_iter().collect();
        let cepstra = Gaussian::fit(frames.iter().map(|frame| &frame.mfcc))?;
        let pitches: Vec<f64> = frames.iter().filter_map(|frame| frame.log_pitch).map(f64::from).collect();
        let pitch = (pitches.len() >= 10).then(|| {
            let mean = pitches.iter().sum::<f64>() / pitches.len() as f64;
            let variance = pitches.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / pitches.len() as f64;
            // A floor of a twelfth of an octave: a monotone voice must not make every other
            // frame impossible.
            (mean, variance.sqrt().max(1.0 / 12.0))
        });
        Some(Self { cepstra, pitch })
    }

    pub fn log_likelihood(&self, frame: &Frame) -> f64 {
        let pitch = match (self.pitch, frame.log_pitch) {
            (Some((mean, deviation)), Some(log_pitch)) => {
                let z = (f64::from(log_pitch) - mean) / deviation;
                -0.5 * z * z - deviation.ln()
            }
            _ => 0.0,
        };
        self.cepstra.log_likelihood(&frame.mfcc) + pitch
    }

    /// Mean per-frame log-likelihood of `frames`: how well this voice explains them.
    pub fn fit_of<'a>(&self, frames: impl IntoIterator<Item = &'a Frame>) -> Option<f64> {
        let (sum, count) =
            frames.into_iter().fold((0.0, 0usize), |(sum, count), frame| (sum + self.log_likelihood(frame), count + 1));
        (count > 0).then(|| sum / count as f64)
    }
}

/// The voices of a recording's speech.
#[derive(Debug, Clone)]
pub struct Voices {
    /// One entry per speech frame given: which voice (0 or 1) spoke it.
    pub labels: Vec<usize>,
    /// One entry per speech frame: how much better its voice explains it than the other one,
    /// capped; 0 when there is one voice.
    pub evidence: Vec<f64>,
    /// One model per voice found (one or two).
    pub models: Vec<VoiceModel>,
}

impl Voices {
    fn one(frames: &[SpeechFrame<'_>]) -> Self {
        Self {
            labels: vec![0; frames.len()],
            evidence: vec![0.0; frames.len()],
            models: VoiceModel::fit(frames.iter().map(|f| f.frame)).into_iter().collect(),
        }
    }
}

/// Finds one or two voices among `frames` (speech only, in time order).
pub fn find_voices(frames: &[SpeechFrame<'_>]) -> Voices {
    let Some((labels, models)) = split_in_two(frames) else {
        return Voices::one(frames);
    };
    let resplit_gain = |voice: usize| {
        let own: Vec<SpeechFrame<'_>> =
            frames.iter().zip(&labels).filter(|(_, &l)| l == voice).map(|(f, _)| *f).collect();
        split_in_two(&own).map_or(0.0, |(labels, _)| split_gain(&own, &labels))
    };
    let gain = split_gain(frames, &labels);
    if gain < MIN_SPLIT_GAIN || gain < SPLIT_RATIO * resplit_gain(0).max(resplit_gain(1)) {
        return Voices::one(frames);
    }
    let evidence = frames
        .iter()
        .zip(&labels)
        .map(|(f, &label)| {
            let own = models[label].log_likelihood(f.frame);
            (own - models[1 - label].log_likelihood(f.frame)).clamp(-FRAME_EVIDENCE_CAP, FRAME_EVIDENCE_CAP)
        })
        .collect();
    Voices { labels, evidence, models: models.to_vec() }
}

/// The frames split in two by bottom-up clustering and Viterbi relabelling, with each part's
/// model; `None` when there are not two parts with `MIN_VOICE_SHARE` of the speech each.
fn split_in_two(frames: &[SpeechFrame<'_>]) -> Option<(Vec<usize>, [VoiceModel; 2])> {
    let mut labels = agglomerate(frames, &pieces(frames))?;
    let mut models = fit_two(frames, &labels)?;
    for _ in 0..ROUNDS {
        let relabelled = viterbi(frames, &models);
        if relabelled == labels {
            break;
        }
        labels = relabelled;
        models = fit_two(frames, &labels)?;
    }
    let second = labels.iter().filter(|&&label| label == 1).count() as f64 / frames.len() as f64;
    (second.min(1.0 - second) >= MIN_VOICE_SHARE).then_some((labels, models))
}

/// Ranges of `frames` cut at pauses and then into pieces of at most `PIECE_FRAMES`.
fn pieces(frames: &[SpeechFrame<'_>]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=frames.len() {
        if i == frames.len() || frames[i].index - frames[i - 1].index > PAUSE_FRAMES {
            runs.push(start..i);
            start = i;
        }
    }
    runs.into_iter()
        .filter(|run| !run.is_empty())
        .flat_map(|run| {
            let parts = run.len().div_ceil(PIECE_FRAMES);
            let size = run.len().div_ceil(parts);
            (0..parts).map(move |p| run.start + p * size..(run.start + (p + 1) * size).min(run.end))
        })
        .collect()
}

/// One cluster of pieces during bottom-up clustering.
struct Cluster {
    stats: Stats,
    log_det: f64,
    pieces: Vec<usize>,
}

/// Frame labels (0 or 1) from bottom-up clustering of the pieces; `None` without two pieces
/// long enough to describe a voice.
///
/// Clusters holding less than `MIN_VOICE_SHARE` of the speech are outliers: while two larger
/// clusters remain, those two are never merged with each other before the outliers have joined
/// one of them, so a cough cannot end up as "the other voice".
fn agglomerate(frames: &[SpeechFrame<'_>], pieces: &[Range<usize>]) -> Option<Vec<usize>> {
    let usable: Vec<&Range<usize>> = pieces.iter().filter(|p| p.len() >= MIN_PIECE_FRAMES).collect();
    let mut clusters: Vec<Option<Cluster>> = merge_neighbours(singles(frames, &usable)).into_iter().map(Some).collect();
    let total: f64 = clusters.iter().flatten().map(|c| c.stats.count()).sum();
    let big = |cluster: &Cluster| cluster.stats.count() >= MIN_VOICE_SHARE * total;
    let cost = |a: &Cluster, b: &Cluster| delta_bic(&a.stats, &b.stats, a.log_det, b.log_det);
    let count = clusters.len();
    let mut costs = vec![vec![f64::INFINITY; count]; count];
    for i in 0..count {
        for j in i + 1..count {
            if let (Some(a), Some(b)) = (&clusters[i], &clusters[j]) {
                costs[i][j] = cost(a, b);
                costs[j][i] = costs[i][j];
            }
        }
    }
    let mut alive: Vec<usize> = (0..count).filter(|&i| clusters[i].is_some()).collect();
    if alive.len() < 2 {
        return None;
    }
    while alive.len() > 2 {
        let bigs = alive.iter().filter(|&&i| clusters[i].as_ref().is_some_and(big)).count();
        let allowed = |i: usize, j: usize| {
            bigs > 2 || !(clusters[i].as_ref().is_some_and(big) && clusters[j].as_ref().is_some_and(big))
        };
        let mut best = (f64::INFINITY, alive[0], alive[1]);
        for (n, &i) in alive.iter().enumerate() {
            for &j in &alive[n + 1..] {
                if costs[i][j] < best.0 && allowed(i, j) {
                    best = (costs[i][j], i, j);
                }
            }
        }
        let (_, keep, gone) = best;
        let absorbed = clusters[gone].take()?;
        let cluster = clusters[keep].as_mut()?;
        cluster.stats.add(&absorbed.stats);
        cluster.pieces.extend(absorbed.pieces);
        cluster.log_det = cluster.stats.log_det()?;
        alive.retain(|&i| i != gone);
        for &other in &alive {
            if other != keep {
                if let (Some(a), Some(b)) = (&clusters[keep], &clusters[other]) {
                    costs[keep][other] = cost(a, b);
                    costs[other][keep] = costs[keep][other];
                }
            }
        }
    }
    let mut assignment = vec![0; usable.len()];
    for &piece in &clusters[alive[1]].as_ref()?.pieces {
        assignment[piece] = 1;
    }
    // Frames of short pieces take the voice of the nearest usable piece; Viterbi corrects them.
    let mut labels = vec![0; frames.len()];
    for piece in pieces {
        let nearest =
            (0..usable.len()).min_by_key(|&i| usable[i].start.abs_diff(piece.start)).map_or(0, |i| assignment[i]);
        labels[piece.clone()].fill(nearest);
    }
    Some(labels)
}

/// One cluster per piece, in time order, numbered by their place in `usable`.
fn singles(frames: &[SpeechFrame<'_>], usable: &[&Range<usize>]) -> Vec<Cluster> {
    usable
        .iter()
        .enumerate()
        .filter_map(|(i, piece)| {
            let stats = Stats::of(frames[(*piece).clone()].iter().map(|f| &f.frame.mfcc));
            Some(Cluster { log_det: stats.log_det()?, stats, pieces: vec![i] })
        })
        .collect()
}

/// Joins the two neighbouring clusters (in time) that ΔBIC finds most alike, again and again,
/// until `MAX_CLUSTERS` are left: on a long call, bottom-up clustering over every pair of
/// thousands of pieces would take time and memory growing with their cube and square. Pieces of
/// one turn are more alike than the two sides of a turn change, so those join first.
fn merge_neighbours(mut clusters: Vec<Cluster>) -> Vec<Cluster> {
    let cost = |a: &Cluster, b: &Cluster| delta_bic(&a.stats, &b.stats, a.log_det, b.log_det);
    let mut costs: Vec<f64> = clusters.windows(2).map(|pair| cost(&pair[0], &pair[1])).collect();
    while clusters.len() > MAX_CLUSTERS {
        let Some(at) = (0..costs.len()).min_by(|&a, &b| costs[a].total_cmp(&costs[b])) else {
            break;
        };
        let next = clusters.remove(at + 1);
        costs.remove(at);
        let joined = &mut clusters[at];
        joined.stats.add(&next.stats);
        joined.pieces.extend(next.pieces);
        // Always there: two or more vectors, and the ridge keeps the covariance definite.
        if let Some(log_det) = joined.stats.log_det() {
            joined.log_det = log_det;
        }
        if at > 0 {
            costs[at - 1] = cost(&clusters[at - 1], &clusters[at]);
        }
        if at < costs.len() {
            costs[at] = cost(&clusters[at], &clusters[at + 1]);
        }
    }
    clusters
}

fn fit_two(frames: &[SpeechFrame<'_>], labels: &[usize]) -> Option<[VoiceModel; 2]> {
    let fit =
        |voice: usize| VoiceModel::fit(frames.iter().zip(labels).filter(|(_, &l)| l == voice).map(|(f, _)| f.frame));
    Some([fit(0)?, fit(1)?])
}

/// The most likely voice per frame, given that changing voice costs `SWITCH_COST` (or
/// `PAUSE_SWITCH_COST` across a pause).
fn viterbi(frames: &[SpeechFrame<'_>], models: &[VoiceModel; 2]) -> Vec<usize> {
    let mut score = [0.0f64; 2];
    let mut came_from: Vec<[usize; 2]> = Vec::with_capacity(frames.len());
    for (i, f) in frames.iter().enumerate() {
        let likelihood = models.each_ref().map(|model| model.log_likelihood(f.frame));
        let best = likelihood[0].max(likelihood[1]);
        // Capping each frame's disadvantage keeps a click from forcing a turn.
        let likelihood = likelihood.map(|l| (l - best).max(-FRAME_EVIDENCE_CAP));
        let cost = match i {
            0 => 0.0,
            _ if f.index - frames[i - 1].index > PAUSE_FRAMES => PAUSE_SWITCH_COST,
            _ => SWITCH_COST,
        };
        let mut next = [0.0; 2];
        let mut from = [0; 2];
        for state in 0..2 {
            let (stay, switch) = (score[state], score[1 - state] - cost);
            (next[state], from[state]) = if stay >= switch { (stay, state) } else { (switch, 1 - state) };
            next[state] += likelihood[state];
        }
        came_from.push(from);
        score = next;
    }
    let mut state = usize::from(score[1] > score[0]);
    let mut labels = vec![0; frames.len()];
    for i in (0..frames.len()).rev() {
        labels[i] = state;
        state = came_from[i][state];
    }
    labels
}

/// Per-frame gain in log-likelihood of modelling the two labelled parts apart rather than
/// together: ½ (log|Σ| − Σᵥ nᵥ/n log|Σᵥ|).
fn split_gain(frames: &[SpeechFrame<'_>], labels: &[usize]) -> f64 {
    let part =
        |voice: usize| Stats::of(frames.iter().zip(labels).filter(|(_, &l)| l == voice).map(|(f, _)| &f.frame.mfcc));
    gain(&part(0), &part(1))
}

fn gain(first: &Stats, second: &Stats) -> f64 {
    let mut all = first.clone();
    all.add(second);
    match (all.log_det(), first.log_det(), second.log_det()) {
        (Some(all_det), Some(a), Some(b)) => 0.5 * (all_det - (first.count() * a + second.count() * b) / all.count()),
        _ => 0.0,
    }
}

/// Whether two stretches of speech are one voice.
pub fn same_voice(first: &[&Frame], second: &[&Frame]) -> bool {
    let stats = |frames: &[&Frame]| Stats::of(frames.iter().map(|f| &f.mfcc));
    gain(&stats(first), &stats(second)) < SAME_VOICE_GAIN
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::CEPSTRA;

    /// Deterministic normal deviates (an LCG through Box-Muller).
    struct Noise(u64);

    impl Noise {
        fn uniform(&mut self) -> f64 {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }

        fn normal(&mut self) -> f64 {
            (-2.0 * self.uniform().ln()).sqrt() * (2.0 * std::f64::consts::PI * self.uniform()).cos()
        }
    }

    /// A voice: where its cepstra sit and its pitch (log2 Hz). Each frame is one of four
    /// "phones" (offsets shared by every voice, larger than the voices' difference) plus noise,
    /// as in speech, where what is said moves the cepstra more than who says it.
    struct Voice {
        centre: [f64; CEPSTRA],
        log_pitch: f64,
    }

    const PHONES: [[f64; 3]; 4] = [[3.0, 0.0, -2.0], [-3.0, 1.5, 0.0], [0.0, -3.0, 2.0], [1.5, 2.5, 2.5]];

    fn frames_of(voice: &Voice, count: usize, noise: &mut Noise) -> Vec<Frame> {
        (0..count)
            .map(|n| {
                // A phone lasts 8 frames (80 ms).
                let phone = PHONES[(n / 8 + (noise.uniform() * 4.0) as usize) % PHONES.len()];
                let mut mfcc = [0.0f32; CEPSTRA];
                for (d, value) in mfcc.iter_mut().enumerate() {
                    let offset = phone.get(d).copied().unwrap_or(0.0);
                    *value = (voice.centre[d] + offset + 0.8 * noise.normal()) as f32;
                }
                let voiced = n % 5 != 0;
                let log_pitch = voiced.then(|| (voice.log_pitch + 0.1 * noise.normal()) as f32);
                Frame { mfcc, log_energy: -4.0, log_pitch }
            })
            .collect()
    }

    fn voice(shift: f64, log_pitch: f64) -> Voice {
        let mut centre = [0.0; CEPSTRA];
        for (d, value) in centre.iter_mut().enumerate() {
            *value = if d % 2 == 0 { shift } else { -shift / 2.0 };
        }
        Voice { centre, log_pitch }
    }

    /// Turns of (voice, frames), with a `pause` of frames between turns: the frames, their
    /// numbers in the recording and the true voice of each.
    fn conversation(turns: &[(usize, usize)], voices: &[Voice], pause: usize) -> (Vec<Frame>, Vec<usize>, Vec<usize>) {
        let mut noise = Noise(7);
        let (mut frames, mut indices, mut truth) = (Vec::new(), Vec::new(), Vec::new());
        let mut at = 0;
        for &(speaker, count) in turns {
            frames.extend(frames_of(&voices[speaker], count, &mut noise));
            indices.extend(at..at + count);
            truth.extend(std::iter::repeat_n(speaker, count));
            at += count + pause;
        }
        (frames, indices, truth)
    }

    fn speech<'a>(frames: &'a [Frame], indices: &[usize]) -> Vec<SpeechFrame<'a>> {
        frames.iter().zip(indices).map(|(frame, &index)| SpeechFrame { index, frame }).collect()
    }

    /// Share of frames labelled as the truth says, the voices' numbering aside.
    fn agreement(labels: &[usize], truth: &[usize]) -> f64 {
        let same = labels.iter().zip(truth).filter(|(a, b)| a == b).count() as f64 / truth.len() as f64;
        same.max(1.0 - same)
    }

    const TURNS: [(usize, usize); 8] = [(0, 400), (1, 650), (0, 180), (1, 900), (0, 250), (1, 500), (0, 420), (1, 300)];

    #[test]
    fn two_voices_are_told_apart() {
        let voices = [voice(0.6, 6.9), voice(-0.6, 7.3)];
        let (frames, indices, truth) = conversation(&TURNS, &voices, 40);
        let found = find_voices(&speech(&frames, &indices));
        assert_eq!(found.models.len(), 2);
        assert!(agreement(&found.labels, &truth) > 0.98, "{}", agreement(&found.labels, &truth));
        assert!(found.evidence.iter().sum::<f64>() > 0.0);
    }

    #[test]
    fn two_voices_of_one_pitch_are_told_apart_by_timbre() {
        let voices = [voice(0.6, 7.0), voice(-0.6, 7.0)];
        let (frames, indices, truth) = conversation(&TURNS, &voices, 40);
        let found = find_voices(&speech(&frames, &indices));
        assert_eq!(found.models.len(), 2);
        assert!(agreement(&found.labels, &truth) > 0.97, "{}", agreement(&found.labels, &truth));
    }

    #[test]
    fn a_turn_change_without_a_pause_is_found_near_where_it_happens() {
        // The prospect cuts in: no pause, so no piece boundary at the change.
        let voices = [voice(0.8, 6.9), voice(-0.8, 7.4)];
        let (frames, indices, truth) = conversation(&TURNS, &voices, 0);
        let found = find_voices(&speech(&frames, &indices));
        assert_eq!(found.models.len(), 2);
        let first_change = found.labels.iter().position(|&label| label != found.labels[0]).unwrap();
        assert!(first_change.abs_diff(400) <= 15, "the first turn ends at frame 400, found {first_change}");
        assert!(agreement(&found.labels, &truth) > 0.97);
    }

    #[test]
    fn a_long_call_is_clustered_from_neighbours_joined_first() {
        // 240 turns of three 0.4 s stretches with short pauses: 720 pieces, over MAX_CLUSTERS.
        let voices = [voice(0.6, 6.9), voice(-0.6, 7.3)];
        let mut noise = Noise(11);
        let (mut frames, mut indices, mut truth) = (Vec::new(), Vec::new(), Vec::new());
        let mut at = 0;
        for turn in 0..240 {
            for _ in 0..3 {
                frames.extend(frames_of(&voices[turn % 2], 40, &mut noise));
                indices.extend(at..at + 40);
                truth.extend([turn % 2; 40]);
                at += 40 + PAUSE_FRAMES + 5;
            }
        }
        let speech = speech(&frames, &indices);
        let pieces = pieces(&speech);
        assert!(pieces.len() > MAX_CLUSTERS);
        // Neighbours within a turn join; no cluster spans a turn change.
        let usable: Vec<&Range<usize>> = pieces.iter().collect();
        let joined = merge_neighbours(singles(&speech, &usable));
        assert_eq!(joined.len(), MAX_CLUSTERS);
        for cluster in &joined {
            let voice_of = |piece: usize| truth[pieces[piece].start];
            assert!(cluster.pieces.iter().all(|&piece| voice_of(piece) == voice_of(cluster.pieces[0])));
        }
        let found = find_voices(&speech);
        assert_eq!(found.models.len(), 2);
        assert!(agreement(&found.labels, &truth) > 0.97, "{}", agreement(&found.labels, &truth));
    }

    #[test]
    fn one_voice_is_found_alone() {
        let voices = [voice(0.0, 7.0)];
        let turns: Vec<(usize, usize)> = TURNS.iter().map(|&(_, frames)| (0, frames)).collect();
        let (frames, indices, _) = conversation(&turns, &voices, 40);
        let found = find_voices(&speech(&frames, &indices));
        assert_eq!(found.models.len(), 1);
        assert!(found.labels.iter().all(|&label| label == 0));
    }

    #[test]
    fn a_cough_is_not_a_second_voice() {
        // 3,000 frames of one voice and two odd half-second bursts (3% of the speech).
        let voices = [voice(0.0, 7.0), voice(3.0, 8.5)];
        let turns = [(0, 1_000), (1, 50), (0, 1_000), (1, 50), (0, 1_000)];
        let (frames, indices, _) = conversation(&turns, &voices, 40);
        assert_eq!(find_voices(&speech(&frames, &indices)).models.len(), 1);
    }

    #[test]
    fn too_little_speech_is_one_voice() {
        let voices = [voice(0.5, 7.0), voice(-0.5, 7.5)];
        let (frames, indices, _) = conversation(&[(0, 15), (1, 15)], &voices, 40);
        assert_eq!(find_voices(&speech(&frames, &indices)).models.len(), 1);
        assert!(find_voices(&[]).models.is_empty());
    }

    #[test]
    fn the_same_voice_is_recognised_in_another_recording() {
        let mut noise = Noise(99);
        let (sdr, prospect) = (voice(0.6, 6.9), voice(-0.6, 7.3));
        let sample = frames_of(&sdr, 600, &mut noise);
        let call_sdr = frames_of(&sdr, 900, &mut noise);
        let call_prospect = frames_of(&prospect, 900, &mut noise);
        fn refs(frames: &[Frame]) -> Vec<&Frame> {
            frames.iter().collect()
        }
        assert!(same_voice(&refs(&sample), &refs(&call_sdr)));
        assert!(!same_voice(&refs(&sample), &refs(&call_prospect)));
    }
}
