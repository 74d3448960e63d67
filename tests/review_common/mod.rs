//! What the review tests share: one real call processed by `handoff process` with the real model,
//! and fresh copies of its outputs for each test to review.
#![allow(dead_code)] // each test binary uses its own subset

use crate::common::{fixture, process, stderr};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const CALL: &str = "stereo_discovery";

/// `handoff process` on the stereo discovery call, run once per test binary into `target/tmp`.
pub fn processed() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let binary = std::env::current_exe().unwrap();
        let name = binary.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-call"));
        let _ = std::fs::remove_dir_all(&dir);
        let recording = fixture(&format!("calls/{CALL}.mp3"));
        let output = process(&[&recording], &dir, &["--quiet"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            dir.join(format!("{CALL}.handoff.json")).is_file(),
            "`handoff process` wrote no handoff into {}",
            dir.display()
        );
        dir
    })
}

/// A copy of the processed call's handoff and transcript in `dir` (under `stem`), ready to review.
pub fn call_in(dir: &Path, stem: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for suffix in ["handoff.json", "transcript.json"] {
        std::fs::copy(processed().join(format!("{CALL}.{suffix}")), dir.join(format!("{stem}.{suffix}"))).unwrap();
    }
    dir.join(format!("{stem}.handoff.json"))
}

/// `<dir>/<name>.<suffix>` next to a handoff named `<name>.handoff.json`.
pub fn beside(handoff: &Path, suffix: &str) -> PathBuf {
    let name = handoff.file_name().unwrap().to_str().unwrap();
    handoff.with_file_name(name.replace("handoff.json", suffix))
}

/// Every item of a handoff document, whatever its list.
pub fn items(handoff: &Value) -> Vec<Value> {
    const LISTS: [&str; 10] = [
        "pain_points",
        "stakeholders",
        "systems",
        "regulations",
        "timeline",
        "budget",
        "objections",
        "competitors",
        "previous_attempts",
        "next_steps",
    ];
    LISTS.iter().flat_map(|list| handoff[list].as_array().cloned().unwrap_or_default()).collect()
}

pub fn item(handoff: &Value, id: &str) -> Option<Value> {
    items(handoff).into_iter().find(|item| item["id"] == id)
}
