//! Extraction on small hand-built calls: one behaviour per test, including the hard cases.

use super::*;
use handoff_transcript::{Segment, SourceInfo, Speaker, StageTimings, Transcript, TRANSCRIPT_SCHEMA_VERSION};
use std::path::PathBuf;
use std::sync::OnceLock;

const SDR: Speaker = Speaker::Sdr;
const PROSPECT: Speaker = Speaker::Prospect;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(RuleSet::builtin)
}

fn team_rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rules");
        RuleSet::load(Some(&dir)).expect("fixture rules load")
    })
}

/// One segment per turn, 4 s each.
fn call(turns: &[(Speaker, &str)]) -> Transcript {
    let segments = turns
        .iter()
        .enumerate()
        .map(|(i, (speaker, text))| Segment {
            start_ms: i as u64 * 4000,
            end_ms: i as u64 * 4000 + 3500,
            speaker: *speaker,
            text: text.to_string(),
            words: Vec::new(),
        })
        .collect();
    Transcript {
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        source: SourceInfo {
            path: "test.wav".into(),
            sha256: String::new(),
            duration_ms: 0,
            sample_rate_hz: 16_000,
            channels: 2,
            codec: "pcm".into(),
            truncated: false,
        },
        model: "test".into(),
        channel_layout: "sdr-left".into(),
        timings_ms: StageTimings::default(),
        segments,
    }
}

fn run(turns: &[(Speaker, &str)]) -> Extraction {
    extract(&call(turns), rules())
}

/// Each of the prospect's `lines` in a turn of its own, acknowledged by the SDR, then the
/// prospect's `controls` (sentences that must find nothing).
fn run_each_answered(lines: &[&str], controls: &[&str]) -> Extraction {
    let mut turns = Vec::new();
    for line in lines {
        turns.push((PROSPECT, *line));
        turns.push((SDR, "Okay."));
    }
    turns.extend(controls.iter().map(|control| (PROSPECT, *control)));
    run(&turns)
}

/// Each of `lines` (see `run_each_answered`) is an objection quoted whole; none of `controls` is.
fn assert_each_is_an_objection(lines: &[&str], controls: &[&str]) {
    let found = run_each_answered(lines, controls);
    let objections: Vec<&str> = found.objections.iter().map(|o| o.quote.as_str()).collect();
    assert_eq!(objections, lines);
}

/// Each stakeholder's name and role, in order.
fn names_and_roles(extraction: &Extraction) -> Vec<(Option<&str>, Option<&str>)> {
    extraction.stakeholders.iter().map(|s| (s.detail.name.as_deref(), s.detail.role.as_deref())).collect()
}

fn system<'a>(extraction: &'a Extraction, name: &str) -> &'a Item<System> {
    extraction
        .systems
        .iter()
        .find(|s| s.detail.name == name)
        .unwrap_or_else(|| panic!("no {name} in {:#?}", extraction.systems))
}

#[test]
fn negated_regulation_does_not_apply_and_the_other_does() {
    let found = run(&[(PROSPECT, "We're not subject to HIPAA for this data, but we do have to follow GDPR.")]);
    let applies: Vec<(&str, bool)> =
        found.regulations.iter().map(|r| (r.detail.name.as_str(), r.detail.applies)).collect();
    assert_eq!(applies, [("HIPAA", false), ("GDPR", true)]);
}

#[test]
fn regulation_negations_in_other_words() {
    for (text, name) in [
        ("HIPAA doesn't apply to us.", "HIPAA"),
        ("We have no SOC 2 requirements at the moment.", "SOC 2"),
        ("We don't need to worry about PCI since Stripe handles cards.", "PCI DSS"),
        ("Fare payment is handled outside this system, so PCI DSS will not be applicable.", "PCI DSS"),
        ("No EU work, so GDPR isn't in play.", "GDPR"),
        ("HIPAA's their problem, not ours.", "HIPAA"),
        ("We're a print shop. Nobody's ever asked us for a SOC 2.", "SOC 2"),
        ("We're privately held, so none of that Sarbanes-Oxley stuff, thank God.", "SOX"),
        ("We don't keep anything controlled, so the DEA side isn't really us.", "DEA"),
    ] {
        let found = run(&[(PROSPECT, text)]);
        let regulation = found.regulations.iter().find(|r| r.detail.name == name).unwrap_or_else(|| panic!("{text}"));
        assert!(!regulation.detail.applies, "{text}");
    }
    let answered =
        run(&[(SDR, "Do you have any HIPAA requirements?"), (PROSPECT, "No, we never touch patient records.")]);
    assert!(!answered.regulations[0].detail.applies);
    let after_the_question = run(&[
        (SDR, "Are you in California at all? Sometimes CCPA comes up."),
        (PROSPECT, "No California. Not planning on it either."),
    ]);
    assert!(!after_the_question.regulations[0].detail.applies, "the remark closing the question is answered too");
    let positive = run(&[(PROSPECT, "No, HIPAA is a big deal for us.")]);
    assert!(positive.regulations[0].detail.applies, "a comma keeps 'No' away from HIPAA");
    let accredited = run(&[(PROSPECT, "We are CHAP accredited rather than Joint Commission.")]);
    let mut applies: Vec<(&str, bool)> =
        accredited.regulations.iter().map(|r| (r.detail.name.as_str(), r.detail.applies)).collect();
    applies.sort();
    assert_eq!(applies, [("CHAP", true), ("Joint Commission", false)], "'rather than' negates only what follows");
}

#[test]
fn regulation_misspellings_and_spoken_numbers() {
    let found = run(&[(PROSPECT, "We need HIPPA and sock two, and our auditors ask about ISO 27001.")]);
    let names: Vec<&str> = found.regulations.iter().map(|r| r.detail.name.as_str()).collect();
    assert_eq!(names, ["HIPAA", "SOC 2", "ISO 27001"]);
}

#[test]
fn regulations_of_other_industries_come_from_the_dictionary() {
    let found = run(&[
        (PROSPECT, "We're subject to ECOA and Reg Z, and the examiners pull our HMDA data every year."),
        (PROSPECT, "Our AS9100 audit is in May."),
        (PROSPECT, "Over in London we need Cyber Essentials Plus, and contractors fall under IR35."),
        (PROSPECT, "Most of our LIHTC buildings get NSPIRE inspections now."),
    ]);
    let found: Vec<(&str, &str)> =
        found.regulations.iter().map(|r| (r.detail.name.as_str(), r.rule.as_str())).collect();
    for (name, rule) in [
        ("ECOA", "regulations/ecoa"),
        ("TILA", "regulations/tila"),
        ("HMDA", "regulations/hmda"),
        ("AS9100", "regulations/as9100"),
        ("Cyber Essentials Plus", "regulations/cyber-essentials-plus"),
        ("IR35", "regulations/ir35"),
        ("LIHTC", "regulations/lihtc"),
        ("NSPIRE", "regulations/nspire"),
    ] {
        assert!(found.contains(&(name, rule)), "{name}: {found:?}");
    }
}

#[test]
fn acronyms_that_are_english_words_need_their_capitals_or_context() {
    let found = run(&[
        (PROSPECT, "I have an idea for the rollout."),
        (PROSPECT, "We need to reach out to their ops team first."),
        (PROSPECT, "So far the reps like it, and Ada in ops agrees."),
        (PROSPECT, "Can you dot the i's on the proposal by Friday?"),
        (PROSPECT, "We file our taxes with the CRA in April."),
        (PROSPECT, "Section 8 of the contract covers renewals."),
    ]);
    assert!(found.regulations.is_empty(), "{:#?}", found.regulations);
    let written = run(&[
        (PROSPECT, "Special ed runs on IDEA, and our coatings need REACH sign-off."),
        (PROSPECT, "Our CRA rating matters to the bank examiners."),
    ]);
    let names: Vec<&str> = written.regulations.iter().map(|r| r.detail.name.as_str()).collect();
    assert_eq!(names, ["IDEA", "REACH", "CRA"]);
}

#[test]
fn sdr_statements_do_not_make_regulations_or_systems() {
    let found = run(&[(SDR, "We are SOC 2 certified and integrate with Salesforce.")]);
    assert!(found.regulations.is_empty() && found.systems.is_empty(), "{found:#?}");
}

#[test]
fn system_left_used_and_evaluated() {
    let found = run(&[
        (PROSPECT, "We're moving off Zendesk and looking at Freshdesk."),
        (PROSPECT, "Schedules live in Workday."),
    ]);
    assert_eq!(system(&found, "Zendesk").detail.status, SystemStatus::Leaving);
    assert_eq!(system(&found, "Freshdesk").detail.status, SystemStatus::Evaluating);
    assert_eq!(system(&found, "Workday").detail.status, SystemStatus::Current);
    assert_eq!(system(&found, "Workday").detail.kind, "hris");
}

#[test]
fn destination_of_a_migration_and_pronouns() {
    let found = run(&[
        (PROSPECT, "We're migrating from NetSuite to Workday."),
        (PROSPECT, "Salesforce is our CRM, but honestly we're replacing it next year."),
    ]);
    assert_eq!(system(&found, "NetSuite").detail.status, SystemStatus::Leaving);
    assert_eq!(system(&found, "Workday").detail.status, SystemStatus::Evaluating);
    assert_eq!(system(&found, "Salesforce").detail.status, SystemStatus::Leaving);
    let done = run(&[(PROSPECT, "We switched from Zendesk to Freshdesk last year.")]);
    assert_eq!(system(&done, "Freshdesk").detail.status, SystemStatus::Current);
}

#[test]
fn strongest_status_wins_over_the_call() {
    let found =
        run(&[(PROSPECT, "We use NetSuite for billing."), (PROSPECT, "We're getting rid of NetSuite next year.")]);
    let netsuite = system(&found, "NetSuite");
    assert_eq!(netsuite.detail.status, SystemStatus::Leaving);
    assert!(netsuite.quote.contains("getting rid of"));
    assert_eq!(found.systems.len(), 1, "one item per system");
}

#[test]
fn misspelled_and_ambiguous_system_names() {
    let found = run(&[(PROSPECT, "Everything is in Sales Force and Net Suite, and we excel at spreadsheets.")]);
    let names: Vec<&str> = found.systems.iter().map(|s| s.detail.name.as_str()).collect();
    assert_eq!(names, ["Salesforce", "NetSuite"], "'excel at' is not Excel");
    let lowercase = run(&[(PROSPECT, "Our sales force is twenty reps.")]);
    assert!(lowercase.systems.is_empty(), "{:#?}", lowercase.systems);
}

#[test]
fn sdr_pain_talk_is_not_a_pain() {
    let found = run(&[
        (SDR, "A lot of teams tell me manual data entry is painful."),
        (PROSPECT, "Our front desk staff retype every patient request into two systems."),
    ]);
    assert_eq!(found.pain_points.len(), 1, "{:#?}", found.pain_points);
    let pain = &found.pain_points[0];
    assert_eq!(pain.speaker, Speaker::Prospect);
    assert_eq!(pain.detail.theme, "manual_work");
    assert_eq!(pain.quote, "Our front desk staff retype every patient request into two systems.");
    assert_eq!(pain.rule, "pains/manual-work");
}

#[test]
fn pain_themes_and_negated_pains() {
    let found = run(&[
        (PROSPECT, "Our reporting is a nightmare."),
        (PROSPECT, "Onboarding is not a problem for us."),
        (PROSPECT, "We spend two days every month exporting data."),
    ]);
    let themes: Vec<&str> = found.pain_points.iter().map(|p| p.detail.theme.as_str()).collect();
    assert_eq!(themes, ["reporting", "reporting"], "{:#?}", found.pain_points);
}

