//! Timed captions: WebVTT (Teams' `<v Name>` voice tags, Zoom's `Name: text` cues) and SRT.
//! Both are blocks separated by blank lines, each a cue timing and its text; they differ in
//! what else a block may be (WebVTT's header, `NOTE`, `STYLE` and `REGION` blocks and optional
//! cue identifiers; SRT's cue numbers).

use super::{cue_clock, excerpt, numbered_lines, parse_clock, split_speaker, word_count, ParseError, Problem, Turn};

/// Lines of one block: (1-based line number, text).
type Block<'a> = [(usize, &'a str)];

/// Reads WebVTT captions. Cue identifiers are optional; `NOTE`, `STYLE` and `REGION` blocks and
/// cue settings (`align:start`) are ignored. The speaker is the `<v Name>` voice of the text, else
/// a leading `Name:`; a cue naming nobody continues the speaker of the cue before it.
pub fn parse_webvtt(content: &str) -> Result<Vec<Turn>, ParseError> {
    let blocks = blocks(content);
    let header = blocks.first().and_then(|block| block.first());
    if !header.is_some_and(|(_, line)| is_webvtt_signature(line)) {
        return Err(ParseError::new(header.map_or(1, |(line, _)| *line), Problem::MissingWebVttHeader));
    }
    let mut turns = CueTurns::default();
    for block in &blocks[1..] {
        let first = block[0].1;
        if ["NOTE", "STYLE", "REGION"].iter().any(|keyword| starts_with_word(first, keyword)) {
            continue;
        }
        // An identifier line may stand before the timing.
        let timing_index = usize::from(!first.contains("-->"));
        turns.add_cue(block, timing_index)?;
    }
    Ok(turns.turns)
}

/// Reads SRT subtitles: a cue number (optional here), `00:00:01,000 --> 00:00:04,000` and the
/// text, with the speaker as a leading `Name:` (or a `<v Name>` tag). A cue naming nobody
/// continues the speaker of the cue before it.
pub fn parse_srt(content: &str) -> Result<Vec<Turn>, ParseError> {
    let mut turns = CueTurns::default();
    for block in blocks(content) {
        let numbered = block[0].1.trim().bytes().all(|byte| byte.is_ascii_digit());
        turns.add_cue(&block, usize::from(numbered))?;
    }
    Ok(turns.turns)
}

/// `WEBVTT` alone or followed by a space or tab and a title.
fn is_webvtt_signature(line: &str) -> bool {
    starts_with_word(line.trim_start_matches('\u{feff}'), "WEBVTT")
}

