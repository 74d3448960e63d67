//! Extraction quality against the fixtures' ground truth.
//!
//! ```text
//! cargo run -p handoff-extract --example quality -- [--rules DIR] [--transcripts DIR] [--verbose] fixtures/calls/*.truth.json
//! ```
//!
//! For each `<stem>.truth.json` the transcript is `<DIR>/<stem>.transcript.json` with
//! `--transcripts` (real whisper output); else, for a corpus call (`fixtures/corpus/*/`), the
//! `Name: text` file its `transcript` names, beside it, read as `handoff extract` reads it with
//! the truth's `sdr` names as `--sdr`; else the truth file's `script`: one segment per turn, the
//! ideal transcript of clear speech. A system or regulation matches by name, or when the truth's
//! name is an exact alias of the dictionary entry found ("Sarbanes-Oxley" is found as SOX, "I-9"
//! as Form I-9). `scripts/quality.sh` scores the corpus. Prints precision / recall per category (precision only
//! over calls whose truth lists that category: an empty list does not forbid findings),
//! attribute accuracy on matched items, and `must_not_find` violations. `--verbose` lists every
//! miss and extra, `--dump` prints each extraction as JSON.
//!
//! `--train-pains` instead fits the pain scorer's weights on the calls (a logistic regression
//! over `handoff_extract::pain_score::Signal`s and the words of the sentence; a sentence is a
//! pain when it holds or lies in a truth pain quote) and prints the `[pain_score]` and
//! `[pain_words]` tables for rules/pains.toml. `--train-objections` fits the objection scorer
//! the same way (the words of the prospect's sentences; a sentence is an objection when it holds
//! or lies in a truth objection quote) and prints `[objection_score]` and `[objection_words]`
//! for rules/objections.toml; `--train-attempts` fits `[attempt_score]` and `[attempt_words]`
//! for rules/previous_attempts.toml from the truth's previous attempts. Fit on `dev/` only.

use handoff_extract::pain_score::{PainWeights, Signal, Signals};
use handoff_extract::word_weights::{scored_words, WordScorer, WordWeights};
use handoff_extract::{extract, extract_with_speakers, pain_signals, Category, Extraction, RuleSet};
use handoff_transcript::import::{read_transcript_file, RoleSource};
use handoff_transcript::{Segment, SourceInfo, Speaker, StageTimings, Transcript, TRANSCRIPT_SCHEMA_VERSION};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

struct Args {
    rules: Option<PathBuf>,
    transcripts: Option<PathBuf>,
    verbose: bool,
    dump: bool,
    train: Option<Training>,
    truths: Vec<PathBuf>,
}

/// Which scorer `--train-pains` / `--train-objections` / `--train-attempts` fits.
#[derive(Clone, Copy)]
enum Training {
    Pains,
    Objections,
    Attempts,
}

impl Training {
    /// The truth files' list of the category's items.
    fn truth_list(self) -> &'static str {
        match self {
            Training::Pains => "pain_points",
            Training::Objections => "objections",
            Training::Attempts => "previous_attempts",
        }
    }

    /// Its rules tables are `[<what>_score]` and `[<what>_words]`.
    fn what(self) -> &'static str {
        match self {
            Training::Pains => "pain",
            Training::Objections => "objection",
            Training::Attempts => "attempt",
        }
    }

    /// Ridge penalty of the fit. Pains: 5-fold cross-validation on the 96 dev calls, grouped by
    /// call: 0.003 found 52% of pains at mean precision 0.45, 0.01 found 54% at 0.43 (F1 0.48
    /// both); the more precise one. Objections, words only and rarer: 5-fold cross-validation on
    /// the 176 dev calls (scikit-learn's C = 0.3 on 9,395 sentences) found 22% of objection
    /// sentences at precision 0.47 at the threshold below; three times the penalty (C = 0.1), 13%
    /// at 0.47.
    /// Previous attempts, the same fit on the 192 dev calls: 37% at precision 0.68.
    fn penalty(self) -> f64 {
        match self {
            Training::Pains => 0.003,
            Training::Objections | Training::Attempts => 0.0003,
        }
    }
}

