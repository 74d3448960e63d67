use super::*;
use std::path::PathBuf;

/// A fresh, empty directory under the system temp dir, unique to this test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("handoff-extract-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn with_pack(stem: &str, content: &str) -> Result<RuleSet, RuleError> {
    let mut sources: Vec<PackSource> = BUILTIN_PACKS
        .iter()
        .filter(|(name, _)| *name != stem)
        .map(|(name, content)| PackSource {
            stem: name.to_string(),
            display: format!("{name}.toml"),
            content: content.to_string(),
        })
        .collect();
    sources.push(PackSource { stem: stem.into(), display: format!("team/{stem}.toml"), content: content.into() });
    RuleSet::compile(sources)
}

fn invalid(stem: &str, content: &str) -> (RuleError, String) {
    let error = with_pack(stem, content).expect_err("the pack must be rejected");
    let message = error.to_string();
    (error, message)
}

#[test]
fn builtin_packs_load_and_are_big_enough() {
    let rules = RuleSet::load(None).expect("built-in packs load");
    let count = |kind: EntityKind| {
        rules
            .entities
            .iter()
            .filter(|e| {
                e.rule.starts_with(match kind {
                    EntityKind::System => "systems/",
                    EntityKind::Regulation => "regulations/",
                    _ => "-",
                })
            })
            .count()
    };
    assert!(count(EntityKind::System) >= 60, "{} systems", count(EntityKind::System));
    assert!(count(EntityKind::Regulation) >= 25, "{} regulations", count(EntityKind::Regulation));
    assert!(!rules.entities.iter().any(|e| e.rule.starts_with("competitors/")), "default competitors pack is empty");
}

#[test]
fn version_is_short_stable_and_follows_content() {
    let a = RuleSet::builtin();
    let b = RuleSet::builtin();
    assert_eq!(a.version(), b.version());
    assert_eq!(a.version().len(), 12);
    assert!(a.version().chars().all(|c| c.is_ascii_hexdigit()));
    let team = RuleSet::load(Some(&fixture_rules())).expect("fixture rules load");
    assert_ne!(a.version(), team.version());
}

fn fixture_rules() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rules")
}

#[test]
fn override_dir_replaces_the_pack_of_the_same_name() {
    let dir = temp_dir("replace");
    std::fs::write(
        dir.join("systems.toml"),
        "pack = \"systems\"\n[[system]]\nid = \"acme-crm\"\nname = \"AcmeCRM\"\nkind = \"crm\"\naliases = [\"Acme CRM\"]\n",
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "not a pack").unwrap();
    // Other stages keep their own files in subdirectories (transcription/prompt.toml).
    std::fs::create_dir_all(dir.join("transcription")).unwrap();
    std::fs::write(dir.join("transcription/prompt.toml"), "terms = []\n").unwrap();
    let rules = RuleSet::load(Some(&dir)).expect("override loads");
    let systems: Vec<&str> = rules
        .entities
        .iter()
        .filter(|e| e.rule.starts_with("systems/") && !e.rule.ends_with("~fuzzy"))
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(systems, ["AcmeCRM"], "the built-in systems pack is replaced, not extended");
    // Each entry has a fuzzy twin for misspelled mentions.
    assert!(rules.entities.iter().any(|e| e.rule == "systems/acme-crm~fuzzy" && e.name == "AcmeCRM"));
    assert!(rules.pack_files().iter().any(|file| file.ends_with("systems.toml") && file.contains("replace")));
}

#[test]
fn new_file_adds_a_pack_only_when_its_kind_is_known() {
    let dir = temp_dir("add");
    std::fs::write(dir.join("extra_crm.toml"), "pack = \"systems\"\n[[system]]\nid = \"acme-crm\"\nname = \"AcmeCRM\"\nkind = \"crm\"\naliases = [\"Acme CRM\"]\n").unwrap();
    let rules = RuleSet::load(Some(&dir)).expect("added pack loads");
    assert!(rules.entities.iter().any(|e| e.rule == "extra_crm/acme-crm"));
    assert!(rules.entities.iter().any(|e| e.name == "Salesforce"), "built-ins stay");

    let dir = temp_dir("unknown");
    std::fs::write(dir.join("mystery.toml"), "pack = \"mystery\"\n").unwrap();
    let error = RuleSet::load(Some(&dir)).expect_err("unknown kind is refused");
    let message = error.to_string();
    assert!(matches!(error, RuleError::UnknownPack { .. }), "{message}");
    assert!(
        message.contains("mystery.toml") && message.contains("pack = \"systems\"") || message.contains("systems"),
        "{message}"
    );
}

