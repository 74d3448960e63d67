//! Whisper segments -> sentences. A segment holds one to three sentences and a sentence may run
//! on into the next segment; extraction reasons about sentences, each keeping the times it was
//! said so a quote can be played back: its words' own times where the transcript has them, else
//! those of the segments it came from.

use handoff_transcript::{Segment, Speaker, Word};
use std::borrow::Cow;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sentence {
    /// The words as transcribed, whitespace collapsed and curly apostrophes made straight.
    pub text: String,
    pub speaker: Speaker,
    /// When its first word starts; without word times, the start of the segment it starts in.
    pub start_ms: u64,
    /// When its last word ends; without word times, the end of the segment it ends in.
    pub end_ms: u64,
    /// Consecutive sentences of one speaker share a turn number.
    pub turn: usize,
    /// Where each timed word is in `text`, in order; empty without word times.
    pub words: Vec<TimedWord>,
}

/// A word's bytes in a sentence's text, and when it was said.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimedWord {
    pub bytes: Range<usize>,
    pub start_ms: u64,
    pub end_ms: u64,
}

impl Sentence {
    pub fn is_question(&self) -> bool {
        self.text.trim_end_matches(['"', '\'', ')']).ends_with('?')
    }

    /// Sets the times from the words, once the sentence is complete.
    fn settle_times(mut self) -> Sentence {
        if let Some((first, last)) = self.words.first().zip(self.words.last()) {
            self.start_ms = first.start_ms;
            self.end_ms = last.end_ms.max(first.start_ms);
        }
        self
    }
}

/// When `quote` was said, as (start, end) ms: the words of `sentences` (consecutive, read as
/// their texts joined by spaces, as multi-sentence quotes are built) that the quote covers. The
/// sentences' own span when the quote is not in them or they have no word times.
pub(crate) fn quote_times(sentences: &[Sentence], quote: &str) -> (u64, u64) {
    let whole = (sentences[0].start_ms, sentences[sentences.len() - 1].end_ms);
    let quote = quote.trim();
    let mut joined = String::new();
    let mut words = Vec::new();
    for sentence in sentences {
        if !joined.is_empty() {
            joined.push(' ');
        }
        let offset = joined.len();
        joined.push_str(&sentence.text);
        words.extend(sentence.words.iter().map(|word| (offset + word.bytes.start..offset + word.bytes.end, word)));
    }
    let Some(at) = joined.find(quote).filter(|_| !quote.is_empty()) else {
        return whole;
    };
    let covered = at..at + quote.len();
    let inside: Vec<&TimedWord> = words
        .iter()
        .filter(|(bytes, _)| bytes.start < covered.end && covered.start < bytes.end)
        .map(|(_, word)| *word)
        .collect();
    match (inside.first(), inside.last()) {
        (Some(first), Some(last)) => (first.start_ms, last.end_ms.max(first.start_ms)),
        _ => whole,
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
            sentences.extend(pending.take().map(Sentence::settle_times));
        }
        let words = align(&text, &segment.words);
        for (range, terminated) in pieces(&text) {
            let piece = &text[range.clone()];
            let open = pending.get_or_insert_with(|| Sentence {
                text: String::new(),
                speaker: segment.speaker,
                start_ms: segment.start_ms,
                end_ms: segment.end_ms,
                turn: 0,
                words: Vec::new(),
            });
            if !open.text.is_empty() {
                open.text.push(' ');
            }
            let offset = open.text.len();
            open.text.push_str(piece);
            open.end_ms = segment.end_ms;
            open.words.extend(
                words.iter().filter(|word| range.start <= word.bytes.start && word.bytes.end <= range.end).map(
                    |word| TimedWord {
                        bytes: word.bytes.start - range.start + offset..word.bytes.end - range.start + offset,
                        ..word.clone()
                    },
                ),
            );
            if terminated {
                sentences.extend(pending.take().map(Sentence::settle_times));
            }
        }
        if pending.as_ref().is_some_and(|open| open.text.len() > MAX_SENTENCE_BYTES) {
            sentences.extend(pending.take().map(Sentence::settle_times));
        }
    }
    sentences.extend(pending.map(Sentence::settle_times));
    number_turns(&mut sentences);
    sentences
}

/// How many words of the text a word may be found past the expected one: where a transcript was
/// edited by hand, a changed word is skipped and the words after it still find their place.
const ALIGN_LOOKAHEAD: usize = 3;

/// Where each of the segment's words is in its cleaned text. The text is the words run together,
/// so each word is normally the next whitespace-separated piece of it; a word that is not found
/// within [`ALIGN_LOOKAHEAD`] pieces is left without a place rather than matched further on.
fn align(text: &str, words: &[Word]) -> Vec<TimedWord> {
    // Captions and older transcripts have no word times: nothing to place, no pieces to cut.
    if words.is_empty() {
        return Vec::new();
    }
    let mut pieces = Vec::new();
    let mut offset = 0;
    for piece in text.split(' ') {
        if !piece.is_empty() {
            pieces.push(offset..offset + piece.len());
        }
        offset += piece.len() + 1;
    }
    let mut next = 0;
    let mut placed = Vec::with_capacity(words.len());
    for word in words {
        let cleaned = clean(&word.text);
        let window = next..pieces.len().min(next + ALIGN_LOOKAHEAD);
        if let Some(index) = window.into_iter().find(|&index| text[pieces[index].clone()] == *cleaned) {
            placed.push(TimedWord { bytes: pieces[index].clone(), start_ms: word.start_ms, end_ms: word.end_ms });
            next = index + 1;
        }
    }
    placed
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

/// The text cut after each sentence end, as byte ranges without surrounding spaces; the flag
/// says whether the piece ended a sentence (the last piece of a segment often does not: the
/// sentence continues in the next one).
fn pieces(text: &str) -> Vec<(Range<usize>, bool)> {
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
                out.extend(trimmed(text, start..end).map(|piece| (piece, true)));
                start = end;
            }
            index = end;
        } else {
            index += 1;
        }
    }
    out.extend(trimmed(text, start..text.len()).map(|piece| (piece, false)));
    out
}

