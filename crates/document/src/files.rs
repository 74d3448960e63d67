//! How every file the program writes is written: whole or not at all, and with the one time
//! format it records (`2026-11-20T14:03:12Z`), so times in handoffs, review logs, the watch
//! journal and log lines sort and compare as text.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Writing an output failed: the output side (disk full, no permission, a file where the folder
/// should be), not the recording. The watcher retries these instead of failing the recording.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {cause}. Check that the folder is writable and the disk has space", path.display())]
pub struct OutputError {
    /// The file (or folder) that could not be written.
    pub path: PathBuf,
    /// Why writing failed.
    pub cause: std::io::Error,
}

impl OutputError {
    /// Whether `error` (anywhere in its chain of sources) is an output-side failure.
    pub fn is_cause_of(error: &(dyn std::error::Error + 'static)) -> bool {
        std::iter::successors(Some(error), |error| error.source()).any(|cause| cause.is::<OutputError>())
    }
}

/// Writes through a temporary file in the same folder and renames it into place, so a reader
/// (or a crash) never sees half a file. The file gets the process umask's usual mode (0644 under
/// umask 022), not a temporary file's 0600, so colleagues on a shared folder can read it.
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), OutputError> {
    let fail = |cause| OutputError { path: path.to_path_buf(), cause };
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(fail)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".handoff-");
    // open(2) applies the umask to this mode, as for any newly created file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temp = builder.tempfile_in(dir).map_err(fail)?;
    temp.write_all(contents.as_bytes()).and_then(|()| temp.as_file().sync_all()).map_err(fail)?;
    temp.persist(path).map_err(|error| fail(error.error))?;
    Ok(())
}

/// Now, as every file and log line records it.
pub fn now() -> String {
    rfc3339(SystemTime::now())
}

/// `at` as every file and log line records a time: RFC 3339 UTC to the second.
pub fn rfc3339(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn outputs_follow_the_umask_not_tempfile_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.handoff.md");
        write_atomically(&path, "x").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // What the umask allows (0644 under 022), not a temporary file's 0600.
        let umask = current_umask();
        assert_eq!(mode, 0o666 & !umask, "mode {mode:o} with umask {umask:o}");
    }

    /// The umask as /proc says it, without changing it (tests run in parallel).
    #[cfg(unix)]
    fn current_umask() -> u32 {
        let status = fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|line| line.starts_with("Umask:")).unwrap();
        u32::from_str_radix(line.trim_start_matches("Umask:").trim(), 8).unwrap()
    }
}