#[test]
fn bad_regex_names_file_line_and_rule() {
    let pack = "pack = \"pains\"\n\n[[cue]]\nid = \"broken\"\ntheme = \"other\"\npatterns = ['(unclosed']\n";
    let (error, message) = invalid("pains", pack);
    assert_eq!(error.line(), Some(6), "{message}");
    assert!(message.starts_with("team/pains.toml:6: rule `broken`"), "{message}");
    assert!(message.contains("not a valid regex") && message.contains("Fix:"), "{message}");
}

#[test]
fn duplicate_id_points_at_both_lines() {
    let pack = "pack = \"objections\"\n[[objection]]\nid = \"same\"\nphrases = [\"a\"]\n[[objection]]\nid = \"same\"\nphrases = [\"b\"]\n";
    let (error, message) = invalid("objections", pack);
    assert_eq!(error.line(), Some(6), "{message}");
    assert!(message.contains("rule `same`") && message.contains("line 3"), "{message}");
}

#[test]
fn empty_alias_list_is_refused() {
    let (error, message) = invalid(
        "competitors",
        "pack = \"competitors\"\n[[competitor]]\nid = \"acme\"\nname = \"Acme\"\naliases = []\n",
    );
    assert_eq!(error.line(), Some(3), "{message}");
    assert!(message.contains("rule `acme`") && message.contains("alias list is empty"), "{message}");
}

#[test]
fn unknown_status_value_lists_the_allowed_ones() {
    let pack = "pack = \"systems\"\n[[status]]\nid = \"x\"\nstatus = \"using\"\nphrases = [\"we use\"]\n";
    let (error, message) = invalid("systems", pack);
    assert_eq!(error.line(), Some(4), "{message}");
    assert!(
        message.contains("unknown status value \"using\"")
            && message.contains("current, evaluating, leaving, mentioned"),
        "{message}"
    );
}

#[test]
fn confidence_outside_zero_to_one_is_refused() {
    let pack = "pack = \"objections\"\n[[objection]]\nid = \"x\"\nphrases = [\"no\"]\nconfidence = 1.5\n";
    let (error, message) = invalid("objections", pack);
    assert_eq!(error.line(), Some(5), "{message}");
    assert!(message.contains("outside 0..1"), "{message}");
}

#[test]
fn toml_mistakes_name_the_line() {
    let (error, message) = invalid("budget", "pack = \"budget\"\n[[context]]\nid = \"x\"\nphrase = [\"budget\"]\n");
    assert!(matches!(error, RuleError::Syntax { .. }), "{message}");
    assert_eq!(error.line(), Some(4), "{message}");
    assert!(message.contains("phrase"), "{message}");
}

#[test]
fn a_table_in_the_wrong_pack_is_refused() {
    let (_, message) =
        invalid("budget", "pack = \"budget\"\n[[status]]\nid = \"x\"\nstatus = \"current\"\nphrases = [\"we use\"]\n");
    assert!(message.contains("[[status]]") && message.contains("systems"), "{message}");
}

#[test]
fn the_same_alias_on_two_entries_is_refused() {
    let pack = "pack = \"competitors\"\n[[competitor]]\nid = \"a\"\nname = \"A\"\naliases = [\"Acme\"]\n[[competitor]]\nid = \"b\"\nname = \"B\"\naliases = [\"acme\"]\n";
    let (_, message) = invalid("competitors", pack);
    assert!(message.contains("rule `b`") && message.contains("also belongs to `competitors/a`"), "{message}");
}

#[test]
fn a_regex_written_as_a_phrase_is_refused() {
    let pack =
        "pack = \"objections\"\n[[objection]]\nid = \"lock-in\"\nphrases = [\"locked in\", '\\bstill\\s+paying\\b']\n";
    let (error, message) = invalid("objections", pack);
    assert_eq!(error.line(), Some(4), "{message}");
    assert!(message.contains("rule `lock-in`") && message.contains("move it to patterns"), "{message}");
}

#[test]
fn unknown_macro_is_reported() {
    let pack = "pack = \"timeline\"\n[[deadline]]\nid = \"x\"\npatterns = ['by {fortnight}']\n";
    let (_, message) = invalid("timeline", pack);
    assert!(message.contains("unknown macro {fortnight}"), "{message}");
}

#[test]
fn macros_leave_regex_repetition_alone() {
    let macros = BTreeMap::from([("month".to_string(), "(?:march)".to_string())]);
    assert_eq!(expand_macros(r"\d{1,2} {month}", &macros).unwrap(), r"\d{1,2} (?:march)");
}

