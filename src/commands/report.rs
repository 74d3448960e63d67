//! `handoff report`: for a manager, how complete a folder of handoffs is and how much reviewing
//! it took, as a table (and CSV for a spreadsheet).

use super::Outcome;
use crate::cli::ReportArgs;
use anyhow::{bail, Context, Result};
use handoff_document::{write_atomically, Handoff};
use handoff_review::{apply, metrics, settle_status, Action, Requirements, Review, ReviewLog};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Each column's title in the table and name in the CSV, where times are plain seconds.
const COLUMNS: [(&str, &str); 14] = [
    ("HANDOFF", "handoff"),
    ("STATUS", "status"),
    ("COMPLETE", "completeness"),
    ("REVIEW TIME", "review_seconds"),
    ("ACCEPT", "accept"),
    ("REJECT", "reject"),
    ("EDIT", "edit"),
    ("ADD", "add"),
    ("SET FIELD", "set_field"),
    ("ACCEPTED", "items_accepted"),
    ("REJECTED", "items_rejected"),
    ("EDITED", "items_edited"),
    ("ADDED", "items_added"),
    ("ORPHANS", "orphans"),
];

/// The correction kinds, in the order of their columns.
const ACTIONS: [Action; 5] = [Action::Accept, Action::Reject, Action::Edit, Action::Add, Action::SetField];

/// One handoff's numbers: completeness as a share and review time in seconds, which the table
/// shows as a percentage and a duration.
struct Row {
    handoff: String,
    status: String,
    completeness: f64,
    review_seconds: Option<u64>,
    counts: Vec<usize>,
}

pub fn run(args: ReportArgs) -> Result<Outcome> {
    let requirements = Requirements::load(args.required.as_deref())?;
    let (rows, failed) = match (&args.dir, &args.database_url) {
        (Some(dir), _) => folder_rows(dir, &requirements)?,
        (None, Some(url)) => team_rows(url, args.sdr.as_deref(), &requirements)?,
        (None, None) => bail!("pass the folder of *.handoff.json files, or the team's database with --state URL"),
    };
    print!("{}", table(&rows));
    if let Some(csv_path) = &args.csv {
        write_atomically(csv_path, &csv(&rows))?;
        eprintln!("handoff: wrote {}", csv_path.display());
    }
    Ok(if failed > 0 { Outcome::SomeFailed } else { Outcome::AllSucceeded })
}

/// The rows of every handoff under `dir`, and how many could not be read (each reported).
fn folder_rows(dir: &Path, requirements: &Requirements) -> Result<(Vec<Row>, usize)> {
    if !dir.is_dir() {
        bail!("{} is not a folder: pass the folder that holds the *.handoff.json files", dir.display());
    }
    let mut handoffs = Vec::new();
    find_handoffs(dir, &mut handoffs)?;
    handoffs.sort();
    if handoffs.is_empty() {
        eprintln!("handoff: no *.handoff.json in {}", dir.display());
    }
    Ok(collect_rows(handoffs.iter().map(|path| {
        let review = Review::open(path, requirements.clone())?;
        let name = path.strip_prefix(dir).unwrap_or(path).display().to_string();
        row(name, &review.draft, &review.log, requirements)
    })))
}

/// The rows of the team's handoffs (of one SDR, when given), by SDR and call date, named
/// `SDR/path`; each with the review stored beside it.
fn team_rows(url: &str, sdr: Option<&str>, requirements: &Requirements) -> Result<(Vec<Row>, usize)> {
    let stored = crate::team::open_database(url)?.connect().handoffs(sdr)?;
    if stored.is_empty() {
        eprintln!(
            "handoff: the team's database holds no handoff{}",
            sdr.map(|sdr| format!(" of {sdr}")).unwrap_or_default()
        );
    }
    Ok(collect_rows(stored.into_iter().map(|stored| {
        let name = match &stored.sdr {
            Some(sdr) => format!("{sdr}/{}", stored.path),
            None => stored.path.clone(),
        };
        let unreadable =
            |what: &str| format!("the team's copy of {name}: {what} is not readable; process the call again");
        let draft: Handoff = serde_json::from_value(stored.document).with_context(|| unreadable("the draft"))?;
        let mut log = ReviewLog::new(&draft.source.sha256);
        for correction in stored.corrections {
            log.corrections.push(serde_json::from_value(correction).with_context(|| unreadable("a correction"))?);
        }
        log.finalized =
            stored.sign_off.map(serde_json::from_value).transpose().with_context(|| unreadable("the sign-off"))?;
        row(name, &draft, &log, requirements)
    })))
}

