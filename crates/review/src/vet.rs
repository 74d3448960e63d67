//! Checks on a correction as it is recorded, beyond its shape ([`crate::Correction::check`]) and
//! its item's types ([`handoff_document::Findings::check_entry`]): times inside the call, a quote
//! to show the AE, dates that are dates.
//!
//! Only corrections being recorded are checked ([`crate::apply_new`]): a log written before these
//! checks still applies as it was, so upgrading never turns a reviewer's old "end of Q3" decision
//! date into an orphan and a ready handoff back into a draft.

use serde_json::{Map, Value};

/// The account fields that hold a calendar date, written `YYYY-MM-DD`.
pub const DATE_FIELDS: [&str; 2] = ["decision_date", "call_date"];

/// The checks for corrections of one call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checks {
    pub(crate) duration_ms: u64,
}

impl Checks {
    /// Checks the item `fields` a correction leaves, for what the correction `changed` (an edit
    /// of an item's theme does not answer for the extractor's times).
    pub(crate) fn item(&self, fields: &Map<String, Value>, changed: &Map<String, Value>) -> Result<(), String> {
        let text = |name: &str| fields.get(name).and_then(Value::as_str).unwrap_or_default();
        if changed.contains_key("quote") && text("quote").trim().is_empty() {
            return Err("the quote is empty: give the words said on the call".to_owned());
        }
        if changed.contains_key("start_ms") || changed.contains_key("end_ms") {
            let time = |name: &str| fields.get(name).and_then(Value::as_u64).unwrap_or_default();
            let (start, end) = (time("start_ms"), time("end_ms"));
            if end < start {
                return Err(format!("the item ends before it starts (end_ms {end} < start_ms {start})"));
            }
            if end > self.duration_ms {
                return Err(format!(
                    "the item ends after the call ends (end_ms {end} > {} ms, the recording's length)",
                    self.duration_ms
                ));
            }
        }
        Ok(())
    }

    /// Checks the account fields a `set_field` sets; `null` clears a date and is always fine.
    pub(crate) fn account(&self, after: &Map<String, Value>) -> Result<(), String> {
        for field in DATE_FIELDS {
            if let Some(Value::String(text)) = after.get(field) {
                if !is_date(text) {
                    return Err(format!("`{field}` is {text:?}, not a date like 2027-03-31"));
                }
            }
        }
        Ok(())
    }
}

/// A real calendar day written `YYYY-MM-DD` (no February 30th).
fn is_date(text: &str) -> bool {
    let shaped = text.len() == 10
        && text
            .bytes()
            .enumerate()
            .all(|(at, byte)| if at == 4 || at == 7 { byte == b'-' } else { byte.is_ascii_digit() });
    // humantime checks the day against the month's length, leap years included.
    shaped && humantime::parse_rfc3339(&format!("{text}T00:00:00Z")).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_are_calendar_days() {
        for good in ["2027-03-31", "2028-02-29", "1999-12-31"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2027-02-29",
            "2027-13-01",
            "2027-04-31",
            "2027-3-31",
            "31/03/2027",
            "end of Q3",
            "",
            "2027-03-31T10:00:00Z",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn only_what_the_correction_changed_is_checked() {
        let checks = Checks { duration_ms: 10_000 };
        let object = |value: Value| value.as_object().unwrap().clone();
        // An extracted item a little past the end, whose theme the reviewer fixes.
        let item = object(json!({"quote": "It is slow", "start_ms": 9_000, "end_ms": 10_040, "theme": "cost"}));
        assert!(checks.item(&item, &object(json!({"theme": "cost"}))).is_ok());
        assert!(checks.item(&item, &object(json!({"end_ms": 10_040}))).unwrap_err().contains("after the call ends"));
        let backwards = object(json!({"quote": "x", "start_ms": 5_000, "end_ms": 4_000}));
        assert!(checks.item(&backwards, &backwards).unwrap_err().contains("ends before it starts"));
        let unsaid = object(json!({"quote": " ", "start_ms": 0, "end_ms": 0}));
        assert!(checks.item(&unsaid, &unsaid).unwrap_err().contains("quote is empty"));
        assert!(checks.account(&object(json!({"decision_date": null, "company": "Acme"}))).is_ok());
        assert!(checks.account(&object(json!({"call_date": "soon"}))).unwrap_err().contains("`call_date`"));
    }
}