/// The score a sentence needs for the word scorers (objections, attempts): log-odds of 0.3. In
/// the cross-validation above, the words alone are right there about as often as the cue lists
/// are on calls they were not written from: objections 0.47 (the cues: 0.48 on the unseen
/// fresh-9 batch, by sentence), attempts 0.68 (the cues: 0.57-0.72 on the unseen batches).
const WORD_SCORER_THRESHOLD: f32 = -0.85;

fn parse_args() -> Result<Args, String> {
    let mut args =
        Args { rules: None, transcripts: None, verbose: false, dump: false, train: None, truths: Vec::new() };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--rules" => args.rules = Some(iter.next().ok_or("--rules needs a directory")?.into()),
            "--transcripts" => args.transcripts = Some(iter.next().ok_or("--transcripts needs a directory")?.into()),
            "--verbose" | "-v" => args.verbose = true,
            "--dump" => args.dump = true,
            "--train-pains" => args.train = Some(Training::Pains),
            "--train-objections" => args.train = Some(Training::Objections),
            "--train-attempts" => args.train = Some(Training::Attempts),
            flag if flag.starts_with('-') => return Err(format!("unknown flag {flag}")),
            path => args.truths.push(path.into()),
        }
    }
    if args.truths.is_empty() {
        return Err(
            "usage: quality [--rules DIR] [--transcripts DIR] [--verbose] [--dump] [--train-pains|--train-objections|--train-attempts] \
             TRUTH.json..."
                .into(),
        );
    }
    Ok(args)
}

/// Matches and misses of one category, summed over calls.
#[derive(Default)]
struct Tally {
    expected: usize,
    recalled: usize,
    /// Findings in calls whose truth lists this category (precision's denominator).
    scored_found: usize,
    scored_correct: usize,
    attribute_total: usize,
    attribute_right: usize,
}

impl Tally {
    fn ratio(numerator: usize, denominator: usize) -> String {
        if denominator == 0 {
            "   -".into()
        } else {
            format!("{:.2}", numerator as f64 / denominator as f64)
        }
    }
}

/// Lowercase words only: "Q1," and "q1" compare equal; loose matching for whisper output.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn contains_loosely(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (words(haystack), words(needle));
    !needle.is_empty() && format!(" {haystack} ").contains(&format!(" {needle} "))
}

/// Share of the expected phrase's words found in the extracted phrase.
fn overlap(expected: &str, found: &str) -> f64 {
    let expected = words(expected);
    let found = words(found);
    let expected: Vec<&str> = expected.split(' ').collect();
    let found: Vec<&str> = found.split(' ').collect();
    let shared = expected.iter().filter(|w| found.contains(w)).count();
    shared as f64 / expected.len().max(1) as f64
}

/// The same name, or one a run of the other's words ("Epicor" for "Epicor Kinetic", "Aderant
/// Expert" for "Aderant"): the AE knows which product is meant. The shorter side needs 4 letters,
/// so "IT" or "AI" never stand for a whole name.
fn same_name(expected: &str, found: &str) -> bool {
    let (expected, found) = (words(expected), words(found));
    let (shorter, longer) = if expected.len() <= found.len() { (&expected, &found) } else { (&found, &expected) };
    expected == found || (shorter.len() >= 4 && format!(" {longer} ").contains(&format!(" {shorter} ")))
}

