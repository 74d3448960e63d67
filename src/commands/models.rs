//! `handoff models`: the Whisper models handoff knows, where each one is and whether its file is a
//! known one; `handoff models download NAME` fetches one.

use super::Outcome;
use crate::cli::{DownloadArgs, ModelsAction, ModelsArgs};
use anyhow::{Context, Result};
use handoff_models::download::{download, Outcome as Fetched, Progress, Request};
use handoff_models::{catalog, sha256_file, KnownModel, Provenance, Search, DEFAULT_MODEL, KNOWN_MODELS};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Overrides where `models download` fetches from, as `--from` does.
const BASE_URL_ENV: &str = "HANDOFF_MODEL_BASE_URL";

pub fn run(args: ModelsArgs) -> Result<Outcome> {
    match args.action {
        Some(ModelsAction::Download(download)) => run_download(download),
        None => list(args.json),
    }
}

#[derive(Serialize)]
struct Listed {
    name: &'static str,
    english_only: bool,
    /// Of the published file.
    size_bytes: u64,
    url: String,
    published_sha256: &'static str,
    /// The files found, in lookup order: the first one is what `--model NAME` uses.
    found: Vec<FoundFile>,
}

#[derive(Serialize)]
struct FoundFile {
    path: PathBuf,
    via: String,
    size_bytes: u64,
    sha256: String,
    /// `published`, `known conversion` or `unrecognised`.
    check: String,
    /// Where a known conversion is documented.
    #[serde(skip_serializing_if = "Option::is_none")]
    conversion_source: Option<&'static str>,
}

#[derive(Serialize)]
struct Listing {
    models: Vec<Listed>,
    /// The file `process` would use without --model, or why there is none.
    default_model: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_model_error: Option<String>,
}

fn list(json: bool) -> Result<Outcome> {
    let search = Search::from_env();
    let base = base_url(None);
    let mut models = Vec::with_capacity(KNOWN_MODELS.len());
    for known in KNOWN_MODELS {
        let mut found = Vec::new();
        for place in search.found(known.name) {
            let size_bytes = place.path.metadata().map(|meta| meta.len()).unwrap_or_default();
            let sha256 = sha256_file(&place.path).with_context(|| format!("cannot read {}", place.path.display()))?;
            let (check, conversion_source) = match known.provenance(&sha256) {
                Provenance::Published => ("published", None),
                Provenance::Conversion(conversion) => ("known conversion", Some(conversion.source)),
                Provenance::Unrecognised => ("unrecognised", None),
            };
            found.push(FoundFile {
                path: place.path,
                via: place.via,
                size_bytes,
                sha256,
                check: check.to_string(),
                conversion_source,
            });
        }
        models.push(Listed {
            name: known.name,
            english_only: known.english_only(),
            size_bytes: known.size_bytes,
            url: known.url(&base),
            published_sha256: known.sha256,
            found,
        });
    }
    let (default_model, default_model_error) = match search.resolve(None) {
        Ok(resolved) => (Some(resolved.path), None),
        Err(error) => (None, Some(error.to_string())),
    };
    let listing = Listing { models, default_model, default_model_error };
    if json {
        println!("{}", serde_json::to_string_pretty(&listing)?);
    } else {
        print_table(&listing, &base);
    }
    Ok(Outcome::AllSucceeded)
}

