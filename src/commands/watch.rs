//! `handoff watch`: process every recording dropped into a folder, exactly once, for as long as it
//! runs and across restarts.
//!
//! The main thread owns the filesystem watcher, the settle clock and the rescans: it hashes each
//! settled file, claims new content in the journal and queues it. `--jobs` workers of the pool
//! `process` uses too take from the queue. A signal thread turns SIGINT/SIGTERM into a clean stop.
//! With `--state`, new content is queued in the team's database instead, and the workers claim
//! their jobs from there.

use super::process::plan_workers;
use super::Outcome;
use crate::inputs::{audio_files_in, has_audio_extension, is_temporary_name};
use crate::output::{OutputNamer, OutputPaths};
use crate::pipeline::{sha256_file, Pipeline, Processed};
use crate::pool::{self, Finished};
use crate::settings::{Verbosity, WatchSettings};
use crate::team_worker::{Ending, Team, Wanted};
use crate::watch::journal::{Journal, Opened};
use crate::watch::ledger::{Ledger, Offer};
use crate::watch::settle::{Fingerprint, Settler};
use crate::watch::{out_dir, state_dir};
use anyhow::{bail, Context, Result};
use handoff_document::{now, write_atomically, OutputError};
use handoff_teamstate::{Lease, Notice};
use log::{debug, error, info, warn, LevelFilter};
use notify::{EventKind, RecursiveMode, Watcher};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often settling files are looked at; events arriving in between are batched.
const TICK: Duration = Duration::from_millis(200);
/// Exit code of a second signal, which does not wait for the recording in progress.
const EXIT_INTERRUPTED: i32 = 130;

/// The first retry of a recording whose outputs could not be written; each further one waits
/// twice as long, up to [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_secs(2);
const RETRY_MAX: Duration = Duration::from_secs(300);

/// What wakes the event loop.
enum Wake {
    Files(notify::Result<notify::Event>),
    /// A job whose outputs could not be written, to queue again after its backoff.
    Retry(Job),
    Stop,
}

/// A settled recording whose content was claimed in the journal, or a job claimed from the
/// team's queue.
struct Job {
    path: PathBuf,
    sha256: String,
    /// Earlier tries that failed on the output side.
    output_failures: u32,
    /// The claim on a job of the team's queue; `None` for the journal's.
    lease: Option<Lease>,
}

impl Job {
    fn backoff(&self) -> Duration {
        RETRY_FIRST.saturating_mul(1 << self.output_failures.saturating_sub(1).min(16)).min(RETRY_MAX)
    }
}

