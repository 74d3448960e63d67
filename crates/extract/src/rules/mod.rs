//! Rule packs: the TOML files under `rules/` (built into the binary) and a team's overrides.
//!
//! Loading validates every pack and compiles all of them into one `Lexicon`, so extraction does
//! a single dictionary pass per sentence whatever the number of packs.

mod error;
pub(crate) mod schema;

pub use error::RuleError;

use crate::fuzzy::{is_fuzzy_kind, FuzzyIndex, FUZZY_CONFIDENCE_FACTOR};
use crate::hex::hex;
use crate::lexicon::{Layer, Lexicon, LexiconBuilder};
use crate::pain_score::PainWeights;
use crate::word_weights::WordScorer;
use crate::words::{WordSet, Words};
use handoff_findings::Category;
use schema::{Attribute, CueDef, EntityKind, EntryDef, PackDoc, PackSpec, PACKS};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// The packs compiled into the binary, in load order (vocabulary first: it defines the macros
/// the other packs' patterns use).
const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("vocabulary", include_str!("../../../../rules/vocabulary.toml")),
    ("systems", include_str!("../../../../rules/systems.toml")),
    ("inferred_systems", include_str!("../../../../rules/inferred_systems.toml")),
    ("competitors", include_str!("../../../../rules/competitors.toml")),
    ("regulations", include_str!("../../../../rules/regulations.toml")),
    ("roles", include_str!("../../../../rules/roles.toml")),
    ("stakeholders", include_str!("../../../../rules/stakeholders.toml")),
    ("pains", include_str!("../../../../rules/pains.toml")),
    ("timeline", include_str!("../../../../rules/timeline.toml")),
    ("budget", include_str!("../../../../rules/budget.toml")),
    ("objections", include_str!("../../../../rules/objections.toml")),
    ("previous_attempts", include_str!("../../../../rules/previous_attempts.toml")),
    ("next_steps", include_str!("../../../../rules/next_steps.toml")),
];

/// Confidence of a rule when neither it nor its pack sets one.
const FALLBACK_CONFIDENCE: f32 = 0.8;

/// A dictionary entry after loading: what a hit in `Layer::Entity` points at.
#[derive(Debug)]
pub(crate) struct Entity {
    pub name: String,
    pub group: Option<String>,
    /// `<pack>/<id>`.
    pub rule: String,
    pub confidence: f32,
    /// The words one of which must be in the sentence (`requires_any`), as a lexicon requirement.
    pub requires: Option<u32>,
}

/// A cue rule after loading: what a hit in `Layer::Cue` points at.
#[derive(Debug)]
pub(crate) struct Cue {
    pub rule: String,
    pub confidence: f32,
    pub window: Option<u32>,
    pub value: Option<String>,
}

/// Every rule pack, validated and compiled. Cheap to share; build once per process.
pub struct RuleSet {
    version: String,
    pack_files: Vec<String>,
    pub(crate) lexicon: Lexicon,
    pub(crate) entities: Vec<Entity>,
    pub(crate) cues: Vec<Cue>,
    pub(crate) not_names: WordSet,
    pub(crate) first_names: WordSet,
    /// Lowercase words never taken for an unknown product's name.
    pub(crate) not_products: WordSet,
    /// Aliases of systems, competitors and regulations for misspelled mentions.
    pub(crate) fuzzy: FuzzyIndex,
    /// How a prospect's sentence is weighed as a pain.
    pub(crate) pain_weights: PainWeights,
    /// How a prospect's sentence no objection cue names is weighed as pushback; none when the
    /// team's objections pack leaves the scorer out.
    pub(crate) objection_weights: Option<WordScorer>,
    /// How a prospect's sentence no attempt cue names is weighed as something already tried.
    pub(crate) attempt_weights: Option<WordScorer>,
    pub(crate) words: Words,
    /// The rules of the entries each lowercased alias belongs to (several only when they share
    /// one canonical name), by entity kind.
    entries_by_alias: HashMap<(EntityKind, String), Vec<String>>,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet").field("version", &self.version).field("packs", &self.pack_files).finish()
    }
}

