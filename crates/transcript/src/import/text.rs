//! Plain-text transcripts: one `Name: text` turn a line, optionally after `[mm:ss]` or
//! `[hh:mm:ss]` (as dialers, notes apps and `handoff process`'s own `.transcript.txt` write them).

use super::{
    cue_clock, excerpt, numbered_lines, parse_clock, split_speaker, word_count, ParseError, Problem, Turn,
    SPOKEN_MS_PER_WORD,
};

/// A turn as written: its stated time, if the line had one.
struct WrittenTurn {
    stated_start_ms: Option<u64>,
    name: String,
    text: String,
    line: usize,
}

/// Reads one turn a line. Blank lines are skipped; a line that is no turn continues the turn
/// above it (and is an error before the first turn). A turn without a time starts where the one
/// before it ends, and lasts as long as its words take at 150 words a minute, so every turn has
/// a time and they stay in order.
pub fn parse_text(content: &str) -> Result<Vec<Turn>, ParseError> {
    let mut written: Vec<WrittenTurn> = Vec::new();
    for (line, text) in numbered_lines(content) {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if let Some((stated_start_ms, name, said)) = turn_line(text) {
            written.push(WrittenTurn { stated_start_ms, name: name.to_string(), text: said.to_string(), line });
            continue;
        }
        let Some(open) = written.last_mut() else {
            return Err(ParseError::new(line, Problem::NotATurn(excerpt(text))));
        };
        if !open.text.is_empty() {
            open.text.push(' ');
        }
        open.text.push_str(text);
    }
    written.retain(|turn| !turn.text.is_empty());
    timed(written)
}

/// `[01:02] Name: text`, `[1:02:03] Name: text` or `Name: text` as (time, name, text).
fn turn_line(line: &str) -> Option<(Option<u64>, &str, &str)> {
    let (stated_start_ms, rest) = match line.strip_prefix('[') {
        Some(bracketed) => {
            let (clock, rest) = bracketed.split_once(']')?;
            (Some(parse_clock(clock.trim())?), rest.trim_start())
        }
        None => (None, line),
    };
    let (name, said) = split_speaker(rest)?;
    Some((stated_start_ms, name, said))
}

/// Times for every turn: stated ones as written (each turn ending by the next stated start, at
/// most as long as its words take), the others synthesized from word counts.
fn timed(written: Vec<WrittenTurn>) -> Result<Vec<Turn>, ParseError> {
    let next_stated: Vec<Option<u64>> =
        (0..written.len()).map(|index| written.get(index + 1).and_then(|next| next.stated_start_ms)).collect();
    let mut turns: Vec<Turn> = Vec::with_capacity(written.len());
    let mut last_stated_ms: Option<u64> = None;
    for (turn, next_stated_ms) in written.into_iter().zip(next_stated) {
        let previous_end_ms = turns.last().map_or(0, |previous| previous.end_ms);
        let start_ms = match turn.stated_start_ms {
            Some(stated) => {
                if let Some(previous) = last_stated_ms.filter(|&previous| stated < previous) {
                    let (start, previous) = (cue_clock(stated), cue_clock(previous));
                    return Err(ParseError::new(turn.line, Problem::OutOfOrder { start, previous }));
                }
                last_stated_ms = Some(stated);
                // Untimed turns above may have been given more time than the file says they took.
                stated.max(turns.last().map_or(0, |previous| previous.start_ms))
            }
            None => previous_end_ms,
        };
        let spoken_end_ms = start_ms + word_count(&turn.text).max(1) * SPOKEN_MS_PER_WORD;
        let end_ms = match next_stated_ms {
            Some(next) if next > start_ms => spoken_end_ms.min(next),
            _ => spoken_end_ms,
        };
        turns.push(Turn { start_ms, end_ms, name: Some(turn.name), text: turn.text, line: turn.line });
    }
    Ok(turns)
}
