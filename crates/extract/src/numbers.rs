//! Numbers as people say them and whisper writes them: "forty thousand", "one point two
//! million", "fifty k", "$50k", "$250,000", "forty to fifty thousand", "March fifteenth".

/// A number found in text, with its byte range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Quantity {
    pub start: usize,
    pub end: usize,
    pub value: f64,
    /// High end of a range ("forty to fifty thousand"), when one was given.
    pub max: Option<f64>,
    /// A currency marker was attached: "$", "dollars", "bucks", "USD", "k", "grand".
    pub money: bool,
    /// Scaled by thousand / million / billion (a size typical of budgets).
    pub scaled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TokenKind {
    /// Written digits: value, whether "$" was attached, multiplier of an attached suffix.
    Digits {
        value: f64,
        dollar: bool,
        suffix: Option<(f64, bool)>,
    },
    Word,
    Dollar,
    Dash,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: TokenKind,
    text: &'a str,
    start: usize,
    end: usize,
}

/// Number words below twenty, indexed by their value.
pub(crate) const UNITS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: &[&str] = &["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const ORDINALS: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
];

fn unit_value(word: &str) -> Option<f64> {
    UNITS.iter().position(|unit| unit.eq_ignore_ascii_case(word)).map(|value| value as f64)
}

fn tens_value(word: &str) -> Option<f64> {
    TENS.iter().position(|tens| tens.eq_ignore_ascii_case(word)).map(|index| (index as f64 + 2.0) * 10.0)
}

/// A number said before what it counts: "six", "38", "thirty-eight".
pub(crate) fn is_count(word: &str) -> bool {
    (!word.is_empty() && word.chars().all(|c| c.is_ascii_digit())) || is_number_word(word)
}

/// "Three", "twenty", "hundred": a spoken number (the part before a hyphen: "Three-something").
pub(crate) fn is_number_word(word: &str) -> bool {
    let head = word.split('-').next().unwrap_or(word);
    unit_value(head).is_some() || tens_value(head).is_some() || scale_word(head).is_some_and(|_| head.len() > 2)
}

/// Multiplier words and whether they mark money on their own ("k", "grand" do; "million" not).
fn scale_word(word: &str) -> Option<(f64, bool)> {
    // Compared without allocating: this runs on every word of every number-bearing sentence.
    const SCALES: &[(&str, f64, bool)] = &[
        ("hundred", 100.0, false),
        ("thousand", 1e3, false),
        ("k", 1e3, true),
        ("grand", 1e3, true),
        ("million", 1e6, false),
        ("mil", 1e6, false),
        ("mm", 1e6, false),
        ("m", 1e6, false),
        ("billion", 1e9, false),
        ("bn", 1e9, false),
        ("b", 1e9, false),
    ];
    if word.len() > 8 {
        return None;
    }
    SCALES.iter().find(|(name, _, _)| name.eq_ignore_ascii_case(word)).map(|(_, scale, money)| (*scale, *money))
}

fn is_currency_word(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "dollars" | "dollar" | "bucks" | "usd" | "pounds" | "quid" | "gbp" | "euros" | "eur" | "aud" | "cad"
    )
}

/// Vague tails of a round number: "ninety-some thousand", "forty-odd", "fifty-ish".
fn is_vague_tail(word: &str) -> bool {
    ["some", "odd", "ish"].iter().any(|tail| tail.eq_ignore_ascii_case(word))
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(crate::words::word_capacity(text));
    let mut index = 0;
    while index < bytes.len() {
        let start = index;
        let byte = bytes[index];
        if byte.is_ascii_digit() {
            while index < bytes.len()
                && (bytes[index].is_ascii_digit()
                    || (matches!(bytes[index], b',' | b'.') && bytes.get(index + 1).is_some_and(u8::is_ascii_digit)))
            {
                index += 1;
            }
            let digits: String = text[start..index].chars().filter(|c| *c != ',').collect();
            let value = digits.parse::<f64>().unwrap_or(0.0);
            let suffix_start = index;
            while index < bytes.len() && bytes[index].is_ascii_alphabetic() {
                index += 1;
            }
            let suffix = &text[suffix_start..index];
            let suffix = match suffix {
                "" => None,
                _ => match scale_word(suffix) {
                    Some(scale) if scale.0 >= 1e3 => Some(scale),
                    // "15th", "2nd", "30s": a number glued to something that is not a scale.
                    _ => None,
                },
            };
            let dollar = start > 0 && bytes[start - 1] == b'$';
            tokens.push(Token {
                kind: TokenKind::Digits { value, dollar, suffix },
                text: &text[start..index],
                start,
                end: index,
            });
        } else if byte.is_ascii_alphabetic() {
            while index < bytes.len() && (bytes[index].is_ascii_alphabetic() || bytes[index] == b'\'') {
                index += 1;
            }
            tokens.push(Token { kind: TokenKind::Word, text: &text[start..index], start, end: index });
        } else {
            let kind = match byte {
                b'$' => TokenKind::Dollar,
                b'-' => TokenKind::Dash,
                b' ' => {
                    index += 1;
                    continue;
                }
                _ => TokenKind::Other,
            };
            index += text[index..].chars().next().map_or(1, char::len_utf8);
            tokens.push(Token { kind, text: &text[start..index], start, end: index });
        }
    }
    tokens
}

