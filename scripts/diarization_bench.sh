#!/usr/bin/env bash
# Who spoke, on mono calls (issue 9, part 3): dual-channel fixture calls mixed down to mono, the
# channels being the truth. Prints, ready for BENCHMARKS.md:
#   1. speaker accuracy per word (crates/diarize/examples/word_accuracy.rs): mono by voice and
#      naming from what was said; mono with an SDR voice sample; dual-channel by channel energy;
#      and, for what happens with nobody to tell apart, each call with one side silenced;
#   2. pains precision of `handoff process` on the stereo calls, on ffmpeg's mono downmix of
#      them, on that downmix with --sdr-voice, and on the downmix with every speaker UNKNOWN
#      (what mono gave before speakers were told apart), scored by the quality example.
# Needs ffmpeg and the Whisper model ($HANDOFF_MODEL or ../shared/models/ggml-tiny.en.bin).
# Takes about 15 minutes on 2 cores (every call is transcribed several times).
set -euo pipefail
cd "$(dirname "$0")/.."
model="${HANDOFF_MODEL:-../shared/models/ggml-tiny.en.bin}"
[[ -f $model ]] || { echo "diarization_bench: no Whisper model at $model (see README: Model)" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "diarization_bench: needs ffmpeg (bash scripts/setup.sh)" >&2; exit 1; }

cargo build --quiet --bin handoff
cargo build --quiet -p handoff-diarize --example word_accuracy
cargo build --quiet -p handoff-extract --example quality
bin="${CARGO_TARGET_DIR:-target}/debug"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

stereo=(fixtures/calls/stereo_discovery.mp3 fixtures/voices/logistics_routing.opus
        fixtures/voices/clinic_intake.opus fixtures/voices/it_helpdesk.opus)
mono=(fixtures/calls/healthcare_negation.ogg fixtures/calls/fintech_budget.m4a fixtures/calls/saas_smb.opus)
# The SDR of every fixtures/calls call is espeak's en-us voice, which also reads the formats clip.
calls_sample=fixtures/formats/pcm16_16k.wav
accuracy() { "$bin/examples/word_accuracy" --model "$model" "$@"; }

echo "## Speaker accuracy per word"
echo
echo "### Mono: voices told apart, named by what they say"
accuracy "${stereo[@]}" "${mono[@]}"
echo
echo "### Mono with --sdr-voice"
with_samples=(--sdr-voice "$calls_sample" "${stereo[0]}" "${mono[@]}")
for call in "${stereo[@]:1}"; do
    with_samples+=(--sdr-voice "${call%.opus}.sdr_voice.opus" "$call")
done
accuracy "${with_samples[@]}"
for side in SDR PROSPECT; do
    echo
    echo "### One voice: only the $side speaks (the other side's turns silenced)"
    accuracy --only "$side" "${stereo[@]}" "${mono[@]}"
done

echo
echo "## Pains precision, stereo calls"
mkdir -p "$tmp/downmix" "$tmp/dual" "$tmp/mono" "$tmp/voice" "$tmp/unknown"
truths=()
for call in "${stereo[@]}"; do
    stem="$(basename "${call%.*}")"
    ffmpeg -nostdin -loglevel error -i "$call" -ac 1 -c:a flac "$tmp/downmix/$stem.flac"
    truths+=("${call%.*}.truth.json")
done
process() { "$bin/handoff" process --quiet --model "$model" --format json "$@"; }
process --out "$tmp/dual" "${stereo[@]}"
process --out "$tmp/mono" "$tmp/downmix"/*.flac
process --out "$tmp/voice" --sdr-voice "$calls_sample" "$tmp/downmix/stereo_discovery.flac"
for call in "${stereo[@]:1}"; do
    stem="$(basename "${call%.opus}")"
    process --out "$tmp/voice" --sdr-voice "${call%.opus}.sdr_voice.opus" "$tmp/downmix/$stem.flac"
done
for transcript in "$tmp/mono"/*.transcript.json; do
    python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))
for segment in t["segments"]:
    segment["speaker"] = "UNKNOWN"
json.dump(t, open(sys.argv[2], "w"))' "$transcript" "$tmp/unknown/$(basename "$transcript")"
done
for variant in dual mono voice unknown; do
    case $variant in
        dual) label="dual-channel (channels)" ;;
        mono) label="mono downmix, voices named by what they say" ;;
        voice) label="mono downmix, --sdr-voice" ;;
        unknown) label="mono downmix, every speaker UNKNOWN (before)" ;;
    esac
    echo
    echo "### $label"
    "$bin/examples/quality" --transcripts "$tmp/$variant" --verbose "${truths[@]}" \
        | grep -E "pain_points|must_not_find|^category"
done
