//! Tense, read from words alone: whether a clause tells what is over ("we signed in March",
//! "we saw a demo from them") or looks ahead ("we need it by", "I'll send"). Timeline and next
//! steps both skip what is only history.

/// Said about what is over ("we signed in March", "it fell apart within a year").
const PAST_WORDS: &[&str] = &[
    "was",
    "were",
    "had",
    "did",
    "didn't",
    "wasn't",
    "weren't",
    "went",
    "got",
    "fell",
    "left",
    "came",
    "took",
    "made",
    "said",
    "told",
    "saw",
    "began",
    "ran",
    "broke",
    "lost",
    "paid",
    "bought",
    "sold",
    "last",
    "ago",
    "used",
    "hired",
    "spent",
    "grew",
    "happened",
    "tried",
    "dinged",
    "missed",
    "added",
    "signed",
    "started",
    "switched",
    "moved",
    "launched",
    "raised",
    "implemented",
    "bought",
    "built",
    "wrote",
    "found",
    "hit",
    "passed",
    "failed",
    "since",
    "sat",
    "sent",
];

/// An "-ed" word after one of these is a state or a plan, not the past: "is renewed in July",
/// "gets locked in September", "we're scheduled for March".
const BE_WORDS: &[&str] =
    &["is", "are", "be", "been", "being", "get", "gets", "getting", "we're", "it's", "they're", "will", "to", "'s"];

/// Whether `text` speaks of what is over: a verb in the past, not after a form of "be".
pub(crate) fn has_past(text: &str) -> bool {
    let lowercase: Vec<String> = text.split_whitespace().map(str::to_ascii_lowercase).collect();
    let clause: Vec<&str> =
        lowercase.iter().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')).collect();
    clause.iter().enumerate().any(|(i, word)| {
        let after_be = i > 0 && BE_WORDS.iter().any(|be| clause[i - 1] == *be || clause[i - 1].ends_with(be));
        (PAST_WORDS.contains(word) && !after_be && !(*word == "last" && i > 0 && clause[i - 1] == "the"))
            || (word.len() > 3
                && word.ends_with("ed")
                && !after_be
                && !word.ends_with("eed")
                && !NOT_PAST.contains(word))
    })
}

/// Words ending in "-ed" that are not verbs in the past.
const NOT_PAST: &[&str] = &[
    "need",
    "bedded",
    "issued",
    "signed",
    "done",
    "finished",
    "sorted",
    "fixed",
    "installed",
    "trained",
    "approved",
    "red",
    "bed",
    "shed",
    "hundred",
    "speed",
    "based",
    "interested",
    "scheduled",
    "planned",
    "expected",
    "supposed",
    "related",
    "limited",
    "dedicated",
    "advanced",
    "automated",
    "integrated",
    "detailed",
    "required",
    "allowed",
];

/// Words that look ahead: "we need it by...", "it'll be", "I want".
pub(crate) fn looks_ahead(text: &str) -> bool {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_ascii_lowercase())
        .any(|w| {
            matches!(
                w.as_str(),
                "will"
                    | "need"
                    | "needs"
                    | "want"
                    | "wants"
                    | "going"
                    | "gonna"
                    | "plan"
                    | "hope"
                    | "is"
                    | "are"
                    | "am"
                    | "has"
                    | "have"
                    | "would"
                    | "should"
                    | "must"
                    | "can"
            ) || w.ends_with("'ll")
                || w.ends_with("'d")
                || w.ends_with("'s")
                || w.ends_with("'re")
                || w.ends_with("'m")
        })
}