#[test]
fn two_pains_in_one_sentence_are_two_items() {
    let found = run(&[(
        PROSPECT,
        "Our forecasting costs us a fortune in analyst time, and it does not scale past fifty reps.",
    )]);
    let pains: Vec<(&str, &str)> =
        found.pain_points.iter().map(|p| (p.quote.as_str(), p.detail.theme.as_str())).collect();
    assert_eq!(
        pains,
        [
            ("Our forecasting costs us a fortune in analyst time", "cost"),
            ("and it does not scale past fifty reps.", "scale")
        ]
    );
}

#[test]
fn unknown_speaker_counts_with_lower_confidence() {
    let prospect = run(&[(PROSPECT, "Our reporting is a nightmare.")]);
    let unknown = run(&[(Speaker::Unknown, "Our reporting is a nightmare.")]);
    assert!(unknown.pain_points[0].confidence < prospect.pain_points[0].confidence);
}

#[test]
fn stakeholder_named_with_role_and_relation() {
    let found = run(&[
        (PROSPECT, "Our CFO, Sarah Chen, signs off on any new software."),
        (PROSPECT, "Sarah is pretty busy though."),
        (SDR, "Could we book a demo next Tuesday with Sarah?"),
    ]);
    assert_eq!(found.stakeholders.len(), 1, "{:#?}", found.stakeholders);
    let sarah = &found.stakeholders[0].detail;
    assert_eq!((sarah.name.as_deref(), sarah.role.as_deref()), (Some("Sarah Chen"), Some("CFO")));
    assert_eq!(sarah.relation, Relation::DecisionMaker);
    assert_eq!(sarah.mentions.len(), 3);
}

#[test]
fn a_name_after_its_role_a_full_name_alone_and_a_name_opening_the_sentence_are_stakeholders() {
    let found = run(&[
        (SDR, "Who signs off on something like this?"),
        (PROSPECT, "The GM, Phil Sandoval."),
        (SDR, "And who reviews security?"),
        (PROSPECT, "Anand Mehta."),
        (PROSPECT, "Tasha, our nurse manager, timed it in the summer."),
        (PROSPECT, "Thanks, Evan."),
    ]);
    let people = names_and_roles(&found);
    assert_eq!(
        people,
        [(Some("Phil Sandoval"), Some("GM")), (Some("Anand Mehta"), None), (Some("Tasha"), Some("nurse manager"))],
        "{:#?}",
        found.stakeholders
    );
}

#[test]
fn stakeholder_name_role_orders_and_pronouns() {
    let found = run(&[
        (PROSPECT, "David Park, our VP of Finance, will want to weigh in."),
        (PROSPECT, "Our CFO owns the budget."),
        (PROSPECT, "Then there's Priya, our head of IT. She will push back on anything new."),
    ]);
    let people: Vec<(Option<&str>, Option<&str>, Relation)> = found
        .stakeholders
        .iter()
        .map(|s| (s.detail.name.as_deref(), s.detail.role.as_deref(), s.detail.relation))
        .collect();
    assert_eq!(
        people,
        [
            (Some("David Park"), Some("VP of Finance"), Relation::Influencer),
            (None, Some("CFO"), Relation::BudgetOwner),
            (Some("Priya"), Some("Head of IT"), Relation::Blocker),
        ]
    );
}

#[test]
fn stakeholder_known_only_by_role() {
    let found = run(&[(PROSPECT, "Our head of IT will push back on anything that touches the network.")]);
    assert_eq!(found.stakeholders.len(), 1);
    let it = &found.stakeholders[0].detail;
    assert_eq!((it.name.as_deref(), it.role.as_deref(), it.relation), (None, Some("Head of IT"), Relation::Blocker));
}

#[test]
fn the_people_on_the_call_are_not_stakeholders() {
    let found = run(&[
        (SDR, "Hi Maria, this is Tom from Acme, thanks for taking my call."),
        (PROSPECT, "Hi Tom. I'm the operations manager at Brightside Clinics."),
        (PROSPECT, "CFOs usually hate new tools."),
    ]);
    assert!(found.stakeholders.is_empty(), "{:#?}", found.stakeholders);
    let prospect = found.prospect.expect("prospect identified").detail;
    assert_eq!(prospect.name.as_deref(), Some("Maria"));
    assert_eq!(prospect.title.as_deref(), Some("Operations Manager"));
    assert_eq!(prospect.company.as_deref(), Some("Brightside Clinics"));
}

#[test]
fn everyone_on_the_call_is_left_out_of_stakeholders() {
    let found = run(&[
        (SDR, "Hi Tanya, hi Oscar, thanks for hopping on."),
        (PROSPECT, "Sure. I've got Wendell Price on with me too, he runs our warehouse."),
        (SDR, "Oscar, how do you log picks today?"),
        (PROSPECT, "Paper sheets, mostly. Our CFO, Ingrid Holm, owns the budget."),
        (PROSPECT, "Thanks, Reuben."),
    ]);
    let names: Vec<Option<&str>> = found.stakeholders.iter().map(|s| s.detail.name.as_deref()).collect();
    assert_eq!(names, [Some("Ingrid Holm")], "{:#?}", found.stakeholders);
}

#[test]
fn towns_said_as_places_and_names_after_the_are_not_people() {
    let found = run(&[
        (PROSPECT, "Half of our kegs are probably sitting in some bar's basement in Eugene."),
        (PROSPECT, "There's a revenue management company out of Charlotte that did our rates."),
        (PROSPECT, "Ask the Boston office, and Charlotte in billing."),
        (PROSPECT, "But the Dean looked at the data, and orders go through the Henry Schein portal."),
    ]);
    let names: Vec<Option<&str>> = found.stakeholders.iter().map(|s| s.detail.name.as_deref()).collect();
    assert_eq!(names, [Some("Charlotte")], "{:#?}", found.stakeholders);
}

#[test]
fn a_name_greeted_at_the_start_of_a_turn_is_someone_on_the_call() {
    let found = run(&[
        (SDR, "Steven, hi, Jonah Whitaker from Quillmark."),
        (PROSPECT, "Trevor, I think we met briefly at CinemaCon?"),
        (PROSPECT, "Dana, our training officer, keeps the records."),
    ]);
    let names: Vec<Option<&str>> = found.stakeholders.iter().map(|s| s.detail.name.as_deref()).collect();
    assert_eq!(names, [Some("Dana")], "{:#?}", found.stakeholders);
}

#[test]
fn stakeholder_roles_are_shown_as_said_and_imply_a_part() {
    let found = run(&[
        (PROSPECT, "Our IT director will look at the security side."),
        (PROSPECT, "Anything over forty thousand has to go to the board of trustees."),
        (PROSPECT, "And my two schedulers would be the ones living in it all day."),
        (PROSPECT, "Our CEO will want to see it too."),
    ]);
    let people: Vec<(Option<&str>, Relation)> =
        found.stakeholders.iter().map(|s| (s.detail.role.as_deref(), s.detail.relation)).collect();
    assert_eq!(
        people,
        [
            (Some("IT director"), Relation::Influencer),
            (Some("board of trustees"), Relation::DecisionMaker),
            (Some("schedulers"), Relation::User),
            // A chief executive who "wants to see it" is still the one who decides.
            (Some("CEO"), Relation::DecisionMaker),
        ]
    );
}

#[test]
fn the_answer_to_who_signs_is_the_decision_maker() {
    let found = run(&[
        (SDR, "Who would need to sign off on something like this?"),
        (PROSPECT, "My COO, Bernadette Vance. She's careful, but fair."),
        (PROSPECT, "Over that amount it goes to Dr. Okafor."),
    ]);
    let people: Vec<(Option<&str>, Relation)> =
        found.stakeholders.iter().map(|s| (s.detail.name.as_deref(), s.detail.relation)).collect();
    assert_eq!(
        people,
        [(Some("Bernadette Vance"), Relation::DecisionMaker), (Some("Dr. Okafor"), Relation::DecisionMaker)]
    );
}

#[test]
fn the_sellers_own_people_are_not_stakeholders() {
    let found = run(&[
        (SDR, "Our engineers sit with your team for the first month."),
        (PROSPECT, "Send it over. Ask Tobias if you need the file."),
    ]);
    let people = names_and_roles(&found);
    assert_eq!(people, [(Some("Tobias"), None)], "{:#?}", found.stakeholders);
}

#[test]
fn prospect_from_own_introduction() {
    let found = run(&[(PROSPECT, "This is Maria Lopez, COO of Brightside Health.")]);
    let prospect = found.prospect.expect("prospect").detail;
    assert_eq!(
        prospect,
        Prospect {
            name: Some("Maria Lopez".into()),
            title: Some("COO".into()),
            company: Some("Brightside Health".into())
        }
    );
}

#[test]
fn timeline_with_reason_and_spoken_quarter() {
    let found = run(&[(PROSPECT, "We need this fixed before the end of Q one because of the SOC 2 audit.")]);
    let timeline = &found.timeline[0].detail;
    assert_eq!(timeline.phrase, "before the end of Q one");
    assert_eq!(timeline.normalized, "before the end of Q1");
    assert_eq!(timeline.reason.as_deref(), Some("because of the SOC 2 audit"));
}

#[test]
fn timeline_reason_in_the_next_sentence_and_goal_gate() {
    let found = run(&[(PROSPECT, "We want it live within ninety days. Our contract with Zendesk renews in April.")]);
    assert_eq!(found.timeline.len(), 2, "{:#?}", found.timeline);
    assert_eq!(found.timeline[0].detail.normalized, "live within 90 days");
    assert!(found.timeline[0].detail.reason.as_deref().is_some_and(|r| r.contains("renews")));
    // The renewal is a date of its own.
    assert!(found.timeline[1].detail.phrase.ends_with("renews in April"), "{:#?}", found.timeline);
    let no_goal = run(&[(PROSPECT, "We grew a lot this year.")]);
    assert!(no_goal.timeline.is_empty(), "{:#?}", no_goal.timeline);
    let dated = run(&[(PROSPECT, "We need a decision by March fifteenth.")]);
    assert_eq!(dated.timeline[0].detail.normalized, "a decision by March 15");
}

#[test]
fn budget_spoken_amounts_owner_and_cycle() {
    let found =
        run(&[(SDR, "What is your budget?"), (PROSPECT, "About forty thousand dollars a year, owned by Sarah.")]);
    let budget = &found.budget[0].detail;
    assert_eq!(budget.amount_usd, Some(40_000.0));
    assert_eq!(budget.owner.as_deref(), Some("Sarah"));
    assert_eq!(budget.cycle.as_deref(), Some("annual"));
    assert_eq!(budget.phrase, "About forty thousand dollars a year");

    for (text, amount) in [
        ("We have one point two million across the whole program.", 1_200_000.0),
        ("Our budget is about fifty k.", 50_000.0),
        ("We've set aside $250,000 for this.", 250_000.0),
        ("The budget is 1.2 million.", 1_200_000.0),
    ] {
        let found = run(&[(PROSPECT, text)]);
        assert_eq!(found.budget.first().and_then(|b| b.detail.amount_usd), Some(amount), "{text}");
    }
    let range = run(&[(PROSPECT, "We budgeted somewhere between forty and fifty thousand.")]);
    assert_eq!(
        (range.budget[0].detail.amount_usd, range.budget[0].detail.amount_usd_max),
        (Some(40_000.0), Some(50_000.0))
    );
}

