//! Several `handoff watch --state` worker processes over one inbox and a real PostgreSQL
//! started by the test: each recording processed exactly once, spread over the workers, and a
//! worker killed mid-recording loses it to another once its lease expires; reviews stored for
//! the team and reported from the database.

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

fn output_count(out: &Path, suffix: &str) -> usize {
    fs::read_dir(out)
        .map_or(0, |dir| dir.flatten().filter(|entry| entry.file_name().to_string_lossy().ends_with(suffix)).count())
}

#[test]
fn three_workers_process_each_recording_exactly_once_spread_over_them() {
    let Some(cluster) = TestCluster::start() else { return };
    let root = tempfile::tempdir().unwrap();
    let inbox = root.path().join("inbox");
    fs::create_dir(&inbox).unwrap();
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
    // 30 one-second calls, each of its own content (one sample differs). Silent, so the speech
    // gate spares Whisper and the test stays quick: what is tested is who processes what.
    let wav = Wav::read("formats/pcm16_16k.wav");
    const CALLS: usize = 30;
    for n in 0..CALLS {
        let mut data = vec![0u8; 16_000 * 2];
        data[2 * n] = 1;
        wav.write(&inbox.join(format!("call-{n:02}.wav")), &data);
    }
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
        let started = Instant::now();
        let exit = loop {
            if let Some(status) = worker.child.try_wait().unwrap() {
                break status;
            }
            assert!(started.elapsed() < TIMEOUT, "{} did not stop:\n{}", worker.name, worker.log());
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(exit.success(), "{} exited with {exit}:\n{}", worker.name, worker.log());
    }
    let stopped = connection.workers().unwrap();
    assert!(stopped.iter().all(|worker| worker.state.name() == "stopped"), "{stopped:?}");
}

#[test]
fn a_worker_killed_mid_recording_loses_it_to_another_after_the_lease() {
    let Some(cluster) = TestCluster::start() else { return };
    let root = tempfile::tempdir().unwrap();
    let inbox = root.path().join("inbox");
    fs::create_dir(&inbox).unwrap();
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
    let Some(cluster) = TestCluster::start() else { return };
    let root = tempfile::tempdir().unwrap();
    let inbox = root.path().join("inbox");
    fs::create_dir_all(inbox.join("jordan")).unwrap();
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
