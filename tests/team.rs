//! Several `handoff watch --state` worker processes over one inbox and a real PostgreSQL
//! started by the test: each recording processed exactly once, spread over the workers, and a
//! worker killed mid-recording loses it to another once its lease expires; reviews stored for
//! the team and reported from the database. `handoff process --state` runs over one folder
//! share it the same way, and two recordings named alike never get the same output names.

mod common;

use common::*;
use handoff_teamstate::{Backoff, Connection, Database, Job, JobState, TestCluster};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(240);
/// The shortest lease the CLI takes: a killed worker's recording is taken over within seconds.
const SHORT_LEASE: &str = "3";
/// Where no worker is killed: long enough that a slow heartbeat on a loaded machine loses nothing.
const SAFE_LEASE: &str = "15";

/// A `handoff watch --state` worker process, killed if the test fails.
struct TeamWorker {
    name: String,
    child: Child,
    log: PathBuf,
}

impl TeamWorker {
    fn start(name: &str, inbox: &Path, url: &str, logs: &Path, lease_seconds: &str) -> Self {
        Self::start_with(name, inbox, url, logs, lease_seconds, &[])
    }

    fn start_with(name: &str, inbox: &Path, url: &str, logs: &Path, lease_seconds: &str, extra: &[&str]) -> Self {
        let log = logs.join(format!("{name}.log"));
        let model = model();
        let child = Command::new(env!("CARGO_BIN_EXE_handoff"))
            .arg("watch")
            .arg(inbox)
            .args(["--model", model.to_str().unwrap(), "--threads", "1", "--worker", name])
            .args(["--lease-seconds", lease_seconds, "--settle-seconds", "1", "--rescan-seconds", "1", "--verbose"])
            .args(extra)
            .env("HANDOFF_DATABASE_URL", url)
            .env_remove("HANDOFF_MODEL")
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .expect("the handoff binary starts");
        Self { name: name.to_string(), child, log }
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status().unwrap();
        assert!(status.success(), "kill -{name} {}", self.name);
    }
}

impl Drop for TeamWorker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for `child` to exit, and fails with its `log` unless it exits 0 within [`TIMEOUT`].
fn assert_exits_successfully(child: &mut Child, name: &str, log: impl Fn() -> String) {
    let started = Instant::now();
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < TIMEOUT, "{name} did not exit:\n{}", log());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{name} exited with {exit}:\n{}", log());
}

fn logs(workers: &[TeamWorker]) -> String {
    workers.iter().map(|worker| format!("--- {}:\n{}", worker.name, worker.log())).collect()
}

