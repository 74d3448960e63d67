//! Which voice is the SDR, from what each voice says.
//!
//! The seller introduces the selling company, asks the discovery questions and proposes the next
//! step; the prospect describes their own company ("we use", "our CFO"). Each voice's turns are
//! scored on those cues, and the voice that leads clearly is the SDR.

use handoff_transcript::import::seller_introduction;
use regex::Regex;
use std::sync::LazyLock;

/// A seller introduces themself in their first few turns; later "I'm with Acme" is something else.
const INTRODUCTION_TURNS: usize = 3;
const INTRODUCTION_POINTS: f64 = 4.0;
const QUESTION_POINTS: f64 = 1.0;
const DISCOVERY_POINTS: f64 = 1.0;
const NEXT_STEP_POINTS: f64 = 2.0;
const PROSPECT_POINTS: f64 = 1.0;
/// Points of lead per e-fold of doubt; see `confidence`.
const MARGIN_SCALE: f64 = 3.0;

/// How a seller opens a discovery question.
static DISCOVERY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:how\s+(?:do|does|did|are|is|long|many|much|often)\s|what\s+(?:does|do|is|are|happens|would|was)\s|who\s+(?:else|is|would|owns|signs)\b|tell\s+me\s+(?:about|more)|walk\s+me\s+through|is\s+there\s|are\s+there\s|is\s+anything\s|do\s+you\s+have\s)",
    )
    .expect("the discovery pattern is valid")
});

/// How a seller proposes the next step.
static NEXT_STEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:could|can|shall|should)\s+(?:we|i)\s+(?:book|schedule|set\s+up|send|get|put|find|arrange)\b|\b(?:would|are)\s+you\s+(?:be\s+)?open\s+to\b|\blet'?s\s+(?:book|schedule|set\s+up)\b|\bhow\s+does\s+\w+day\b",
    )
    .expect("the next-step pattern is valid")
});

/// How a prospect speaks of their own company and its problems.
static PROSPECT_TALK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:we(?:'re|\s+are)?\s+(?:use|using|spend|need|pay|have|still|already|run|rely)|our\s+(?:ceo|cfo|coo|cto|vp|head|director|manager|team|staff|budget|board|dispatchers|front\s+desk|people|current)|i'?m\s+not\s+sure\s+we)\b",
    )
    .expect("the prospect pattern is valid")
});

/// One run of words by one voice.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub voice: usize,
    pub text: String,
}

/// Points for talking like a seller and like a prospect, of one voice.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cues {
    pub seller: f64,
    pub prospect: f64,
}

impl Cues {
    /// How much more the voice talks like the seller than like the prospect.
    pub fn lead(self) -> f64 {
        self.seller - self.prospect
    }
}

/// The cues in each voice's turns, one entry per voice.
pub fn cues(turns: &[Turn], voices: usize) -> Vec<Cues> {
    let mut cues = vec![Cues::default(); voices];
    let mut turns_seen = vec![0usize; voices];
    for turn in turns {
        let Some(voice) = cues.get_mut(turn.voice) else {
            continue;
        };
        turns_seen[turn.voice] += 1;
        if turns_seen[turn.voice] <= INTRODUCTION_TURNS {
            if let Some(sureness) = seller_introduction(&turn.text) {
                voice.seller += INTRODUCTION_POINTS * f64::from(sureness);
            }
        }
        for sentence in sentences(&turn.text) {
            if sentence.ends_with('?') {
                voice.seller += QUESTION_POINTS;
            }
            if DISCOVERY.is_match(sentence) {
                voice.seller += DISCOVERY_POINTS;
            }
            if NEXT_STEP.is_match(sentence) {
                voice.seller += NEXT_STEP_POINTS;
            }
            if PROSPECT_TALK.is_match(sentence) {
                voice.prospect += PROSPECT_POINTS;
            }
        }
    }
    cues
}

/// How sure a naming is, given by how many points the SDR's score leads: a tie is a coin toss
/// (0.5), a lead of one discovery question ~0.64, an introduction and a question ~0.9.
pub fn confidence(margin: f64) -> f64 {
    1.0 - 0.5 * (-margin.abs() / MARGIN_SCALE).exp()
}

fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['.', '?', '!']).map(str::trim).filter(|sentence| !sentence.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(voice: usize, text: &str) -> Turn {
        Turn { voice, text: text.to_string() }
    }

    fn leads(turns: &[Turn], voices: usize) -> Vec<f64> {
        cues(turns, voices).into_iter().map(Cues::lead).collect()
    }

    #[test]
    fn the_seller_introduces_the_company_asks_and_proposes() {
        let turns = [
            turn(1, "Hi, it's Tom from Acme. How is reporting going?"),
            turn(0, "Our reporting is a nightmare. We spend two days every month exporting data."),
            turn(1, "Who else is involved in the decision?"),
            turn(0, "Our CFO signs off on any new software."),
            turn(1, "Could we book a demo next Tuesday?"),
            turn(0, "Okay, a demo next Tuesday works."),
        ];
        let found = cues(&turns, 2);
        assert_eq!(found[0], Cues { seller: 0.0, prospect: 2.0 });
        // Introduction 4; two questions, each also a discovery opener; one proposal (2) + question.
        assert_eq!(found[1], Cues { seller: 4.0 + 2.0 * 2.0 + 3.0, prospect: 0.0 });
        assert!(confidence(found[1].lead() - found[0].lead()) > 0.95);
    }

    #[test]
    fn questions_alone_name_the_seller_less_surely_than_an_introduction() {
        let asked = leads(&[turn(0, "What does your team use?"), turn(1, "Spreadsheets.")], 2);
        let introduced = leads(&[turn(0, "This is Dana from Brightline."), turn(1, "Hello.")], 2);
        assert!(asked[0] > asked[1] && introduced[0] > introduced[1]);
        assert!(introduced[0] - introduced[1] > asked[0] - asked[1]);
    }

    #[test]
    fn a_late_introduction_is_not_one() {
        let mut turns: Vec<Turn> = (0..4).map(|_| turn(0, "Right.")).collect();
        turns.push(turn(0, "I'm with Acme, by the way."));
        assert_eq!(cues(&turns, 1), vec![Cues::default()]);
    }

    #[test]
    fn nothing_said_is_a_coin_toss() {
        assert_eq!(leads(&[turn(0, "Okay."), turn(1, "Sure.")], 2), vec![0.0, 0.0]);
        assert_eq!(confidence(0.0), 0.5);
    }
}
