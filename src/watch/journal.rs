//! The watcher's durable memory: which recordings (by content hash) are queued, running, done or
//! failed, so that each one is processed exactly once, across restarts and crashes.
//!
//! It is an append-only JSON-lines file, one transition per line, each line fsync'd before the
//! watcher acts on it; the last line of a hash is its state. A crash can tear at most the last
//! line, which replay skips. Opening rewrites the file with one line per finished recording, so
//! it grows with the number of recordings, not with their transitions. No database needed.

use anyhow::{bail, Context, Result};
use handoff_document::{now, write_atomically};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const JOURNAL_FILE: &str = "journal.jsonl";
/// The last compacted journal, copied at every open: finished recordings are never dropped from
/// a journal, so one that reads as empty while this does not was damaged, and is restored.
const BACKUP_FILE: &str = "journal.backup.jsonl";
/// Held locked by the running watcher; holds its pid, for `handoff status`.
const LOCK_FILE: &str = "watcher.lock";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Queued,
    Running,
    /// The outputs could not be written (disk full, no permission): the recording is fine and is
    /// retried with backoff.
    Waiting,
    Done,
    Failed,
}

impl State {
    pub const ALL: [State; 5] = [State::Queued, State::Running, State::Waiting, State::Done, State::Failed];

    /// Taken but not finished: waiting for a retry, or left like this by a crash or a forced stop.
    pub fn is_pending(self) -> bool {
        matches!(self, State::Queued | State::Running | State::Waiting)
    }

    pub fn name(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Running => "running",
            State::Waiting => "waiting",
            State::Done => "done",
            State::Failed => "failed",
        }
    }
}

/// One journal line: a recording's state as of `at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub sha256: String,
    pub state: State,
    /// Where the recording was when this happened (names are lossy-converted to UTF-8).
    pub path: String,
    /// RFC 3339, UTC, seconds.
    pub at: String,
    /// Processing time, for `done`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
    /// Files written, for `done`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<String>,
    /// Why it failed, for `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a journal file says: the latest entry of each recording, oldest first.
#[derive(Debug)]
pub struct Replay {
    pub entries: Vec<Entry>,
    /// Lines that are not valid entries: a write torn by a crash.
    pub unreadable_lines: usize,
    /// The journal was empty, missing or unreadable while its backup was not: these entries come
    /// from the backup, and what finished after it was made is not among them.
    pub restored_from_backup: bool,
}

/// Reads the journal of `state_dir`, or its backup when the journal lost what the backup holds;
/// `None` if there is neither (no watcher has run there).
pub fn replay(state_dir: &Path) -> Result<Option<Replay>> {
    let journal = read_entries(&state_dir.join(JOURNAL_FILE))?;
    if journal.as_ref().is_some_and(|replay| !replay.entries.is_empty()) {
        return Ok(journal);
    }
    match read_entries(&state_dir.join(BACKUP_FILE))? {
        Some(backup) if !backup.entries.is_empty() => Ok(Some(Replay { restored_from_backup: true, ..backup })),
        _ => Ok(journal),
    }
}

fn read_entries(path: &Path) -> Result<Option<Replay>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut unreadable_lines = 0;
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let Ok(entry) = serde_json::from_str::<Entry>(line) else {
            unreadable_lines += 1;
            continue;
        };
        match index.get(&entry.sha256) {
            Some(&at) => entries[at] = entry,
            None => {
                index.insert(entry.sha256.clone(), entries.len());
                entries.push(entry);
            }
        }
    }
    // Stable: entries of the same second keep the journal's order.
    entries.sort_by(|a, b| a.at.cmp(&b.at));
    Ok(Some(Replay { entries, unreadable_lines, restored_from_backup: false }))
}

/// The pid written by the watcher that holds `state_dir` locked, if one is running.
pub fn watcher_pid(state_dir: &Path) -> Option<String> {
    let mut file = File::open(state_dir.join(LOCK_FILE)).ok()?;
    match file.try_lock_shared() {
        Err(TryLockError::WouldBlock) => {
            let mut pid = String::new();
            file.read_to_string(&mut pid).ok()?;
            Some(pid.trim().to_string())
        }
        Ok(()) | Err(TryLockError::Error(_)) => None,
    }
}

/// Whether a newly settled recording should be processed.
#[derive(Debug, PartialEq)]
pub enum Claim {
    /// New content: it is now `queued` and the caller must process it.
    New,
    /// This content was already taken (under this or another name): its entry.
    Seen(Entry),
}

