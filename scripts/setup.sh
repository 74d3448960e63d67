#!/usr/bin/env bash
# Installs the system packages handoff needs to build and test on Debian/Ubuntu:
#   cmake, clang, libclang-dev  whisper.cpp (built from source by whisper-rs) and its bindgen
#   espeak-ng, sox, ffmpeg       only to regenerate fixtures (fixtures/make_fixtures.sh,
#                                fixtures/voices/make_voices.py); ffmpeg also for scripts/diarization_bench.sh
#   chromium, chromium-driver    the review page's browser test
#   postgresql                   the team queue's tests start throwaway clusters (initdb, pg_ctl);
#                                no server is started or enabled here
# Then checks that the Whisper model is where the README says.
set -euo pipefail
packages=(cmake clang libclang-dev pkg-config espeak-ng sox ffmpeg chromium chromium-driver postgresql)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The models, where `handoff process` looks for them ($HANDOFF_MODEL: a file or a folder): the
# default one (tiny.en-q8_0) for the demo, and tiny.en (f16), which the tests run so that their
# transcripts compare with the measurements in BENCHMARKS.md.
# A $HANDOFF_MODEL file is what both use.
names=(tiny.en-q8_0 tiny.en)
[ -f "${HANDOFF_MODEL:-}" ] && names=()
for name in "${names[@]}"; do
  candidates=("models/ggml-$name.bin" "../shared/models/ggml-$name.bin")
  [ -n "${HANDOFF_MODEL:-}" ] && candidates=("$HANDOFF_MODEL/ggml-$name.bin" "${candidates[@]}")
  found=""
  for candidate in "${candidates[@]}"; do
    [ -f "$candidate" ] && found="$candidate" && break
  done
  if [ -z "$found" ]; then
    echo "setup: no Whisper model $name at ${candidates[*]}." >&2
    echo "setup: fetch it with: cargo run --release -- models download $name   (into models/; see README, Model)" >&2
    exit 1
  fi
done
echo "setup: system packages and models OK"
