//! Who said what.
//!
//! Whisper segments often run across a turn ("Is there a deadline? We need this fixed before Q1"),
//! so each word gets its own speaker and a segment is split wherever the speaker changes. On a
//! two-channel recording a word's speaker is the channel that carried energy while it was
//! spoken; on a mixed (mono) one, the voice that spoke it (`handoff_diarize`).

use handoff_audio::DecodedAudio;
use handoff_diarize::{diarize, TimedWord, VoiceProfile};
use handoff_transcribe::{RawSegment, Word};
use handoff_transcript::{Segment, Speaker};

/// Which channel of a recording carries the SDR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelLayout {
    /// SDR on the left channel, prospect on the right.
    SdrLeft,
    /// SDR on the right channel, prospect on the left.
    SdrRight,
    /// One mixed channel: speakers are told apart by voice.
    Mixed,
}

impl ChannelLayout {
    /// The name the transcript records and `--channels` takes.
    pub fn name(self) -> &'static str {
        match self {
            ChannelLayout::SdrLeft => "sdr-left",
            ChannelLayout::SdrRight => "sdr-right",
            ChannelLayout::Mixed => "mixed",
        }
    }
}

/// The words as the transcript keeps them: Whisper's leading space dropped.
fn timed_words<'a>(words: impl IntoIterator<Item = &'a Word>) -> Vec<handoff_transcript::Word> {
    words
        .into_iter()
        .map(|word| handoff_transcript::Word {
            text: word.text.trim().to_string(),
            start_ms: word.start_ms,
            end_ms: word.end_ms,
        })
        .filter(|word| !word.text.is_empty())
        .collect()
}

pub fn label_speakers(
    raw: Vec<RawSegment>,
    audio: &DecodedAudio,
    layout: ChannelLayout,
    sdr_voice: Option<&VoiceProfile>,
) -> Vec<Segment> {
    let channel_speaker = |channel: usize| match (layout, channel) {
        (ChannelLayout::SdrLeft, 0) | (ChannelLayout::SdrRight, 1) => Speaker::Sdr,
        (ChannelLayout::SdrLeft, 1) | (ChannelLayout::SdrRight, 0) => Speaker::Prospect,
        _ => Speaker::Unknown,
    };
    let speaker_between = |start_ms, end_ms| audio.activity.dominant_channel(start_ms, end_ms).map(channel_speaker);
    let mut voices = match layout {
        ChannelLayout::Mixed => voice_speakers(&raw, &audio.samples, sdr_voice).into_iter(),
        _ => Vec::new().into_iter(),
    };
    raw.into_iter()
        .flat_map(|segment| {
            let (whole, speakers) = match layout {
                ChannelLayout::Mixed => (None, voices.by_ref().take(segment.words.len()).map(Some).collect()),
                _ => (
                    speaker_between(segment.start_ms, segment.end_ms),
                    segment
                        .words
                        .iter()
                        .map(|word| speaker_between(word.start_ms, word.end_ms.max(word.start_ms + 10)))
                        .collect(),
                ),
            };
            split_at_speaker_changes(segment, speakers, whole)
        })
        .collect()
}

/// The speaker of every word of the recording, in order, told apart by voice.
fn voice_speakers(raw: &[RawSegment], samples: &[i16], sdr_voice: Option<&VoiceProfile>) -> Vec<Speaker> {
    let words: Vec<TimedWord<'_>> = raw
        .iter()
        .flat_map(|segment| &segment.words)
        .map(|word| TimedWord { text: &word.text, start_ms: word.start_ms, end_ms: word.end_ms })
        .collect();
    diarize(samples, &words, sdr_voice).words.into_iter().map(|word| word.speaker).collect()
}

/// Splits `segment` where the speaker changes; `speakers` has one entry per word (`None`: not
/// known), `whole` is the speaker of the segment as a whole.
fn split_at_speaker_changes(
    segment: RawSegment,
    mut speakers: Vec<Option<Speaker>>,
    whole: Option<Speaker>,
) -> Vec<Segment> {
    if segment.words.is_empty() {
        return vec![Segment {
            start_ms: segment.start_ms,
            end_ms: segment.end_ms,
            speaker: whole.unwrap_or(Speaker::Unknown),
            text: segment.text,
            words: Vec::new(),
        }];
    }
    fill_gaps(&mut speakers, whole);
    // A single word flipping between two words of the same speaker is timing jitter, not a turn.
    for index in 1..speakers.len().saturating_sub(1) {
        if speakers[index - 1] == speakers[index + 1] {
            speakers[index] = speakers[index - 1];
        }
    }

    let mut pieces: Vec<(Speaker, Vec<&Word>)> = Vec::new();
    for (word, speaker) in segment.words.iter().zip(speakers) {
        let speaker = speaker.unwrap_or(Speaker::Unknown);
        match pieces.last_mut() {
            Some((current, words)) if *current == speaker => words.push(word),
            _ => pieces.push((speaker, vec![word])),
        }
    }
    let last = pieces.len() - 1;
    pieces
        .into_iter()
        .enumerate()
        .map(|(index, (speaker, words))| Segment {
            // The outer edges keep the segment's own times, which Whisper sets more reliably.
            start_ms: if index == 0 { segment.start_ms } else { words[0].start_ms },
            end_ms: if index == last { segment.end_ms } else { words[words.len() - 1].end_ms },
            speaker,
            text: words.iter().map(|word| word.text.as_str()).collect::<String>().trim().to_string(),
            words: timed_words(words.iter().copied()),
        })
        .collect()
}

