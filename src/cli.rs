//! Command-line interface: what the user can type, and nothing else.

// The doc comments here are clap's `--help` text, where `<name>` is a placeholder, not HTML.
#![allow(rustdoc::invalid_html_tags)]

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  handoff process call.mp3                    transcript + draft handoff next to the recording
  handoff process ~/calls/2026-11-25 --out ~/handoffs --jobs 2
  handoff process call.wav --channels sdr-right --format srt
  handoff process call.mp3 --model base-q8_0  another Whisper model, by name or path
  handoff models                              known models, where each is and whether it checks out
  handoff models download tiny.en-q8_0        fetch a model (resumable, sha256-checked) into models/
  handoff extract zoom-call.vtt --sdr Jordan  draft handoff from a transcript you already have
  handoff watch ~/Recordings/inbox            process every recording dropped into the folder
  handoff status ~/Recordings/inbox           what the watcher has queued, done and failed
  handoff watch /mnt/calls --state postgres://handoff@db/handoff --worker ws-03
                                              one of the team's workers over a shared folder
  handoff process /mnt/calls/2026-11-25 --state postgres://handoff@db/handoff
                                              a day's folder, shared with whoever else runs it
  handoff review call.handoff.json            check the draft in the browser, then Finalize
  handoff finalize call.handoff.json          mark it ready for the AE (or list what is missing)
  handoff report ~/handoffs --csv team.csv    completeness and review effort per handoff
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
    /// Write a draft handoff from transcripts a team already has, without audio or the model:
    /// WebVTT (Zoom, Teams), SRT, text with one `Name: text` turn a line, or `handoff process`'s
    /// own <name>.transcript.json. The format is told from the content.
    Extract(ExtractArgs),
    /// Keep running and process every recording dropped into a folder, once each.
    ///
    /// Outputs go to --out, by default INBOX/handoffs/, with `<name>.error.txt` there for each
    /// recording that failed. Progress is kept in <out>/.handoff-state/ (with --state, in the
    /// team's PostgreSQL, shared by workers on several machines), so a restart neither loses nor
    /// redoes recordings. SIGINT/SIGTERM: finish the recording in progress and exit 0;
    /// a second signal exits at once (code 130) and the recording is retried on the next start.
    Watch(WatchArgs),
    /// Show what the watcher of a folder has queued, is running, has done and has failed (with
    /// --state: the team's workers, their heartbeats and current files, and the queue).
    Status(StatusArgs),
    /// Review a draft handoff in the browser: accept, reject, edit and add items (or script it
    /// with --apply / --accept-all). Writes <name>.review.json and <name>.final.json/.md.
    Review(ReviewArgs),
    /// Mark a reviewed handoff ready for the AE; exits 1 listing what is still missing.
    Finalize(FinalizeArgs),
    /// Completeness and review effort of every handoff in a folder, as a table or CSV.
    Report(ReportArgs),
    /// List the Whisper models handoff knows, where each was found and whether its sha256 is a
    /// known one; `models download NAME` fetches one.
    Models(ModelsArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub action: Option<ModelsAction>,
    /// Print JSON on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ModelsAction {
    /// Download a known model into a folder: progress bar, resumes an interrupted download
    /// (<file>.part), checks the sha256 and only then renames the file into place.
    Download(DownloadArgs),
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The model, as `handoff models` lists it (e.g. tiny.en, base-q8_0).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Folder to save the model in; `process` looks in models/ by itself.
    #[arg(long, value_name = "DIR", default_value = "models")]
    pub to: PathBuf,
    /// Address the file is fetched from, as <URL>/ggml-<NAME>.bin (a mirror, a file server)
    /// [default: $HANDOFF_MODEL_BASE_URL, else whisper.cpp's published models on Hugging Face].
    #[arg(long, value_name = "URL")]
    pub from: Option<String>,
    /// The sha256 the file must have, instead of the published one (for a conversion of your own).
    #[arg(long, value_name = "HEX", value_parser = parse_sha256)]
    pub sha256: Option<String>,
}

