//! Who the prospect is (name, title, company) and who the SDR is, from introductions and
//! greetings. The SDR's and the prospect's names are kept out of the stakeholder list.

use crate::call::Call;
use crate::item::item;
use crate::kinds::CueKind;
use crate::lexicon::Hit;
use crate::people::{gap_words, joins_the_call, name_runs, names_match, role_hits};
use handoff_findings::{Category, Item, Prospect};
use handoff_transcript::Speaker;
use std::ops::Range;

/// Introductions this early in a call are the speakers' own ("This is Maria").
const OPENING_SENTENCES: usize = 6;
/// People introduce themselves and greet each other at the start of a call; later an "I'm the
/// one who..." is no introduction.
const INTRODUCTION_SENTENCES: usize = 40;
/// How far after an introduction "at Brightside Clinics" may stand.
const COMPANY_REACH_WORDS: usize = 8;

pub(crate) struct Identities {
    pub prospect: Option<Item<Prospect>>,
    /// Names that belong to the two people on the call, not to stakeholders.
    pub participants: Vec<String>,
}

/// What one introduction said.
#[derive(Debug, Default)]
struct Introduction {
    name: Option<String>,
    title: Option<String>,
    company: Option<String>,
}

impl Introduction {
    fn fields(&self) -> usize {
        [self.name.is_some(), self.title.is_some(), self.company.is_some()].iter().filter(|f| **f).count()
    }
}

pub(crate) fn identify(call: &Call) -> Identities {
    let mut participants = Vec::new();
    // (fields said, sentence, rule, confidence, introduction) of the prospect's best intro.
    let mut best: Option<(usize, usize, String, f32, Introduction)> = None;
    let mut greeted_name: Option<(usize, String, String, f32)> = None;

    for sentence in 0..call.len().min(INTRODUCTION_SENTENCES) {
        let speaker = call.sentence(sentence).speaker;
        let text = call.text(sentence);
        for run in name_runs(call, sentence).iter().cloned() {
            if joins_the_call(text, &run) {
                // "I've got Tony on with me", "Gail's joining too": a third person on the call.
                participants.push(text[run].to_string());
            } else if speaker == Speaker::Sdr
                && sentence < OPENING_SENTENCES
                && right_after_greeted(call, sentence, &run)
            {
                // "Hi Curt, Jamal Price, Wrenchbase.": the name right after the one greeted is
                // the SDR's own.
                participants.push(text[run].to_string());
            } else if speaker == Speaker::Sdr && sentence < OPENING_SENTENCES {
                // "Hi Chris, Elena from Launchpath": the SDR naming themself and their company.
                if let Some(company) = company_right_after(text, run.end) {
                    participants.push(text[run].to_string());
                    participants.push(company);
                }
            }
        }
        for cue in call.cues(sentence, CueKind::SelfIntro) {
            let intro = introduction_after(call, sentence, cue);
            if intro.fields() == 0 {
                continue;
            }
            if speaker == Speaker::Sdr {
                // The SDR's name and company ("this is Alex with Northwind") are no stakeholders.
                participants.extend(intro.name);
                participants.extend(intro.company);
                continue;
            }
            let fields = intro.fields();
            if best.as_ref().is_none_or(|(most, ..)| fields > *most) {
                let rule = call.cue(cue);
                best = Some((fields, sentence, rule.rule.clone(), rule.confidence, intro));
            }
        }
        for cue in call.cues(sentence, CueKind::Greeting) {
            let Some(name) = greeted(call, sentence, cue) else {
                continue;
            };
            if speaker == Speaker::Sdr {
                // "Hi Rachel, hi Sanjay": the first greeted is the prospect, all are on the call.
                participants.push(name.clone());
                if greeted_name.is_none() {
                    let rule = call.cue(cue);
                    greeted_name = Some((sentence, name, rule.rule.clone(), rule.confidence));
                }
            } else {
                // The prospect greeting the SDR by name.
                participants.push(name);
            }
        }
    }

    let prospect = match (best, greeted_name) {
        (Some((_, sentence, rule, confidence, mut intro)), greeting) => {
            if intro.name.is_none() {
                intro.name = greeting.map(|(_, name, ..)| name);
            }
            Some(prospect_item(call, sentence, &rule, confidence, intro))
        }
        (None, Some((sentence, name, rule, confidence))) => Some(prospect_item(
            call,
            sentence,
            &rule,
            confidence,
            Introduction { name: Some(name), ..Default::default() },
        )),
        (None, None) => None,
    };
    if let Some(prospect) = &prospect {
        participants.extend(prospect.detail.name.clone());
        participants.extend(prospect.detail.company.clone());
    }
    participants.retain(|name| !name.is_empty());
    participants.dedup_by(|a, b| names_match(a, b));
    Identities { prospect, participants }
}

fn prospect_item(call: &Call, sentence: usize, rule: &str, confidence: f32, intro: Introduction) -> Item<Prospect> {
    let said = call.sentence(sentence);
    let detail = Prospect { name: intro.name, title: intro.title, company: intro.company };
    item(Category::Prospect, said, &said.text, rule, confidence, detail)
}

