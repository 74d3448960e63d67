//! The vocabulary prompt for Whisper: a short list of names, kept as data a team can edit.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::Path;

const BUILT_IN: &str = include_str!("../rules/transcription/prompt.toml");
const OVERRIDE: &str = "transcription/prompt.toml";
/// Longer prompts cost tiny.en whole windows of speech (measured: WER 7.8% → 29.9% with ~50 names).
const MAX_TERMS: usize = 12;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PromptFile {
    terms: Vec<String>,
}

/// The prompt text from `<rules>/transcription/prompt.toml` when present, else the built-in one.
pub fn vocabulary_prompt(rules_dir: Option<&Path>) -> Result<Option<String>> {
    let custom = rules_dir.map(|dir| dir.join(OVERRIDE)).filter(|path| path.is_file());
    let (origin, text) = match &custom {
        Some(path) => (
            path.display().to_string(),
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?,
        ),
        None => (format!("rules/{OVERRIDE} (built in)"), BUILT_IN.to_string()),
    };
    let file: PromptFile = toml::from_str(&text).with_context(|| format!("{origin}: not a valid prompt file"))?;
    if file.terms.len() > MAX_TERMS {
        bail!("{origin}: {} terms; keep at most {MAX_TERMS} (long prompts make Whisper skip speech)", file.terms.len());
    }
    if let Some(position) = file.terms.iter().position(|term| term.trim().is_empty()) {
        bail!("{origin}: term #{} is empty; remove it", position + 1);
    }
    Ok((!file.terms.is_empty()).then(|| format!("{}.", file.terms.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_prompt_is_off_because_it_measured_worse() {
        assert_eq!(vocabulary_prompt(None).unwrap(), None);
    }

    #[test]
    fn a_team_file_replaces_it_and_bad_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("transcription")).unwrap();
        let file = dir.path().join(OVERRIDE);
        std::fs::write(&file, "terms = [\"Gong\", \"Clari\"]").unwrap();
        assert_eq!(vocabulary_prompt(Some(dir.path())).unwrap().as_deref(), Some("Gong, Clari."));
        std::fs::write(&file, "terms = []").unwrap();
        assert_eq!(vocabulary_prompt(Some(dir.path())).unwrap(), None);
        std::fs::write(&file, format!("terms = [{}]", vec!["\"x\""; 13].join(","))).unwrap();
        let error = vocabulary_prompt(Some(dir.path())).unwrap_err().to_string();
        assert!(error.contains("prompt.toml: 13 terms"), "{error}");
        std::fs::write(&file, "words = []").unwrap();
        let error = format!("{:#}", vocabulary_prompt(Some(dir.path())).unwrap_err());
        assert!(error.contains("not a valid prompt file") && error.contains("words"), "{error}");
    }
}
