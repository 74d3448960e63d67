#!/usr/bin/env python3
"""Whisper models side by side on the fixture calls: accuracy, extraction, speed and memory.

usage: scripts/models_bench.py [--models tiny.en tiny.en-q8_0 base-q8_0] [--threads 2] [--runs 3]
                               [--calls NAME ...] [--long-minutes 0] [--keep DIR]

Builds the release binary and the extraction scorer, then for every model (a name `handoff
models` lists, found the way `--model NAME` finds it, or a path) and every fixture call with a
truth file (fixtures/calls/*.truth.json; --calls picks some by name, e.g. --calls saas_smb):
  - runs `handoff process --force --threads N --model M` once per call and run, models taking
    turns call by call so a change of machine load hits them alike, each run under
    `/usr/bin/time -v` (peak RSS, wall, CPU);
  - WER of the transcript against the call's script (scripts/wer.py's words and edit distance);
  - extraction recall (and precision) per category on that Whisper transcript: the quality
    example (crates/extract/examples/quality.rs) with --transcripts;
  - realtime factors: audio ÷ transcription time (the transcript's `transcribe_ms`: speech gate +
    Whisper) and audio ÷ wall time of the whole process (model load, decode, extraction, writing);
    medians over --runs. The fixture calls are under a minute, so the wall figure carries the
    fixed model load; --long-minutes N adds an N-minute call (the stereo fixture concatenated
    with ffmpeg, as scripts/bench.py makes it) per model, the honest figure for a long call.
Prints Markdown tables for BENCHMARKS.md. Run it on a quiet machine: other load changes every
timing (compare models within one run, never with numbers from another day).
"""
import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CALLS = ROOT / "fixtures" / "calls"
BINARY = ROOT / "target" / "release" / "handoff"
SCORER = ROOT / "target" / "release" / "examples" / "quality"
TIME = pathlib.Path("/usr/bin/time")
sys.path.insert(0, str(ROOT / "scripts"))
import wer  # noqa: E402  (scripts/wer.py: the same word normalisation and edit distance)
from bench import concatenate  # noqa: E402

CATEGORIES = ["systems", "regulations", "competitors", "pain_points", "stakeholders", "timeline", "budget",
              "objections", "previous_attempts", "next_steps"]


def run_timed(args):
    """Runs handoff under /usr/bin/time -v: (wall s, user+system CPU s, peak RSS MB)."""
    command = [str(TIME), "-v", str(BINARY), *args]
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"handoff {' '.join(args)} failed:\n{done.stderr}")
    report = dict(line.strip().rsplit(": ", 1) for line in done.stderr.splitlines() if ": " in line)
    wall = report["Elapsed (wall clock) time (h:mm:ss or m:ss)"]
    seconds = sum(float(part) * 60 ** index for index, part in enumerate(reversed(wall.split(":"))))
    cpu = float(report["User time (seconds)"]) + float(report["System time (seconds)"])
    return seconds, cpu, int(report["Maximum resident set size (kbytes)"]) / 1024


def model_files(models):
    """Per model: (path, size in bytes, sha256 check) as `handoff models` reports the file used."""
    listing = json.loads(subprocess.run([str(BINARY), "models", "--json"], cwd=ROOT, check=True,
                                        capture_output=True, text=True).stdout)
    known = {entry["name"]: entry for entry in listing["models"]}
    files = {}
    for model in models:
        if model in known:
            if not known[model]["found"]:
                raise SystemExit(f"model {model} not found; fetch it with: handoff models download {model}")
            found = known[model]["found"][0]
            files[model] = (found["path"], found["size_bytes"], found["check"])
        else:
            path = pathlib.Path(model)
            if not path.is_file():
                raise SystemExit(f"{model}: neither a known model name nor a file")
            files[model] = (str(path), path.stat().st_size, "not a known model")
    return files


def score_extraction(transcripts, truths):
    """Runs the quality example on the Whisper transcripts: {category: (expected, recalled, precision)}."""
    done = subprocess.run([str(SCORER), "--transcripts", str(transcripts), *map(str, truths)], cwd=ROOT,
                          check=True, capture_output=True, text=True)
    scores = {}
    for line in done.stdout.splitlines():
        fields = line.split()
        if fields and fields[0] in CATEGORIES:
            precision = None if fields[3] == "-" else float(fields[3])
            scores[fields[0]] = (int(fields[1]), int(fields[2]), precision)
    missing = set(CATEGORIES) - set(scores)
    if missing:
        raise SystemExit(f"the quality example printed no row for {sorted(missing)}:\n{done.stdout}")
    return scores


