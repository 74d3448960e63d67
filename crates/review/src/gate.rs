//! The required-fields gate: what a handoff must contain before the SDR can mark it ready for the
//! AE. The list is data (`rules/review/required.toml`) so each team can set its own bar.

use handoff_document::{Account, Handoff, Status};
use handoff_findings::{Category, Relation};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The shipped default, built in so the gate works wherever the binary runs.
const DEFAULT_REQUIREMENTS: &str = include_str!("../../../rules/review/required.toml");
const DEFAULT_ORIGIN: &str = "rules/review/required.toml (built in)";

/// What a handoff must contain to be ready for the AE: `rules/review/required.toml` or a team's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    /// All must be met; none means any handoff is ready.
    #[serde(rename = "requirement", default)]
    pub requirements: Vec<Requirement>,
}

/// Met when the handoff has at least `min` items of `category` (stakeholders: with `relation`, if
/// given) or when the account field `field` is known; at least one of the two is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Short and stable, for the UI and metrics.
    pub id: String,
    /// What the reviewer is told is missing.
    pub label: String,
    /// Items of this category meet it.
    #[serde(default)]
    pub category: Option<Category>,
    /// Only stakeholders with this relation count (e.g. the decision maker).
    #[serde(default)]
    pub relation: Option<Relation>,
    /// How many items it takes; 1 unless given.
    #[serde(default = "one")]
    pub min: usize,
    /// An [`Account`] field that also satisfies the requirement (an explicit unknown, or a value
    /// the reviewer typed in).
    #[serde(default)]
    pub field: Option<String>,
}

fn one() -> usize {
    1
}

/// A requirement the handoff does not meet yet, as the checklist shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The requirement's id.
    pub id: String,
    /// The requirement's label.
    pub label: String,
}

/// Why a required-fields file cannot be used; every message names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum RequirementsError {
    /// The file cannot be read.
    #[error("cannot read required-fields file {path}: {cause}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why reading failed.
        cause: std::io::Error,
    },
    /// The file is not TOML of the expected shape.
    #[error("{path} is not valid required-fields TOML: {cause}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The TOML error, with its line.
        cause: Box<toml::de::Error>,
    },
    /// A requirement that cannot be checked.
    #[error("{path}: requirement #{number} ({id}): {problem}; fix it (rules/review/required.toml shows the format)")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based position of the requirement in the file.
        number: usize,
        /// Its id.
        id: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// The handoff cannot be marked ready: these requirements are not met.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not ready for the AE; still missing: {}", self.missing.iter().map(|m| m.label.as_str()).collect::<Vec<_>>().join("; "))]
pub struct NotReady {
    /// In the requirements' order.
    pub missing: Vec<Missing>,
}

impl Requirements {
    /// The requirements in `path`, or the shipped default when there is no override.
    pub fn load(path: Option<&Path>) -> Result<Requirements, RequirementsError> {
        match path {
            None => Requirements::parse(DEFAULT_REQUIREMENTS, Path::new(DEFAULT_ORIGIN)),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|cause| RequirementsError::Read { path: path.to_owned(), cause })?;
                Requirements::parse(&text, path)
            }
        }
    }

    /// Parses and checks requirements; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Requirements, RequirementsError> {
        let requirements: Requirements = toml::from_str(text)
            .map_err(|cause| RequirementsError::Parse { path: origin.to_owned(), cause: Box::new(cause) })?;
        let mut ids = HashSet::new();
        for (index, requirement) in requirements.requirements.iter().enumerate() {
            let problem = requirement
                .problem()
                .or_else(|| (!ids.insert(&requirement.id)).then(|| "the id is used twice".to_owned()));
            if let Some(problem) = problem {
                return Err(RequirementsError::Invalid {
                    path: origin.to_owned(),
                    number: index + 1,
                    id: requirement.id.clone(),
                    problem,
                });
            }
        }
        Ok(requirements)
    }
}

