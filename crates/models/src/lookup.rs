//! Which model file a run uses: `--model NAME|PATH`, else `$HANDOFF_MODEL`, else the default
//! model, a name being looked for in a fixed order of places.

use crate::catalog::{self, KnownModel, DEFAULT_MODEL};
use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable naming a model (name or file) or a folder of models, so a machine
/// can set its model once instead of on every command.
pub const MODEL_ENV: &str = "HANDOFF_MODEL";

/// Folders searched for `ggml-<name>.bin` after `$HANDOFF_MODEL`, relative to the current
/// folder: the project's own `models/` (where `handoff models download` puts files), then the
/// workspace's shared models next to the checkout.
pub const SEARCH_DIRS: [&str; 2] = ["models", "../shared/models"];

/// Why no model file was found; the run stops before any recording is touched.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// A path was given (it has a folder or `.bin` in it) but nothing is there.
    #[error("{origin}{}: no such file", path.display())]
    NoSuchFile {
        /// Where the path came from.
        origin: Origin,
        /// The path as given.
        path: PathBuf,
    },
    /// Neither a name in the catalog nor a file: most likely a typo, so the known names are listed.
    #[error(
        "{origin}{value}: neither a known model nor an existing file. Known models: {}; or give the path of a \
         whisper.cpp ggml file",
        catalog::names()
    )]
    UnknownName {
        /// Where the value came from.
        origin: Origin,
        /// The value as given.
        value: String,
    },
    /// A known model that is in none of the places searched: the user must download it.
    #[error(
        "no Whisper model {name} found. Looked at --model, {looked} (relative to {}).\nDownload it with \
         `handoff models download {name}`, or pass --model PATH",
        cwd.display()
    )]
    NotFound {
        /// The model's name.
        name: String,
        /// The places searched, for the message.
        looked: String,
        /// What those relative places were relative to.
        cwd: PathBuf,
    },
}

/// Who asked for a model, as error messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--model`.
    Flag,
    /// [`MODEL_ENV`].
    Env,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag => f.write_str("--model "),
            Origin::Env => write!(f, "{MODEL_ENV}="),
        }
    }
}

/// One place a named model may be, in lookup order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file, existing or not.
    pub path: PathBuf,
    /// `$HANDOFF_MODEL`, `models/` or `../shared/models/`.
    pub via: String,
}

/// The model a run uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The file Whisper loads.
    pub path: PathBuf,
    /// The catalog entry, when the model was asked for by name.
    pub known: Option<&'static KnownModel>,
}

/// The lookup, given the value of `$HANDOFF_MODEL`: a model file, a folder of `ggml-<name>.bin`
/// files, or a model name.
#[derive(Debug, Clone, Default)]
pub struct Search {
    env: Option<PathBuf>,
}

impl Search {
    /// The lookup this process's environment asks for: what every command uses.
    pub fn from_env() -> Search {
        Search::new(std::env::var_os(MODEL_ENV).filter(|value| !value.is_empty()).map(PathBuf::from))
    }

    /// The lookup with `env` standing for `$HANDOFF_MODEL`, so tests need not change the
    /// process's environment.
    pub fn new(env: Option<PathBuf>) -> Search {
        Search { env }
    }

    /// Where the model `name` is looked for, in order, whether or not the files exist.
    pub fn places(&self, name: &str) -> Vec<Place> {
        let file = catalog::file_name(name);
        let env = self.env.as_ref().and_then(|env| {
            if env.is_dir() {
                Some(env.join(&file))
            } else {
                (env.file_name() == Some(file.as_ref())).then(|| env.clone())
            }
        });
        let env = env.map(|path| Place { path, via: format!("${MODEL_ENV}") });
        let dirs = SEARCH_DIRS.iter().map(|dir| Place { path: Path::new(dir).join(&file), via: format!("{dir}/") });
        env.into_iter().chain(dirs).collect()
    }

    /// The existing files of `name`, in lookup order: the first is the one a run uses.
    pub fn found(&self, name: &str) -> Vec<Place> {
        self.places(name).into_iter().filter(|place| place.path.is_file()).collect()
    }

    /// The model for `--model VALUE` (`None`: not given).
    pub fn resolve(&self, flag: Option<&str>) -> Result<Resolved, LookupError> {
        if let Some(value) = flag {
            return self.resolve_value(value, Origin::Flag);
        }
        match &self.env {
            Some(env) if !env.is_dir() => self.resolve_value(&env.to_string_lossy(), Origin::Env),
            _ => self.by_name(catalog::find(DEFAULT_MODEL).expect("the default model is in the catalog")),
        }
    }