pub fn run(args: WatchSettings) -> Result<Outcome> {
    let root =
        args.inbox.canonicalize().with_context(|| format!("{}: cannot watch this folder", args.inbox.display()))?;
    if !root.is_dir() {
        bail!("{}: not a folder", args.inbox.display());
    }
    let out = out_dir(&root, args.pipeline.out.as_deref());
    fs::create_dir_all(&out).with_context(|| format!("cannot create the output folder {}", out.display()))?;
    // Canonical, like the paths in events, so that "is this in the output folder?" is a prefix test.
    let out = out.canonicalize()?;
    // Before the ledger opens: connecting to the team's database may already have news.
    start_logging(args.verbosity);
    let (ledger, interrupted, unreadable_lines, restored_from_backup) = match args.team {
        Some(team) => {
            let notice: Notice = Arc::new(|message: &str| error!("{message}"));
            let team = Team::open(&team.database_url, team.worker, team.lease, &root, &out, notice)?;
            (Ledger::Team(Box::new(team)), Vec::new(), 0, false)
        }
        None => {
            let Opened { journal, interrupted, unreadable_lines, restored_from_backup } =
                Journal::open(&state_dir(&out))?;
            (Ledger::Local(Mutex::new(journal)), interrupted, unreadable_lines, restored_from_backup)
        }
    };
    // Before the model loads, so that a signal during the load is a clean stop too.
    let (wake, woken) = mpsc::channel();
    let stopping = Arc::new(AtomicBool::new(false));
    stop_on_signals(wake.clone(), Arc::clone(&stopping))?;
    // Kept alive until the loop ends: dropping it stops the events.
    let _events = watch_events(&root, args.recursive, wake.clone());

    // The queue has no fixed length, so the file count does not cap the workers.
    let (jobs, threads_per_job) = plan_workers(args.pipeline.threads, args.jobs, usize::MAX);
    let pipeline = Pipeline::new(&args.pipeline, threads_per_job)?;
    info!(
        "watching {} -> {} ({jobs} at a time, {threads_per_job} whisper thread(s) each{})",
        root.display(),
        out.display(),
        ledger.team().map(|team| format!(", as {}", team.describe())).unwrap_or_default()
    );
    if unreadable_lines > 0 {
        error!("skipped {unreadable_lines} torn line(s) of the journal (an earlier crash)");
    }
    if restored_from_backup {
        error!(
            "the journal in {} was empty or unreadable; restored it from its backup. Recordings finished \
             after the backup are checked again: their outputs are kept and found up to date",
            state_dir(&out).display()
        );
    }
    // Workers of the team name outputs at the same moment: their names are reserved team-wide.
    let namer = OutputNamer::new(Some(&out)).with_registry(ledger.team().map(|team| team as _));

    let (queue, queued) = mpsc::channel::<Job>();
    let queued = Mutex::new(queued);
    let worker = Worker { pipeline: &pipeline, namer: &namer, ledger: &ledger, retry: wake, root: &root };
    std::thread::scope(|scope| {
        scope.spawn(|| {
            pool::run(
                jobs,
                || worker.next(&queued, &stopping),
                |job| worker.process(job),
                |job, finished| worker.finish(job, finished),
            )
        });
        let mut inbox = Inbox {
            excluded: (out != root && out.starts_with(&root)).then_some(out.clone()),
            root: root.clone(),
            recursive: args.recursive,
            settler: Settler::new(args.settle),
            decided: HashMap::new(),
            retries: Vec::new(),
            ledger: &ledger,
            queue,
        };
        let now = Instant::now();
        for entry in interrupted {
            info!("retrying {} (interrupted)", shown(&root, Path::new(&entry.path)));
            inbox.consider(PathBuf::from(entry.path), now);
        }
        // Returns on a signal. Workers finish what they are running and leave the rest `queued`
        // for the next start; the queue closes with `inbox`, which wakes idle workers.
        inbox.run(&woken, args.rescan);
    });
    if let Ledger::Team(team) = ledger {
        // Its jobs are all finished; a worker not marked stopped is only shown as gone later.
        if let Err(error) = (*team).close() {
            error!("{error:#}");
        }
    }
    info!("stopped");
    Ok(Outcome::AllSucceeded)
}

/// Filesystem events into the loop. Without them (no inotify watches left, an unsupported
/// filesystem) the rescans still find every file, only later.
fn watch_events(root: &Path, recursive: bool, wake: Sender<Wake>) -> Option<notify::RecommendedWatcher> {
    let mode = match recursive {
        true => RecursiveMode::Recursive,
        false => RecursiveMode::NonRecursive,
    };
    // The loop may be gone while events still arrive during shutdown: nothing to tell then.
    let watcher = notify::recommended_watcher(move |event| {
        let _ = wake.send(Wake::Files(event));
    })
    .and_then(|mut watcher| watcher.watch(root, mode).map(|()| watcher));
    match watcher {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            error!("cannot watch for file events ({error}); relying on the rescans");
            None
        }
    }
}

/// First SIGINT/SIGTERM: stop taking files, finish the ones in progress, exit 0. Second: exit
/// now; the journal still says `running`, so the next start retries them.
fn stop_on_signals(wake: Sender<Wake>, stopping: Arc<AtomicBool>) -> Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM]).context("cannot install the signal handlers")?;
    std::thread::spawn(move || {
        let mut signals = signals.forever();
        if signals.next().is_some() {
            info!("stopping after the recordings in progress (signal again to quit now)");
            // Set before waking the loop, so no worker starts another recording meanwhile.
            stopping.store(true, Ordering::SeqCst);
            // The loop may already have ended; then there is nothing left to stop.
            let _ = wake.send(Wake::Stop);
        }
        if signals.next().is_some() {
            error!("quitting now; unfinished recordings are retried on the next start");
            std::process::exit(EXIT_INTERRUPTED);
        }
    });
    Ok(())
}

