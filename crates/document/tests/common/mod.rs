//! Hand-made calls for the integration tests: a rich one that exercises every section of the
//! document, and helpers to build items without repeating their provenance fields.

#![allow(dead_code)] // each test binary uses its own part of the fixtures

use handoff_document::{build_draft, Handoff};
use handoff_findings::*;
use handoff_transcript::{Segment, SourceInfo, Speaker, StageTimings, Transcript, TRANSCRIPT_SCHEMA_VERSION};

pub const CREATED_AT: &str = "2026-11-20T09:15:00Z";
pub const RULES_VERSION: &str = "rules-2026.11.1";

pub fn transcript() -> Transcript {
    Transcript {
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        source: SourceInfo {
            path: "/home/sdr/calls/2026-11-19-brightside.wav".into(),
            sha256: "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90123456789012345678901abcdef01".into(),
            duration_ms: 2_533_000,
            sample_rate_hz: 8000,
            channels: 2,
            codec: "pcm_mulaw".into(),
            truncated: false,
        },
        model: "ggml-base.en".into(),
        channel_layout: "sdr-left".into(),
        timings_ms: StageTimings::default(),
        segments: vec![Segment {
            start_ms: 0,
            end_ms: 2_000,
            speaker: Speaker::Sdr,
            text: "Hi Maria, thanks for taking my call.".into(),
            words: Vec::new(),
        }],
    }
}

/// An item with the provenance fields filled in; `seconds` is when it was said.
pub fn item<D>(
    category: Category,
    id: &str,
    speaker: Speaker,
    seconds: u64,
    quote: &str,
    confidence: f32,
    detail: D,
) -> Item<D> {
    Item {
        id: id.into(),
        category,
        quote: quote.into(),
        speaker,
        start_ms: seconds * 1000,
        end_ms: seconds * 1000 + 4000,
        rule: format!("test/{id}"),
        confidence,
        detail,
    }
}

pub fn pain(id: &str, speaker: Speaker, seconds: u64, quote: &str, confidence: f32, theme: &str) -> Item<PainPoint> {
    item(Category::PainPoint, id, speaker, seconds, quote, confidence, PainPoint { theme: theme.into() })
}

pub fn stakeholder(
    id: &str,
    seconds: u64,
    quote: &str,
    name: Option<&str>,
    role: Option<&str>,
    relation: Relation,
) -> Item<Stakeholder> {
    let mentions = vec![Mention { quote: quote.into(), start_ms: seconds * 1000, end_ms: seconds * 1000 + 4000 }];
    let detail = Stakeholder { name: name.map(Into::into), role: role.map(Into::into), relation, mentions };
    item(Category::Stakeholder, id, Speaker::Prospect, seconds, quote, 0.8, detail)
}

pub fn system(id: &str, seconds: u64, quote: &str, name: &str, kind: &str, status: SystemStatus) -> Item<System> {
    let detail = System { name: name.into(), kind: kind.into(), status };
    item(Category::System, id, Speaker::Prospect, seconds, quote, 0.9, detail)
}

pub fn budget(id: &str, seconds: u64, quote: &str, amount_usd: Option<f64>, owner: Option<&str>) -> Item<Budget> {
    let detail = Budget {
        phrase: quote.into(),
        amount_usd,
        amount_usd_max: None,
        owner: owner.map(Into::into),
        cycle: Some("annual".into()),
    };
    item(Category::Budget, id, Speaker::Prospect, seconds, quote, 0.8, detail)
}

pub fn timeline(id: &str, seconds: u64, phrase: &str, normalized: &str, reason: Option<&str>) -> Item<Timeline> {
    let detail = Timeline { phrase: phrase.into(), normalized: normalized.into(), reason: reason.map(Into::into) };
    item(Category::Timeline, id, Speaker::Prospect, seconds, phrase, 0.8, detail)
}

pub fn next_step(id: &str, seconds: u64, quote: &str) -> Item<NextStep> {
    let detail =
        NextStep { action: "demo".into(), when: Some("next Tuesday".into()), who: Some("Maria and Dr. Reyes".into()) };
    item(Category::NextStep, id, Speaker::Sdr, seconds, quote, 0.9, detail)
}

