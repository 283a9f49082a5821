//! Building the shipment request (PRODUCT.md) from a table: the sheet's metadata supplies the
//! top-level values and the defaults (CLI flags, form fields) supply what the sheet lacks.

use std::collections::BTreeMap;
use std::fmt::Display;

use preclear_domain::request::parse_shipment_value;
use preclear_domain::{Category, Currency, Rounding, RoundingMode, Shipment};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::ImportError;
use crate::at::At;
use crate::field::Field;
use crate::numbers::parse_number;
use crate::table::{CURRENCY_KEYS, Problem, SourceLine, Table};
use crate::vocab::{
    infer_category_from_hs, parse_category, parse_condition, parse_country, parse_currency,
    parse_encryption, parse_incoterm, parse_purpose, parse_radio, parse_transport_mode,
};

/// Values for the request's top-level fields (and two item fields) that the sheet may lack:
/// what the CLI flags or the web form supply. Each is used only where the sheet has no value;
/// where both have one and they differ, that is an error naming the cell and the flag.
///
/// The flags named in problems are `--reference`, `--client-name`, `--client-country`,
/// `--local-entity-in-destination`, `--origin`, `--destination`, `--currency`,
/// `--transport-mode`, `--incoterm`, `--purpose`, `--freight`, `--insurance`,
/// `--consignee-name`, `--consignee-country`, `--consignee-address`, `--category` and
/// `--condition`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestDefaults {
    /// Who reads the messages (how they are told to give what the sheet lacks).
    pub audience: crate::Audience,
    /// The words that name each category in descriptions: the KB's vocabulary
    /// (`Kb::category_vocabulary`). Empty, nothing is inferred from words (only from HS codes).
    pub vocabulary: std::sync::Arc<preclear_domain::CategoryVocabulary>,
    /// The shipment reference (`--reference`).
    pub reference: Option<String>,
    /// The client's legal name (`--client-name`).
    pub client_name: Option<String>,
    /// The client's country, ISO code or name (`--client-country`).
    pub client_country: Option<String>,
    /// The export country (`--origin`).
    pub origin: Option<String>,
    /// The import country (`--destination`).
    pub destination: Option<String>,
    /// The currency of the amounts (`--currency`).
    pub currency: Option<String>,
    /// air, sea, road, rail or courier (`--transport-mode`).
    pub transport_mode: Option<String>,
    /// The Incoterm (`--incoterm`).
    pub incoterm: Option<String>,
    /// business_use, resale, consumer_sale, temporary_import or return_for_repair
    /// (`--purpose`).
    pub purpose: Option<String>,
    /// International freight, a decimal amount (`--freight`).
    pub freight: Option<String>,
    /// Insurance, a decimal amount (`--insurance`).
    pub insurance: Option<String>,
    /// The consignee's name (`--consignee-name`).
    pub consignee_name: Option<String>,
    /// The consignee's country (`--consignee-country`); the destination when not given.
    pub consignee_country: Option<String>,
    /// The consignee's address (`--consignee-address`).
    pub consignee_address: Option<String>,
    /// The category of items whose row has none (`--category`); otherwise it is inferred.
    pub category: Option<String>,
    /// The condition of items whose row has none (`--condition`).
    pub condition: Option<String>,
    /// Whether the client has its own entity in the destination
    /// (`--local-entity-in-destination`).
    pub local_entity_in_destination: Option<bool>,
}

/// What an import produced: the request, the table it came from, and where each item came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The shipment request as JSON, in the PRODUCT.md contract. Fields that neither the sheet
    /// nor the defaults supply are absent, so that the validator names them too.
    pub request: Value,
    /// The table, with every problem of the import (the sheet's and the request's) in
    /// `table.problems`.
    pub table: Table,
    /// `items[i]` came from the line starting at this row.
    pub items: Vec<At>,
    /// What was inferred or converted (`category of items[2] inferred as switch from the
    /// description`).
    pub notes: Vec<String>,
    /// The cells that top-level request fields came from (`currency`, `origin`,
    /// `consignee.name`).
    pub top_level: BTreeMap<String, At>,
    item_fields: Vec<BTreeMap<String, At>>,
}