/// The journal of one running watcher, which holds it locked.
#[derive(Debug)]
pub struct Journal {
    file: File,
    entries: HashMap<String, Entry>,
    _lock: File,
}

/// A journal just opened, and what the previous run left unfinished.
#[derive(Debug)]
pub struct Opened {
    pub journal: Journal,
    /// Left `queued` or `running` by a crash, a kill or a forced stop, and whose file is still
    /// there: the caller feeds them back in like new files, so they are retried.
    pub interrupted: Vec<Entry>,
    pub unreadable_lines: usize,
    /// See [`Replay::restored_from_backup`].
    pub restored_from_backup: bool,
}

impl Journal {
    /// Locks `state_dir` (one watcher per output folder), replays its journal and compacts it to
    /// one line per done or failed recording. Unfinished ones are left out of the compacted
    /// journal, so they can be claimed again, and returned in `interrupted`; those whose file is
    /// gone are dropped, as there is nothing left to retry (if the file comes back, it is new).
    pub fn open(state_dir: &Path) -> Result<Opened> {
        fs::create_dir_all(state_dir).with_context(|| format!("cannot create {}", state_dir.display()))?;
        let lock = lock(state_dir)?;
        let Replay { entries, unreadable_lines, restored_from_backup } = replay(state_dir)?.unwrap_or(Replay {
            entries: Vec::new(),
            unreadable_lines: 0,
            restored_from_backup: false,
        });
        let (pending, finished): (Vec<Entry>, Vec<Entry>) =
            entries.into_iter().partition(|entry| entry.state.is_pending());
        let interrupted = pending.into_iter().filter(|entry| Path::new(&entry.path).is_file()).collect();

        let path = state_dir.join(JOURNAL_FILE);
        let mut compacted = String::new();
        for entry in &finished {
            compacted.push_str(&serde_json::to_string(entry)?);
            compacted.push('\n');
        }
        write_atomically(&path, &compacted)?;
        if !finished.is_empty() {
            write_atomically(&state_dir.join(BACKUP_FILE), &compacted)?;
        }
        let file =
            OpenOptions::new().append(true).open(&path).with_context(|| format!("cannot open {}", path.display()))?;
        let entries = finished.into_iter().map(|entry| (entry.sha256.clone(), entry)).collect();
        Ok(Opened {
            journal: Journal { file, entries, _lock: lock },
            interrupted,
            unreadable_lines,
            restored_from_backup,
        })
    }

    /// Queues the recording at `path` unless its content was already taken: a copy, a rename or
    /// a re-save of the same bytes is not processed again, whatever state its first one is in.
    pub fn claim(&mut self, sha256: &str, path: &Path) -> Result<Claim> {
        if let Some(seen) = self.entries.get(sha256) {
            return Ok(Claim::Seen(seen.clone()));
        }
        let entry = Entry {
            sha256: sha256.to_string(),
            state: State::Queued,
            path: path.to_string_lossy().into_owned(),
            at: now(),
            elapsed_ms: None,
            outputs: Vec::new(),
            error: None,
        };
        append(&mut self.file, &entry)?;
        self.entries.insert(sha256.to_string(), entry);
        Ok(Claim::New)
    }

    /// Starts a queued recording, or retries one waiting for its outputs.
    pub fn start(&mut self, sha256: &str) -> Result<()> {
        self.transition(sha256, &[State::Queued, State::Waiting], State::Running, |entry| entry.error = None)
    }

    /// The output side failed: the recording waits for a retry, with the reason for `status`.
    pub fn wait_for_outputs(&mut self, sha256: &str, error: &str) -> Result<()> {
        self.transition(sha256, &[State::Running], State::Waiting, |entry| {
            entry.error = Some(error.to_string());
        })
    }

    pub fn finish_done(&mut self, sha256: &str, elapsed_ms: u64, outputs: &[PathBuf]) -> Result<()> {
        self.transition(sha256, &[State::Running], State::Done, |entry| {
            entry.elapsed_ms = Some(elapsed_ms);
            entry.outputs = outputs.iter().map(|output| output.to_string_lossy().into_owned()).collect();
        })
    }

    pub fn finish_failed(&mut self, sha256: &str, error: &str) -> Result<()> {
        self.transition(sha256, &[State::Running], State::Failed, |entry| {
            entry.error = Some(error.to_string());
        })
    }