/// The dictionary entry an expected system's or regulation's name is an alias of ("Sarbanes-Oxley"
/// is `regulations/sox`, shown as "SOX"), under `dictionary_rules`: a finding of that entry is
/// the same thing under its canonical name.
fn with_dictionary_rules(category: &str, expected: &Value, rules: &RuleSet) -> Value {
    let mut expected = expected.clone();
    let Some(name) = expected["name"].as_str().filter(|_| matches!(category, "systems" | "regulations")) else {
        return expected;
    };
    let said = match category {
        "systems" => format!("We use {name}."),
        _ => format!("We are subject to {name}."),
    };
    let turn = serde_json::json!({"script": [{"speaker": "PROSPECT", "text": said, "start_ms": 0, "end_ms": 3000}]});
    let Ok(transcript) = script_transcript(&turn, Path::new("name")) else {
        return expected;
    };
    let extraction = extract(&transcript, rules);
    let found: Vec<String> = match category {
        "systems" => extraction.systems.iter().map(|item| item.rule.clone()).collect(),
        _ => extraction.regulations.iter().map(|item| item.rule.clone()).collect(),
    };
    // A name the probe only guessed at ("Crewlogic" read as CareLogic) is no alias.
    let mut entries: Vec<String> = found
        .iter()
        .filter(|rule| !rule.ends_with("/inferred") && !rule.contains('~'))
        .map(|rule| dictionary_entry(rule).to_string())
        .collect();
    entries.dedup();
    // A name whose entry needs words of its own to be found ("CDK" near "DMS") is still its alias.
    let category = if category == "systems" { Category::System } else { Category::Regulation };
    if entries.is_empty() {
        entries = rules.entries_for_alias(category, name).to_vec();
    } else if entries.len() > 1 {
        // "CMS Interoperability Rule" holds the CMS too: only a name that is one entry's alias counts.
        entries.clear();
    }
    if !entries.is_empty() {
        expected["dictionary_rules"] = serde_json::json!(entries);
    }
    expected
}

/// "regulations/sox~fuzzy" -> "regulations/sox".
fn dictionary_entry(rule: &str) -> &str {
    rule.split('~').next().unwrap_or(rule)
}

fn same_entry(expected: &Value, found: &Found) -> bool {
    let entry = dictionary_entry(&found.rule);
    expected["dictionary_rules"].as_array().is_some_and(|rules| rules.iter().any(|rule| rule.as_str() == Some(entry)))
}

fn person_matches(expected: &Value, name: Option<&str>, role: Option<&str>) -> bool {
    match expected["name"].as_str() {
        Some(want) => name.is_some_and(|name| {
            let (want, name) = (words(want), words(name));
            want == name || want.split(' ').next() == name.split(' ').next()
        }),
        None => expected["role"].as_str().is_some_and(|want| role.is_some_and(|role| words(want) == words(role))),
    }
}

/// One finding reduced to what the scorer compares.
struct Found {
    /// Key text matched against the truth (a name, a quote, a phrase).
    keys: Vec<String>,
    quote: String,
    /// The rule that found it, so a wrong finding points at what to fix.
    rule: String,
    attributes: BTreeMap<&'static str, String>,
    amount: Option<f64>,
}

