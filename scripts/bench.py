#!/usr/bin/env python3
"""Pipeline benchmark: speed of each stage and peak memory, on real fixture audio.

usage: scripts/bench.py [--long-minutes 60] [--batch 20]
Builds the release binary, then measures with the real model:
  1. the fixture call fixtures/calls/stereo_discovery.mp3 (49.7 s, stereo MP3)
  2. a 10-minute call (that call concatenated and re-encoded as one MP3)
  3. a --long-minutes call (default 60) for peak RSS, the memory a 1-hour call needs
  4. batch throughput: --batch copies of the fixture calls with --jobs 1 and --jobs 2
For each: decode+resample time (× realtime), transcription time (× realtime), wall time,
the share of wall time outside Whisper, and peak RSS of the process. Paste the output into
BENCHMARKS.md with the date and machine.
"""
import argparse
import json
import os
import pathlib
import resource
import shutil
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "handoff"
CALL = ROOT / "fixtures" / "calls" / "stereo_discovery.mp3"


def run_handoff(args):
    """Runs handoff in a child and returns (wall seconds, peak RSS in MB of that child)."""
    started = time.perf_counter()
    child = subprocess.Popen([str(BINARY), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"handoff {' '.join(args)} failed: {child.stderr.read()}")
    return wall, usage.ru_maxrss / 1024


def concatenate(source, minutes, target):
    copies = int(minutes * 60 / 49.7) + 1
    listing = target.with_suffix(".txt")
    listing.write_text("".join(f"file '{source}'\n" for _ in range(copies)))
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
                    "-t", str(minutes * 60), "-c:a", "libmp3lame", "-b:a", "64k", str(target)], check=True)
    return target


def measure(label, recording, out):
    wall, rss = run_handoff(["process", "--force", "-q", "--out", str(out), str(recording)])
    transcript = json.loads((out / f"{recording.stem}.transcript.json").read_text())
    audio_s = transcript["source"]["duration_ms"] / 1000
    timings = transcript["timings_ms"]
    decode_s, transcribe_s = timings["decode_ms"] / 1000, timings["transcribe_ms"] / 1000
    outside = (wall - transcribe_s) / wall
    print(f"| {label} | {audio_s / 60:.1f} min | {audio_s / decode_s:,.0f}× | {audio_s / transcribe_s:.1f}× "
          f"| {wall:.1f} s | {outside:.1%} | {rss:.0f} MB |")


def batch(copies, out, work):
    inbox = work / "batch"
    inbox.mkdir()
    calls = sorted((ROOT / "fixtures" / "calls").glob("*.truth.json"))
    audio = [ROOT / "fixtures" / "calls" / json.loads(c.read_text())["audio"] for c in calls]
    for index in range(copies):
        source = audio[index % len(audio)]
        shutil.copy(source, inbox / f"call{index:02d}{source.suffix}")
    audio_s = sum(json.loads(c.read_text())["duration_ms"] / 1000 for c in calls) * copies / len(calls)
    for jobs in (1, 2):
        wall, _ = run_handoff(["process", "--force", "-q", "--jobs", str(jobs), "--out", str(out / f"jobs{jobs}"), str(inbox)])
        print(f"| --jobs {jobs} | {copies} calls, {audio_s / 60:.1f} min | {wall:.1f} s | {audio_s / wall:.1f} audio s per wall s |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--long-minutes", type=int, default=60)
    parser.add_argument("--batch", type=int, default=20)
    options = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        out = work / "out"
        print(f"machine: {os.cpu_count()} cores, {subprocess.run(['uname', '-m'], capture_output=True, text=True).stdout.strip()}; "
              f"{time.strftime('%Y-%m-%d')}")
        print("| recording | audio | decode+resample | transcription | wall | outside whisper | peak RSS |")
        print("|---|---|---|---|---|---|---|")
        measure("fixture call (stereo MP3)", CALL, out)
        measure("10-minute call (MP3)", concatenate(CALL, 10, work / "ten_minutes.mp3"), out)
        if options.long_minutes:
            measure(f"{options.long_minutes}-minute call (MP3)",
                    concatenate(CALL, options.long_minutes, work / "long.mp3"), out)
        if options.batch:
            print()
            print("| batch | audio | wall | throughput |")
            print("|---|---|---|---|")
            batch(options.batch, out, work)


if __name__ == "__main__":
    main()