#[test]
fn pain_weights_must_name_every_signal_and_live_in_the_pains_pack() {
    let builtin = BUILTIN_PACKS.iter().find(|(name, _)| *name == "pains").map(|(_, content)| *content).unwrap();
    let without_lack = builtin.replace("\nlack = ", "\nlacks = ");
    let (error, message) = invalid("pains", &without_lack);
    assert!(matches!(error, RuleError::Invalid { .. }), "{message}");
    assert!(message.contains("rule `pain_score`") && message.contains("`lacks` is not a pain signal"), "{message}");

    let no_table = &builtin[..builtin.find("\n[pain_score]").unwrap()];
    let (_, message) = invalid("pains", no_table);
    assert!(message.contains("no pains pack has a [pain_score] table"), "{message}");

    let elsewhere = "pack = \"objections\"\n[pain_score]\nbias = 1.0\n";
    let (_, message) = invalid("objections", elsewhere);
    assert!(message.contains("`pain_score` is not read from a `objections` pack"), "{message}");
}

#[test]
fn pain_words_must_be_words_the_scorer_reads_beside_the_signal_weights() {
    let builtin = BUILTIN_PACKS.iter().find(|(name, _)| *name == "pains").map(|(_, content)| *content).unwrap();
    assert!(builtin.contains("\n[pain_words]\n"), "the built-in pack weighs words");
    for bad in ["\"Month\"", "\"two words\"", "\"x\""] {
        let text = builtin.replace("\n[pain_words]\n", &format!("\n[pain_words]\n{bad} = 0.5\n"));
        let (_, message) = invalid("pains", &text);
        assert!(message.contains("is not a word the scorer reads"), "{bad}: {message}");
    }
    // Both tables end the pack: cut them off and give words alone.
    let words_only =
        format!("{}\n[pain_words]\n\"month\" = 0.2\n", &builtin[..builtin.find("\n[pain_score]").unwrap()]);
    let (_, message) = invalid("pains", &words_only);
    assert!(message.contains("[pain_words] without [pain_score]"), "{message}");
    let (_, message) = invalid("objections", "pack = \"objections\"\n[pain_words]\n\"month\" = 0.2\n");
    assert!(message.contains("`pain_words` is not read from a `objections` pack"), "{message}");
}

#[test]
fn word_scorers_are_optional_but_whole_and_only_in_their_pack() {
    let scorers = [("objections", "objection", "vendor"), ("previous_attempts", "attempt", "tried")];
    for (pack, what, word) in scorers {
        let builtin = BUILTIN_PACKS.iter().find(|(name, _)| *name == pack).map(|(_, content)| *content).unwrap();
        let weights = |rules: &RuleSet| match what {
            "objection" => rules.objection_weights.clone(),
            _ => rules.attempt_weights.clone(),
        };
        assert!(weights(&RuleSet::builtin()).is_some(), "the built-in {pack} pack weighs words");
        // Both tables end the pack.
        let listed_only = &builtin[..builtin.find(&format!("\n[{what}_score]")).unwrap()];
        let rules = with_pack(pack, listed_only).expect("a pack without the scorer loads");
        assert!(weights(&rules).is_none());

        let words_only = format!("{listed_only}\n[{what}_words]\n\"{word}\" = 1.2\n");
        let (_, message) = invalid(pack, &words_only);
        assert!(message.contains(&format!("[{what}_words] without [{what}_score]")), "{message}");
        let (_, message) = invalid(pack, &builtin.replace("\nthreshold = ", "\ncutoff = "));
        assert!(message.contains("`cutoff` is not read"), "{message}");
        let capitalised = builtin.replace(&format!("\n\"{word}\" = "), &format!("\n\"{}\" = ", word.to_uppercase()));
        let (_, message) = invalid(pack, &capitalised);
        assert!(message.contains(&format!("[{what}_words] `{}` is not a word", word.to_uppercase())), "{message}");
        let elsewhere = format!("pack = \"pains\"\n[{what}_score]\nbias = 1.0\nthreshold = 0.0\n");
        let (_, message) = invalid("pains", &elsewhere);
        assert!(message.contains(&format!("`{what}_score` is not read from a `pains` pack")), "{message}");
    }
}

#[test]
fn an_alias_names_its_entries_in_any_case() {
    let rules = RuleSet::builtin();
    assert_eq!(rules.entries_for_alias(Category::System, "cdk"), ["systems/cdk-global-spoken"]);
    assert_eq!(rules.entries_for_alias(Category::Regulation, "Sarbanes-Oxley"), ["regulations/sox"]);
    assert!(rules.entries_for_alias(Category::System, "Sarbanes-Oxley").is_empty());
    assert!(rules.entries_for_alias(Category::Budget, "CDK").is_empty());
}
