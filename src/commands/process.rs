//! `handoff process`: a file or a day's folder in one batch, in parallel, with a summary.
//!
//! With `--state`, the run is a worker of the team's queue: it queues the recordings it was
//! given and claims them one by one, as do other `process` runs given the same recordings (on
//! other machines, over the same shared folder), so each recording is processed once by the
//! team. The run ends when every recording it was given is finished, here or elsewhere.

use super::watch::without_path_prefix;
use super::Outcome;
use crate::inputs;
use crate::output::{OutputNamer, OutputPaths};
use crate::pipeline::{sha256_file, Pipeline, Processed};
use crate::pool::{self, Finished};
use crate::settings::{ProcessSettings, Verbosity};
use crate::team_worker::{Ending, Team, Wanted};
use anyhow::{Context, Result};
use handoff_document::{Handoff, OutputError};
use handoff_teamstate::{ContentHash, Enqueued, Job, JobState, Lease, Notice};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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
    /// With `--state`: the team's worker that processed it, this run or another.
    #[serde(skip_serializing_if = "Option::is_none")]
    worker: Option<String>,
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

/// A recording for a worker of the pool, with its claim on the team's queue under `--state`.
struct Work<'a> {
    plan: &'a Planned,
    lease: Option<Lease>,
}

pub fn run(mut args: ProcessSettings) -> Result<Outcome> {
    let namer = OutputNamer::new(args.pipeline.out.as_deref());
    if let Some(out) = &args.pipeline.out {
        namer.check_writable(out).context("--out")?;
    }
    let (files, unreadable) = inputs::expand(&args.inputs, false);
    let Some(settings) = args.team.take() else { return run_batch(&args, namer, files, unreadable, None) };
    let root = common_folder(&files);
    let out = match &args.pipeline.out {
        // Made by the check above.
        Some(out) => out.canonicalize().with_context(|| format!("--out {}", out.display()))?,
        None => root.clone(),
    };
    let notice: Notice = Arc::new(|message: &str| eprintln!("handoff: {message}"));
    let team = Team::open(&settings.database_url, settings.worker, settings.lease, &root, &out, notice)?;
    // Runs on other machines name outputs at the same moment: names are reserved team-wide.
    let namer = namer.with_registry(Some(&team));
    let outcome = run_batch(&args, namer, files, unreadable, Some(&team));
    // Marked stopped however the run ended, so `status` does not show a worker gone.
    let closed = team.close();
    let outcome = outcome?;
    closed?;
    Ok(outcome)
}