    /// Appends one of `from` → `to`; any other order is a bug in the caller, refused before it
    /// is written so that the journal never says something that did not happen.
    fn transition(&mut self, sha256: &str, from: &[State], to: State, details: impl FnOnce(&mut Entry)) -> Result<()> {
        let Some(current) = self.entries.get(sha256) else {
            bail!("journal: {sha256} was never queued");
        };
        if !from.contains(&current.state) {
            bail!("journal: {sha256} is {}, cannot become {}", current.state.name(), to.name());
        }
        let mut next = Entry { state: to, at: now(), ..current.clone() };
        details(&mut next);
        append(&mut self.file, &next)?;
        self.entries.insert(sha256.to_string(), next);
        Ok(())
    }
}

/// One `write` per line so a crash tears at most that line, and fsync before returning so the
/// transition is on disk before the watcher acts on it.
fn append(file: &mut File, entry: &Entry) -> Result<()> {
    let mut line = serde_json::to_vec(entry)?;
    line.push(b'\n');
    file.write_all(&line).and_then(|()| file.sync_data()).context("cannot append to the watcher journal")
}

fn lock(state_dir: &Path) -> Result<File> {
    let path = state_dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut pid = String::new();
            // Best effort: the message is as useful without the pid.
            let _ = file.read_to_string(&mut pid);
            bail!(
                "another `handoff watch` (pid {}) already writes to {}; stop it or use another --out",
                pid.trim(),
                state_dir.parent().unwrap_or(state_dir).display()
            );
        }
        Err(TryLockError::Error(error)) => {
            return Err(error).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
    file.set_len(0)
        .and_then(|()| write!(file, "{}", std::process::id()))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(dir: &Path) -> Vec<Entry> {
        fs::read_to_string(dir.join(JOURNAL_FILE))
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    fn entry(sha256: &str, state: State, path: &Path) -> Entry {
        Entry {
            sha256: sha256.to_string(),
            state,
            path: path.display().to_string(),
            at: "2026-11-26T10:00:00Z".to_string(),
            elapsed_ms: None,
            outputs: Vec::new(),
            error: None,
        }
    }

    #[test]
    fn transitions_replay_to_the_latest_state_of_each_recording() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::open(dir.path()).unwrap().journal;
        let call = dir.path().join("call.wav");
        journal.claim("aa", &call).unwrap();
        journal.start("aa").unwrap();
        journal.finish_done("aa", 4200, &[PathBuf::from("out/call.transcript.json")]).unwrap();
        journal.claim("bb", Path::new("bad.wav")).unwrap();
        journal.start("bb").unwrap();
        journal.finish_failed("bb", "not audio").unwrap();
        journal.claim("cc", Path::new("next.wav")).unwrap();
        drop(journal);

        assert_eq!(lines(dir.path()).len(), 7, "one line per transition");
        let replay = replay(dir.path()).unwrap().unwrap();
        let states: Vec<_> = replay.entries.iter().map(|e| (e.sha256.as_str(), e.state)).collect();
        assert_eq!(states, [("aa", State::Done), ("bb", State::Failed), ("cc", State::Queued)]);
        assert_eq!(replay.entries[0].outputs, ["out/call.transcript.json"]);
        assert_eq!(replay.entries[0].elapsed_ms, Some(4200));
        assert_eq!(replay.entries[0].path, call.display().to_string());
        assert_eq!(replay.entries[1].error.as_deref(), Some("not audio"));
        assert_eq!(replay.unreadable_lines, 0);
    }

    #[test]
    fn reopening_compacts_and_hands_back_interrupted_recordings() {
        let dir = tempfile::tempdir().unwrap();
        let still_there = dir.path().join("still there.wav");
        fs::write(&still_there, b"x").unwrap();
        let mut history = String::new();
        for line in [
            entry("done", State::Queued, &still_there),
            entry("done", State::Running, &still_there),
            entry("done", State::Done, &still_there),
            entry("killed", State::Queued, &still_there),
            entry("killed", State::Running, &still_there),
            entry("gone", State::Queued, &dir.path().join("deleted.wav")),
        ] {
            history.push_str(&serde_json::to_string(&line).unwrap());
            history.push('\n');
        }
        history.push_str(r#"{"sha256":"torn","sta"#);
        fs::write(dir.path().join(JOURNAL_FILE), history).unwrap();

        let Opened { mut journal, interrupted, unreadable_lines, .. } = Journal::open(dir.path()).unwrap();
        assert_eq!(unreadable_lines, 1);
        assert_eq!(interrupted, [entry("killed", State::Running, &still_there)]);
        assert_eq!(
            lines(dir.path()),
            [entry("done", State::Done, &still_there)],
            "compacted to the finished recordings"
        );
        // The interrupted recording is retried, the finished one is not redone.
        assert_eq!(journal.claim("killed", &still_there).unwrap(), Claim::New);
        assert!(matches!(journal.claim("done", &still_there).unwrap(), Claim::Seen(Entry { state: State::Done, .. })));
        assert_eq!(lines(dir.path()).len(), 2, "appends after the compacted lines");
    }

    #[test]
    fn the_same_content_is_claimed_once_whatever_its_name_or_state() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::open(dir.path()).unwrap().journal;
        let (first, copy) = (Path::new("call.wav"), Path::new("call copy.wav"));
        assert_eq!(journal.claim("aa", first).unwrap(), Claim::New);
        let seen_state = |journal: &mut Journal| match journal.claim("aa", copy).unwrap() {
            Claim::Seen(entry) => (entry.state, entry.path),
            Claim::New => panic!("claimed twice"),
        };
        assert_eq!(seen_state(&mut journal), (State::Queued, "call.wav".into()));
        journal.start("aa").unwrap();
        assert_eq!(seen_state(&mut journal).0, State::Running);
        journal.finish_failed("aa", "corrupt").unwrap();
        assert_eq!(seen_state(&mut journal).0, State::Failed);
        assert_eq!(lines(dir.path()).len(), 3, "seen copies write nothing");
    }

    #[test]
    fn out_of_order_transitions_are_refused_and_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::open(dir.path()).unwrap().journal;
        assert!(journal.start("nope").is_err());
        journal.claim("aa", Path::new("a.wav")).unwrap();
        assert!(journal.finish_done("aa", 1, &[]).is_err(), "never started");
        journal.start("aa").unwrap();
        assert!(journal.start("aa").is_err(), "already running");
        assert_eq!(lines(dir.path()).len(), 2);
    }

    #[test]
    fn an_output_failure_waits_and_is_retried() {
        let dir = tempfile::tempdir().unwrap();
        let call = dir.path().join("call.wav");
        fs::write(&call, b"x").unwrap();
        let mut journal = Journal::open(dir.path()).unwrap().journal;
        journal.claim("aa", &call).unwrap();
        journal.start("aa").unwrap();
        journal.wait_for_outputs("aa", "disk full").unwrap();
        assert!(matches!(journal.claim("aa", &call).unwrap(), Claim::Seen(Entry { state: State::Waiting, .. })));
        journal.start("aa").expect("a waiting recording is started again");
        journal.wait_for_outputs("aa", "disk full").unwrap();
        drop(journal);
        // A restart retries it too.
        let Opened { interrupted, .. } = Journal::open(dir.path()).unwrap();
        assert_eq!(interrupted.len(), 1);
        assert_eq!((interrupted[0].state, interrupted[0].error.as_deref()), (State::Waiting, Some("disk full")));
    }

    #[test]
    fn a_journal_emptied_by_damage_is_restored_from_its_backup() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::open(dir.path()).unwrap().journal;
        journal.claim("aa", Path::new("a.wav")).unwrap();
        journal.start("aa").unwrap();
        journal.finish_done("aa", 1, &[]).unwrap();
        drop(journal);
        drop(Journal::open(dir.path()).unwrap());
        fs::write(dir.path().join(JOURNAL_FILE), "").unwrap();

        let replayed = replay(dir.path()).unwrap().unwrap();
        assert!(replayed.restored_from_backup);
        assert_eq!(replayed.entries.iter().map(|e| e.state).collect::<Vec<_>>(), [State::Done]);
        let Opened { mut journal, restored_from_backup, .. } = Journal::open(dir.path()).unwrap();
        assert!(restored_from_backup);
        assert!(matches!(journal.claim("aa", Path::new("a.wav")).unwrap(), Claim::Seen(_)), "not redone");
        assert_eq!(lines(dir.path()).len(), 1, "the restored history is the journal again");
    }

    #[test]
    fn one_watcher_per_state_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(watcher_pid(dir.path()), None);
        let opened = Journal::open(dir.path()).unwrap();
        let second = Journal::open(dir.path()).unwrap_err().to_string();
        assert!(second.contains("already writes"), "{second}");
        assert_eq!(watcher_pid(dir.path()), Some(std::process::id().to_string()));
        drop(opened);
        assert_eq!(watcher_pid(dir.path()), None);
        Journal::open(dir.path()).expect("the lock is released with the journal");
    }
}
