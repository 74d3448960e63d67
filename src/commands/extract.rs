//! `handoff extract`: draft handoffs from transcripts a team already has (Zoom, Teams, Gong and
//! dialer exports, or `handoff process`'s own), without audio or the Whisper model.

use super::Outcome;
use crate::output::{OutputNamer, OutputPaths};
use crate::pipeline::{draft_handoff, Drafted};
use crate::settings::{ExtractSettings, Verbosity};
use anyhow::{bail, Context, Result};
use handoff_document::Handoff;
use handoff_extract::RuleSet;
use handoff_transcript::import::{read_transcript_file, ImportedTranscript, RoleSource};
use handoff_transcript::Speaker;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Serialize)]
struct FileReport {
    file: PathBuf,
    status: Status,
    /// `webvtt`, `srt`, `text` or `transcript.json`, as detected from the content.
    format: Option<&'static str>,
    duration_ms: u64,
    /// Each named speaker with the role they were given.
    speakers: Vec<SpeakerReport>,
    /// What decided the roles: `sdr-names`, `introduction`, `transcript` or `none`.
    roles_from: Option<&'static str>,
    pains: usize,
    stakeholders: usize,
    outputs: Vec<PathBuf>,
    error: Option<String>,
    /// Written, but the user should know (e.g. nobody could be told to be the SDR).
    warning: Option<String>,
}

#[derive(Debug, Serialize)]
struct SpeakerReport {
    name: String,
    role: &'static str,
}

impl SpeakerReport {
    fn is_sdr(&self) -> bool {
        self.role == Speaker::Sdr.label()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Done,
    Failed,
}

/// What one transcript gave.
struct Extracted {
    imported: ImportedTranscript,
    drafted: Drafted,
}

pub fn run(args: ExtractSettings) -> Result<Outcome> {
    let rules = RuleSet::load(args.rules.as_deref())?;
    if let Some(out) = &args.out {
        OutputNamer::new(Some(out)).check_writable(out).context("--out")?;
    }
    // Output names given out in this run, with the input each went to: `a/call.vtt` and
    // `b/call.vtt` into one --out must not overwrite each other.
    let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut reports = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let report = match extract_one(file, &args, &rules, &mut claimed) {
            Ok(extracted) => done_report(file, extracted, &args.sdr_names),
            Err(error) => failed_report(file, &error),
        };
        if let Some(error) = &report.error {
            eprintln!("handoff: {error}");
        }
        if let Some(warning) = report.warning.as_ref().filter(|_| args.verbosity != Verbosity::Quiet) {
            eprintln!("handoff: warning: {warning}");
        }
        if args.verbosity == Verbosity::Verbose && report.status == Status::Done {
            eprintln!("handoff: {}: {}", file.display(), describe_speakers(&report));
        }
        reports.push(report);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else if args.verbosity != Verbosity::Quiet {
        print_summary(&reports);
    }
    let any_failed = reports.iter().any(|report| report.status == Status::Failed);
    Ok(if any_failed { Outcome::SomeFailed } else { Outcome::AllSucceeded })
}

fn extract_one(
    file: &Path,
    args: &ExtractSettings,
    rules: &RuleSet,
    claimed: &mut HashMap<PathBuf, PathBuf>,
) -> Result<Extracted> {
    let imported = read_transcript_file(file, &args.sdr_names)?;
    let outputs = OutputPaths::with_stem(file, transcript_stem(file), args.out.as_deref());
    let handoff_path = outputs.path("handoff.json");
    if let Some(owner) = claimed.get(&handoff_path).filter(|owner| *owner != file) {
        bail!(
            "{}: its outputs would be {}, which {} already got in this run; give one of them another \
             name, or extract them into different --out folders",
            file.display(),
            handoff_path.display(),
            owner.display()
        );
    }
    claimed.insert(handoff_path, file.to_path_buf());
    keep_reviewed_draft(file, &outputs, &imported.transcript.source.sha256)?;
    let speakers: Vec<String> = imported.speakers().into_iter().map(|(name, _)| name.to_string()).collect();
    let drafted = draft_handoff(&imported.transcript, rules, &args.requirements, &outputs, file, &speakers)
        .with_context(|| format!("{}: the outputs were not all written", file.display()))?;
    Ok(Extracted { imported, drafted })
}

/// The output name's stem: the file name without `.transcript.json`, `.vtt`, `.srt` or `.txt`
/// (`call.transcript.txt`, `handoff process`'s text transcript, loses both), else without its
/// last extension.
fn transcript_stem(file: &Path) -> String {
    let name = file.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let lowercase = name.to_lowercase();
    let known = [".transcript.json", ".transcript.txt", ".vtt", ".srt", ".txt"];
    let stem = match known.iter().find(|suffix| lowercase.ends_with(*suffix) && lowercase.len() > suffix.len()) {
        Some(suffix) => name[..name.len() - suffix.len()].to_string(),
        None => file.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default(),
    };
    if stem.is_empty() {
        "transcript".to_string()
    } else {
        stem
    }
}

/// Refuses to replace a draft the SDR has reviewed when it was made from other content: the
/// review would no longer belong to the call it was made on (as `process` does).
fn keep_reviewed_draft(file: &Path, outputs: &OutputPaths, sha256: &str) -> Result<()> {
    let review = outputs.path("review.json");
    if !review.is_file() {
        return Ok(());
    }
    let Ok(existing) = Handoff::load(&outputs.path("handoff.json")) else {
        return Ok(());
    };
    if existing.source.sha256 != sha256 {
        bail!(
            "{}: {} was reviewed on a draft from other content ({}); extracting would replace it. \
             Use --out to write elsewhere, or move the old outputs away to start over",
            file.display(),
            review.display(),
            existing.source.file
        );
    }
    Ok(())
}

fn done_report(file: &Path, extracted: Extracted, sdr_names: &[String]) -> FileReport {
    let Extracted { imported, drafted: Drafted { handoff, written, warnings } } = extracted;
    let speakers: Vec<SpeakerReport> = imported
        .speakers()
        .into_iter()
        .map(|(name, speaker)| SpeakerReport { name: name.to_string(), role: speaker.label() })
        .collect();
    let warnings: Vec<String> =
        roles_warning(file, &imported, &speakers, sdr_names).into_iter().chain(warnings).collect();
    FileReport {
        // `--json` keeps its one `warning` field: several warnings are one a line.
        warning: (!warnings.is_empty()).then(|| warnings.join("\n")),
        file: file.to_path_buf(),
        status: Status::Done,
        format: Some(imported.format.name()),
        duration_ms: imported.transcript.source.duration_ms,
        roles_from: Some(roles_from(imported.roles)),
        speakers,
        pains: handoff.findings.pain_points.len(),
        stakeholders: handoff.findings.stakeholders.len(),
        outputs: written,
        error: None,
    }
}

fn failed_report(file: &Path, error: &anyhow::Error) -> FileReport {
    FileReport {
        file: file.to_path_buf(),
        status: Status::Failed,
        format: None,
        duration_ms: 0,
        speakers: Vec::new(),
        roles_from: None,
        pains: 0,
        stakeholders: 0,
        outputs: Vec::new(),
        error: Some(format!("{error:#}")),
        warning: None,
    }
}

fn roles_from(source: RoleSource) -> &'static str {
    match source {
        RoleSource::Recorded => "transcript",
        RoleSource::SdrNames => "sdr-names",
        RoleSource::Introduction => "introduction",
        RoleSource::Unassigned => "none",
    }
}