/// One pack file's text and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct PackSource {
    /// File stem: names the pack in `rule` fields and decides which built-in it replaces.
    pub stem: String,
    /// How errors refer to the file.
    pub display: String,
    pub content: String,
}

impl RuleSet {
    /// The built-in packs, with each `*.toml` file of `overrides` replacing the built-in pack of
    /// the same name. A file with a new name adds a pack when it declares a known kind on its
    /// first line (`pack = "systems"`, `pack = "competitors"`, ...); otherwise it is an error.
    pub fn load(overrides: Option<&Path>) -> Result<RuleSet, RuleError> {
        let mut sources: Vec<PackSource> = BUILTIN_PACKS
            .iter()
            .map(|(stem, content)| PackSource {
                stem: stem.to_string(),
                display: format!("rules/{stem}.toml (built-in)"),
                content: content.to_string(),
            })
            .collect();
        if let Some(dir) = overrides {
            for source in read_override_dir(dir)? {
                match sources.iter_mut().find(|builtin| builtin.stem == source.stem) {
                    Some(builtin) => *builtin = source,
                    None => sources.push(source),
                }
            }
        }
        RuleSet::compile(sources)
    }

    /// The built-in packs alone. They are tested to load, so this only fails on a broken build.
    pub fn builtin() -> RuleSet {
        RuleSet::load(None).unwrap_or_else(|error| panic!("built-in rule packs are invalid: {error}"))
    }

    /// Short stable hash of every pack's name and content: outputs made with another version
    /// are stale.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The pack files in effect, as errors would name them.
    pub fn pack_files(&self) -> &[String] {
        &self.pack_files
    }

    pub(crate) fn compile(sources: Vec<PackSource>) -> Result<RuleSet, RuleError> {
        let mut parsed = Vec::with_capacity(sources.len());
        for source in &sources {
            let doc: PackDoc = toml::from_str(&source.content).map_err(|error| RuleError::Syntax {
                file: source.display.clone(),
                line: error.span().map_or(1, |span| line_at(&source.content, span.start)),
                message: error.message().trim().to_string(),
            })?;
            let spec = pack_kind(source, &doc)?;
            parsed.push((source, doc, spec));
        }
        // Macros first: every pack's patterns may use the vocabulary's.
        parsed.sort_by_key(|(_, _, spec)| !spec.macros);

        let mut compiler = Compiler::default();
        for (source, doc, spec) in &parsed {
            compiler.pack(&PackContext::new(source, doc, spec))?;
        }
        let pain_weights = compiler.pain_weights.take().ok_or_else(|| RuleError::Invalid {
            file: "rules/pains.toml".into(),
            line: 1,
            rule: "pain_score".into(),
            problem: "no pains pack has a [pain_score] table, so no sentence can be weighed as a pain".into(),
            fix: "copy the [pain_score] table of the built-in rules/pains.toml into your pains.toml".into(),
        })?;
        let fuzzy = compiler.fuzzy_index();
        let lexicon = compiler.lexicon.build().map_err(|problem| RuleError::Invalid {
            file: "rules".into(),
            line: 1,
            rule: "*".into(),
            problem: format!("the packs together are too large to compile ({problem})"),
            fix: "remove unused aliases or simplify the largest patterns".into(),
        })?;

        let mut hasher = Sha256::new();
        let mut ordered: Vec<&PackSource> = sources.iter().collect();
        ordered.sort_by(|a, b| a.stem.cmp(&b.stem));
        for source in ordered {
            hasher.update(source.stem.as_bytes());
            hasher.update([0]);
            hasher.update(source.content.as_bytes());
            hasher.update([0]);
        }
        for list in Words::fingerprint_sources() {
            hasher.update(list.as_bytes());
        }
        let version = hex(&hasher.finalize())[..12].to_string();

        Ok(RuleSet {
            version,
            pack_files: sources.iter().map(|source| source.display.clone()).collect(),
            lexicon,
            entities: compiler.entities,
            cues: compiler.cues,
            not_names: compiler.not_names,
            first_names: compiler.first_names,
            not_products: compiler.not_products,
            pain_weights,
            objection_weights: compiler.objection_weights,
            attempt_weights: compiler.attempt_weights,
            fuzzy,
            words: Words::builtin(),
            entries_by_alias: compiler.entries_by_alias,
        })
    }

