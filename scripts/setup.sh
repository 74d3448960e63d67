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
# The default model, where `handoff process` looks for it ($HANDOFF_MODEL: a file or a folder).
candidates=(models/ggml-tiny.en.bin ../shared/models/ggml-tiny.en.bin)
[ -n "${HANDOFF_MODEL:-}" ] && candidates=("$HANDOFF_MODEL" "$HANDOFF_MODEL/ggml-tiny.en.bin" "${candidates[@]}")
found=""
for candidate in "${candidates[@]}"; do
  [ -f "$candidate" ] && found="$candidate" && break
done
if [ -z "$found" ]; then
  echo "setup: no Whisper model at ${candidates[*]}." >&2
  echo "setup: fetch it with: cargo run --release -- models download tiny.en   (into models/; see README, Model)" >&2
  exit 1
fi
echo "setup: system packages and model OK"
