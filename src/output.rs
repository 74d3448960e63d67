//! Where outputs go and how they are written: whole or not at all, never touching the recording.

use anyhow::{Context, Result};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output paths of one recording: `<dir>/<file stem>.<suffix>`.
#[derive(Debug, Clone)]
pub struct OutputPaths {
    dir: PathBuf,
    stem: String,
}

impl OutputPaths {
    pub fn for_recording(recording: &Path, out_dir: Option<&Path>) -> Self {
        let dir =
            out_dir.map(Path::to_path_buf).or_else(|| recording.parent().map(Path::to_path_buf)).unwrap_or_default();
        let stem =
            recording.file_stem().map_or_else(|| "recording".to_string(), |stem| stem.to_string_lossy().into_owned());
        Self { dir, stem }
    }

    pub fn path(&self, suffix: &str) -> PathBuf {
        self.dir.join(format!("{}.{suffix}", self.stem))
    }
}

/// Writes through a temporary file in the same folder and renames it into place, so a reader
/// (or a crash) never sees half a file.
pub fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create output folder {}", dir.display()))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    temp.write_all(contents.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    temp.persist(path).with_context(|| format!("cannot move the finished file to {}", path.display()))?;
    Ok(())
}