fn run_batch(
    args: &ProcessSettings,
    namer: OutputNamer,
    files: Vec<PathBuf>,
    mut unreadable: Vec<(PathBuf, String)>,
    team: Option<&Team>,
) -> Result<Outcome> {
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
            "handoff: {} recording(s), {jobs} at a time, {threads_per_job} whisper thread(s) each, model {}{}",
            files.len(),
            args.pipeline.model.display(),
            team.map(|team| format!(", as {}", team.describe())).unwrap_or_default()
        );
    }

    let progress = progress_bar(files.len(), quiet);
    let batch = match team {
        Some(team) => Some(TeamBatch::queue(team, &files, args.force, &progress)?),
        None => None,
    };

    let reports = Mutex::new(Vec::with_capacity(files.len()));
    let next = AtomicUsize::new(0);
    let audio_ms = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    pool::run(
        jobs,
        || match &batch {
            Some(batch) => batch.next(),
            None => files.get(next.fetch_add(1, Ordering::SeqCst)).map(|plan| Work { plan, lease: None }),
        },
        |work| pipeline.process(&work.plan.file, work.plan.sha256.clone(), &work.plan.outputs, args.force),
        |work, finished| {
            let recorded = match (&batch, work.lease) {
                (Some(batch), Some(lease)) => batch.record(work.plan, lease, &finished),
                _ => None,
            };
            let mut report = report(work.plan, finished);
            report.worker = team.map(|team| team.name().to_string());
            report.warnings.extend(recorded);
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
    for report in batch.map(TeamBatch::elsewhere).unwrap_or_default() {
        report.error.iter().for_each(|error| eprintln!("handoff: {error}"));
        report.warnings.iter().for_each(|warning| eprintln!("handoff: warning: {warning}"));
        reports.push(report);
    }
    for (file, reason) in unreadable {
        let reason = match reason.starts_with(&file.display().to_string()) {
            true => reason,
            false => format!("{}: {reason}", file.display()),
        };
        eprintln!("handoff: {reason}");
        reports.push(FileReport { error: Some(reason), ..FileReport::nothing_done(file, Status::Failed) });
    }
    reports.sort_by(|a, b| a.file.cmp(&b.file));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else if args.verbosity != Verbosity::Quiet {
        print_summary(&reports, team.map(Team::name));
    }
    let any_failed = reports.iter().any(|report| report.status == Status::Failed);
    Ok(if any_failed { Outcome::SomeFailed } else { Outcome::AllSucceeded })
}

/// The deepest folder holding every recording: the team's database keeps their paths relative
/// to it, as a watcher's relative to its inbox, so that `INBOX/jordan INBOX/sam` files each
/// call under its SDR as a watcher of INBOX would.
fn common_folder(files: &[PathBuf]) -> PathBuf {
    let mut folders = files.iter().filter_map(|file| Some(file.canonicalize().ok()?.parent()?.to_path_buf()));
    let Some(mut common) = folders.next() else { return PathBuf::from(".") };
    for folder in folders {
        while !folder.starts_with(&common) && common.pop() {}
    }
    common
}

/// `process --state`: this run's recordings, shared with the team's other workers through its
/// queue.
struct TeamBatch<'a> {
    team: &'a Team,
    /// The recordings by content: the first of several copies in this run.
    by_hash: HashMap<&'a str, &'a Planned>,
    /// The contents neither claimed here nor finished elsewhere yet.
    open: Mutex<Vec<ContentHash>>,
    /// Finished by other workers, each with its job and whether that was before this run.
    elsewhere: Mutex<Vec<(&'a Planned, Job, bool)>>,
    /// Copies of a recording of this run under another name, with the first one.
    copies: Vec<(&'a Planned, &'a Planned)>,
    progress: &'a ProgressBar,
}

impl<'a> TeamBatch<'a> {
    /// Queues every recording: what the team finished before stays as it is unless `force`.
    fn queue(team: &'a Team, files: &'a [Planned], force: bool, progress: &'a ProgressBar) -> Result<Self> {
        let (mut by_hash, mut open, mut elsewhere, mut copies) = (HashMap::new(), Vec::new(), Vec::new(), Vec::new());
        for plan in files {
            if let Some(first) = by_hash.get(plan.sha256.as_str()) {
                copies.push((plan, *first));
                continue;
            }
            by_hash.insert(plan.sha256.as_str(), plan);
            let sha256 = ContentHash::parse(&plan.sha256)?;
            let finished = match team.enqueue(&plan.sha256, &plan.file, true)? {
                Enqueued::Seen(job) if is_finished(&job) => job,
                Enqueued::New | Enqueued::Seen(_) => {
                    open.push(sha256);
                    continue;
                }
            };
            // Finished before this run began: the team has it (done again only when forced).
            // Finished since, by a run going on now: that counts for this run too, forced or not.
            let before = finished.updated_at < team.worker().started_at();
            if force && before && team.worker().redo(&sha256)? {
                open.push(sha256);
                continue;
            }
            elsewhere.push((plan, finished, before));
            progress.inc(1);
        }
        progress.inc(copies.len() as u64);
        Ok(Self { team, by_hash, open: Mutex::new(open), elsewhere: Mutex::new(elsewhere), copies, progress })
    }

    /// The next recording of this run to process here; `None` once each is finished, here or
    /// elsewhere.
    fn next(&self) -> Option<Work<'a>> {
        let claimed = self.team.next(|| self.wanted(), |error| eprintln!("handoff: {error:#}"))?;
        self.open.lock().expect("no panic while claiming").retain(|open| open.as_str() != claimed.sha256);
        let plan = self.by_hash[claimed.sha256.as_str()];
        Some(Work { plan, lease: Some(claimed.lease) })
    }

    /// The recordings still to claim, once those other workers finished are set aside.
    fn wanted(&self) -> Wanted {
        let mut open = self.open.lock().expect("no panic while claiming");
        if open.is_empty() {
            return Wanted::Nothing;
        }
        // On an error, the claim that follows reports the database's trouble and waits it out.
        if let Ok(jobs) = self.team.worker().jobs_among(&open) {
            // This run's own are reported as its pool finishes them.
            let own = Some(self.team.name());
            for job in jobs.into_iter().filter(|job| is_finished(job) && job.worker.as_deref() != own) {
                open.retain(|open| *open != job.sha256);
                let plan = self.by_hash[job.sha256.as_str()];
                self.elsewhere.lock().expect("no panic while claiming").push((plan, job, false));
                self.progress.inc(1);
            }
        }
        match open.is_empty() {
            true => Wanted::Nothing,
            false => Wanted::Among(open.clone()),
        }
    }

    /// Records in the team's database how the recording of `lease` ended; a warning when that
    /// failed (another worker took it over, the database refused).
    fn record(&self, plan: &Planned, lease: Lease, finished: &Finished<Processed>) -> Option<String> {
        let reason = match &finished.result {
            Ok(_) => String::new(),
            Err(error) => without_path_prefix(&format!("{error:#}"), &plan.file),
        };
        let ending = match &finished.result {
            Ok(processed) => Ending::Done { elapsed: finished.elapsed, processed, outputs: &plan.outputs },
            // Not the recording's fault: the next run given it tries again at once.
            Err(error) if OutputError::is_cause_of(error.as_ref()) => {
                Ending::Waiting { reason: &reason, retry_in: Duration::ZERO }
            }
            Err(_) => Ending::Failed { reason: &reason },
        };
        let recorded = self.team.finish(lease, ending, &plan.file);
        recorded.err().map(|error| format!("{}: not recorded in the team's database: {error:#}", plan.file.display()))
    }

    /// The reports of the recordings this run did not process: finished by other workers (their
    /// numbers from the handoffs they stored), and copies of this run's own.
    fn elsewhere(self) -> Vec<FileReport> {
        let elsewhere = self.elsewhere.into_inner().expect("no panic while claiming");
        let among: Vec<ContentHash> = elsewhere.iter().map(|(_, job, _)| job.sha256.clone()).collect();
        let handoffs: HashMap<String, Handoff> = match self.team.worker().handoffs_among(&among) {
            Ok(stored) => stored
                .into_iter()
                .filter_map(|stored| Some((stored.sha256.to_string(), serde_json::from_value(stored.document).ok()?)))
                .collect(),
            Err(error) => {
                eprintln!("handoff: the handoffs other workers made: {error:#}");
                HashMap::new()
            }
        };
        let mut reports: Vec<FileReport> = elsewhere
            .into_iter()
            .map(|(plan, job, before)| team_report(plan, job, before, handoffs.get(plan.sha256.as_str())))
            .collect();
        reports.extend(self.copies.into_iter().map(|(copy, first)| FileReport {
            warnings: vec![format!(
                "{}: the same recording as {}, processed once",
                copy.file.display(),
                first.file.display()
            )],
            ..FileReport::nothing_done(copy.file.clone(), Status::Skipped)
        }));
        reports
    }
}

