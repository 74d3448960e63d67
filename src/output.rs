//! Where outputs go: never over the recording, and never over the outputs of another recording.
//! They are written whole or not at all by [`handoff_document::write_atomically`].

use handoff_document::OutputError;
use handoff_transcript::Transcript;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Output paths of one recording: `<dir>/<stem>.<suffix>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutputPaths {
    dir: PathBuf,
    stem: String,
}

impl OutputPaths {
    /// The plain names: the recording's file stem, in `out_dir` or next to the recording.
    pub fn for_recording(recording: &Path, out_dir: Option<&Path>) -> Self {
        let dir =
            out_dir.map(Path::to_path_buf).or_else(|| recording.parent().map(Path::to_path_buf)).unwrap_or_default();
        let stem =
            recording.file_stem().map_or_else(|| "recording".to_string(), |stem| stem.to_string_lossy().into_owned());
        Self { dir, stem }
    }

    /// Names `<stem>.*` for an input whose stem is not simply its name without the last
    /// extension (`call.transcript.json` gives `call`), in `out_dir` or next to the input.
    pub fn with_stem(input: &Path, stem: String, out_dir: Option<&Path>) -> Self {
        Self { stem, ..Self::for_recording(input, out_dir) }
    }

    pub fn path(&self, suffix: &str) -> PathBuf {
        self.dir.join(format!("{}.{suffix}", self.stem))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The same names with a short content hash, for a recording whose plain names belong to
    /// another one: `call-1a2b3c4d`.
    fn with_hash(&self, sha256: &str, hex_digits: usize) -> Self {
        Self { dir: self.dir.clone(), stem: format!("{}-{}", self.stem, &sha256[..sha256.len().min(hex_digits)]) }
    }

    /// The recording these outputs were made from, as their transcript (or draft) says.
    fn made_from(&self) -> Option<MadeFrom> {
        if let Ok(text) = fs::read_to_string(self.path("transcript.json")) {
            if let Ok(transcript) = serde_json::from_str::<Transcript>(&text) {
                return Some(MadeFrom { path: Some(transcript.source.path.into()), sha256: transcript.source.sha256 });
            }
        }
        let handoff = handoff_document::Handoff::load(&self.path("handoff.json")).ok()?;
        Some(MadeFrom { path: None, sha256: handoff.source.sha256 })
    }
}

struct MadeFrom {
    /// `None` when only the draft is there, which keeps the file name alone.
    path: Option<PathBuf>,
    sha256: String,
}

impl MadeFrom {
    /// Same content, or the same file (re-saved with new content).
    fn is(&self, recording: &Path, sha256: &str) -> bool {
        self.sha256 == sha256 || self.path.as_deref().is_some_and(|path| same_file(path, recording))
    }
}

/// Whether `stored` (as an earlier run wrote it: absolute, or relative to that run's folder)
/// names `recording`.
fn same_file(stored: &Path, recording: &Path) -> bool {
    match (stored.canonicalize(), recording.canonicalize()) {
        (Ok(stored), Ok(recording)) => stored == recording,
        // Relative to a folder we are not in: the name is all that is left to compare.
        _ => stored.is_relative() && stored.file_name() == recording.file_name(),
    }
}

/// Where output names are given out across processes: the team's database, so that two workers
/// naming outputs at the same moment cannot both take the plain names, which neither finds on
/// disk yet.
pub trait NameRegistry: Sync {
    /// Gives `name` (`call`, `call-1a2b3c4d`) to the content `sha256` unless another content has
    /// it; whether it is `sha256`'s now.
    fn reserve(&self, name: &str, sha256: &str) -> anyhow::Result<bool>;
}

/// Gives every recording of a run names of its own, before any work starts: `meetA/call.wav` and
/// `meetB/call.wav` into one `--out`, or `call.wav` and `call.mp3` in one folder, would otherwise
/// overwrite each other's outputs. The first recording (or the one already there on disk) keeps
/// the plain names; another one gets `<stem>-<first 8 hex of its sha256>`. With a
/// [`NameRegistry`], a name must also be free there, so workers of a team never share one.
#[derive(Default)]
pub struct OutputNamer<'a> {
    out_dir: Option<PathBuf>,
    registry: Option<&'a dyn NameRegistry>,
    /// Names given out in this run, with the content and file they were given to.
    given: Mutex<HashMap<OutputPaths, (String, PathBuf)>>,
    /// Folders already found writable (a failure is probed again next time: it may be mended).
    writable: Mutex<HashSet<PathBuf>>,
}

impl<'a> OutputNamer<'a> {
    pub fn new(out_dir: Option<&Path>) -> Self {
        Self { out_dir: out_dir.map(Path::to_path_buf), ..Self::default() }
    }

    pub fn with_registry(self, registry: Option<&'a dyn NameRegistry>) -> Self {
        Self { registry, ..self }
    }

    /// The names `recording` gets unless another recording holds them.
    pub fn plain(&self, recording: &Path) -> OutputPaths {
        OutputPaths::for_recording(recording, self.out_dir.as_deref())
    }

    /// The names for `recording` with content `sha256`. Fails when its folder is not writable, or
    /// when the plain names hold a reviewed draft of other content of the same file: replacing it
    /// would separate the SDR's corrections from the call they were made on.
    pub fn claim(&self, recording: &Path, sha256: &str) -> anyhow::Result<OutputPaths> {
        let plain = self.plain(recording);
        self.check_writable(plain.dir())?;
        let mut given = self.given.lock().expect("no panic while naming");
        // 16 hex digits only when two contents share the first 8: practically never.
        for candidate in [plain.clone(), plain.with_hash(sha256, 8), plain.with_hash(sha256, 16)] {
            match given.get(&candidate) {
                Some((owner, _)) if owner == sha256 => return Ok(candidate),
                // The same file with new content (a watched file saved again) keeps its names.
                Some((_, file)) if file != recording => continue,
                _ => {}
            }
            if let Some(made_from) = candidate.made_from() {
                if !made_from.is(recording, sha256) {
                    continue;
                }
                let reviewed = candidate.path("review.json");
                if made_from.sha256 != sha256 && reviewed.is_file() {
                    anyhow::bail!(
                        "{}: its content changed since {} was reviewed (sha256 {} then, {} now); \
                         processing it would replace the reviewed draft. Give the new recording another \
                         name, or move the old outputs away to start over",
                        recording.display(),
                        reviewed.display(),
                        &made_from.sha256[..made_from.sha256.len().min(12)],
                        &sha256[..sha256.len().min(12)],
                    );
                }
            }
            if let Some(registry) = self.registry {
                if !registry.reserve(&candidate.stem, sha256)? {
                    continue;
                }
            }
            given.insert(candidate.clone(), (sha256.to_string(), recording.to_path_buf()));
            return Ok(candidate);
        }
        anyhow::bail!(
            "{}: every output name for it ({}.*, with its hash or without) belongs to another recording \
             (on disk, or in the team's database); move those outputs away or rename the recording",
            recording.display(),
            plain.path("").display().to_string().trim_end_matches('.')
        )
    }

    /// Creates `dir` and a file in it once per run, so an unwritable output folder is found
    /// before minutes of transcription, not after.
    pub fn check_writable(&self, dir: &Path) -> Result<(), OutputError> {
        let mut writable = self.writable.lock().expect("no panic while checking folders");
        if !writable.contains(dir) {
            probe_writable(dir)?;
            writable.insert(dir.to_path_buf());
        }
        Ok(())
    }
}

fn probe_writable(dir: &Path) -> Result<(), OutputError> {
    let shown = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let fail = |cause| OutputError { path: shown.to_path_buf(), cause };
    fs::create_dir_all(shown).map_err(fail)?;
    tempfile::Builder::new().prefix(".handoff-probe").tempfile_in(shown).map(drop).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_document::write_atomically;

    fn transcript_from(path: &Path, sha256: &str) -> String {
        use handoff_transcript::{SourceInfo, StageTimings, TRANSCRIPT_SCHEMA_VERSION};
        let source = SourceInfo {
            path: path.display().to_string(),
            sha256: sha256.to_string(),
            duration_ms: 1000,
            sample_rate_hz: 16_000,
            channels: 1,
            codec: "pcm_s16le".into(),
            truncated: false,
        };
        let transcript = Transcript {
            schema_version: TRANSCRIPT_SCHEMA_VERSION,
            source,
            model: "tiny.en".into(),
            channel_layout: "mixed".into(),
            timings_ms: StageTimings::default(),
            segments: Vec::new(),
        };
        transcript.to_json()
    }

    #[test]
    fn same_stems_get_names_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let namer = OutputNamer::new(Some(&out));
        let (a, b) = (dir.path().join("meetA/call.wav"), dir.path().join("meetB/call.wav"));
        let first = namer.claim(&a, "aaaaaaaa11112222").unwrap();
        let second = namer.claim(&b, "bbbbbbbb33334444").unwrap();
        assert_eq!(first.path("handoff.json"), out.join("call.handoff.json"));
        assert_eq!(second.path("handoff.json"), out.join("call-bbbbbbbb.handoff.json"));
        // The same content again (a copy) shares the names it was given.
        assert_eq!(namer.claim(&a, "aaaaaaaa11112222").unwrap(), first);
    }

    #[test]
    fn names_on_disk_belong_to_their_recording_across_runs() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("call.wav"), dir.path().join("call.mp3"));
        fs::write(&a, b"a").unwrap();
        fs::write(&b, b"b").unwrap();
        write_atomically(&dir.path().join("call.transcript.json"), &transcript_from(&a, "aaaa1111")).unwrap();
        // A later run with only the other recording must not take call.* from call.wav.
        let later = OutputNamer::new(None);
        assert_eq!(later.claim(&b, "bbbb2222").unwrap().path("srt"), dir.path().join("call-bbbb2222.srt"));
        // call.wav re-saved with new content still owns its names, until it has been reviewed.
        assert_eq!(later.claim(&a, "cccc3333").unwrap().path("srt"), dir.path().join("call.srt"));
        fs::write(dir.path().join("call.review.json"), "{}").unwrap();
        let error = OutputNamer::new(None).claim(&a, "dddd4444").unwrap_err().to_string();
        assert!(error.contains("call.review.json") && error.contains("replace the reviewed draft"), "{error}");
    }

    #[test]
    fn an_output_folder_that_cannot_be_made_is_found_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        fs::write(&file, b"x").unwrap();
        let namer = OutputNamer::new(Some(&file.join("out")));
        let error = namer.claim(&dir.path().join("call.wav"), "aaaa").unwrap_err().to_string();
        assert!(error.contains("not-a-folder") && error.contains("writable"), "{error}");
    }
}