impl Imported {
    /// Every problem found, in order (errors and warnings).
    pub fn problems(&self) -> &[Problem] {
        &self.table.problems
    }

    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.table.has_errors()
    }

    /// The cell a request path came from: `items[3].quantity` → the Quantity cell of that item
    /// (the item's row when the value was not read from a cell, e.g. an inferred category);
    /// `items[3]` → the row; top-level fields → the metadata cell, or `None`.
    pub fn locate(&self, request_path: &str) -> Option<At> {
        if let Some(rest) = request_path.strip_prefix("items[") {
            let (index, after) = rest.split_once(']')?;
            let index: usize = index.parse().ok()?;
            let row = self.items.get(index)?;
            let Some(after) = after.strip_prefix('.') else {
                return Some(row.clone());
            };
            let name = after.split(['.', '[']).next().unwrap_or(after);
            let fields = self.item_fields.get(index)?;
            return Some(fields.get(name).cloned().unwrap_or_else(|| row.clone()));
        }
        if let Some(at) = self.top_level.get(request_path) {
            return Some(at.clone());
        }
        let head = request_path.split(['.', '[']).next().unwrap_or(request_path);
        self.top_level.get(head).cloned()
    }

    /// Validates the request with [`parse_shipment_value`]: the shipment when there is no
    /// error, else [`ImportError::Problems`] with the import's errors and the validator's (each
    /// placed in its cell by [`Imported::locate`]; a validator error on a path the import already
    /// reported is not repeated).
    pub fn validate(&self) -> Result<Shipment, ImportError> {
        let mut errors: Vec<Problem> =
            self.table.problems.iter().filter(|problem| problem.is_error()).cloned().collect();
        match parse_shipment_value(&self.request) {
            Ok(shipment) if errors.is_empty() => Ok(shipment),
            Ok(_) => Err(ImportError::Problems(errors)),
            Err(found) => {
                for error in found.0 {
                    let known = errors
                        .iter()
                        .any(|problem| problem.field.as_deref() == Some(error.path.as_str()));
                    if !known {
                        let field = (!error.path.is_empty()).then(|| error.path.clone());
                        errors.push(Problem::error(self.locate(&error.path), field, error.message));
                    }
                }
                Err(ImportError::Problems(errors))
            }
        }
    }
}

/// What a metadata key above the header means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MetaKind {
    Reference,
    Currency,
    Incoterm,
    Origin,
    Destination,
    Consignee,
    ConsigneeAddress,
    Shipper,
    Client,
    TransportMode,
    Freight,
    Insurance,
    Purpose,
    ItemOrigin,
    Condition,
}

/// The metadata keys of each kind (compared folded).
pub(crate) const META_KEYS: &[(MetaKind, &[&str])] = &[
    (
        MetaKind::Reference,
        &[
            "invoice no",
            "invoice number",
            "invoice nr",
            "invoice #",
            "invoice",
            "inv no",
            "commercial invoice no",
            "proforma invoice no",
            "pro forma invoice no",
            "proforma no",
            "pro forma no",
            "packing list no",
            "reference",
            "ref",
            "ref no",
            "our ref",
            "shipment reference",
            "shipment ref",
            "fatura no",
            "fatura numarasi",
            "fatura",
            "factura no",
            "factura",
            "numero de factura",
            "nº factura",
            "no factura",
            "nota",
            "nota fiscal",
            "nota fiscal no",
            "numero da nota",
            "fatura nº",
            "referencia",
            "referência",
        ],
    ),
    (MetaKind::Currency, CURRENCY_KEYS),
    (
        MetaKind::Incoterm,
        &[
            "incoterm",
            "incoterms",
            "incoterms 2020",
            "terms of delivery",
            "delivery terms",
            "teslim sekli",
            "teslim şekli",
            "condiciones de entrega",
            "condicoes de entrega",
            "condições de entrega",
            "terms",
            "trade terms",
        ],
    ),
    (
        MetaKind::Origin,
        &[
            "origin",
            "country of export",
            "export country",
            "exporting country",
            "ship from",
            "shipped from",
            "from country",
            "origen",
            "origem",
            "pais de exportacion",
            "país de exportación",
            "pais de procedencia",
            "procedencia",
            "pais de embarque",
            "país de embarque",
            "pais de exportacao",
            "país de exportação",
            "cikis ulkesi",
            "çıkış ülkesi",
            "ihracat ulkesi",
            "ihracatçı ülke",
            "gonderen ulke",
            "gönderen ülke",
        ],
    ),
    (
        MetaKind::Destination,
        &[
            "destination",
            "country of destination",
            "destination country",
            "ship to country",
            "pais de destino",
            "país de destino",
            "destino",
            "varis ulkesi",
            "varış ülkesi",
            "alici ulke",
            "alıcı ülke",
            "gidecegi ulke",
            "gideceği ülke",
        ],
    ),
    (
        MetaKind::Consignee,
        &[
            "consignee",
            "ship to",
            "deliver to",
            "consignatario",
            "consignatário",
            "destinatario",
            "destinatário",
            "alici",
            "alıcı",
            "consignee name",
        ],
    ),
    (
        MetaKind::ConsigneeAddress,
        &[
            "consignee address",
            "delivery address",
            "ship to address",
            "direccion de entrega",
            "endereco de entrega",
            "teslimat adresi",
        ],
    ),
    (
        MetaKind::Shipper,
        &[
            "shipper",
            "exporter",
            "seller",
            "sender",
            "ihracatci",
            "ihracatçı",
            "satici",
            "satıcı",
            "gonderici",
            "gönderici",
            "exportador",
            "vendedor",
            "remitente",
            "remetente",
            "expedidor",
        ],
    ),
    (
        MetaKind::Client,
        &[
            "client",
            "client name",
            "cliente",
            "musteri",
            "müşteri",
            "customer",
            "importer of record client",
        ],
    ),
    (
        MetaKind::TransportMode,
        &[
            "transport mode",
            "mode of transport",
            "transport",
            "shipment mode",
            "ship via",
            "via",
            "shipping method",
            "modo de transporte",
            "medio de transporte",
            "modal",
            "tasima sekli",
            "taşıma şekli",
            "sevkiyat sekli",
            "sevkiyat şekli",
        ],
    ),
    (
        MetaKind::Freight,
        &[
            "freight",
            "freight cost",
            "freight charges",
            "flete",
            "frete",
            "navlun",
            "shipping cost",
        ],
    ),
    (MetaKind::Insurance, &["insurance", "insurance cost", "seguro", "sigorta"]),
    (
        MetaKind::Purpose,
        &[
            "purpose",
            "purpose of import",
            "import purpose",
            "finalidad",
            "finalidade",
            "amac",
            "amaç",
            "ithalat amaci",
        ],
    ),
    (
        MetaKind::ItemOrigin,
        &[
            "country of origin",
            "origin of goods",
            "made in",
            "pais de origen",
            "país de origen",
            "pais de origem",
            "país de origem",
            "mense",
            "menşe",
            "mense ulkesi",
            "menşe ülkesi",
            "menşei",
        ],
    ),
    (
        MetaKind::Condition,
        &["condition", "condition of goods", "estado", "condicion", "condição", "durum"],
    ),
];