    fn resolve_value(&self, value: &str, origin: Origin) -> Result<Resolved, LookupError> {
        let path = Path::new(value);
        if path.is_file() {
            let known = path
                .file_name()
                .and_then(|name| name.to_str()?.strip_prefix("ggml-")?.strip_suffix(".bin"))
                .and_then(catalog::find);
            return Ok(Resolved { path: path.to_path_buf(), known });
        }
        if let Some(known) = catalog::find(value) {
            return self.by_name(known);
        }
        let looks_like_a_path =
            value.contains(std::path::MAIN_SEPARATOR) || value.contains('/') || value.ends_with(".bin");
        match looks_like_a_path {
            true => Err(LookupError::NoSuchFile { origin, path: path.to_path_buf() }),
            false => Err(LookupError::UnknownName { origin, value: value.to_string() }),
        }
    }

    fn by_name(&self, known: &'static KnownModel) -> Result<Resolved, LookupError> {
        let places = self.places(known.name);
        if let Some(place) = places.iter().find(|place| place.path.is_file()) {
            return Ok(Resolved { path: place.path.clone(), known: Some(known) });
        }
        let mut looked: Vec<String> = places.iter().map(|place| place.path.display().to_string()).collect();
        if !places.iter().any(|place| place.via.starts_with('$')) {
            looked.insert(
                0,
                format!("${MODEL_ENV} ({})", if self.env.is_some() { "no such model there" } else { "not set" }),
            );
        }
        Err(LookupError::NotFound {
            name: known.name.to_string(),
            looked: looked.join(", "),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"ggml").unwrap();
    }

    #[test]
    fn a_path_is_taken_as_it_is_and_recognised_by_its_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ggml-base-q8_0.bin");
        let other = dir.path().join("my-model.bin");
        touch(&file);
        touch(&other);
        let search = Search::new(None);
        let resolved = search.resolve(Some(file.to_str().unwrap())).unwrap();
        assert_eq!((resolved.path, resolved.known.map(|k| k.name)), (file, Some("base-q8_0")));
        let resolved = search.resolve(Some(other.to_str().unwrap())).unwrap();
        assert_eq!((resolved.path, resolved.known), (other, None));
    }

    #[test]
    fn a_missing_path_and_an_unknown_name_are_told_apart() {
        let search = Search::new(None);
        let missing = search.resolve(Some("/nonexistent/model.bin")).unwrap_err().to_string();
        assert_eq!(missing, "--model /nonexistent/model.bin: no such file");
        let unknown = search.resolve(Some("huge.en")).unwrap_err().to_string();
        assert!(unknown.starts_with("--model huge.en: neither a known model") && unknown.contains("tiny.en-q8_0"));
        let env = Search::new(Some("/nonexistent/env.bin".into())).resolve(None).unwrap_err().to_string();
        assert_eq!(env, "HANDOFF_MODEL=/nonexistent/env.bin: no such file");
    }

    #[test]
    fn a_name_is_looked_for_in_the_env_folder_first() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ggml-small.en-q5_1.bin");
        touch(&file);
        let search = Search::new(Some(dir.path().to_path_buf()));
        let places = search.places("small.en-q5_1");
        let vias: Vec<_> = places.iter().map(|place| place.via.as_str()).collect();
        assert_eq!(vias, ["$HANDOFF_MODEL", "models/", "../shared/models/"]);
        assert_eq!(places[1].path, Path::new("models/ggml-small.en-q5_1.bin"));
        let resolved = search.resolve(Some("small.en-q5_1")).unwrap();
        assert_eq!((resolved.path, resolved.known.unwrap().name), (file.clone(), "small.en-q5_1"));
        assert_eq!(search.found("small.en-q5_1"), vec![Place { path: file.clone(), via: "$HANDOFF_MODEL".into() }]);
        // $HANDOFF_MODEL naming that very file counts for its name, and only for it.
        let search = Search::new(Some(file.clone()));
        assert_eq!(search.places("small.en-q5_1")[0].path, file);
        assert_eq!(search.places("small.en")[0].via, "models/");
    }

    #[test]
    fn a_model_found_nowhere_names_every_place_and_the_download_command() {
        let message = Search::new(None).resolve(Some("small.en-q8_0")).unwrap_err().to_string();
        for expected in [
            "--model",
            "$HANDOFF_MODEL (not set)",
            "models/ggml-small.en-q8_0.bin",
            "../shared/models/ggml-small.en-q8_0.bin",
            "handoff models download small.en-q8_0",
        ] {
            assert!(message.contains(expected), "{expected} not in: {message}");
        }
    }
}
