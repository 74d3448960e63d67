//! What rules name and signal: the kinds every layer of extraction shares, in a leaf module so
//! the lexicon, the call and the rule compiler all point down to it.

/// What a cue rule signals; each kind is read by one extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum CueKind {
    ClauseBreak,
    Answer,
    /// An SDR statement that asks to be confirmed ("I assume HIPAA applies"): answered like a
    /// question.
    ConfirmCheck,
    Pitch,
    SystemStatus,
    RegulationNegation,
    /// Words before a product no pack lists that say the prospect uses, evaluates or leaves it.
    ProductLead,
    /// Words right before a name that may be a product, a place or a person.
    ProductWeakLead,
    /// Words after a name that make it a product ("... contract", "... did a demo").
    ProductTail,
    /// A [[tail]] that anyone, not only a vendor, does ("... said", "... claims"): after an
    /// English word ("Corporate says") it does not make the word a vendor.
    ProductSaying,
    /// Talk of vendors and alternatives: a system named there without a status cue is not in use.
    ProductAlternative,
    /// An SDR question asking which product; its reply may name one with nothing around it.
    ProductQuestion,
    /// Words that put an evaluation in the past ("a while ago", "we had a demo"): a product
    /// evaluated then and not bought is only mentioned now.
    ProductPast,
    /// The shape of a regulation's name no entry lists ("... Act", "CPS 234").
    RegulationShape,
    /// Words of compliance talk, which some name shapes need in the sentence.
    RegulationContext,
    Title,
    Relation,
    SelfIntro,
    Greeting,
    PainCue,
    PainTopic,
    PainNegation,
    /// What a problem cost: time, money, customers, rework, a failed check.
    PainConsequence,
    /// Small talk (weather, traffic, sports): never scored as a pain.
    OffTopic,
    /// A problem played down ("not ideal", "a bit of a faff").
    PainUnderstatement,
    /// An SDR question about problems: the reply is where the pains are.
    PainQuestion,
    /// Words the pain scorer counts as one of its signals (lack, frequency, effort).
    PainSignal,
    Deadline,
    Period,
    TimelineGoal,
    TimelineReason,
    BudgetContext,
    BudgetCycle,
    BudgetOwner,
    BudgetNegation,
    Objection,
    Attempt,
    AttemptOutcome,
    AttemptQuestion,
    StepAction,
    StepCommitment,
    StepWhen,
}

/// What a dictionary entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum EntityKind {
    System,
    Competitor,
    Regulation,
    Role,
    Quarter,
}
