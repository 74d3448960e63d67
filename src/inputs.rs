//! Turning the user's FILES|DIRS into the list of recordings to process.

use std::path::{Path, PathBuf};

/// Extensions taken from folders. A file named explicitly is always tried, whatever its name:
/// the format is detected from the content.
pub const AUDIO_EXTENSIONS: [&str; 16] = [
    "wav", "wave", "mp3", "m4a", "mp4", "aac", "flac", "ogg", "oga", "opus", "webm", "mka", "mkv", "caf", "aif", "aiff",
];

pub fn has_audio_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| AUDIO_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Names that are never finished recordings: partial downloads, editor backups, hidden files.
pub fn is_temporary_name(path: &Path) -> bool {
    let name = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    name.starts_with('.')
        || name.ends_with('~')
        || [".part", ".tmp", ".crdownload", ".partial", ".download"].iter().any(|suffix| name.ends_with(suffix))
}

/// Expands folders (one level, or all levels with `recursive`) into their audio files, sorted.
/// Paths that do not exist are returned as errors alongside the found files.
pub fn expand(inputs: &[PathBuf], recursive: bool) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for input in inputs {
        if input.is_dir() {
            match audio_files_in(input, recursive) {
                Ok(mut found) => {
                    found.sort();
                    files.extend(found);
                }
                Err(error) => missing.push((input.clone(), format!("cannot list the folder: {error}"))),
            }
        } else if input.exists() {
            files.push(input.clone());
        } else {
            missing.push((input.clone(), "no such file or folder".to_string()));
        }
    }
    (files, missing)
}

pub fn audio_files_in(dir: &Path, recursive: bool) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if recursive && !is_temporary_name(&path) {
                found.extend(audio_files_in(&path, true)?);
            }
        } else if has_audio_extension(&path) && !is_temporary_name(&path) {
            found.push(path);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_and_hidden_names_are_temporary() {
        for name in [".call.wav", "call.wav.part", "call.mp3.tmp", "call.wav~", "x.crdownload"] {
            assert!(is_temporary_name(Path::new(name)), "{name}");
        }
        assert!(!is_temporary_name(Path::new("Call with Zoë 1.wav")));
    }

    #[test]
    fn folders_expand_to_sorted_audio_files_only() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.mp3", "a.WAV", "notes.txt", ".hidden.wav", "c.flac.part"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/d.ogg"), b"x").unwrap();
        let names = |files: Vec<PathBuf>| {
            files.iter().map(|f| f.strip_prefix(dir.path()).unwrap().display().to_string()).collect::<Vec<_>>()
        };
        let (flat, missing) = expand(&[dir.path().to_path_buf()], false);
        assert!(missing.is_empty());
        assert_eq!(names(flat), ["a.WAV", "b.mp3"]);
        let (deep, _) = expand(&[dir.path().to_path_buf(), dir.path().join("nope.wav")], true);
        assert_eq!(names(deep), ["a.WAV", "b.mp3", "sub/d.ogg"]);
    }
}
