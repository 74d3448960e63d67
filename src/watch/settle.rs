//! Telling a finished recording from one still being copied, exported or synced: nothing says
//! "done writing" portably, so a file counts as finished once its size and modification time
//! have not changed for a quiet period. (A file that still changes afterwards gets a new hash and
//! is processed again; one cut short fails to decode and gets an error note.)

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// What is compared to decide that a file stopped changing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    len: u64,
    modified: Option<SystemTime>,
}

impl Fingerprint {
    pub fn of(path: &Path) -> std::io::Result<Self> {
        let metadata = fs::metadata(path)?;
        Ok(Self { len: metadata.len(), modified: metadata.modified().ok() })
    }
}

/// An empty file is usually a copy that has not started writing yet, so it gets this many quiet
/// periods; one that stays empty that long is a failed recording and must get its error note.
const EMPTY_FILE_PATIENCE: u32 = 10;

struct Candidate {
    fingerprint: Fingerprint,
    unchanged_since: Instant,
}

/// Files waiting for their quiet period. Time is passed in, so tests need no sleeping clock.
pub struct Settler {
    quiet: Duration,
    candidates: HashMap<PathBuf, Candidate>,
}

impl Settler {
    pub fn new(quiet: Duration) -> Self {
        Self { quiet, candidates: HashMap::new() }
    }

    /// Starts waiting for `path`, or keeps waiting: an event alone does not restart the quiet
    /// period, only a change of size or time does, so repeated events cannot postpone a file
    /// forever.
    pub fn observe(&mut self, path: PathBuf, now: Instant) {
        let Ok(fingerprint) = Fingerprint::of(&path) else {
            self.candidates.remove(&path);
            return;
        };
        match self.candidates.get_mut(&path) {
            Some(candidate) if candidate.fingerprint == fingerprint => {}
            _ => {
                self.candidates.insert(path, Candidate { fingerprint, unchanged_since: now });
            }
        }
    }

    /// The files that stayed unchanged for the quiet period, sorted, with the fingerprint they
    /// settled at; they are no longer waited for. Vanished files are dropped; changed ones start
    /// their quiet period again. Empty files wait `EMPTY_FILE_PATIENCE` quiet periods: copy tools
    /// create the file before writing to it.
    pub fn settled(&mut self, now: Instant) -> Vec<(PathBuf, Fingerprint)> {
        let mut ready = Vec::new();
        self.candidates.retain(|path, candidate| match Fingerprint::of(path) {
            Err(_) => false,
            Ok(current) if current != candidate.fingerprint => {
                candidate.fingerprint = current;
                candidate.unchanged_since = now;
                true
            }
            Ok(current)
                if now.saturating_duration_since(candidate.unchanged_since) >= quiet_for(self.quiet, current) =>
            {
                ready.push((path.clone(), current));
                false
            }
            Ok(_) => true,
        });
        ready.sort_by(|a, b| a.0.cmp(&b.0));
        ready
    }
}

fn quiet_for(quiet: Duration, fingerprint: Fingerprint) -> Duration {
    if fingerprint.len == 0 {
        quiet * EMPTY_FILE_PATIENCE
    } else {
        quiet
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const QUIET: Duration = Duration::from_secs(3);

    fn paths(ready: Vec<(PathBuf, Fingerprint)>) -> Vec<PathBuf> {
        ready.into_iter().map(|(path, _)| path).collect()
    }

    #[test]
    fn a_file_settles_after_the_quiet_period_and_only_once() {
        let dir = tempfile::tempdir().unwrap();
        let call = dir.path().join("call.wav");
        fs::write(&call, b"RIFF").unwrap();
        let mut settler = Settler::new(QUIET);
        let start = Instant::now();
        settler.observe(call.clone(), start);
        assert!(settler.settled(start + Duration::from_secs(2)).is_empty());
        // More events for an unchanged file do not postpone it.
        settler.observe(call.clone(), start + Duration::from_secs(2));
        let ready = settler.settled(start + QUIET);
        assert_eq!(ready, [(call.clone(), Fingerprint::of(&call).unwrap())]);
        assert!(settler.settled(start + QUIET * 2).is_empty());
    }

    #[test]
    fn a_growing_file_waits_until_it_stops_growing() {
        let dir = tempfile::tempdir().unwrap();
        let call = dir.path().join("call.wav");
        let mut file = fs::File::create(&call).unwrap();
        file.write_all(b"RIFF").unwrap();
        let mut settler = Settler::new(QUIET);
        let start = Instant::now();
        settler.observe(call.clone(), start);
        file.write_all(b"more audio").unwrap();
        let grew_at = start + Duration::from_secs(2);
        assert!(settler.settled(grew_at).is_empty());
        assert!(settler.settled(start + QUIET).is_empty(), "the quiet period restarted when it grew");
        assert_eq!(paths(settler.settled(grew_at + QUIET)), [call]);
    }

    #[test]
    fn empty_files_wait_longer_and_vanished_ones_never_settle() {
        let dir = tempfile::tempdir().unwrap();
        let (empty, gone) = (dir.path().join("empty.wav"), dir.path().join("gone.wav"));
        fs::write(&empty, b"").unwrap();
        fs::write(&gone, b"audio").unwrap();
        let mut settler = Settler::new(QUIET);
        let start = Instant::now();
        settler.observe(empty.clone(), start);
        settler.observe(gone.clone(), start);
        settler.observe(dir.path().join("never existed.wav"), start);
        fs::remove_file(&gone).unwrap();
        assert!(settler.settled(start + QUIET).is_empty());
        // The empty file is still waited for: once written, it settles.
        fs::write(&empty, b"audio").unwrap();
        let written_at = start + QUIET * 2;
        assert!(settler.settled(written_at).is_empty());
        assert_eq!(paths(settler.settled(written_at + QUIET)), std::slice::from_ref(&empty));
        // One that stays empty settles after the longer wait, to be reported as a bad recording.
        fs::write(&empty, b"").unwrap();
        let emptied_at = written_at + QUIET * 2;
        settler.observe(empty.clone(), emptied_at);
        assert!(settler.settled(emptied_at + QUIET * (EMPTY_FILE_PATIENCE - 1)).is_empty());
        assert_eq!(paths(settler.settled(emptied_at + QUIET * EMPTY_FILE_PATIENCE)), [empty]);
    }
}
