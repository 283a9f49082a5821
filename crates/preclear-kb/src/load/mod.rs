//! From files to a validated [`Kb`]: every problem in every file is collected, with file and line,
//! before the load is refused; a KB that loads is complete and consistent. The readers mirror the
//! KB's directories: `shared.rs` (kb.toml, hs/, shared/), `markets.rs` (markets/, unions/) and
//! `export_controls.rs` (export-controls/).

mod agreements;
mod export_controls;
mod markets;
mod shared;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use preclear_domain::{
    BatteryChemistry, BatteryPacking, Category, Condition, Confidence, Country, Currency, Eccn,
    Encryption, HsCode, HsPrefix, Money, Percent, Purpose, Radio, RadioSet, Rounding, RoundingMode,
    Subdivision, TransportMode,
};
use sha2::{Digest, Sha256};
use toml::de::DeTable;

use crate::error::{KbError, KbErrors};
use crate::hs::{self, Nomenclature};
use crate::model::*;
use crate::reader::{
    Ctx, FACT_KEYS, SourceFile, TableReader, as_str, confidence, decimal, one_or_many, tables,
};

/// Loads and validates a knowledge base from its files. Paths are relative to the KB root.
pub fn load(files: &[SourceFile]) -> Result<Kb, KbErrors> {
    load_as(files, version_of(files), Fx::CheckEveryRate)
}

/// [`load`] for files already checked whole (the bundled KB's, which its tests load with
/// [`load`]): the content version computed by [`version_of_files`] at build time, and the
/// exchange-rate rows read when a rate is asked for, so that a process does not hash and parse
/// megabytes it knows at start. Everything else is validated as by [`load`].
pub fn load_prehashed(files: &[SourceFile], version: &str) -> Result<Kb, KbErrors> {
    load_as(files, KbVersion(version.to_owned()), Fx::CheckedBefore)
}

/// How much of the exchange-rate tables is checked on loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fx {
    CheckEveryRate,
    CheckedBefore,
}

/// The content version of a KB's files, as [`load`] computes it: `sha256:` and the first 16
/// hex digits of the hash of every file's path and content (each length-prefixed), in path
/// order.
pub fn version_of_files(files: &[SourceFile]) -> String {
    version_of(files).0
}