/// A call that touches every section, with the awkward bits real transcripts have: a pipe and a
/// leading `#` in quotes, an SDR paraphrasing a pain, a repeated system, an unanswered objection,
/// and a budget nobody owns.
pub fn rich_extraction() -> Extraction {
    use Speaker::{Prospect as P, Sdr, Unknown};
    Extraction {
        rules_version: RULES_VERSION.into(),
        prospect: Some(item(
            Category::Prospect,
            "prospect-1",
            P,
            70,
            "I'm Maria Lopez, I run operations at Brightside Clinics.",
            0.9,
            Prospect {
                name: Some("Maria Lopez".into()),
                title: Some("Operations Manager".into()),
                company: Some("Brightside Clinics".into()),
            },
        )),
        pain_points: vec![
            pain(
                "pain-1",
                P,
                125,
                "We spend two days every month copying numbers from the EHR into spreadsheets.",
                0.9,
                "manual_work",
            ),
            pain(
                "pain-2",
                P,
                220,
                "The board report is always late because nobody trusts the numbers.",
                0.8,
                "reporting",
            ),
            pain("pain-3", P, 250, "Honestly it's all manual, every single step.", 0.85, "manual_work"),
            pain("pain-4", Sdr, 300, "So the overtime is costing you real money?", 0.9, "cost"),
            pain("pain-5", P, 390, "Our auditors flagged the access logs | twice last year.", 0.7, "compliance"),
            pain("pain-6", Unknown, 420, "# of hours we lose is *crazy* expensive", 0.95, "cost"),
        ],
        stakeholders: vec![
            stakeholder(
                "person-1",
                70,
                "I'm Maria Lopez, I run operations.",
                Some("Maria Lopez"),
                Some("Operations Manager"),
                Relation::User,
            ),
            stakeholder(
                "person-2",
                495,
                "Dr. Reyes, our CFO, signs off on anything over fifty thousand.",
                Some("Dr. Alan Reyes"),
                Some("CFO"),
                Relation::DecisionMaker,
            ),
            stakeholder(
                "person-3",
                540,
                "Our IT director will push back on anything cloud.",
                None,
                Some("IT director"),
                Relation::Blocker,
            ),
        ],
        systems: vec![
            system("system-1", 600, "Everything clinical lives in Epic.", "Epic", "ehr", SystemStatus::Current),
            system(
                "system-2",
                630,
                "We want to get off Excel for this.",
                "Microsoft Excel",
                "spreadsheet",
                SystemStatus::Leaving,
            ),
            system("system-3", 660, "We're looking at Tableau too.", "Tableau", "bi", SystemStatus::Evaluating),
            system(
                "system-4",
                720,
                "Excel is the problem, really.",
                "Microsoft Excel",
                "spreadsheet",
                SystemStatus::Leaving,
            ),
        ],
        regulations: vec![
            item(
                Category::Regulation,
                "regulation-1",
                P,
                780,
                "Everything we touch is HIPAA.",
                0.9,
                Regulation { name: "HIPAA".into(), applies: true },
            ),
            item(
                Category::Regulation,
                "regulation-2",
                P,
                810,
                "We have no EU patients, so GDPR isn't a thing for us.",
                0.8,
                Regulation { name: "GDPR".into(), applies: false },
            ),
        ],
        timeline: vec![
            timeline(
                "timeline-1",
                900,
                "before the end of Q one",
                "before the end of Q1",
                Some("our audit starts in April"),
            ),
            timeline("timeline-2", 940, "by March fifteenth", "by March 15", None),
            timeline("timeline-3", 990, "before the end of Q1", "Before the end of Q1", None),
        ],
        budget: vec![budget("budget-1", 1020, "We set aside about 120k for this, annual.", Some(120_000.0), None)],
        objections: vec![
            item(
                Category::Objection,
                "objection-1",
                P,
                1140,
                "We already tried a BI tool and nobody used it.",
                0.8,
                Objection {
                    topic: Some("need".into()),
                    response: Some(Mention {
                        quote: "That's why we start with the three reports you already send.".into(),
                        start_ms: 1_150_000,
                        end_ms: 1_155_000,
                    }),
                },
            ),
            item(
                Category::Objection,
                "objection-2",
                P,
                1200,
                "Security review takes six months here.",
                0.7,
                Objection { topic: None, response: None },
            ),
        ],
        competitors: vec![item(
            Category::Competitor,
            "competitor-1",
            P,
            1260,
            "Qlik pitched us last spring.",
            0.9,
            Competitor { name: "Qlik".into() },
        )],
        previous_attempts: vec![item(
            Category::PreviousAttempt,
            "attempt-1",
            P,
            1145,
            "We rolled out Power BI and nobody logged in after the first month.",
            0.8,
            PreviousAttempt {
                tried: Some("Power BI".into()),
                outcome: Some("nobody logged in after the first month".into()),
            },
        )],
        next_steps: vec![next_step(
            "next-1",
            2400,
            "Let's get a demo on the calendar for next Tuesday with Dr. Reyes.",
        )],
    }
}

pub fn rich() -> Handoff {
    build_draft(&transcript(), rich_extraction(), RULES_VERSION, CREATED_AT)
}

pub fn empty() -> Handoff {
    build_draft(&transcript(), Extraction::default(), RULES_VERSION, CREATED_AT)
}