fn parse_sha256(value: &str) -> Result<String, String> {
    match value.len() == 64 && value.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        true => Ok(value.to_ascii_lowercase()),
        false => Err("expected 64 hexadecimal digits, as `sha256sum FILE` prints them".into()),
    }
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Folder to watch.
    #[arg(value_name = "INBOX")]
    pub inbox: PathBuf,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Also watch subfolders (except the output folder and hidden ones).
    #[arg(long, short = 'r')]
    pub recursive: bool,
    /// How long a file's size and modification time must stay unchanged before it counts as
    /// completely written.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub settle_seconds: u64,
    /// Seconds between full rescans of INBOX, which catch files whose events were lost (network
    /// shares, some container and sync mounts).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub rescan_seconds: u64,
    /// Recordings processed at once; whisper threads are split between them.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub team: TeamArgs,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// A worker of a team sharing one PostgreSQL: `watch --state`, `process --state`.
#[derive(Debug, Args)]
pub struct TeamArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// This worker's name in the team (one running process per name) [default: the host name].
    #[arg(long, value_name = "NAME", requires = "database_url")]
    pub worker: Option<String>,
    /// How long a worker holds a recording without a heartbeat (one every third of it); a worker
    /// that dies loses its recording to another after this.
    #[arg(long, value_name = "N", default_value_t = 30, requires = "database_url",
          value_parser = clap::value_parser!(u64).range(3..))]
    pub lease_seconds: u64,
}

/// Where the team's shared state is, if anywhere.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// Keep the queue, the workers and the handoffs in this PostgreSQL database, shared by every
    /// worker of the team, instead of the local journal (`watch`) or this run alone (`process`:
    /// each recording is processed once by whichever run claims it, and skipped when the team
    /// has it done): postgres://USER:PASSWORD@HOST:PORT/DB (password and port optional). Its
    /// tables are created (and upgraded) on start.
    #[arg(long = "state", value_name = "URL", env = "HANDOFF_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The watched folder [default: the current folder].
    #[arg(value_name = "INBOX")]
    pub inbox: Option<PathBuf>,
    /// The --out the watcher was given, if not INBOX/handoffs.
    #[arg(long, value_name = "DIR", conflicts_with = "database_url")]
    pub out: Option<PathBuf>,
    /// The team's workers and queue instead of one folder's watcher.
    #[command(flatten)]
    pub state: StateArgs,
    /// Print JSON on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
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
    pub team: TeamArgs,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Transcript files; each gives <name>.handoff.json and <name>.handoff.md, <name> being the
    /// file name without .transcript.json, .vtt, .srt or .txt.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    /// Write outputs into DIR instead of next to each transcript.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A speaker who is the SDR, by first or full name as the transcript shows it (any case);
    /// repeat for several. Every other named speaker is the prospect's side. Without it (or when
    /// no speaker matches), the speaker who introduces the selling company in their first turns
    /// ("this is Jordan from Acme") is the SDR; when nobody does, speakers are UNKNOWN.
    #[arg(long = "sdr", value_name = "NAME")]
    pub sdr_names: Vec<String>,
    /// Rule packs overriding the built-in ones (TOML files named like those in rules/).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Required fields for "ready for AE" when an existing review is re-applied to the new draft,
    /// as `review --required` takes them [default: the built-in rules/review/required.toml].
    #[arg(long, value_name = "FILE")]
    pub required: Option<PathBuf>,
    /// Print a machine-readable JSON summary on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// How recordings become outputs; shared by `process` and `watch`.
