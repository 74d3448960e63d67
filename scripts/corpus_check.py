#!/usr/bin/env python3
"""Checks the extraction corpus (fixtures/corpus/*/): every call's transcript parses, every truth
file has the expected shape, and every quote in the truth is verbatim in a turn of the right side.

    python3 scripts/corpus_check.py fixtures/corpus/dev fixtures/corpus/heldout

Exits 1 listing every problem; prints a per-folder count of calls and expected items otherwise.
"""
import json
import re
import sys
from pathlib import Path

TURN = re.compile(r"^(?:\[(?:\d{1,2}:)?\d{1,2}:\d{2}\]\s*)?([^:\[\]]{1,60}?):\s+(.+)$")
SYSTEM_STATUS = {"current", "evaluating", "leaving", "mentioned"}
THEMES = {"manual_work", "reporting", "cost", "scale", "compliance", "integration", "performance", "visibility", "other"}
RELATIONS = {"decision_maker", "influencer", "user", "blocker", "budget_owner", "unknown"}
ACTIONS = {"meeting", "demo", "send_material", "invite", "trial", "follow_up", "other"}
CYCLES = {"annual", "quarterly", "monthly", "total", "unknown"}
CATEGORIES = ["systems", "regulations", "competitors", "pain_points", "stakeholders", "timeline", "budget",
              "objections", "previous_attempts", "next_steps"]


def turns_of(path):
    turns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        match = TURN.match(line.strip())
        if not match:
            raise ValueError(f"{path}:{number}: not a 'Name: text' turn: {line[:60]!r}")
        turns.append((match.group(1).strip(), match.group(2).strip()))
    return turns


def check_call(truth_path, problems, counts):
    say = lambda message: problems.append(f"{truth_path.name}: {message}")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    for key in ["id", "industry", "transcript", "sdr", "seller", "expect"]:
        if key not in truth:
            say(f"missing key {key}")
            return
    transcript = truth_path.parent / truth["transcript"]
    if not transcript.is_file():
        say(f"transcript {transcript.name} not found")
        return
    try:
        turns = turns_of(transcript)
    except ValueError as error:
        say(str(error))
        return
    speakers = {name for name, _ in turns}
    sdr = set(truth["sdr"])
    if not sdr <= speakers:
        say(f"sdr {sorted(sdr - speakers)} not among speakers {sorted(speakers)}")
    if not (15 <= len(turns) <= 40):
        say(f"{len(turns)} turns (want 15-40)")
    prospect_text = [text for name, text in turns if name not in sdr]
    any_text = [text for _, text in turns]

    def verbatim(quote, texts, where):
        if not isinstance(quote, str) or not quote.strip():
            say(f"{where}: empty quote")
        elif not any(quote in text for text in texts):
            say(f"{where}: quote not verbatim in a {'prospect' if texts is prospect_text else ''} turn: {quote!r}")

    expect = truth["expect"]
    for category in CATEGORIES:
        if not isinstance(expect.get(category), list):
            say(f"expect.{category} must be a list")
            return
        counts[category] = counts.get(category, 0) + len(expect[category])
    for item in expect["systems"]:
        if item.get("status") not in SYSTEM_STATUS or not item.get("name"):
            say(f"system {item}")
    for item in expect["regulations"]:
        if not isinstance(item.get("applies"), bool) or not item.get("name"):
            say(f"regulation {item}")
    for item in expect["competitors"]:
        if not item.get("name"):
            say(f"competitor {item}")
    for item in expect["pain_points"]:
        if item.get("theme") not in THEMES:
            say(f"pain theme {item}")
        verbatim(item.get("quote"), prospect_text, "pain")
    for item in expect["stakeholders"]:
        if item.get("relation") not in RELATIONS or not (item.get("name") or item.get("role")):
            say(f"stakeholder {item}")
        if item.get("name") and item["name"] in speakers:
            say(f"stakeholder {item['name']} is a speaker on the call; list only people mentioned")
    for item in expect["timeline"]:
        if not item.get("phrase"):
            say(f"timeline {item}")
        elif not any(item["phrase"].lower() in text.lower() for text in any_text):
            say(f"timeline phrase not verbatim: {item['phrase']!r}")
    for item in expect["budget"]:
        if item.get("cycle") not in CYCLES:
            say(f"budget cycle {item}")
        if "amount_usd" not in item:
            say(f"budget without amount_usd (null for 'no budget') {item}")
        verbatim(item.get("quote"), prospect_text, "budget")
    for item in expect["objections"]:
        if not isinstance(item.get("answered"), bool):
            say(f"objection answered {item}")
        verbatim(item.get("quote"), prospect_text, "objection")
    for item in expect["previous_attempts"]:
        verbatim(item.get("quote"), prospect_text, "previous attempt")
    for item in expect["next_steps"]:
        if item.get("action") not in ACTIONS:
            say(f"next step action {item}")
        verbatim(item.get("quote"), any_text, "next step")
    must_not = expect.get("must_not_find", {})
    for quote in must_not.get("pain_points_quotes", []):
        verbatim(quote, any_text, "must_not_find")
    for category in must_not.get("categories", []):
        if category not in CATEGORIES or expect[category]:
            say(f"must_not_find category {category} is not an empty category")


def main():
    folders = [Path(arg) for arg in sys.argv[1:]] or [Path("fixtures/corpus/dev"), Path("fixtures/corpus/heldout")]
    problems = []
    for folder in folders:
        counts = {}
        truths = sorted(folder.glob("*.truth.json"))
        for truth in truths:
            try:
                check_call(truth, problems, counts)
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                problems.append(f"{truth.name}: {error}")
        industries = {json.loads(t.read_text())["industry"] for t in truths if t.read_text().strip().startswith("{")}
        print(f"{folder}: {len(truths)} calls, {len(industries)} industries, expected items: {counts}")
    for problem in problems:
        print(f"PROBLEM {problem}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