impl Requirement {
    fn problem(&self) -> Option<String> {
        if self.id.trim().is_empty() || self.label.trim().is_empty() {
            return Some("`id` and `label` must not be empty".to_owned());
        }
        if self.category.is_none() && self.field.is_none() {
            return Some("give `category`, `field`, or both".to_owned());
        }
        if self.relation.is_some() && self.category != Some(Category::Stakeholder) {
            return Some(r#"`relation` only applies with category = "stakeholder""#.to_owned());
        }
        if self.min == 0 {
            return Some("`min` must be at least 1".to_owned());
        }
        self.field
            .as_deref()
            .filter(|field| !Account::FIELDS.contains(field))
            .map(|field| format!("`{field}` is not an account field; use one of {}", Account::FIELDS.join(", ")))
    }

    /// Whether `handoff` meets this requirement.
    pub fn is_met(&self, handoff: &Handoff) -> bool {
        let items = self.category.is_some_and(|category| {
            let count = match self.relation {
                Some(relation) => {
                    handoff.findings.stakeholders.iter().filter(|entry| entry.item.detail.relation == relation).count()
                }
                None => handoff.count(category),
            };
            count >= self.min
        });
        items || self.field.as_deref().is_some_and(|field| handoff.account_field(field).is_some())
    }
}

/// The requirements `handoff` does not meet yet, in the order the file lists them.
pub fn check_ready(handoff: &Handoff, requirements: &Requirements) -> Vec<Missing> {
    requirements
        .requirements
        .iter()
        .filter(|requirement| !requirement.is_met(handoff))
        .map(|requirement| Missing { id: requirement.id.clone(), label: requirement.label.clone() })
        .collect()
}

/// Sets the status of a corrected handoff from the review log's sign-off: `ready` while the
/// reviewer has signed off and every requirement is still met, `draft` otherwise (a later
/// correction that removes the only decision maker takes the handoff back to draft). Returns what
/// is missing.
pub fn settle_status(handoff: &mut Handoff, signed_off: bool, requirements: &Requirements) -> Vec<Missing> {
    let missing = check_ready(handoff, requirements);
    handoff.status = if signed_off && missing.is_empty() { Status::Ready } else { Status::Draft };
    missing
}

/// Marks the handoff `ready` when every requirement is met; otherwise leaves it untouched and
/// says what is missing.
pub fn finalize(handoff: &mut Handoff, requirements: &Requirements) -> Result<(), NotReady> {
    let missing = check_ready(handoff, requirements);
    if !missing.is_empty() {
        return Err(NotReady { missing });
    }
    handoff.status = Status::Ready;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(text: &str) -> String {
        Requirements::parse(text, Path::new("team.toml")).unwrap_err().to_string()
    }

    #[test]
    fn the_shipped_default_loads() {
        let ids: Vec<String> =
            Requirements::load(None).unwrap().requirements.into_iter().map(|requirement| requirement.id).collect();
        assert_eq!(ids, ["pain", "decision_maker", "timeline", "next_step", "company"]);
    }

    #[test]
    fn errors_name_the_file_and_the_requirement() {
        let error = invalid("[[requirement]]\nid = \"x\"\nlabel = \"X\"\n");
        assert_eq!(
            error,
            "team.toml: requirement #1 (x): give `category`, `field`, or both; fix it (rules/review/required.toml shows the format)"
        );
        assert!(invalid("[[requirement]]\nid = \"x\"\nlabel = \"X\"\nfield = \"size\"\n")
            .contains("`size` is not an account field"));
        assert!(invalid("[[requirement]]\nid = \"x\"\nlabel = \"X\"\ncategory = \"budget\"\nrelation = \"user\"\n")
            .contains("`relation` only applies"));
        assert!(invalid("[[requirement]]\nid = \"x\"\nlabel = \"X\"\ncategory = \"pains\"\n")
            .starts_with("team.toml is not valid"));
        assert!(invalid("[[requirement]]\nid = \"x\"\nlabel = \"X\"\ncategory = \"budget\"\nminimum = 2\n")
            .contains("minimum"));
        let twice = "[[requirement]]\nid = \"x\"\nlabel = \"X\"\ncategory = \"budget\"\n".repeat(2);
        assert!(invalid(&twice).contains("requirement #2 (x): the id is used twice"));
    }

    #[test]
    fn a_missing_override_file_is_named() {
        let error = Requirements::load(Some(Path::new("/nonexistent/required.toml"))).unwrap_err();
        assert!(error.to_string().starts_with("cannot read required-fields file /nonexistent/required.toml"));
    }
}