fn starts_with_word(line: &str, word: &str) -> bool {
    line.strip_prefix(word).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// The file's non-blank lines grouped into blocks at blank lines.
fn blocks(content: &str) -> Vec<Vec<(usize, &str)>> {
    let mut blocks = Vec::new();
    let mut open = Vec::new();
    for (number, line) in numbered_lines(content) {
        if !line.trim().is_empty() {
            open.push((number, line));
        } else if !open.is_empty() {
            blocks.push(std::mem::take(&mut open));
        }
    }
    if !open.is_empty() {
        blocks.push(open);
    }
    blocks
}

/// Turns collected cue by cue, checking that cues come in time order.
#[derive(Default)]
struct CueTurns {
    turns: Vec<Turn>,
    previous_start_ms: Option<u64>,
    /// The last named speaker: captions often name a speaker only on the first cue of a turn.
    current_speaker: Option<String>,
}

impl CueTurns {
    /// Adds the cue whose timing is line `timing_index` of `block`, the text following it.
    fn add_cue(&mut self, block: &Block, timing_index: usize) -> Result<(), ParseError> {
        let Some(&(line, timing)) = block.get(timing_index).filter(|(_, text)| text.contains("-->")) else {
            // A mistyped timing ("00:03.000 -> 00:04.000") is the line to point at, not the text
            // that was taken for the timing after it.
            if let Some((line, found)) = block.iter().find(|(_, text)| looks_like_time(text)) {
                return Err(ParseError::new(*line, Problem::BadTiming(excerpt(found))));
            }
            let (line, found) = block.get(timing_index).unwrap_or(&block[block.len() - 1]);
            return Err(ParseError::new(*line, Problem::ExpectedTiming(excerpt(found))));
        };
        let (start_ms, end_ms) =
            parse_timing(timing).ok_or_else(|| ParseError::new(line, Problem::BadTiming(excerpt(timing))))?;
        if end_ms < start_ms {
            let (start, end) = (cue_clock(start_ms), cue_clock(end_ms));
            return Err(ParseError::new(line, Problem::EndsBeforeStart { start, end }));
        }
        if let Some(previous) = self.previous_start_ms.filter(|&previous| start_ms < previous) {
            let (start, previous) = (cue_clock(start_ms), cue_clock(previous));
            return Err(ParseError::new(line, Problem::OutOfOrder { start, previous }));
        }
        self.previous_start_ms = Some(start_ms);

        let payload: Vec<&str> = block[timing_index + 1..].iter().map(|(_, text)| *text).collect();
        let mut voices = voices(&payload.join("\n"));
        if let [(None, text)] = voices.as_mut_slice() {
            if let Some((name, said)) = split_speaker(text) {
                voices = vec![(Some(name.to_string()), said.to_string())];
            }
        }
        // Several speakers in one cue share its time in proportion to their words.
        let words: u64 = voices.iter().map(|(_, text)| word_count(text)).sum::<u64>().max(1);
        let mut spoken_words = 0;
        for (name, text) in voices {
            if name.is_some() {
                self.current_speaker = name;
            }
            let share = |words_before: u64| start_ms + (end_ms - start_ms) * words_before / words;
            let voice_start_ms = share(spoken_words);
            spoken_words += word_count(&text);
            if !text.is_empty() {
                let end_ms = share(spoken_words);
                let name = self.current_speaker.clone();
                self.turns.push(Turn { start_ms: voice_start_ms, end_ms, name, text, line });
            }
        }
        Ok(())
    }
}

/// Whether a line starts like a time ("00:03"), for pointing at a broken timing.
fn looks_like_time(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with(|c: char| c.is_ascii_digit())
        && line.split_whitespace().next().is_some_and(|word| word.contains(':'))
}

/// `start --> end` followed by optional cue settings (WebVTT) or coordinates (SRT).
fn parse_timing(line: &str) -> Option<(u64, u64)> {
    let (start, rest) = line.split_once("-->")?;
    let end = rest.split_whitespace().next()?;
    Some((parse_clock(start.trim())?, parse_clock(end)?))
}

/// The cue text split at `<v Name>` voice spans, as (speaker, text) with other markup (`<i>`,
/// `<c.yellow>`, `<00:00:01.000>`, SRT's `{\an8}`) removed, entities decoded and whitespace
/// collapsed. Text outside any voice has no speaker.
fn voices(payload: &str) -> Vec<(Option<String>, String)> {
    let mut voices = Vec::new();
    let mut speaker: Option<String> = None;
    let mut said = String::new();
    let mut finish = |speaker: &Option<String>, said: &mut String| {
        let text = plain_text(said);
        if !text.is_empty() {
            voices.push((speaker.clone(), text));
        }
        said.clear();
    };
    let mut rest = payload;
    while let Some(open) = rest.find(['<', '{']) {
        said.push_str(&rest[..open]);
        let closing = if rest[open..].starts_with('<') { '>' } else { '}' };
        let Some(length) = rest[open..].find(closing) else {
            // A lone "<" or "{" is text.
            said.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + length];
        rest = &rest[open + length + 1..];
        if closing == '}' && !tag.starts_with('\\') {
            // Braces that are no styling override are part of what was said.
            said.push('{');
            said.push_str(tag);
            said.push('}');
        } else if let Some(name) = voice_name(tag) {
            finish(&speaker, &mut said);
            speaker = Some(name.to_string());
        } else if tag == "/v" {
            finish(&speaker, &mut said);
            speaker = None;
        }
    }
    said.push_str(rest);
    finish(&speaker, &mut said);
    voices
}

/// The name in a `v Name` or `v.class Name` tag.
fn voice_name(tag: &str) -> Option<&str> {
    let annotated = tag.strip_prefix('v').filter(|rest| rest.starts_with([' ', '\t', '.']))?;
    let (_, name) = annotated.split_once([' ', '\t'])?;
    Some(name.trim()).filter(|name| !name.is_empty())
}

/// Entities decoded and whitespace collapsed to single spaces.
fn plain_text(text: &str) -> String {
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lrm;", "")
        .replace("&rlm;", "")
        // Last, so "&amp;lt;" stays "&lt;".
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voice_spans_and_markup() {
        assert_eq!(
            voices("<v.loud Dana Ortiz>We <i>hate</i> it</v> <v Jordan>Got&nbsp;it &amp; noted"),
            [(Some("Dana Ortiz".into()), "We hate it".into()), (Some("Jordan".into()), "Got it & noted".into())]
        );
        assert_eq!(voices("{\\an8}Is it a <b>deal</b> {maybe}?"), [(None, "Is it a deal {maybe}?".into())]);
        assert_eq!(voices("3 < 4"), [(None, "3 < 4".into())]);
    }

    #[test]
    fn timings_take_settings_and_short_forms() {
        assert_eq!(parse_timing("00:01.000 --> 00:04.250 align:start position:0%"), Some((1000, 4250)));
        assert_eq!(parse_timing("01:00:01,000 --> 01:00:02,000"), Some((3_601_000, 3_602_000)));
        assert_eq!(parse_timing("00:01.000 -> 00:04.000"), None);
        assert_eq!(parse_timing("00:61.000 --> 00:62.000"), None);
    }
}
