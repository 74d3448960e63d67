//! The command line resolved once into what the commands and the pipeline work with: the model
//! found, the review requirements loaded, defaults applied. Everything past `commands::run` takes
//! these plain values, never clap's argument types, so the pipeline does not change when a flag
//! does, and a bad `--model` or `--required` stops the command before any work.

use crate::cli::{self, ChannelsArg, ExtractArgs, FormatArg, PipelineArgs, ProcessArgs, WatchArgs};
use crate::model_path;
use crate::speakers::ChannelLayout;
use anyhow::Result;
use handoff_review::Requirements;
use std::path::PathBuf;
use std::time::Duration;

/// Which transcript files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranscriptFormat {
    Json,
    Txt,
    Srt,
    All,
}

/// How much a command tells on stderr besides errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Only errors.
    Quiet,
    Normal,
    /// Also settings, timings and skipped files.
    Verbose,
}

/// How recordings become outputs; shared by `process` and `watch`.
#[derive(Debug)]
pub struct PipelineSettings {
    /// Where outputs go; `None`: next to each recording.
    pub out: Option<PathBuf>,
    pub model: PathBuf,
    /// Whisper threads for all recordings together; `None`: every core.
    pub threads: Option<usize>,
    pub format: TranscriptFormat,
    /// `None`: stereo recordings are sdr-left, mono ones mixed.
    pub channels: Option<ChannelLayout>,
    /// Rule packs overriding the built-in ones.
    pub rules: Option<PathBuf>,
    /// Whether Whisper is prompted with the names in `transcription/prompt.toml`.
    pub prompt: bool,
    /// What "ready for AE" needs when an existing review is re-applied to a new draft: the same
    /// bar the team gives `review` and `finalize`.
    pub requirements: Requirements,
}

/// `handoff process`.
#[derive(Debug)]
pub struct ProcessSettings {
    pub inputs: Vec<PathBuf>,
    pub pipeline: PipelineSettings,
    /// Recordings at once; `None`: one per four cores.
    pub jobs: Option<usize>,
    pub force: bool,
    pub json: bool,
    pub verbosity: Verbosity,
}

/// `handoff watch`.
#[derive(Debug)]
pub struct WatchSettings {
    pub inbox: PathBuf,
    pub pipeline: PipelineSettings,
    pub recursive: bool,
    pub settle: Duration,
    pub rescan: Duration,
    pub jobs: Option<usize>,
    pub verbosity: Verbosity,
}

/// `handoff extract`.
#[derive(Debug)]
pub struct ExtractSettings {
    pub files: Vec<PathBuf>,
    pub out: Option<PathBuf>,
    pub sdr_names: Vec<String>,
    pub rules: Option<PathBuf>,
    pub requirements: Requirements,
    pub json: bool,
    pub verbosity: Verbosity,
}

impl PipelineSettings {
    pub fn resolve(args: PipelineArgs) -> Result<Self> {
        Ok(Self {
            model: model_path::resolve(args.model.as_deref())?,
            requirements: Requirements::load(args.required.as_deref())?,
            out: args.out,
            threads: args.threads,
            format: args.format.into(),
            channels: args.channels.map(Into::into),
            rules: args.rules,
            prompt: !args.no_prompt,
        })
    }
}

impl ProcessSettings {
    pub fn resolve(args: ProcessArgs) -> Result<Self> {
        Ok(Self {
            inputs: args.inputs,
            pipeline: PipelineSettings::resolve(args.pipeline)?,
            jobs: args.jobs,
            force: args.force,
            json: args.json,
            verbosity: args.verbosity.into(),
        })
    }
}

impl WatchSettings {
    pub fn resolve(args: WatchArgs) -> Result<Self> {
        Ok(Self {
            inbox: args.inbox,
            pipeline: PipelineSettings::resolve(args.pipeline)?,
            recursive: args.recursive,
            settle: Duration::from_secs(args.settle_seconds),
            rescan: Duration::from_secs(args.rescan_seconds),
            jobs: args.jobs,
            verbosity: args.verbosity.into(),
        })
    }
}

impl ExtractSettings {
    pub fn resolve(args: ExtractArgs) -> Result<Self> {
        Ok(Self {
            requirements: Requirements::load(args.required.as_deref())?,
            files: args.files,
            out: args.out,
            sdr_names: args.sdr_names,
            rules: args.rules,
            json: args.json,
            verbosity: args.verbosity.into(),
        })
    }
}

impl From<cli::Verbosity> for Verbosity {
    fn from(args: cli::Verbosity) -> Self {
        match (args.quiet, args.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, true) => Verbosity::Verbose,
            (false, false) => Verbosity::Normal,
        }
    }
}

impl From<FormatArg> for TranscriptFormat {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Json => TranscriptFormat::Json,
            FormatArg::Txt => TranscriptFormat::Txt,
            FormatArg::Srt => TranscriptFormat::Srt,
            FormatArg::All => TranscriptFormat::All,
        }
    }
}

impl From<ChannelsArg> for ChannelLayout {
    fn from(channels: ChannelsArg) -> Self {
        match channels {
            ChannelsArg::SdrLeft => ChannelLayout::SdrLeft,
            ChannelsArg::SdrRight => ChannelLayout::SdrRight,
            ChannelsArg::Mixed => ChannelLayout::Mixed,
        }
    }
}