/// One number starting at token `at`: (value, index after it, money marker seen, scaled).
fn number_at(tokens: &[Token], at: usize) -> Option<(f64, usize, bool, bool)> {
    let token = tokens.get(at)?;
    match token.kind {
        TokenKind::Digits { value, dollar, suffix } => {
            let mut next = at + 1;
            let (mut value, mut money, mut scaled) = (value, dollar, false);
            if let Some((scale, marks_money)) = suffix {
                value *= scale;
                money |= marks_money;
                scaled = true;
            } else if let Some((scale, marks_money)) =
                tokens.get(next).filter(|t| t.kind == TokenKind::Word).and_then(|t| scale_word(t.text))
            {
                if scale > 100.0 || tokens.get(next).is_some_and(|t| t.text.eq_ignore_ascii_case("hundred")) {
                    value *= scale;
                    money |= marks_money;
                    scaled = scale >= 1e3;
                    next += 1;
                    // "2 hundred thousand"
                    if let Some((scale, marks_money)) =
                        tokens.get(next).filter(|t| t.kind == TokenKind::Word).and_then(|t| scale_word(t.text))
                    {
                        if scale >= 1e3 {
                            value *= scale;
                            money |= marks_money;
                            scaled = true;
                            next += 1;
                        }
                    }
                }
            }
            Some((value, next, money, scaled))
        }
        TokenKind::Word => spoken_number_at(tokens, at),
        _ => None,
    }
}

