//! Next steps: what was agreed to happen next (demo, meeting, material, invite, trial, follow
//! up), when and with whom. Either speaker; one item per action, later mentions fill the gaps.

use crate::call::{negated_before, Call};
use crate::item::item;
use crate::lexicon::Layer;
use crate::model::{Category, Item, NextStep};
use crate::people;
use crate::rules::schema::CueKind;

pub(crate) fn next_steps(call: &Call, participants: &[String]) -> Vec<Item<NextStep>> {
    let mut items: Vec<Item<NextStep>> = Vec::new();
    for sentence in 0..call.len() {
        let text = call.text(sentence);
        if !call.has_cue(sentence, CueKind::StepAction)
            || !(call.has_cue(sentence, CueKind::StepCommitment) || is_instruction(call, sentence))
        {
            continue;
        }
        let when = call
            .rules
            .lexicon
            .scan_on_demand(text)
            .into_iter()
            .find(|hit| hit.layer == Layer::Cue(CueKind::StepWhen))
            .map(|hit| text[hit.start..hit.end].trim_end_matches([',', '.', '?', '!']).to_string());
        let who = who(call, sentence, participants);
        let mut actions_here: Vec<String> = Vec::new();
        for cue in call.cues(sentence, CueKind::StepAction) {
            if negated_before(text, cue.start, call.matched(sentence, cue), 3) {
                continue;
            }
            let rule = call.cue(cue);
            let action = rule.value.clone().unwrap_or_else(|| "other".into());
            if actions_here.contains(&action) {
                continue;
            }
            actions_here.push(action.clone());
            match items.iter_mut().find(|known| known.detail.action == action) {
                Some(known) => {
                    known.detail.when = known.detail.when.take().or_else(|| when.clone());
                    known.detail.who = known.detail.who.take().or_else(|| who.clone());
                }
                None => {
                    let detail = NextStep { action, when: when.clone(), who: who.clone() };
                    items.push(item(
                        Category::NextStep,
                        call.sentence(sentence),
                        text,
                        &rule.rule,
                        rule.confidence,
                        detail,
                    ));
                }
            }
        }
    }
    items
}

/// "Loop in our IT director too.", "Please send the deck.": the sentence opens with the step.
fn is_instruction(call: &Call, sentence: usize) -> bool {
    let text = call.text(sentence);
    call.cues(sentence, CueKind::StepAction).any(|cue| {
        text[..cue.start].split_whitespace().all(|word| {
            matches!(
                word.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase().as_str(),
                "please" | "also" | "and" | "just" | "so" | "then" | "oh"
            )
        })
    })
}

/// People named in the sentence other than the two on the call: "with Sarah", "our CFO".
fn who(call: &Call, sentence: usize, participants: &[String]) -> Option<String> {
    let names: Vec<&str> = people::mentions(call, sentence, participants)
        .into_iter()
        .filter(|m| !m.name.is_some_and(|name| participants.iter().any(|p| people::names_match(p, name))))
        .filter_map(|m| m.name.or(m.role))
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}
