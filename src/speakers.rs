//! Who said what on a two-channel recording.
//!
//! Whisper segments often run across a turn ("Is there a deadline? We need this fixed before Q1"),
//! so each word is attributed to the channel that carried energy while it was spoken, and a
//! segment is split wherever the speaker changes.

use handoff_audio::ChannelActivity;
use handoff_transcribe::{RawSegment, Word};
use handoff_transcript::{Segment, Speaker};

/// Which channel of a recording carries the SDR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelLayout {
    /// SDR on the left channel, prospect on the right.
    SdrLeft,
    /// SDR on the right channel, prospect on the left.
    SdrRight,
    /// One mixed channel: speakers are UNKNOWN.
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

pub fn label_speakers(raw: Vec<RawSegment>, activity: &ChannelActivity, layout: ChannelLayout) -> Vec<Segment> {
    let channel_speaker = |channel: usize| match (layout, channel) {
        (ChannelLayout::SdrLeft, 0) | (ChannelLayout::SdrRight, 1) => Speaker::Sdr,
        (ChannelLayout::SdrLeft, 1) | (ChannelLayout::SdrRight, 0) => Speaker::Prospect,
        _ => Speaker::Unknown,
    };
    let speaker_between = |start_ms, end_ms| activity.dominant_channel(start_ms, end_ms).map(channel_speaker);
    raw.into_iter()
        .flat_map(|segment| {
            if layout == ChannelLayout::Mixed {
                return vec![Segment {
                    start_ms: segment.start_ms,
                    end_ms: segment.end_ms,
                    speaker: Speaker::Unknown,
                    text: segment.text,
                }];
            }
            split_at_speaker_changes(segment, &speaker_between)
        })
        .collect()
}

fn split_at_speaker_changes(
    segment: RawSegment,
    speaker_between: &dyn Fn(u64, u64) -> Option<Speaker>,
) -> Vec<Segment> {
    let whole = speaker_between(segment.start_ms, segment.end_ms);
    if segment.words.is_empty() {
        return vec![Segment {
            start_ms: segment.start_ms,
            end_ms: segment.end_ms,
            speaker: whole.unwrap_or(Speaker::Unknown),
            text: segment.text,
        }];
    }
    let mut speakers: Vec<Option<Speaker>> =
        segment.words.iter().map(|word| speaker_between(word.start_ms, word.end_ms.max(word.start_ms + 10))).collect();
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

    fn word(text: &str, start_ms: u64, end_ms: u64) -> Word {
        Word { text: text.to_string(), start_ms, end_ms }
    }

    fn by_time(start_ms: u64, _end_ms: u64) -> Option<Speaker> {
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
        let pieces = split_at_speaker_changes(segment, &by_time);
        let summary: Vec<_> = pieces.iter().map(|s| (s.speaker, s.text.as_str(), s.start_ms, s.end_ms)).collect();
        assert_eq!(
            summary,
            [(Speaker::Sdr, "Is there a deadline? We", 0, 2_300), (Speaker::Prospect, "need it by Q1.", 2_500, 4_000),]
        );
    }

    #[test]
    fn one_jittered_word_does_not_make_a_turn() {
        let flips = |start_ms: u64, _| Some(if start_ms == 500 { Speaker::Sdr } else { Speaker::Prospect });
        let segment = RawSegment {
            start_ms: 0,
            end_ms: 1_500,
            text: "We use Salesforce".into(),
            words: vec![word(" We", 0, 400), word(" use", 500, 900), word(" Salesforce", 1_000, 1_500)],
        };
        let pieces = split_at_speaker_changes(segment, &flips);
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].speaker, Speaker::Prospect);
    }

    #[test]
    fn mixed_recordings_are_all_unknown_and_unsplit() {
        let segment = RawSegment { start_ms: 0, end_ms: 10, text: "Hi.".into(), words: vec![word(" Hi.", 0, 10)] };
        let labeled = label_speakers(vec![segment], &ChannelActivity::new(1, 8_000), ChannelLayout::Mixed);
        assert_eq!(labeled[0].speaker, Speaker::Unknown);
        assert_eq!(labeled[0].text, "Hi.");
    }
}