fn load_as(files: &[SourceFile], version: KbVersion, fx_check: Fx) -> Result<Kb, KbErrors> {
    let mut errors = Vec::new();
    let mut files: Vec<&SourceFile> = files.iter().collect();
    // Unions before markets, which build on them; otherwise path order.
    files.sort_by(|a, b| {
        (!a.path.starts_with("unions/"), &a.path).cmp(&(!b.path.starts_with("unions/"), &b.path))
    });

    let nomenclature = match files.iter().find(|file| file.path == "hs/hs2022.csv") {
        Some(file) => hs::parse(&file.path, &file.text, &mut errors),
        None => {
            errors.push(KbError {
                file: "hs/hs2022.csv".to_owned(),
                line: 1,
                message: "the KB has no HS nomenclature file".to_owned(),
            });
            Nomenclature::default()
        }
    };

    let text_of = |path: &str| files.iter().find(|file| file.path == path).map(|f| f.text.as_str());
    let read = match fx_check {
        Fx::CheckEveryRate => preclear_fx::Rates::parse,
        Fx::CheckedBefore => preclear_fx::Rates::parse_checked,
    };
    let fx = match read(text_of(preclear_fx::ECB_FILE), text_of(preclear_fx::HMRC_FILE)) {
        Ok(rates) => rates,
        Err(fx_errors) => {
            errors.extend(fx_errors.into_iter().take(20).map(|e| KbError {
                file: e.file.to_owned(),
                line: u32::try_from(e.line).unwrap_or(u32::MAX),
                message: e.message,
            }));
            preclear_fx::Rates::default()
        }
    };

    let mut loader = Loader {
        nomenclature: &nomenclature,
        ids: HashMap::new(),
        name: String::new(),
        edition: String::new(),
        markets: BTreeMap::new(),
        unions: BTreeMap::new(),
        agreements: Vec::new(),
        market_unions: BTreeMap::new(),
        regimes: Vec::new(),
        categories: BTreeMap::new(),
        vocabulary: Vec::new(),
        cues: Vec::new(),
        legal_notes: Vec::new(),
        shared_documents: Vec::new(),
    };
    for file in files.iter().filter(|file| file.path.ends_with(".toml")) {
        loader.file(file, &mut errors);
    }
    for file in &files {
        let known = file.path.ends_with(".toml")
            || file.path == "hs/hs2022.csv"
            || file.path == preclear_fx::ECB_FILE
            || file.path == preclear_fx::HMRC_FILE
            || file.path.ends_with(".md")
            || file.path.ends_with(".txt");
        if !known {
            errors.push(KbError { file: file.path.clone(), line: 1, message: "unexpected file in the KB (expected .toml data, hs/hs2022.csv, fx/ecb-daily.csv, fx/hmrc-monthly.csv, or .md/.txt notes)".to_owned() });
        }
    }
    if loader.name.is_empty() && errors.is_empty() {
        errors.push(KbError {
            file: "kb.toml".to_owned(),
            line: 1,
            message: "the KB has no kb.toml naming it".to_owned(),
        });
    }
    // Every member of a union is a market of the KB, and says so.
    for (union, _, location) in loader.unions.values() {
        for member in &union.members {
            let message = match loader.market_unions.get(member.as_str()) {
                None => format!(
                    "union `{}` lists member `{member}`, which has no markets/{member}.toml",
                    union.id
                ),
                Some(named) if named.as_deref() != Some(&*union.id) => format!(
                    "union `{}` lists member `{member}`, but markets/{member}.toml does not say `union = \"{}\"` in its [market] table",
                    union.id, union.id
                ),
                Some(_) => continue,
            };
            errors.push(KbError { file: location.file.to_string(), line: location.line, message });
        }
    }
    agreements::check_members(&loader.agreements, &loader.unions, &mut errors);
    let unions = loader.unions.values().map(|(union, ..)| union.clone()).collect();
    let Loader {
        name,
        edition,
        mut markets,
        agreements,
        regimes,
        categories,
        vocabulary,
        cues,
        legal_notes,
        shared_documents,
        ..
    } = loader;
    let vocabulary_provenance = vocabulary
        .iter()
        .map(|(terms, provenance)| (terms.id.clone(), provenance.clone()))
        .collect();
    let vocabulary = std::sync::Arc::new(preclear_domain::CategoryVocabulary {
        entries: vocabulary.into_iter().map(|(terms, _)| terms).collect(),
    });
    for agreement in &agreements {
        agreements::derive(agreement, &mut markets);
    }
    let classifier =
        std::sync::Arc::new(preclear_classify::Classifier::new(preclear_classify::Knowledge {
            cues,
            notes: legal_notes,
            nomenclature: nomenclature.entries().collect(),
            categories: categories
                .values()
                .map(|rule| preclear_classify::CategoryDefault {
                    category: rule.category,
                    hs: rule.default_hs.subheading().to_owned(),
                    citations: shared::citations(&rule.provenance),
                    confidence: rule.provenance.confidence,
                })
                .collect(),
            vocabulary: vocabulary.clone(),
        }));
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(KbErrors(errors));
    }
    Ok(Kb {
        version,
        name,
        edition,
        markets,
        unions,
        agreements,
        regimes,
        categories,
        vocabulary,
        vocabulary_provenance,
        classifier,
        shared_documents,
        nomenclature,
        fx,
    })
}

/// `sha256:` and the first 16 hex digits of the hash of every file's path and content, in path order.
fn version_of(files: &[SourceFile]) -> KbVersion {
    let mut sorted: Vec<&SourceFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = Sha256::new();
    for file in sorted {
        hasher.update((file.path.len() as u64).to_le_bytes());
        hasher.update(file.path.as_bytes());
        hasher.update((file.text.len() as u64).to_le_bytes());
        hasher.update(file.text.as_bytes());
    }
    let digest = hasher.finalize();
    let hex = hex::encode(digest);
    KbVersion(format!("sha256:{}", hex.get(..16).unwrap_or(&hex)))
}