    /// The rules (`<pack>/<id>`) of the system, regulation or competitor entries that list
    /// `name` (any case) among their aliases: the entry a name written by hand is shown under
    /// ("Sarbanes-Oxley" is `regulations/sox`, shown as "SOX"). Entries sharing an alias share
    /// their canonical name.
    pub fn entries_for_alias(&self, category: Category, name: &str) -> &[String] {
        let kind = match category {
            Category::System => EntityKind::System,
            Category::Regulation => EntityKind::Regulation,
            Category::Competitor => EntityKind::Competitor,
            _ => return &[],
        };
        self.entries_by_alias.get(&(kind, name.trim().to_lowercase())).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn entity(&self, index: u32) -> &Entity {
        &self.entities[index as usize]
    }

    pub(crate) fn cue(&self, index: u32) -> &Cue {
        &self.cues[index as usize]
    }
}

fn read_override_dir(dir: &Path) -> Result<Vec<PackSource>, RuleError> {
    let read_error = |source| RuleError::Read { path: dir.to_path_buf(), source };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let content =
                std::fs::read_to_string(&path).map_err(|source| RuleError::Read { path: path.clone(), source })?;
            let stem = path.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default();
            Ok(PackSource { stem, display: path.display().to_string(), content })
        })
        .collect()
}

/// Which kind of pack a file is: a built-in name fixes it, a new name must declare it.
fn pack_kind(source: &PackSource, doc: &PackDoc) -> Result<&'static PackSpec, RuleError> {
    let declared = doc.pack.get_ref().as_str();
    let known_kinds = || PACKS.iter().map(|spec| spec.name).collect::<Vec<_>>().join(", ");
    let builtin = schema::pack_spec(&source.stem);
    match (builtin, schema::pack_spec(declared)) {
        (Some(spec), _) if spec.name == declared => Ok(spec),
        (Some(spec), _) => Err(RuleError::Invalid {
            file: source.display.clone(),
            line: line_at(&source.content, doc.pack.span().start),
            rule: "pack".into(),
            problem: format!("the file replaces the built-in `{}` pack but declares pack = \"{declared}\"", spec.name),
            fix: format!("write pack = \"{}\", or rename the file to add a `{declared}` pack", spec.name),
        }),
        (None, Some(spec)) => Ok(spec),
        (None, None) => Err(RuleError::UnknownPack {
            file: source.display.clone(),
            problem: format!(
                "`{}` is not a built-in pack name and pack = \"{declared}\" is not a known kind",
                source.stem
            ),
            fix: format!(
                "name the file after the pack it replaces, or declare one of these kinds on its first line: {}",
                known_kinds()
            ),
        }),
    }
}

/// The file being compiled, for error messages.
struct PackContext<'a> {
    source: &'a PackSource,
    doc: &'a PackDoc,
    spec: &'static PackSpec,
    /// Byte offset of every line break, so each alias's line is found without rescanning the
    /// file (a systems pack has thousands of aliases).
    line_breaks: Vec<usize>,
}

impl<'a> PackContext<'a> {
    fn new(source: &'a PackSource, doc: &'a PackDoc, spec: &'static PackSpec) -> PackContext<'a> {
        let line_breaks = source.content.match_indices('\n').map(|(at, _)| at).collect();
        PackContext { source, doc, spec, line_breaks }
    }

    /// 1-based line of a byte offset in the pack's file.
    fn line(&self, offset: usize) -> usize {
        self.line_breaks.partition_point(|&at| at < offset) + 1
    }

    fn invalid(&self, span: Range<usize>, rule: &str, problem: String, fix: impl Into<String>) -> RuleError {
        RuleError::Invalid {
            file: self.source.display.clone(),
            line: self.line(span.start),
            rule: rule.to_string(),
            problem,
            fix: fix.into(),
        }
    }

    fn rule_name(&self, id: &str) -> String {
        format!("{}/{id}", self.source.stem)
    }

    fn confidence(&self, own: Option<&Spanned<f32>>, rule: &str) -> Result<f32, RuleError> {
        let default = self.doc.default_confidence.as_ref();
        for value in [own, default].into_iter().flatten() {
            if !(0.0..=1.0).contains(value.get_ref()) {
                return Err(self.invalid(
                    value.span(),
                    rule,
                    format!("confidence {} is outside 0..1", value.get_ref()),
                    "use a number between 0.0 (never trust) and 1.0 (always right), e.g. 0.8",
                ));
            }
        }
        Ok(own.or(default).map_or(FALLBACK_CONFIDENCE, |value| *value.get_ref()))
    }
}

/// The two tables of a fitted scorer: `[score]` (bias, threshold and, for pains, a weight per
/// signal) and `[words]`, which a `quality` run with `train` fits together.
struct ScorerTables {
    score: String,
    words: String,
    train: String,
}

type WeightTable = Option<Spanned<BTreeMap<String, f32>>>;

impl ScorerTables {
    /// `[<what>_score]` and `[<what>_words]`, fitted by `quality --train-<what>s`.
    fn named(what: &str) -> ScorerTables {
        ScorerTables {
            score: format!("{what}_score"),
            words: format!("{what}_words"),
            train: format!("--train-{what}s"),
        }
    }