#[test]
fn a_call_without_budget_has_none() {
    let found = run(&[
        (PROSPECT, "We spend about 200 hours a month on this."),
        (PROSPECT, "We have 1.2 million patient records."),
    ]);
    assert!(found.budget.is_empty(), "{:#?}", found.budget);
    // Saying there is no budget is worth one item, with no amount.
    let none = run(&[
        (PROSPECT, "We don't have budget for this right now."),
        (PROSPECT, "There's no money for it, to be honest."),
    ]);
    assert_eq!(none.budget.len(), 1, "{:#?}", none.budget);
    assert_eq!(none.budget[0].detail.amount_usd, None);
    assert!(run(&[(PROSPECT, "We can't afford another outage like that.")]).budget.is_empty());
    for said in [
        "There's nothing in this year's budget for it.",
        "For this year, no. There is no line for software.",
        "Budget, we did not decide yet.",
    ] {
        let none = run(&[(SDR, "Is there budget set aside for this?"), (PROSPECT, said)]);
        assert_eq!(none.budget.len(), 1, "{said}: {:#?}", none.budget);
        assert_eq!(none.budget[0].detail.amount_usd, None, "{said}");
    }
}

#[test]
fn objection_with_the_sdr_response() {
    let found = run(&[
        (PROSPECT, "Honestly I'm not sure we need another tool."),
        (SDR, "Fair. We remove the export step entirely. And it takes a day to set up."),
    ]);
    let objection = &found.objections[0];
    assert_eq!(objection.detail.topic.as_deref(), Some("need"));
    let response = objection.detail.response.as_ref().expect("answered");
    assert_eq!(response.quote, "Fair. We remove the export step entirely.");
    let unanswered = run(&[(PROSPECT, "It's too expensive."), (PROSPECT, "Anyway.")]);
    assert!(unanswered.objections[0].detail.response.is_none());
}

#[test]
fn previous_attempt_with_outcome() {
    let found =
        run(&[(PROSPECT, "We tried building our own scripts last year. It failed because nobody maintained them.")]);
    let attempt = &found.previous_attempts[0].detail;
    assert_eq!(attempt.tried.as_deref(), Some("building our own scripts last year"));
    assert_eq!(attempt.outcome.as_deref(), Some("It failed because nobody maintained them"));
    let weak = run(&[(PROSPECT, "Last year we hired two people.")]);
    assert!(weak.previous_attempts.is_empty(), "weak cue without an outcome");
}

#[test]
fn pushback_is_found_by_its_shape_not_only_by_set_phrases() {
    let topics = |text: &str| -> Vec<Option<String>> {
        run(&[(PROSPECT, text)]).objections.into_iter().map(|objection| objection.detail.topic).collect()
    };
    for (text, topic) in [
        ("If it can't pull orders from Shopify, we're done.", "implementation"),
        ("It would have to sync with our ledger on day one.", "implementation"),
        ("I'm not the person who approves software here.", "authority"),
        ("Timing is pretty rough for us.", "timing"),
        ("I won't be signing anything until the audit closes, and I'm not touching anything before that.", "timing"),
        ("Everyone promises that.", "skepticism"),
        ("We're in good shape on that front.", "need"),
        ("We need your security whitepaper before we go any further.", "risk"),
        ("No eighteen-month implementations, I mean it.", "implementation"),
        ("We don't sign auto-renewals, and our payment terms are net sixty.", "price"),
        ("Natively. Show me.", "skepticism"),
    ] {
        assert_eq!(topics(text), [Some(topic.to_owned())], "{text}");
    }
    assert!(topics("If it can pull orders from Shopify, we'd love to see it.").is_empty());
}

#[test]
fn attempts_told_by_when_and_how_long() {
    let found = run(&[
        (PROSPECT, "We had Podio for about eight months."),
        (PROSPECT, "Two years ago we introduced a shared inbox for the drivers."),
        (PROSPECT, "We put the crews on a texting app last fall. Nobody used it."),
    ]);
    let quotes: Vec<&str> = found.previous_attempts.iter().map(|attempt| attempt.quote.as_str()).collect();
    assert_eq!(
        quotes,
        [
            "We had Podio for about eight months.",
            "Two years ago we introduced a shared inbox for the drivers.",
            "We put the crews on a texting app last fall. Nobody used it.",
        ]
    );
    // Still running it is no attempt.
    assert!(run(&[(PROSPECT, "We've had Podio for about eight years.")]).previous_attempts.is_empty());
}

#[test]
fn next_steps_merge_when_and_who() {
    let found = run(&[
        (SDR, "Could we book a demo next Tuesday with Sarah?"),
        (PROSPECT, "Okay, a demo next Tuesday works."),
        (SDR, "I'll send over a case study too."),
        (PROSPECT, "We did a demo with another vendor last year."),
    ]);
    let steps: Vec<(&str, Option<&str>, Option<&str>)> = found
        .next_steps
        .iter()
        .map(|s| (s.detail.action.as_str(), s.detail.when.as_deref(), s.detail.who.as_deref()))
        .collect();
    assert_eq!(steps, [("demo", Some("next Tuesday"), Some("Sarah")), ("send_material", None, None)]);
}

#[test]
fn a_step_is_quoted_with_its_purpose_and_a_second_step_stands_alone() {
    let found = run(&[
        (SDR, "I'll send the trial agreement tonight so Donna can look it over."),
        (SDR, "I'll send the deck today, so I'll book the demo for Thursday."),
    ]);
    let quotes: Vec<&str> = found.next_steps.iter().map(|s| s.quote.as_str()).collect();
    assert_eq!(
        quotes,
        [
            "I'll send the trial agreement tonight so Donna can look it over.",
            "I'll send the deck today",
            "I'll book the demo for Thursday."
        ]
    );
}

#[test]
fn a_list_of_material_is_quoted_whole_and_a_new_step_after_a_comma_is_its_own() {
    let found = run(&[
        (SDR, "I'll send the MSA with auto-renewal struck, the SLA, and the agency pricing today."),
        (PROSPECT, "Good."),
        (SDR, "I'll send the deck today, and let's book the demo for Thursday."),
    ]);
    let quotes: Vec<&str> = found.next_steps.iter().map(|s| s.quote.as_str()).collect();
    assert_eq!(
        quotes,
        [
            "I'll send the MSA with auto-renewal struck, the SLA, and the agency pricing today.",
            "I'll send the deck today",
            "let's book the demo for Thursday."
        ]
    );
}

#[test]
fn call_me_and_a_name_is_an_introduction_and_call_me_and_a_day_is_a_follow_up() {
    let actions = |text: &str| -> Vec<String> {
        run(&[(PROSPECT, text)]).next_steps.into_iter().map(|step| step.detail.action).collect()
    };
    assert!(actions("Please, you may call me Thiago.").is_empty());
    assert!(actions("Call me Bernie.").is_empty());
    assert_eq!(actions("Call me Tuesday night."), ["follow_up"]);
    assert_eq!(actions("Please call me after the inspection."), ["follow_up"]);
}

#[test]
fn a_given_name_alone_is_a_person_unless_it_is_a_place_a_date_or_a_word() {
    let names = |text: &str| -> Vec<Option<String>> {
        run(&[(SDR, "Anyone else we should involve?"), (PROSPECT, text)])
            .stakeholders
            .into_iter()
            .map(|person| person.detail.name)
            .collect()
    };
    assert_eq!(names("Send me the payslip beforehand so I can show Portia."), [Some("Portia".to_string())]);
    assert_eq!(names("Marisol keeps the trucks running."), [Some("Marisol".to_string())]);
    for text in [
        "Most of our clinics are in Texas and Florida.",
        "My brother-in-law farms north of Harlan.",
        "I'm keen to sort it before Easter.",
        "Klara.",
        "Will it work offline?",
        "Realistically, we'd want to pilot at Mercy and St. Luke's this fall.",
        "Three clinics we bought last year use Jane.",
    ] {
        assert!(names(text).is_empty(), "{text}: {:?}", names(text));
    }
}

#[test]
fn what_was_said_about_a_system_beats_the_guess_that_it_is_in_use() {
    let found = run(&[
        (PROSPECT, "We got a quote from Vanta last week."),
        (PROSPECT, "Vanta was fine, I guess."),
        (PROSPECT, "We had a demo with Akeneo a while ago and it went nowhere."),
        (PROSPECT, "My nephew's agency uses EZLynx and he complains about it constantly."),
        (PROSPECT, "Haven't talked to anyone else."),
    ]);
    assert_eq!(system(&found, "Vanta").detail.status, SystemStatus::Evaluating, "a lead outweighs a bare mention");
    assert_eq!(system(&found, "Akeneo").detail.status, SystemStatus::Mentioned, "an evaluation told in the past");
    assert_eq!(system(&found, "EZLynx").detail.status, SystemStatus::Mentioned, "someone else's system");
    let competitors: Vec<&str> = found.competitors.iter().map(|c| c.detail.name.as_str()).collect();
    assert_eq!(competitors, ["Vanta", "Akeneo", "EZLynx"], "a capitalised contraction is no vendor");
}

#[test]
fn competitors_are_vendors_evaluated_and_the_team_pack_raises_confidence() {
    let transcript = call(&[(PROSPECT, "We looked at Gong but it was too expensive. We also talked to Clari.")]);
    let names_and_confidence = |found: &Extraction| -> Vec<(String, f32)> {
        found.competitors.iter().map(|c| (c.detail.name.clone(), c.confidence)).collect()
    };
    let inferred = names_and_confidence(&extract(&transcript, rules()));
    let found = extract(&transcript, team_rules());
    let listed = names_and_confidence(&found);
    assert_eq!(inferred.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(), ["Gong", "Clari"]);
    assert_eq!(listed.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(), ["Gong", "Clari"]);
    for ((name, without_list), (_, with_list)) in inferred.iter().zip(&listed) {
        assert!(with_list > without_list, "{name}: the team's list raises confidence ({without_list} -> {with_list})");
    }
    assert!(found.pain_points.is_empty(), "a complaint about a competitor is not a pain: {:#?}", found.pain_points);
    assert!(found.objections.is_empty(), "nor an objection: {:#?}", found.objections);
}

#[test]
fn a_general_purpose_tool_around_the_gap_is_a_system_not_a_competitor() {
    let found = run(&[
        (PROSPECT, "Then our IT consultant suggested a SharePoint list, which nobody could ever find."),
        (PROSPECT, "My nephew built a Zapier flow that was supposed to text people."),
        (PROSPECT, "We also looked at Jobber last spring."),
    ]);
    let systems: Vec<&str> = found.systems.iter().map(|s| s.detail.name.as_str()).collect();
    assert!(systems.contains(&"SharePoint") && systems.contains(&"Zapier"), "{systems:?}");
    let competitors: Vec<&str> = found.competitors.iter().map(|c| c.detail.name.as_str()).collect();
    assert_eq!(competitors, ["Jobber"]);
}

#[test]
fn ids_are_stable_across_runs_and_rule_loads() {
    let turns = [
        (PROSPECT, "We use Salesforce and our reporting is a nightmare."),
        (PROSPECT, "We need this before the end of Q1."),
    ];
    let first = extract(&call(&turns), &RuleSet::builtin());
    let second = extract(&call(&turns), &RuleSet::builtin());
    assert_eq!(first, second);
    assert_eq!(first.systems[0].id, item_id(Category::System, 0, &first.systems[0].quote));
    assert_eq!(first.rules_version, rules().version());
    let ids: Vec<&str> =
        [&first.systems[0].id, &first.pain_points[0].id, &first.timeline[0].id].map(String::as_str).to_vec();
    assert!(ids.iter().all(|id| id.len() == 12), "{ids:?}");
    assert_ne!(ids[0], ids[1], "category is part of the id");
}