/// The event loop's view of the inbox: which files are waited for, and which were decided on.
struct Inbox<'a> {
    root: PathBuf,
    /// The output folder, when it is inside the inbox: never input.
    excluded: Option<PathBuf>,
    recursive: bool,
    settler: Settler,
    /// The fingerprint each file had when it was last hashed and claimed (or found already
    /// seen): rescans and stray events of unchanged files cost a `stat`, not a hash.
    decided: HashMap<PathBuf, Fingerprint>,
    /// Jobs whose outputs could not be written, with when to queue them again.
    retries: Vec<(Instant, Job)>,
    ledger: &'a Ledger,
    queue: Sender<Job>,
}

impl Inbox<'_> {
    fn run(mut self, woken: &Receiver<Wake>, rescan_every: Duration) {
        let mut next_rescan = Instant::now();
        loop {
            let now = Instant::now();
            if now >= next_rescan {
                self.rescan(now);
                next_rescan = now + rescan_every;
            }
            for (path, fingerprint) in self.settler.settled(now) {
                self.decide(path, fingerprint);
            }
            let (due, later) = std::mem::take(&mut self.retries).into_iter().partition(|(at, _)| *at <= now);
            self.retries = later;
            for (_, job) in due {
                self.queue.send(job).expect("the queue's receiver lives until the loop ends");
            }
            // Take every event until the next tick, so a burst costs one `stat` per file per
            // tick rather than per event.
            let tick = now + TICK;
            loop {
                match woken.recv_timeout(tick.saturating_duration_since(Instant::now())) {
                    Ok(Wake::Files(Ok(event))) => self.on_event(event),
                    Ok(Wake::Retry(job)) => self.retries.push((Instant::now() + job.backoff(), job)),
                    Ok(Wake::Files(Err(error))) => {
                        error!("file events: {error}; the next rescan catches up")
                    }
                    Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                    Err(RecvTimeoutError::Timeout) => break,
                }
            }
        }
    }

    fn on_event(&mut self, event: notify::Event) {
        // Our own reads (hashing, decoding) raise access events; they change nothing.
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let now = Instant::now();
        for path in event.paths {
            if path.is_dir() {
                // A folder moved in brings files that raise no events of their own.
                if self.recursive && self.is_input(&path) {
                    self.consider_all(&path, audio_files_in(&path, true), now);
                }
            } else {
                self.consider(path, now);
            }
        }
    }

    fn rescan(&mut self, now: Instant) {
        let found = audio_files_in(&self.root, self.recursive);
        if let Ok(found) = &found {
            // Forget files that are gone, so a long-running watcher does not grow.
            let present: HashSet<&PathBuf> = found.iter().collect();
            self.decided.retain(|path, _| present.contains(path));
        }
        let root = self.root.clone();
        self.consider_all(&root, found, now);
    }

    fn consider_all(&mut self, dir: &Path, found: std::io::Result<Vec<PathBuf>>, now: Instant) {
        match found {
            Ok(files) => files.into_iter().for_each(|file| self.consider(file, now)),
            Err(error) => {
                error!("cannot list {}: {error}; trying again at the next rescan", dir.display())
            }
        }
    }

    /// Starts waiting for `path` to settle, unless it is not input or has not changed since it
    /// was decided on.
    fn consider(&mut self, path: PathBuf, now: Instant) {
        if !has_audio_extension(&path) || !self.is_input(&path) {
            return;
        }
        let unchanged =
            self.decided.get(&path).is_some_and(|decided| Fingerprint::of(&path).is_ok_and(|now| now == *decided));
        if !unchanged {
            self.settler.observe(path, now);
        }
    }

    /// Inside the inbox (directly, unless recursive), outside the output folder, and with no
    /// temporary or hidden name on the way (`x.wav.part`, `.sync/x.wav`).
    fn is_input(&self, path: &Path) -> bool {
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return false;
        };
        let in_output = self.excluded.as_ref().is_some_and(|excluded| path.starts_with(excluded));
        let nested = relative.components().count() > 1;
        !in_output
            && (self.recursive || !nested)
            && !relative.components().any(|part| is_temporary_name(Path::new(part.as_os_str())))
    }

    /// Hashes a settled file and queues it if its content is new.
    fn decide(&mut self, path: PathBuf, settled_at: Fingerprint) {
        let sha256 = match sha256_file(&path) {
            Ok(sha256) => sha256,
            Err(error) => {
                // Gone or unreadable since it settled: an event or a rescan brings it back.
                error!("{error:#}");
                return;
            }
        };
        match self.ledger.offer(&sha256, &path) {
            Ok(Offer::ProcessHere) => {
                info!("queued {}", shown(&self.root, &path));
                let job = Job { path: path.clone(), sha256, output_failures: 0, lease: None };
                self.queue.send(job).expect("the queue's receiver lives until the loop ends");
            }
            Ok(Offer::Queued) => info!("queued {} for the team", shown(&self.root, &path)),
            Ok(Offer::Seen { path: first, state }) => {
                debug!("skipped {}: same content as {} ({state})", shown(&self.root, &path), shown(&self.root, &first))
            }
            Err(error) => {
                // Not decided: the next rescan tries again.
                error!("{}: {error:#}", path.display());
                return;
            }
        }
        self.decided.insert(path, settled_at);
    }
}

