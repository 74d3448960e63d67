#!/usr/bin/env python3
"""Word error rate of handoff transcripts against the fixture calls' scripts.

usage: scripts/wer.py OUT_DIR [OUT_DIR ...]
Each OUT_DIR holds <call>.transcript.json made by `handoff process fixtures/calls --out OUT_DIR`.
Prints WER per call and overall for each folder side by side, e.g. with and without the prompt.
Words are lowercased and stripped of punctuation; numbers are compared as written, so
"forty thousand" vs "$40,000" counts as errors in every run alike (the ratio between runs is
what matters, not the absolute number).
"""
import json
import pathlib
import re
import sys

CALLS = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "calls"


def words(text):
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


def edit_distance(reference, hypothesis):
    previous = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, 1):
        current = [i]
        for j, hyp_word in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word)))
        previous = current
    return previous[-1]


def main(out_dirs):
    totals = {out: [0, 0] for out in out_dirs}
    print(f"{'call':<22}" + "".join(f"{pathlib.Path(out).name:>22}" for out in out_dirs))
    for truth_path in sorted(CALLS.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        reference = words(" ".join(turn["text"] for turn in truth["script"]))
        name = truth_path.name.removesuffix(".truth.json")
        row = f"{name:<22}"
        for out in out_dirs:
            transcript = json.loads((pathlib.Path(out) / f"{name}.transcript.json").read_text())
            hypothesis = words(" ".join(segment["text"] for segment in transcript["segments"]))
            errors = edit_distance(reference, hypothesis)
            totals[out][0] += errors
            totals[out][1] += len(reference)
            row += f"{errors / len(reference):>21.1%} "
        print(row)
    print(f"{'all calls':<22}" + "".join(f"{e / n:>21.1%} " for e, n in totals.values()))


if __name__ == "__main__":
    main(sys.argv[1:] or sys.exit(__doc__))
