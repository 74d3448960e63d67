//! The queue against a real PostgreSQL, started by each test: many workers, dead workers, a
//! duplicate under two names, the database restarting mid-run.

use handoff_teamstate::{
    Backoff, Connection, ContentHash, Database, Enqueued, Error, Finish, HandoffRecord, HandoffStatus, JobState,
    ReviewRecord, TestCluster, Worker, WorkerName, WorkerState,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(60);

/// A cluster and its database, or `None` when PostgreSQL is not installed (the cluster says so).
fn database() -> Option<(TestCluster, Database)> {
    let cluster = TestCluster::start()?;
    let database = Database::open(&cluster.url(), Backoff::INTERACTIVE, None).expect("the database opens");
    Some((cluster, database))
}

fn hash(n: usize) -> ContentHash {
    ContentHash::parse(&format!("{n:064x}")).unwrap()
}

fn name(name: &str) -> WorkerName {
    WorkerName::parse(name).unwrap()
}

fn done(elapsed_ms: u64) -> Finish {
    Finish::Done { outputs: vec!["call.handoff.json".into()], elapsed: Duration::from_millis(elapsed_ms) }
}

/// Claims and finishes until no job is left unfinished, "processing" each for `work`; returns
/// the ids this worker finished.
fn work_until_empty(database: &Database, worker: &Worker, work: Duration) -> Vec<String> {
    let mut connection = database.connect();
    let mut finished = Vec::new();
    let started = Instant::now();
    loop {
        assert!(started.elapsed() < TIMEOUT, "{} did not see the queue empty", worker.name());
        match worker.claim().unwrap() {
            Some(claimed) => {
                std::thread::sleep(work);
                let sha256 = claimed.lease.sha256().to_string();
                match worker.finish(claimed.lease, done(work.as_millis() as u64)) {
                    Ok(()) => finished.push(sha256),
                    // Taken over after a lost claim reply; the other worker's finish counts.
                    Err(Error::LeaseLost { .. }) => {}
                    Err(error) => panic!("{error}"),
                }
            }
            None => {
                let counts = connection.counts().unwrap();
                if [JobState::Queued, JobState::Running, JobState::Waiting].iter().all(|s| counts.get(*s) == 0) {
                    return finished;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

const RACES: usize = 20;

/// Two threads with a connection each, making `attempt` of race `n` (of [`RACES`]) at the same
/// moment, one as each of `sides`: what every attempt returned, per side.
fn race<S: Copy + Send>(
    database: &Database,
    sides: [S; 2],
    attempt: impl Fn(&mut Connection, S, usize) -> bool + Sync,
) -> [Vec<bool>; 2] {
    let barrier = Barrier::new(2);
    std::thread::scope(|scope| {
        let handles = sides.map(|side| {
            let (barrier, attempt) = (&barrier, &attempt);
            scope.spawn(move || {
                let mut connection = database.connect();
                (0..RACES)
                    .map(|n| {
                        barrier.wait();
                        attempt(&mut connection, side, n)
                    })
                    .collect()
            })
        });
        handles.map(|handle| handle.join().unwrap())
    })
}

fn assert_one_wins_each_race(outcomes: &[Vec<bool>; 2], what: &str) {
    for (n, (first, second)) in outcomes[0].iter().zip(&outcomes[1]).enumerate() {
        assert!(first ^ second, "race {n}: {what}");
    }
}

fn assert_each_finished_once(finished: &[Vec<String>], jobs: usize) {
    let mut times: HashMap<&str, usize> = HashMap::new();
    for sha256 in finished.iter().flatten() {
        *times.entry(sha256).or_default() += 1;
    }
    assert_eq!(times.len(), jobs, "every job finished");
    let doubled: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "finished more than once: {doubled:?}");
}

#[test]
fn workers_claiming_at_once_finish_each_job_exactly_once() {
    let Some((_cluster, database)) = database() else { return };
    let mut connection = database.connect();
    const JOBS: usize = 40;
    for n in 0..JOBS {
        assert!(matches!(connection.enqueue(&hash(n), &format!("call-{n}.wav")).unwrap(), Enqueued::New));
    }
    let claimed_twice = Arc::new(Mutex::new(HashMap::<String, usize>::new()));
    let finished: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|n| {
                let (database, claimed_twice) = (&database, Arc::clone(&claimed_twice));
                scope.spawn(move || {
                    let worker = Worker::register(database, name(&format!("w{n}")), Duration::from_secs(30)).unwrap();
                    let _heartbeat = worker.heartbeat();
                    let finished = work_until_empty(database, &worker, Duration::from_millis(15));
                    for sha256 in &finished {
                        *claimed_twice.lock().unwrap().entry(sha256.clone()).or_default() += 1;
                    }
                    finished
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });
    assert_each_finished_once(&finished, JOBS);
    let busy = finished.iter().filter(|jobs| !jobs.is_empty()).count();
    assert!(busy >= 2, "the work is spread over the workers: {:?}", finished.iter().map(Vec::len).collect::<Vec<_>>());
    let counts = connection.counts().unwrap();
    assert_eq!(counts.get(JobState::Done), JOBS as i64);
    // Nobody's lease expired, so nobody claimed a job a second time.
    for job in connection.jobs(100).unwrap() {
        assert_eq!(job.attempts, 1, "{job:?}");
        assert_eq!(job.outputs, ["call.handoff.json"]);
    }
}

#[test]
fn the_same_content_under_two_names_is_one_job_however_the_race_goes() {
    let Some((_cluster, database)) = database() else { return };
    let outcomes = race(&database, ["monday.wav", "monday copy.wav"], |connection, path, n| {
        match connection.enqueue(&hash(n), path).unwrap() {
            Enqueued::New => true,
            Enqueued::Seen(job) => {
                assert_ne!(job.path, path, "seen under the other name");
                false
            }
        }
    });
    assert_one_wins_each_race(&outcomes, "exactly one name queues the content");
    let mut connection = database.connect();
    assert_eq!(connection.counts().unwrap().get(JobState::Queued), RACES as i64);
    // Finished content stays seen: a copy dropped later is not processed again.
    let worker = Worker::register(&database, name("solo"), Duration::from_secs(30)).unwrap();
    let claimed = worker.claim().unwrap().unwrap();
    let sha256 = claimed.lease.sha256().clone();
    worker.finish(claimed.lease, done(1)).unwrap();
    match connection.enqueue(&sha256, "tuesday.wav").unwrap() {
        Enqueued::Seen(job) => assert_eq!(job.state, JobState::Done),
        Enqueued::New => panic!("finished content queued again"),
    }
}

#[test]
fn a_worker_that_stops_heartbeating_loses_its_job_to_another_and_it_is_done_once() {
    let Some((_cluster, database)) = database() else { return };
    // Renewed every second: a loaded machine can be late by a beat without losing the job.
    let lease = Duration::from_secs(3);
    let mut connection = database.connect();
    connection.enqueue(&hash(1), "call.wav").unwrap();
    connection.enqueue(&hash(2), "other.wav").unwrap();

    // A heartbeat keeps a job held well past its lease.
    let keeper = Worker::register(&database, name("keeper"), lease).unwrap();
    let heartbeat = keeper.heartbeat();
    let kept = keeper.claim().unwrap().unwrap();
    let thief = Worker::register(&database, name("thief"), lease).unwrap();
    let held_until = Instant::now() + lease * 2;
    while Instant::now() < held_until {
        let stolen = thief.claim().unwrap();
        assert!(
            stolen.as_ref().is_none_or(|claimed| claimed.lease.sha256() != kept.lease.sha256()),
            "a heartbeating worker's job was taken over"
        );
        if let Some(claimed) = stolen {
            thief.finish(claimed.lease, done(1)).unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    // Killed: the heartbeat stops, the process never finishes the job.
    drop(heartbeat);
    let killed_at = Instant::now();
    let taken = loop {
        if let Some(claimed) = thief.claim().unwrap() {
            break claimed;
        }
        assert!(killed_at.elapsed() < TIMEOUT, "the job was never taken over");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(killed_at.elapsed() >= lease / 3, "taken over only after the lease ran out");
    assert_eq!(taken.lease.sha256(), kept.lease.sha256());
    assert_eq!(taken.taken_over_from.as_deref(), Some("keeper"));
    thief.finish(taken.lease, done(5)).unwrap();

    // The first worker comes back to finish: refused, and the job stays done by the thief.
    match keeper.finish(kept.lease, Finish::Failed { error: "late".into() }) {
        Err(Error::LeaseLost { state: JobState::Done, holder, .. }) => assert_eq!(holder.as_deref(), Some("thief")),
        other => panic!("a lost lease was finished: {other:?}"),
    }
    let job = connection.job(&hash(1)).unwrap().unwrap();
    assert_eq!((job.state, job.worker.as_deref(), job.attempts), (JobState::Done, Some("thief"), 2));
    let workers = connection.workers().unwrap();
    let keeper_info = workers.iter().find(|w| w.name == "keeper").unwrap();
    assert_eq!(keeper_info.state, WorkerState::Gone, "no heartbeat for longer than its lease");
}

#[test]
fn a_recording_that_keeps_killing_workers_is_failed_not_retried_forever() {
    let Some((_cluster, database)) = database() else { return };
    let lease = Duration::from_millis(200);
    database.connect().enqueue(&hash(7), "poison.wav").unwrap();
    let worker = Worker::register(&database, name("w"), lease).unwrap();
    // No heartbeat: each claim dies with its lease, as a worker crashing on the file would.
    let mut claims = 0;
    let started = Instant::now();
    while started.elapsed() < TIMEOUT {
        match worker.claim().unwrap() {
            Some(_) => claims += 1,
            None if claims > 0 && database.connect().counts().unwrap().get(JobState::Failed) == 1 => break,
            None => {}
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(claims, 3, "three workers died on it, then no fourth");
    let job = database.connect().job(&hash(7)).unwrap().unwrap();
    assert_eq!(job.state, JobState::Failed);
    assert!(job.error.unwrap().contains("3 workers stopped"));
}

#[test]
fn outputs_that_cannot_be_written_are_retried_after_the_backoff_and_failures_are_final() {
    let Some((_cluster, database)) = database() else { return };
    let worker = Worker::register(&database, name("w"), Duration::from_secs(30)).unwrap();
    let mut connection = database.connect();
    connection.enqueue(&hash(1), "full-disk.wav").unwrap();
    connection.enqueue(&hash(2), "corrupt.wav").unwrap();

    let first = worker.claim().unwrap().unwrap();
    let retry_in = Duration::from_millis(700);
    worker.finish(first.lease, Finish::Waiting { error: "disk full".into(), retry_in }).unwrap();
    let second = worker.claim().unwrap().unwrap();
    assert_eq!(second.lease.sha256(), &hash(2), "the waiting job is not due yet");
    worker.finish(second.lease, Finish::Failed { error: "not audio".into() }).unwrap();
    assert!(worker.claim().unwrap().is_none(), "waiting, failed: nothing to claim yet");
    let waiting = connection.job(&hash(1)).unwrap().unwrap();
    assert_eq!((waiting.state, waiting.error.as_deref()), (JobState::Waiting, Some("disk full")));

    std::thread::sleep(retry_in);
    let retried = worker.claim().unwrap().expect("due for its retry");
    assert_eq!(retried.lease.sha256(), &hash(1));
    worker.finish(retried.lease, done(3)).unwrap();
    let job = connection.job(&hash(1)).unwrap().unwrap();
    assert_eq!((job.state, job.attempts, job.error), (JobState::Done, 2, None));
    assert!(worker.claim().unwrap().is_none(), "a failed recording is not retried");
}

#[test]
fn a_process_run_claims_only_what_it_was_given_and_watchers_adopt_it_when_they_find_it() {
    let Some((_cluster, database)) = database() else { return };
    let run = Worker::register(&database, name("laptop"), Duration::from_secs(30)).unwrap();
    let watcher = Worker::register(&database, name("ws-1"), Duration::from_secs(30)).unwrap();
    for n in 1..=3 {
        assert!(matches!(run.enqueue_from_process(&hash(n), &format!("call-{n}.wav")).unwrap(), Enqueued::New));
    }
    // Its paths are relative to the run's folder, which a watcher may not have: never its job.
    assert!(watcher.claim().unwrap().is_none(), "a watcher claims no job a process run queued");
    let claimed = run.claim_among(&[hash(2), hash(9)]).unwrap().expect("its own recording");
    assert_eq!((claimed.lease.sha256(), claimed.path.as_str()), (&hash(2), "call-2.wav"));
    assert!(run.claim_among(&[hash(2)]).unwrap().is_none(), "running: claimed once");
    run.finish(claimed.lease, done(5)).unwrap();

    // A watcher finding the same content under its inbox makes the job its own, path and all.
    match watcher.enqueue(&hash(3), "jordan/call-3.wav").unwrap() {
        Enqueued::Seen(job) => assert_eq!(job.state, JobState::Queued),
        Enqueued::New => panic!("one job per content"),
    }
    let adopted = watcher.claim().unwrap().expect("adopted by the watchers");
    assert_eq!((adopted.lease.sha256(), adopted.path.as_str()), (&hash(3), "jordan/call-3.wav"));
    // And a run claims the watchers' jobs of its recordings as well as its own.
    watcher.enqueue(&hash(4), "call-4.wav").unwrap();
    assert_eq!(run.claim_among(&[hash(1), hash(4)]).unwrap().unwrap().lease.sha256(), &hash(1));
    assert_eq!(run.claim_among(&[hash(1), hash(4)]).unwrap().unwrap().lease.sha256(), &hash(4));
    let states: Vec<(ContentHash, JobState)> =
        run.jobs_among(&[hash(2), hash(3), hash(7)]).unwrap().into_iter().map(|job| (job.sha256, job.state)).collect();
    assert_eq!(states.len(), 2, "no job for content nobody queued: {states:?}");
    assert!(states.contains(&(hash(2), JobState::Done)) && states.contains(&(hash(3), JobState::Running)));
}

#[test]
fn a_forced_redo_queues_a_finished_recording_again_once_however_many_runs_force_it() {
    let Some((_cluster, database)) = database() else { return };
    let earlier = Worker::register(&database, name("monday"), Duration::from_secs(30)).unwrap();
    earlier.enqueue_from_process(&hash(1), "call.wav").unwrap();
    let claimed = earlier.claim_among(&[hash(1)]).unwrap().unwrap();
    earlier.finish(claimed.lease, Finish::Failed { error: "not audio".into() }).unwrap();
    // The database's clock moves on between the finish and the forced runs' start.
    std::thread::sleep(Duration::from_millis(20));

    let (first, second) = (
        Worker::register(&database, name("forced-1"), Duration::from_secs(30)).unwrap(),
        Worker::register(&database, name("forced-2"), Duration::from_secs(30)).unwrap(),
    );
    assert!(first.redo(&hash(1)).unwrap(), "finished before the forced run started");
    assert!(!second.redo(&hash(1)).unwrap(), "queued already");
    let claimed = first.claim_among(&[hash(1)]).unwrap().unwrap();
    assert!(!second.redo(&hash(1)).unwrap(), "running");
    first.finish(claimed.lease, done(2)).unwrap();
    assert!(!second.redo(&hash(1)).unwrap(), "done by a forced run going on now: not twice");
    let job = database.connect().job(&hash(1)).unwrap().unwrap();
    assert_eq!((job.state, job.attempts, job.error), (JobState::Done, 2, None));
    assert!(!first.redo(&hash(5)).unwrap(), "no job: nothing to redo");
}

#[test]
fn an_output_name_belongs_to_the_first_content_that_reserves_it() {
    let Some((_cluster, database)) = database() else { return };
    let won = race(&database, [1, 2], |connection, content, n| {
        connection.reserve_output_name(&format!("call-{n}"), &hash(content)).unwrap()
    });
    assert_one_wins_each_race(&won, "exactly one content gets the name");
    let mut connection = database.connect();
    let owner = if won[0][0] { hash(1) } else { hash(2) };
    assert!(connection.reserve_output_name("call-0", &owner).unwrap(), "the owner asking again keeps it");
}

#[test]
fn the_database_restarting_mid_run_loses_nothing_and_doubles_nothing() {
    let Some(cluster) = TestCluster::start() else { return };
    let reconnects = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&reconnects);
    let notice = Arc::new(move |_: &str| {
        counted.fetch_add(1, Ordering::SeqCst);
    });
    let database = Database::open(&cluster.url(), Backoff::PATIENT, Some(notice)).unwrap();
    let mut connection = database.connect();
    const JOBS: usize = 30;
    for n in 0..JOBS {
        connection.enqueue(&hash(n), &format!("call-{n}.wav")).unwrap();
    }
    let postmaster_started = |connection: &mut handoff_teamstate::Connection| {
        connection.job(&hash(0)).unwrap();
        let mut client = postgres::Client::connect(&cluster.url(), postgres::NoTls).unwrap();
        client.query_one("SELECT pg_postmaster_start_time()::text", &[]).unwrap().get::<_, String>(0)
    };
    let before = postmaster_started(&mut connection);

    let finished: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|n| {
                let database = &database;
                scope.spawn(move || {
                    // Longer than the downtime, so the restart alone takes no job over.
                    let worker = Worker::register(database, name(&format!("w{n}")), Duration::from_secs(6)).unwrap();
                    let _heartbeat = worker.heartbeat();
                    work_until_empty(database, &worker, Duration::from_millis(60))
                })
            })
            .collect();
        // Restart once a few jobs are done and most are not.
        let started = Instant::now();
        while connection.counts().unwrap().get(JobState::Done) < 5 {
            assert!(started.elapsed() < TIMEOUT, "the workers did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        cluster.restart(Duration::from_secs(1));
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });

    assert_ne!(postmaster_started(&mut connection), before, "the server was restarted");
    assert!(reconnects.load(Ordering::SeqCst) > 0, "the workers lost their connections and reconnected");
    assert_each_finished_once(&finished, JOBS);
    let counts = connection.counts().unwrap();
    assert_eq!(counts.get(JobState::Done), JOBS as i64, "{counts:?}");
}

#[test]
fn one_live_process_per_worker_name() {
    let Some((cluster, database)) = database() else { return };
    let first = Worker::register(&database, name("ws-03"), Duration::from_secs(30)).unwrap();
    // The row as another process would have made it: the same process registering again (a
    // reply lost and the statement repeated) is let through.
    let mut client = postgres::Client::connect(&cluster.url(), postgres::NoTls).unwrap();
    client.execute("UPDATE workers SET pid = pid + 1 WHERE name = 'ws-03'", &[]).unwrap();
    let error = Worker::register(&database, name("ws-03"), Duration::from_secs(30)).err().unwrap();
    assert!(matches!(error, Error::WorkerNameInUse { .. }), "{error}");
    assert!(error.to_string().contains("another --worker name"), "{error}");
    first.stop().unwrap();
    let workers = database.connect().workers().unwrap();
    assert_eq!(workers[0].state, WorkerState::Stopped);
    Worker::register(&database, name("ws-03"), Duration::from_secs(30)).expect("a stopped worker's name is free");
    assert!(WorkerName::parse("").is_err() && WorkerName::parse("a\nb").is_err());
}

#[test]
fn migrations_are_applied_once_when_workers_start_together() {
    let Some(cluster) = TestCluster::start() else { return };
    let url = cluster.url();
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            (0..4).map(|_| scope.spawn(|| Database::open(&url, Backoff::INTERACTIVE, None).map(drop))).collect();
        for handle in handles {
            handle.join().unwrap().expect("every worker opens the database");
        }
    });
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let applied: i64 = client.query_one("SELECT count(*) FROM refinery_schema_history", &[]).unwrap().get(0);
    assert_eq!(applied, 3, "V1 to V3, each once");
}

#[test]
fn handoffs_and_their_corrections_are_listed_by_sdr() {
    let Some((_cluster, database)) = database() else { return };
    let mut connection = database.connect();
    let document = serde_json::json!({"status": "draft", "summary": {"company": "Acme"}});
    for (n, sdr, date) in [(1, Some("jordan"), Some("2026-11-24")), (2, Some("alex"), None), (3, None, None)] {
        let record = HandoffRecord {
            sha256: &hash(n),
            path: &format!("call-{n}.handoff.json"),
            sdr,
            call_date: date,
            status: HandoffStatus::Draft,
            document: &document,
        };
        connection.store_handoff(&record).unwrap();
    }
    let accept = serde_json::json!({"kind": "accept", "item": "pain-1"});
    let edit = serde_json::json!({"kind": "edit", "item": "pain-2"});
    assert_eq!(connection.store_corrections(&hash(1), std::slice::from_ref(&accept)).unwrap(), 1);
    assert_eq!(connection.store_corrections(&hash(1), &[accept.clone(), edit.clone()]).unwrap(), 1, "only the new one");
    let ready = HandoffRecord {
        sha256: &hash(1),
        path: "call-1.handoff.json",
        sdr: Some("jordan"),
        call_date: Some("2026-11-24"),
        status: HandoffStatus::Ready,
        document: &document,
    };
    connection.store_handoff(&ready).unwrap();

    let all = connection.handoffs(None).unwrap();
    let order: Vec<_> = all.iter().map(|h| h.sdr.as_deref()).collect();
    assert_eq!(order, [Some("alex"), Some("jordan"), None]);
    let jordan = connection.handoffs(Some("jordan")).unwrap();
    assert_eq!(jordan.len(), 1);
    assert_eq!(jordan[0].status, HandoffStatus::Ready);
    assert_eq!(jordan[0].call_date.as_deref(), Some("2026-11-24"));
    assert_eq!(jordan[0].corrections, [accept, edit]);
    assert_eq!(jordan[0].document["summary"]["company"], "Acme");

    let bad_date = HandoffRecord { call_date: Some("2026-02-30"), ..ready };
    let error = connection.store_handoff(&bad_date).unwrap_err();
    assert!(matches!(error, Error::Refused { .. }), "{error}");
}

#[test]
fn a_review_is_stored_with_its_sign_off_only_for_a_handoff_of_the_team() {
    let Some((_cluster, database)) = database() else { return };
    let mut connection = database.connect();
    let accept = serde_json::json!({"action": "accept", "item_id": "pain-1"});
    let sign_off = serde_json::json!({"at": "2026-11-28T10:00:00Z", "by": "jordan"});
    let review = ReviewRecord {
        sha256: &hash(7),
        corrections: std::slice::from_ref(&accept),
        sign_off: Some(&sign_off),
        status: HandoffStatus::Ready,
    };
    assert_eq!(connection.store_review(&review).unwrap(), None, "not the team's handoff");
    let draft = serde_json::json!({"status": "draft"});
    let record = HandoffRecord {
        sha256: &hash(7),
        path: "call-7.handoff.json",
        sdr: Some("jordan"),
        call_date: None,
        status: HandoffStatus::Draft,
        document: &draft,
    };
    connection.store_handoff(&record).unwrap();
    assert_eq!(connection.store_review(&review).unwrap(), Some(1));
    assert_eq!(connection.store_review(&review).unwrap(), Some(0), "stored again: nothing new");
    let stored = connection.handoffs(Some("jordan")).unwrap();
    assert_eq!(stored[0].status, HandoffStatus::Ready);
    assert_eq!(stored[0].sign_off.as_ref(), Some(&sign_off));
    assert_eq!(stored[0].corrections, [accept]);
}
