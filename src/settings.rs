//! The command line resolved once into what the commands and the pipeline work with: the model
//! found, the SDR's voice and the review requirements loaded, defaults applied. Everything past
//! `commands::run` takes these plain values, never clap's argument types, so the pipeline does
//! not change when a flag does, and a bad `--model`, `--sdr-voice`, `--required` or `--worker`
//! stops the command before any work.

use crate::cli::{self, ChannelsArg, ExtractArgs, FormatArg, PipelineArgs, ProcessArgs, TeamArgs, WatchArgs};
use crate::speakers::ChannelLayout;
use anyhow::{Context, Result};
use handoff_diarize::VoiceProfile;
use handoff_models::Search;
use handoff_review::Requirements;
use handoff_teamstate::WorkerName;
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
    /// The Whisper model file, found from `--model`'s name or path or `$HANDOFF_MODEL`.
    pub model: PathBuf,
    /// Whisper's language code for the calls, or `auto`.
    pub language: String,
    /// Whisper threads for all recordings together; `None`: every core.
    pub threads: Option<usize>,
    pub format: TranscriptFormat,
    /// `None`: stereo recordings are sdr-left, mono ones mixed.
    pub channels: Option<ChannelLayout>,
    /// The SDR's voice, which names the speakers of mixed (mono) recordings; `None`: they are
    /// named by what each voice says.
    pub sdr_voice: Option<VoiceProfile>,
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
    /// The team's shared queue; `None`: this run alone.
    pub team: Option<TeamSettings>,
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
    /// The team's shared queue; `None`: this machine's journal.
    pub team: Option<TeamSettings>,
    pub verbosity: Verbosity,
}

/// `watch --state`, `process --state`: this process as one worker of the team's PostgreSQL queue.
pub struct TeamSettings {
    /// May hold a password: kept out of `Debug`.
    pub database_url: String,
    pub worker: WorkerName,
    /// How long a claim holds without a heartbeat before another worker may take the job over.
    pub lease: Duration,
}

impl std::fmt::Debug for TeamSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamSettings").field("worker", &self.worker).field("lease", &self.lease).finish_non_exhaustive()
    }
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
        let channels: Option<ChannelLayout> = args.channels.map(Into::into);
        // A dual-channel sample gives its SDR channel: the one `--channels` names.
        let sdr_channel = usize::from(channels == Some(ChannelLayout::SdrRight));
        let sdr_voice = match &args.sdr_voice {
            Some(path) => Some(VoiceProfile::load(path, sdr_channel).context("--sdr-voice")?),
            None => None,
        };
        Ok(Self {
            model: Search::from_env().resolve(args.model.as_deref())?.path,
            requirements: Requirements::load(args.required.as_deref())?,
            language: args.language,
            out: args.out,
            threads: args.threads,
            format: args.format.into(),
            channels,
            sdr_voice,
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
            team: TeamSettings::resolve(args.team)?,
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
            team: TeamSettings::resolve(args.team)?,
            verbosity: args.verbosity.into(),
        })
    }
}

impl TeamSettings {
    /// `None` without `--state` (nor `$HANDOFF_DATABASE_URL`).
    fn resolve(args: TeamArgs) -> Result<Option<Self>> {
        let Some(database_url) = args.state.database_url else { return Ok(None) };
        let worker = match args.worker {
            Some(name) => WorkerName::parse(&name).context("--worker")?,
            None => WorkerName::of_this_host(),
        };
        Ok(Some(Self { database_url, worker, lease: Duration::from_secs(args.lease_seconds) }))
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