#[test]
fn sentence_split_across_segments_keeps_both_times() {
    let mut transcript =
        call(&[(PROSPECT, "We spend two days every month"), (PROSPECT, "exporting data from Salesforce.")]);
    transcript.segments[1].start_ms = 3600;
    let found = extract(&transcript, rules());
    let pain = &found.pain_points[0];
    assert_eq!(pain.quote, "We spend two days every month exporting data from Salesforce.");
    assert_eq!((pain.start_ms, pain.end_ms), (0, 7500));
    assert_eq!(pain.detail.theme, "reporting");
}

/// `text` said word by word, 400 ms a word from `start_ms`, as Whisper's word times give it.
fn timed_segment(start_ms: u64, speaker: Speaker, text: &str) -> Segment {
    let words: Vec<handoff_transcript::Word> = text
        .split_whitespace()
        .enumerate()
        .map(|(i, word)| handoff_transcript::Word {
            text: word.to_string(),
            start_ms: start_ms + i as u64 * 400,
            end_ms: start_ms + i as u64 * 400 + 350,
        })
        .collect();
    let end_ms = words.last().unwrap().end_ms;
    Segment { start_ms, end_ms, speaker, text: text.to_string(), words }
}

/// The times of the words of `segment` that `quote` (a part of its text) covers.
fn times_of(segment: &Segment, quote: &str) -> (u64, u64) {
    let at = segment.text.find(quote).unwrap_or_else(|| panic!("{quote:?} is not in {:?}", segment.text));
    let mut offset = 0;
    let mut covered = Vec::new();
    for (word, piece) in segment.words.iter().zip(segment.text.split(' ')) {
        if offset < at + quote.len() && at < offset + piece.len() {
            covered.push(word);
        }
        offset += piece.len() + 1;
    }
    (covered[0].start_ms, covered[covered.len() - 1].end_ms)
}

#[test]
fn a_quote_in_the_middle_of_a_long_segment_has_its_own_times() {
    let mut transcript = call(&[(SDR, "How is reporting going?")]);
    let long = timed_segment(
        4_000,
        PROSPECT,
        "Thanks for asking, we are a team of twelve in finance. Honestly our month end reporting is a \
         nightmare for the whole team. Anyway, that is the background on where we are today.",
    );
    transcript.segments.push(long.clone());
    let found = extract(&transcript, rules());
    let pain = found.pain_points.iter().find(|p| p.quote.contains("nightmare")).expect("the pain is found");
    let (start_ms, end_ms) = times_of(&long, &pain.quote);
    assert_eq!((pain.start_ms, pain.end_ms), (start_ms, end_ms), "{}", pain.quote);
    // Well inside the 13 s segment, and only as long as the quote's words.
    assert!(long.start_ms + 4_000 < pain.start_ms && pain.end_ms + 3_000 < long.end_ms, "{pain:?}");
    assert_eq!(pain.id, item_id(Category::PainPoint, pain.start_ms, &pain.quote));
    // A transcript without word times (imported captions, older files) keeps the segment's times.
    let mut untimed = transcript.clone();
    untimed.segments[1].words.clear();
    let pain = extract(&untimed, rules()).pain_points.into_iter().find(|p| p.quote.contains("nightmare")).unwrap();
    assert_eq!((pain.start_ms, pain.end_ms), (long.start_ms, long.end_ms));
}

#[test]
fn extraction_serializes_with_flattened_details() {
    let found = run(&[(PROSPECT, "We use Salesforce.")]);
    let json = serde_json::to_value(&found).unwrap();
    assert_eq!(json["systems"][0]["name"], "Salesforce");
    assert_eq!(json["systems"][0]["status"], "current");
    assert_eq!(json["systems"][0]["category"], "system");
    assert_eq!(json["systems"][0]["speaker"], "PROSPECT");
    assert_eq!(json["systems"][0]["rule"], "systems/salesforce");
}

#[test]
fn answers_at_the_end_of_a_reply_and_negated_goals() {
    let found = run(&[(SDR, "Are you subject to SOX?"), (PROSPECT, "We're private, so no.")]);
    assert!(!found.regulations[0].detail.applies, "{:#?}", found.regulations);
    let not_shopping = run(&[(PROSPECT, "We're not really looking to change anything this quarter.")]);
    assert!(not_shopping.timeline.is_empty(), "{:#?}", not_shopping.timeline);
    assert_eq!(not_shopping.objections[0].detail.topic.as_deref(), Some("need"));
}

#[test]
fn sales_talk_from_an_unknown_speaker_is_not_the_prospect() {
    let unknown = Speaker::Unknown;
    let found = run(&[
        (unknown, "A lot of teams tell me manual data entry is painful."),
        (unknown, "Most customers go live in three weeks."),
        (unknown, "Our front desk staff retype every patient request into two systems."),
    ]);
    assert_eq!(found.pain_points.len(), 1, "{:#?}", found.pain_points);
    assert!(found.pain_points[0].quote.starts_with("Our front desk"));
    assert!(found.timeline.is_empty(), "{:#?}", found.timeline);
}

#[test]
fn appositions_make_one_person_and_companies_are_not_people() {
    let found = run(&[
        (SDR, "Hey Priya, this is Alex with Northwind."),
        (PROSPECT, "My boss, Kevin Walsh, the CRO, has the final say."),
        (PROSPECT, "Our renewal with Microsoft is in October."),
    ]);
    let people = names_and_roles(&found);
    assert_eq!(people, [(Some("Kevin Walsh"), Some("CRO"))]);
    assert_eq!(found.stakeholders[0].detail.relation, Relation::DecisionMaker);
}

#[test]
fn empty_and_unusual_text_never_panics() {
    let empty = extract(&call(&[]), rules());
    assert!(empty.systems.is_empty() && empty.prospect.is_none());
    assert_eq!(empty.rules_version, rules().version());
    let odd = [
        "José Álvarez, nuestro CFO, firma — «sí» 😀 ¿vale?",
        "I’m Zoë Ñúñez, CFO of Café Ünited… we use Salesforce’s API… $ 5 k? …",
        "   ",
        "Q one. Q. 1? $-5k - – — to 10k and € 40.000 by März 15.",
        "Ｆｕｌｌｗｉｄｔｈ Ｓａｌｅｓｆｏｒｃｅ ＨＩＰＡＡ",
        "...?!",
        "a",
        "I",
        "$",
        "k",
        "No,",
        "Hi ,",
        "it's",
        "the end of",
        "within",
        "by the",
    ];
    for speaker in [PROSPECT, SDR, Speaker::Unknown] {
        let turns: Vec<(Speaker, &str)> = odd.iter().map(|text| (speaker, *text)).collect();
        let _ = extract(&call(&turns), rules());
    }
}

#[test]
fn misspelled_names_match_fuzzily_with_lower_confidence() {
    let found = run(&[
        (PROSPECT, "Our schedules live in Wordday and the warehouse is Snowflak."),
        (PROSPECT, "We are on HIPPA and we are replacing Zendeskk."),
    ]);
    let workday = system(&found, "Workday");
    assert_eq!(workday.rule, "systems/workday~fuzzy");
    let snowflake = system(&found, "Snowflake");
    assert!(snowflake.rule.ends_with("~fuzzy"), "{snowflake:#?}");
    let exact = run(&[(PROSPECT, "Our schedules live in Workday and the warehouse is Snowflake.")]);
    assert!(!system(&exact, "Workday").rule.ends_with("~fuzzy"));
    assert!(workday.confidence < system(&exact, "Workday").confidence);
    assert!(snowflake.confidence < system(&exact, "Snowflake").confidence);
    let zendesk = system(&found, "Zendesk");
    assert!(zendesk.rule.ends_with("~fuzzy"));
    assert_eq!(zendesk.detail.status, SystemStatus::Leaving);
    // A known misspelling is an alias, not a guess.
    let hipaa = found.regulations.iter().find(|r| r.detail.name == "HIPAA").expect("HIPPA is HIPAA");
    assert!(!hipaa.rule.ends_with("~fuzzy"));

    let team = |text: &str| extract(&call(&[(PROSPECT, text)]), team_rules()).competitors;
    let clari = team("We also talked to Clarri last month.");
    assert_eq!(clari.len(), 1, "{clari:#?}");
    assert_eq!((clari[0].detail.name.as_str(), clari[0].rule.as_str()), ("Clari", "competitors/clari~fuzzy"));
    let clary = team("We also talked to Clary.");
    assert_eq!(clary.iter().map(|c| c.detail.name.as_str()).collect::<Vec<_>>(), ["Clari"]);
}

#[test]
fn ordinary_words_are_not_fuzzy_names() {
    let turns = [
        (PROSPECT, "Work is busy and sales are up, it is clear we need help."),
        (PROSPECT, "Clear notes help. Sales calls run long every word day of the week."),
        (PROSPECT, "Word day after day we retype the same tickets. Black boxes everywhere."),
        (PROSPECT, "Clara from finance signs off. Inform the team, Sales."),
    ];
    let found = run(&turns);
    assert!(found.systems.is_empty(), "{:#?}", found.systems);
    assert!(found.regulations.is_empty(), "{:#?}", found.regulations);
    let team = extract(&call(&turns), team_rules());
    assert!(team.competitors.is_empty(), "{:#?}", team.competitors);
}

#[test]
fn names_that_only_resemble_a_listed_one_are_not_it() {
    let found = run(&[
        (PROSPECT, "Our VP of Customer signs off on it."),
        (PROSPECT, "Expensive, honestly. The schools run Securly for filtering."),
        (PROSPECT, "We file the returns in CCH Axcess and pin the sites on Google Street View."),
        (PROSPECT, "Payroll sits in Wordday HCM."),
    ]);
    let names: Vec<&str> = found.systems.iter().map(|s| s.detail.name.as_str()).collect();
    for never in ["Kustomer", "Expensify", "Recurly", "Axxess", "Google Sheets"] {
        assert!(!names.contains(&never), "{never}: {names:?}");
    }
    // A category after the name does not make it part of a longer one.
    assert_eq!(system(&found, "Workday").rule, "systems/workday~fuzzy");
}

#[test]
fn products_no_pack_lists_are_inferred_from_how_they_are_used() {
    let extraction = run(&[
        (SDR, "Hi Dana, this is Sam from Acme. How do orders get to the warehouse today?"),
        (
            PROSPECT,
            "Honestly, someone rekeys every order into PackTrack by hand, and the labels come out of ShipWizard.",
        ),
        (PROSPECT, "We also had a call with Frobnicor last week, and we're evaluating Zentrix for next year."),
        (PROSPECT, "Our branch in Kearney is closed on Fridays, and Renee Albright signs anything over fifty."),
        (PROSPECT, "That was an epic fail, to be honest."),
    ]);
    let names: Vec<(&str, SystemStatus, &str)> =
        extraction.systems.iter().map(|s| (s.detail.name.as_str(), s.detail.status, s.rule.as_str())).collect();
    for wanted in ["PackTrack", "ShipWizard", "Frobnicor", "Zentrix"] {
        assert!(
            names.iter().any(|(name, _, rule)| *name == wanted && *rule == "systems/inferred"),
            "{wanted}: {names:?}"
        );
    }
    for never in ["Kearney", "Renee Albright", "Renee", "Acme", "Dana", "Sam"] {
        assert!(!names.iter().any(|(name, ..)| name.contains(never)), "{never}: {names:?}");
    }
    assert!(names.iter().any(|(name, status, _)| *name == "Zentrix" && *status == SystemStatus::Evaluating));
    let competitors: Vec<&str> = extraction.competitors.iter().map(|c| c.detail.name.as_str()).collect();
    assert!(competitors.contains(&"Zentrix"), "{competitors:?}");
    assert!(extraction.systems.iter().all(|s| s.detail.name != "Epic" || s.rule != "systems/inferred"));
}

