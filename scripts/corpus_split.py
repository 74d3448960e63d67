#!/usr/bin/env python3
"""Moves calls from fixtures/corpus/pool/ into dev/ and heldout/, once, before any rule is tuned
on them: per writer batch (the ids given), the 5 of 16 whose sha256(id) sorts first go to
heldout/ (a call already read while building rules is kept in dev/), the rest to dev/.

    python3 scripts/corpus_split.py --seen ID[,ID] ID...
"""
import hashlib
import shutil
import sys
from pathlib import Path

corpus = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
args = sys.argv[1:]
seen = set()
if args[:1] == ["--seen"]:
    seen = set(args[1].split(","))
    args = args[2:]
held_count = round(len(args) * 20 / 64)
ranked = sorted((i for i in args if i not in seen), key=lambda i: hashlib.sha256(i.encode()).hexdigest())
heldout = set(ranked[:held_count])
for call in args:
    target = corpus / ("heldout" if call in heldout else "dev")
    for suffix in (".txt", ".truth.json"):
        shutil.move(str(corpus / "pool" / f"{call}{suffix}"), str(target / f"{call}{suffix}"))
    print(f"{target.name:8} {call}")