struct Loader<'n> {
    nomenclature: &'n Nomenclature,
    /// Every rule id seen, with where it was first defined.
    ids: HashMap<String, Location>,
    name: String,
    edition: String,
    markets: BTreeMap<Country, Market>,
    /// Unions by id, with their rules and where they are declared.
    unions: BTreeMap<String, (Union, Body, Location)>,
    agreements: Vec<Agreement>,
    /// For every market file (by the code in its name): the union its `[market]` names, if any.
    market_unions: BTreeMap<String, Option<String>>,
    regimes: Vec<ExportRegime>,
    categories: BTreeMap<Category, CategoryRule>,
    vocabulary: Vec<(preclear_domain::CategoryTerms, Provenance)>,
    cues: Vec<preclear_classify::Cue>,
    legal_notes: Vec<preclear_classify::LegalNote>,
    shared_documents: Vec<DocumentRule>,
}

/// The facts and rules of a market file or a union file. `valid` is false when something in it
/// was reported as an error (the market is then not built).
#[derive(Clone)]
struct Body {
    valid: bool,
    rounding: Option<Fact<Rounding>>,
    valuation: Option<Fact<Valuation>>,
    de_minimis: Option<Fact<DeMinimis>>,
    importer: Option<Fact<ImporterRule>>,
    vat_recovery: Option<Fact<VatRecovery>>,
    ior_unsuitable: Vec<IorUnsuitable>,
    levies: Vec<Levy>,
    requirements: Vec<Requirement>,
    restrictions: Vec<Restriction>,
    documents: Vec<DocumentRule>,
    absences: Vec<Absence>,
}

impl Default for Body {
    fn default() -> Body {
        Body {
            valid: true,
            rounding: None,
            valuation: None,
            de_minimis: None,
            importer: None,
            vat_recovery: None,
            ior_unsuitable: Vec::new(),
            levies: Vec::new(),
            requirements: Vec::new(),
            restrictions: Vec::new(),
            documents: Vec::new(),
            absences: Vec::new(),
        }
    }
}

/// Reading one file: the context, the file's sources and a handle on the loader.
struct FileReader<'l, 'n, 'e> {
    ctx: Ctx<'e>,
    file: Arc<str>,
    sources: HashMap<String, Arc<Source>>,
    /// The sources declared, with where, and those a fact cited: one declared and never cited
    /// is an error (a dead reference, or a fact that forgot its source).
    declared: Vec<(String, std::ops::Range<usize>)>,
    cited: std::collections::HashSet<String>,
    loader: &'l mut Loader<'n>,
}

const MARKET_KEYS: &[&str] = &[
    "market",
    "sources",
    "rounding",
    "valuation",
    "de_minimis",
    "importer",
    "vat_recovery",
    "ior_unsuitable",
    "levy",
    "requirement",
    "restriction",
    "document",
    "absent",
];
const UNION_KEYS: &[&str] = &[
    "union",
    "sources",
    "rounding",
    "valuation",
    "de_minimis",
    "importer",
    "ior_unsuitable",
    "levy",
    "requirement",
    "restriction",
    "document",
    "absent",
];
const REGIME_FILE_KEYS: &[&str] = &[
    "regime",
    "sources",
    "country_group",
    "classification",
    "licence_rule",
    "embargo",
    "requirement",
    "reexport",
];
const CONDITION_KEYS: &[&str] = &[
    "category",
    "hs",
    "radio",
    "encryption",
    "battery",
    "battery_packing",
    "condition",
    "purpose",
    "transport_mode",
    "origin",
    "shipped_from",
    "gpu",
    "gpu_tpp_min",
    "gpu_tpp_below",
    "gpu_density_min",
    "gpu_density_below",
    "code_value_above",
    "shipment_quantity_at_most",
];
const REQUIREMENT_KEYS: &[&str] = &[
    "id",
    "kind",
    "name",
    "authority",
    "scope",
    "holder",
    "lead_time_days",
    "needed_before",
    "documents",
    "when",
    "unless",
];