/// The rows that could be made, and how many could not (each reported).
fn collect_rows(rows: impl Iterator<Item = Result<Row>>) -> (Vec<Row>, usize) {
    let mut made = Vec::new();
    let mut failed = 0;
    for row in rows {
        match row {
            Ok(row) => made.push(row),
            Err(error) => {
                failed += 1;
                eprintln!("handoff: {error:#}");
            }
        }
    }
    (made, failed)
}

/// Every `*.handoff.json` under `dir`, skipping hidden folders (the watcher's state, say).
fn find_handoffs(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries {
        let path = entry.with_context(|| format!("cannot list {}", dir.display()))?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() && !name.starts_with('.') {
            find_handoffs(&path, found)?;
        } else if name.ends_with(".handoff.json") {
            found.push(path);
        }
    }
    Ok(())
}

/// The numbers of the draft `draft` with its review `log` applied.
fn row(handoff: String, draft: &Handoff, log: &ReviewLog, requirements: &Requirements) -> Result<Row> {
    let applied = apply(draft, log).with_context(|| format!("cannot apply the review of {handoff}"))?;
    let mut current = applied.handoff;
    settle_status(&mut current, log.finalized.is_some(), requirements);
    let metrics = metrics(draft, log, &current, requirements);
    let items = &metrics.items;
    let mut counts: Vec<usize> =
        ACTIONS.iter().map(|action| metrics.corrections.get(action).copied().unwrap_or(0)).collect();
    counts.extend([items.accepted, items.rejected, items.edited, items.added, applied.orphans.len()]);
    let status = serde_json::to_value(current.status).expect("a status serializes");
    Ok(Row {
        handoff,
        status: status.as_str().unwrap_or_default().to_owned(),
        completeness: metrics.completeness,
        review_seconds: metrics.review_seconds,
        counts,
    })
}

fn table(rows: &[Row]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut cells = vec![
                row.handoff.clone(),
                row.status.clone(),
                format!("{:.0}%", row.completeness * 100.0),
                row.review_seconds.map_or_else(
                    || "-".to_owned(),
                    |seconds| humantime::format_duration(Duration::from_secs(seconds)).to_string(),
                ),
            ];
            cells.extend(row.counts.iter().map(usize::to_string));
            cells
        })
        .collect();
    let widths: Vec<usize> = COLUMNS
        .iter()
        .enumerate()
        .map(|(column, (title, _))| {
            cells.iter().map(|row| row[column].chars().count()).chain([title.len()]).max().unwrap_or_default()
        })
        .collect();
    let line = |values: &[String]| {
        let padded: Vec<String> = values
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (value, width))| {
                // Names left-aligned, numbers right-aligned so they line up by digit.
                if column < 2 {
                    format!("{value:<width$}")
                } else {
                    format!("{value:>width$}")
                }
            })
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let titles: Vec<String> = COLUMNS.iter().map(|(title, _)| title.to_string()).collect();
    std::iter::once(line(&titles)).chain(cells.iter().map(|row| line(row))).collect()
}

fn csv(rows: &[Row]) -> String {
    let names: Vec<&str> = COLUMNS.iter().map(|(_, name)| *name).collect();
    let mut out = format!("{}\n", names.join(","));
    for row in rows {
        let mut fields = vec![
            csv_field(&row.handoff),
            row.status.clone(),
            format!("{:.2}", row.completeness),
            row.review_seconds.map_or(String::new(), |s| s.to_string()),
        ];
        fields.extend(row.counts.iter().map(usize::to_string));
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// Quoted when it holds a separator, a quote or a line break (RFC 4180).
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Row {
        Row {
            handoff: "team a/call, 1.handoff.json".into(),
            status: "ready".into(),
            completeness: 0.8,
            review_seconds: Some(252),
            counts: (0..10).collect(),
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(
            csv(&[sample()]),
            "handoff,status,completeness,review_seconds,accept,reject,edit,add,set_field,items_accepted,items_rejected,items_edited,items_added,orphans\n\
             \"team a/call, 1.handoff.json\",ready,0.80,252,0,1,2,3,4,5,6,7,8,9\n"
        );
    }

    #[test]
    fn the_table_aligns_columns() {
        let text = table(&[sample()]);
        let lines: Vec<&str> = text.lines().collect();
        let header = concat!(
            "HANDOFF                      STATUS  COMPLETE  REVIEW TIME  ACCEPT  REJECT  EDIT  ADD",
            "  SET FIELD  ACCEPTED  REJECTED  EDITED  ADDED  ORPHANS"
        );
        let row = concat!(
            "team a/call, 1.handoff.json  ready        80%       4m 12s       0       1     2    3",
            "          4         5         6       7      8        9"
        );
        assert_eq!(lines, [header, row]);
    }
}
