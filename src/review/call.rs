//! The call behind a handoff: its transcript, shown with the items highlighted, and its recording,
//! played from the page. Both are found from the handoff's own files.

use super::ReviewFiles;
use crate::pipeline::sha256_file;
use anyhow::{bail, Context, Result};
use handoff_document::Handoff;
use handoff_transcript::Transcript;
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
    let path = [expected.clone(), files.dir.join(format!("{recording_stem}.transcript.json"))]
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

/// Where the transcript says the recording was (relative paths are as `handoff process` was
/// given them), else next to the transcript or the handoff; only a file with the processed
/// content counts, so the page never plays another call.
fn find_recording(
    transcript_path: &Path,
    transcript: &Transcript,
    files: &ReviewFiles,
    draft: &Handoff,
) -> Result<PathBuf, String> {
    let recorded = PathBuf::from(&transcript.source.path);
    let file_name = recorded.file_name().map(PathBuf::from).unwrap_or_default();
    let transcript_dir = transcript_path.parent().unwrap_or(Path::new(""));
    let candidates = [recorded.clone(), transcript_dir.join(&file_name), files.dir.join(&draft.source.file)];
    let mut changed = None;
    for candidate in candidates.iter().filter(|path| path.is_file()) {
        match sha256_file(candidate) {
            Ok(sha256) if sha256 == draft.source.sha256 => return Ok(candidate.clone()),
            _ => changed = Some(candidate),
        }
    }
    Err(match changed {
        Some(path) => format!(
            "{} is not the recording this handoff was made from (its content changed); playback is off",
            path.display()
        ),
        None => {
            format!("the recording {} was not found (nor next to the transcript); playback is off", recorded.display())
        }
    })
}