struct Builder<'a> {
    table: &'a Table,
    defaults: &'a RequestDefaults,
    problems: Vec<Problem>,
    notes: Vec<String>,
    top: BTreeMap<String, At>,
}

impl Builder<'_> {
    fn meta(&self, kind: MetaKind) -> Option<(String, At, String)> {
        let keys = META_KEYS.iter().find(|(k, _)| *k == kind).map(|(_, keys)| *keys)?;
        self.table.meta(keys).map(|(value, at, key)| (value.to_owned(), at.clone(), key.to_owned()))
    }

    /// A top-level value from the sheet (first) and the default (second); a disagreement is an
    /// error naming the cell and the flag.
    fn resolve<T: PartialEq + Display>(
        &mut self,
        path: &str,
        flag: &str,
        sheet: Option<(String, At)>,
        default: Option<&str>,
        parse: impl Fn(&str) -> Result<T, String>,
        required: bool,
    ) -> Option<T> {
        let from_sheet = match sheet {
            Some((raw, at)) => match parse(&raw) {
                Ok(value) => Some((value, at)),
                Err(message) => {
                    self.problems.push(Problem::error(Some(at), Some(path.to_owned()), message));
                    None
                }
            },
            None => None,
        };
        let from_default = match default.map(str::trim).filter(|d| !d.is_empty()) {
            Some(raw) => match parse(raw) {
                Ok(value) => Some(value),
                Err(message) => {
                    self.problems.push(Problem::error(
                        None,
                        Some(path.to_owned()),
                        format!("{}: {message}", self.defaults.audience.name(flag)),
                    ));
                    None
                }
            },
            None => None,
        };
        match (from_sheet, from_default) {
            (Some((value, at)), default) => {
                if let Some(default) = default
                    && default != value
                {
                    self.problems.push(Problem::error(
                        Some(at.clone()),
                        Some(path.to_owned()),
                        format!(
                            "the sheet says `{value}` ({at}) but {} says `{default}`; correct the sheet or leave {} empty",
                            self.defaults.audience.name(flag),
                            self.defaults.audience.name(flag)
                        ),
                    ));
                }
                self.top.insert(path.to_owned(), at);
                Some(value)
            }
            (None, Some(value)) => Some(value),
            (None, None) => {
                if required && !self.problems.iter().any(|p| p.field.as_deref() == Some(path)) {
                    self.problems.push(Problem::error(
                        None,
                        Some(path.to_owned()),
                        format!("not in the sheet; {}", self.defaults.audience.give(flag)),
                    ));
                }
                None
            }
        }
    }

    fn meta_value(&self, kind: MetaKind) -> Option<(String, At)> {
        self.meta(kind).map(|(value, at, _)| (value, at))
    }
}

fn text_value(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() { Err("must not be empty".to_owned()) } else { Ok(trimmed.to_owned()) }
}

fn country_value(text: &str) -> Result<String, String> {
    parse_country(text).map(|country| country.as_str().to_owned())
}

fn currency_value(text: &str) -> Result<String, String> {
    parse_currency(text).map(|currency| currency.as_str().to_owned())
}

fn category_value(
    text: &str,
    vocabulary: &preclear_domain::CategoryVocabulary,
) -> Result<Category, String> {
    parse_category(text, vocabulary).ok_or_else(|| {
        format!(
            "`{}` is not a category; expected one of: {}",
            text.trim(),
            Category::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
        )
    })
}

