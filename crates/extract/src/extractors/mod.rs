//! One module per category (or small family of categories); each reads the analysed `Call`.

pub(crate) mod budget;
pub(crate) mod entities;
pub(crate) mod next_steps;
pub(crate) mod objections;
pub(crate) mod pains;
pub(crate) mod previous_attempts;
pub(crate) mod prospect;
pub(crate) mod stakeholders;
pub(crate) mod timeline;
