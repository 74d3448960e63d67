//! The worker pool `process` and `watch` share: a few threads take recordings until there are
//! none left. A panic while processing one recording becomes that recording's failure, so it
//! neither takes its worker (and the queue behind it) down nor loses a batch's summary.

use anyhow::{anyhow, Result};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// How one job ended, and how long it took.
pub struct Finished<T> {
    pub result: Result<T>,
    pub elapsed: Duration,
}

/// Runs `work` on every job `next` hands out, on `workers` threads, then gives the job and how it
/// ended to `done` on the same thread. Returns once `next` has said `None` to every worker.
pub fn run<J, T>(
    workers: usize,
    next: impl Fn() -> Option<J> + Sync,
    work: impl Fn(&J) -> Result<T> + Sync,
    done: impl Fn(J, Finished<T>) + Sync,
) {
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                while let Some(job) = next() {
                    let started = Instant::now();
                    let result = catch_unwind(AssertUnwindSafe(|| work(&job)))
                        .unwrap_or_else(|panic| Err(anyhow!("internal error: {}", panic_message(&*panic))));
                    done(job, Finished { result, elapsed: started.elapsed() });
                }
            });
        }
    });
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("panic")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    #[test]
    fn a_panicking_job_fails_alone_and_the_others_still_run() {
        let jobs = [1, 2, 3, 4, 5];
        let next_job = AtomicUsize::new(0);
        let ended = Mutex::new(Vec::new());
        run(
            2,
            || jobs.get(next_job.fetch_add(1, Ordering::SeqCst)).copied(),
            |job| match job {
                3 => panic!("job {job} broke"),
                _ => Ok(job * 10),
            },
            |job, finished| ended.lock().unwrap().push((job, finished.result.map_err(|error| error.to_string()))),
        );
        let mut ended = ended.into_inner().unwrap();
        ended.sort_by_key(|(job, _)| *job);
        assert_eq!(
            ended,
            [(1, Ok(10)), (2, Ok(20)), (3, Err("internal error: job 3 broke".to_string())), (4, Ok(40)), (5, Ok(50))]
        );
    }
}