fn is_finished(job: &Job) -> bool {
    matches!(job.state, JobState::Done | JobState::Failed)
}

/// A recording another worker finished: done, failed, or already done before this run.
fn team_report(plan: &Planned, job: Job, before: bool, handoff: Option<&Handoff>) -> FileReport {
    let worker = job.worker.as_deref().unwrap_or("another worker");
    let status = match (job.state, before) {
        (JobState::Failed, _) => Status::Failed,
        (_, true) => Status::Skipped,
        (_, false) => Status::Done,
    };
    let error = (status == Status::Failed).then(|| {
        format!(
            "{}: failed on the team's worker {worker}: {}{}",
            plan.file.display(),
            job.error.as_deref().unwrap_or("no reason recorded"),
            if before { "; --force tries it again" } else { "" }
        )
    });
    FileReport {
        duration_ms: handoff.map_or(0, |handoff| handoff.source.duration_ms),
        pains: handoff.map_or(0, |handoff| handoff.findings.pain_points.len()),
        stakeholders: handoff.map_or(0, |handoff| handoff.findings.stakeholders.len()),
        elapsed_ms: job.elapsed_ms.unwrap_or_default().unsigned_abs(),
        error,
        worker: job.worker,
        ..FileReport::nothing_done(plan.file.clone(), status)
    }
}