/// `range` without the spaces at its ends; `None` when nothing else is left.
fn trimmed(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let piece = &text[range.clone()];
    let start = range.start + (piece.len() - piece.trim_start().len());
    let end = range.end - (piece.len() - piece.trim_end().len());
    (start < end).then_some(start..end)
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
        Segment { start_ms, end_ms, speaker, text: text.into(), words: Vec::new() }
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

    /// A segment whose words are said one after another, `step` ms each from `start_ms`.
    fn timed(start_ms: u64, step: u64, speaker: Speaker, text: &str) -> Segment {
        let words: Vec<Word> = text
            .split_whitespace()
            .enumerate()
            .map(|(i, word)| Word {
                text: word.to_string(),
                start_ms: start_ms + i as u64 * step,
                end_ms: start_ms + i as u64 * step + step - 50,
            })
            .collect();
        let end_ms = words.last().map_or(start_ms, |word| word.end_ms + 200);
        Segment { start_ms: start_ms.saturating_sub(300), end_ms, speaker, text: format!(" {text}"), words }
    }

    #[test]
    fn sentences_take_their_words_times_and_places() {
        let sentences = split(&[
            timed(1_000, 400, Speaker::Prospect, "We use Salesforce. Reporting is a nightmare and we"),
            timed(5_000, 400, Speaker::Prospect, "spend two days on it. Fine."),
        ]);
        let texts: Vec<_> = sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["We use Salesforce.", "Reporting is a nightmare and we spend two days on it.", "Fine."]);
        // Word times, not the segments' (which start 300 ms earlier and end 200 ms later).
        let times: Vec<_> = sentences.iter().map(|s| (s.start_ms, s.end_ms)).collect();
        assert_eq!(times, [(1_000, 2_150), (2_200, 6_950), (7_000, 7_350)]);
        // Each word knows its bytes in the sentence, across the segment boundary too.
        let second = &sentences[1];
        let placed: Vec<_> = second.words.iter().map(|w| &second.text[w.bytes.clone()]).collect();
        assert_eq!(placed, ["Reporting", "is", "a", "nightmare", "and", "we", "spend", "two", "days", "on", "it."]);
        assert_eq!((second.words[6].start_ms, second.words[6].end_ms), (5_000, 5_350));
    }

    #[test]
    fn a_quote_gets_the_times_of_its_own_words() {
        let sentences = split(&[timed(
            10_000,
            500,
            Speaker::Prospect,
            "So yes, honestly our reporting is a nightmare right now, you know.",
        )]);
        assert_eq!((sentences[0].start_ms, sentences[0].end_ms), (10_000, 15_950));
        // "our" is the 4th word (10 000 + 3 × 500), "nightmare" the 8th.
        assert_eq!(quote_times(&sentences, "our reporting is a nightmare"), (11_500, 13_950));
        // Part of a word still counts that word; a quote that is not there keeps the sentence.
        assert_eq!(quote_times(&sentences, "porting"), (12_000, 12_450));
        assert_eq!(quote_times(&sentences, "we love it"), (10_000, 15_950));
    }

    #[test]
    fn a_quote_across_sentences_runs_from_its_first_word_to_its_last() {
        let sentences = split(&[
            timed(0, 300, Speaker::Prospect, "It is pricey. We tried Gong last year."),
            timed(4_000, 300, Speaker::Prospect, "It did not stick."),
        ]);
        assert_eq!(sentences.len(), 3);
        let quote = "We tried Gong last year. It did not stick.";
        assert_eq!(quote_times(&sentences[1..], quote), (900, 5_150));
    }

    #[test]
    fn words_that_are_not_in_the_text_are_left_out_and_older_transcripts_keep_segment_times() {
        let mut edited = timed(0, 500, Speaker::Prospect, "We use Salesforce daily.");
        edited.text = " We use HubSpot daily.".into();
        let sentences = split(&[edited]);
        let placed: Vec<_> = sentences[0].words.iter().map(|w| &sentences[0].text[w.bytes.clone()]).collect();
        assert_eq!(placed, ["We", "use", "daily."]);
        assert_eq!(quote_times(&sentences, "HubSpot"), (sentences[0].start_ms, sentences[0].end_ms));
        let untimed = split(&[segment(2_000, 6_000, Speaker::Prospect, "We use Salesforce. It is fine.")]);
        assert!(untimed.iter().all(|s| s.words.is_empty() && (s.start_ms, s.end_ms) == (2_000, 6_000)));
        assert_eq!(quote_times(&untimed[1..], "fine"), (2_000, 6_000));
    }

    #[test]
    fn abbreviations_decimals_and_initials_do_not_split() {
        let sentences =
            split(&[segment(0, 1000, Speaker::Prospect, "Dr. Smith and J. Park said $1.2 million is fine. Next.")]);
        assert_eq!(sentences[0].text, "Dr. Smith and J. Park said $1.2 million is fine.");
        assert_eq!(sentences.len(), 2);
    }
}
