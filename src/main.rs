//! `handoff`: sales-call recordings in, AE handoff notes out.

mod cli;
mod commands;
mod inputs;
mod output;
mod pipeline;
mod pool;
mod prompt;
mod review;
mod settings;
mod speakers;
mod team;
mod team_worker;
mod watch;

use clap::Parser;
use std::process::ExitCode;

/// Exit codes: 0 everything worked, 1 some recordings failed (the rest were processed),
/// 2 the command could not run at all (bad usage, no model, bad rules).
fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli.command) {
        Ok(outcome) => outcome.exit_code(),
        Err(error) => {
            eprintln!("handoff: error: {error:#}");
            ExitCode::from(2)
        }
    }
}