/// "a hundred and fifty thousand", "one point two million", "fifty k", "half a million".
fn spoken_number_at(tokens: &[Token], at: usize) -> Option<(f64, usize, bool, bool)> {
    let word = |index: usize| tokens.get(index).filter(|t| t.kind == TokenKind::Word).map(|t| t.text);
    let mut total = 0.0;
    let mut current = 0.0;
    let mut index = at;
    let mut saw_number = false;
    let mut money = false;
    let mut scaled = false;
    let mut fraction_digits: Option<f64> = None;
    // "and" joins parts of one number only after a scale: "one hundred and fifty", not "forty
    // and fifty" (a range).
    let mut after_scale = false;

    // Most words start no number: leave before any work.
    let first = word(at)?;
    if unit_value(first).is_none()
        && tens_value(first).is_none()
        && !["a", "an", "half", "couple", "few"].iter().any(|w| w.eq_ignore_ascii_case(first))
    {
        return None;
    }
    // "a dollar", "a buck": one of the currency.
    if word(index).is_some_and(|w| w.eq_ignore_ascii_case("a"))
        && word(index + 1)
            .is_some_and(|w| ["dollar", "buck", "pound", "euro"].iter().any(|c| w.eq_ignore_ascii_case(c)))
    {
        return Some((1.0, index + 1, false, false));
    }
    if word(index).is_some_and(|w| w.eq_ignore_ascii_case("half"))
        && word(index + 1).is_some_and(|w| w.eq_ignore_ascii_case("a") || w.eq_ignore_ascii_case("an"))
        && word(index + 2).and_then(scale_word).is_some_and(|(scale, _)| scale >= 1e3)
    {
        let (scale, marks_money) = word(index + 2).and_then(scale_word).unwrap_or((1.0, false));
        return Some((scale / 2.0, index + 3, marks_money, true));
    }
    // "a couple hundred", "couple of grand", "a few thousand": two, or some three, of the scale.
    let counted = if word(index).is_some_and(|w| w.eq_ignore_ascii_case("a")) { index + 1 } else { index };
    let vague_count = word(counted).and_then(|w| {
        [("couple", 2.0), ("few", 3.0)].iter().find(|(said, _)| w.eq_ignore_ascii_case(said)).map(|(_, n)| *n)
    });
    if let Some(count) = vague_count {
        let scale_at =
            if word(counted + 1).is_some_and(|w| w.eq_ignore_ascii_case("of")) { counted + 2 } else { counted + 1 };
        let (scale, marks_money) = word(scale_at).and_then(scale_word).filter(|(scale, _)| *scale >= 100.0)?;
        return Some((count * scale, scale_at + 1, marks_money, scale >= 1e3));
    }
    loop {
        let Some(text) = word(index) else {
            // A hyphen between number words: "forty-five", "ninety-some".
            if saw_number
                && tokens.get(index).is_some_and(|t| t.kind == TokenKind::Dash)
                && word(index + 1).is_some_and(|w| unit_value(w).is_some() || is_vague_tail(w))
            {
                index += 1;
                continue;
            }
            // Hundreds said as two numbers: "two-fifty" is 250, "one-twenty-five" 125.
            let tight = |at: usize| tokens.get(at).zip(tokens.get(at + 1)).is_some_and(|(a, b)| a.end == b.start);
            if saw_number
                && total == 0.0
                && (1.0..10.0).contains(&current)
                && tokens.get(index).is_some_and(|t| t.kind == TokenKind::Dash)
                && tight(index - 1)
                && tight(index)
                && word(index + 1).is_some_and(|w| tens_value(w).is_some())
            {
                current *= 100.0;
                index += 1;
                continue;
            }
            break;
        };
        // Compared in any case without a lowercased copy: every "a" of a sentence gets here.
        let is = |word: &str| text.eq_ignore_ascii_case(word);
        // "ninety-some thousand", "forty odd": the round number stands for the amount.
        if is_vague_tail(text) && saw_number && fraction_digits.is_none() && current >= 20.0 {
            index += 1;
            continue;
        }
        // "four hundred and six hundred thousand": a second "hundred" after "and" starts the
        // high end of a range, not part of this number.
        if is("and") && was_scale_hundred(tokens, index) && current >= 100.0 {
            let next_is_hundreds = word(index + 2).is_some_and(|w| w.eq_ignore_ascii_case("hundred"));
            if next_is_hundreds {
                break;
            }
        }
        let was_after_scale = std::mem::take(&mut after_scale);
        if let Some(value) = unit_value(text) {
            if let Some(place) = fraction_digits.as_mut() {
                current += value * *place;
                *place /= 10.0;
            } else {
                current += value;
            }
            saw_number = true;
        } else if let Some(value) = tens_value(text) {
            current += value;
            saw_number = true;
        } else if (is("a") || is("an"))
            && !saw_number
            && word(index + 1).and_then(scale_word).is_some_and(|(scale, _)| scale >= 100.0)
        {
            current = 1.0;
        } else if is("point")
            && saw_number
            && fraction_digits.is_none()
            && word(index + 1).and_then(unit_value).is_some()
        {
            fraction_digits = Some(0.1);
        } else if is("and")
            && was_after_scale
            && word(index + 1).is_some_and(|w| unit_value(w).is_some() || tens_value(w).is_some())
        {
            // "one hundred and fifty"
        } else if let Some((scale, marks_money)) = scale_word(text).filter(|_| saw_number || current > 0.0) {
            if is("m") || is("b") || is("mm") || is("bn") {
                // Single letters only scale digits ("$2m"), never words ("two m" is not said).
                break;
            }
            fraction_digits = None;
            money |= marks_money;
            if scale == 100.0 {
                current = current.max(1.0) * 100.0;
            } else {
                total += current.max(1.0) * scale;
                current = 0.0;
                scaled = true;
            }
            saw_number = true;
            after_scale = true;
        } else {
            break;
        }
        index += 1;
    }
    saw_number.then_some((total + current, index, money, scaled))
}