impl<'n> Loader<'n> {
    fn file(&mut self, file: &SourceFile, errors: &mut Vec<KbError>) {
        let (root, syntax_errors) = DeTable::parse_recoverable(&file.text);
        let mut ctx = Ctx::new(&file.path, &file.text, errors);
        for err in &syntax_errors {
            let span = err.span().unwrap_or(0..0);
            let message = err.message().trim().to_owned();
            ctx.error(&span, format!("invalid TOML: {message}"));
        }
        if !syntax_errors.is_empty() {
            return;
        }
        let path = file.path.as_str();
        let mut reader = FileReader {
            ctx,
            file: Arc::from(path),
            sources: HashMap::new(),
            declared: Vec::new(),
            cited: std::collections::HashSet::new(),
            loader: self,
        };
        let table = root.get_ref();
        let span = root.span();
        if path == "kb.toml" {
            reader.kb_manifest(table, span);
        } else if path == "hs/categories.toml" {
            reader.categories_file(table, span);
        } else if path == "hs/classification.toml" {
            reader.classification_file(table, span);
        } else if path == "shared/documents.toml" {
            reader.documents_file(table, span);
        } else if let Some(name) =
            path.strip_prefix("markets/").and_then(|rest| rest.strip_suffix(".toml"))
        {
            reader.market_file(name, table, span);
        } else if let Some(name) =
            path.strip_prefix("unions/").and_then(|rest| rest.strip_suffix(".toml"))
        {
            reader.union_file(name, table, span);
        } else if path.starts_with("export-controls/") {
            reader.regime_file(table, span);
        } else if let Some(name) =
            path.strip_prefix("agreements/").and_then(|rest| rest.strip_suffix(".toml"))
        {
            reader.agreement_file(name, table, span);
        } else {
            reader.ctx.error(&(0..0), "unexpected TOML file: the KB has kb.toml, hs/categories.toml, hs/classification.toml, shared/documents.toml, unions/<ID>.toml, markets/<CC>.toml, export-controls/<id>.toml and agreements/<id>.toml");
        }
        let FileReader { mut ctx, declared, cited, .. } = reader;
        for (id, span) in declared {
            if !cited.contains(&id) {
                ctx.error(&span, format!("source `{id}` is declared but no fact cites it: cite it where it is used, or remove it"));
            }
        }
    }
}

