//! The truth about who spoke each transcribed word of a fixture call, shared by the real-audio
//! tests and the `word_accuracy` example.

use handoff_diarize::Speaker;
use serde_json::Value;
use std::path::Path;

/// One script turn.
pub struct Turn {
    pub speaker: Speaker,
    pub text: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// The script turns of `recording`, from the `<stem>.truth.json` beside it.
pub fn read_truth(recording: &Path) -> Result<Vec<Turn>, String> {
    let name = recording.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = name.split('.').next().unwrap_or(name);
    let path = recording.with_file_name(format!("{stem}.truth.json"));
    let truth: Value = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        .map_err(|error| format!("{}: {error}", path.display()))?;
    let turns = truth["script"].as_array().ok_or_else(|| format!("{}: no `script`", path.display()))?;
    turns
        .iter()
        .map(|turn| {
            let speaker = match turn["speaker"].as_str() {
                Some("SDR") => Speaker::Sdr,
                Some("PROSPECT") => Speaker::Prospect,
                other => return Err(format!("{}: a turn by {other:?}", path.display())),
            };
            Ok(Turn {
                speaker,
                text: turn["text"].as_str().unwrap_or("").to_string(),
                start_ms: turn["start_ms"].as_u64().unwrap_or(0),
                end_ms: turn["end_ms"].as_u64().unwrap_or(0),
            })
        })
        .collect()
}

/// Lowercase letters and digits only: "Q1," and "q1" are one word.
fn normalise(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The true speaker of each transcribed word: that of the script word it aligns to (Levenshtein
/// alignment), else of the turn nearest in time.
pub fn true_speakers(words: &[(String, u64, u64)], turns: &[Turn]) -> Vec<Speaker> {
    let script: Vec<(String, Speaker)> = turns
        .iter()
        .flat_map(|turn| turn.text.split_whitespace().map(move |word| (normalise(word), turn.speaker)))
        .collect();
    let heard: Vec<String> = words.iter().map(|(text, ..)| normalise(text)).collect();
    let (rows, columns) = (heard.len() + 1, script.len() + 1);
    let mut cost = vec![vec![0usize; columns]; rows];
    for (i, row) in cost.iter_mut().enumerate() {
        row[0] = i;
    }
    cost[0] = (0..columns).collect();
    for i in 1..rows {
        for j in 1..columns {
            let substitution = cost[i - 1][j - 1] + usize::from(heard[i - 1] != script[j - 1].0);
            cost[i][j] = substitution.min(cost[i - 1][j] + 1).min(cost[i][j - 1] + 1);
        }
    }
    let by_time = |(_, start, end): &(String, u64, u64)| {
        let middle = (start + end) / 2;
        let distance = |turn: &Turn| turn.start_ms.saturating_sub(middle).max(middle.saturating_sub(turn.end_ms));
        turns.iter().min_by_key(|turn| distance(turn)).map_or(Speaker::Unknown, |turn| turn.speaker)
    };
    let mut speakers: Vec<Speaker> = words.iter().map(by_time).collect();
    let (mut i, mut j) = (heard.len(), script.len());
    while i > 0 && j > 0 {
        let substitution = cost[i - 1][j - 1] + usize::from(heard[i - 1] != script[j - 1].0);
        if cost[i][j] == substitution {
            speakers[i - 1] = script[j - 1].1;
            (i, j) = (i - 1, j - 1);
        } else if cost[i][j] == cost[i - 1][j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    speakers
}