#[test]
fn a_vendor_that_talks_to_the_prospect_is_an_alternative_not_their_system() {
    let extraction = run(&[
        (SDR, "Got it. Anything else on your mind?"),
        (PROSPECT, "Quillory reached out in the spring. Tessaract said AI too, everyone says AI."),
        (PROSPECT, "Marguerite said the same thing, and she runs the desk."),
    ]);
    let systems: Vec<(&str, SystemStatus)> =
        extraction.systems.iter().map(|s| (s.detail.name.as_str(), s.detail.status)).collect();
    for vendor in ["Quillory", "Tessaract"] {
        let alternative = [(vendor, SystemStatus::Mentioned), (vendor, SystemStatus::Evaluating)];
        assert!(alternative.iter().any(|found| systems.contains(found)), "{vendor}: {systems:?}");
    }
    assert!(!systems.iter().any(|(name, _)| *name == "Marguerite"), "a person who said something: {systems:?}");
    let competitors: Vec<&str> = extraction.competitors.iter().map(|c| c.detail.name.as_str()).collect();
    assert_eq!(competitors, ["Quillory", "Tessaract"]);
}

#[test]
fn systems_someone_else_runs_or_they_once_had_are_alternatives() {
    let extraction = run(&[
        (SDR, "What else have you looked at?"),
        (PROSPECT, "A peer at another clinic moved to Freshdesk and likes it."),
        (PROSPECT, "We had Zendesk for about six months, years ago."),
        (PROSPECT, "Kustomer said they could do it. Schedules live in Workday."),
    ]);
    let status = |name: &str| system(&extraction, name).detail.status;
    for alternative in ["Freshdesk", "Zendesk", "Kustomer"] {
        assert_eq!(status(alternative), SystemStatus::Mentioned, "{alternative}");
    }
    assert_eq!(status("Workday"), SystemStatus::Current);
    let competitors: Vec<&str> = extraction.competitors.iter().map(|c| c.detail.name.as_str()).collect();
    for alternative in ["Freshdesk", "Zendesk", "Kustomer"] {
        assert!(competitors.contains(&alternative), "{alternative}: {competitors:?}");
    }
}

#[test]
fn systems_of_a_former_job_or_of_a_franchisee_are_alternatives() {
    let extraction = run(&[
        (PROSPECT, "My old library used Communico, and I liked it."),
        (PROSPECT, "Our franchisee in the Midwest uses GotPhoto."),
        (PROSPECT, "Registrations come in through Eventbrite."),
    ]);
    let status = |name: &str| system(&extraction, name).detail.status;
    assert_eq!(status("Communico"), SystemStatus::Mentioned);
    assert_eq!(status("GotPhoto"), SystemStatus::Mentioned);
    assert_eq!(status("Eventbrite"), SystemStatus::Current);
    let competitors: Vec<&str> = extraction.competitors.iter().map(|c| c.detail.name.as_str()).collect();
    for alternative in ["Communico", "GotPhoto"] {
        assert!(competitors.contains(&alternative), "{alternative}: {competitors:?}");
    }
}

#[test]
fn vendors_that_came_to_them_or_fill_the_other_places_of_a_shortlist_are_competitors() {
    let extraction = run(&[
        (PROSPECT, "We were pitched by CareLine Triage last year and it went nowhere."),
        (PROSPECT, "AMCS is also in front of us, they're pitching the full suite."),
        (SDR, "Who are the other two, if you don't mind my asking?"),
        (PROSPECT, "Brightlane and Quorvex. You're the third."),
        (PROSPECT, "Schedules live in Workday."),
    ]);
    let status = |name: &str| system(&extraction, name).detail.status;
    assert_eq!(status("CareLine Triage"), SystemStatus::Mentioned);
    for evaluated in ["AMCS", "Brightlane", "Quorvex"] {
        assert_eq!(status(evaluated), SystemStatus::Evaluating, "{evaluated}");
    }
    let competitors: Vec<&str> = extraction.competitors.iter().map(|c| c.detail.name.as_str()).collect();
    assert_eq!(competitors, ["CareLine Triage", "AMCS", "Brightlane", "Quorvex"]);
}

#[test]
fn products_named_in_answer_to_what_else_they_looked_at_are_alternatives() {
    let extraction = run(&[
        (SDR, "Makes sense. Are you looking at anybody else?"),
        (PROSPECT, "Oh, we have. MaintainX. Free version, phones only, the front desk hated it."),
        (SDR, "And what do you use for work orders today?"),
        (PROSPECT, "Fiix. Since 2019."),
        (SDR, "And Yardi as well?"),
        (PROSPECT, "Yes, for everything."),
    ]);
    assert_eq!(system(&extraction, "Yardi").detail.status, SystemStatus::Current, "confirmed by the prospect");
    assert_ne!(system(&extraction, "MaintainX").detail.status, SystemStatus::Current);
    assert_eq!(system(&extraction, "Fiix").detail.status, SystemStatus::Current);
    let competitors: Vec<&str> = extraction.competitors.iter().map(|c| c.detail.name.as_str()).collect();
    assert_eq!(competitors, ["MaintainX"]);
}

#[test]
fn attempts_by_hiring_in_the_passive_and_by_switching_off_again() {
    let tried = [
        "We hired six seasonal temps to add a second check.",
        "We brought on a per-diem LPN as a coordinator.",
        "SailPoint was evaluated about eighteen months ago.",
        "We had a crack at SafetyCulture a while back.",
        "We turned on the online booking module in 2022 and turned it off a month later.",
        "Our controller wrote a nightly SQL job to reconcile the two.",
    ];
    let found = run_each_answered(&tried, &["I only started here three weeks ago."]);
    let quotes: Vec<&str> = found.previous_attempts.iter().map(|attempt| attempt.quote.as_str()).collect();
    assert_eq!(quotes, tried);
}

#[test]
fn a_product_named_in_reply_to_what_they_tried_is_an_attempt() {
    let tried = run(&[
        (SDR, "Have you tried a CMMS before?"),
        (PROSPECT, "MaintainX. Free version, phones only."),
        (PROSPECT, "The front desk hated it."),
    ]);
    let attempts: Vec<Option<&str>> = tried.previous_attempts.iter().map(|a| a.detail.tried.as_deref()).collect();
    assert_eq!(attempts, [Some("MaintainX")]);
    let looked = run(&[(SDR, "Are you looking at anyone else?"), (PROSPECT, "MaintainX sent a quote.")]);
    assert!(looked.previous_attempts.is_empty(), "a quote is no attempt: {:#?}", looked.previous_attempts);
}

#[test]
fn a_misspelled_product_after_a_dash_is_read_without_a_panic() {
    let found = run(&[(PROSPECT, "The CRM is ancient \u{2014} Salesforse, from 2015, and nobody likes it.")]);
    assert!(found.systems.iter().any(|s| s.detail.name == "Salesforce"), "{:#?}", found.systems);
}

#[test]
fn places_numbers_and_abbreviations_are_not_products() {
    let extraction = run(&[
        (PROSPECT, "A friend who runs a clinic in Dayton uses Vetrolla, she likes it."),
        (PROSPECT, "They quoted us Three-something a month, and nobody answers after 8 p.m. anyway."),
        (PROSPECT, "Tony runs our Ontario building, and most volume goes through the Boston office."),
        (PROSPECT, "Nine sites now, across Chattanooga and up into north Georgia."),
        (PROSPECT, "We're a BPO, and every shipment goes out with a current SDS."),
    ]);
    let names: Vec<&str> = extraction.systems.iter().map(|s| s.detail.name.as_str()).collect();
    assert!(names.contains(&"Vetrolla"), "{names:?}");
    for never in ["Dayton", "Three", "p.m", "Ontario", "Boston", "Georgia", "BPO", "SDS"] {
        assert!(!names.iter().any(|name| name.contains(never)), "{never}: {names:?}");
    }
}

#[test]
fn what_a_product_is_for_makes_an_unknown_name_a_product() {
    let extraction = run(&[
        (PROSPECT, "The LIS is Labvantix, and Dispatchly for the scheduling."),
        (PROSPECT, "Orvalent, which is our OMS, talks to nothing."),
        (PROSPECT, "The weather is Kearney-grade today, and Renee for the win."),
    ]);
    let names: Vec<&str> = extraction.systems.iter().map(|s| s.detail.name.as_str()).collect();
    for wanted in ["Labvantix", "Dispatchly", "Orvalent"] {
        assert!(names.contains(&wanted), "{wanted}: {names:?}");
    }
    assert!(!names.iter().any(|name| name.contains("Kearney") || name.contains("Renee")), "{names:?}");
}

#[test]
fn a_regulation_the_sdr_asks_about_and_the_prospect_takes_up_applies() {
    let found = run(&[
        (SDR, "And OSHA, anything there?"),
        (PROSPECT, "Lockout tagout. Got cited once, back in 2019."),
        (SDR, "Anything around HIPAA?"),
        (PROSPECT, "Not ours. We never see patient data."),
        (SDR, "What about GDPR?"),
        (PROSPECT, "I don't know, honestly."),
    ]);
    let applies: Vec<(&str, bool)> =
        found.regulations.iter().map(|r| (r.detail.name.as_str(), r.detail.applies)).collect();
    assert!(applies.contains(&("OSHA", true)), "{applies:?}");
    assert!(applies.contains(&("HIPAA", false)), "{applies:?}");
    assert!(!applies.iter().any(|(name, _)| *name == "GDPR"), "{applies:?}");
}

#[test]
fn regulations_no_pack_lists_are_inferred_from_the_shape_of_their_names() {
    let extraction = run(&[
        (SDR, "Any compliance requirements I should know about?"),
        (PROSPECT, "The Fair Work Act, obviously, and our examiners dinged us on ECOA last year."),
        (PROSPECT, "We also need CPS 234 sorted, and the Cyber Essentials Plus accreditation renews in May."),
        (PROSPECT, "If we ever expanded into Europe, the Widget Labelling Act might apply, but not yet."),
        (PROSPECT, "Our IT team uses Slack for everything."),
    ]);
    let regulations: Vec<(&str, bool)> =
        extraction.regulations.iter().map(|r| (r.detail.name.as_str(), r.detail.applies)).collect();
    for wanted in ["Fair Work Act", "ECOA", "CPS 234", "Cyber Essentials Plus"] {
        assert!(regulations.contains(&(wanted, true)), "{wanted}: {regulations:?}");
    }
    assert!(regulations.contains(&("Widget Labelling Act", false)), "{regulations:?}");
    assert!(!regulations.iter().any(|(name, _)| ["IT", "CPS", "The Fair Work Act"].contains(name)), "{regulations:?}");
}