impl FileReader<'_, '_, '_> {
    fn location(&self, span: &Range<usize>) -> Location {
        Location { file: self.file.clone(), line: self.ctx.line(span) }
    }

    /// Registers a rule id; a second definition anywhere in the KB is an error.
    fn rule_id(&mut self, table: &TableReader<'_, '_>) -> Option<Arc<str>> {
        let id = table.str(&mut self.ctx, "id")?;
        let span = table.get("id").map(|entry| entry.value.span()).unwrap_or(table.span.clone());
        let valid = !id.is_empty()
            && id.chars().all(|ch| {
                ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '.' | '-' | '_')
            });
        if !valid {
            self.ctx.error(
                &span,
                format!("id `{id}` must be lower-case letters, digits, `.`, `-` or `_`"),
            );
            return None;
        }
        let location = self.location(&span);
        if let Some(first) = self.loader.ids.get(id) {
            self.ctx.error(&span, format!("id `{id}` is already defined at {first}"));
            return None;
        }
        self.loader.ids.insert(id.to_owned(), location);
        Some(Arc::from(id))
    }

    fn sources(&mut self, root: &TableReader<'_, '_>) {
        let Some(entry) = root.get("sources") else { return };
        // Every key of `[sources]` is a source id, so the table is read directly.
        let toml::de::DeValue::Table(table) = entry.value.get_ref() else {
            self.ctx
                .error(&entry.value.span(), "`sources` must be a table of [sources.<id>] entries");
            return;
        };
        for (key, value) in table.iter() {
            let id: &str = key.get_ref();
            self.declared.push((id.to_owned(), key.span()));
            let what = format!("source `{id}`");
            let Some(source) = TableReader::from_value(
                &mut self.ctx,
                value,
                &what,
                &[&["title", "url", "document"]],
            ) else {
                continue;
            };
            let title = source.str(&mut self.ctx, "title");
            let url = source.opt_str(&mut self.ctx, "url");
            let document = source.opt_str(&mut self.ctx, "document");
            if let (Some(title), Some(url), Some(document)) = (title, url, document) {
                if url.is_none() && document.is_none() {
                    self.ctx.error(&value.span(), format!("{what} needs a `url` or a `document`"));
                    continue;
                }
                if let Some(url) = url
                    && !(url.starts_with("https://") || url.starts_with("http://"))
                {
                    self.ctx.error(
                        &value.span(),
                        format!("{what}: `url` must start with https:// or http://"),
                    );
                    continue;
                }
                self.sources.insert(
                    id.to_owned(),
                    Arc::new(Source {
                        id: id.to_owned(),
                        title: title.to_owned(),
                        url: url.map(str::to_owned),
                        document: document.map(str::to_owned),
                    }),
                );
            }
        }
    }

    fn provenance(&mut self, table: &TableReader<'_, '_>) -> Option<Provenance> {
        let sources = match table.get("source") {
            None => {
                self.ctx
                    .error(&table.span, format!("{} is missing required key `source`", table.what));
                None
            }
            Some(entry) => {
                let ids = one_or_many(&mut self.ctx, entry.value, "source");
                ids.and_then(|ids| {
                    let mut resolved = Vec::with_capacity(ids.len());
                    for id in ids {
                        match self.sources.get(id) {
                            Some(source) => {
                                self.cited.insert(id.to_owned());
                                resolved.push(source.clone());
                            }
                            None => {
                                self.ctx.error(
                                    &entry.value.span(),
                                    format!(
                                        "source `{id}` is not declared in this file's [sources]"
                                    ),
                                );
                                return None;
                            }
                        }
                    }
                    Some(resolved)
                })
            }
        };
        let confidence = table.parsed(&mut self.ctx, "confidence", confidence);
        let as_of = table.date(&mut self.ctx, "as_of");
        let from = table.opt_date(&mut self.ctx, "effective_from");
        let to = table.opt_date(&mut self.ctx, "effective_to");
        let review_by = table.opt_date(&mut self.ctx, "review_by");
        let note = table.opt_str(&mut self.ctx, "note");
        if let (Some(Some(from)), Some(Some(to))) = (from, to)
            && from >= to
        {
            self.ctx.error(&table.span, format!("{}: effective_from {from} must be before effective_to {to} (effective_to is exclusive)", table.what));
            return None;
        }
        Some(Provenance {
            sources: sources?,
            confidence: confidence?,
            as_of: as_of?,
            effective_from: from?,
            effective_to: to?,
            review_by: review_by?,
            note: note?.map(str::to_owned),
            location: self.location(&table.span),
        })
    }

    fn conditions(&mut self, table: &TableReader<'_, '_>, key: &str) -> Option<Option<Conditions>> {
        let Some(entry) = table.get(key) else { return Some(None) };
        let what = format!("`{key}` of {}", table.what);
        let cond = TableReader::from_value(&mut self.ctx, entry.value, &what, &[CONDITION_KEYS])?;
        let nomenclature = self.loader.nomenclature;
        let ctx = &mut self.ctx;
        let category = cond.opt_list(ctx, "category", Category::parse);
        let hs = cond.opt_list(ctx, "hs", |text| self_hs_prefix(nomenclature, text));
        let radio = any_or(ctx, &cond, "radio", |ctx, cond| {
            cond.opt_list(ctx, "radio", Radio::parse)
                .map(|list| list.map(|radios| radios.into_iter().collect::<RadioSet>()))
        });
        let encryption = cond.opt_list(ctx, "encryption", Encryption::parse);
        let battery = any_or(ctx, &cond, "battery", |ctx, cond| {
            cond.opt_list(ctx, "battery", BatteryChemistry::parse)
        });
        let battery_packing = cond.opt_list(ctx, "battery_packing", BatteryPacking::parse);
        let condition = cond.opt_list(ctx, "condition", Condition::parse);
        let purpose = cond.opt_list(ctx, "purpose", Purpose::parse);
        let transport_mode = cond.opt_list(ctx, "transport_mode", TransportMode::parse);
        let origin = cond.opt_list(ctx, "origin", country);
        let shipped_from = cond.opt_list(ctx, "shipped_from", country);
        let gpu = if cond.has("gpu") { cond.bool(ctx, "gpu").map(Some) } else { Some(None) };
        let gpu_tpp_min = cond.opt_parsed(ctx, "gpu_tpp_min", decimal);
        let gpu_tpp_below = cond.opt_parsed(ctx, "gpu_tpp_below", decimal);
        let gpu_density_min = cond.opt_parsed(ctx, "gpu_density_min", decimal);
        let gpu_density_below = cond.opt_parsed(ctx, "gpu_density_below", decimal);
        let code_value_above = cond.opt_parsed(ctx, "code_value_above", money);
        let shipment_quantity_at_most = cond.opt_parsed(ctx, "shipment_quantity_at_most", |text| {
            text.parse::<u64>()
                .map_err(|_| format!("`{text}` is not a whole number of units (such as \"20\")"))
        });
        Some(Some(Conditions {
            category: category?,
            hs: hs?,
            radio: radio?,
            encryption: encryption?,
            battery: battery?,
            battery_packing: battery_packing?,
            condition: condition?,
            purpose: purpose?,
            transport_mode: transport_mode?,
            origin: origin?,
            shipped_from: shipped_from?,
            gpu: gpu?,
            gpu_tpp_min: gpu_tpp_min?,
            gpu_tpp_below: gpu_tpp_below?,
            gpu_density_min: gpu_density_min?,
            gpu_density_below: gpu_density_below?,
            code_value_above: code_value_above?,
            shipment_quantity_at_most: shipment_quantity_at_most?,
        }))
    }

    /// Reads every table of the array `[[key]]` in `root` (named `key` in messages) with the keys `allowed`, and keeps the
    /// values `read` builds from the tables that read cleanly (it reports the others' problems).
    fn each<T>(
        &mut self,
        root: &TableReader<'_, '_>,
        key: &str,
        allowed: &[&[&str]],
        mut read: impl FnMut(&mut Self, &TableReader<'_, '_>) -> Option<T>,
    ) -> Vec<T> {
        let Some(entry) = root.get(key) else { return Vec::new() };
        let mut out = Vec::new();
        for (table, span) in tables(&mut self.ctx, entry) {
            let reader = TableReader::new(&mut self.ctx, table, span, key, allowed);
            if let Some(value) = read(self, &reader) {
                out.push(value);
            }
        }
        out
    }
}