fn found_items(extraction: &Extraction) -> BTreeMap<&'static str, Vec<Found>> {
    let mut all: BTreeMap<&'static str, Vec<Found>> = BTreeMap::new();
    let attrs = |pairs: &[(&'static str, String)]| pairs.iter().cloned().collect::<BTreeMap<_, _>>();
    for item in &extraction.systems {
        let status = serde_json::to_value(item.detail.status).unwrap_or_default();
        all.entry("systems").or_default().push(Found {
            keys: vec![item.detail.name.clone()],
            quote: item.quote.clone(),
            rule: item.rule.clone(),
            attributes: attrs(&[("status", status.as_str().unwrap_or("").to_string())]),
            amount: None,
        });
    }
    for item in &extraction.regulations {
        all.entry("regulations").or_default().push(Found {
            keys: vec![item.detail.name.clone()],
            quote: item.quote.clone(),
            rule: item.rule.clone(),
            attributes: attrs(&[("applies", item.detail.applies.to_string())]),
            amount: None,
        });
    }
    for item in &extraction.competitors {
        all.entry("competitors").or_default().push(Found {
            keys: vec![item.detail.name.clone()],
            quote: item.quote.clone(),
            rule: item.rule.clone(),
            attributes: BTreeMap::new(),
            amount: None,
        });
    }
    for item in &extraction.pain_points {
        all.entry("pain_points").or_default().push(Found {
            keys: vec![item.quote.clone()],
            quote: item.quote.clone(),
            rule: item.rule.clone(),
            attributes: attrs(&[("theme", item.detail.theme.clone())]),
            amount: None,
        });
    }
    for item in &extraction.stakeholders {
        let relation = serde_json::to_value(item.detail.relation).unwrap_or_default();
        all.entry("stakeholders").or_default().push(Found {
            keys: vec![item.detail.name.clone().unwrap_or_default(), item.detail.role.clone().unwrap_or_default()],
            quote: item.quote.clone(),
            rule: item.rule.clone(),
            attributes: attrs(&[("relation", relation.as_str().unwrap_or("").to_string())]),
            amount: None,
        });
    }
    for item in &extraction.timeline {
        all.entry("timeline").or_default().push(Found {
            keys: vec![item.detail.phrase.clone(), item.detail.normalized.clone()],
            quote: item.quote.clone(),
            rule: item.rule.clone(),
            attributes: attrs(&[("reason", item.detail.reason.clone().unwrap_or_default())]),
            amount: None,
        });
    }
    for item in &extraction.budget {
        all.entry("budget").or_default().push(Found {
            keys: vec![item.detail.phrase.clone()],
            quote: item.quote.clone(),
            rule: item.rule.clone(),
            attributes: attrs(&[
                ("owner", item.detail.owner.clone().unwrap_or_default()),
                ("cycle", item.detail.cycle.clone().unwrap_or_else(|| "unknown".into())),
            ]),
            amount: item.detail.amount_usd,
        });
    }
    for item in &extraction.objections {
        all.entry("objections").or_default().push(Found {
            keys: vec![item.quote.clone()],
            quote: item.quote.clone(),
            rule: item.rule.clone(),
            attributes: attrs(&[("answered", item.detail.response.is_some().to_string())]),
            amount: None,
        });
    }
    for item in &extraction.previous_attempts {
        all.entry("previous_attempts").or_default().push(Found {
            keys: vec![item.quote.clone()],
            quote: item.quote.clone(),
            rule: item.rule.clone(),
            attributes: BTreeMap::new(),
            amount: None,
        });
    }
    for item in &extraction.next_steps {
        all.entry("next_steps").or_default().push(Found {
            keys: vec![item.quote.clone()],
            quote: item.quote.clone(),
            rule: item.rule.clone(),
            attributes: attrs(&[("action", item.detail.action.clone())]),
            amount: None,
        });
    }
    all
}

const CATEGORIES: &[&str] = &[
    "systems",
    "regulations",
    "competitors",
    "pain_points",
    "stakeholders",
    "timeline",
    "budget",
    "objections",
    "previous_attempts",
    "next_steps",
];

/// Whether a finding matches an expected entry, and whether its attribute is right.
fn matches(category: &str, expected: &Value, found: &Found) -> (bool, Option<bool>) {
    let text = |key: &str| expected[key].as_str().unwrap_or("");
    match category {
        "systems" => (
            same_name(text("name"), &found.keys[0]) || same_entry(expected, found),
            Some(found.attributes["status"] == text("status")),
        ),
        "regulations" => (
            same_name(text("name"), &found.keys[0]) || same_entry(expected, found),
            Some(found.attributes["applies"] == expected["applies"].as_bool().unwrap_or(true).to_string()),
        ),
        "competitors" => (same_name(text("name"), &found.keys[0]), None),
        "pain_points" => {
            (contains_loosely(&found.quote, text("quote")), Some(found.attributes["theme"] == text("theme")))
        }
        "stakeholders" => {
            let name = Some(found.keys[0].as_str()).filter(|n| !n.is_empty());
            let role = Some(found.keys[1].as_str()).filter(|r| !r.is_empty());
            (person_matches(expected, name, role), Some(found.attributes["relation"] == text("relation")))
        }
        "timeline" => {
            let hit = found.keys.iter().any(|key| overlap(text("phrase"), key) >= 0.6);
            let reason = text("reason_contains");
            (hit, (!reason.is_empty()).then(|| contains_loosely(&found.attributes["reason"], reason)))
        }
        "budget" => {
            let want = expected["amount_usd"].as_f64();
            let hit = match (want, found.amount) {
                (Some(want), Some(got)) => (want - got).abs() <= want.abs() * 0.01,
                (None, None) => true,
                _ => false,
            };
            let owner_ok = match expected["owner"].as_str() {
                Some(owner) => contains_loosely(&found.attributes["owner"], owner),
                None => true,
            };
            let cycle_ok = expected["cycle"].as_str().is_none_or(|cycle| found.attributes["cycle"] == cycle);
            (hit, Some(owner_ok && cycle_ok))
        }
        "objections" => (
            contains_loosely(&found.quote, text("quote")),
            expected["answered"].as_bool().map(|answered| found.attributes["answered"] == answered.to_string()),
        ),
        "previous_attempts" => (contains_loosely(&found.quote, text("quote")), None),
        "next_steps" => {
            (contains_loosely(&found.quote, text("quote")), Some(found.attributes["action"] == text("action")))
        }
        _ => (false, None),
    }
}

fn script_transcript(truth: &Value, path: &Path) -> Result<Transcript, String> {
    let turns = truth["script"].as_array().ok_or_else(|| format!("{}: no `script`", path.display()))?;
    let segments = turns
        .iter()
        .map(|turn| {
            let speaker = match turn["speaker"].as_str() {
                Some("SDR") => Speaker::Sdr,
                Some("PROSPECT") => Speaker::Prospect,
                _ => Speaker::Unknown,
            };
            Segment {
                start_ms: turn["start_ms"].as_u64().unwrap_or(0),
                end_ms: turn["end_ms"].as_u64().unwrap_or(0),
                speaker,
                text: turn["text"].as_str().unwrap_or("").to_string(),
                words: Vec::new(),
            }
        })
        .collect();
    Ok(Transcript {
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        source: SourceInfo {
            path: truth["audio"].as_str().unwrap_or("").into(),
            sha256: String::new(),
            duration_ms: truth["duration_ms"].as_u64().unwrap_or(0),
            sample_rate_hz: 16_000,
            channels: 1,
            codec: "script".into(),
            truncated: false,
        },
        model: "script".into(),
        channel_layout: truth["channels"].as_str().unwrap_or("mixed").into(),
        timings_ms: StageTimings::default(),
        segments,
    })
}

/// A corpus call's transcript: a `Name: text` file beside the truth file, the SDR named in `sdr`;
/// and the names of its speakers.
fn corpus_transcript(truth: &Value, path: &Path, file: &str) -> Result<(Transcript, Vec<String>), String> {
    let sdr: Vec<String> =
        truth["sdr"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
    let file = path.parent().unwrap_or(Path::new("")).join(file);
    let imported = read_transcript_file(&file, &sdr).map_err(|error| error.to_string())?;
    // A misspelt `sdr` would score the call with the roles guessed or unknown.
    if imported.roles != RoleSource::SdrNames {
        return Err(format!("{}: `sdr` {sdr:?} names no speaker of {}", path.display(), file.display()));
    }
    let speakers = imported.speakers().into_iter().map(|(name, _)| name.to_string()).collect();
    Ok((imported.transcript, speakers))
}

/// The call's transcript and the names of its speakers, where its file names them.
fn load_transcript(
    truth: &Value,
    path: &Path,
    transcripts: Option<&Path>,
) -> Result<(Transcript, Vec<String>), String> {
    let Some(dir) = transcripts else {
        return match truth["transcript"].as_str() {
            Some(file) => corpus_transcript(truth, path, file),
            None => Ok((script_transcript(truth, path)?, Vec::new())),
        };
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = name.strip_suffix(".truth.json").unwrap_or(name);
    let file = dir.join(format!("{stem}.transcript.json"));
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let transcript = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok((transcript, Vec::new()))
}

/// The folders the truth files are in (`dev`, `heldout`, `calls`), for the table's title.
fn truth_folders(truths: &[PathBuf]) -> String {
    let mut folders: Vec<String> = Vec::new();
    for truth in truths {
        let parent = truth.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = parent.canonicalize().unwrap_or_else(|_| parent.to_path_buf());
        let name = name.file_name().map_or_else(|| parent.display().to_string(), |n| n.to_string_lossy().into_owned());
        if !folders.contains(&name) {
            folders.push(name);
        }
    }
    folders.join(", ")
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let rules = match RuleSet::load(args.rules.as_deref()) {
        Ok(rules) => rules,
        Err(error) => {
            eprintln!("rules: {error}");
            return ExitCode::from(2);
        }
    };
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut violations = Vec::new();
    let mut examples: Vec<Example> = Vec::new();
    for path in &args.truths {
        let truth: Value = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(truth) => truth,
            Err(error) => {
                eprintln!("{}: {error}", path.display());
                return ExitCode::from(2);
            }
        };
        let (transcript, speakers) = match load_transcript(&truth, path, args.transcripts.as_deref()) {
            Ok(loaded) => loaded,
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::from(2);
            }
        };
        if let Some(training) = args.train {
            let quotes: Vec<&str> = truth["expect"][training.truth_list()]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|item| item["quote"].as_str())
                .collect();
            for sentence in pain_signals(&transcript, &rules) {
                let signals = match training {
                    Training::Pains => match sentence.signals {
                        Some(signals) => signals.to_vec(),
                        None => continue,
                    },
                    Training::Objections | Training::Attempts if sentence.prospect_side => Vec::new(),
                    Training::Objections | Training::Attempts => continue,
                };
                let positive = quotes
                    .iter()
                    .any(|quote| contains_loosely(&sentence.text, quote) || contains_loosely(quote, &sentence.text));
                examples.push(Example { signals, words: scored_words(&sentence.text), positive });
            }
            continue;
        }
        let extraction = extract_with_speakers(&transcript, &rules, &speakers);
        if args.dump {
            println!("{}", serde_json::to_string_pretty(&extraction).unwrap_or_default());
        }
        let found = found_items(&extraction);
        let expect = &truth["expect"];
        let call = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        for &category in CATEGORIES {
            let expected: Vec<Value> = expect[category]
                .as_array()
                .into_iter()
                .flatten()
                .map(|want| with_dictionary_rules(category, want, &rules))
                .collect();
            let expected: Vec<&Value> = expected.iter().collect();
            let found: &[Found] = found.get(category).map_or(&[], Vec::as_slice);
            let tally = tallies.entry(category).or_default();
            tally.expected += expected.len();
            for want in &expected {
                let hit = found.iter().map(|f| matches(category, want, f)).find(|(hit, _)| *hit);
                match hit {
                    Some((_, attribute)) => {
                        tally.recalled += 1;
                        if let Some(right) = attribute {
                            tally.attribute_total += 1;
                            tally.attribute_right += usize::from(right);
                            if !right && args.verbose {
                                println!("{call}: {category}: wrong attribute for {want}");
                            }
                        }
                    }
                    None if args.verbose => println!("{call}: {category}: MISSED {want}"),
                    None => {}
                }
            }
            if !expected.is_empty() {
                tally.scored_found += found.len();
                for item in found {
                    let correct = expected.iter().any(|want| matches(category, want, item).0);
                    tally.scored_correct += usize::from(correct);
                    if !correct && args.verbose {
                        println!(
                            "{call}: {category}: EXTRA {:?} {:?} [{}] ({})",
                            item.keys, item.attributes, item.rule, item.quote
                        );
                    }
                }
            }
        }
        let must_not = &expect["must_not_find"];
        for quote in must_not["pain_points_quotes"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if extraction.pain_points.iter().any(|pain| contains_loosely(&pain.quote, quote)) {
                violations.push(format!("{call}: pain tagged that must not be: {quote:?}"));
            }
        }
        for category in must_not["categories"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if found.get(category).is_some_and(|items| !items.is_empty()) {
                violations.push(format!("{call}: {category} must be empty"));
            }
        }
    }

    if let Some(training) = args.train {
        let fitted = fit(&examples, training.penalty());
        match training {
            Training::Pains => {
                let mut weights: Signals = [0.0; Signal::ALL.len()];
                weights.copy_from_slice(&fitted.weights);
                let fitted = PainWeights::new(fitted.bias, weights, fitted.words, fitted.threshold);
                print_tables(training.what(), &fitted.table(), &fitted.word_table(), examples.len());
            }
            Training::Objections | Training::Attempts => {
                let fitted = WordScorer::new(fitted.bias, fitted.words, WORD_SCORER_THRESHOLD);
                print_tables(training.what(), &fitted.table(), &fitted.word_table(), examples.len());
            }
        }
        return ExitCode::SUCCESS;
    }
    println!("{}: {} call(s)", truth_folders(&args.truths), args.truths.len());
    println!(
        "{:<18} {:>8} {:>8} {:>9} {:>9} {:>10}",
        "category", "expected", "recalled", "precision", "recall", "attribute"
    );
    for &category in CATEGORIES {
        let t = &tallies[category];
        println!(
            "{:<18} {:>8} {:>8} {:>9} {:>9} {:>10}",
            category,
            t.expected,
            t.recalled,
            Tally::ratio(t.scored_correct, t.scored_found),
            Tally::ratio(t.recalled, t.expected),
            Tally::ratio(t.attribute_right, t.attribute_total),
        );
    }
    println!("must_not_find violations: {}", violations.len());
    for violation in &violations {
        println!("  {violation}");
    }
    ExitCode::SUCCESS
}