/// Polls the jobs table until `condition` holds, failing with the workers' logs after `TIMEOUT`.
fn wait_for(connection: &mut Connection, workers: &[TeamWorker], what: &str, condition: impl Fn(&[Job]) -> bool) {
    let started = Instant::now();
    loop {
        let jobs = connection.jobs(1000).unwrap();
        if condition(&jobs) {
            return;
        }
        assert!(started.elapsed() < TIMEOUT, "timed out waiting for {what}: {jobs:#?}\n{}", logs(workers));
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A WAV file's format chunk and samples, to make recordings of other content and length.
struct Wav {
    fmt: Vec<u8>,
    data: Vec<u8>,
}

impl Wav {
    fn read(relative: &str) -> Self {
        let bytes = fs::read(fixture(relative)).unwrap();
        let (mut fmt, mut data, mut at) = (None, None, 12);
        while at + 8 <= bytes.len() {
            let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
            let body = bytes[at + 8..(at + 8 + size).min(bytes.len())].to_vec();
            match &bytes[at..at + 4] {
                b"fmt " => fmt = Some(body),
                b"data" => data = Some(body),
                _ => {}
            }
            at += 8 + size + size % 2;
        }
        Self { fmt: fmt.expect("a fmt chunk"), data: data.expect("a data chunk") }
    }

    fn write(&self, path: &Path, data: &[u8]) {
        let mut bytes = b"RIFF".to_vec();
        bytes.extend((4 + 8 + self.fmt.len() as u32 + 8 + data.len() as u32).to_le_bytes());
        bytes.extend(b"WAVEfmt ");
        bytes.extend((self.fmt.len() as u32).to_le_bytes());
        bytes.extend(&self.fmt);
        bytes.extend(b"data");
        bytes.extend((data.len() as u32).to_le_bytes());
        bytes.extend(data);
        fs::write(path, bytes).unwrap();
    }
}

/// `count` one-second calls `call-NN.wav` in `dir`, each of its own content (one sample differs).
/// Silent, so the speech gate spares Whisper and the test stays quick: what is tested is who
/// processes what.
fn silent_calls(dir: &Path, count: usize) {
    let wav = Wav::read("formats/pcm16_16k.wav");
    for n in 0..count {
        let mut data = vec![0u8; 16_000 * 2];
        data[2 * n] = 1;
        wav.write(&dir.join(format!("call-{n:02}.wav")), &data);
    }
}

/// A throwaway PostgreSQL and a temporary folder with an empty `folder` in it, or `None` (the
/// cluster said why) when PostgreSQL is not installed.
fn cluster_and_folder(folder: &str) -> Option<(TestCluster, tempfile::TempDir, PathBuf)> {
    let cluster = TestCluster::start()?;
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join(folder);
    fs::create_dir(&path).unwrap();
    Some((cluster, root, path))
}

fn output_count(out: &Path, suffix: &str) -> usize {
    fs::read_dir(out)
        .map_or(0, |dir| dir.flatten().filter(|entry| entry.file_name().to_string_lossy().ends_with(suffix)).count())
}

#[test]
fn three_workers_process_each_recording_exactly_once_spread_over_them() {
    let Some((cluster, root, inbox)) = cluster_and_folder("inbox") else { return };
    let url = cluster.url();
    let workers: Vec<TeamWorker> = ["ws-1", "ws-2", "ws-3"]
        .iter()
        .map(|name| TeamWorker::start(name, &inbox, &url, root.path(), SAFE_LEASE))
        .collect();
    // Dropped once every worker has loaded the model, so that none gets a head start.
    let started = Instant::now();
    while !workers.iter().all(|worker| worker.log().contains(" watching ")) {
        assert!(started.elapsed() < TIMEOUT, "the workers did not start:\n{}", logs(&workers));
        std::thread::sleep(Duration::from_millis(100));
    }
    const CALLS: usize = 30;
    silent_calls(&inbox, CALLS);
    // The same content under a second name: every worker sees both, one job is made.
    fs::copy(inbox.join("call-00.wav"), inbox.join("call-00 copy.wav")).unwrap();

    let database = Database::open(&url, Backoff::INTERACTIVE, None).unwrap();
    let mut connection = database.connect();
    wait_for(&mut connection, &workers, "every call done", |jobs| {
        jobs.len() == CALLS && jobs.iter().all(|job| job.state == JobState::Done)
    });

    let jobs = connection.jobs(1000).unwrap();
    for job in &jobs {
        assert_eq!(job.attempts, 1, "claimed once: {job:?}");
        assert!(job.outputs.iter().any(|output| output.ends_with(".handoff.json")), "{job:?}");
    }
    let done_by = |name: &str| jobs.iter().filter(|job| job.worker.as_deref() == Some(name)).count();
    let spread: Vec<usize> = workers.iter().map(|worker| done_by(&worker.name)).collect();
    assert_eq!(spread.iter().sum::<usize>(), CALLS, "{spread:?}");
    assert!(spread.iter().filter(|done| **done > 0).count() >= 2, "the work is spread: {spread:?}");
    // Processed exactly once: one "done" line in all the logs per call, none for the copy.
    let all_logs = logs(&workers);
    assert_eq!(all_logs.matches(" done in ").count(), CALLS, "{all_logs}");
    let out = inbox.join("handoffs");
    assert_eq!(output_count(&out, ".handoff.json"), CALLS);
    assert_eq!(connection.handoffs(None).unwrap().len(), CALLS, "every handoff is in the team's table");

    let status = handoff(&["status", "--state", &url]);
    assert!(status.status.success(), "{}", stderr(&status));
    let table = String::from_utf8(status.stdout).unwrap();
    for worker in &workers {
        assert!(table.contains(&worker.name), "{table}");
    }
    assert!(table.contains("running") && table.contains(&format!("{CALLS} done")), "{table}");

    for worker in &workers {
        worker.signal("TERM");
    }
    for mut worker in workers {
        assert_exits_successfully(&mut worker.child, &worker.name, || {
            fs::read_to_string(&worker.log).unwrap_or_default()
        });
    }
    let stopped = connection.workers().unwrap();
    assert!(stopped.iter().all(|worker| worker.state.name() == "stopped"), "{stopped:?}");
}

#[test]
fn a_worker_killed_mid_recording_loses_it_to_another_after_the_lease() {
    let Some((cluster, root, inbox)) = cluster_and_folder("inbox") else { return };
    // 15 s of stereo speech: long enough to be killed in the middle of.
    let stereo = Wav::read("formats/stereo_pcm16_8k.wav");
    stereo.write(&inbox.join("long call.wav"), &stereo.data.repeat(2));

    let url = cluster.url();
    let mut workers: Vec<TeamWorker> =
        ["ws-a", "ws-b"].iter().map(|name| TeamWorker::start(name, &inbox, &url, root.path(), SHORT_LEASE)).collect();
    let database = Database::open(&url, Backoff::INTERACTIVE, None).unwrap();
    let mut connection = database.connect();
    wait_for(&mut connection, &workers, "the call to start", |jobs| {
        jobs.iter().any(|job| job.state == JobState::Running)
    });
    let holder = connection.jobs(10).unwrap()[0].worker.clone().unwrap();
    let killed = workers.iter().position(|worker| worker.name == holder).unwrap();
    workers[killed].signal("KILL");
    let _ = workers[killed].child.wait();

    wait_for(&mut connection, &workers, "the call to be done", |jobs| jobs[0].state == JobState::Done);
    let job = &connection.jobs(10).unwrap()[0];
    let survivor = &workers[1 - killed];
    assert_eq!(job.worker.as_deref(), Some(survivor.name.as_str()), "finished by the other worker");
    assert_eq!(job.attempts, 2, "claimed by the killed worker, then once more");
    assert!(survivor.log().contains(&format!("taking over long call.wav from worker {holder}")), "{}", survivor.log());
    assert!(!workers[killed].log().contains(" done in "), "the killed worker finished nothing");
    assert_eq!(output_count(&inbox.join("handoffs"), ".handoff.json"), 1);
    let team = connection.workers().unwrap();
    let gone = team.iter().find(|worker| worker.name == holder).unwrap();
    assert_eq!(gone.state.name(), "gone", "{gone:?}");
}

/// The CSV of `report` without its first column (the names differ: path vs SDR/path).
fn csv_numbers(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    text.lines().map(|line| line.split_once(',').unwrap().1.to_string()).collect()
}

#[test]
fn reviews_are_stored_for_the_team_and_reported_by_sdr_from_the_database() {
    let Some((cluster, root, inbox)) = cluster_and_folder("inbox") else { return };
    fs::create_dir(inbox.join("jordan")).unwrap();
    fs::copy(fixture("calls/saas_smb.opus"), inbox.join("jordan/first call.opus")).unwrap();
    let url = cluster.url();
    let workers = [TeamWorker::start_with("ws-r", &inbox, &url, root.path(), SAFE_LEASE, &["--recursive"])];
    let database = Database::open(&url, Backoff::INTERACTIVE, None).unwrap();
    let mut connection = database.connect();
    wait_for(&mut connection, &workers, "the call to be done", |jobs| {
        jobs.len() == 1 && jobs[0].state == JobState::Done
    });
    let stored = connection.handoffs(None).unwrap();
    assert_eq!(stored[0].sdr.as_deref(), Some("jordan"), "the SDR is the inbox's first folder");
    let draft = inbox.join("handoffs").join(&stored[0].path);
    let draft = draft.to_str().unwrap();

    let before = handoff(&["report", "--state", &url]);
    assert!(before.status.success(), "{}", stderr(&before));
    let table = String::from_utf8(before.stdout).unwrap();
    let row = table.lines().nth(1).unwrap_or_default();
    assert!(row.starts_with(&format!("jordan/{}", stored[0].path)) && row.contains("draft"), "{table}");

    let reviewed = handoff(&["review", draft, "--accept-all", "--reviewer", "sam", "--state", &url]);
    assert!(reviewed.status.success(), "{}", stderr(&reviewed));
    let corrections = &connection.handoffs(Some("jordan")).unwrap()[0].corrections;
    assert!(!corrections.is_empty(), "the accepts are in the team's database");
    assert!(corrections.iter().all(|c| c["action"] == "accept" && c["by"] == "sam"), "{corrections:?}");

    // The team's report and the folder's agree on every number.
    let (team_csv, folder_csv) = (root.path().join("team.csv"), root.path().join("folder.csv"));
    let team = handoff(&["report", "--state", &url, "--sdr", "jordan", "--csv", team_csv.to_str().unwrap()]);
    assert!(team.status.success(), "{}", stderr(&team));
    let out = inbox.join("handoffs");
    let folder = handoff(&["report", out.to_str().unwrap(), "--csv", folder_csv.to_str().unwrap()]);
    assert!(folder.status.success(), "{}", stderr(&folder));
    let numbers = csv_numbers(&team_csv);
    assert_eq!(numbers, csv_numbers(&folder_csv));
    let accepts: usize = numbers[1].split(',').nth(3).unwrap().parse().unwrap();
    assert_eq!(accepts, corrections.len(), "the accept column: {numbers:?}");

    let nobody = handoff(&["report", "--state", &url, "--sdr", "alex"]);
    assert!(nobody.status.success() && stderr(&nobody).contains("holds no handoff of alex"), "{}", stderr(&nobody));
}

/// A `handoff process --state` run as worker `name`, its JSON summary and log in `logs`.
struct ProcessRun {
    name: String,
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl ProcessRun {
    fn start(name: &str, url: &str, logs: &Path, inputs: &[&Path], extra: &[&str]) -> Self {
        let (stdout, stderr) = (logs.join(format!("{name}.json")), logs.join(format!("{name}.log")));
        let model = model();
        let child = Command::new(env!("CARGO_BIN_EXE_handoff"))
            .arg("process")
            .args(["--model", model.to_str().unwrap(), "--threads", "1", "--jobs", "1", "--json"])
            .args(["--worker", name, "--lease-seconds", SAFE_LEASE])
            .args(extra)
            .args(inputs)
            .env("HANDOFF_DATABASE_URL", url)
            .env_remove("HANDOFF_MODEL")
            .stdout(fs::File::create(&stdout).unwrap())
            .stderr(fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("the handoff binary starts");
        Self { name: name.to_string(), child, stdout, stderr }
    }

    /// Waits for the run to end successfully; its summary, one row per recording.
    fn finish(mut self) -> Vec<serde_json::Value> {
        assert_exits_successfully(&mut self.child, &self.name, || fs::read_to_string(&self.stderr).unwrap_or_default());
        let summary: serde_json::Value = serde_json::from_str(&fs::read_to_string(&self.stdout).unwrap()).unwrap();
        summary.as_array().unwrap().clone()
    }
}

impl Drop for ProcessRun {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The rows of a `process --json` summary a worker processed itself.
fn processed_by<'a>(rows: &'a [serde_json::Value], worker: &str) -> Vec<&'a str> {
    rows.iter()
        .filter(|row| row["status"] == "done" && row["worker"] == worker)
        .map(|row| row["file"].as_str().unwrap())
        .collect()
}

#[test]
fn two_process_runs_over_one_folder_share_it_and_each_recording_is_processed_once() {
    let Some((cluster, root, calls)) = cluster_and_folder("calls") else { return };
    const CALLS: usize = 8;
    silent_calls(&calls, CALLS);
    let url = cluster.url();
    let runs = [
        ProcessRun::start("laptop-a", &url, root.path(), &[&calls], &[]),
        ProcessRun::start("laptop-b", &url, root.path(), &[&calls], &[]),
    ];
    let summaries: Vec<(String, Vec<serde_json::Value>)> =
        runs.into_iter().map(|run| (run.name.clone(), run.finish())).collect();

    let mut processed: Vec<&str> = Vec::new();
    for (name, rows) in &summaries {
        assert_eq!(rows.len(), CALLS, "{name} reports every recording it was given: {rows:#?}");
        // Done here or by the other run; `skipped` when the other finished it before this one began
        // (a loaded machine can start one run seconds after the other).
        let by_either = |row: &serde_json::Value| ["done", "skipped"].contains(&row["status"].as_str().unwrap());
        assert!(rows.iter().all(|row| by_either(row) && row["worker"].is_string()), "{name}: {rows:#?}");
        processed.extend(processed_by(rows, name));
    }
    processed.sort();
    let before = processed.len();
    processed.dedup();
    assert_eq!((before, processed.len()), (CALLS, CALLS), "each processed by exactly one run: {summaries:#?}");

    let database = Database::open(&url, Backoff::INTERACTIVE, None).unwrap();
    let mut connection = database.connect();
    let jobs = connection.jobs(1000).unwrap();
    assert_eq!(jobs.len(), CALLS);
    for job in &jobs {
        assert_eq!((job.state, job.attempts), (JobState::Done, 1), "claimed once: {job:?}");
    }
    assert_eq!(output_count(&calls, ".handoff.json"), CALLS, "outputs next to the recordings");
    assert_eq!(connection.handoffs(None).unwrap().len(), CALLS, "every handoff is in the team's table");
    let status = handoff(&["status", "--state", &url]);
    assert!(status.status.success(), "{}", stderr(&status));
    let table = String::from_utf8(status.stdout).unwrap();
    assert!(table.contains(&format!("{CALLS} done")) && table.contains("laptop-b"), "{table}");
    let workers = connection.workers().unwrap();
    assert!(workers.iter().all(|worker| worker.state.name() == "stopped"), "{workers:?}");

    // What the team has done is skipped by a later run, unless it is forced.
    let later = ProcessRun::start("laptop-c", &url, root.path(), &[&calls], &[]).finish();
    assert!(later.iter().all(|row| row["status"] == "skipped"), "{later:#?}");
    let forced = ProcessRun::start("laptop-c", &url, root.path(), &[&calls], &["--force"]).finish();
    assert_eq!(processed_by(&forced, "laptop-c").len(), CALLS, "{forced:#?}");
    let jobs = connection.jobs(1000).unwrap();
    assert!(jobs.iter().all(|job| job.state == JobState::Done && job.attempts == 2), "{jobs:#?}");
}

#[test]
fn two_runs_naming_outputs_at_once_never_give_two_recordings_one_name() {
    let Some((cluster, root, calls)) = cluster_and_folder("calls") else { return };
    // Two recordings named `call`, each given to its own run: both runs name `call.*` at the
    // same moment, before either has written anything.
    let (wav, mp3) = (calls.join("call.wav"), calls.join("call.mp3"));
    fs::copy(fixture("formats/pcm16_16k.wav"), &wav).unwrap();
    fs::copy(fixture("formats/mp3_44k_stereo.mp3"), &mp3).unwrap();
    let url = cluster.url();
    let runs = [
        ProcessRun::start("ws-wav", &url, root.path(), &[&wav], &[]),
        ProcessRun::start("ws-mp3", &url, root.path(), &[&mp3], &[]),
    ];
    for run in runs {
        let name = run.name.clone();
        assert_eq!(processed_by(&run.finish(), &name).len(), 1, "{name} processed its recording");
    }

    let drafts: Vec<PathBuf> = fs::read_dir(&calls)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".handoff.json"))
        .collect();
    assert_eq!(drafts.len(), 2, "a draft each: {drafts:?}");
    let mut sources = Vec::new();
    for draft in &drafts {
        let stem = draft.to_string_lossy().trim_end_matches(".handoff.json").to_string();
        let transcript = json(Path::new(&format!("{stem}.transcript.json")));
        assert_eq!(json(draft)["source"]["sha256"], transcript["source"]["sha256"], "{stem}: one recording's set");
        sources.push(transcript["source"]["path"].as_str().unwrap().to_string());
    }
    sources.sort();
    assert!(sources[0].ends_with("call.mp3") && sources[1].ends_with("call.wav"), "{sources:?}");
    let names: Vec<String> =
        drafts.iter().map(|draft| draft.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(names.contains(&"call.handoff.json".to_string()), "one keeps the plain name: {names:?}");
    // The recordings are read, never changed.
    assert_eq!(fs::read(&wav).unwrap(), fs::read(fixture("formats/pcm16_16k.wav")).unwrap());
    assert_eq!(fs::read(&mp3).unwrap(), fs::read(fixture("formats/mp3_44k_stereo.mp3")).unwrap());
}

#[test]
fn two_watchers_of_a_recursive_inbox_never_give_two_recordings_one_name() {
    let Some((cluster, root, inbox)) = cluster_and_folder("inbox") else { return };
    let url = cluster.url();
    let workers: Vec<TeamWorker> = ["ws-x", "ws-y"]
        .iter()
        .map(|name| TeamWorker::start_with(name, &inbox, &url, root.path(), SAFE_LEASE, &["--recursive"]))
        .collect();
    let started = Instant::now();
    while !workers.iter().all(|worker| worker.log().contains(" watching ")) {
        assert!(started.elapsed() < TIMEOUT, "the workers did not start:\n{}", logs(&workers));
        std::thread::sleep(Duration::from_millis(100));
    }
    // Two SDRs' calls named alike, settling together: each idle worker claims one and names
    // its outputs before the other has written any.
    for (sdr, fixture_name) in [("sdr1", "formats/pcm16_16k.wav"), ("sdr2", "formats/mulaw_8k.wav")] {
        fs::create_dir(inbox.join(sdr)).unwrap();
        fs::copy(fixture(fixture_name), inbox.join(sdr).join("call.wav")).unwrap();
    }
    let database = Database::open(&url, Backoff::INTERACTIVE, None).unwrap();
    let mut connection = database.connect();
    wait_for(&mut connection, &workers, "both calls done", |jobs| {
        jobs.len() == 2 && jobs.iter().all(|job| job.state == JobState::Done)
    });
    let stored = connection.handoffs(None).unwrap();
    let mut paths: Vec<&str> = stored.iter().map(|handoff| handoff.path.as_str()).collect();
    paths.sort();
    assert!(paths[0] != paths[1] && paths.contains(&"call.handoff.json"), "{paths:?}");
    for handoff in &stored {
        let draft = json(&inbox.join("handoffs").join(&handoff.path));
        assert_eq!(draft["source"]["sha256"], handoff.sha256.as_str(), "{}: its own recording's draft", handoff.path);
    }
}