/// Whether the token before `index` is the word "hundred".
fn was_scale_hundred(tokens: &[Token], index: usize) -> bool {
    index > 0 && tokens[index - 1].kind == TokenKind::Word && tokens[index - 1].text.eq_ignore_ascii_case("hundred")
}

/// "a dollar fifty", "two dollars fifty": cents said right after the currency word.
fn cents_after(tokens: &[Token], at: usize) -> Option<(f64, usize)> {
    tokens.get(at).filter(|t| t.kind == TokenKind::Word)?;
    let (cents, next, money, scaled) = spoken_number_at(tokens, at)?;
    (!money && !scaled && (1.0..100.0).contains(&cents) && cents.fract() == 0.0).then_some((cents / 100.0, next))
}

/// Every number in the text, with currency and range information.
pub(crate) fn quantities(text: &str) -> Vec<Quantity> {
    let tokens = tokenize(text);
    let mut found = Vec::new();
    let mut at = 0;
    while at < tokens.len() {
        let Some((value, next, money, scaled)) = number_at(&tokens, at) else {
            at += 1;
            continue;
        };
        let dollar_before = at > 0 && tokens[at - 1].kind == TokenKind::Dollar;
        let mut quantity = Quantity {
            start: if dollar_before { tokens[at - 1].start } else { tokens[at].start },
            end: tokens[next - 1].end,
            value,
            max: None,
            money: money || dollar_before,
            scaled,
        };
        let mut after = next;
        // "a dollar and a dollar fifty": the currency word may follow the low end already.
        if let Some((cents, next)) = currency_after(&tokens, after, quantity.value) {
            quantity.money = true;
            quantity.value += cents;
            quantity.end = tokens[next - 1].end;
            after = next;
        }
        // A range: "forty to fifty thousand", "$40k-$50k", "between 40 and 50 thousand",
        // "sixty, seventy thousand", "two, three dollars".
        let joiner = tokens.get(after).is_some_and(|t| {
            t.kind == TokenKind::Dash
                || (t.kind == TokenKind::Word && matches!(t.text.to_ascii_lowercase().as_str(), "to" | "and" | "or"))
                || (t.text == "," && !quantity.scaled && !quantity.money)
        });
        if joiner {
            let comma = tokens[after].text == ",";
            // "fifteen, maybe twenty grand", "a hundred eighty and, call it, two hundred forty
            // thousand": a hedge (and its commas) before the high end.
            let high_at = after + 1 + hedge_len(&tokens[after + 1..]);
            let high_at =
                if tokens.get(high_at).is_some_and(|t| t.kind == TokenKind::Dollar) { high_at + 1 } else { high_at };
            if let Some((mut high, mut high_next, mut high_money, high_scaled)) = number_at(&tokens, high_at) {
                if let Some((cents, next)) = currency_after(&tokens, high_next, high) {
                    high += cents;
                    high_money = true;
                    high_next = next;
                }
                let mut low = quantity.value;
                let mut lifted = false;
                if !quantity.scaled && high_scaled {
                    // The scale said once applies to both ends: "forty to fifty thousand".
                    let scale = magnitude(high);
                    if low * scale <= high {
                        low *= scale;
                        lifted = scale > 1.0;
                    }
                } else if !quantity.scaled && low < 10.0 && (100.0..1e3).contains(&high) && low * 100.0 <= high {
                    // "four to five hundred", "three, four hundred".
                    low *= 100.0;
                    lifted = true;
                }
                let listed_range = (high_scaled || high_money || lifted) && low * 2.0 >= high;
                if high > low && (!comma || listed_range) {
                    quantity.value = low;
                    quantity.max = Some(high);
                    quantity.money |=
                        high_money || tokens.get(high_at - 1).is_some_and(|t| t.kind == TokenKind::Dollar);
                    quantity.scaled |= high_scaled;
                    quantity.end = tokens[high_next - 1].end;
                    after = high_next;
                }
            }
        }
        found.push(quantity);
        at = after.max(at + 1);
    }
    found
}

/// Whether `quantities` would find any number in `text`: stops at the first one.
pub(crate) fn has_quantity(text: &str) -> bool {
    let tokens = tokenize(text);
    (0..tokens.len()).any(|at| number_at(&tokens, at).is_some())
}