fn condition_value(text: &str) -> Result<String, String> {
    parse_condition(text).map(str::to_owned).ok_or_else(|| {
        format!("`{}` is not a condition; write new, refurbished or used", text.trim())
    })
}

/// Builds the request from a table and the defaults; the problems found are added to the
/// table's.
pub fn build_request(table: Table, defaults: &RequestDefaults) -> Imported {
    let mut builder = Builder {
        table: &table,
        defaults,
        problems: Vec::new(),
        notes: Vec::new(),
        top: BTreeMap::new(),
    };
    let mut request = Map::new();
    let b = &mut builder;

    let reference = b.resolve(
        "reference",
        "--reference",
        b.meta_value(MetaKind::Reference),
        defaults.reference.as_deref(),
        text_value,
        true,
    );
    if let Some(reference) = reference {
        request.insert("reference".to_owned(), Value::String(reference));
    }

    // Client.
    let mut client = Map::new();
    let client_sheet = b.meta_value(MetaKind::Client);
    let client_name = if client_sheet.is_some() || defaults.client_name.is_some() {
        b.resolve(
            "client.name",
            "--client-name",
            client_sheet,
            defaults.client_name.as_deref(),
            text_value,
            true,
        )
    } else if let Some((shipper, at, key)) = b.meta(MetaKind::Shipper) {
        let name = first_line(&shipper);
        b.notes.push(format!(
            "client.name taken from the sheet's `{key}` ({at}); {} if the client is another company",
            defaults.audience.give("--client-name")
        ));
        b.top.insert("client.name".to_owned(), at);
        Some(name)
    } else {
        b.resolve("client.name", "--client-name", None, None, text_value, true)
    };
    if let Some(name) = client_name {
        client.insert("name".to_owned(), Value::String(name));
    }
    if let Some(country) = b.resolve(
        "client.country",
        "--client-country",
        None,
        defaults.client_country.as_deref(),
        country_value,
        true,
    ) {
        client.insert("country".to_owned(), Value::String(country));
    }
    match defaults.local_entity_in_destination {
        Some(flag) => {
            client.insert("local_entity_in_destination".to_owned(), Value::Bool(flag));
        }
        None => b.problems.push(Problem::error(
            None,
            Some("client.local_entity_in_destination".to_owned()),
            format!(
                "not in the sheet; {} (true or false)",
                defaults.audience.give("--local-entity-in-destination")
            ),
        )),
    }
    // Always present, so that the validator names the missing parts rather than the object.
    request.insert("client".to_owned(), Value::Object(client));

    let origin = b.resolve(
        "origin",
        "--origin",
        b.meta_value(MetaKind::Origin),
        defaults.origin.as_deref(),
        country_value,
        true,
    );
    let destination = b.resolve(
        "destination",
        "--destination",
        b.meta_value(MetaKind::Destination),
        defaults.destination.as_deref(),
        country_value,
        true,
    );
    let transport = b.resolve(
        "transport_mode",
        "--transport-mode",
        b.meta_value(MetaKind::TransportMode),
        defaults.transport_mode.as_deref(),
        |text| parse_transport_mode(text).map(str::to_owned),
        true,
    );
    let incoterm = b.resolve(
        "incoterm",
        "--incoterm",
        b.meta_value(MetaKind::Incoterm),
        defaults.incoterm.as_deref(),
        |text| parse_incoterm(text).map(|term| term.as_str().to_owned()),
        true,
    );
    let sheet_currency = table.currency.clone();
    let currency_code = b.resolve(
        "currency",
        "--currency",
        sheet_currency,
        defaults.currency.as_deref(),
        currency_value,
        true,
    );
    let currency = currency_code.as_deref().and_then(|code| Currency::parse(code).ok());
    let minor = currency.map_or(2, |currency| currency.minor_units());
    let rounding = Rounding { mode: RoundingMode::HalfUp, decimal_places: minor };
    for (key, value) in [
        ("origin", origin.clone()),
        ("destination", destination.clone()),
        ("transport_mode", transport),
        ("incoterm", incoterm),
        ("currency", currency_code),
    ] {
        if let Some(value) = value {
            request.insert(key.to_owned(), Value::String(value));
        }
    }
    for (key, kind, default, flag) in [
        ("freight", MetaKind::Freight, defaults.freight.as_deref(), "--freight"),
        ("insurance", MetaKind::Insurance, defaults.insurance.as_deref(), "--insurance"),
    ] {
        let amount = b.resolve(
            key,
            flag,
            b.meta_value(kind),
            default,
            |text| money_value(text, rounding),
            false,
        );
        if let Some(amount) = amount {
            request.insert(key.to_owned(), Value::String(amount));
        }
    }
    if let Some(purpose) = b.resolve(
        "purpose",
        "--purpose",
        b.meta_value(MetaKind::Purpose),
        defaults.purpose.as_deref(),
        |text| parse_purpose(text).map(str::to_owned),
        true,
    ) {
        request.insert("purpose".to_owned(), Value::String(purpose));
    }

    // Consignee.
    let consignee_sheet = b.meta_value(MetaKind::Consignee);
    let sheet_address = consignee_sheet.as_ref().and_then(|(value, _)| rest_lines(value));
    let consignee_name = b.resolve(
        "consignee.name",
        "--consignee-name",
        consignee_sheet.map(|(value, at)| (first_line(&value), at)),
        defaults.consignee_name.as_deref(),
        text_value,
        false,
    );
    let consignee_country = match &defaults.consignee_country {
        Some(_) => b.resolve(
            "consignee.country",
            "--consignee-country",
            None,
            defaults.consignee_country.as_deref(),
            country_value,
            false,
        ),
        None if consignee_name.is_some() => {
            if destination.is_some() {
                b.notes.push("consignee.country taken to be the destination".to_owned());
            }
            destination.clone()
        }
        None => None,
    };
    let address_sheet = b
        .meta_value(MetaKind::ConsigneeAddress)
        .or_else(|| sheet_address.zip(b.top.get("consignee.name").cloned()));
    let consignee_address = b.resolve(
        "consignee.address",
        "--consignee-address",
        address_sheet,
        defaults.consignee_address.as_deref(),
        text_value,
        false,
    );
    if consignee_name.is_some() || consignee_country.is_some() || consignee_address.is_some() {
        let mut consignee = Map::new();
        match consignee_name {
            Some(name) => {
                consignee.insert("name".to_owned(), Value::String(name));
            }
            None => b.problems.push(Problem::error(
                None,
                Some("consignee.name".to_owned()),
                format!(
                    "a consignee country or address is given but no name; {}",
                    defaults.audience.give("--consignee-name")
                ),
            )),
        }
        if let Some(country) = consignee_country {
            consignee.insert("country".to_owned(), Value::String(country));
        }
        if let Some(address) = consignee_address {
            consignee.insert("address".to_owned(), Value::String(address));
        }
        request.insert("consignee".to_owned(), Value::Object(consignee));
    }

    // Items.
    let items = build_items(b, rounding);
    let (values, item_fields): (Vec<Value>, Vec<BTreeMap<String, At>>) = items.into_iter().unzip();
    if values.is_empty() {
        let at = At::row(&table.mapping.sheet, table.mapping.header_row);
        b.problems.push(Problem::error(
            Some(at),
            Some("items".to_owned()),
            "no item rows below the header",
        ));
    }
    request.insert("items".to_owned(), Value::Array(values));

    let Builder { problems, notes, top, .. } = builder;
    let items = table.lines.iter().map(|line| line.at.clone()).collect();
    let mut table = table;
    table.problems.extend(problems);
    let mut all_notes = table.notes.clone();
    all_notes.extend(notes);
    Imported {
        request: Value::Object(request),
        table,
        items,
        notes: all_notes,
        top_level: top,
        item_fields,
    }
}