#[test]
fn a_code_or_a_standard_bodys_numbering_is_a_regulation_without_compliance_talk() {
    let names = |text: &str| -> Vec<String> {
        run(&[(PROSPECT, text)]).regulations.into_iter().map(|r| r.detail.name).collect()
    };
    assert_eq!(names("Panels have to meet ASTM E860 and ASTM E1188."), ["ASTM E860", "ASTM E1188"]);
    assert_eq!(names("We're licensed under Florida Statutes Chapter 648."), ["Chapter 648"]);
    assert_eq!(names("Rule 1.10 imputes their conflicts to every one of us."), ["Rule 1.10"]);
    assert_eq!(names("Title VI. Civil rights review every few years."), ["Title VI"]);
    assert_eq!(names("We're in Pennsylvania, so under Act 153 every volunteer needs three clearances."), ["Act 153"]);
    assert_eq!(names("Our e-signature workflow was built around AC 120-78A."), ["AC 120-78A"]);
    assert_eq!(names("It's hazmat, so 49 CFR applies to every load."), ["49 CFR"]);
    assert_eq!(names("Audit trails are 21 CFR Part 11 territory."), ["21 CFR Part 11"]);
    assert!(names("We run about 48 trucks out of two yards.").is_empty());
    assert!(names("Federal grants, Title I, the special ed money.").is_empty());
}

#[test]
fn a_pain_after_two_joined_parts_is_cut_without_panicking() {
    // The second ", and" used to be measured from the moved start of the part: out of bounds.
    let extraction =
        run(&[(PROSPECT, "I've got two younger estimators, sharp kids, and they, uh, they hate AutoBid.")]);
    assert_eq!(extraction.pain_points.len(), 1);
    assert!(extraction.pain_points[0].quote.contains("they hate AutoBid"), "{:?}", extraction.pain_points);
}

#[test]
fn a_terse_reply_to_which_product_names_one() {
    let extraction = run(&[
        (SDR, "What are you using today for intake?"),
        (PROSPECT, "Clientora. For now."),
        (SDR, "Have you looked at anything else?"),
        (PROSPECT, "Demoed Litigo. Too expensive."),
        (PROSPECT, "Lawmatix, maybe."),
        (SDR, "How was the weekend?"),
        (PROSPECT, "Quiet. Ruby came over."),
    ]);
    let names: Vec<(&str, SystemStatus)> =
        extraction.systems.iter().map(|s| (s.detail.name.as_str(), s.detail.status)).collect();
    assert!(names.contains(&("Clientora", SystemStatus::Current)), "{names:?}");
    assert!(names.contains(&("Litigo", SystemStatus::Evaluating)), "{names:?}");
    assert!(!names.iter().any(|(name, _)| *name == "Ruby" || *name == "Quiet"), "{names:?}");
}

#[test]
fn timeline_events_named_after_before_and_with_their_dates() {
    let found =
        run(&[(PROSPECT, "We'd like it running before the spring rush, because that's when our phones explode.")]);
    assert_eq!(found.timeline.len(), 1, "{:#?}", found.timeline);
    assert_eq!(found.timeline[0].detail.phrase, "running before the spring rush");
    assert!(found.timeline[0].detail.reason.as_deref().is_some_and(|r| r.contains("phones explode")));

    let renewal = run(&[(PROSPECT, "Our Acme contract renews in September.")]);
    assert_eq!(renewal.timeline[0].detail.phrase, "Our Acme contract renews in September");

    let copula = run(&[(PROSPECT, "The regional trade expo is in November and we show the new line there.")]);
    assert!(copula.timeline[0].detail.phrase.contains("expo is in November"), "{:#?}", copula.timeline);

    let raise = run(&[(PROSPECT, "He won't want to sign anything before the funding round closes.")]);
    assert_eq!(raise.timeline[0].detail.phrase, "before the funding round closes");
}

#[test]
fn timeline_holidays_halves_weeks_of_and_once_an_event_ends() {
    let phrases = |text: &str| -> Vec<String> {
        run(&[(PROSPECT, text)]).timeline.into_iter().map(|item| item.detail.phrase).collect()
    };
    assert!(phrases("We'd want it live before Thanksgiving.").iter().any(|p| p.contains("Thanksgiving")));
    assert!(phrases("Once the HMRC audit wraps, we need to decide.").iter().any(|p| p.contains("HMRC audit")));
    assert!(phrases("We need it running by next September.").iter().any(|p| p.contains("next September")));
    assert!(phrases("The recertification audit is in the second half of May.")
        .iter()
        .any(|p| p.contains("half of May")));
}

#[test]
fn timeline_until_after_an_event_and_by_a_named_event() {
    let phrases = |text: &str| -> Vec<String> {
        run(&[(PROSPECT, text)]).timeline.into_iter().map(|item| item.detail.phrase).collect()
    };
    let gala = phrases("And I can't think about any of it until after the gala in November.");
    assert!(gala.iter().any(|p| p.contains("until after the gala in November")), "{gala:?}");
    let grange = phrases("It'd have to be running by the Grange meeting in February.");
    assert!(grange.iter().any(|p| p.contains("by the Grange meeting in February")), "{grange:?}");
    assert!(phrases("We sell it by the truckload.").is_empty());
    let wedding = phrases("My son is coming back into the business after his wedding in June.");
    assert_eq!(wedding, ["after his wedding in June"]);
    let bottling = phrases("I can look at it after bottling in May, not before.");
    assert!(bottling.iter().any(|p| p == "after bottling in May"), "{bottling:?}");
}

#[test]
fn timeline_blackouts_business_seasons_and_weekdays() {
    let phrases = |text: &str| -> Vec<String> {
        run(&[(PROSPECT, text)]).timeline.into_iter().map(|item| item.detail.phrase).collect()
    };
    // A window the prospect rules out is a timeline; "not this year" says no date.
    let blackout = phrases("So if it's not working before Thanksgiving, forget it.");
    assert!(blackout.iter().any(|p| p.ends_with("before Thanksgiving")), "{blackout:?}");
    assert!(phrases("We are not looking to change anything this year.").is_empty());
    let harvest = phrases("Nothing happens till after harvest, that's just how it is around here.");
    assert!(harvest.iter().any(|p| p.contains("till after harvest")), "{harvest:?}");
    let peak = phrases("Nope. Not till after peak.");
    assert!(peak.iter().any(|p| p.contains("till after peak")), "{peak:?}");
    let friday = phrases("Send the validation package by Friday.");
    assert!(friday.iter().any(|p| p.ends_with("by Friday")), "{friday:?}");
}

#[test]
fn timeline_skips_the_past_rates_modal_may_small_talk_and_empty_befores() {
    for text in [
        "We switched vendors in March and it was a mess.",
        "In April, we failed to file two of the notices.",
        "Before then we did everything by hand.",
        "I want to look at it before we talk pricing.",
        "Anything over twenty thousand dollars in a year needs the board.",
        "Finance may well push back on it.",
        "It's ninety degrees and it's June.",
        "Every year they give me hope, every year in September they break my heart.",
        "By January I stopped adjusting.",
    ] {
        let found = run(&[(PROSPECT, text)]);
        assert!(found.timeline.is_empty(), "{text}: {:#?}", found.timeline);
    }
}

#[test]
fn timeline_short_answers_and_fillers_after_by() {
    let found = run(&[(SDR, "When would you want to go live?"), (PROSPECT, "October, probably.")]);
    assert_eq!(found.timeline[0].detail.phrase, "October, probably");
    let filler = run(&[(PROSPECT, "We'd have to sign by, um, the end of June.")]);
    assert!(filler.timeline[0].detail.phrase.ends_with("the end of June"), "{:#?}", filler.timeline);
    let decision = run(&[(PROSPECT, "So a decision by May.")]);
    assert_eq!(decision.timeline[0].detail.phrase, "a decision by May");
    let promised = run(&[(PROSPECT, "We committed to have it live by March.")]);
    assert!(promised.timeline[0].detail.phrase.ends_with("by March"), "{:#?}", promised.timeline);
}

#[test]
fn budget_owner_told_as_a_deed_or_a_job() {
    let owner = |text: &str| -> Option<String> { run(&[(PROSPECT, text)]).budget[0].detail.owner.clone() };
    assert_eq!(
        owner("We have forty thousand dollars set aside, and Dale Hargrove signed it.").as_deref(),
        Some("Dale Hargrove")
    );
    let coo = owner("The budget is about $300K a year and our COO owns the WFM budget.");
    assert!(coo.as_deref().is_some_and(|o| o.contains("COO")), "{coo:?}");
}

#[test]
fn an_amount_answers_the_sdrs_budget_question_after_a_question_back_or_a_cut_off_one() {
    let amounts = |turns: &[(Speaker, &str)]| -> Vec<Option<f64>> {
        run(turns).budget.into_iter().map(|b| b.detail.amount_usd).collect()
    };
    let asked_back = [
        (SDR, "What's a realistic budget, honestly?"),
        (PROSPECT, "Honestly? Seven hundred a month, I can do without thinking."),
    ];
    assert_eq!(amounts(&asked_back), [Some(700.0)]);
    let cut_off =
        [(SDR, "And budget, do you have a, um\u{2014}"), (PROSPECT, "Four hundred and fifty dollars a month.")];
    assert_eq!(amounts(&cut_off), [Some(450.0)]);
    // A number told about the work is no budget.
    let work = [(SDR, "How big is the team?"), (PROSPECT, "Honestly? Seven hundred a month come through the door.")];
    assert!(amounts(&work).is_empty());
}

#[test]
fn budget_limits_bodies_and_bare_round_numbers() {
    let found =
        run(&[(PROSPECT, "Anything above eighty thousand has to go to the Investment Committee for sign-off.")]);
    let limit = &found.budget[0].detail;
    assert_eq!(limit.amount_usd, Some(80_000.0));
    assert_eq!(limit.owner.as_deref(), Some("Investment Committee"));

    let bare = run(&[
        (PROSPECT, "We pay about twenty thousand a year for the current tool."),
        (PROSPECT, "Anything above thirty would be a board conversation."),
    ]);
    let amounts: Vec<_> = bare.budget.iter().map(|b| b.detail.amount_usd).collect();
    assert_eq!(amounts, [Some(20_000.0), Some(30_000.0)], "{:#?}", bare.budget);

    let monthly = run(&[(SDR, "What would you want to spend?"), (PROSPECT, "Maybe three hundred a month, tops.")]);
    let monthly = &monthly.budget[0].detail;
    assert_eq!((monthly.amount_usd, monthly.cycle.as_deref()), (Some(300.0), Some("monthly")));

    let two = run(&[(
        PROSPECT,
        "Anything over forty thousand dollars needs an RFP, and any contract above ninety thousand must go to the council.",
    )]);
    assert_eq!(two.budget.len(), 2, "{:#?}", two.budget);
    assert_eq!(two.budget[1].detail.owner.as_deref(), Some("council"));

    // A price per unit is in dollars, however small: "two bucks per clinician", "forty per user".
    for (said, amount) in [("Two bucks per clinician a month, max.", 2.0), ("Around forty per user a month.", 40.0)] {
        let per_unit = run(&[(SDR, "What kind of budget are you working with?"), (PROSPECT, said)]);
        assert_eq!(per_unit.budget.first().and_then(|b| b.detail.amount_usd), Some(amount), "{said}");
    }
}

#[test]
fn budget_owner_said_before_with_a_pronoun() {
    let found = run(&[
        (SDR, "Who decides on the budget?"),
        (PROSPECT, "Priya runs finance for us."),
        (PROSPECT, "She's said somewhere between twenty and thirty thousand a year."),
    ]);
    let budget = &found.budget[0].detail;
    assert_eq!((budget.amount_usd, budget.amount_usd_max), (Some(20_000.0), Some(30_000.0)));
    assert_eq!(budget.owner.as_deref(), Some("Priya"));
}

