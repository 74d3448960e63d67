//! Extraction throughput: MB of transcript text per second, single-threaded.
//!
//! Builds a long call by repeating the fixture calls' turns (or a built-in discovery call when
//! the fixtures are missing) with whisper-sized segments, to about 8 MB of text, then times
//! several extraction runs.

use handoff_extract::{extract, RuleSet};
use handoff_transcript::{Segment, SourceInfo, Speaker, StageTimings, Transcript, TRANSCRIPT_SCHEMA_VERSION};
use std::path::Path;
use std::time::{Duration, Instant};

/// About 8 MB of text; `HANDOFF_BENCH_MB` changes it.
fn target_bytes() -> usize {
    let megabytes = std::env::var("HANDOFF_BENCH_MB").ok().and_then(|mb| mb.parse::<f64>().ok()).unwrap_or(8.0);
    (megabytes * 1e6) as usize
}
const RUNS: usize = 5;

/// A discovery call touching every category, used when no fixture calls are found.
const FALLBACK_TURNS: &[(Speaker, &str)] = &[
    (Speaker::Sdr, "Hi Maria, this is Tom from Acme, thanks for taking my call. How is reporting going?"),
    (Speaker::Prospect, "I'm the operations manager at Brightside Clinics. Our reporting is a nightmare, we spend two days every month exporting data from Salesforce into Excel."),
    (Speaker::Sdr, "Who else is involved in the decision?"),
    (Speaker::Prospect, "Our CFO, Sarah Chen, signs off on any new software. Our head of IT will push back on anything that touches the network."),
    (Speaker::Prospect, "We're not subject to HIPAA for this data, but GDPR applies. We're moving off Zendesk and looking at Freshdesk."),
    (Speaker::Sdr, "What is your budget and timing?"),
    (Speaker::Prospect, "About forty thousand dollars a year, owned by Sarah. We need this before the end of Q one because of the SOC 2 audit."),
    (Speaker::Prospect, "We tried building our own scripts last year. It failed because nobody maintained them. I'm not sure we need another tool."),
    (Speaker::Sdr, "Fair. Could we book a demo next Tuesday with Sarah?"),
    (Speaker::Prospect, "Okay, a demo next Tuesday works."),
];

fn fixture_turns() -> Vec<(Speaker, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/calls");
    let mut turns = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return turns;
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".truth.json"))
        .collect();
    paths.sort();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(truth) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        for turn in truth["script"].as_array().into_iter().flatten() {
            let speaker = if turn["speaker"] == "SDR" { Speaker::Sdr } else { Speaker::Prospect };
            turns.push((speaker, turn["text"].as_str().unwrap_or("").to_string()));
        }
    }
    turns
}

/// Whisper-like segments: each turn cut into pieces of about twelve words, ~4 s apiece.
fn long_call(turns: &[(Speaker, String)]) -> (Transcript, usize) {
    let mut segments = Vec::new();
    let mut bytes = 0;
    let mut clock = 0u64;
    let target = target_bytes();
    while bytes < target {
        for (speaker, text) in turns {
            let words: Vec<&str> = text.split_whitespace().collect();
            for piece in words.chunks(12) {
                let text = format!(" {}", piece.join(" "));
                bytes += text.len();
                segments.push(Segment {
                    start_ms: clock,
                    end_ms: clock + 4000,
                    speaker: *speaker,
                    text,
                    words: Vec::new(),
                });
                clock += 4200;
            }
        }
    }
    let transcript = Transcript {
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        source: SourceInfo {
            path: "bench".into(),
            sha256: String::new(),
            duration_ms: clock,
            sample_rate_hz: 16_000,
            channels: 2,
            codec: "none".into(),
            truncated: false,
        },
        model: "bench".into(),
        channel_layout: "sdr-left".into(),
        timings_ms: StageTimings::default(),
        segments,
    };
    (transcript, bytes)
}

fn main() {
    let started = Instant::now();
    let rules = RuleSet::load(None).expect("built-in rules load");
    let load_time = started.elapsed();

    let mut turns = fixture_turns();
    let source = if turns.is_empty() { "built-in call" } else { "fixture calls" };
    if turns.is_empty() {
        turns = FALLBACK_TURNS.iter().map(|(speaker, text)| (*speaker, text.to_string())).collect();
    }
    let (transcript, bytes) = long_call(&turns);
    println!(
        "rules load: {:.0} ms; transcript: {:.1} MB of text in {} segments ({source})",
        load_time.as_secs_f64() * 1000.0,
        bytes as f64 / 1e6,
        transcript.segments.len()
    );

    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut cpu_times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut items = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let cpu_start = thread_cpu_time();
        let extraction = std::hint::black_box(extract(&transcript, &rules));
        times.push(start.elapsed());
        if let (Some(before), Some(after)) = (cpu_start, thread_cpu_time()) {
            cpu_times.push(after.saturating_sub(before));
        }
        items = extraction.pain_points.len() + extraction.systems.len() + extraction.timeline.len();
    }
    times.sort();
    let rate = |time: Duration| bytes as f64 / 1e6 / time.as_secs_f64();
    println!(
        "extract: best {:.1} MB/s, median {:.1} MB/s over {RUNS} runs ({:.0} ms median, {items} pain/system/timeline items)",
        rate(times[0]),
        rate(times[RUNS / 2]),
        times[RUNS / 2].as_secs_f64() * 1000.0
    );
    // On a busy machine wall time understates the speed; CPU time of this thread does not.
    if cpu_times.len() == RUNS {
        cpu_times.sort();
        println!(
            "extract (CPU time): best {:.1} MB/s, median {:.1} MB/s",
            rate(cpu_times[0]),
            rate(cpu_times[RUNS / 2])
        );
    }
}

/// User + system CPU time of the calling thread, from /proc (Linux); None elsewhere.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel reports clock ticks; USER_HZ is 100 on every Linux ABI in use.
    Some(Duration::from_millis(ticks * 10))
}