fn first_line(text: &str) -> String {
    text.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or(text.trim()).to_owned()
}

fn rest_lines(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    (lines.len() > 1).then(|| lines.get(1..).unwrap_or_default().join(", "))
}

fn money_value(text: &str, rounding: Rounding) -> Result<String, String> {
    let parsed = parse_number(text, None).map_err(|err| err.message(text))?;
    if parsed.value.is_sign_negative() && !parsed.value.is_zero() {
        return Err(format!("`{}` is negative", text.trim()));
    }
    Ok(rounding.apply(parsed.value).to_string())
}

/// Each item's JSON and the cells its fields came from.
fn build_items(b: &mut Builder<'_>, rounding: Rounding) -> Vec<(Value, BTreeMap<String, At>)> {
    let table = b.table;
    let defaults = b.defaults;
    let mapping = &table.mapping;
    let default_category = match defaults.category.as_deref() {
        Some(text) => match category_value(text, &defaults.vocabulary) {
            Ok(category) => Some(category),
            Err(message) => {
                let name = defaults.audience.name("--category");
                b.problems.push(Problem::error(None, None, format!("{name}: {message}")));
                None
            }
        },
        None => None,
    };
    let sheet_condition = b.meta(MetaKind::Condition);
    let default_condition = match defaults.condition.as_deref() {
        Some(text) => match condition_value(text) {
            Ok(condition) => Some(condition),
            Err(message) => {
                let name = defaults.audience.name("--condition");
                b.problems.push(Problem::error(None, None, format!("{name}: {message}")));
                None
            }
        },
        None => None,
    };
    let sheet_origin = b.meta(MetaKind::ItemOrigin);
    let mut missing_condition: Vec<usize> = Vec::new();
    let mut missing_origin: Vec<usize> = Vec::new();
    let mut derived_weights = false;
    let mut gross_weights = false;
    let mut out = Vec::new();
    for (index, line) in table.lines.iter().enumerate() {
        let path = |name: &str| format!("items[{index}].{name}");
        let cell = |field: Field| line.cells.get(&field).cloned();
        let mut item = Map::new();
        let mut sources: BTreeMap<String, At> = BTreeMap::new();
        let mut source = |name: &str, at: Option<At>| {
            if let Some(at) = at {
                sources.insert(name.to_owned(), at);
            }
        };

        // Description.
        match &line.description {
            Some(description) => {
                item.insert("description".into(), Value::String(description.clone()));
                source("description", cell(Field::Description));
            }
            None => {
                let model = line.model.as_ref().or(line.part_number.as_ref());
                let parts: Vec<&str> = [line.manufacturer.as_deref(), model.map(String::as_str)]
                    .into_iter()
                    .flatten()
                    .collect();
                if parts.is_empty() {
                    b.problems.push(Problem::error(
                        Some(line.at.clone()),
                        Some(path("description")),
                        "no description",
                    ));
                } else {
                    let text = parts.join(" ");
                    b.problems.push(Problem::warning(
                        Some(line.at.clone()),
                        Some(path("description")),
                        format!("no description; `{text}` (manufacturer and model) used instead"),
                    ));
                    item.insert("description".into(), Value::String(text));
                    source("description", cell(Field::Model).or_else(|| cell(Field::PartNumber)));
                }
            }
        }

        // HS code (needed for category inference).
        let hs_digits = match &line.hs_code {
            Some(raw) => {
                let valid = raw.chars().all(|ch| ch.is_ascii_digit() || " .-".contains(ch));
                let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
                if valid && !digits.is_empty() {
                    Some(digits)
                } else {
                    b.problems.push(Problem::error(
                        cell(Field::HsCode),
                        Some(path("hs_code")),
                        format!(
                            "`{raw}` is not an HS code: only digits, dots and spaces are allowed"
                        ),
                    ));
                    None
                }
            }
            None => None,
        };

        // Category.
        let category = if let Some(text) = &line.category {
            match category_value(text, &defaults.vocabulary) {
                Ok(category) => {
                    source("category", cell(Field::Category));
                    Some(category)
                }
                Err(message) => {
                    b.problems.push(Problem::error(
                        cell(Field::Category),
                        Some(path("category")),
                        message,
                    ));
                    None
                }
            }
        } else if let Some(category) = default_category {
            Some(category)
        } else {
            Some(infer(b, index, line, hs_digits.as_deref()))
        };
        if let Some(category) = category {
            item.insert("category".into(), Value::String(category.as_str().to_owned()));
        }
        if let Some(digits) = hs_digits {
            item.insert("hs_code".into(), Value::String(digits));
            source("hs_code", cell(Field::HsCode));
        }
        if let Some(manufacturer) = &line.manufacturer {
            item.insert("manufacturer".into(), Value::String(manufacturer.clone()));
            source("manufacturer", cell(Field::Manufacturer));
        }
        if let Some(model) = &line.model {
            item.insert("model".into(), Value::String(model.clone()));
            source("model", cell(Field::Model));
        } else if let Some(part) = &line.part_number {
            item.insert("model".into(), Value::String(part.clone()));
            source("model", cell(Field::PartNumber));
        }

        // Country of origin.
        match &line.country_of_origin {
            Some(text) => match parse_country(text) {
                Ok(country) => {
                    item.insert(
                        "country_of_origin".into(),
                        Value::String(country.as_str().to_owned()),
                    );
                    source("country_of_origin", cell(Field::CountryOfOrigin));
                }
                Err(message) => b.problems.push(Problem::error(
                    cell(Field::CountryOfOrigin),
                    Some(path("country_of_origin")),
                    message,
                )),
            },
            None => match &sheet_origin {
                Some((text, at, _)) => match parse_country(text) {
                    Ok(country) => {
                        item.insert(
                            "country_of_origin".into(),
                            Value::String(country.as_str().to_owned()),
                        );
                        source("country_of_origin", Some(at.clone()));
                    }
                    Err(message) => {
                        if index == 0 {
                            b.problems.push(Problem::error(
                                Some(at.clone()),
                                Some(path("country_of_origin")),
                                message,
                            ));
                        }
                    }
                },
                None if mapping.column(Field::CountryOfOrigin).is_some() => {
                    b.problems.push(Problem::error(
                        Some(line.at.clone()),
                        Some(path("country_of_origin")),
                        "no country of origin",
                    ))
                }
                None => missing_origin.push(index),
            },
        }

        // Condition.
        match &line.condition {
            Some(text) => match condition_value(text) {
                Ok(condition) => {
                    item.insert("condition".into(), Value::String(condition));
                    source("condition", cell(Field::Condition));
                }
                Err(message) => {
                    b.problems.push(Problem::error(
                        cell(Field::Condition),
                        Some(path("condition")),
                        message,
                    ));
                }
            },
            None => {
                let from_sheet = sheet_condition.as_ref().and_then(|(text, at, _)| {
                    condition_value(text).ok().map(|condition| (condition, at.clone()))
                });
                match (from_sheet, &default_condition) {
                    (Some((condition, at)), _) => {
                        item.insert("condition".into(), Value::String(condition));
                        source("condition", Some(at));
                    }
                    (None, Some(condition)) => {
                        item.insert("condition".into(), Value::String(condition.clone()));
                    }
                    (None, None) => missing_condition.push(index),
                }
            }
        }

        // Quantity.
        let quantity = line
            .quantity
            .filter(|q| q.fract().is_zero() && *q >= Decimal::ONE)
            .and_then(|q| u32::try_from(q.normalize().mantissa()).ok());
        if let Some(quantity) = quantity {
            item.insert("quantity".into(), Value::from(quantity));
        }
        source("quantity", cell(Field::Quantity));

        // Unit value.
        let unit = match (line.unit_value, line.line_value, quantity) {
            (Some(unit), _, _) => {
                source("unit_value", cell(Field::UnitValue));
                Some(rounding.apply(unit))
            }
            (None, Some(total), Some(quantity)) => {
                source("unit_value", cell(Field::LineValue));
                total.checked_div(Decimal::from(quantity)).map(|unit| rounding.apply(unit))
            }
            _ => {
                source("unit_value", cell(Field::UnitValue).or_else(|| cell(Field::LineValue)));
                None
            }
        };
        if let Some(unit) = unit {
            item.insert("unit_value".into(), Value::String(unit.to_string()));
        }

        // Unit weight.
        let weight = if let Some(weight) = line.unit_weight_kg {
            source("unit_weight_kg", cell(Field::UnitWeight));
            Some(weight.normalize())
        } else if let (Some(total), Some(quantity)) =
            (line.line_weight_kg.or(line.gross_weight_kg), quantity)
        {
            let from_gross = line.line_weight_kg.is_none();
            gross_weights |= from_gross;
            derived_weights |= !from_gross;
            source(
                "unit_weight_kg",
                cell(if from_gross { Field::GrossWeight } else { Field::LineWeight }),
            );
            let exact = total.checked_div(Decimal::from(quantity));
            exact.map(|exact| {
                let rounded = Rounding { mode: RoundingMode::HalfUp, decimal_places: 3 }.apply(exact);
                if rounded != exact {
                    b.notes.push(format!(
                        "unit weight of items[{index}] rounded to three decimals: {total} kg ÷ {quantity} = {} ≈ {} kg",
                        exact.normalize(),
                        rounded.normalize()
                    ));
                }
                rounded.normalize()
            })
        } else {
            None
        };
        if let Some(weight) = weight {
            item.insert("unit_weight_kg".into(), Value::String(weight.to_string()));
        }

        // Radio, encryption, ECCN.
        if let Some(text) = &line.radio {
            match parse_radio(text) {
                Ok(radios) => {
                    let list = radios
                        .iter()
                        .map(|radio| Value::String(radio.as_str().to_owned()))
                        .collect();
                    item.insert("radio".into(), Value::Array(list));
                    source("radio", cell(Field::Radio));
                }
                Err(message) => b.problems.push(Problem::error(
                    cell(Field::Radio),
                    Some(path("radio")),
                    message,
                )),
            }
        }
        if let Some(text) = &line.encryption {
            match parse_encryption(text) {
                Ok(class) => {
                    item.insert("encryption".into(), Value::String(class.to_owned()));
                    source("encryption", cell(Field::Encryption));
                }
                Err(message) => {
                    b.problems.push(Problem::error(
                        cell(Field::Encryption),
                        Some(path("encryption")),
                        message,
                    ));
                }
            }
        }
        if let Some(text) = &line.eccn {
            let eccn = normalise_eccn(text);
            let blank =
                eccn.chars().all(|ch| "-–—/".contains(ch)) || matches!(eccn.as_str(), "N/A" | "NA");
            if !blank {
                item.insert("eccn".into(), Value::String(eccn));
                source("eccn", cell(Field::Eccn));
            }
        }
        item.insert("battery".into(), Value::Null);
        item.insert("gpu".into(), Value::Null);
        item.insert(
            "serials".into(),
            Value::Array(line.serials.iter().map(|serial| Value::String(serial.clone())).collect()),
        );
        source("serials", cell(Field::Serial));
        out.push((Value::Object(item), sources));
    }
    if derived_weights {
        b.notes.push("unit weights derived from the lines' net weights ÷ quantity".to_owned());
        // A column headed only "Weight" may be per line or per unit: say how it was read, with
        // an example, and how to read it the other way.
        if let Some(column) = table.mapping.column(Field::LineWeight)
            && crate::field::is_bare_weight_header(&column.header)
        {
            let example = table.lines.iter().find_map(|line| {
                let total = line.line_weight_kg?;
                let quantity = line.quantity.filter(|q| *q > Decimal::ONE)?;
                let each = Rounding { mode: RoundingMode::HalfUp, decimal_places: 3 }
                    .apply(total.checked_div(quantity)?);
                Some(format!(
                    " (row {}: {} kg ÷ {} = {} kg each)",
                    line.at.row,
                    total.normalize(),
                    quantity.normalize(),
                    each.normalize()
                ))
            });
            let letters = crate::column_letters(column.index);
            b.problems.push(Problem::warning(
                Some(At::cell(&table.mapping.sheet, table.mapping.header_row, column.index)),
                None,
                format!(
                    "column {letters} `{}` does not say whether it is the weight of one unit or of the whole line; it is read as the line's weight and divided by the quantity{}. If it is the weight of one unit, {}",
                    column.header,
                    example.unwrap_or_default(),
                    b.defaults.audience.assignment("unit_weight", &letters)
                ),
            ));
        }
    }
    if gross_weights {
        b.notes.push("unit weights derived from the lines' gross weights ÷ quantity (no net weight given; includes packaging)".to_owned());
    }
    if let Some(&first) = missing_condition.first() {
        b.problems.push(Problem::error(
            table.lines.get(first).map(|line| line.at.clone()),
            Some(format!("items[{first}].condition")),
            format!(
                "the sheet gives no condition for {} item(s); {} (new, refurbished or used)",
                missing_condition.len(),
                b.defaults.audience.give("--condition")
            ),
        ));
    }
    if let Some(&first) = missing_origin.first() {
        b.problems.push(Problem::error(
            table.lines.get(first).map(|line| line.at.clone()),
            Some(format!("items[{first}].country_of_origin")),
            format!(
                "the sheet has no country-of-origin column or `Country of origin` entry ({} item(s)); add one (or {})",
                missing_origin.len(),
                b.defaults.audience.assignment("country_of_origin", "COLUMN")
            ),
        ));
    }
    out
}