    /// The scorer the pack's tables hold, if it has them.
    fn read<T>(
        &self,
        pack: &PackContext,
        score: &WeightTable,
        words: &WeightTable,
        build: impl Fn(&BTreeMap<String, f32>, &BTreeMap<String, f32>) -> Result<T, String>,
    ) -> Result<Option<T>, RuleError> {
        let Some(table) = score else {
            return match words {
                Some(words) => Err(pack.invalid(
                    words.span(),
                    &self.words,
                    format!("[{}] without [{}]: word weights are fitted with the score table", self.words, self.score),
                    format!("keep both tables from one `quality {}` run in the same pack", self.train),
                )),
                None => Ok(None),
            };
        };
        let words = words.as_ref().map(|words| words.get_ref().clone()).unwrap_or_default();
        build(table.get_ref(), &words).map(Some).map_err(|problem| {
            pack.invalid(
                table.span(),
                &self.score,
                problem,
                format!("give [{}] the keys of the built-in pack's table, each a number, and nothing else", self.score),
            )
        })
    }

    /// The error for a second pack with the same scorer.
    fn second(&self, pack: &PackContext, score: &WeightTable) -> RuleError {
        let span = score.as_ref().map_or(0..0, Spanned::span);
        pack.invalid(
            span,
            &self.score,
            format!("a second [{}] table: only one pack may hold it", self.score),
            format!("keep [{}] in one pack only", self.score),
        )
    }
}

#[derive(Default)]
struct Compiler {
    lexicon: LexiconBuilder,
    entities: Vec<Entity>,
    cues: Vec<Cue>,
    macros: BTreeMap<String, String>,
    /// Lowercased alias -> (rule, canonical name, file, line), per entity kind: an alias may
    /// only name one thing.
    aliases: HashMap<(EntityKind, String), (String, String, String, usize)>,
    /// Every entry's rule by lowercased alias (see `RuleSet::entries_for_alias`).
    entries_by_alias: HashMap<(EntityKind, String), Vec<String>>,
    not_names: WordSet,
    first_names: WordSet,
    not_products: WordSet,
    pain_weights: Option<PainWeights>,
    objection_weights: Option<WordScorer>,
    attempt_weights: Option<WordScorer>,
    /// (alias, kind, entry index, requirement) of every entry matched fuzzily too.
    fuzzy_aliases: Vec<(String, EntityKind, u32, Option<u32>)>,
}

impl Compiler {
    /// Gives every entry with fuzzy aliases a twin (same name, rule `<pack>/<id>~fuzzy`, lower
    /// confidence) for fuzzy hits to point at, and indexes the aliases.
    fn fuzzy_index(&mut self) -> FuzzyIndex {
        let mut index = FuzzyIndex::default();
        let mut twins: HashMap<u32, u32> = HashMap::new();
        for (alias, kind, entry, requires) in std::mem::take(&mut self.fuzzy_aliases) {
            let twin = *twins.entry(entry).or_insert_with(|| {
                let original = &self.entities[entry as usize];
                let twin = Entity {
                    name: original.name.clone(),
                    group: original.group.clone(),
                    rule: format!("{}~fuzzy", original.rule),
                    confidence: original.confidence * FUZZY_CONFIDENCE_FACTOR,
                    requires: original.requires,
                };
                self.entities.push(twin);
                (self.entities.len() - 1) as u32
            });
            index.add(&alias, kind, twin, requires);
        }
        index.finish();
        index
    }