/// Name, title and company right after "I'm" / "this is" / "my name is" / "I run" ...
fn introduction_after(call: &Call, sentence: usize, cue: &Hit) -> Introduction {
    let text = call.text(sentence);
    let cue_text = call.matched(sentence, cue).to_ascii_lowercase();
    let mut intro = Introduction::default();
    let mut position = cue.end;

    let names_self =
        matches!(cue_text.as_str(), "i'm" | "i am" | "my name is" | "my name's" | "this is" | "it's" | "speaking");
    if names_self {
        let next_run = name_runs(call, sentence)
            .iter()
            .find(|run| run.start >= position && text[position..run.start].trim().is_empty())
            .cloned();
        if let Some(run) = next_run {
            let first = text[run.clone()].split(' ').next().unwrap_or("").to_lowercase();
            let casual = matches!(cue_text.as_str(), "this is" | "it's");
            let trusted = !casual || sentence < OPENING_SENTENCES || call.rules.first_names.contains(&first);
            if trusted {
                intro.name = Some(text[run.clone()].to_string());
                position = run.end;
            }
        }
    }
    let title = role_hits(call, sentence, true).into_iter().find(|role| {
        role.span.start >= position
            && gap_words(&text[position..role.span.start])
                .iter()
                .all(|w| matches!(w.as_str(), "the" | "a" | "an" | "and" | "i'm" | "currently" | "also" | "one" | "of"))
            && gap_words(&text[position..role.span.start]).len() <= 4
    });
    if let Some(role) = title {
        intro.title = Some(role.role.to_string());
        position = role.span.end;
    }
    // "It is most of Jenna's job": a bare "it's" / "this is" with no name or title introduces
    // no one, so "of Jenna" is no company.
    let introduces = intro.name.is_some()
        || intro.title.is_some()
        || !matches!(cue_text.as_str(), "it's" | "it is" | "this is" | "i'm" | "i am");
    if introduces {
        intro.company = company_after(text, position);
    }
    intro
}

/// "at Brightside Clinics", "of Acme Health", "over at Northwind & Co" within a few words.
fn company_after(text: &str, from: usize) -> Option<String> {
    let rest = &text[from..];
    let mut offset = 0;
    for (index, word) in rest.split(' ').enumerate() {
        if index > COMPANY_REACH_WORDS {
            break;
        }
        let start = offset;
        offset += word.len() + 1;
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase();
        if word.ends_with(['.', '?', '!']) {
            break;
        }
        if matches!(bare.as_str(), "at" | "of" | "for" | "with") {
            if let Some(range) = company_run(rest, start + word.len() + 1) {
                return Some(rest[range].to_string());
            }
        }
    }
    None
}

/// Whether `run` comes right after the name a greeting addresses, only a comma between.
fn right_after_greeted(call: &Call, sentence: usize, run: &Range<usize>) -> bool {
    let text = call.text(sentence);
    let runs = name_runs(call, sentence);
    call.cues(sentence, CueKind::Greeting).any(|cue| {
        greeted(call, sentence, cue).is_some_and(|name| {
            runs.iter().any(|greeted| {
                text[greeted.clone()] == name && greeted.end <= run.start && text[greeted.end..run.start].trim() == ","
            })
        })
    })
}

/// "Elena from Launchpath", "Liam with Quillfield here": a company named right after a name.
fn company_right_after(text: &str, from: usize) -> Option<String> {
    let rest = &text[from..];
    let word = rest.trim_start().split(' ').next()?;
    if !matches!(word, "from" | "with" | "at") || rest.starts_with(',') {
        return None;
    }
    let start = from + (rest.len() - rest.trim_start().len()) + word.len() + 1;
    company_run(text, start).map(|range| text[range].to_string())
}

/// Capitalised words (and "&" / "and" / "of" between them) starting at `start`.
fn company_run(text: &str, start: usize) -> Option<Range<usize>> {
    if start >= text.len() {
        return None;
    }
    let mut end = start;
    let mut offset = start;
    for (words, word) in text[start..].split(' ').enumerate() {
        let core = word.trim_end_matches([',', '.', '?', '!', ';', ':']);
        let core = core.strip_suffix("'s").unwrap_or(core);
        let capitalised = core.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        let joiner = matches!(core, "&" | "and" | "of") && words > 0;
        if !(capitalised || joiner) || words >= 5 {
            break;
        }
        if capitalised {
            end = offset + core.len();
        }
        offset += word.len() + 1;
        if core.len() != word.len() {
            break;
        }
    }
    (end > start).then_some(start..end)
}

/// The name a greeting addresses: "Hi Maria", "thanks for taking my call, Maria", "Maria,
/// thanks for jumping on".
fn greeted(call: &Call, sentence: usize, cue: &Hit) -> Option<String> {
    let text = call.text(sentence);
    let runs = name_runs(call, sentence);
    let only_punctuation = |gap: &str| gap.chars().all(|c| c == ',' || c.is_whitespace());
    let after = runs.iter().find(|run| run.start >= cue.end && only_punctuation(&text[cue.end..run.start]));
    let before =
        runs.iter().find(|run| run.start == 0 && run.end <= cue.start && only_punctuation(&text[run.end..cue.start]));
    after.or(before).map(|run| text[run.clone()].to_string())
}
