//! Which named speaker is the SDR and which are the prospect's side.
//!
//! Extraction only trusts what the prospect says (a pain in the SDR's pitch is no pain), so a
//! wrong SDR is worse than none: when nothing tells them apart, speakers stay UNKNOWN.

use super::Turn;
use crate::Speaker;
use regex::Regex;
use std::sync::LazyLock;

/// A seller introduces themself in their first few turns; later "I'm with Acme" is something else.
const INTRODUCTION_TURNS: usize = 3;

/// How the speakers' roles were decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoleSource {
    /// The file says it: `handoff process`'s own transcripts, speakers named `SDR` / `PROSPECT`.
    Recorded,
    /// A speaker's name matched an SDR name the user gave.
    SdrNames,
    /// A speaker introduced the selling company ("this is Jordan from Acme").
    Introduction,
    /// Nothing told the SDR apart: every speaker is UNKNOWN.
    Unassigned,
}

impl RoleSource {
    /// What the transcript's `channel_layout` says for an imported transcript.
    pub fn layout_name(self) -> &'static str {
        match self {
            Self::Recorded => "speaker-labels",
            Self::SdrNames => "sdr-names",
            Self::Introduction => "sdr-introduction",
            Self::Unassigned => "mixed",
        }
    }
}

/// Every named speaker's role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roles {
    /// Each named speaker once, in order of their first turn.
    pub by_name: Vec<(String, Speaker)>,
    /// What decided them.
    pub source: RoleSource,
}

impl Roles {
    /// The role of a turn by `name`; a turn without a name is UNKNOWN.
    pub fn speaker_of(&self, name: Option<&str>) -> Speaker {
        name.and_then(|name| self.by_name.iter().find(|(known, _)| known == name))
            .map_or(Speaker::Unknown, |(_, speaker)| *speaker)
    }
}

/// Roles for the speakers of `turns`. A speaker named like one of `sdr_names` (the whole name, or
/// its first words: `Jordan` matches `Jordan Blake` and the other way round; any case) is the SDR
/// and every other named speaker PROSPECT. When no speaker matches, the one who introduces the
/// selling company in their first turns is the SDR ("this is Jordan from Acme", "I'm Jordan with
/// Acme", "calling from Acme", "Jordan here at Acme"); when nobody does, all are UNKNOWN. Speakers
/// named `SDR`, `PROSPECT` or `UNKNOWN` keep that role.
pub fn assign_roles(turns: &[Turn], sdr_names: &[String]) -> Roles {
    let mut names: Vec<&str> = Vec::new();
    for name in turns.iter().filter_map(|turn| turn.name.as_deref()) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let people: Vec<&str> = names.iter().copied().filter(|name| role_label(name).is_none()).collect();
    let named_sdrs: Vec<&str> =
        people.iter().copied().filter(|person| sdr_names.iter().any(|sdr| same_person(person, sdr))).collect();
    let (sdrs, source) = if !named_sdrs.is_empty() {
        (named_sdrs, RoleSource::SdrNames)
    } else if let Some(introducer) = seller_introducer(turns) {
        (vec![introducer], RoleSource::Introduction)
    } else if people.len() < names.len() {
        (Vec::new(), RoleSource::Recorded)
    } else {
        (Vec::new(), RoleSource::Unassigned)
    };
    let role_of = |name: &str| match role_label(name) {
        Some(labelled) => labelled,
        None if sdrs.contains(&name) => Speaker::Sdr,
        None if sdrs.is_empty() => Speaker::Unknown,
        None => Speaker::Prospect,
    };
    Roles { by_name: names.iter().map(|name| (name.to_string(), role_of(name))).collect(), source }
}

/// `SDR`, `PROSPECT` or `UNKNOWN` (any case) as a speaker's name.
fn role_label(name: &str) -> Option<Speaker> {
    [Speaker::Sdr, Speaker::Prospect, Speaker::Unknown].into_iter().find(|role| role.label().eq_ignore_ascii_case(name))
}

/// Whether one name is the other, or its first words ("Jordan" and "Jordan Blake (Acme)"), in
/// any case.
fn same_person(speaker: &str, given: &str) -> bool {
    let words = |name: &str| -> Vec<String> {
        name.split_whitespace()
            .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
            .filter(|word| !word.is_empty())
            .collect()
    };
    let (speaker, given) = (words(speaker), words(given));
    let shorter = speaker.len().min(given.len());
    shorter > 0 && speaker[..shorter] == given[..shorter]
}

/// Phrases a seller opens with, each with how surely it marks the seller. A name or a company
/// must be capitalised: captions from Zoom and Teams are, and it keeps "this is great with
/// everyone" out.
static SELLER_INTRODUCTIONS: LazyLock<[(Regex, u8); 4]> = LazyLock::new(|| {
    const NAME: &str = r"\p{Lu}[\p{L}'’.\-]*(?:\s+\p{Lu}[\p{L}'’.\-]*){0,2}";
    const COMPANY: &str = r"[\p{Lu}\d]";
    let pattern = |pattern: String| Regex::new(&pattern).expect("the introduction patterns are valid");
    [
        // Only the caller says where they are calling from.
        (
            pattern(format!(
                r"(?i:\b(?:calling|reaching\s+out|ringing)(?:\s+you)?\s+(?:from|on\s+behalf\s+of)\s+){COMPANY}"
            )),
            2,
        ),
        (
            pattern(format!(
                r"(?i:\b(?:this\s+is|i'm|i’m|i\s+am|my\s+name\s+is|my\s+name's|it's|it’s)\s+){NAME},?\s+(?i:(?:and\s+i(?:'m|’m|\s+am)\s+|here\s+)?(?:from|with|at|over\s+at)\s+){COMPANY}"
            )),
            1,
        ),
        (pattern(format!(r"\b{NAME}\s+(?i:here\s+(?:from|with|at|over\s+at)\s+){COMPANY}")), 1),
        (pattern(format!(r"(?i:\b(?:i'm|i’m|i\s+am)\s+(?:from|with)\s+){COMPANY}")), 1),
    ]
});

/// How surely `text` is a seller introducing their company ("this is Jordan from Acme": 1;
/// "calling from Acme": 2), or `None`. Also names the SDR among the voices of a mono recording.
pub fn seller_introduction(text: &str) -> Option<u8> {
    SELLER_INTRODUCTIONS.iter().filter(|(pattern, _)| pattern.is_match(text)).map(|(_, sureness)| *sureness).max()
}

/// The named speaker who introduces the selling company in their first turns: the surest
/// phrase wins, then the earliest.
fn seller_introducer(turns: &[Turn]) -> Option<&str> {
    let mut turns_seen: Vec<(&str, usize)> = Vec::new();
    let mut best: Option<(u8, &str)> = None;
    for turn in turns {
        let Some(name) = turn.name.as_deref().filter(|name| role_label(name).is_none()) else {
            continue;
        };
        let index = match turns_seen.iter().position(|(known, _)| *known == name) {
            Some(index) => index,
            None => {
                turns_seen.push((name, 0));
                turns_seen.len() - 1
            }
        };
        turns_seen[index].1 += 1;
        if turns_seen[index].1 > INTRODUCTION_TURNS {
            continue;
        }
        if let Some(sureness) =
            seller_introduction(&turn.text).filter(|&sureness| best.is_none_or(|(most, _)| sureness > most))
        {
            best = Some((sureness, name));
        }
    }
    best.map(|(_, name)| name)
}
