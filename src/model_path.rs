//! Where the Whisper model comes from, in the order a user would expect.

use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

pub const MODEL_ENV: &str = "HANDOFF_MODEL";
const CANDIDATES: [&str; 2] = ["models/ggml-tiny.en.bin", "../shared/models/ggml-tiny.en.bin"];

/// `--model`, else `$HANDOFF_MODEL`, else the first existing default location.
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        if path.is_file() {
            return Ok(path.to_path_buf());
        }
        bail!("--model {}: no such file", path.display());
    }
    if let Some(path) = std::env::var_os(MODEL_ENV).map(PathBuf::from) {
        if path.is_file() {
            return Ok(path);
        }
        bail!("{MODEL_ENV}={}: no such file", path.display());
    }
    if let Some(found) = CANDIDATES.iter().map(PathBuf::from).find(|path| path.is_file()) {
        return Ok(found);
    }
    bail!(
        "no Whisper model found. Looked at --model, ${MODEL_ENV}, {} and {} (relative to {}).\n\
         Download ggml-tiny.en.bin (whisper.cpp format) into models/ or pass --model PATH.",
        CANDIDATES[0],
        CANDIDATES[1],
        std::env::current_dir().map_or_else(|_| ".".into(), |dir| dir.display().to_string())
    )
}