/// One prospect sentence of a training call.
struct Example {
    /// The scorer's signals (none for the word scorers of objections and attempts).
    signals: Vec<f32>,
    words: BTreeSet<String>,
    /// A labelled item of the category being fitted is said in it.
    positive: bool,
}

/// What [`fit`] learns.
struct Fitted {
    bias: f32,
    weights: Vec<f32>,
    words: WordWeights,
    /// The score with the best F1 on the training sentences.
    threshold: f32,
}
const FIT_ROUNDS: usize = 4000;
const LEARNING_RATE: f64 = 0.5;
/// A word is weighed when at least this many training sentences use it.
const MIN_WORD_SENTENCES: usize = 3;
/// Word weights closer to zero than this are left out of the table: they change no decision.
const MIN_WORD_WEIGHT: f32 = 0.05;

/// Logistic regression by batch gradient descent (a few thousand rows, the signals and the
/// words used in a few sentences) with an L2 `penalty` that keeps weights of rare signals and
/// words from growing on a few sentences, then the threshold on the score that gives the best
/// F1 on the same sentences.
fn fit(examples: &[Example], penalty: f64) -> Fitted {
    let signal_count = examples.first().map_or(0, |example| example.signals.len());
    let rows = examples.len().max(1) as f64;
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for example in examples {
        for word in &example.words {
            *uses.entry(word).or_default() += 1;
        }
    }
    let vocabulary: Vec<&str> = uses.into_iter().filter(|(_, n)| *n >= MIN_WORD_SENTENCES).map(|(w, _)| w).collect();
    let index: HashMap<&str, usize> = vocabulary.iter().enumerate().map(|(at, word)| (*word, at)).collect();
    let rows_words: Vec<Vec<usize>> = examples
        .iter()
        .map(|example| example.words.iter().filter_map(|word| index.get(word.as_str()).copied()).collect())
        .collect();
    let mut bias = 0.0f64;
    let mut weights = vec![0.0f64; signal_count];
    let mut word_weights = vec![0.0f64; vocabulary.len()];
    let score = |bias: f64, weights: &[f64], word_weights: &[f64], example: &Example, words: &[usize]| {
        bias + weights.iter().zip(&example.signals).map(|(w, x)| w * f64::from(*x)).sum::<f64>()
            + words.iter().map(|at| word_weights[*at]).sum::<f64>()
    };
    for _ in 0..FIT_ROUNDS {
        let mut bias_gradient = 0.0;
        let mut gradient = vec![0.0f64; signal_count];
        let mut word_gradient = vec![0.0f64; vocabulary.len()];
        for (example, words) in examples.iter().zip(&rows_words) {
            let predicted = 1.0 / (1.0 + (-score(bias, &weights, &word_weights, example, words)).exp());
            let error = predicted - f64::from(u8::from(example.positive));
            bias_gradient += error;
            for (g, x) in gradient.iter_mut().zip(&example.signals) {
                *g += error * f64::from(*x);
            }
            for at in words {
                word_gradient[*at] += error;
            }
        }
        bias -= LEARNING_RATE * bias_gradient / rows;
        for (w, g) in weights.iter_mut().zip(gradient) {
            *w -= LEARNING_RATE * (g / rows + penalty * *w);
        }
        for (w, g) in word_weights.iter_mut().zip(word_gradient) {
            *w -= LEARNING_RATE * (g / rows + penalty * *w);
        }
    }
    let mut scored: Vec<(f64, bool)> = examples
        .iter()
        .zip(&rows_words)
        .map(|(example, words)| (score(bias, &weights, &word_weights, example, words), example.positive))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = scored.iter().filter(|(_, p)| *p).count().max(1) as f64;
    let (mut best_f1, mut threshold, mut true_positives) = (0.0, 0.0, 0.0);
    for (at, (value, is_pain)) in scored.iter().enumerate() {
        true_positives += f64::from(u8::from(*is_pain));
        let precision = true_positives / (at + 1) as f64;
        let recall = true_positives / positives;
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        if f1 > best_f1 {
            (best_f1, threshold) = (f1, *value);
        }
    }
    let rounded = |value: f64| ((value * 100.0).round() / 100.0) as f32;
    let words = vocabulary
        .iter()
        .zip(word_weights)
        .map(|(word, weight)| (word.to_string(), rounded(weight)))
        .filter(|(_, weight)| weight.abs() >= MIN_WORD_WEIGHT)
        .collect();
    eprintln!(
        "fitted on {} sentences, {positives} positive, {} words; best F1 {best_f1:.2} at threshold {threshold:.2}",
        scored.len(),
        vocabulary.len()
    );
    Fitted {
        bias: rounded(bias),
        weights: weights.into_iter().map(rounded).collect(),
        words: WordWeights::new(words),
        threshold: rounded(threshold),
    }
}

/// Prints a fitted scorer as the two rules tables `quality --train-<what>` names: `[<what>_score]`
/// and `[<what>_words]`.
fn print_tables(what: &str, score: &[(&str, f32)], words: &BTreeMap<&str, f32>, sentences: usize) {
    println!("# Fitted by `quality --train-{what}s` on {sentences} prospect sentences.");
    println!("[{what}_score]");
    for (name, value) in score {
        println!("{name} = {:.2}", value + 0.0);
    }
    println!();
    println!("# What the words of a sentence add to its score (fitted with [{what}_score] above).");
    println!("[{what}_words]");
    for (word, value) in words {
        println!("\"{word}\" = {:.2}", value + 0.0);
    }
}
