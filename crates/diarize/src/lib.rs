//! Who spoke each word of a mono (mixed) call recording, without any cloud service.
//!
//! Dual-channel recordings say who spoke by which channel was loud; a mixed recording has to be
//! told apart by voice. [`diarize`] takes the 16 kHz samples and the transcript's timed words:
//!
//! 1. per 10 ms frame of speech inside the words: cepstra (MFCC) and pitch (`features`);
//! 2. two voices found by bottom-up clustering and Viterbi relabelling, or one voice (`cluster`);
//! 3. each word takes the voice of most of its frames, so a caller can split a Whisper segment
//!    where the voice changes;
//! 4. the voices are named: by an SDR voice sample when one is given ([`VoiceProfile`]),
//!    otherwise by what each voice says (`naming`);
//! 5. each word keeps a confidence: how clearly its voice won, times how sure the naming is.
//!    Below [`MIN_CONFIDENCE`] it is `UNKNOWN`, because extraction trusts only the prospect's
//!    words and a wrong SDR is worse than none.
//!
//! ```no_run
//! use handoff_diarize::{diarize, TimedWord};
//! # let samples: Vec<i16> = Vec::new();
//! let words = [TimedWord { text: " Hi,", start_ms: 300, end_ms: 520 }];
//! let attribution = diarize(&samples, &words, None);
//! println!("{} voice(s); first word by {:?}", attribution.voices, attribution.words[0].speaker);
//! ```

#![warn(missing_docs)]

mod cluster;
mod features;
mod gaussian;
mod naming;
mod voice;

pub use features::SAMPLE_RATE_HZ;
pub use handoff_transcript::Speaker;
pub use voice::{VoiceError, VoiceProfile};

use cluster::{find_voices, SpeechFrame, Voices};
use features::{Frame, FrameAnalyzer, FRAME_MS};
use naming::Turn;

/// Below this, a word's speaker is `UNKNOWN`. Naming by what was said then needs a lead of about
/// 1.5 points (an introduction, or two discovery questions more), and a word needs some acoustic
/// evidence of its voice. Chosen, not fitted to the fixtures.
pub const MIN_CONFIDENCE: f32 = 0.7;
/// Speech is looked for this far around each word: Whisper's word times are often a little off.
const WORD_MARGIN_MS: u64 = 100;
/// Frames quieter than the loud speech by more than this (30 dB, in natural-log power) are pauses
/// and breaths, which say nothing about the voice.
const SPEECH_BELOW_LOUD: f32 = 6.9;
/// Below -60 dBFS (mean square 1e-6) nobody is speaking, as in `handoff_audio`'s channel activity.
const SILENCE_LOG_ENERGY: f32 = -13.8;
/// A word is as sure as the evidence of its voice around it: 20 clear frames make it ~0.9.
const WORD_EVIDENCE_SCALE: f64 = 10.0;
/// A word timed into a pause is less sure than the neighbour whose voice it takes.
const NEIGHBOUR_DISCOUNT: f64 = 0.9;
/// Evidence is summed over this many frames (0.3 s) either side of a word, within its voice's turn.
const EVIDENCE_CONTEXT_FRAMES: usize = 30;

/// One transcribed word and when it was spoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedWord<'a> {
    /// As Whisper wrote it: naming reads it for introductions, questions and next steps.
    pub text: &'a str,
    /// From the start of the recording; the voice is looked for from a little before it, as
    /// Whisper's word times are approximate.
    pub start_ms: u64,
    /// From the start of the recording; the voice is looked for until a little after it.
    pub end_ms: u64,
}

/// Who spoke one word, and how sure that is (0.0-1.0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attribution {
    /// `UNKNOWN` below [`MIN_CONFIDENCE`]: extraction then leaves the word out of the prospect's.
    pub speaker: Speaker,
    /// How clearly the word's voice won, times how sure the naming is; kept so a caller can
    /// draw its own line.
    pub confidence: f32,
}

/// How the voices got their names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// The SDR's voice sample matched a voice.
    SdrVoice,
    /// What the voices said: introduction, questions, next step.
    WhatTheySaid,
    /// Nothing decided it; every word is `UNKNOWN`.
    Unsure,
}

/// Who spoke each word of a call, with what was heard to decide it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diarization {
    /// One per word given, in the same order.
    pub words: Vec<Attribution>,
    /// Voices heard: 0 (no speech found), 1 or 2.
    pub voices: usize,
    /// What the names rest on: a caller can tell a call named by the SDR's sample from a guess.
    pub naming: Naming,
}