/// What the pool's workers share to process a job and record how it ended.
struct Worker<'a> {
    pipeline: &'a Pipeline,
    namer: &'a OutputNamer<'a>,
    ledger: &'a Ledger,
    /// Back to the event loop, for jobs to try again later.
    retry: Sender<Wake>,
    root: &'a Path,
}

impl Worker<'_> {
    /// The next job for a worker of the pool: claimed from the team's queue, or taken from this
    /// watcher's own. `None` once the watcher stops.
    fn next(&self, queued: &Mutex<Receiver<Job>>, stopping: &AtomicBool) -> Option<Job> {
        let Some(team) = self.ledger.team() else {
            // The loop ended: the queue is closed, or what is left in it waits for the next start.
            let job = queued.lock().expect("no panic while taking a job").recv().ok()?;
            return (!stopping.load(Ordering::SeqCst)).then_some(job);
        };
        // A job claimed is processed even when a stop comes meanwhile: it is in progress.
        let wanted = || match stopping.load(Ordering::SeqCst) {
            true => Wanted::Nothing,
            false => Wanted::Any,
        };
        let claimed = team.next(wanted, |error| error!("{error:#}"))?;
        if let Some(worker) = &claimed.taken_over_from {
            info!("taking over {} from worker {worker} (its lease expired)", shown(self.root, &claimed.path));
        }
        let (path, sha256) = (claimed.path, claimed.sha256);
        Some(Job { path, sha256, output_failures: claimed.earlier_attempts, lease: Some(claimed.lease) })
    }

    fn record(&self, job: &Job, result: Result<()>) {
        if let Err(error) = result {
            error!("{}: {error:#}", job.path.display());
        }
    }

    /// Tells the ledger how `job` ended, giving back its claim on the team's queue.
    fn record_ending(&self, job: &mut Job, ending: Ending) {
        let result = self.ledger.finish(&job.sha256, job.lease.take(), &job.path, ending);
        self.record(job, result);
    }

    fn process(&self, job: &Job) -> Result<(OutputPaths, Processed)> {
        self.record(job, self.ledger.start(&job.sha256));
        let outputs = self.namer.claim(&job.path, &job.sha256)?;
        self.pipeline.process(&job.path, job.sha256.clone(), &outputs, false).map(|processed| (outputs, processed))
    }

    /// Records how `job` ended: in the ledger, the log and, for a failed recording, a note.
    fn finish(&self, mut job: Job, finished: Finished<(OutputPaths, Processed)>) {
        let Finished { result, elapsed } = finished;
        let note = self.namer.plain(&job.path).path("error.txt");
        match result {
            Ok((outputs, processed)) => {
                // A fixed copy of a recording that failed before: the old note no longer applies.
                if let Err(error) = fs::remove_file(&note) {
                    if error.kind() != std::io::ErrorKind::NotFound {
                        error!("cannot remove {}: {error}", note.display());
                    }
                }
                info!(
                    "done in {:.1}s {} -> {}{}",
                    elapsed.as_secs_f64(),
                    shown(self.root, &job.path),
                    outputs.path("*").display(),
                    match processed.truncated {
                        true => " (warning: the file ends early; transcribed what is there)",
                        false => "",
                    }
                );
                for warning in &processed.warnings {
                    warn!("warning: {warning}");
                }
                self.record_ending(&mut job, Ending::Done { elapsed, processed: &processed, outputs: &outputs });
            }
            // Not the recording's fault: it stays pending and is tried again, later and later.
            Err(error) if OutputError::is_cause_of(error.as_ref()) => {
                job.output_failures += 1;
                let reason = without_path_prefix(&format!("{error:#}"), &job.path);
                error!(
                    "waiting: {}: {reason}; trying again in {}s",
                    shown(self.root, &job.path),
                    job.backoff().as_secs()
                );
                let retry_in = job.backoff();
                self.record_ending(&mut job, Ending::Waiting { reason: &reason, retry_in });
                // The team's queue hands it to whichever worker is free once the backoff is over.
                if self.ledger.team().is_none() {
                    // The loop has ended (a stop): the journal says `waiting`, so the next start retries.
                    let _ = self.retry.send(Wake::Retry(job));
                }
            }
            Err(error) => {
                let reason = without_path_prefix(&format!("{error:#}"), &job.path);
                let wrote_note = write_atomically(&note, &error_note(&job, &reason));
                error!(
                    "failed: {}: {reason}{}",
                    shown(self.root, &job.path),
                    match &wrote_note {
                        Ok(()) => format!(" (see {})", note.display()),
                        Err(error) => format!(" (and cannot write the note: {error:#})"),
                    }
                );
                self.record_ending(&mut job, Ending::Failed { reason: &reason });
            }
        }
    }
}

