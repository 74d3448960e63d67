#!/usr/bin/env bash
# Extraction quality on the corpus: one table for the dev calls, then one for the held-out calls
# (tune rules on dev; held-out says whether that generalises). Extra arguments go to the scorer:
#   bash scripts/quality.sh --verbose
#   bash scripts/quality.sh --rules my-rules/
# CORPUS=DIR scores DIR/dev and DIR/heldout instead of fixtures/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${CORPUS:-fixtures/corpus}"
cargo build --quiet -p handoff-extract --example quality
scorer="${CARGO_TARGET_DIR:-target}/debug/examples/quality"
shopt -s nullglob
for split in dev heldout; do
    truths=("$corpus/$split"/*.truth.json)
    if ((${#truths[@]} == 0)); then
        echo "quality: no *.truth.json in $corpus/$split, skipped"
        continue
    fi
    "$scorer" "$@" "${truths[@]}"
    echo
done
