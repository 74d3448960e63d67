//! The call behind a handoff: its transcript, shown with the items highlighted, and its recording,
//! played from the page. Both are found from the handoff's own files.

use crate::pipeline::sha256_file;
use anyhow::{bail, Context, Result};
use handoff_document::Handoff;
use handoff_review::ReviewFiles;
use handoff_transcript::Transcript;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub struct Call {
    pub transcript: Transcript,
    /// The recording, or why the page cannot play it (the review works without it).
    pub recording: Result<PathBuf, String>,
}

pub fn locate(files: &ReviewFiles, draft: &Handoff) -> Result<Call> {
    // Named like the handoff; after a rename of the handoff, still named like the recording.
    let recording_stem =
        Path::new(&draft.source.file).file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default();
    let expected = files.sibling("transcript.json");
    let path = [expected.clone(), files.dir().join(format!("{recording_stem}.transcript.json"))]
        .into_iter()
        .find(|path| path.is_file())
        .with_context(|| {
            format!(
                "no transcript for {}: expected {}; run `handoff process` on the recording again",
                files.draft.display(),
                expected.display()
            )
        })?;
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read transcript {}", path.display()))?;
    let transcript: Transcript = serde_json::from_str(&text).with_context(|| {
        format!("{} is not a valid transcript; run `handoff process` on the recording again", path.display())
    })?;
    if transcript.source.sha256 != draft.source.sha256 {
        bail!(
            "{} is the transcript of another recording than {}; run `handoff process` on the recording again",
            path.display(),
            files.draft.display()
        );
    }
    let recording = find_recording(&path, &transcript, files, draft);
    Ok(Call { transcript, recording })
}

/// The recording, for the page's player. `handoff process` stored its path as it was given
/// (relative to where `process` ran, in older builds) or absolute (newer ones), and `review` may
/// run from anywhere, so these are tried in order:
/// 1. the stored path, when absolute;
/// 2. the stored path relative to the handoff's folder;
/// 3. the stored path relative to the current folder;
/// 4. the file name next to the handoff (or next to the transcript);
/// 5. the stored path relative to each folder above the handoff's, for the common
///    `handoff process calls/x.mp3 --out out` run from the parent of `out`.
///
/// Only a file with the processed content counts, so the page never plays another call.
fn find_recording(
    transcript_path: &Path,
    transcript: &Transcript,
    files: &ReviewFiles,
    draft: &Handoff,
) -> Result<PathBuf, String> {
    let recorded = PathBuf::from(&transcript.source.path);
    let file_name = recorded.file_name().map(PathBuf::from).unwrap_or_default();
    // Absolute, so that its parents are real folders even when the handoff was named as `x.json`.
    let dir = if files.dir().as_os_str().is_empty() { Path::new(".") } else { files.dir() };
    let handoff_dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let transcript_dir = transcript_path.parent().unwrap_or(Path::new(""));
    let mut candidates = Vec::new();
    if recorded.is_absolute() {
        candidates.push(recorded.clone());
    } else {
        candidates.extend([handoff_dir.join(&recorded), recorded.clone()]);
    }
    candidates.extend([
        handoff_dir.join(&file_name),
        handoff_dir.join(&draft.source.file),
        transcript_dir.join(&file_name),
    ]);
    if recorded.is_relative() {
        candidates.extend(handoff_dir.ancestors().skip(1).map(|folder| folder.join(&recorded)));
    }
    let mut tried = HashSet::new();
    let mut changed = None;
    for candidate in candidates.into_iter().filter(|path| path.is_file()) {
        // The same file reached two ways is hashed once.
        if !tried.insert(candidate.canonicalize().unwrap_or_else(|_| candidate.clone())) {
            continue;
        }
        match sha256_file(&candidate) {
            Ok(sha256) if sha256 == draft.source.sha256 => return Ok(candidate),
            _ => changed = Some(candidate),
        }
    }
    Err(match changed {
        Some(path) => format!(
            "{} is not the recording this handoff was made from (its content changed); playback is off",
            path.display()
        ),
        None => format!(
            "the recording {} was not found where `handoff process` read it, nor next to {}; \
             copy it next to the handoff to play it (playback is off)",
            recorded.display(),
            files.draft.display()
        ),
    })
}