#[test]
fn pains_are_weighed_not_just_matched() {
    let found = run(&[
        (SDR, "How does month end go for you?"),
        (PROSPECT, "I've got about twenty minutes, by the way."),
        (PROSPECT, "Honestly it's not ideal. Nobody can tell me where an invoice is, so I chase approvals every week."),
        (PROSPECT, "The traffic this morning was brutal."),
        (PROSPECT, "Onboarding is not a problem for us."),
    ]);
    let quotes: Vec<&str> = found.pain_points.iter().map(|p| p.quote.as_str()).collect();
    assert_eq!(quotes, ["Nobody can tell me where an invoice is, so I chase approvals every week."], "{found:#?}");
    assert!(found.pain_points[0].rule.starts_with("pains/scored:"), "no cue names it: {}", found.pain_points[0].rule);
}

#[test]
fn pushing_back_on_buying_is_an_objection_not_also_a_pain() {
    let found = run(&[
        (PROSPECT, "We lose two days every month to manual reconciliation."),
        (PROSPECT, "I've been through one conversion and I swore I'd never do another one."),
    ]);
    let pains: Vec<&str> = found.pain_points.iter().map(|p| p.quote.as_str()).collect();
    let objections: Vec<&str> = found.objections.iter().map(|o| o.quote.as_str()).collect();
    assert_eq!(pains, ["We lose two days every month to manual reconciliation."]);
    assert_eq!(objections, ["I've been through one conversion and I swore I'd never do another one."]);
}

#[test]
fn a_person_on_their_side_who_will_resist_is_an_objection() {
    let found = run(&[
        (PROSPECT, "Pete hates cloud. Anything hosted, he'll fight it."),
        (SDR, "Understood, we also run on-premises."),
        (PROSPECT, "And the partners will never go for per-seat pricing."),
        (PROSPECT, "The techs hate the old scheduling screen."),
    ]);
    let objections: Vec<&str> = found.objections.iter().map(|o| o.quote.as_str()).collect();
    assert_eq!(
        objections,
        ["Pete hates cloud. Anything hosted, he'll fight it.", "And the partners will never go for per-seat pricing."]
    );
}

#[test]
fn a_decider_who_will_ask_for_proof_and_users_who_will_not_use_it_are_objections() {
    let found = run(&[
        (PROSPECT, "Phil will ask what it does to the CSI score."),
        (SDR, "We can show that."),
        (PROSPECT, "Honestly, the old guys on B dock are not using an app."),
        (SDR, "Got it."),
        (PROSPECT, "He'll want an ROI thing."),
        (SDR, "Sure."),
        (PROSPECT, "Our drivers use the app every day."),
    ]);
    let objections: Vec<&str> = found.objections.iter().map(|o| o.quote.as_str()).collect();
    assert_eq!(
        objections,
        [
            "Phil will ask what it does to the CSI score.",
            "Honestly, the old guys on B dock are not using an app.",
            "He'll want an ROI thing."
        ]
    );
}

#[test]
fn requirements_refusals_and_weariness_in_general_forms_are_objections() {
    let pushback = [
        "Anything we buy has to work with ECC now and S/4 later.",
        "I am not going through that again.",
        "We are not able to accept a product demonstration outside of a competitive process.",
        "My press crews aren't going to tap on an iPad with ink on their hands.",
        "If it takes more than a couple minutes they'll go right back to the carbon paper.",
        "I've sat through eleven of these demos in five years.",
        "If you can't beat 85%, I'm not bringing it to anyone.",
    ];
    assert_each_is_an_objection(&pushback, &["Our crews use the tablets every day and they like them."]);
}

#[test]
fn refusals_lock_in_conditions_and_users_said_as_they_are_objections() {
    let pushback = [
        "I'm not signing a two-year agreement with anyone.",
        "We will not introduce anything new during open enrollment.",
        "The cutover can't happen before the audit.",
        "We re-upped with Paycor in the spring.",
        "Our drivers, they won't download another app.",
        "Any new vendor will need a signed BAA before we talk further.",
        "Carla would need to sign off on anything over ten thousand.",
        "If it doesn't post to the GL I'm not interested.",
        "I can't have my techs learning a new app during peak.",
        "Honestly, the automated feed is what makes me nervous.",
        "I have no appetite for another migration.",
        "I don't want them to feel like this is being done to them.",
        "It must work when the internet is down.",
        "Has to work with no bars.",
        "My artists are gonna riot if I take their DMs away.",
        "I'm afraid I couldn't commit to anything without the committee's blessing.",
        "Three vendors have sat in my office and told me they understand billing.",
        "What happens to my files if you go under?",
    ];
    assert_each_is_an_objection(
        &pushback,
        &["We signed up two new clinics this year.", "They won't let us export our own data."],
    );
}

#[test]
fn conditions_doubts_and_what_they_will_not_put_people_through_are_objections() {
    let pushback = [
        "I'm not putting them through a website they've got to remember a password to.",
        "My members are not getting a text from some brand they've never heard of.",
        "If the family side only works in English, I'll keep my sheet.",
        "If it can't produce a match file Coupa can ingest, I can't support it.",
        "I'm not changing the invoicing system while we're in negotiations.",
        "Nothing changes mid-season.",
        "I'd not want to be the one changing it in the middle of the summer.",
        "If my payroll lady has to retype four hundred people, she will quit.",
        "Is that an actual integration that exists today, or is it a slide?",
        "So you'll understand I'm slow to take a machine's word for anything.",
        "Is it, I'm sorry, is it very expensive?",
        "Our last conversion took fourteen months against a plan of five.",
        "I need a reference from a plant our size.",
    ];
    assert_each_is_an_objection(
        &pushback,
        &[
            "If I'm doing paper waivers for camp again I'll quit.",
            "Anything over fifty grand goes to the board.",
            "Stan said if I can show it pays for itself in a year he'll find the money.",
        ],
    );
}

#[test]
fn pushback_without_the_usual_words_is_an_objection() {
    let found = run(&[
        (PROSPECT, "Honestly, I've heard that pitch before."),
        (SDR, "Fair enough."),
        (PROSPECT, "And our contract runs through next June."),
        (SDR, "Understood."),
        (PROSPECT, "We can't switch anything during tax season."),
        (SDR, "Makes sense."),
        (PROSPECT, "If it's priced per user, forget it."),
    ]);
    assert_eq!(found.objections.len(), 4, "{:#?}", found.objections);
}

#[test]
fn a_vendor_is_known_by_what_it_did_even_when_its_name_is_an_english_word() {
    let found = run(&[
        (PROSPECT, "Assembled reached out and I've done one call."),
        (PROSPECT, "And ELMO rang me a couple of times."),
        (PROSPECT, "We've had two calls with OroCommerce."),
        (PROSPECT, "Somebody told me about Mosaic, but I did not look yet."),
        (PROSPECT, "Corporate says we should be at twenty-nine."),
        (PROSPECT, "Lawyer said that gets into gambling rules."),
        (PROSPECT, "Rain came through this morning so I'm in the shop anyhow."),
        (PROSPECT, "Line's already backed up onto Route 9 on a Wednesday."),
        (PROSPECT, "We had Rev D approved, and the CNC cut from Rev C."),
        (PROSPECT, "Some are in a binder, some are on the S drive."),
    ]);
    let names: Vec<(&str, SystemStatus)> =
        found.systems.iter().map(|s| (s.detail.name.as_str(), s.detail.status)).collect();
    assert_eq!(
        names,
        [
            ("Assembled", SystemStatus::Mentioned),
            ("ELMO", SystemStatus::Mentioned),
            ("OroCommerce", SystemStatus::Evaluating),
            ("Mosaic", SystemStatus::Mentioned)
        ],
        "{found:#?}"
    );
}

#[test]
fn first_names_and_places_are_no_products_unless_a_lead_says_so() {
    let found = run(&[
        (PROSPECT, "My friend Jeanette runs a place over in Fairview, she uses something called Zira."),
        (PROSPECT, "We had a consultant come over from Dallas."),
        (PROSPECT, "Our designers use Aurora for the layouts."),
    ]);
    let names: Vec<&str> = found.systems.iter().map(|s| s.detail.name.as_str()).collect();
    assert_eq!(names, ["Zira", "Aurora"], "{found:#?}");
}

#[test]
fn a_team_the_prospect_calls_the_reps_is_a_stakeholder() {
    let extraction = run(&[
        (SDR, "How do quotes get out today?"),
        (PROSPECT, "The reps attach the PDF to the opportunity, and the clerks key it again."),
        (SDR, "Our engineers would set that up."),
    ]);
    let roles: Vec<&str> = extraction.stakeholders.iter().filter_map(|s| s.detail.role.as_deref()).collect();
    assert!(roles.contains(&"reps") && roles.contains(&"clerks"), "{roles:?}");
    assert!(!roles.contains(&"engineers"), "the seller's engineers are not the prospect's: {roles:?}");
}

#[test]
fn a_role_said_with_a_word_of_its_own_is_shown_whole() {
    let extraction = run(&[
        (SDR, "Who signs off on something like this?"),
        (PROSPECT, "Anything over ten thousand a year needs the elder board, and our pharmacy techs have to like it."),
        (PROSPECT, "Kevin built a web page, we call it the Gate Board."),
        (PROSPECT, "We've got six entry clerks keying it all in."),
    ]);
    let roles: Vec<&str> = extraction.stakeholders.iter().filter_map(|s| s.detail.role.as_deref()).collect();
    for role in ["elder board", "pharmacy techs", "entry clerks"] {
        assert!(roles.contains(&role), "{role}: {roles:?}");
    }
    assert!(!roles.iter().any(|role| role.contains("Gate")), "a name, not a role: {roles:?}");
}

#[test]
fn a_proposal_the_prospect_turns_down_is_no_next_step() {
    let extraction = run(&[
        (SDR, "Could we book a demo next Tuesday with your team?"),
        (PROSPECT, "Not yet. Send me something in writing first."),
    ]);
    let actions: Vec<&str> = extraction.next_steps.iter().map(|s| s.detail.action.as_str()).collect();
    assert!(!actions.contains(&"demo"), "{actions:?}");
    assert!(actions.contains(&"send_material"), "{actions:?}");
}

#[test]
fn a_step_told_as_history_is_no_next_step_and_a_yes_picks_the_proposal() {
    let extraction = run(&[
        (PROSPECT, "I'll be honest, I took the meeting because Nadia asked me to."),
        (PROSPECT, "We saw a demo from Element451 in the spring."),
        (PROSPECT, "If she says it adds clicks, I will believe her over any demonstration."),
        (SDR, "What if we did a demo with you and Ines?"),
        (PROSPECT, "Yes."),
    ]);
    let quotes: Vec<&str> = extraction.next_steps.iter().map(|s| s.quote.as_str()).collect();
    assert_eq!(quotes, ["What if we did a demo with you and Ines?"], "{:#?}", extraction.next_steps);
}

#[test]
fn an_attempt_told_in_fragments_is_quoted_whole() {
    let extraction = run(&[
        (SDR, "Have you tried anything for work orders?"),
        (PROSPECT, "Salesforce. Two years ago. Guy who set it up left. Back to paper."),
        (SDR, "Anything else?"),
        (PROSPECT, "Paid a consultant. Custom alerts. Broke on upgrade."),
        (SDR, "When did you join?"),
        (PROSPECT, "2019. That's when I started here."),
    ]);
    let quotes: Vec<&str> = extraction.previous_attempts.iter().map(|a| a.quote.as_str()).collect();
    assert!(quotes.contains(&"Salesforce. Two years ago. Guy who set it up left. Back to paper."), "{quotes:?}");
    assert!(quotes.contains(&"Paid a consultant. Custom alerts. Broke on upgrade."), "{quotes:?}");
    assert!(!quotes.iter().any(|q| q.contains("2019")), "a year alone is no attempt: {quotes:?}");
}

