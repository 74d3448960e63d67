//! Whisper segments -> sentences. A segment holds one to three sentences and a sentence may run
//! on into the next segment; extraction reasons about sentences, each keeping the times of the
//! segments it came from so a quote can be played back.

use handoff_transcript::{Segment, Speaker};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sentence {
    /// The words as transcribed, whitespace collapsed and curly apostrophes made straight.
    pub text: String,
    pub speaker: Speaker,
    /// Start of the segment the sentence starts in.
    pub start_ms: u64,
    /// End of the segment the sentence ends in.
    pub end_ms: u64,
    /// Consecutive sentences of one speaker share a turn number.
    pub turn: usize,
}

impl Sentence {
    pub fn is_question(&self) -> bool {
        self.text.trim_end_matches(['"', '\'', ')']).ends_with('?')
    }
}

/// A run-on speaker without punctuation still gets cut at a segment boundary past this length,
/// so one "sentence" never swallows minutes of speech.
const MAX_SENTENCE_BYTES: usize = 600;

/// Words that end with a period without ending the sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "vs", "etc", "e.g", "i.e", "inc", "co", "corp", "ltd", "jr", "sr", "st", "approx", "dept",
    "u.s", "a.m", "p.m", "no", "fig", "est", "mt", "ft",
];

pub(crate) fn split(segments: &[Segment]) -> Vec<Sentence> {
    let mut sentences: Vec<Sentence> = Vec::new();
    let mut pending: Option<Sentence> = None;
    for segment in segments {
        let text = clean(&segment.text);
        if text.is_empty() {
            continue;
        }
        if pending.as_ref().is_some_and(|open| open.speaker != segment.speaker) {
            sentences.extend(pending.take());
        }
        for (piece, terminated) in pieces(&text) {
            match pending.as_mut() {
                Some(open) => {
                    open.text.push(' ');
                    open.text.push_str(piece);
                    open.end_ms = segment.end_ms;
                }
                None => {
                    pending = Some(Sentence {
                        text: piece.to_string(),
                        speaker: segment.speaker,
                        start_ms: segment.start_ms,
                        end_ms: segment.end_ms,
                        turn: 0,
                    })
                }
            }
            if terminated {
                sentences.extend(pending.take());
            }
        }
        if pending.as_ref().is_some_and(|open| open.text.len() > MAX_SENTENCE_BYTES) {
            sentences.extend(pending.take());
        }
    }
    sentences.extend(pending);
    number_turns(&mut sentences);
    sentences
}

fn number_turns(sentences: &mut [Sentence]) {
    let mut turn = 0;
    for index in 0..sentences.len() {
        if index > 0 && sentences[index].speaker != sentences[index - 1].speaker {
            turn += 1;
        }
        sentences[index].turn = turn;
    }
}

/// Whitespace collapsed to single spaces, typographic apostrophes and quotes made ASCII so
/// rule phrases written with `'` match.
fn clean(text: &str) -> Cow<'_, str> {
    let trimmed = text.trim();
    let needs_work =
        trimmed.contains("  ") || trimmed.contains(['\t', '\n', '\r', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}']);
    if !needs_work {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    for word in trimmed.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            other => other,
        }));
    }
    Cow::Owned(out)
}

/// The text cut after each sentence end; the flag says whether the piece ended a sentence
/// (the last piece of a segment often does not: the sentence continues in the next one).
fn pieces(text: &str) -> Vec<(&str, bool)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index < bytes.len() {
        if matches!(bytes[index], b'.' | b'?' | b'!') {
            let mut end = index + 1;
            while end < bytes.len() && matches!(bytes[end], b'.' | b'?' | b'!' | b'"' | b'\'' | b')') {
                end += 1;
            }
            let at_end = end == bytes.len();
            let before_space = !at_end && bytes[end] == b' ';
            if at_end || (before_space && ends_sentence(text, start, index, end)) {
                let piece = text[start..end].trim();
                if !piece.is_empty() {
                    out.push((piece, true));
                }
                start = end;
            }
            index = end;
        } else {
            index += 1;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push((rest, false));
    }
    out
}

/// Whether the terminator at `mark` (followed by a space at `after`) really ends a sentence:
/// not after an abbreviation or an initial, and not before a lowercase word.
fn ends_sentence(text: &str, start: usize, mark: usize, after: usize) -> bool {
    let next = text[after..].trim_start().chars().next();
    if next.is_some_and(|c| c.is_lowercase()) {
        return false;
    }
    if text.as_bytes()[mark] != b'.' {
        return true;
    }
    let word = text[start..mark].rsplit(' ').next().unwrap_or("");
    let lower = word.to_ascii_lowercase();
    let is_initial = word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase()) && word != "I";
    !(is_initial || ABBREVIATIONS.contains(&lower.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(start_ms: u64, end_ms: u64, speaker: Speaker, text: &str) -> Segment {
        Segment { start_ms, end_ms, speaker, text: text.into() }
    }

    #[test]
    fn splits_sentences_and_keeps_segment_times() {
        let sentences = split(&[segment(0, 4000, Speaker::Prospect, " We use Salesforce.  It's fine? Yes!")]);
        let texts: Vec<_> = sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["We use Salesforce.", "It's fine?", "Yes!"]);
        assert!(sentences.iter().all(|s| s.start_ms == 0 && s.end_ms == 4000));
    }

    #[test]
    fn joins_a_sentence_that_continues_into_the_next_segment() {
        let sentences = split(&[
            segment(0, 3000, Speaker::Prospect, "We spend two days every month"),
            segment(3000, 5000, Speaker::Prospect, "exporting data. Then we cry."),
        ]);
        assert_eq!(sentences[0].text, "We spend two days every month exporting data.");
        assert_eq!((sentences[0].start_ms, sentences[0].end_ms), (0, 5000));
        assert_eq!(sentences[1].text, "Then we cry.");
    }

    #[test]
    fn speaker_change_ends_a_sentence_and_a_turn() {
        let sentences = split(&[
            segment(0, 1000, Speaker::Sdr, "So you use"),
            segment(1000, 2000, Speaker::Prospect, "Excel, yes."),
        ]);
        assert_eq!(sentences.len(), 2);
        assert_eq!((sentences[0].turn, sentences[1].turn), (0, 1));
    }

    #[test]
    fn abbreviations_decimals_and_initials_do_not_split() {
        let sentences =
            split(&[segment(0, 1000, Speaker::Prospect, "Dr. Smith and J. Park said $1.2 million is fine. Next.")]);
        assert_eq!(sentences[0].text, "Dr. Smith and J. Park said $1.2 million is fine.");
        assert_eq!(sentences.len(), 2);
    }
}