/// A currency word at `at` ("dollars", "pounds", but not "pounds of produce", a weight), with
/// cents said after it for small amounts ("a dollar fifty"): (cents, index after).
fn currency_after(tokens: &[Token], at: usize, value: f64) -> Option<(f64, usize)> {
    let token = tokens.get(at).filter(|t| t.kind == TokenKind::Word && is_currency_word(t.text))?;
    if token.text.eq_ignore_ascii_case("pounds")
        && tokens.get(at + 1).is_some_and(|t| t.text.eq_ignore_ascii_case("of"))
    {
        return None;
    }
    if value < 100.0 {
        if let Some((cents, next)) = cents_after(tokens, at + 1) {
            return Some((cents, next));
        }
    }
    Some((0.0, at + 1))
}

/// Words between the two ends of a range said with a comma: "fifteen, maybe twenty grand".
const HEDGES: &[&[&str]] = &[
    &["maybe"],
    &["perhaps"],
    &["possibly"],
    &["probably"],
    &["say"],
    &["call", "it"],
    &["let's", "say"],
    &["i'd", "say"],
];

/// Tokens of a hedge at the start of `tokens`, with the commas around it: ", call it,".
fn hedge_len(tokens: &[Token]) -> usize {
    let comma = |at: usize| usize::from(tokens.get(at).is_some_and(|t| t.text == ","));
    let before = comma(0);
    let said = HEDGES
        .iter()
        .find(|hedge| {
            hedge.iter().enumerate().all(|(i, word)| {
                tokens.get(before + i).is_some_and(|t| t.kind == TokenKind::Word && t.text.eq_ignore_ascii_case(word))
            })
        })
        .map_or(0, |hedge| hedge.len());
    if said == 0 {
        return 0;
    }
    before + said + comma(before + said)
}

/// The power of a thousand a scaled number was said in: 1e3 for 50000, 1e6 for 1.2e6.
fn magnitude(value: f64) -> f64 {
    [1e9, 1e6, 1e3].into_iter().find(|scale| value >= *scale).unwrap_or(1.0)
}

