//! Objections: the prospect pushing back ("not sure we need another tool"), with the SDR's
//! answer when the SDR speaks next.

use crate::call::{negated_before, Call};
use crate::item::item;
use crate::model::{Category, Item, Mention, Objection};
use crate::rules::schema::CueKind;
use handoff_transcript::Speaker;

/// An SDR reply shorter than this ("Totally.", "I hear you.") is joined with the next sentence.
const SHORT_REPLY_WORDS: usize = 5;

pub(crate) fn objections(call: &Call) -> Vec<Item<Objection>> {
    let mut items = Vec::new();
    // One objection per topic per turn: repeating it in the same breath is one objection.
    let mut turn_topics: (usize, Vec<Option<String>>) = (usize::MAX, Vec::new());
    for sentence in 0..call.len() {
        if !call.is_prospect_side(sentence) {
            continue;
        }
        let text = call.text(sentence);
        let Some(cue) = call.cues(sentence, CueKind::Objection).find(|cue| {
            !negated_before(text, cue.start, call.matched(sentence, cue), 2)
                && !call.about_an_alternative(sentence, cue)
        }) else {
            continue;
        };
        let rule = call.cue(cue);
        let turn = call.sentence(sentence).turn;
        if turn_topics.0 != turn {
            turn_topics = (turn, Vec::new());
        }
        if turn_topics.1.contains(&rule.value) {
            continue;
        }
        turn_topics.1.push(rule.value.clone());
        let detail = Objection { topic: rule.value.clone(), response: response(call, sentence) };
        items.push(item(Category::Objection, call.sentence(sentence), text, &rule.rule, rule.confidence, detail));
    }
    items
}

/// The first sentence(s) of the next turn when it is the SDR's.
fn response(call: &Call, sentence: usize) -> Option<Mention> {
    let first = call.next_turn_by(sentence, Speaker::Sdr)?;
    let opening = call.sentence(first);
    let mut quote = opening.text.clone();
    let mut end_ms = opening.end_ms;
    let second = first + 1;
    if quote.split_whitespace().count() < SHORT_REPLY_WORDS
        && second < call.len()
        && call.sentence(second).turn == opening.turn
    {
        quote.push(' ');
        quote.push_str(call.text(second));
        end_ms = call.sentence(second).end_ms;
    }
    Some(Mention { quote, start_ms: opening.start_ms, end_ms })
}
