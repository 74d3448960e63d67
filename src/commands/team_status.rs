//! `handoff status --state URL`: the team's workers (heartbeat, current files) and its queue.

use super::Outcome;
use anyhow::Result;
use handoff_document::rfc3339;
use handoff_teamstate::{Job, JobState, WorkerInfo};
use serde_json::{json, Value};

const HASH_PREFIX: usize = 12;
/// Finished jobs shown: the latest ones; a team finishes thousands a day.
const FINISHED_SHOWN: i64 = 20;

pub fn run(url: &str, json: bool) -> Result<Outcome> {
    let database = crate::team::open_database(url)?;
    let mut connection = database.connect();
    let workers = connection.workers()?;
    let counts = connection.counts()?;
    let mut jobs = connection.jobs(FINISHED_SHOWN)?;
    // Unfinished first (queued, running, waiting), as that is what a person checking looks for.
    jobs.sort_by_key(|job| job.state);

    if json {
        let counts: serde_json::Map<String, Value> =
            JobState::ALL.iter().map(|state| (state.name().to_string(), Value::from(counts.get(*state)))).collect();
        let report = json!({
            "database": database.url().to_string(),
            "workers": workers.iter().map(worker_json).collect::<Vec<_>>(),
            "counts": counts,
            "jobs": jobs.iter().map(job_json).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(Outcome::AllSucceeded);
    }

    println!("database: {}", database.url());
    if workers.is_empty() {
        println!("workers: none yet (start `handoff watch INBOX --state ...` on each machine)");
    } else {
        println!("{:<16} {:<16} {:>7} {:<8} {:>10}  current", "worker", "host", "pid", "state", "heartbeat");
        for worker in &workers {
            println!(
                "{:<16} {:<16} {:>7} {:<8} {:>10}  {}",
                worker.name,
                worker.host,
                worker.pid,
                worker.state.name(),
                format!("{}s ago", worker.heartbeat_age.as_secs()),
                worker.current.join(", ")
            );
        }
    }
    if !jobs.is_empty() {
        println!();
        println!("{:<8} {:<20} {:<16} {:>5} {:<HASH_PREFIX$} file", "state", "when", "worker", "tries", "sha256");
    }
    for job in &jobs {
        println!(
            "{:<8} {:<20} {:<16} {:>5} {:<HASH_PREFIX$} {}",
            job.state.name(),
            rfc3339(job.updated_at),
            job.worker.as_deref().unwrap_or("-"),
            job.attempts,
            &job.sha256.as_str()[..HASH_PREFIX],
            job.path
        );
        if let Some(error) = &job.error {
            println!("{:<8} error: {error}", "");
        }
    }
    let summary: Vec<String> = JobState::ALL
        .iter()
        .filter(|state| **state != JobState::Waiting || counts.get(**state) > 0)
        .map(|state| format!("{} {}", counts.get(*state), state.name()))
        .collect();
    println!("{}", summary.join(", "));
    let finished = counts.get(JobState::Done) + counts.get(JobState::Failed);
    if finished > FINISHED_SHOWN {
        println!("(the latest {FINISHED_SHOWN} finished recordings shown; --json has the same)");
    }
    Ok(Outcome::AllSucceeded)
}

fn worker_json(worker: &WorkerInfo) -> Value {
    json!({
        "name": worker.name,
        "host": worker.host,
        "pid": worker.pid,
        "state": worker.state.name(),
        "started_at": rfc3339(worker.started_at),
        "last_heartbeat": rfc3339(worker.last_heartbeat),
        "heartbeat_age_seconds": worker.heartbeat_age.as_secs_f64(),
        "current": worker.current,
    })
}

fn job_json(job: &Job) -> Value {
    json!({
        "sha256": job.sha256.as_str(),
        "path": job.path,
        "state": job.state.name(),
        "worker": job.worker,
        "attempts": job.attempts,
        "error": job.error,
        "outputs": job.outputs,
        "elapsed_ms": job.elapsed_ms,
        "queued_at": rfc3339(job.queued_at),
        "updated_at": rfc3339(job.updated_at),
    })
}