/// `<out>/<name>.error.txt`: what a person finding it next to the handoffs needs.
fn error_note(job: &Job, reason: &str) -> String {
    format!(
        "handoff could not process this recording.\n\
         \n\
         File:    {}\n\
         SHA-256: {}\n\
         When:    {}\n\
         Reason:  {reason}\n\
         \n\
         What to do: the recording was left untouched. Check that it plays to the end in an audio\n\
         player. If it is cut short or in another format, export it again (WAV, MP3, M4A, FLAC,\n\
         OGG or Opus) and drop the new file into the inbox, under the same or a new name: changed\n\
         content is picked up automatically and this note is removed once it succeeds. The same\n\
         content is not retried; `handoff status` lists it as failed.\n",
        job.path.display(),
        job.sha256,
        now(),
    )
}

/// Decoder errors start with the recording's path, which the log line and the note already show.
pub(crate) fn without_path_prefix(reason: &str, path: &Path) -> String {
    let prefix = format!("{}: ", path.display());
    reason.strip_prefix(&prefix).unwrap_or(reason).to_string()
}

/// A recording as the user dropped it: relative to the inbox.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// One line per event on stderr, timestamped, as a long-running process's log should be: errors
/// and warnings always; queued, done, started and stopped unless `--quiet`; skipped duplicates
/// only with `--verbose`. Only this program's own lines: the libraries' would drown them.
fn start_logging(verbosity: Verbosity) {
    let level = match verbosity {
        Verbosity::Quiet => LevelFilter::Warn,
        Verbosity::Normal => LevelFilter::Info,
        Verbosity::Verbose => LevelFilter::Debug,
    };
    env_logger::Builder::new()
        .filter_level(LevelFilter::Off)
        .filter_module(env!("CARGO_CRATE_NAME"), level)
        .format(|out, record| writeln!(out, "{} {}", now(), record.args()))
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_lose_the_path_the_line_already_shows() {
        let path = Path::new("/inbox/call 1.wav");
        assert_eq!(without_path_prefix("/inbox/call 1.wav: invalid audio header: x", path), "invalid audio header: x");
        assert_eq!(without_path_prefix("model failed", path), "model failed");
    }
}