impl FileReport {
    /// A recording nothing was written for by this run.
    fn nothing_done(file: PathBuf, status: Status) -> Self {
        FileReport {
            file,
            status,
            duration_ms: 0,
            pains: 0,
            stakeholders: 0,
            elapsed_ms: 0,
            outputs: Vec::new(),
            error: None,
            warnings: Vec::new(),
            worker: None,
        }
    }
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
                worker: None,
            }
        }
        Err(error) => FileReport {
            elapsed_ms,
            error: Some(format!("{error:#}")),
            ..FileReport::nothing_done(file.to_path_buf(), Status::Failed)
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

/// The table; with `--state`, `own` is this run's worker name, and each row says which worker
/// processed the recording.
fn print_summary(reports: &[FileReport], own: Option<&str>) {
    let worker_column = |worker: Option<&str>| own.map(|_| format!("  {}", worker.unwrap_or("-"))).unwrap_or_default();
    println!(
        "{:<40} {:>9} {:>7} {:>6} {:>12} {:>8}{}",
        "file",
        "duration",
        "status",
        "pains",
        "stakeholders",
        "time",
        worker_column(Some("worker"))
    );
    for report in reports {
        let name = report
            .file
            .file_name()
            .map_or_else(|| report.file.display().to_string(), |n| n.to_string_lossy().into_owned());
        println!(
            "{:<40} {:>9} {:>7} {:>6} {:>12} {:>7.1}s{}",
            name,
            handoff_transcript::clock(report.duration_ms, ':'),
            match report.status {
                Status::Done => "done",
                Status::Skipped => "current",
                Status::Failed => "FAILED",
            },
            report.pains,
            report.stakeholders,
            report.elapsed_ms as f64 / 1000.0,
            worker_column(report.worker.as_deref())
        );
    }
    let count = |status| reports.iter().filter(|report| report.status == status).count();
    let by_others = reports
        .iter()
        .filter(|report| report.status == Status::Done && own.is_some() && report.worker.as_deref() != own)
        .count();
    println!(
        "{} processed{}, {} already up to date (use --force to redo), {} failed",
        count(Status::Done),
        match by_others {
            0 => String::new(),
            _ => format!(" ({by_others} of them by other workers of the team)"),
        },
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
    use super::{common_folder, plan_workers};
    use std::path::PathBuf;

    #[test]
    fn the_team_sees_paths_relative_to_the_deepest_folder_holding_every_recording() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("inbox");
        for file in ["x.wav", "jordan/y.wav", "sam/z.wav"] {
            std::fs::create_dir_all(inbox.join(file).parent().unwrap()).unwrap();
            std::fs::write(inbox.join(file), b"x").unwrap();
        }
        let inbox = inbox.canonicalize().unwrap();
        assert_eq!(common_folder(&[inbox.join("jordan/y.wav"), inbox.join("sam/z.wav")]), inbox);
        assert_eq!(common_folder(&[inbox.join("jordan/y.wav")]), inbox.join("jordan"));
        assert_eq!(common_folder(&[inbox.join("x.wav"), inbox.join("jordan/y.wav")]), inbox);
        assert_eq!(common_folder(&[]), PathBuf::from("."));
    }

    #[test]
    fn workers_never_oversubscribe_cores() {
        assert_eq!(plan_workers(Some(2), None, 10), (1, 2));
        assert_eq!(plan_workers(Some(2), Some(2), 10), (2, 1));
        assert_eq!(plan_workers(Some(16), None, 10), (4, 4));
        assert_eq!(plan_workers(Some(16), None, 1), (1, 16));
        assert_eq!(plan_workers(Some(1), Some(3), 10), (3, 1));
    }
}
