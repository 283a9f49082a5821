//! From files to a validated [`Kb`]: every problem in every file is collected, with file and line,
//! before the load is refused; a KB that loads is complete and consistent.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use preclear_domain::{
    BatteryChemistry, BatteryPacking, Category, Condition, Confidence, Country, Currency, Eccn,
    Encryption, HsCode, HsPrefix, Money, Percent, Purpose, Radio, RadioSet, Rounding, RoundingMode,
    TransportMode,
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
    let mut errors = Vec::new();
    let version = version_of(files);
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

    let mut loader = Loader {
        nomenclature: &nomenclature,
        ids: HashMap::new(),
        name: String::new(),
        edition: String::new(),
        markets: BTreeMap::new(),
        unions: BTreeMap::new(),
        market_unions: BTreeMap::new(),
        regimes: Vec::new(),
        categories: BTreeMap::new(),
        shared_documents: Vec::new(),
    };
    for file in files.iter().filter(|file| file.path.ends_with(".toml")) {
        loader.file(file, &mut errors);
    }
    for file in &files {
        let known = file.path.ends_with(".toml")
            || file.path == "hs/hs2022.csv"
            || file.path.ends_with(".md")
            || file.path.ends_with(".txt");
        if !known {
            errors.push(KbError { file: file.path.clone(), line: 1, message: "unexpected file in the KB (expected .toml data, hs/hs2022.csv, or .md/.txt notes)".to_owned() });
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
    let unions = loader.unions.values().map(|(union, ..)| union.clone()).collect();
    let Loader { name, edition, markets, regimes, categories, shared_documents, .. } = loader;
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
        regimes,
        categories,
        shared_documents,
        nomenclature,
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
    /// For every market file (by the code in its name): the union its `[market]` names, if any.
    market_unions: BTreeMap<String, Option<String>>,
    regimes: Vec<ExportRegime>,
    categories: BTreeMap<Category, CategoryRule>,
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
    loader: &'l mut Loader<'n>,
}

const MARKET_KEYS: &[&str] = &[
    "market",
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
        let mut reader =
            FileReader { ctx, file: Arc::from(path), sources: HashMap::new(), loader: self };
        let table = root.get_ref();
        let span = root.span();
        if path == "kb.toml" {
            reader.kb_manifest(table, span);
        } else if path == "hs/categories.toml" {
            reader.categories_file(table, span);
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
        } else {
            reader.ctx.error(&(0..0), "unexpected TOML file: the KB has kb.toml, hs/categories.toml, shared/documents.toml, unions/<ID>.toml, markets/<CC>.toml and export-controls/<id>.toml");
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
                            Some(source) => resolved.push(source.clone()),
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

    fn kb_manifest(&mut self, root: &DeTable<'_>, span: Range<usize>) {
        let table = TableReader::new(&mut self.ctx, root, span, "kb.toml", &[&["name", "edition"]]);
        if let (Some(name), Some(edition)) =
            (table.str(&mut self.ctx, "name"), table.str(&mut self.ctx, "edition"))
        {
            self.loader.name = name.to_owned();
            self.loader.edition = edition.to_owned();
        }
    }

    fn categories_file(&mut self, root: &DeTable<'_>, span: Range<usize>) {
        let table = TableReader::new(
            &mut self.ctx,
            root,
            span,
            "hs/categories.toml",
            &[&["sources", "category"]],
        );
        self.sources(&table);
        let Some(entry) = table.get("category") else { return };
        for (rule, span) in tables(&mut self.ctx, entry) {
            let rule = TableReader::new(
                &mut self.ctx,
                rule,
                span,
                "category",
                &[&["id", "default_hs", "expected_hs"], FACT_KEYS],
            );
            let category = rule.parsed(&mut self.ctx, "id", Category::parse);
            let nomenclature = self.loader.nomenclature;
            let default_hs = rule.parsed(&mut self.ctx, "default_hs", |text| {
                let code = HsCode::parse(text).map_err(|err| err.to_string())?;
                if !nomenclature.is_empty() && !nomenclature.contains(&code) {
                    return Err(format!("`{text}` does not exist in the HS 2022 nomenclature"));
                }
                Ok(code)
            });
            let expected_hs =
                rule.list(&mut self.ctx, "expected_hs", |text| self_hs_prefix(nomenclature, text));
            let provenance = self.provenance(&rule);
            if let (Some(category), Some(default_hs), Some(expected_hs), Some(provenance)) =
                (category, default_hs, expected_hs, provenance)
            {
                if self.loader.categories.contains_key(&category) {
                    self.ctx.error(&rule.span, format!("category `{category}` is defined twice"));
                    continue;
                }
                self.loader.categories.insert(
                    category,
                    CategoryRule { category, default_hs, expected_hs, provenance },
                );
            }
        }
    }

    fn documents_file(&mut self, root: &DeTable<'_>, span: Range<usize>) {
        let table = TableReader::new(
            &mut self.ctx,
            root,
            span,
            "shared/documents.toml",
            &[&["sources", "document"]],
        );
        self.sources(&table);
        let documents = self.documents(&table);
        self.loader.shared_documents.extend(documents);
    }

    fn documents(&mut self, table: &TableReader<'_, '_>) -> Vec<DocumentRule> {
        self.each(
            table,
            "document",
            &[&["id", "name", "when", "unless"], FACT_KEYS],
            |this, rule| {
                let id = this.rule_id(rule);
                let name = rule.str(&mut this.ctx, "name");
                let when = this.conditions(rule, "when");
                let unless = this.conditions(rule, "unless");
                let provenance = this.provenance(rule);
                if let (Some(id), Some(name), Some(when), Some(unless), Some(provenance)) =
                    (id, name, when, unless, provenance)
                {
                    return Some(DocumentRule {
                        id,
                        name: name.to_owned(),
                        when,
                        unless,
                        provenance,
                    });
                }

                None
            },
        )
    }

    /// Reads what a market file and a union file have in common. A market of a union starts from
    /// the union's rules: its levies may be computed on the union's (`base = ["eu.duty"]`), its
    /// restrictions may name the union's requirements, and single facts it omits are the union's.
    fn body(
        &mut self,
        table: &TableReader<'_, '_>,
        currency: Option<Currency>,
        inherited: Body,
    ) -> Body {
        let rounding = self.opt_fact(table, "rounding", &["mode", "decimal_places"], |reader, t| {
            let mode = t.parsed(&mut reader.ctx, "mode", |text| {
                RoundingMode::parse(text).ok_or_else(|| format!("`{text}` is not a rounding mode; expected one of: half_up, half_even, down, up"))
            });
            let places = t.uint(&mut reader.ctx, "decimal_places");
            if places.is_some_and(|places| places > 6) {
                reader.ctx.error(&t.span, "`decimal_places` must be 0 to 6");
                return None;
            }
            Some(Rounding { mode: mode?, decimal_places: places? })
        });
        let valuation =
            self.opt_fact(table, "valuation", &["basis", "landing_charge_percent"], |reader, t| {
                let basis = t.parsed(&mut reader.ctx, "basis", |text| match text {
                    "CIF" => Ok(Known::Known(ValuationBasis::Cif)),
                    "FOB" => Ok(Known::Known(ValuationBasis::Fob)),
                    "unknown" => Ok(Known::Unknown),
                    other => Err(format!(
                        "`{other}` is not a valuation basis; expected CIF, FOB or unknown"
                    )),
                });
                let landing = t.opt_parsed(&mut reader.ctx, "landing_charge_percent", |text| {
                    Percent::parse(text).map_err(|err| err.to_string())
                });
                Some(Valuation { basis: basis?, landing_charge: landing? })
            });
        let de_minimis = self.opt_fact(table, "de_minimis", &["value", "waives"], |reader, t| {
            let value = t.parsed(&mut reader.ctx, "value", |text| match text {
                "unknown" => Ok(Known::Unknown),
                "none" => Ok(Known::Known(None)),
                amount => {
                    let amount = decimal(amount)?;
                    currency
                        .map(|currency| Known::Known(Some(Money::new(amount, currency))))
                        .ok_or_else(|| "the market currency is invalid".to_owned())
                }
            });
            let waives = t.opt_list(&mut reader.ctx, "waives", |text| match text {
                "duty" | "tax" => Ok(text.to_owned()),
                other => Err(format!("`{other}` is not waivable; expected duty or tax")),
            });
            let waives = waives?.unwrap_or_default();
            Some(DeMinimis {
                value: value?,
                waives_duty: waives.iter().any(|w| w == "duty"),
                waives_tax: waives.iter().any(|w| w == "tax"),
            })
        });
        let importer =
            self.opt_fact(table, "importer", &["non_resident_allowed", "route"], |reader, t| {
                let allowed = t.known_bool(&mut reader.ctx, "non_resident_allowed");
                let route = t.str(&mut reader.ctx, "route");
                Some(ImporterRule { non_resident_allowed: allowed?, route: route?.to_owned() })
            });
        let mut body = inherited;
        // `None`: the table is present but invalid (already reported).
        body.valid &=
            rounding.is_some() && valuation.is_some() && de_minimis.is_some() && importer.is_some();
        // A fact the file gives replaces the union's.
        if let Some(Some(fact)) = rounding {
            body.rounding = Some(fact);
        }
        if let Some(Some(fact)) = valuation {
            body.valuation = Some(fact);
        }
        if let Some(Some(fact)) = de_minimis {
            body.de_minimis = Some(fact);
        }
        if let Some(Some(fact)) = importer {
            body.importer = Some(fact);
        }
        body.ior_unsuitable.extend(self.ior_unsuitable(table));
        body.levies = self.levies(table, currency, std::mem::take(&mut body.levies));
        body.requirements.extend(self.requirements(table, "requirement"));
        let restrictions = self.restrictions(table, &body.requirements);
        body.restrictions.extend(restrictions);
        body.documents.extend(self.documents(table));
        body.absences.extend(self.absences(table));
        body
    }

    fn union_file(&mut self, file_code: &str, root: &DeTable<'_>, span: Range<usize>) {
        let table =
            TableReader::new(&mut self.ctx, root, span.clone(), "union file", &[UNION_KEYS]);
        self.sources(&table);
        let Some(header) = table.get("union").and_then(|entry| {
            TableReader::from_value(
                &mut self.ctx,
                entry.value,
                "[union]",
                &[&["id", "name", "currency", "members"]],
            )
        }) else {
            self.ctx.error(&span, "union file has no [union] table");
            return;
        };
        let id = header.str(&mut self.ctx, "id");
        let name = header.str(&mut self.ctx, "name");
        let currency = header.parsed(&mut self.ctx, "currency", currency);
        let members = header.list(&mut self.ctx, "members", country);
        if let Some(id) = id
            && id != file_code
        {
            self.ctx.error(&header.span, format!("union `{id}` is in file unions/{file_code}.toml; the file must be named unions/{id}.toml"));
        }
        let body = self.body(&table, currency, Body::default());
        let (Some(id), Some(name), Some(members)) = (id, name, members) else { return };
        let union =
            Union { id: Arc::from(id), name: name.to_owned(), members, file: self.file.clone() };
        let location = self.location(&header.span);
        self.loader.unions.insert(id.to_owned(), (union, body, location));
    }

    fn market_file(&mut self, file_code: &str, root: &DeTable<'_>, span: Range<usize>) {
        let table =
            TableReader::new(&mut self.ctx, root, span.clone(), "market file", &[MARKET_KEYS]);
        self.sources(&table);
        let Some(header) = table.get("market").and_then(|entry| {
            TableReader::from_value(
                &mut self.ctx,
                entry.value,
                "[market]",
                &[&["country", "name", "currency", "union"]],
            )
        }) else {
            self.ctx.error(&span, "market file has no [market] table");
            return;
        };
        let country = header.parsed(&mut self.ctx, "country", country);
        let name = header.str(&mut self.ctx, "name");
        let currency = header.parsed(&mut self.ctx, "currency", currency);
        let union_id = header.opt_str(&mut self.ctx, "union").flatten();
        self.loader.market_unions.insert(file_code.to_owned(), union_id.map(str::to_owned));
        if let Some(country) = country
            && country.as_str() != file_code
        {
            self.ctx.error(&header.span, format!("market `{country}` is in file markets/{file_code}.toml; the file must be named markets/{country}.toml"));
        }
        // Unions are read before markets, so the union's rules are at hand.
        let loader = &*self.loader;
        let union = union_id.and_then(|id| loader.unions.get(id));
        let union_error = match (union_id, union, country) {
            (Some(id), None, _) => {
                let known: Vec<&str> = loader.unions.keys().map(String::as_str).collect();
                Some(format!(
                    "union `{id}` is not defined (unions/<ID>.toml); defined: {}",
                    if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                ))
            }
            (Some(id), Some((union, ..)), Some(country)) if !union.members.contains(&country) => {
                Some(format!(
                    "market `{country}` names union `{id}`, whose `members` do not list it"
                ))
            }
            _ => None,
        };
        // The member starts from (one copy of) the union's rules.
        let (union_id, inherited) = match union {
            Some((union, body, _)) => (Some(union.id.clone()), body.clone()),
            None => (None, Body::default()),
        };
        if let Some(message) = union_error {
            self.ctx.error(&header.span, message);
        }
        let body = self.body(&table, currency, inherited);
        let mut complete = body.valid;
        for (key, present) in [
            ("rounding", body.rounding.is_some()),
            ("valuation", body.valuation.is_some()),
            ("importer", body.importer.is_some()),
        ] {
            if !present && table.get(key).is_none() {
                let from_union =
                    if union_id.is_some() { " (and its union gives none)" } else { "" };
                self.ctx
                    .error(&table.span, format!("market file has no [{key}] table{from_union}"));
                complete = false;
            }
        }
        let Body {
            rounding: Some(rounding),
            valuation: Some(valuation),
            de_minimis,
            importer: Some(importer),
            ior_unsuitable,
            levies,
            requirements,
            restrictions,
            documents,
            absences,
            ..
        } = body
        else {
            return;
        };
        let (Some(country), Some(name), Some(currency), true) = (country, name, currency, complete)
        else {
            return;
        };
        let market = Market {
            country,
            name: name.to_owned(),
            currency,
            rounding,
            valuation,
            de_minimis,
            importer,
            ior_unsuitable,
            levies,
            requirements,
            restrictions,
            documents,
            absences,
            union: union_id,
            file: self.file.clone(),
        };
        self.loader.markets.insert(country, market);
    }

    /// `[[absent]]`: sourced statements that the market's law has nothing on a topic.
    fn absences(&mut self, root: &TableReader<'_, '_>) -> Vec<Absence> {
        self.each(root, "absent", &[&["topic"], FACT_KEYS], |this, rule| {
            let topic = rule.parsed(&mut this.ctx, "topic", |text| {
                match Topic::parse(text) {
                    Some(topic) if topic.may_be_absent() => Ok(topic),
                    _ => {
                        let topics: Vec<&str> = Topic::ALL.iter().filter(|t| t.may_be_absent()).map(|t| t.as_str()).collect();
                        Err(format!("`{text}` is not a topic that can be absent; expected one of: {}", topics.join(", ")))
                    }
                }
            });
            let provenance = this.provenance(rule)?;
            if provenance.note.is_none() {
                this.ctx.error(&rule.span, "[[absent]] needs a `note` saying what was established (e.g. \"no IMEI registration regime for imported devices\")");
                return None;
            }
            if provenance.confidence == Confidence::Unknown {
                this.ctx.error(&rule.span, "[[absent]] cannot have confidence \"unknown\": an absence that is not established is a [[requirement]] or [[restriction]] of unknown confidence, which the engine asks the operator to confirm");
                return None;
            }
            Some(Absence { topic: topic?, provenance })
        })
    }

    /// Reads an optional single-table fact (`[rounding]`), its own keys read by `read`: `None` if
    /// it is present but invalid (the problems are reported), `Some(None)` if it is absent.
    fn opt_fact<T>(
        &mut self,
        root: &TableReader<'_, '_>,
        key: &str,
        keys: &[&str],
        read: impl FnOnce(&mut Self, &TableReader<'_, '_>) -> Option<T>,
    ) -> Option<Option<Fact<T>>> {
        let Some(entry) = root.get(key) else { return Some(None) };
        let table = TableReader::from_value(
            &mut self.ctx,
            entry.value,
            &format!("[{key}]"),
            &[keys, FACT_KEYS],
        )?;
        let value = read(self, &table);
        let provenance = self.provenance(&table);
        Some(Some(Fact { value: value?, provenance: provenance? }))
    }

    fn ior_unsuitable(&mut self, root: &TableReader<'_, '_>) -> Vec<IorUnsuitable> {
        self.each(
            root,
            "ior_unsuitable",
            &[&["id", "purposes", "reason", "recommendation"], FACT_KEYS],
            |this, rule| {
                let id = this.rule_id(rule);
                let purposes = rule.list(&mut this.ctx, "purposes", Purpose::parse);
                let reason = rule.str(&mut this.ctx, "reason");
                let recommendation = rule.str(&mut this.ctx, "recommendation");
                let provenance = this.provenance(rule);
                if let (
                    Some(id),
                    Some(purposes),
                    Some(reason),
                    Some(recommendation),
                    Some(provenance),
                ) = (id, purposes, reason, recommendation, provenance)
                {
                    return Some(IorUnsuitable {
                        id,
                        purposes,
                        reason: reason.to_owned(),
                        recommendation: recommendation.to_owned(),
                        provenance,
                    });
                }

                None
            },
        )
    }

    /// Reads `[[levy]]` after the `inherited` levies (a union's), which a levy's `base` may name.
    fn levies(
        &mut self,
        root: &TableReader<'_, '_>,
        market_currency: Option<Currency>,
        inherited: Vec<Levy>,
    ) -> Vec<Levy> {
        let mut levies = inherited;
        let Some(entry) = root.get("levy") else { return levies };
        for (rule, span) in tables(&mut self.ctx, entry) {
            let rule = TableReader::new(
                &mut self.ctx,
                rule,
                span,
                "levy",
                &[
                    &[
                        "id",
                        "kind",
                        "name",
                        "base",
                        "method",
                        "minimum",
                        "maximum",
                        "limits_currency",
                        "when",
                        "unless",
                        "rate",
                    ],
                    FACT_KEYS,
                ],
            );
            let id = self.rule_id(&rule);
            let kind = rule.parsed(&mut self.ctx, "kind", |text| match text {
                "duty" => Ok(LevyKind::Duty),
                "tax" => Ok(LevyKind::Tax),
                "fee" => Ok(LevyKind::Fee),
                other => Err(format!("`{other}` is not a levy kind; expected duty, tax or fee")),
            });
            let name = rule.str(&mut self.ctx, "name");
            let method = rule.opt_parsed(&mut self.ctx, "method", |text| match text {
                "percent" => Ok(LevyMethod::Percent),
                "inclusive" => Ok(LevyMethod::Inclusive),
                "fixed" => Ok(LevyMethod::Fixed),
                other => Err(format!(
                    "`{other}` is not a levy method; expected percent, inclusive or fixed"
                )),
            });
            let method = method.map(|method| method.unwrap_or(LevyMethod::Percent));
            let base = if method == Some(LevyMethod::Fixed) && !rule.has("base") {
                Some(Vec::new())
            } else {
                let earlier: Vec<Arc<str>> = levies.iter().map(|levy| levy.id.clone()).collect();
                rule.list(&mut self.ctx, "base", |text| match text {
                    "customs_value" => Ok(BaseComponent::CustomsValue),
                    "goods_value" => Ok(BaseComponent::GoodsValue),
                    "freight_and_insurance" => Ok(BaseComponent::FreightAndInsurance),
                    id => earlier.iter().position(|earlier| &**earlier == id).map(BaseComponent::Levy).ok_or_else(|| {
                        format!("`{id}` is neither customs_value, goods_value, freight_and_insurance nor the id of a levy above this one (in this file or its union)")
                    }),
                })
            };
            let limits_currency = rule.opt_parsed(&mut self.ctx, "limits_currency", currency);
            let limit_currency = limits_currency.flatten().or(market_currency);
            let minimum = rule.opt_parsed(&mut self.ctx, "minimum", decimal);
            let maximum = rule.opt_parsed(&mut self.ctx, "maximum", decimal);
            let when = self.conditions(&rule, "when");
            let unless = self.conditions(&rule, "unless");
            let provenance = self.provenance(&rule);
            let rates = match (rule.get("rate"), method) {
                (Some(entry), Some(method)) => self.levy_rates(entry, method, market_currency),
                (None, _) => {
                    self.ctx.error(&rule.span, "levy has no [[levy.rate]]: give at least one rate, or a rate of \"unknown\"");
                    None
                }
                (Some(_), None) => None,
            };
            let (
                Some(id),
                Some(kind),
                Some(name),
                Some(method),
                Some(base),
                Some(minimum),
                Some(maximum),
                Some(when),
                Some(unless),
                Some(provenance),
                Some(rates),
                Some(limit_currency),
            ) = (
                id,
                kind,
                name,
                method,
                base,
                minimum,
                maximum,
                when,
                unless,
                provenance,
                rates,
                limit_currency,
            )
            else {
                continue;
            };
            levies.push(Levy {
                id,
                kind,
                name: name.to_owned(),
                base,
                method,
                minimum: minimum.map(|amount| Money::new(amount, limit_currency)),
                maximum: maximum.map(|amount| Money::new(amount, limit_currency)),
                when,
                unless,
                rates,
                provenance,
            });
        }
        levies
    }

    fn levy_rates(
        &mut self,
        entry: &crate::reader::Entry<'_, '_>,
        method: LevyMethod,
        market_currency: Option<Currency>,
    ) -> Option<Vec<LevyRate>> {
        let mut rates: Vec<LevyRate> = Vec::new();
        let mut ok = true;
        for (rate, span) in tables(&mut self.ctx, entry) {
            let rate = TableReader::new(
                &mut self.ctx,
                rate,
                span,
                "levy rate",
                &[&["hs", "origins", "percent", "amount", "currency"], FACT_KEYS],
            );
            let nomenclature = self.loader.nomenclature;
            let hs =
                rate.opt_parsed(&mut self.ctx, "hs", |text| self_hs_prefix(nomenclature, text));
            let origins = rate.opt_list(&mut self.ctx, "origins", country);
            let value = match method {
                LevyMethod::Percent | LevyMethod::Inclusive => {
                    if rate.has("amount") {
                        self.ctx.error(
                            &rate.span,
                            "a percent or inclusive levy takes `percent`, not `amount`",
                        );
                    }
                    rate.parsed(&mut self.ctx, "percent", |text| match text {
                        "unknown" => Ok(RateValue::Unknown),
                        text => {
                            let percent = Percent::parse(text).map_err(|err| err.to_string())?;
                            if method == LevyMethod::Inclusive
                                && percent.value() >= rust_decimal::Decimal::ONE_HUNDRED
                            {
                                return Err("an inclusive rate must be below 100".to_owned());
                            }
                            Ok(RateValue::Percent(percent))
                        }
                    })
                }
                LevyMethod::Fixed => {
                    if rate.has("percent") {
                        self.ctx.error(&rate.span, "a fixed levy takes `amount`, not `percent`");
                    }
                    let currency = rate
                        .opt_parsed(&mut self.ctx, "currency", currency)
                        .map(|c| c.or(market_currency));
                    rate.parsed(&mut self.ctx, "amount", |text| match text {
                        "unknown" => Ok(RateValue::Unknown),
                        text => {
                            let amount = decimal(text)?;
                            currency
                                .flatten()
                                .map(|currency| RateValue::Amount(Money::new(amount, currency)))
                                .ok_or_else(|| "no valid currency for the amount".to_owned())
                        }
                    })
                }
            };
            let provenance = self.provenance(&rate);
            let (Some(hs), Some(origins), Some(value), Some(provenance)) =
                (hs, origins, value, provenance)
            else {
                ok = false;
                continue;
            };
            let new = LevyRate { hs, origins, value, provenance };
            if let Some(clash) = rates.iter().find(|old| {
                old.hs == new.hs
                    && old.origins == new.origins
                    && overlaps(&old.provenance, &new.provenance)
            }) {
                self.ctx.error(
                    &rate.span,
                    format!("this rate and the one at line {} apply to the same HS prefix and origins on overlapping dates", clash.provenance.location.line),
                );
                ok = false;
                continue;
            }
            rates.push(new);
        }
        if rates.is_empty() && ok {
            self.ctx.error(&entry.value.span(), "levy has no rates");
            return None;
        }
        ok.then_some(rates)
    }

    fn requirements(&mut self, root: &TableReader<'_, '_>, key: &str) -> Vec<Requirement> {
        self.each(root, key, &[REQUIREMENT_KEYS, FACT_KEYS], |this, rule| this.requirement(rule))
    }

    fn requirement(&mut self, rule: &TableReader<'_, '_>) -> Option<Requirement> {
        let id = self.rule_id(rule);
        let ctx = &mut self.ctx;
        let kind = rule.parsed(ctx, "kind", |text| {
            RequirementKind::ALL.into_iter().find(|kind| kind.as_str() == text).ok_or_else(|| {
                let all: Vec<&str> =
                    RequirementKind::ALL.iter().map(|kind| kind.as_str()).collect();
                format!("`{text}` is not a requirement kind; expected one of: {}", all.join(", "))
            })
        });
        let name = rule.str(ctx, "name");
        let authority = rule.str(ctx, "authority");
        let scope = rule.parsed(ctx, "scope", |text| match text {
            "shipment" => Ok(Scope::Shipment),
            "model" => Ok(Scope::Model),
            "importer" => Ok(Scope::Importer),
            other => Err(format!("`{other}` is not a scope; expected shipment, model or importer")),
        });
        let holder = rule.parsed(ctx, "holder", |text| match text {
            "importer" => Ok(Holder::Importer),
            "manufacturer" => Ok(Holder::Manufacturer),
            "importer_or_manufacturer" => Ok(Holder::ImporterOrManufacturer),
            "local_entity" => Ok(Holder::LocalEntity),
            "exporter" => Ok(Holder::Exporter),
            "anyone" => Ok(Holder::Anyone),
            other => Err(format!("`{other}` is not a holder; expected importer, manufacturer, importer_or_manufacturer, local_entity, exporter or anyone")),
        });
        let lead_time = match rule.get("lead_time_days") {
            None => {
                ctx.error(&rule.span, format!("{} is missing required key `lead_time_days` (a {{ min, max }} table or \"unknown\")", rule.what));
                None
            }
            Some(entry) => match entry.value.get_ref() {
                toml::de::DeValue::String(text) if text == "unknown" => Some(Known::Unknown),
                toml::de::DeValue::Table(_) => {
                    TableReader::from_value(ctx, entry.value, "lead_time_days", &[&["min", "max"]])
                        .and_then(|days| {
                            let min = days.uint(ctx, "min");
                            let max = days.uint(ctx, "max");
                            match (min, max) {
                                (Some(min), Some(max)) if min <= max => {
                                    Some(Known::Known(LeadTime { min, max }))
                                }
                                (Some(min), Some(max)) => {
                                    ctx.error(
                                        &entry.value.span(),
                                        format!("lead_time_days min {min} is above max {max}"),
                                    );
                                    None
                                }
                                _ => None,
                            }
                        })
                }
                _ => {
                    ctx.error(
                        &entry.value.span(),
                        "`lead_time_days` must be { min = N, max = N } or \"unknown\"",
                    );
                    None
                }
            },
        };
        let needed_before = rule.parsed(ctx, "needed_before", |text| match text {
            "departure" => Ok(NeededBefore::Departure),
            "arrival" => Ok(NeededBefore::Arrival),
            "clearance" => Ok(NeededBefore::Clearance),
            other => {
                Err(format!("`{other}` is not a moment; expected departure, arrival or clearance"))
            }
        });
        let documents = rule.opt_list(ctx, "documents", |text| Ok(text.to_owned()));
        let when = self.conditions(rule, "when");
        let unless = self.conditions(rule, "unless");
        let provenance = self.provenance(rule);
        Some(Requirement {
            id: id?,
            kind: kind?,
            name: name?.to_owned(),
            authority: authority?.to_owned(),
            scope: scope?,
            holder: holder?,
            lead_time: lead_time?,
            needed_before: needed_before?,
            documents: documents?.unwrap_or_default(),
            when: when?,
            unless: unless?,
            provenance: provenance?,
        })
    }

    fn restrictions(
        &mut self,
        root: &TableReader<'_, '_>,
        requirements: &[Requirement],
    ) -> Vec<Restriction> {
        self.each(root, "restriction", &[
                    &["id", "effect", "requirement", "name", "exceptions", "when", "unless"],
                    FACT_KEYS,
                ], |this, rule| {
            let id = this.rule_id(rule);
            let effect = rule.parsed(&mut this.ctx, "effect", |text| match text {
                "prohibited" | "licensed" => Ok(text.to_owned()),
                other => {
                    Err(format!("`{other}` is not an effect; expected prohibited or licensed"))
                }
            });
            let requirement = rule.opt_str(&mut this.ctx, "requirement");
            let effect = match (effect.as_deref(), requirement) {
                (Some("prohibited"), Some(None)) => Some(RestrictionEffect::Prohibited),
                (Some("prohibited"), Some(Some(_))) => {
                    this.ctx.error(&rule.span, "a prohibited restriction takes no `requirement`");
                    None
                }
                (Some("licensed"), Some(Some(req))) => {
                    match requirements.iter().position(|r| &*r.id == req) {
                        Some(idx) => Some(RestrictionEffect::Licensed(idx)),
                        None => {
                            this.ctx.error(&rule.span, format!("restriction names requirement `{req}`, which is not a [[requirement]] of this file or its union"));
                            None
                        }
                    }
                }
                (Some("licensed"), Some(None)) => {
                    this.ctx.error(&rule.span, "a licensed restriction needs `requirement`: the id of the licence's [[requirement]]");
                    None
                }
                _ => None,
            };
            let name = rule.str(&mut this.ctx, "name");
            let exceptions = rule.opt_str(&mut this.ctx, "exceptions");
            let when = this.conditions(rule, "when");
            let unless = this.conditions(rule, "unless");
            let provenance = this.provenance(rule);
            if let (
                Some(id),
                Some(effect),
                Some(name),
                Some(exceptions),
                Some(when),
                Some(unless),
                Some(provenance),
            ) = (id, effect, name, exceptions, when, unless, provenance)
            {
                return Some(Restriction {
                    id,
                    effect,
                    name: name.to_owned(),
                    exceptions: exceptions.map(str::to_owned),
                    when,
                    unless,
                    provenance,
                });
            }

 None })
    }

    fn regime_file(&mut self, root: &DeTable<'_>, span: Range<usize>) {
        let table = TableReader::new(
            &mut self.ctx,
            root,
            span.clone(),
            "export-control file",
            &[REGIME_FILE_KEYS],
        );
        self.sources(&table);
        let Some(header) = table.get("regime").and_then(|entry| {
            TableReader::from_value(
                &mut self.ctx,
                entry.value,
                "[regime]",
                &[&["id", "name", "origins"], FACT_KEYS],
            )
        }) else {
            self.ctx.error(&span, "export-control file has no [regime] table");
            return;
        };
        let id = self.rule_id(&header);
        let name = header.str(&mut self.ctx, "name");
        let origins = header.list(&mut self.ctx, "origins", country);
        let provenance = self.provenance(&header);

        let mut groups = BTreeMap::new();
        if let Some(entry) = table.get("country_group") {
            for (group, span) in tables(&mut self.ctx, entry) {
                let group = TableReader::new(
                    &mut self.ctx,
                    group,
                    span,
                    "country_group",
                    &[&["id", "name", "countries"], FACT_KEYS],
                );
                let id = group.str(&mut self.ctx, "id");
                let name = group.str(&mut self.ctx, "name");
                let countries = group.list(&mut self.ctx, "countries", country);
                let provenance = self.provenance(&group);
                if let (Some(id), Some(name), Some(countries), Some(provenance)) =
                    (id, name, countries, provenance)
                {
                    if groups.contains_key(id) {
                        self.ctx
                            .error(&group.span, format!("country group `{id}` is defined twice"));
                        continue;
                    }
                    groups.insert(
                        id.to_owned(),
                        CountryGroup {
                            id: id.to_owned(),
                            name: name.to_owned(),
                            countries,
                            provenance,
                        },
                    );
                }
            }
        }

        let classifications = self.each(
            &table,
            "classification",
            &[&["id", "eccn", "when", "unless", "determination"], FACT_KEYS],
            |this, rule| {
                let id = this.rule_id(rule);
                let eccn = rule.opt_parsed(&mut this.ctx, "eccn", |text| {
                    Eccn::parse(text).map_err(|err| err.to_string())
                });
                let when = this.conditions(rule, "when");
                let unless = this.conditions(rule, "unless");
                let determination = rule.str(&mut this.ctx, "determination");
                let provenance = this.provenance(rule);
                if let (
                    Some(id),
                    Some(eccn),
                    Some(when),
                    Some(unless),
                    Some(determination),
                    Some(provenance),
                ) = (id, eccn, when, unless, determination, provenance)
                {
                    return Some(Classification {
                        id,
                        eccn,
                        when,
                        unless,
                        determination: determination.to_owned(),
                        provenance,
                    });
                }

                None
            },
        );

        let licence_rules = self.each(
            &table,
            "licence_rule",
            &[
                &[
                    "id",
                    "eccns",
                    "destinations",
                    "licence_required",
                    "exception",
                    "review_policy",
                    "determination",
                ],
                FACT_KEYS,
            ],
            |this, rule| {
                let id = this.rule_id(rule);
                let eccns = rule.list(&mut this.ctx, "eccns", |text| {
                    let valid = text == "EAR99"
                        || Eccn::parse(text).is_ok()
                        || (text.len() >= 2
                            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'));
                    if valid {
                        Ok(text.to_owned())
                    } else {
                        Err(format!("`{text}` is not an ECCN or ECCN prefix"))
                    }
                });
                let destinations = this.destinations(rule, &groups);
                let licence_required = rule.known_bool(&mut this.ctx, "licence_required");
                let exception = rule.opt_str(&mut this.ctx, "exception");
                let review_policy =
                    rule.opt_parsed(&mut this.ctx, "review_policy", ReviewPolicy::parse);
                let determination = rule.str(&mut this.ctx, "determination");
                let provenance = this.provenance(rule);
                if let (Some(Some(policy)), Some(Known::Known(false))) =
                    (review_policy, licence_required)
                {
                    this.ctx.error(
                        &rule.span,
                        format!(
                            "{}: review_policy `{}` needs licence_required = true",
                            rule.what,
                            policy.as_str()
                        ),
                    );
                    return None;
                }
                if let (
                    Some(id),
                    Some(eccns),
                    Some((destinations, all)),
                    Some(licence_required),
                    Some(exception),
                    Some(review_policy),
                    Some(determination),
                    Some(provenance),
                ) = (
                    id,
                    eccns,
                    destinations,
                    licence_required,
                    exception,
                    review_policy,
                    determination,
                    provenance,
                ) {
                    return Some(LicenceRule {
                        id,
                        eccns,
                        destinations,
                        all_destinations: all,
                        licence_required,
                        exception: exception.map(str::to_owned),
                        review_policy,
                        determination: determination.to_owned(),
                        provenance,
                    });
                }

                None
            },
        );

        let embargoes = self.each(
            &table,
            "embargo",
            &[&["id", "name", "destinations", "when", "unless"], FACT_KEYS],
            |this, rule| {
                let id = this.rule_id(rule);
                let name = rule.str(&mut this.ctx, "name");
                let destinations = this.destinations(rule, &groups);
                let when = this.conditions(rule, "when");
                let unless = this.conditions(rule, "unless");
                let provenance = this.provenance(rule);
                if let (
                    Some(id),
                    Some(name),
                    Some((destinations, all)),
                    Some(when),
                    Some(unless),
                    Some(provenance),
                ) = (id, name, destinations, when, unless, provenance)
                {
                    if all {
                        this.ctx
                            .error(&rule.span, "an embargo must name its destinations, not \"*\"");
                        return None;
                    }
                    return Some(Embargo {
                        id,
                        name: name.to_owned(),
                        destinations,
                        when,
                        unless,
                        provenance,
                    });
                }

                None
            },
        );
        let requirements = self.requirements(&table, "requirement");
        let reexport = self.opt_fact(&table, "reexport", &["foreign_made"], |reader, t| {
            let foreign_made = t.opt_str(&mut reader.ctx, "foreign_made")?;
            Some(Reexport { foreign_made: foreign_made.map(str::to_owned) })
        });
        if let (Some(id), Some(name), Some(origins), Some(provenance), Some(reexport)) =
            (id, name, origins, provenance, reexport)
        {
            let file = self.file.clone();
            self.loader.regimes.push(ExportRegime {
                id,
                name: name.to_owned(),
                origins,
                groups,
                classifications,
                licence_rules,
                embargoes,
                requirements,
                reexport,
                provenance,
                file,
            });
        }
    }

    /// `destinations`: countries, `group:<id>` references (expanded), or `"*"`.
    fn destinations(
        &mut self,
        rule: &TableReader<'_, '_>,
        groups: &BTreeMap<String, CountryGroup>,
    ) -> Option<(Vec<Country>, bool)> {
        let items = rule.list(&mut self.ctx, "destinations", |text| {
            if text == "*" {
                return Ok(Destination::All);
            }
            if let Some(group) = text.strip_prefix("group:") {
                return groups
                    .get(group)
                    .map(|group| Destination::Group(group.countries.clone()))
                    .ok_or_else(|| {
                        format!("country group `{group}` is not defined above in this file")
                    });
            }
            country(text).map(Destination::Country)
        })?;
        let mut countries = Vec::new();
        let mut all = false;
        for item in items {
            match item {
                Destination::All => all = true,
                Destination::Country(country) => countries.push(country),
                Destination::Group(members) => countries.extend(members),
            }
        }
        countries.sort();
        countries.dedup();
        Some((countries, all))
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
