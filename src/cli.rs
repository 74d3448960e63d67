//! Command-line interface: what the user can type, and nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  handoff process call.mp3                    transcript + draft handoff next to the recording
  handoff process ~/calls/2026-11-25 --out ~/handoffs --jobs 2
  handoff process call.wav --channels sdr-right --format srt
  handoff watch ~/Recordings/inbox            process every recording dropped into the folder
  handoff status ~/Recordings/inbox           what the watcher has queued, done and failed
";

#[derive(Debug, Parser)]
#[command(name = "handoff", version, about = "Sales-call recordings in, AE handoff notes out. Runs locally.", after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Transcribe recordings and write a draft handoff for each (files or folders).
    Process(ProcessArgs),
}

#[derive(Debug, Args)]
pub struct ProcessArgs {
    /// Recordings, or folders whose audio files (by extension, sorted) are all processed.
    #[arg(required = true, value_name = "FILES|DIRS")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Recordings processed at once; whisper threads are split between them.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Redo recordings whose outputs are already up to date.
    #[arg(long)]
    pub force: bool,
    /// Print a machine-readable JSON summary on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// How recordings become outputs; shared by `process` and `watch`.
#[derive(Debug, Args, Clone)]
pub struct PipelineArgs {
    /// Write outputs into DIR instead of next to each recording.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Whisper model in whisper.cpp ggml format [default: $HANDOFF_MODEL, models/ggml-tiny.en.bin, ../shared/models/ggml-tiny.en.bin]
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Total CPU threads for whisper [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Which transcript files to write.
    #[arg(long, value_enum, default_value_t = TranscriptFormat::All)]
    pub format: TranscriptFormat,
    /// Which channel is the SDR: stereo defaults to sdr-left, mono is always mixed.
    #[arg(long, value_enum)]
    pub channels: Option<ChannelLayout>,
    /// Rule packs overriding the built-in ones (TOML files named like those in rules/).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Do not prompt the model with the vocabulary from rules/vocabulary.toml.
    #[arg(long)]
    pub no_prompt: bool,
}

#[derive(Debug, Args, Clone, Copy)]
pub struct Verbosity {
    /// Only errors.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also per-stage timings and skipped files.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TranscriptFormat {
    Json,
    Txt,
    Srt,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChannelLayout {
    /// SDR on the left channel, prospect on the right.
    SdrLeft,
    /// SDR on the right channel, prospect on the left.
    SdrRight,
    /// One mixed channel: speakers are UNKNOWN.
    Mixed,
}

impl ChannelLayout {
    pub fn name(self) -> &'static str {
        match self {
            ChannelLayout::SdrLeft => "sdr-left",
            ChannelLayout::SdrRight => "sdr-right",
            ChannelLayout::Mixed => "mixed",
        }
    }
}