/// The phrase with spoken numbers written as digits: "ninety days" -> "90 days",
/// "March fifteenth" -> "March 15".
pub(crate) fn digits_for_words(text: &str) -> String {
    let tokens = tokenize(text);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < tokens.len() {
        let token = tokens[at];
        if token.kind == TokenKind::Word {
            if let Some(day) = ordinal_value(&tokens, at) {
                out.push_str(&text[copied..token.start]);
                // "March 15" after a (capitalised) month, "the 21st of June" otherwise.
                let after_month = at > 0 && tokens[at - 1].text.starts_with(|c: char| c.is_ascii_uppercase());
                out.push_str(&day.0.to_string());
                if !after_month {
                    out.push_str(ordinal_suffix(day.0));
                }
                copied = tokens[day.1 - 1].end;
                at = day.1;
                continue;
            }
            if let Some((value, next, _, _)) = spoken_number_at(&tokens, at) {
                let is_article_only = next == at + 1 && matches!(token.text.to_ascii_lowercase().as_str(), "a" | "an");
                if !is_article_only {
                    out.push_str(&text[copied..token.start]);
                    out.push_str(&format_number(value));
                    copied = tokens[next - 1].end;
                    at = next;
                    continue;
                }
            }
        }
        at += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// An ordinal day ("fifteenth", "twenty-first") with the token index after it.
fn ordinal_value(tokens: &[Token], at: usize) -> Option<(u32, usize)> {
    let word =
        |index: usize| tokens.get(index).filter(|t| t.kind == TokenKind::Word).map(|t| t.text.to_ascii_lowercase());
    let first = word(at)?;
    if let Some(index) = ORDINALS.iter().position(|o| *o == first) {
        return Some((index as u32 + 1, at + 1));
    }
    let tens = match first.as_str() {
        "twenty" => 20,
        "thirty" => 30,
        _ => return (first == "thirtieth").then_some((30, at + 1)),
    };
    let next = if tokens.get(at + 1).is_some_and(|t| t.kind == TokenKind::Dash) { at + 2 } else { at + 1 };
    let ordinal = word(next)?;
    ORDINALS[..9].iter().position(|o| *o == ordinal).map(|index| (tens + index as u32 + 1, next + 1))
}

fn ordinal_suffix(day: u32) -> &'static str {
    match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Quantity {
        *quantities(text).first().unwrap_or_else(|| panic!("no number in {text:?}"))
    }

    #[test]
    fn spoken_and_written_amounts() {
        let cases: &[(&str, f64, bool)] = &[
            ("about forty thousand dollars", 40_000.0, true),
            ("$50k", 50_000.0, true),
            ("fifty k", 50_000.0, true),
            ("1.2 million", 1_200_000.0, false),
            ("one point two million", 1_200_000.0, false),
            ("$250,000", 250_000.0, true),
            ("a hundred and fifty thousand", 150_000.0, false),
            ("two hundred fifty thousand bucks", 250_000.0, true),
            ("half a million", 500_000.0, false),
            ("seventy-five grand", 75_000.0, true),
            ("$2M", 2_000_000.0, true),
        ];
        for (text, value, money) in cases {
            let found = first(text);
            assert_eq!(found.value, *value, "{text}");
            assert_eq!(found.money, *money, "{text}");
        }
    }

    #[test]
    fn ranges_share_the_scale() {
        let hundreds = first("four to five hundred a month");
        assert_eq!((hundreds.value, hundreds.max), (400.0, Some(500.0)));
        let range = first("somewhere between forty and fifty thousand");
        assert_eq!((range.value, range.max), (40_000.0, Some(50_000.0)));
        let written = first("$40k-$60k");
        assert_eq!((written.value, written.max, written.money), (40_000.0, Some(60_000.0), true));
        let listed_hundreds = first("three, four hundred a site");
        assert_eq!((listed_hundreds.value, listed_hundreds.max), (300.0, Some(400.0)));
        let hedged = first("fifteen, maybe twenty grand a year");
        assert_eq!((hedged.value, hedged.max), (15_000.0, Some(20_000.0)));
        let called = first("between a hundred eighty and, call it, two hundred forty thousand");
        assert_eq!((called.value, called.max), (180_000.0, Some(240_000.0)));
        let said = first("forty to, let's say, sixty thousand");
        assert_eq!((said.value, said.max), (40_000.0, Some(60_000.0)));
        let shorthand = first("two-fifty to three hundred thousand");
        assert_eq!((shorthand.value, shorthand.max), (250_000.0, Some(300_000.0)));
        assert_eq!(first("one-twenty-five").value, 125.0, "hundreds said as two numbers");
        assert_eq!(first("forty-five").value, 45.0);
    }

    #[test]
    fn vague_amounts_ranges_and_cents() {
        assert_eq!(first("something like ninety-some thousand a year").value, 90_000.0);
        assert_eq!(first("forty odd grand").value, 40_000.0);
        let hundreds = first("between three hundred and seven hundred thousand dollars");
        assert_eq!((hundreds.value, hundreds.max, hundreds.money), (300_000.0, Some(700_000.0), true));
        assert_eq!(first("a hundred and twenty thousand").value, 120_000.0);
        let listed = first("probably twenty, thirty thousand in fees");
        assert_eq!((listed.value, listed.max), (20_000.0, Some(30_000.0)));
        let small = first("maybe two, three dollars per month");
        assert_eq!((small.value, small.max, small.money), (2.0, Some(3.0), true));
        assert_eq!(first("we have two, three locations").max, None, "a list, no money: two numbers");
        let cents = first("between a dollar and a dollar seventy-five per seat");
        assert_eq!((cents.value, cents.max, cents.money), (1.0, Some(1.75), true));
        assert_eq!(first("Couple hundred a month.").value, 200.0);
        let couple = first("maybe a couple of grand");
        assert_eq!((couple.value, couple.money), (2_000.0, true));
        assert_eq!(first("a few thousand a year").value, 3_000.0);
        assert!(quantities("a couple of weeks").is_empty());
        assert!(!first("twelve thousand pounds of flour").money);
        assert!(first("eight thousand pounds for the licence").money);
    }

    #[test]
    fn words_become_digits_in_phrases() {
        assert_eq!(digits_for_words("within ninety days"), "within 90 days");
        assert_eq!(digits_for_words("by March fifteenth"), "by March 15");
        assert_eq!(digits_for_words("by the twenty-first of June"), "by the 21st of June");
        assert_eq!(digits_for_words("in a month"), "in a month");
    }
}
