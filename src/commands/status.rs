//! `handoff status`: what the watcher of a folder has queued, is running, has done and has failed,
//! read from its journal (safe while the watcher runs: the journal is only ever appended to or
//! replaced whole).

use super::Outcome;
use crate::cli::StatusArgs;
use crate::watch::journal::{replay, watcher_pid, Entry, State};
use crate::watch::{out_dir, state_dir};
use anyhow::{bail, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const HASH_PREFIX: usize = 12;

#[derive(Serialize)]
struct Report<'a> {
    /// Pid of the running watcher, if one is running.
    watcher_pid: Option<String>,
    counts: BTreeMap<&'static str, usize>,
    recordings: &'a [Entry],
}

pub fn run(args: StatusArgs) -> Result<Outcome> {
    if let Some(url) = &args.state.database_url {
        return super::team_status::run(url, args.json);
    }
    let inbox = args.inbox.unwrap_or_else(|| PathBuf::from("."));
    // The watcher stores canonical paths; show them relative to the inbox as the user named it.
    let root = inbox.canonicalize().unwrap_or_else(|_| inbox.clone());
    let state = state_dir(&out_dir(&inbox, args.out.as_deref()));
    let Some(replay) = replay(&state)? else {
        bail!(
            "no watcher state in {}: `handoff watch {}` has not run yet, or was given another --out",
            state.display(),
            inbox.display()
        );
    };
    let mut recordings = replay.entries;
    // Unfinished first, as that is what a person checking on the watcher is looking for.
    recordings.sort_by_key(|entry| State::ALL.iter().position(|state| *state == entry.state));
    let counts = State::ALL
        .iter()
        .map(|state| {
            let count = recordings.iter().filter(|e| e.state == *state).count();
            (state.name(), count)
        })
        .collect::<BTreeMap<_, _>>();
    let watcher = watcher_pid(&state);

    if args.json {
        let report = Report { watcher_pid: watcher, counts, recordings: &recordings };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(Outcome::AllSucceeded);
    }
    match &watcher {
        Some(pid) => println!("watcher: running (pid {pid})"),
        None => println!("watcher: not running"),
    }
    if !recordings.is_empty() {
        println!("{:<8} {:<20} {:<HASH_PREFIX$} file", "state", "when", "sha256");
    }
    for entry in &recordings {
        println!(
            "{:<8} {:<20} {:<HASH_PREFIX$} {}",
            entry.state.name(),
            entry.at,
            entry.sha256.get(..HASH_PREFIX).unwrap_or(&entry.sha256),
            relative(Path::new(&entry.path), &root)
        );
        if let Some(error) = &entry.error {
            println!("{:<8} error: {error}", "");
        }
    }
    // `waiting` is rare (the output side failing), so it is only counted when it happens.
    let summary: Vec<String> = State::ALL
        .iter()
        .filter(|state| **state != State::Waiting || counts[state.name()] > 0)
        .map(|state| format!("{} {}", counts[state.name()], state.name()))
        .collect();
    println!("{}", summary.join(", "));
    let unfinished = recordings.iter().filter(|e| e.state.is_pending()).count();
    if watcher.is_none() && unfinished > 0 {
        println!("the {unfinished} unfinished recording(s) are retried when `handoff watch` starts again");
    }
    if replay.restored_from_backup {
        eprintln!(
            "handoff: the journal in {} is empty or unreadable; this is its last backup. Recordings \
             finished after it are checked again at the next start (their outputs are kept)",
            state.display()
        );
    }
    if replay.unreadable_lines > 0 {
        eprintln!("handoff: skipped {} unreadable journal line(s) (a crash mid-write)", replay.unreadable_lines);
    }
    Ok(Outcome::AllSucceeded)
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