/// Attributes every word of a mono recording (`samples`: 16 kHz, mono) to the SDR or the
/// prospect. `words` are in time order; `sdr_voice` names the SDR's voice for certain.
pub fn diarize(samples: &[i16], words: &[TimedWord<'_>], sdr_voice: Option<&VoiceProfile>) -> Diarization {
    let analyzer = FrameAnalyzer::default();
    let frames = speech_frames(&analyzer, samples, words);
    let speech: Vec<SpeechFrame<'_>> =
        frames.iter().map(|(index, frame)| SpeechFrame { index: *index, frame }).collect();
    if speech.is_empty() {
        return unknown(words.len(), 0);
    }
    let voices = find_voices(&speech);
    let word_voices = word_voices(&speech, &voices, words);
    let turns = turns(words, &word_voices);
    let Some((names, naming_confidence, naming)) = name_voices(&voices, &speech, &turns, sdr_voice) else {
        return unknown(words.len(), voices.models.len());
    };
    let words = word_voices
        .iter()
        .map(|assigned| match assigned {
            Some((voice, acoustic)) => {
                let confidence = (acoustic * naming_confidence) as f32;
                let speaker = if confidence >= MIN_CONFIDENCE { names[*voice] } else { Speaker::Unknown };
                Attribution { speaker, confidence }
            }
            None => Attribution { speaker: Speaker::Unknown, confidence: 0.0 },
        })
        .collect();
    Diarization { words, voices: voices.models.len(), naming }
}

fn unknown(words: usize, voices: usize) -> Diarization {
    Diarization {
        words: vec![Attribution { speaker: Speaker::Unknown, confidence: 0.0 }; words],
        voices,
        naming: Naming::Unsure,
    }
}

/// The frames (number, features) of speech around the words: inside a word's span (widened by
/// `WORD_MARGIN_MS`) and loud enough.
fn speech_frames(analyzer: &FrameAnalyzer, samples: &[i16], words: &[TimedWord<'_>]) -> Vec<(usize, Frame)> {
    let frame_count = FrameAnalyzer::frame_count(samples.len());
    let mut wanted = vec![false; frame_count];
    for word in words {
        let first = (word.start_ms.saturating_sub(WORD_MARGIN_MS) / FRAME_MS) as usize;
        let last = (((word.end_ms + WORD_MARGIN_MS) / FRAME_MS) as usize).min(frame_count);
        wanted[first.min(last)..last].fill(true);
    }
    let indices: Vec<usize> = (0..frame_count).filter(|&index| wanted[index]).collect();
    let frames = analyzer.frames_at(samples, indices.iter().copied());
    let loud = loud_speech(&frames);
    indices.into_iter().zip(frames).filter(|(_, frame)| loud(frame)).collect()
}

/// Whether a frame is speech rather than a pause or a breath: within `SPEECH_BELOW_LOUD` of the
/// loud frames (the 90th percentile) among `frames`, and above `SILENCE_LOG_ENERGY`.
pub(crate) fn loud_speech(frames: &[Frame]) -> impl Fn(&Frame) -> bool {
    let mut energies: Vec<f32> = frames.iter().map(|frame| frame.log_energy).collect();
    energies.sort_by(f32::total_cmp);
    let loud = energies.get(energies.len() * 9 / 10).copied().unwrap_or(f32::INFINITY);
    let floor = (loud - SPEECH_BELOW_LOUD).max(SILENCE_LOG_ENERGY);
    move |frame: &Frame| frame.log_energy > floor
}

/// Each word's voice and how clearly that voice won around it (0.5-1.0 with two voices): the
/// voice of most of the word's speech frames. A word without speech frames (Whisper timed it
/// into a pause) takes the voice of its neighbour, a little less surely: the next word's when it
/// starts a sentence (a turn's first word is often timed early), else the previous word's.
fn word_voices(speech: &[SpeechFrame<'_>], voices: &Voices, words: &[TimedWord<'_>]) -> Vec<Option<(usize, f64)>> {
    let position = |ms: u64| speech.partition_point(|f| (f.index as u64) * FRAME_MS < ms);
    let heard: Vec<Option<(usize, f64)>> = words
        .iter()
        .map(|word| {
            let (from, to) = (position(word.start_ms), position(word.end_ms.max(word.start_ms + FRAME_MS)));
            if to == from {
                return None;
            }
            let second = voices.labels[from..to].iter().filter(|&&label| label == 1).count();
            let voice = usize::from(2 * second > to - from);
            if voices.models.len() < 2 {
                return Some((voice, 1.0));
            }
            // The evidence for the word's voice in and around it, within its turn.
            let mut first = from;
            while first > 0 && from - first < EVIDENCE_CONTEXT_FRAMES && voices.labels[first - 1] == voice {
                first -= 1;
            }
            let mut last = to;
            while last < speech.len() && last - to < EVIDENCE_CONTEXT_FRAMES && voices.labels[last] == voice {
                last += 1;
            }
            let evidence: f64 = (first..last)
                .map(|i| if voices.labels[i] == voice { voices.evidence[i] } else { -voices.evidence[i] })
                .sum();
            Some((voice, 1.0 / (1.0 + (-evidence / WORD_EVIDENCE_SCALE).exp())))
        })
        .collect();
    let nearest = |from: usize, forward: bool| -> Option<(usize, f64)> {
        let mut candidates: Box<dyn Iterator<Item = usize>> =
            if forward { Box::new(from + 1..words.len()) } else { Box::new((0..from).rev()) };
        candidates.find_map(|i| heard[i]).map(|(voice, confidence)| (voice, confidence * NEIGHBOUR_DISCOUNT))
    };
    (0..words.len())
        .map(|i| {
            heard[i].or_else(|| {
                let starts_sentence = i > 0 && words[i - 1].text.trim_end().ends_with(['.', '?', '!']);
                nearest(i, starts_sentence).or_else(|| nearest(i, !starts_sentence))
            })
        })
        .collect()
}

/// Runs of consecutive words by one voice, with their text.
fn turns(words: &[TimedWord<'_>], voices: &[Option<(usize, f64)>]) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    for (word, voice) in words.iter().zip(voices) {
        let Some((voice, _)) = voice else {
            continue;
        };
        match turns.last_mut() {
            Some(turn) if turn.voice == *voice => turn.text.push_str(word.text),
            _ => turns.push(Turn { voice: *voice, text: word.text.to_string() }),
        }
    }
    turns
}

/// The speaker of each voice, how sure that is, and how it was decided; `None` when unsure.
fn name_voices(
    voices: &Voices,
    speech: &[SpeechFrame<'_>],
    turns: &[Turn],
    sdr_voice: Option<&VoiceProfile>,
) -> Option<([Speaker; 2], f64, Naming)> {
    let named = |sdr: usize| {
        let mut names = [Speaker::Prospect; 2];
        names[sdr] = Speaker::Sdr;
        names
    };
    if let Some(profile) = sdr_voice {
        return Some(match voices.models.len() {
            2 => (named(profile.nearest(&voices.models)), 1.0, Naming::SdrVoice),
            _ => {
                let one_voice: Vec<&Frame> = speech.iter().map(|f| f.frame).collect();
                let speaker = if profile.is_voice_of(&one_voice) { Speaker::Sdr } else { Speaker::Prospect };
                ([speaker; 2], 1.0, Naming::SdrVoice)
            }
        });
    }
    let cues = naming::cues(turns, voices.models.len());
    let (speaker, margin) = match cues.as_slice() {
        [a, b] if a.lead() != b.lead() => (named(if a.lead() > b.lead() { 0 } else { 1 }), (a.lead() - b.lead()).abs()),
        // One voice that talks only like one side; a conversation heard as one voice stays unknown.
        [only] if only.prospect == 0.0 && only.seller > 0.0 => ([Speaker::Sdr; 2], only.seller),
        [only] if only.seller == 0.0 && only.prospect > 0.0 => ([Speaker::Prospect; 2], only.prospect),
        _ => return None,
    };
    let confidence = naming::confidence(margin);
    (confidence >= f64::from(MIN_CONFIDENCE)).then_some((speaker, confidence, Naming::WhatTheySaid))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: f64 = SAMPLE_RATE_HZ as f64;

    /// A synthetic voice: harmonics of `pitch_hz` falling off by `brightness` each, with a slow
    /// vibrato and syllable-rate loudness changes, so no two frames are alike.
    fn voice(pitch_hz: f64, brightness: f64, seconds: f64) -> Vec<i16> {
        let mut phase = 0.0;
        (0..(seconds * RATE) as usize)
            .map(|n| {
                let t = n as f64 / RATE;
                phase +=
                    2.0 * std::f64::consts::PI * pitch_hz * (1.0 + 0.03 * (2.0 * std::f64::consts::PI * 5.0 * t).sin())
                        / RATE;
                let wave: f64 = (1..=20).map(|h| brightness.powi(h) * (phase * f64::from(h)).sin()).sum();
                let loudness = 0.6 + 0.4 * (2.0 * std::f64::consts::PI * 4.0 * t).sin().abs();
                (wave * loudness * 4_000.0) as i16
            })
            .collect()
    }

    /// A word as (text, start ms, end ms, voice).
    type Word = (String, u64, u64, usize);

    /// Turns by voice 0 (low, bright) and voice 1 (high, dark) with half-second pauses, and their
    /// words spread evenly over each turn.
    fn conversation(turns: &[(usize, &str)]) -> (Vec<i16>, Vec<Word>) {
        let (mut samples, mut words) = (vec![0i16; 8_000], Vec::new());
        for &(speaker, text) in turns {
            let spoken: Vec<&str> = text.split_whitespace().collect();
            let seconds = 0.4 * spoken.len() as f64;
            let start_ms = samples.len() as u64 * 1000 / SAMPLE_RATE_HZ as u64;
            samples.extend(if speaker == 0 { voice(110.0, 0.8, seconds) } else { voice(220.0, 0.5, seconds) });
            for (i, word) in spoken.iter().enumerate() {
                let from = start_ms + 400 * i as u64;
                words.push((format!(" {word}"), from, from + 380, speaker));
            }
            samples.extend(vec![0i16; 8_000]);
        }
        (samples, words)
    }

    fn timed(words: &[Word]) -> Vec<TimedWord<'_>> {
        words
            .iter()
            .map(|(text, start_ms, end_ms, _)| TimedWord { text, start_ms: *start_ms, end_ms: *end_ms })
            .collect()
    }

    const CALL: [(usize, &str); 6] = [
        (0, "Hi, this is Tom from Acme. How do you track deals today?"),
        (1, "We use spreadsheets and it takes forever to update them."),
        (0, "Who else is involved in choosing a tool?"),
        (1, "Our CFO signs off on anything new we buy."),
        (0, "Could we book a demo next week?"),
        (1, "Sure, that works for me and the team."),
    ];

    #[test]
    fn each_word_goes_to_its_voice_named_by_what_it_says() {
        let (samples, words) = conversation(&CALL);
        let found = diarize(&samples, &timed(&words), None);
        assert_eq!((found.voices, found.naming), (2, Naming::WhatTheySaid));
        for ((text, .., voice), attribution) in words.iter().zip(&found.words) {
            let expected = if *voice == 0 { Speaker::Sdr } else { Speaker::Prospect };
            assert_eq!(attribution.speaker, expected, "{text}: {attribution:?}");
            assert!(attribution.confidence >= MIN_CONFIDENCE);
        }
    }

    #[test]
    fn voices_that_say_nothing_telling_stay_unknown() {
        let (samples, words) =
            conversation(&[(0, "Okay then."), (1, "Right, fine."), (0, "Good, good."), (1, "Yes indeed.")]);
        let found = diarize(&samples, &timed(&words), None);
        assert_eq!((found.voices, found.naming), (2, Naming::Unsure));
        assert!(found.words.iter().all(|word| word.speaker == Speaker::Unknown));
    }

    #[test]
    fn the_sdr_voice_sample_outranks_what_is_said() {
        // The high voice introduces the company, but the sample says the low voice is the SDR.
        let (samples, words) = conversation(&CALL);
        let mut swapped = words.clone();
        for word in &mut swapped {
            word.3 = 1 - word.3;
        }
        let (samples_swapped, _) = conversation(&CALL.map(|(voice, text)| (1 - voice, text)));
        let low_voice = voice(110.0, 0.8, 4.0);
        let profile = VoiceProfile::from_frames(FrameAnalyzer::default().frames(&low_voice)).unwrap();
        let found = diarize(&samples_swapped, &timed(&swapped), Some(&profile));
        assert_eq!(found.naming, Naming::SdrVoice);
        for ((text, .., voice), attribution) in swapped.iter().zip(&found.words) {
            let expected = if *voice == 0 { Speaker::Sdr } else { Speaker::Prospect };
            assert_eq!(attribution.speaker, expected, "{text}");
        }
        // The same sample on the unswapped call agrees with what was said.
        let unswapped = diarize(&samples, &timed(&words), Some(&profile));
        assert_eq!(unswapped.words[0].speaker, Speaker::Sdr);
    }

    #[test]
    fn a_word_timed_into_a_pause_takes_its_neighbours_voice() {
        let (samples, mut words) = conversation(&CALL);
        // The prospect's first word, timed early into the pause (as Whisper does at turns).
        let first_of_prospect = words.iter().position(|word| word.3 == 1).unwrap();
        let start = words[first_of_prospect].1;
        words[first_of_prospect].1 = start - 450;
        words[first_of_prospect].2 = start - 150;
        // The SDR's last word before it, timed late into the same pause.
        words[first_of_prospect - 1].1 = start - 480;
        words[first_of_prospect - 1].2 = start - 460;
        let found = diarize(&samples, &timed(&words), None);
        assert_eq!(found.words[first_of_prospect].speaker, Speaker::Prospect);
        assert_eq!(found.words[first_of_prospect - 1].speaker, Speaker::Sdr);
        assert!(found.words[first_of_prospect].confidence < found.words[first_of_prospect + 1].confidence);
    }

    #[test]
    fn silence_has_no_voices() {
        let words = [TimedWord { text: " Hello", start_ms: 100, end_ms: 400 }];
        let found = diarize(&vec![0; 16_000], &words, None);
        assert_eq!((found.voices, found.naming), (0, Naming::Unsure));
        assert_eq!(found.words, vec![Attribution { speaker: Speaker::Unknown, confidence: 0.0 }]);
        assert!(diarize(&[], &[], None).words.is_empty());
    }
}
