//! Whisper models in whisper.cpp's ggml format: the ones handoff knows by name ([`catalog`]),
//! which file a run uses ([`lookup`]), and fetching a model checked ([`mod@download`]).

#![warn(missing_docs)]

pub mod catalog;
pub mod download;
pub mod lookup;

pub use catalog::{KnownModel, Provenance, DEFAULT_MODEL, KNOWN_MODELS, PUBLISHED_BASE_URL};
pub use download::{download, sha256_file, DownloadError, Outcome, Progress, Request};
pub use lookup::{LookupError, Place, Resolved, Search, MODEL_ENV};
