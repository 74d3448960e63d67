//! Everything that can be wrong with a rule pack, worded for the person editing it: which file,
//! which line, which rule, what is wrong and what to do about it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("cannot read rule pack {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file is not valid TOML, or a field has the wrong type or an unknown name.
    #[error("{file}:{line}: {message}")]
    Syntax { file: String, line: usize, message: String },

    /// The file parsed but a rule in it cannot be used.
    #[error("{file}:{line}: rule `{rule}`: {problem}. Fix: {fix}")]
    Invalid { file: String, line: usize, rule: String, problem: String, fix: String },

    /// An override file that neither replaces a built-in pack nor declares a known `pack` kind.
    #[error("{file}: {problem}. Fix: {fix}")]
    UnknownPack { file: String, problem: String, fix: String },
}

impl RuleError {
    /// The line the error points at, when it points at one.
    pub fn line(&self) -> Option<usize> {
        match self {
            RuleError::Syntax { line, .. } | RuleError::Invalid { line, .. } => Some(*line),
            RuleError::Read { .. } | RuleError::UnknownPack { .. } => None,
        }
    }
}