enum Destination {
    All,
    Country(Country),
    Group(Vec<Country>),
}

fn country(text: &str) -> Result<Country, String> {
    Country::parse(text).map_err(|err| err.to_string())
}

fn currency(text: &str) -> Result<Currency, String> {
    Currency::parse(text).map_err(|err| err.to_string())
}

/// An amount and its currency: `"2500 USD"`.
fn money(text: &str) -> Result<Money, String> {
    let expected = || format!("`{text}` is not an amount and a currency (such as \"2500 USD\")");
    let (amount, code) = text.trim().split_once(' ').ok_or_else(expected)?;
    let amount = decimal(amount).map_err(|_| expected())?;
    Ok(Money::new(amount, currency(code.trim())?))
}

fn self_hs_prefix(nomenclature: &Nomenclature, text: &str) -> Result<HsPrefix, String> {
    let prefix = HsPrefix::parse(text).map_err(|err| err.to_string())?;
    if !nomenclature.is_empty() && !nomenclature.contains_prefix(&prefix) {
        return Err(format!("HS prefix `{text}` does not exist in the HS 2022 nomenclature"));
    }
    Ok(prefix)
}

/// Reads a condition key that is either the string "any" or a list read by `list`.
fn any_or<T>(
    ctx: &mut Ctx<'_>,
    cond: &TableReader<'_, '_>,
    key: &str,
    list: impl FnOnce(&mut Ctx<'_>, &TableReader<'_, '_>) -> Option<Option<T>>,
) -> Option<Option<AnyOr<T>>> {
    match cond.get(key) {
        None => Some(None),
        Some(entry) if matches!(entry.value.get_ref(), toml::de::DeValue::String(_)) => {
            match as_str(ctx, entry.value, key) {
                Some("any") => Some(Some(AnyOr::Any)),
                _ => {
                    ctx.error(&entry.value.span(), format!("`{key}` must be \"any\" or a list"));
                    None
                }
            }
        }
        Some(_) => list(ctx, cond).map(|value| value.map(AnyOr::Some)),
    }
}

fn overlaps(a: &Provenance, b: &Provenance) -> bool {
    let starts_before_end =
        |from: Option<preclear_domain::Date>, to: Option<preclear_domain::Date>| match (from, to) {
            (Some(from), Some(to)) => from < to,
            _ => true,
        };
    starts_before_end(a.effective_from, b.effective_to)
        && starts_before_end(b.effective_from, a.effective_to)
}
