#!/usr/bin/env python3
"""Word error rate of handoff transcripts against the fixture calls' scripts.

usage: scripts/wer.py [--corpus DIR] OUT_DIR [OUT_DIR ...]
Each OUT_DIR holds <call>.transcript.json made by `handoff process fixtures/calls --out OUT_DIR`;
with --corpus DIR (e.g. fixtures/corpus/heldout), the calls of that corpus folder spoken by
scripts/quality_whisper.sh, scored against each call's own text.
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


def fixture_references():
    """(call, the words of its script) for every fixture call."""
    for truth_path in sorted(CALLS.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        yield truth_path.name.removesuffix(".truth.json"), words(" ".join(turn["text"] for turn in truth["script"]))


def corpus_references(corpus):
    """(call, the words of its turns) for every call of a corpus folder: `Name: text` lines."""
    for text_path in sorted(pathlib.Path(corpus).glob("*.txt")):
        turns = [line.split(":", 1)[1] for line in text_path.read_text().splitlines() if ":" in line]
        yield text_path.stem, words(" ".join(turns))


def main(out_dirs, references):
    totals = {out: [0, 0] for out in out_dirs}
    print(f"{'call':<22}" + "".join(f"{pathlib.Path(out).name:>22}" for out in out_dirs))
    for name, reference in references:
        row = f"{name[:21]:<22}"
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
    arguments = sys.argv[1:]
    if arguments[:1] == ["--corpus"]:
        main(arguments[2:] or sys.exit(__doc__), corpus_references(arguments[1]))
    else:
        main(arguments or sys.exit(__doc__), fixture_references())
