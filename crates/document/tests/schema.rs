//! `schemas/handoff.schema.json` accepts what `build_draft` writes and rejects broken documents.

mod common;

use handoff_document::{ReviewMark, ReviewState};
use serde_json::Value;
use std::path::Path;

fn validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/handoff.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::draft202012::new(&schema).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn errors(document: &Value) -> Vec<String> {
    validator().iter_errors(document).map(|error| format!("{} at {}", error, error.instance_path())).collect()
}

fn rich_json() -> Value {
    let mut handoff = common::rich();
    // A reviewed item and a reviewer-set field, as the final document has them.
    handoff.findings.pain_points[0].review =
        Some(ReviewMark { state: ReviewState::Edited, by: "Sam".into(), at: common::CREATED_AT.into() });
    handoff.account.deal_size = Some("$120k ARR".into());
    serde_json::to_value(&handoff).unwrap()
}

#[test]
fn built_handoffs_validate() {
    assert_eq!(errors(&rich_json()), Vec::<String>::new());
    assert_eq!(errors(&serde_json::to_value(common::empty()).unwrap()), Vec::<String>::new());
}

/// What is broken, and how to break a valid document that way.
type Breakage = (&'static str, fn(&mut Value));

#[test]
fn broken_handoffs_do_not_validate() {
    let broken: [Breakage; 7] = [
        ("bad status", |doc| doc["status"] = "final".into()),
        ("missing quote", |doc| {
            doc["stakeholders"][0].as_object_mut().unwrap().remove("quote");
        }),
        ("bad speaker", |doc| doc["pain_points"][0]["speaker"] = "prospect".into()),
        ("bad relation", |doc| doc["stakeholders"][1]["relation"] = "champion".into()),
        ("bad system status", |doc| doc["systems"][0]["status"] = "retired".into()),
        ("item in the wrong list", |doc| {
            let competitor = doc["competitors"][0].clone();
            doc["budget"].as_array_mut().unwrap().push(competitor);
        }),
        ("missing list", |doc| {
            doc.as_object_mut().unwrap().remove("next_steps");
        }),
    ];
    for (what, break_it) in broken {
        let mut document = rich_json();
        break_it(&mut document);
        assert!(!errors(&document).is_empty(), "{what} validated");
    }
}
