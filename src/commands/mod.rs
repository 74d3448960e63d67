//! The commands: each drives the pipeline for one way sales teams work.

mod extract;
mod finalize;
mod models;
mod process;
mod report;
mod review;
mod status;
mod team_status;
mod watch;

use crate::cli::Command;
use crate::settings::{ExtractSettings, ProcessSettings, WatchSettings};
use anyhow::Result;
use std::process::ExitCode;

/// How a command that could run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    AllSucceeded,
    SomeFailed,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::AllSucceeded => ExitCode::SUCCESS,
            Outcome::SomeFailed => ExitCode::from(1),
        }
    }
}

/// Runs `command`; the pipeline commands get their flags resolved into settings first.
pub fn run(command: Command) -> Result<Outcome> {
    match command {
        Command::Process(args) => process::run(ProcessSettings::resolve(args)?),
        Command::Extract(args) => extract::run(ExtractSettings::resolve(args)?),
        Command::Watch(args) => watch::run(WatchSettings::resolve(args)?),
        Command::Status(args) => status::run(args),
        Command::Review(args) => review::run(args),
        Command::Finalize(args) => finalize::run(args),
        Command::Report(args) => report::run(args),
        Command::Models(args) => models::run(args),
    }
}
