//! `handoff process`: a file or a day's folder in one batch, in parallel, with a summary.

use super::Outcome;
use crate::inputs;
use crate::output::{OutputNamer, OutputPaths};
use crate::pipeline::{sha256_file, Pipeline, Processed};
use crate::pool::{self, Finished};
use crate::settings::{ProcessSettings, Verbosity};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Serialize)]
struct FileReport {
    file: PathBuf,
    status: Status,
    duration_ms: u64,
    pains: usize,
    stakeholders: usize,
    elapsed_ms: u64,
    outputs: Vec<PathBuf>,
    error: Option<String>,
    /// Processed, but the user should know (e.g. the file was cut short). `--json` shows them as
    /// one `warning`, one a line, or `null`.
    #[serde(rename = "warning", serialize_with = "one_a_line")]
    warnings: Vec<String>,
}

fn one_a_line<S: serde::Serializer>(warnings: &[String], serializer: S) -> Result<S::Ok, S::Error> {
    match warnings.is_empty() {
        true => serializer.serialize_none(),
        false => serializer.serialize_str(&warnings.join("\n")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Done,
    /// Outputs were already up to date.
    Skipped,
    Failed,
}

/// Whisper threads per recording and recordings at once, so that together they fill the cores
/// without oversubscribing them.
pub(crate) fn plan_workers(threads: Option<usize>, jobs: Option<usize>, files: usize) -> (usize, usize) {
    let cores = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).max(1);
    // Whisper scales well to ~4 threads per recording; beyond that, more recordings at once win.
    let jobs = jobs.unwrap_or(cores / cores.min(4)).clamp(1, files.max(1));
    (jobs, (cores / jobs).max(1))
}

/// A recording whose content was hashed and whose output names were decided.
struct Planned {
    file: PathBuf,
    sha256: String,
    outputs: OutputPaths,
}

pub fn run(args: ProcessSettings) -> Result<Outcome> {
    let namer = OutputNamer::new(args.pipeline.out.as_deref());
    if let Some(out) = &args.pipeline.out {
        namer.check_writable(out).context("--out")?;
    }
    let (files, mut unreadable) = inputs::expand(&args.inputs, false);
    // Names are decided for the whole batch, in order, before any work: two recordings that
    // would share output names get names of their own whatever order the workers take them in.
    let mut planned = Vec::with_capacity(files.len());
    for file in files {
        match sha256_file(&file)
            .and_then(|sha256| Ok(Planned { outputs: namer.claim(&file, &sha256)?, sha256, file: file.clone() }))
        {
            Ok(plan) => planned.push(plan),
            Err(error) => unreadable.push((file, format!("{error:#}"))),
        }
    }
    let files = planned;
    let (jobs, threads_per_job) = plan_workers(args.pipeline.threads, args.jobs, files.len());
    let pipeline = Pipeline::new(&args.pipeline, threads_per_job)?;
    let quiet = args.verbosity == Verbosity::Quiet || args.json;
    if args.verbosity == Verbosity::Verbose {
        eprintln!(
            "handoff: {} recording(s), {jobs} at a time, {threads_per_job} whisper thread(s) each, model {}",
            files.len(),
            args.pipeline.model.display()
        );
    }

    let progress = progress_bar(files.len(), quiet);
    let reports = Mutex::new(Vec::with_capacity(files.len()));
    let next = AtomicUsize::new(0);
    let audio_ms = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    pool::run(
        jobs,
        || files.get(next.fetch_add(1, Ordering::SeqCst)),
        |plan| pipeline.process(&plan.file, plan.sha256.clone(), &plan.outputs, args.force),
        |plan, finished| {
            let report = report(plan, finished);
            audio_ms.fetch_add(report.duration_ms as usize, Ordering::Relaxed);
            if report.status == Status::Failed {
                failed.fetch_add(1, Ordering::Relaxed);
                progress.suspend(|| eprintln!("handoff: {}", report.error.as_deref().unwrap_or_default()));
            }
            for warning in &report.warnings {
                progress.suspend(|| eprintln!("handoff: warning: {warning}"));
            }
            progress.set_message(format!(
                "{} failed, {:.2} h of audio",
                failed.load(Ordering::Relaxed),
                audio_ms.load(Ordering::Relaxed) as f64 / 3_600_000.0
            ));
            progress.inc(1);
            reports.lock().expect("no panic while a report is added").push(report);
        },
    );
    progress.finish_and_clear();

    let mut reports = reports.into_inner().expect("no panic while a report is added");
    for (file, reason) in unreadable {
        let reason = match reason.starts_with(&file.display().to_string()) {
            true => reason,
            false => format!("{}: {reason}", file.display()),
        };
        eprintln!("handoff: {reason}");
        reports.push(FileReport {
            error: Some(reason),
            file,
            status: Status::Failed,
            duration_ms: 0,
            pains: 0,
            stakeholders: 0,
            elapsed_ms: 0,
            outputs: Vec::new(),
            warnings: Vec::new(),
        });
    }
    reports.sort_by(|a, b| a.file.cmp(&b.file));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else if args.verbosity != Verbosity::Quiet {
        print_summary(&reports);
    }
    let any_failed = reports.iter().any(|report| report.status == Status::Failed);
    Ok(if any_failed { Outcome::SomeFailed } else { Outcome::AllSucceeded })
}

fn report(plan: &Planned, finished: Finished<Processed>) -> FileReport {
    let file = plan.file.as_path();
    let elapsed_ms = finished.elapsed.as_millis() as u64;
    match finished.result {
        Ok(Processed { handoff, skipped, truncated, written, warnings }) => {
            let truncated = truncated.then(|| {
                format!(
                    "{}: the file ends early (truncated); transcribed the {:.1} s that are there",
                    file.display(),
                    handoff.source.duration_ms as f64 / 1000.0
                )
            });
            FileReport {
                warnings: truncated.into_iter().chain(warnings).collect(),
                file: file.to_path_buf(),
                status: if skipped { Status::Skipped } else { Status::Done },
                duration_ms: handoff.source.duration_ms,
                pains: handoff.findings.pain_points.len(),
                stakeholders: handoff.findings.stakeholders.len(),
                elapsed_ms,
                outputs: written,
                error: None,
            }
        }
        Err(error) => FileReport {
            file: file.to_path_buf(),
            status: Status::Failed,
            duration_ms: 0,
            pains: 0,
            stakeholders: 0,
            elapsed_ms,
            outputs: Vec::new(),
            error: Some(format!("{error:#}")),
            warnings: Vec::new(),
        },
    }
}

fn progress_bar(files: usize, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(files as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} recordings, {msg} (ETA {eta})",
        )
        .expect("the template is valid"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn print_summary(reports: &[FileReport]) {
    println!("{:<40} {:>9} {:>7} {:>6} {:>12} {:>8}", "file", "duration", "status", "pains", "stakeholders", "time");
    for report in reports {
        let name = report
            .file
            .file_name()
            .map_or_else(|| report.file.display().to_string(), |n| n.to_string_lossy().into_owned());
        println!(
            "{:<40} {:>9} {:>7} {:>6} {:>12} {:>7.1}s",
            name,
            handoff_transcript::clock(report.duration_ms, ':'),
            match report.status {
                Status::Done => "done",
                Status::Skipped => "current",
                Status::Failed => "FAILED",
            },
            report.pains,
            report.stakeholders,
            report.elapsed_ms as f64 / 1000.0
        );
    }
    let count = |status| reports.iter().filter(|report| report.status == status).count();
    println!(
        "{} processed, {} already up to date (use --force to redo), {} failed",
        count(Status::Done),
        count(Status::Skipped),
        count(Status::Failed)
    );
    for report in reports.iter().filter(|report| report.status == Status::Done) {
        for output in &report.outputs {
            println!("  wrote {}", output.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::plan_workers;

    #[test]
    fn workers_never_oversubscribe_cores() {
        assert_eq!(plan_workers(Some(2), None, 10), (1, 2));
        assert_eq!(plan_workers(Some(2), Some(2), 10), (2, 1));
        assert_eq!(plan_workers(Some(16), None, 10), (4, 4));
        assert_eq!(plan_workers(Some(16), None, 1), (1, 16));
        assert_eq!(plan_workers(Some(1), Some(3), 10), (3, 1));
    }
}