/// An ECCN in its usual spelling: the five-character base in upper case, the sub-paragraphs in
/// lower case (`5a992.C` → `5A992.c`), `EAR99` in upper case.
fn normalise_eccn(text: &str) -> String {
    let compact: String = text.chars().filter(|ch| !ch.is_whitespace()).collect();
    if compact.eq_ignore_ascii_case("ear99") {
        return "EAR99".to_owned();
    }
    match compact.split_at_checked(5) {
        Some((base, rest)) => format!("{}{}", base.to_ascii_uppercase(), rest.to_ascii_lowercase()),
        None => compact.to_ascii_uppercase(),
    }
}

/// The category of a line with no category column: from the description (and model), else the
/// HS code, else `other`; always noted.
fn infer(b: &mut Builder<'_>, index: usize, line: &SourceLine, hs: Option<&str>) -> Category {
    let text = [line.description.as_deref(), line.model.as_deref(), line.part_number.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(entry) = b.defaults.vocabulary.infer(&text) {
        b.notes.push(format!(
            "category of items[{index}] inferred as `{}` from the description (KB vocabulary `{}`)",
            entry.category, entry.id
        ));
        return entry.category;
    }
    if let Some(hs) = hs
        && let Some((category, why)) = infer_category_from_hs(hs)
    {
        b.notes.push(format!(
            "category of items[{index}] inferred as `{category}` from HS code {hs} ({why})"
        ));
        return category;
    }
    b.notes.push(format!(
        "category of items[{index}] set to `other`: neither the description nor the HS code identifies it ({} or add a Category column)",
        b.defaults.audience.give("--category")
    ));
    Category::Other
}

/// Reads, detects, reads the table and builds the request. Whole-file failures (unreadable,
/// too large, a decompression bomb, no header row, a bad override) are errors; problems in the
/// rows are reported in `imported.table.problems` and the request is still built, with the
/// fields that could not be read left out. Call [`Imported::validate`] to get the shipment or
/// [`ImportError::Problems`].
pub fn import(
    file_name: &str,
    bytes: &[u8],
    over: &crate::MappingOverride,
    defaults: &RequestDefaults,
    limits: &crate::Limits,
) -> Result<Imported, ImportError> {
    let workbook = crate::read_workbook(file_name, bytes, limits)?;
    let mapping = crate::detect(&workbook, over)?;
    let fallback = defaults.currency.as_deref().and_then(|code| parse_currency(code).ok());
    let table = crate::table::read_table_with(&workbook, &mapping, limits, fallback);
    Ok(build_request(table, defaults))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::fold_text;

    #[test]
    fn folded_meta_keys_are_unique_per_kind() {
        let mut seen: BTreeMap<String, MetaKind> = BTreeMap::new();
        for (kind, keys) in META_KEYS {
            for key in *keys {
                let folded = fold_text(key);
                if let Some(previous) = seen.insert(folded.clone(), *kind) {
                    assert_eq!(previous, *kind, "`{folded}` has two meanings");
                }
            }
        }
    }

    #[test]
    fn money_is_rounded_to_minor_units() {
        let two = Rounding { mode: RoundingMode::HalfUp, decimal_places: 2 };
        assert_eq!(money_value("1.850,5", two).unwrap(), "1850.50");
    }
}
