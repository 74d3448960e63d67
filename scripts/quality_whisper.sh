#!/usr/bin/env bash
# Extraction quality on Whisper's output instead of exact text: speaks each corpus call with
# espeak-ng as a dual-channel recording (SDR left in a US voice, prospect right in a British
# one), runs `handoff process` on it with the real model, and scores the transcripts against the
# call's truth, then prints the transcripts' word error rate against the calls' text. Compare with
# scripts/quality.sh on the same split to see what transcription costs.
#   bash scripts/quality_whisper.sh [heldout|dev] [--model PATH] [--keep DIR]
# Audio and transcripts go to a temporary folder (or --keep DIR), never into the repository.
# Needs espeak-ng, sox (scripts/setup.sh installs them) and the Whisper model.
set -euo pipefail
cd "$(dirname "$0")/.."
split="heldout"
model_args=()
keep=""
while (($#)); do
    case "$1" in
        dev | heldout) split="$1" ;;
        --model) model_args=(--model "$2"); shift ;;
        --keep) keep="$2"; shift ;;
        *) echo "quality_whisper: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
for tool in espeak-ng sox python3; do
    command -v "$tool" >/dev/null || { echo "quality_whisper: missing $tool (bash scripts/setup.sh)" >&2; exit 2; }
done
work="${keep:-$(mktemp -d)}"
mkdir -p "$work/audio" "$work/out"
[[ -n "$keep" ]] || trap 'rm -rf "$work"' EXIT

# The dev profile is optimized (Cargo.toml), like the test command's builds: nothing to rebuild.
cargo build --quiet --bin handoff
cargo build --quiet -p handoff-extract --example quality
target="${CARGO_TARGET_DIR:-target}/debug"

# Each turn spoken alone, put on its side's channel, 0.3 s apart: a clean two-channel call.
python3 - "fixtures/corpus/$split" "$work/audio" <<'PY'
import json, pathlib, subprocess, sys, tempfile
corpus, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for truth_path in sorted(corpus.glob("*.truth.json")):
    truth = json.loads(truth_path.read_text())
    sdr = {name.lower() for name in ([truth["sdr"]] if isinstance(truth["sdr"], str) else truth["sdr"])}
    call = truth_path.name[: -len(".truth.json")]
    wav = out / f"{call}.wav"
    if wav.exists():
        continue
    with tempfile.TemporaryDirectory() as tmp:
        pieces = []
        lines = (corpus / truth["transcript"]).read_text().splitlines()
        for number, line in enumerate(l for l in lines if ":" in l):
            name, text = line.split(":", 1)
            is_sdr = name.strip().lower() in sdr
            raw, turn = f"{tmp}/raw{number}.wav", f"{tmp}/turn{number}.wav"
            subprocess.run(["espeak-ng", "-v", "en-us" if is_sdr else "en-gb", "-s", "160", "-w", raw, text.strip()], check=True)
            subprocess.run(["sox", "-R", "-D", raw, "-r", "16000", "-c", "2", turn, "remix", *(["1", "0"] if is_sdr else ["0", "1"]), "pad", "0", "0.3"], check=True)
            pieces.append(turn)
        subprocess.run(["sox", "-R", "-D", *pieces, str(wav)], check=True)
    print(f"spoke {call}", file=sys.stderr)
PY

"$target/handoff" process -q "${model_args[@]}" --format json --out "$work/out" "$work/audio"
"$target/examples/quality" --transcripts "$work/out" "fixtures/corpus/$split"/*.truth.json
echo "word error rate against the calls' text:"
python3 scripts/wer.py --corpus "fixtures/corpus/$split" "$work/out" | tail -1