#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// Write outputs into DIR instead of next to each recording.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Whisper model: a name `handoff models` lists (tiny.en, base-q8_0, ...), looked for in
    /// $HANDOFF_MODEL, models/ and ../shared/models/, or the path of a whisper.cpp ggml file
    /// [default: $HANDOFF_MODEL, else tiny.en-q8_0].
    #[arg(long, value_name = "NAME|PATH")]
    pub model: Option<String>,
    /// Language spoken on the calls, as a Whisper code (en, de, fr, es, ...), or `auto` to detect
    /// it. Only multilingual models (those without `.en`) take another language than en.
    #[arg(long, value_name = "CODE", default_value = "en")]
    pub language: String,
    /// Total CPU threads for whisper [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Which transcript files to write.
    #[arg(long, value_enum, default_value_t = FormatArg::All)]
    pub format: FormatArg,
    /// Which channel is the SDR: stereo defaults to sdr-left, mono is always mixed.
    #[arg(long, value_enum)]
    pub channels: Option<ChannelsArg>,
    /// A recording of the SDR's voice (a few seconds of them alone, or a dual-channel call of
    /// theirs, whose SDR channel is used): on mixed recordings, the voice like it is the SDR.
    #[arg(long, value_name = "FILE")]
    pub sdr_voice: Option<PathBuf>,
    /// Rule packs overriding the built-in ones (TOML files named like those in rules/).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Do not prompt Whisper with the names in transcription/prompt.toml (empty by default).
    #[arg(long)]
    pub no_prompt: bool,
    /// Required fields for "ready for AE" when an existing review is re-applied to the new draft,
    /// as `review --required` takes them [default: the built-in rules/review/required.toml].
    #[arg(long, value_name = "FILE")]
    pub required: Option<PathBuf>,
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

/// `--format`; mirrors [`crate::settings::TranscriptFormat`], which the pipeline takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Json,
    Txt,
    Srt,
    All,
}

/// `--channels`; mirrors [`crate::speakers::ChannelLayout`], which the pipeline takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChannelsArg {
    /// SDR on the left channel, prospect on the right.
    SdrLeft,
    /// SDR on the right channel, prospect on the left.
    SdrRight,
    /// One mixed channel: speakers are told apart by voice.
    Mixed,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The draft handoff; its transcript and review log are found next to it.
    #[arg(value_name = "NAME.handoff.json")]
    pub handoff: PathBuf,
    /// Port of the review page on 127.0.0.1; 0 picks a free one.
    #[arg(long, value_name = "N", default_value_t = 0, conflicts_with_all = ["apply", "accept_all"])]
    pub port: u16,
    /// Print the page's address without opening a browser.
    #[arg(long, conflicts_with_all = ["apply", "accept_all"])]
    pub no_open: bool,
    /// Add the corrections in FILE (a JSON list, or an object with `corrections`) to the review
    /// log and write the final files, without serving the page. Missing `at`/`by` are filled in.
    #[arg(long, value_name = "FILE")]
    pub apply: Option<PathBuf>,
    /// Accept every item nobody has reviewed yet and write the final files, without the page.
    #[arg(long)]
    pub accept_all: bool,
    #[command(flatten)]
    pub review: ReviewerArgs,
}

/// Who reviews and against which bar; shared by `review` and `finalize`.
#[derive(Debug, Args)]
pub struct ReviewerArgs {
    /// The name recorded with each correction [default: $USER].
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// Required fields for "ready for AE" [default: the built-in rules/review/required.toml].
    #[arg(long, value_name = "FILE")]
    pub required: Option<PathBuf>,
    /// Also store every correction and the sign-off in the team's PostgreSQL database (the one
    /// its `watch --state` workers use), so `report --state` shows this review.
    #[arg(long = "state", value_name = "URL", env = "HANDOFF_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct FinalizeArgs {
    /// The draft handoff; its review log is applied first.
    #[arg(value_name = "NAME.handoff.json")]
    pub handoff: PathBuf,
    #[command(flatten)]
    pub review: ReviewerArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Folder searched (with its subfolders) for *.handoff.json; not needed with --state.
    #[arg(value_name = "DIR", required_unless_present = "database_url")]
    pub dir: Option<PathBuf>,
    /// Report on the team's handoffs and reviews in this PostgreSQL database instead of a folder:
    /// every SDR's calls, by SDR and call date.
    #[arg(long = "state", value_name = "URL", env = "HANDOFF_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// With --state: only this SDR's calls (the first folder under the team's inbox).
    #[arg(long, value_name = "NAME", requires = "database_url")]
    pub sdr: Option<String>,
    /// Also write the table as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Required fields the completeness score counts [default: the built-in rules/review/required.toml].
    #[arg(long, value_name = "FILE")]
    pub required: Option<PathBuf>,
}