/// When the SDR was not found the way the user expects: extraction trusts only the prospect's
/// words, so a call without an SDR has no pains or objections, and one with a guessed SDR should
/// be checked.
fn roles_warning(
    file: &Path,
    imported: &ImportedTranscript,
    speakers: &[SpeakerReport],
    sdr_names: &[String],
) -> Option<String> {
    let names = speakers.iter().map(|speaker| speaker.name.as_str()).collect::<Vec<_>>().join(", ");
    let sdr = speakers.iter().find(|speaker| speaker.is_sdr()).map_or("", |speaker| speaker.name.as_str());
    let not_given = || format!("no speaker is named like --sdr {} (speakers: {names})", sdr_names.join(", "));
    let sdr_given = !sdr_names.is_empty();
    match (imported.roles, sdr_given) {
        (RoleSource::Introduction, true) => Some(format!(
            "{}: {}; took {sdr}, who introduces the selling company, as the SDR",
            file.display(),
            not_given()
        )),
        (RoleSource::Unassigned, _) if speakers.is_empty() => Some(format!(
            "{}: the transcript names no speakers, so every turn is UNKNOWN and no pain or objection \
             is attributed; export it with speaker names",
            file.display()
        )),
        (RoleSource::Unassigned, sdr_given) => Some(format!(
            "{}: {}, so every turn is UNKNOWN and no pain or objection is attributed; pass --sdr NAME",
            file.display(),
            if sdr_given { not_given() } else { format!("nobody introduces the selling company (speakers: {names})") }
        )),
        _ => None,
    }
}

fn describe_speakers(report: &FileReport) -> String {
    let speakers: Vec<String> =
        report.speakers.iter().map(|speaker| format!("{} = {}", speaker.name, speaker.role)).collect();
    format!(
        "{}, roles from {}{}{}",
        report.format.unwrap_or("?"),
        report.roles_from.unwrap_or("?"),
        if speakers.is_empty() { "" } else { ": " },
        speakers.join(", ")
    )
}

fn print_summary(reports: &[FileReport]) {
    println!("{:<40} {:>15} {:>7} {:>6} {:>12}  SDR", "file", "format", "status", "pains", "stakeholders");
    for report in reports {
        let name = report
            .file
            .file_name()
            .map_or_else(|| report.file.display().to_string(), |n| n.to_string_lossy().into_owned());
        let sdrs: Vec<&str> =
            report.speakers.iter().filter(|s| s.is_sdr()).map(|speaker| speaker.name.as_str()).collect();
        println!(
            "{:<40} {:>15} {:>7} {:>6} {:>12}  {}",
            name,
            report.format.unwrap_or("-"),
            match report.status {
                Status::Done => "done",
                Status::Failed => "FAILED",
            },
            report.pains,
            report.stakeholders,
            if sdrs.is_empty() { "-".to_string() } else { sdrs.join(", ") }
        );
    }
    let count = |status| reports.iter().filter(|report| report.status == status).count();
    println!("{} extracted, {} failed", count(Status::Done), count(Status::Failed));
    for report in reports.iter().filter(|report| report.status == Status::Done) {
        for output in &report.outputs {
            println!("  wrote {}", output.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::transcript_stem;
    use std::path::Path;

    #[test]
    fn stems_drop_transcript_suffixes() {
        for (file, stem) in [
            ("calls/acme.transcript.json", "acme"),
            ("acme.transcript.txt", "acme"),
            ("Zoom Meeting.VTT", "Zoom Meeting"),
            ("dialer.2026-11-25.srt", "dialer.2026-11-25"),
            ("notes.txt", "notes"),
            ("export.json", "export"),
            ("transcript", "transcript"),
            (".vtt", ".vtt"),
        ] {
            assert_eq!(transcript_stem(Path::new(file)), stem, "{file}");
        }
    }
}