def word_error_rate(transcript_path, truth):
    reference = wer.words(" ".join(turn["text"] for turn in truth["script"]))
    transcript = json.loads(transcript_path.read_text())
    hypothesis = wer.words(" ".join(segment["text"] for segment in transcript["segments"]))
    return wer.edit_distance(reference, hypothesis), len(reference)


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["tiny.en", "tiny.en-q8_0", "base-q8_0"])
    parser.add_argument("--threads", type=int, default=2, help="whisper threads (default 2, the target machine)")
    parser.add_argument("--runs", type=int, default=3, help="runs per model and call; timings are medians")
    parser.add_argument("--calls", nargs="+", help="fixture call names (default: every call with a truth file)")
    parser.add_argument("--long-minutes", type=int, default=0, help="also an N-minute call per model (needs ffmpeg)")
    parser.add_argument("--keep", type=pathlib.Path, help="write the outputs into this folder and keep them")
    options = parser.parse_args()
    if not TIME.is_file():
        raise SystemExit(f"{TIME} is missing: install it (Debian/Ubuntu: apt-get install time)")

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "handoff-extract", "--example", "quality"],
                   cwd=ROOT, check=True)
    truths = sorted(CALLS.glob("*.truth.json"))
    if options.calls:
        truths = [t for t in truths if t.name.removesuffix(".truth.json") in options.calls]
        if len(truths) != len(options.calls):
            raise SystemExit(f"--calls {options.calls}: not all have a truth file in {CALLS}")
    calls = [(t, json.loads(t.read_text())) for t in truths]
    files = model_files(options.models)

    work = pathlib.Path(tempfile.mkdtemp(prefix="models-bench-"))
    out_root = options.keep or work
    timings = {model: {} for model in options.models}  # model -> call -> [(wall, cpu, rss, transcribe_s)]
    for truth_path, truth in calls:
        name = truth_path.name.removesuffix(".truth.json")
        for run in range(options.runs):
            for model in options.models:
                out = out_root / model
                wall, cpu, rss = run_timed(["process", "--force", "-q", "--threads", str(options.threads),
                                            "--model", model, "--out", str(out), str(CALLS / truth["audio"])])
                transcript = json.loads((out / f"{pathlib.Path(truth['audio']).stem}.transcript.json").read_text())
                transcribe_s = transcript["timings_ms"]["transcribe_ms"] / 1000
                timings[model].setdefault(name, []).append((wall, cpu, rss, transcribe_s))
                print(f"# {name} run {run + 1}/{options.runs} {model}: {wall:.1f} s wall, {rss:.0f} MB",
                      file=sys.stderr)

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    cpu_model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                     "unknown CPU")
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {cpu_model}, {os.cpu_count()} cores; commit {commit}; "
          f"release build; {options.threads} whisper threads; {options.runs} run(s) per model and call, medians; "
          f"calls: {', '.join(t.name.removesuffix('.truth.json') for t, _ in calls)}.\n")

    table(["model", "file", "size", "sha256"],
          [(model, f"`{path}`", f"{size / 1e6:.1f} MB", check) for model, (path, size, check) in files.items()])

    audio_s = {t.name.removesuffix(".truth.json"): truth["duration_ms"] / 1000 for t, truth in calls}
    total_audio = sum(audio_s.values())
    rows = []
    for model in options.models:
        per_call = timings[model]
        median = lambda index, call: statistics.median(run[index] for run in per_call[call])  # noqa: E731
        wall = sum(median(0, call) for call in per_call)
        cpu = sum(median(1, call) for call in per_call)
        transcribe = sum(median(3, call) for call in per_call)
        rss = max(run[2] for runs in per_call.values() for run in runs)
        rows.append((model, f"{total_audio / 60:.1f} min", f"{total_audio / transcribe:.1f}×", f"{total_audio / wall:.1f}×",
                     f"{wall:.1f} s", f"{cpu:.1f} s", f"{rss:.0f} MB"))
    print("Speed and memory, summed over the calls (× realtime = audio ÷ time; higher is faster):\n")
    table(["model", "audio", "transcription × realtime", "whole process × realtime", "wall", "CPU", "peak RSS"], rows)

    print("Word error rate against the calls' scripts (scripts/wer.py rules):\n")
    wer_rows, totals = [], {model: [0, 0] for model in options.models}
    for truth_path, truth in calls:
        name = truth_path.name.removesuffix(".truth.json")
        row = [name]
        for model in options.models:
            stem = pathlib.Path(truth["audio"]).stem
            errors, words = word_error_rate(out_root / model / f"{stem}.transcript.json", truth)
            totals[model][0] += errors
            totals[model][1] += words
            row.append(f"{errors / words:.1%}")
        wer_rows.append(row)
    wer_rows.append(["**all calls**"] + [f"**{e / n:.1%}**" for e, n in totals.values()])
    table(["call"] + options.models, wer_rows)

    print("Extraction on the Whisper transcripts: recalled / expected per category (precision in brackets, "
          "over calls whose truth lists the category):\n")
    scores = {model: score_extraction(out_root / model, [t for t, _ in calls]) for model in options.models}
    rows = []
    for category in CATEGORIES:
        row = [category]
        for model in options.models:
            expected, recalled, precision = scores[model][category]
            shown = f"{recalled}/{expected}"
            row.append(shown if precision is None else f"{shown} ({precision:.2f})")
        rows.append(row)
    overall = []
    for model in options.models:
        expected = sum(scores[model][c][0] for c in CATEGORIES)
        recalled = sum(scores[model][c][1] for c in CATEGORIES)
        overall.append(f"**{recalled}/{expected} = {recalled / max(expected, 1):.2f}**")
    rows.append(["**all categories**"] + overall)
    table(["category"] + options.models, rows)

    if options.long_minutes:
        long_call = concatenate(CALLS / "stereo_discovery.mp3", options.long_minutes, work / "long.mp3")
        rows = []
        for model in options.models:
            out = work / f"long-{model}"
            wall, cpu, rss = run_timed(["process", "--force", "-q", "--threads", str(options.threads),
                                        "--model", model, "--out", str(out), str(long_call)])
            transcript = json.loads((out / "long.transcript.json").read_text())
            audio = transcript["source"]["duration_ms"] / 1000
            rows.append((model, f"{audio / 60:.1f} min", f"{audio / wall:.1f}×", f"{wall / audio:.3f}",
                         f"{wall:.0f} s", f"{cpu:.0f} s", f"{rss:.0f} MB"))
        print(f"A {options.long_minutes}-minute call (one run each; target: wall ≤ 1/8 of the call = 0.125):\n")
        table(["model", "audio", "× realtime", "wall ÷ audio", "wall", "CPU", "peak RSS"], rows)

    if options.keep is None:
        shutil.rmtree(work)
    else:
        print(f"outputs kept in {options.keep}", file=sys.stderr)


if __name__ == "__main__":
    main()
