//! What `handoff watch` keeps between runs (the journal, or the team's database: the ledger) and
//! how it tells a finished file from one still being written (settling). The event loop itself
//! is in `commands/watch.rs`.

pub mod journal;
pub mod ledger;
pub mod settle;

use std::path::{Path, PathBuf};

/// Folder inside the output folder holding the journal and the lock; hidden, so it is never
/// mistaken for output and never scanned as input.
pub const STATE_DIR: &str = ".handoff-state";

/// Where a watched inbox's outputs go: `--out`, else `INBOX/handoffs`, so that the handoffs of a
/// shared inbox sit next to it without mixing with the recordings.
pub fn out_dir(inbox: &Path, out: Option<&Path>) -> PathBuf {
    out.map_or_else(|| inbox.join("handoffs"), Path::to_path_buf)
}

pub fn state_dir(out: &Path) -> PathBuf {
    out.join(STATE_DIR)
}
