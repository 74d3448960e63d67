#!/usr/bin/env bash
# The README's quick start: installs what is missing, builds, and processes the bundled
# example call into ./handoff-demo/, then prints where the outputs are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet
./target/release/handoff process fixtures/calls/stereo_discovery.mp3 --out handoff-demo "$@"
