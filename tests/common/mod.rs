//! Helpers shared by the integration tests: the real binary, the real model, real fixtures.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(relative: &str) -> PathBuf {
    repo().join("fixtures").join(relative)
}

/// The model the README points to: `../shared/models` next to the checkout, or $HANDOFF_MODEL.
pub fn model() -> PathBuf {
    let path = std::env::var_os("HANDOFF_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/models/ggml-tiny.en.bin"));
    assert!(path.is_file(), "the Whisper model is missing at {} (see README: Model)", path.display());
    path
}

pub fn handoff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handoff"))
        .args(args)
        .env_remove("HANDOFF_MODEL")
        // A team database in the developer's environment must not receive the tests' recordings.
        .env_remove("HANDOFF_DATABASE_URL")
        .output()
        .expect("the handoff binary runs")
}

/// `handoff process` with the real model, outputs into `out`.
pub fn process(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let model = model();
    let mut args: Vec<&str> = vec!["process", "--model", model.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend(extra);
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    handoff(&args)
}

pub fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