fn print_table(listing: &Listing, base: &str) {
    println!("{:<14} {:>9} {:<12} {:<40} sha256", "model", "size", "languages", "found at (lookup order)");
    for model in &listing.models {
        let languages = if model.english_only { "English" } else { "multilingual" };
        let size = megabytes(model.size_bytes);
        if model.found.is_empty() {
            println!("{:<14} {:>9} {:<12} {:<40} -", model.name, size, languages, "-");
        }
        for (index, file) in model.found.iter().enumerate() {
            let check = match (file.check.as_str(), file.conversion_source) {
                ("published", _) => "matches the published file".to_string(),
                (_, Some(source)) => format!("matches a known conversion ({source})"),
                _ => format!("UNRECOGNISED ({}…): not a known file of this model", &file.sha256[..12]),
            };
            // The size of the file itself when it is not the published size: a hint at what it is.
            let size = match file.size_bytes == model.size_bytes {
                true => size.clone(),
                false => megabytes(file.size_bytes),
            };
            let (name, languages) = if index == 0 { (model.name, languages) } else { ("", "") };
            println!("{:<14} {:>9} {:<12} {:<40} {check}", name, size, languages, file.path.display().to_string());
        }
    }
    println!();
    match (&listing.default_model, &listing.default_model_error) {
        (Some(path), _) => {
            println!("Without --model, process and watch use {} ({DEFAULT_MODEL} by default).", path.display())
        }
        (None, error) => {
            println!("Without --model, process and watch find no model: {}", error.as_deref().unwrap_or_default())
        }
    }
    println!("Lookup order for --model NAME: $HANDOFF_MODEL (a model file or a folder), models/, ../shared/models/.");
    println!("Download one: handoff models download NAME [--to DIR]   (from {base})");
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// `--from`, else `$HANDOFF_MODEL_BASE_URL`, else whisper.cpp's published models.
fn base_url(from: Option<&str>) -> String {
    from.map(str::to_string)
        .or_else(|| std::env::var(BASE_URL_ENV).ok().filter(|value| !value.is_empty()))
        .unwrap_or_else(|| handoff_models::PUBLISHED_BASE_URL.to_string())
}

fn run_download(args: DownloadArgs) -> Result<Outcome> {
    let known: &KnownModel = catalog::find(&args.name)
        .with_context(|| format!("{}: not a model handoff knows. Known models: {}", args.name, catalog::names()))?;
    let url = known.url(&base_url(args.from.as_deref()));
    let accepted_sha256 = match &args.sha256 {
        Some(sha256) => vec![sha256.clone()],
        None => known.accepted_sha256().into_iter().map(str::to_string).collect(),
    };
    let request = Request { url: url.clone(), dir: args.to.clone(), file_name: known.file_name(), accepted_sha256 };
    eprintln!("handoff: downloading {} ({}) from {url}", known.name, megabytes(known.size_bytes));
    let bar = Bar(ProgressBar::no_length());
    let fetched = download(&request, &bar);
    bar.0.finish_and_clear();
    match fetched? {
        Fetched::AlreadyThere { path, .. } => {
            println!("{} is already there and checks out; nothing downloaded.", path.display());
            print_usage_hint(known, &path);
        }
        Fetched::Downloaded { path, sha256, resumed_from } => {
            let resumed = match resumed_from {
                0 => String::new(),
                bytes => format!(", resumed after {}", megabytes(bytes)),
            };
            println!("Downloaded {} (sha256 {sha256} checked{resumed}).", path.display());
            print_usage_hint(known, &path);
        }
    }
    Ok(Outcome::AllSucceeded)
}

/// How to use the model from here: by name when the lookup finds this very file, else by path.
fn print_usage_hint(known: &KnownModel, path: &Path) {
    let same = |a: &Path, b: &Path| a.canonicalize().ok().is_some_and(|a| b.canonicalize().ok() == Some(a));
    let found_by_name = Search::from_env().found(known.name).first().is_some_and(|place| same(&place.path, path));
    let model = if found_by_name { known.name.to_string() } else { path.display().to_string() };
    println!("Use it with: handoff process --model {model} CALL");
}

/// The download's progress as a terminal progress bar (hidden when stderr is no terminal).
struct Bar(ProgressBar);

impl Progress for Bar {
    fn begin(&self, total: Option<u64>, done: u64) {
        let template = match total {
            Some(total) => {
                self.0.set_length(total);
                "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} (ETA {eta})"
            }
            None => "{spinner} {bytes} {bytes_per_sec}",
        };
        self.0.set_style(ProgressStyle::with_template(template).expect("the template is valid"));
        self.0.set_position(done);
    }

    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
}
