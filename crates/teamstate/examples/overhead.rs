//! The database's cost per job: what one worker spends in PostgreSQL for one recording (queue
//! it, claim it, store its handoff, finish it), timed over many jobs against a real database.
//!
//! usage: overhead URL [JOBS] [HANDOFF.json]
//! The handoff document (default: a small one) is stored with every job, as `watch` stores the
//! real draft. Use an empty database: the jobs are made up (sha256 of the job number) and stay.
//! Heartbeats are left out: one per worker per third of the lease, not one per job.

use handoff_teamstate::{Backoff, ContentHash, Database, Finish, HandoffRecord, HandoffStatus, Worker, WorkerName};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(url) = args.first() else {
        eprintln!("usage: overhead URL [JOBS] [HANDOFF.json]");
        return ExitCode::from(2);
    };
    match run(url, args.get(1).map(String::as_str), args.get(2).map(String::as_str)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("overhead: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(url: &str, jobs: Option<&str>, handoff: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let jobs: u32 = jobs.map(str::parse).transpose()?.unwrap_or(500);
    let document: serde_json::Value = match handoff {
        Some(path) => serde_json::from_str(&std::fs::read_to_string(path)?)?,
        None => serde_json::json!({"status": "draft", "findings": {}}),
    };
    let database = Database::open(url, Backoff::INTERACTIVE, None)?;
    let worker = Worker::register(&database, WorkerName::parse("overhead")?, Duration::from_secs(30))?;
    let mut spent = [Duration::ZERO; 4];
    let timed = |slot: &mut Duration, started: Instant| *slot += started.elapsed();
    for n in 0..jobs {
        let sha256 = ContentHash::parse(&format!("{:064x}", 0xbe4c_0000_u64 + u64::from(n)))?;
        let started = Instant::now();
        worker.enqueue(&sha256, &format!("bench/call-{n}.wav"))?;
        timed(&mut spent[0], started);

        let started = Instant::now();
        let claimed = worker.claim()?.ok_or("the job just queued was not claimable: use an empty database")?;
        timed(&mut spent[1], started);

        let started = Instant::now();
        let path = format!("call-{n}.handoff.json");
        worker.store_handoff(&HandoffRecord {
            sha256: claimed.lease.sha256(),
            path: &path,
            sdr: Some("bench"),
            call_date: None,
            status: HandoffStatus::Draft,
            document: &document,
        })?;
        timed(&mut spent[2], started);

        let started = Instant::now();
        let outputs = vec![path.clone()];
        worker.finish(claimed.lease, Finish::Done { outputs, elapsed: Duration::from_secs(1) })?;
        timed(&mut spent[3], started);
    }
    worker.stop()?;
    let per_job = |spent: Duration| spent.as_secs_f64() * 1000.0 / f64::from(jobs);
    let total: Duration = spent.iter().sum();
    println!(
        "database overhead per job: {:.2} ms (queue {:.2}, claim {:.2}, store handoff {:.2}, finish {:.2}) over {jobs} jobs, \
         handoff document {} bytes",
        per_job(total),
        per_job(spent[0]),
        per_job(spent[1]),
        per_job(spent[2]),
        per_job(spent[3]),
        document.to_string().len()
    );
    Ok(())
}