#[test]
fn an_assumption_the_prospect_confirms_counts_like_an_answered_question() {
    let confirmed = run(&[
        (SDR, "And compliance, I assume HIPAA is front and center."),
        (PROSPECT, "Of course. Any vendor signs a BAA first."),
    ]);
    let applies: Vec<(&str, bool)> =
        confirmed.regulations.iter().map(|r| (r.detail.name.as_str(), r.detail.applies)).collect();
    assert!(applies.contains(&("HIPAA", true)), "{applies:?}");
    let unconfirmed =
        run(&[(SDR, "And compliance, HIPAA is front and center for most clinics."), (PROSPECT, "Of course.")]);
    assert!(unconfirmed.regulations.iter().all(|r| r.detail.name != "HIPAA"), "{:?}", unconfirmed.regulations);
}

#[test]
fn people_the_transcript_names_as_speakers_are_not_stakeholders() {
    let turns = [
        (SDR, "Janelle, I know you set this up, and Owen, good to meet you."),
        (PROSPECT, "Owen's from finance. Our VP, Carla Mendes, signs off on anything like this."),
    ];
    let stakeholders = |speakers: &[String]| -> Vec<String> {
        let found = extract_with_speakers(&call(&turns), rules(), speakers);
        found.stakeholders.iter().filter_map(|s| s.detail.name.clone()).collect()
    };
    assert!(stakeholders(&[]).contains(&"Owen".to_string()), "{:?}", stakeholders(&[]));
    let speakers = ["Emeka Hartwell".to_string(), "Janelle Fortier".to_string(), "Owen Petrakis".to_string()];
    assert_eq!(stakeholders(&speakers), ["Carla Mendes"]);
}

#[test]
fn a_department_after_of_or_a_site_after_at_is_no_person() {
    let found = run(&[
        (PROSPECT, "The VP of Inflight owns the decision."),
        (PROSPECT, "On my side, the plant manager at North will want to see the driver workflow."),
        (PROSPECT, "I asked a friend of Jim's, and Dana at Brightside swears by it."),
    ]);
    let people = names_and_roles(&found);
    assert!(people.contains(&(None, Some("VP of Inflight"))), "{people:?}");
    assert!(people.iter().all(|(name, _)| !matches!(name, Some("Inflight" | "North" | "Brightside"))), "{people:?}");
    assert!(people.iter().any(|(name, _)| *name == Some("Dana")), "{people:?}");
}

#[test]
fn a_listed_name_that_is_an_ordinary_word_counts_where_the_call_shows_it_is_the_product() {
    let systems = |turns: &[(Speaker, &str)]| -> Vec<(String, SystemStatus)> {
        run(turns).systems.iter().map(|s| (s.detail.name.clone(), s.detail.status)).collect()
    };
    // Beside another listed product, a vendor's doing, or answering which tool: and the call
    // speaks of what the product does (shifts, payments) somewhere.
    let found = systems(&[
        (PROSPECT, "Our freelancers invoice us, and we pay them by international transfer."),
        (PROSPECT, "QuickBooks with Wise, they do not talk."),
        (PROSPECT, "Deputy did a demo for us a couple years back."),
        (PROSPECT, "Scheduling the shifts is the mess."),
    ]);
    assert!(found.contains(&("Wise".to_string(), SystemStatus::Current)), "{found:?}");
    assert!(found.iter().any(|(name, _)| name == "Deputy"), "{found:?}");
    // Without the product's own words anywhere in the call, the word stays a word.
    let found = systems(&[(PROSPECT, "QuickBooks with Wise, they do not talk.")]);
    assert!(found.iter().all(|(name, _)| name != "Wise"), "{found:?}");
}

#[test]
fn how_long_an_attempt_lasted_is_quoted_with_it() {
    let found = run(&[(PROSPECT, "We also tried Monday.com for booking, last winter. Lasted maybe five weeks.")]);
    let quotes: Vec<&str> = found.previous_attempts.iter().map(|a| a.quote.as_str()).collect();
    assert_eq!(quotes, ["We also tried Monday.com for booking, last winter. Lasted maybe five weeks."]);
}

#[test]
fn what_they_would_pay_or_could_find_is_a_budget() {
    for (turns, amount) in [
        (vec![(SDR, "What were you thinking you'd spend?"), (PROSPECT, "Couple hundred a month. Tops.")], 200.0),
        (
            vec![
                (SDR, "Starts at two seventy-five a month."),
                (PROSPECT, "I'd go three hundred a month. Not a dime over."),
            ],
            300.0,
        ),
        (vec![(PROSPECT, "Until then I have what's left in this year's line, about nine thousand dollars.")], 9_000.0),
        (vec![(PROSPECT, "She told me she could find around fifteen thousand for the first year.")], 15_000.0),
    ] {
        let found = run(&turns);
        let amounts: Vec<Option<f64>> = found.budget.iter().map(|b| b.detail.amount_usd).collect();
        assert_eq!(amounts, [Some(amount)], "{turns:?}");
    }
}

#[test]
fn pains_told_in_consecutive_sentences_are_one_story() {
    let found = run(&[
        (SDR, "What happened?"),
        (PROSPECT, "We missed a pickup at a dentist across town last month. Nobody had it on their list. Twice."),
        (SDR, "Ouch."),
        (PROSPECT, "Honestly the weather's been lovely."),
    ]);
    let quotes: Vec<&str> = found.pain_points.iter().map(|p| p.quote.as_str()).collect();
    assert_eq!(
        quotes,
        ["We missed a pickup at a dentist across town last month. Nobody had it on their list. Twice."],
        "{:#?}",
        found.pain_points
    );
    // A short pushback after a pain is the objection, not the end of the story.
    let found = run(&[(PROSPECT, "We lose two days every month rekeying invoices by hand. Not now, though.")]);
    let quotes: Vec<&str> = found.pain_points.iter().map(|p| p.quote.as_str()).collect();
    assert_eq!(quotes, ["We lose two days every month rekeying invoices by hand."]);
}

#[test]
fn pulling_something_for_the_other_side_is_a_step_and_pulling_at_work_is_not() {
    let steps = |text: &str| -> usize { run(&[(PROSPECT, text)]).next_steps.len() };
    assert_eq!(steps("I can pull five or six cases from last month."), 1);
    assert_eq!(steps("I'll have Denise pull the exception report."), 1);
    assert_eq!(steps("They're electricians, they want to pull wire, not fill out forms on a phone."), 0);
    assert_eq!(steps("So every night around nine, I pull the next day's loads out of Navitaire."), 0);
}

#[test]
fn send_both_agrees_to_the_material_offered() {
    let found = run(&[
        (SDR, "I can send our SOC 2 Type II report and a data-flow diagram for your IT review."),
        (PROSPECT, "Send both."),
    ]);
    let quotes: Vec<&str> = found.next_steps.iter().map(|step| step.quote.as_str()).collect();
    assert_eq!(quotes, ["I can send our SOC 2 Type II report and a data-flow diagram for your IT review."]);
}

#[test]
fn material_named_again_is_the_step_as_finally_agreed_in_the_sellers_words() {
    let quotes = |turns: &[(Speaker, &str)]| -> Vec<String> {
        run(turns).next_steps.into_iter().map(|step| step.quote).collect()
    };
    let offer = "I can send our SOC 2 Type II report and a data-flow diagram for your IT review.";
    let recap = "I'll send the SOC 2 report and the diagram today.";
    assert_eq!(quotes(&[(SDR, offer), (PROSPECT, "Fine."), (SDR, recap)]), [recap]);
    // The prospect naming it again later does not replace the seller's offer.
    assert_eq!(quotes(&[(SDR, offer), (PROSPECT, "Please send the SOC 2 report to me first.")]), [offer]);
}

#[test]
fn pushback_no_cue_names_is_weighed_by_its_words_and_a_pain_stays_a_pain() {
    let unlisted = [
        "Anything new has to go through the county's purchasing office, and that takes a while.",
        "Honestly, per seat pricing would be a hard thing for us.",
        "I've heard that software like this never really works for shops our size.",
    ];
    // A pain whose words score as pushback too.
    let pain = "Our crews already have three apps on their phones and they don't use any of them.";
    let weights = rules().objection_weights.as_ref().expect("the built-in objections pack weighs words");
    assert!(weights.passes(weights.score(pain)), "the control must score as an objection");
    let mut turns = vec![(PROSPECT, pain), (SDR, "Okay.")];
    for line in unlisted {
        turns.extend([(PROSPECT, line), (SDR, "Okay.")]);
    }
    turns.push((PROSPECT, "We have about forty trucks."));
    let found = run(&turns);
    let objections: Vec<(&str, &str)> = found.objections.iter().map(|o| (o.quote.as_str(), o.rule.as_str())).collect();
    assert_eq!(objections, unlisted.map(|quote| (quote, "objections/scored")));
    // Weaker evidence than a cue: lower confidence, no topic to claim.
    assert!(found.objections.iter().all(|o| o.confidence < 0.8 && o.detail.topic.is_none()), "{:#?}", found.objections);
    assert!(found.pain_points.iter().any(|found| found.quote == pain), "{:#?}", found.pain_points);
    // An objection cue judged the sentence: a budget fact answering the SDR's budget question is
    // no pushback, however its words score.
    // Which of these scores as pushback depends on the fitted words; one of them must. Each
    // names the no-budget cue.
    let budget_fact = [
        "Honestly, we just don't have budget for new software until the next fiscal year.",
        "Honestly we don't have budget for new software until next year.",
    ]
    .into_iter()
    .find(|fact| weights.passes(weights.score(fact)))
    .expect("a budget fact that scores as pushback");
    assert!(run(&[(SDR, "Is there budget set aside for this?"), (PROSPECT, budget_fact)]).objections.is_empty());
}

#[test]
fn an_attempt_no_cue_names_is_weighed_by_its_words_once_per_turn_and_a_cue_keeps_its_judgement() {
    let unlisted = [
        "Years ago the crews got a shared Google calendar, with a sheet per site.",
        "Years ago the office got a scheduling module with the phones.",
    ];
    let found = run_each_answered(&unlisted, &["We have about forty trucks."]);
    let attempts: Vec<(&str, &str)> =
        found.previous_attempts.iter().map(|a| (a.quote.as_str(), a.rule.as_str())).collect();
    assert_eq!(attempts, unlisted.map(|quote| (quote, "previous_attempts/scored")));
    assert!(found.previous_attempts.iter().all(|a| a.detail.tried.is_none() && a.confidence < 0.9));
    // Both said in one turn: the second tells how the first went on, as with the cues.
    let one_turn = run(&[(PROSPECT, &unlisted.join(" ")), (SDR, "Okay.")]);
    assert_eq!(one_turn.previous_attempts.len(), 1, "{:#?}", one_turn.previous_attempts);
    // The SDR's words are never the prospect's attempt.
    let weights = rules().attempt_weights.as_ref().expect("the built-in pack weighs words");
    assert!(weights.passes(weights.score(unlisted[0])));
    assert!(run(&[(SDR, unlisted[0])]).previous_attempts.is_empty());
    // An attempt cue judged the sentence: a weak one with no outcome is no attempt, however its
    // words score.
    let hired = "Last year we hired two people.";
    assert!(weights.passes(weights.score(hired)));
    assert!(run(&[(PROSPECT, hired)]).previous_attempts.is_empty());
}