/// Words spoken too briefly to measure take the speaker of the words around them.
fn fill_gaps(speakers: &mut [Option<Speaker>], fallback: Option<Speaker>) {
    let mut previous = None;
    for speaker in speakers.iter_mut() {
        if speaker.is_none() {
            *speaker = previous;
        }
        previous = *speaker;
    }
    let mut next = fallback;
    for speaker in speakers.iter_mut().rev() {
        if speaker.is_none() {
            *speaker = next;
        }
        next = *speaker;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_audio::ChannelActivity;

    fn word(text: &str, start_ms: u64, end_ms: u64) -> Word {
        Word { text: text.to_string(), start_ms, end_ms }
    }

    fn by_time(start_ms: u64) -> Option<Speaker> {
        match start_ms {
            0..2_000 => Some(Speaker::Sdr),
            2_000..2_400 => None,
            _ => Some(Speaker::Prospect),
        }
    }

    #[test]
    fn a_segment_across_a_turn_is_split_where_the_speaker_changes() {
        let segment = RawSegment {
            start_ms: 0,
            end_ms: 4_000,
            text: "Is there a deadline? We need it by Q1.".into(),
            words: vec![
                word(" Is", 0, 300),
                word(" there", 300, 600),
                word(" a", 600, 700),
                word(" deadline?", 700, 1_500),
                word(" We", 2_100, 2_300),
                word(" need", 2_500, 2_800),
                word(" it", 2_800, 2_900),
                word(" by", 2_900, 3_100),
                word(" Q1.", 3_100, 3_900),
            ],
        };
        let speakers = segment.words.iter().map(|word| by_time(word.start_ms)).collect();
        let pieces = split_at_speaker_changes(segment, speakers, Some(Speaker::Sdr));
        let summary: Vec<_> = pieces.iter().map(|s| (s.speaker, s.text.as_str(), s.start_ms, s.end_ms)).collect();
        assert_eq!(
            summary,
            [(Speaker::Sdr, "Is there a deadline? We", 0, 2_300), (Speaker::Prospect, "need it by Q1.", 2_500, 4_000),]
        );
        // Each piece keeps its own words and their times, without Whisper's leading spaces.
        let texts: Vec<_> = pieces[1].words.iter().map(|w| (w.text.as_str(), w.start_ms, w.end_ms)).collect();
        assert_eq!(texts, [("need", 2_500, 2_800), ("it", 2_800, 2_900), ("by", 2_900, 3_100), ("Q1.", 3_100, 3_900)]);
        assert_eq!(pieces[0].words.len(), 5);
    }

    #[test]
    fn one_jittered_word_does_not_make_a_turn() {
        let segment = RawSegment {
            start_ms: 0,
            end_ms: 1_500,
            text: "We use Salesforce".into(),
            words: vec![word(" We", 0, 400), word(" use", 500, 900), word(" Salesforce", 1_000, 1_500)],
        };
        let flips = vec![Some(Speaker::Prospect), Some(Speaker::Sdr), Some(Speaker::Prospect)];
        let pieces = split_at_speaker_changes(segment, flips, None);
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].speaker, Speaker::Prospect);
    }

    #[test]
    fn mixed_recordings_without_voices_to_tell_apart_stay_unknown_and_unsplit() {
        let segment = RawSegment {
            start_ms: 0,
            end_ms: 1_000,
            text: "Hi there.".into(),
            words: vec![word(" Hi", 0, 400), word(" there.", 400, 1_000)],
        };
        let audio = DecodedAudio {
            samples: vec![0; 16_000],
            source: handoff_audio::SourceFormat {
                sample_rate_hz: 16_000,
                channels: 1,
                codec: "pcm".into(),
                duration_ms: 1_000,
                truncated: false,
            },
            activity: ChannelActivity::new(1, 16_000),
        };
        let labeled = label_speakers(vec![segment], &audio, ChannelLayout::Mixed, None);
        assert_eq!(labeled.len(), 1);
        assert_eq!(labeled[0].speaker, Speaker::Unknown);
        assert_eq!(labeled[0].text, "Hi there.");
    }
}
