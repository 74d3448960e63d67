#!/usr/bin/env bash
# The README's test command: installs what is missing, checks formatting, lints and docs, then
# runs every crate's unit tests and the end-to-end tests with the real Whisper model. Tests run
# one at a time so each whisper run gets all cores; on a 2-core machine that is faster than
# running them side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Gates first: they take seconds, the tests minutes.
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps
cargo test --workspace -- --test-threads=1
