//! Everything that can be wrong with a rule pack, worded for the person editing it: which file,
//! which line, which rule, what is wrong and what to do about it.

use std::path::PathBuf;

/// Why the rules cannot be loaded; the run stops before any work.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// A rule pack (or the `--rules` folder) cannot be read.
    #[error("cannot read rule pack {path}: {source}")]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// Why reading failed.
        #[source]
        source: std::io::Error,
    },

    /// The file is not valid TOML, or a field has the wrong type or an unknown name.
    #[error("{file}:{line}: {message}")]
    Syntax {
        /// The pack's file name.
        file: String,
        /// 1-based.
        line: usize,
        /// The TOML parser's message.
        message: String,
    },

    /// The file parsed but a rule in it cannot be used.
    #[error("{file}:{line}: rule `{rule}`: {problem}. Fix: {fix}")]
    Invalid {
        /// The pack's file name.
        file: String,
        /// 1-based line of the rule.
        line: usize,
        /// The rule's id.
        rule: String,
        /// What is wrong with it.
        problem: String,
        /// What to change.
        fix: String,
    },

    /// An override file that neither replaces a built-in pack nor declares a known `pack` kind.
    #[error("{file}: {problem}. Fix: {fix}")]
    UnknownPack {
        /// The override file's name.
        file: String,
        /// What is wrong with it.
        problem: String,
        /// What to change.
        fix: String,
    },
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
