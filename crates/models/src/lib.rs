//! Whisper models in whisper.cpp's ggml format: the ones handoff knows by name ([`catalog`]) and
//! which file a run uses ([`lookup`]).

pub mod catalog;
pub mod lookup;

pub use catalog::{KnownModel, Provenance, DEFAULT_MODEL, KNOWN_MODELS, PUBLISHED_BASE_URL};
pub use lookup::{LookupError, Place, Resolved, Search, MODEL_ENV};