    fn pack<'a>(&mut self, pack: &PackContext<'a>) -> Result<(), RuleError> {
        self.reject_foreign_tables(pack)?;
        pack.confidence(None, "default_confidence")?;
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut check_id = |id: &'a Spanned<String>| -> Result<(), RuleError> {
            let text = id.get_ref().as_str();
            if text.is_empty()
                || !text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                return Err(pack.invalid(
                    id.span(),
                    text,
                    "an id must be lowercase letters, digits, `-` or `_`".into(),
                    "rename it, e.g. id = \"manual-work\"",
                ));
            }
            let line = pack.line(id.span().start);
            if let Some(first) = ids.insert(text, line) {
                return Err(pack.invalid(
                    id.span(),
                    text,
                    format!("the id is already used on line {first}"),
                    "give each rule its own id: ids name rules in every extracted item",
                ));
            }
            Ok(())
        };
        if let Some(table) = pack.spec.entities {
            for entry in pack.doc.entity_table(table.table) {
                check_id(&entry.id)?;
            }
        }
        for table in pack.spec.cues {
            for cue in pack.doc.cue_table(table.table) {
                check_id(&cue.id)?;
            }
        }

        if pack.spec.macros {
            self.macros(pack)?;
        }
        if let Some(table) = pack.spec.entities {
            for entry in pack.doc.entity_table(table.table) {
                self.entity(pack, table, entry)?;
            }
            if table.kind == EntityKind::Quarter {
                self.quarter_macro(pack);
            }
        }
        for table in pack.spec.cues {
            for cue in pack.doc.cue_table(table.table) {
                self.cue(pack, table, cue)?;
            }
        }
        if pack.spec.name_lists {
            self.not_names.extend(pack.doc.not_names.iter().map(|name| name.get_ref().to_lowercase()));
            self.first_names.extend(pack.doc.first_names.iter().map(|name| name.get_ref().to_lowercase()));
        }
        if pack.spec.macros {
            self.not_products.extend(pack.doc.not_products.iter().map(|word| word.get_ref().to_lowercase()));
        }
        let doc = pack.doc;
        let pains = ScorerTables::named("pain");
        if let Some(weights) = pains.read(pack, &doc.pain_score, &doc.pain_words, PainWeights::from_table)? {
            if self.pain_weights.replace(weights).is_some() {
                return Err(pains.second(pack, &doc.pain_score));
            }
        }
        let word_scorers = [
            ("objection", &doc.objection_score, &doc.objection_words, &mut self.objection_weights),
            ("attempt", &doc.attempt_score, &doc.attempt_words, &mut self.attempt_weights),
        ];
        for (what, score, words, slot) in word_scorers {
            let tables = ScorerTables::named(what);
            let read = tables.read(pack, score, words, |table, words| WordScorer::from_tables(what, table, words))?;
            if let Some(weights) = read {
                if slot.replace(weights).is_some() {
                    return Err(tables.second(pack, score));
                }
            }
        }
        Ok(())
    }

    /// A table the pack's kind does not read would be silently ignored: refuse it instead.
    fn reject_foreign_tables(&self, pack: &PackContext) -> Result<(), RuleError> {
        let spec = pack.spec;
        for table in PackDoc::TABLES {
            let Some(first) = pack.doc.first_entry(table) else {
                continue;
            };
            let reads = |candidate: &PackSpec| {
                candidate.entities.is_some_and(|entities| entities.table == *table)
                    || candidate.cues.iter().any(|cue| cue.table == *table)
            };
            if reads(spec) {
                continue;
            }
            let readers = PACKS.iter().filter(|candidate| reads(candidate)).map(|c| c.name).collect::<Vec<_>>();
            return Err(pack.invalid(
                first.span(),
                first.get_ref(),
                format!("[[{table}]] tables are not read from a `{}` pack", spec.name),
                format!("move it to a pack of kind {}", readers.join(" or ")),
            ));
        }
        let misplaced: &[(&str, bool, bool)] = &[
            ("macros", !pack.doc.macros.is_empty(), spec.macros),
            ("not_names", !pack.doc.not_names.is_empty(), spec.name_lists),
            ("first_names", !pack.doc.first_names.is_empty(), spec.name_lists),
            ("not_products", !pack.doc.not_products.is_empty(), spec.macros),
            ("pain_score", pack.doc.pain_score.is_some(), spec.name == "pains"),
            ("pain_words", pack.doc.pain_words.is_some(), spec.name == "pains"),
            ("objection_score", pack.doc.objection_score.is_some(), spec.name == "objections"),
            ("objection_words", pack.doc.objection_words.is_some(), spec.name == "objections"),
            ("attempt_score", pack.doc.attempt_score.is_some(), spec.name == "previous_attempts"),
            ("attempt_words", pack.doc.attempt_words.is_some(), spec.name == "previous_attempts"),
        ];
        for (field, present, allowed) in misplaced {
            if *present && !allowed {
                return Err(pack.invalid(
                    pack.doc.pack.span(),
                    field,
                    format!("`{field}` is not read from a `{}` pack", spec.name),
                    format!(
                        "move `{field}` to the pack that reads it (vocabulary for macros and not_products, \
                         stakeholders for names, pains for pain_score and pain_words, objections for objection_score and \
                         objection_words, previous_attempts for attempt_score and attempt_words)"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn macros(&mut self, pack: &PackContext) -> Result<(), RuleError> {
        for (name, body) in &pack.doc.macros {
            if !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(pack.invalid(
                    body.span(),
                    name,
                    "a macro name must be lowercase letters and `_`".into(),
                    "rename it, e.g. day_of_month",
                ));
            }
            let expanded = expand_macros(body.get_ref(), &self.macros)
                .map_err(|problem| pack.invalid(body.span(), name, problem, "define the macro above this one"))?;
            if let Err(error) = regex::Regex::new(&expanded) {
                return Err(pack.invalid(
                    body.span(),
                    name,
                    format!("the macro is not a valid regex: {error}"),
                    "fix the regex (backslashes must be doubled inside \"...\" strings)",
                ));
            }
            self.macros.insert(name.clone(), format!("(?:{expanded})"));
        }
        Ok(())
    }

    /// `{quarter}` in patterns matches every alias of every quarter ("Q1", "Q one", ...).
    fn quarter_macro(&mut self, pack: &PackContext) {
        let mut aliases: Vec<String> = pack
            .doc
            .quarter
            .iter()
            .flat_map(|entry| entry.aliases.iter().chain(&entry.exact_case))
            .flat_map(|alias| crate::lexicon::variants(alias.get_ref(), true))
            .map(|alias| regex::escape(&alias).replace(' ', r"\s+"))
            .collect();
        // Longest first so the alternation prefers "Q1 2025"-style longer forms.
        aliases.sort_by_key(|alias| std::cmp::Reverse(alias.len()));
        aliases.dedup();
        if !aliases.is_empty() {
            self.macros.entry("quarter".into()).or_insert_with(|| format!(r"(?:\b(?:{})\b)", aliases.join("|")));
        }
    }

    fn entity(&mut self, pack: &PackContext, table: schema::EntityTable, entry: &EntryDef) -> Result<(), RuleError> {
        let id = entry.id.get_ref();
        let name = entry.name.get_ref().trim();
        if name.is_empty() {
            return Err(pack.invalid(
                entry.name.span(),
                id,
                "the name is empty".into(),
                "write the canonical name shown in handoffs",
            ));
        }
        let group = match (&entry.kind, table.kinds.is_empty()) {
            (Some(kind), false) if table.kinds.contains(&kind.get_ref().as_str()) => Some(kind.get_ref().clone()),
            (Some(kind), false) => {
                return Err(pack.invalid(
                    kind.span(),
                    id,
                    format!("unknown kind `{}`", kind.get_ref()),
                    format!("use one of: {}", table.kinds.join(", ")),
                ))
            }
            // A role's kind (the part it usually plays in a purchase) is optional.
            (None, false) if table.kind == EntityKind::Role => None,
            (None, false) => {
                return Err(pack.invalid(
                    entry.id.span(),
                    id,
                    "the entry has no `kind`".into(),
                    format!("add kind = \"...\" with one of: {}", table.kinds.join(", ")),
                ))
            }
            (Some(kind), true) => {
                return Err(pack.invalid(
                    kind.span(),
                    id,
                    format!("[[{}]] entries have no `kind`", table.table),
                    "remove the `kind` line",
                ))
            }
            (None, true) => None,
        };
        if entry.aliases.is_empty() && entry.exact_case.is_empty() {
            return Err(pack.invalid(
                entry.id.span(),
                id,
                "the alias list is empty, so nothing can ever match".into(),
                format!("add aliases = [\"{name}\", ...] with every way people say it"),
            ));
        }
        let confidence = pack.confidence(entry.confidence.as_ref(), id)?;
        let index = self.entities.len() as u32;
        let requires = if entry.requires_any.is_empty() {
            None
        } else {
            Some(self.lexicon.requirement(entry.requires_any.iter().map(|word| word.get_ref().clone()).collect()))
        };
        let rule = pack.rule_name(id);
        let layer = Layer::Entity(table.kind);
        for (alias, exact) in entry.aliases.iter().map(|a| (a, false)).chain(entry.exact_case.iter().map(|a| (a, true)))
        {
            let text = alias.get_ref().trim();
            if text.is_empty() {
                return Err(pack.invalid(alias.span(), id, "an alias is empty".into(), "remove the empty \"\" alias"));
            }
            let line = pack.line(alias.span().start);
            let key = (table.kind, text.to_lowercase());
            if let Some((other, other_name, file, other_line)) = self.aliases.get(&key) {
                // Two entries for one canonical name may share a spelling (one gated by case,
                // the other by context); two different names may not.
                if *other != rule && other_name != name {
                    return Err(pack.invalid(
                        alias.span(),
                        id,
                        format!("alias \"{text}\" also belongs to `{other}` ({file}:{other_line})"),
                        "keep the alias on one entry only, so a mention maps to one name",
                    ));
                }
            }
            let rules = self.entries_by_alias.entry(key.clone()).or_default();
            if !rules.contains(&rule) {
                rules.push(rule.clone());
            }
            self.aliases.insert(key, (rule.clone(), name.to_string(), pack.source.display.clone(), line));
            self.lexicon.phrase(text, layer, index, exact, requires);
            // `exact_case` forms are English words in lowercase ("Excel", "Infor"): their
            // near neighbours are too ("Expel", "Inform"), so only plain aliases go fuzzy.
            if !exact && is_fuzzy_kind(table.kind) {
                self.fuzzy_aliases.push((text.to_string(), table.kind, index, requires));
            }
        }
        self.entities.push(Entity { name: name.to_string(), group, rule, confidence, requires });
        Ok(())
    }

    fn cue(&mut self, pack: &PackContext, table: &schema::CueTable, cue: &CueDef) -> Result<(), RuleError> {
        let id = cue.id.get_ref();
        let value = self.cue_value(pack, table, cue)?;
        if cue.phrases.is_empty() && cue.patterns.is_empty() {
            return Err(pack.invalid(
                cue.id.span(),
                id,
                "the rule has neither `phrases` nor `patterns`, so it can never match".into(),
                "add phrases = [\"...\"] (plain words) or patterns = [\"...\"] (regexes)",
            ));
        }
        let confidence = pack.confidence(cue.confidence.as_ref(), id)?;
        let index = self.cues.len() as u32;
        let layer = Layer::Cue(table.kind);
        for phrase in &cue.phrases {
            let text = phrase.get_ref().trim();
            if text.is_empty() {
                return Err(pack.invalid(
                    phrase.span(),
                    id,
                    "a phrase is empty".into(),
                    "remove the empty \"\" phrase",
                ));
            }
            // A regex pasted into `phrases` would only ever match its own backslashes.
            if text.contains('\\') || text.contains("(?") {
                return Err(pack.invalid(
                    phrase.span(),
                    id,
                    format!("the phrase {text:?} is written as a regex, but phrases are matched as plain words"),
                    "move it to patterns = ['...'] of the same rule",
                ));
            }
            if cue.window.as_ref().is_some_and(|window| *window.get_ref() == 0) {
                self.lexicon.adjacent_phrase(text, layer, index);
            } else {
                self.lexicon.phrase(text, layer, index, false, None);
            }
        }
        for pattern in &cue.patterns {
            let expanded = expand_macros(pattern.get_ref(), &self.macros).map_err(|problem| {
                pack.invalid(
                    pattern.span(),
                    id,
                    problem,
                    "use a macro defined in vocabulary.toml or write the regex out",
                )
            })?;
            let compiled = regex::RegexBuilder::new(&expanded).case_insensitive(true).build().map_err(|error| {
                pack.invalid(
                    pattern.span(),
                    id,
                    format!("the pattern is not a valid regex: {error}"),
                    "fix the regex (backslashes must be doubled inside \"...\" strings, or use '...' strings)",
                )
            })?;
            if compiled.is_match("") {
                return Err(pack.invalid(
                    pattern.span(),
                    id,
                    "the pattern matches empty text, so it would match everywhere".into(),
                    "make at least one word required",
                ));
            }
            self.lexicon.pattern(compiled, expanded, layer, index);
        }
        let window = cue.window.as_ref().map(|window| *window.get_ref());
        self.cues.push(Cue { rule: pack.rule_name(id), confidence, window, value });
        Ok(())
    }

    fn cue_value(
        &self,
        pack: &PackContext,
        table: &schema::CueTable,
        cue: &CueDef,
    ) -> Result<Option<String>, RuleError> {
        let id = cue.id.get_ref();
        let value = cue.value.as_ref();
        match (table.attribute, value) {
            (Attribute::None, None) => Ok(None),
            (Attribute::None, Some(value)) => Err(pack.invalid(
                value.span(),
                id,
                format!("[[{}]] rules take no value", table.table),
                "remove the line",
            )),
            (Attribute::OneOf(_, allowed) | Attribute::MaybeOneOf(_, allowed), Some(value))
                if allowed.contains(&value.get_ref().as_str()) =>
            {
                Ok(Some(value.get_ref().clone()))
            }
            (Attribute::OneOf(name, allowed) | Attribute::MaybeOneOf(name, allowed), Some(value)) => Err(pack.invalid(
                value.span(),
                id,
                format!("unknown {name} value \"{}\"", value.get_ref()),
                format!("use one of: {}", allowed.join(", ")),
            )),
            (Attribute::OneOf(name, allowed), None) => Err(pack.invalid(
                cue.id.span(),
                id,
                format!("the rule has no `{name}`"),
                format!("add {name} = \"...\" with one of: {}", allowed.join(", ")),
            )),
            (Attribute::RequiredText(name) | Attribute::FreeText(name), Some(value))
                if value.get_ref().trim().is_empty() =>
            {
                Err(pack.invalid(
                    value.span(),
                    id,
                    format!("`{name}` is empty"),
                    format!("write a short label, or remove `{name}`"),
                ))
            }
            (Attribute::RequiredText(_) | Attribute::FreeText(_), Some(value)) => {
                Ok(Some(value.get_ref().trim().to_string()))
            }
            (Attribute::RequiredText(name), None) => Err(pack.invalid(
                cue.id.span(),
                id,
                format!("the rule has no `{name}`"),
                format!("add {name} = \"...\", the label shown in the handoff"),
            )),
            (Attribute::FreeText(_) | Attribute::MaybeOneOf(..), None) => Ok(None),
        }
    }
}

/// Replaces each `{name}` with its macro. Regex repetitions like `{2}` or `{1,3}` are left alone.
fn expand_macros(pattern: &str, macros: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}');
        let name = close
            .map(|close| &after[..close])
            .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        match (name, close) {
            (Some(name), Some(close)) => {
                let body = macros.get(name).ok_or_else(|| {
                    format!(
                        "unknown macro {{{name}}} (defined: {})",
                        macros.keys().cloned().collect::<Vec<_>>().join(", ")
                    )
                })?;
                out.push_str(body);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn line_at(content: &str, offset: usize) -> usize {
    content.as_bytes()[..offset.min(content.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests;
