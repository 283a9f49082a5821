//! The shipment request of PRODUCT.md, from JSON text to a validated [`Shipment`].
//!
//! The parser walks the JSON itself instead of deriving `Deserialize`, so that it can report
//! **every** problem, each with the path of the field it concerns (`items[0].quantity`), rather
//! than stopping at the first. Unknown fields are errors: a misspelt optional field must not be
//! silently ignored. Money is a decimal string, never a JSON number.
//!
//! Absent and `null` mean "not given". For `radio` and `encryption` "not given" is kept as
//! unknown (the engine then asks the operator); `battery` and `gpu` not given mean the item has
//! none, as in PRODUCT.md's example (`"battery": null`).

use std::fmt;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::json::Node;

use crate::enums::{
    BatteryChemistry, BatteryPacking, Category, Condition, Encryption, Incoterm, Purpose, Radio,
    RadioSet, TransportMode,
};
use crate::hs::HsCode;
use crate::iso::{Country, Currency};
use crate::money::{Money, parse_decimal};
use crate::shipment::{Battery, Client, Eccn, Gpu, Item, Party, Shipment};
use crate::text::{Lines, MAX_TEXT_CHARS, text_problem};

/// The largest request text accepted, in bytes (a 10,000-line request is about 8 MB).
pub const MAX_REQUEST_BYTES: usize = 32 * 1024 * 1024;
/// The most items one request may have (the engine assesses 20,000 lines in well under a
/// second; a larger shipment is split into several requests).
pub const MAX_ITEMS: usize = 20_000;

/// One problem with a request: the field path and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// Where: `items[0].quantity`; empty for the document as a whole.
    pub path: String,
    /// What is wrong, in a sentence fragment without a trailing period.
    pub message: String,
}

/// Every problem found in a request, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestErrors(pub Vec<RequestError>);

/// Parses and validates a shipment request.
pub fn parse_shipment_request(text: &str) -> Result<Shipment, RequestErrors> {
    if text.len() > MAX_REQUEST_BYTES {
        return Err(RequestErrors(vec![RequestError {
            path: String::new(),
            message: format!(
                "request is {} bytes; the limit is {MAX_REQUEST_BYTES} bytes",
                text.len()
            ),
        }]));
    }
    let node = match crate::json::parse_node(text) {
        Ok(node) => node,
        Err(err) => {
            return Err(RequestErrors(vec![RequestError {
                path: String::new(),
                message: crate::json::error_sentence(&err),
            }]));
        }
    };
    parse_shipment_node(&node)
}

/// Validates an already-parsed JSON value as a shipment request.
pub fn parse_shipment_value(value: &Value) -> Result<Shipment, RequestErrors> {
    parse_shipment_node(&Node::of_value(value))
}

/// Validates a parsed JSON [`Node`] as a shipment request (the same rules and errors as
/// [`parse_shipment_value`], without building a [`Value`]).
pub fn parse_shipment_node(node: &Node<'_>) -> Result<Shipment, RequestErrors> {
    let mut reader = Reader { errors: Vec::new() };
    let shipment = reader.shipment(node);
    match shipment {
        Some(shipment) if reader.errors.is_empty() => Ok(shipment),
        _ if reader.errors.is_empty() => Err(RequestErrors(vec![RequestError {
            path: String::new(),
            message: "request could not be read".to_owned(),
        }])),
        _ => Err(RequestErrors(reader.errors)),
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl fmt::Display for RequestErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (idx, error) in self.0.iter().enumerate() {
            if idx > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RequestErrors {}

const SHIPMENT_FIELDS: &[&str] = &[
    "reference",
    "business_unit",
    "client",
    "origin",
    "destination",
    "destination_subdivision",
    "transport_mode",
    "incoterm",
    "currency",
    "freight",
    "insurance",
    "purpose",
    "consignee",
    "end_user",
    "items",
    "fx_rates",
    "report_currency",
];
const CLIENT_FIELDS: &[&str] = &["name", "country", "local_entity_in_destination"];
const PARTY_FIELDS: &[&str] = &["name", "country", "address"];
const ITEM_FIELDS: &[&str] = &[
    "description",
    "category",
    "hs_code",
    "manufacturer",
    "model",
    "country_of_origin",
    "condition",
    "quantity",
    "unit_value",
    "unit_weight_kg",
    "radio",
    "encryption",
    "eccn",
    "battery",
    "gpu",
    "serials",
];
const BATTERY_FIELDS: &[&str] = &["chemistry", "packing", "wh"];
const GPU_FIELDS: &[&str] = &["tpp", "performance_density"];

struct Reader {
    errors: Vec<RequestError>,
}

/// A JSON object being read, with its path.
struct Obj<'a> {
    entries: &'a [(std::borrow::Cow<'a, str>, Node<'a>)],
    path: String,
}

impl<'a> Obj<'a> {
    fn field_path(&self, name: &str) -> String {
        if self.path.is_empty() { name.to_owned() } else { format!("{}.{name}", self.path) }
    }

    /// The field's value; `null` counts as absent.
    fn get(&self, name: &str) -> Option<&'a Node<'a>> {
        self.entries
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
            .filter(|value| !value.is_null())
    }
}

impl Reader {
    fn error(&mut self, path: String, message: impl Into<String>) {
        self.errors.push(RequestError { path, message: message.into() });
    }

    fn object<'a>(
        &mut self,
        value: &'a Node<'a>,
        path: String,
        fields: &[&str],
    ) -> Option<Obj<'a>> {
        let Node::Object(entries) = value else {
            self.error(path, format!("expected an object, found {}", kind(value)));
            return None;
        };
        let obj = Obj { entries, path };
        for (key, _) in entries {
            if !fields.contains(&key.as_ref()) {
                self.error(
                    obj.field_path(key),
                    format!("unknown field; expected one of: {}", fields.join(", ")),
                );
            }
        }
        Some(obj)
    }

    fn required<'a>(&mut self, obj: &Obj<'a>, name: &str) -> Option<&'a Node<'a>> {
        let value = obj.get(name);
        if value.is_none() {
            self.error(obj.field_path(name), "missing required field");
        }
        value
    }

    fn string<'a>(&mut self, obj: &Obj<'_>, name: &str, value: &'a Node<'a>) -> Option<String> {
        match value {
            Node::String(text) if text.trim().is_empty() => {
                self.error(obj.field_path(name), "must not be empty");
                None
            }
            Node::String(text) => {
                // An address may have several lines; every other text is one line.
                let lines = if name == "address" { Lines::Allowed } else { Lines::Refused };
                match text_problem(text, MAX_TEXT_CHARS, lines) {
                    Some(problem) => {
                        self.error(obj.field_path(name), problem);
                        None
                    }
                    None => Some(text.to_string()),
                }
            }
            other => {
                self.error(
                    obj.field_path(name),
                    format!("expected a string, found {}", kind(other)),
                );
                None
            }
        }
    }

    fn req_string(&mut self, obj: &Obj<'_>, name: &str) -> Option<String> {
        let value = self.required(obj, name)?;
        self.string(obj, name, value)
    }

    fn opt_string(&mut self, obj: &Obj<'_>, name: &str) -> Option<Option<String>> {
        match obj.get(name) {
            None => Some(None),
            Some(value) => self.string(obj, name, value).map(Some),
        }
    }

    /// A required string parsed by `parse`, whose error is shown as it is.
    fn req_parsed<T, E: fmt::Display>(
        &mut self,
        obj: &Obj<'_>,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let text = self.req_string(obj, name)?;
        match parse(&text) {
            Ok(parsed) => Some(parsed),
            Err(err) => {
                self.error(obj.field_path(name), err.to_string());
                None
            }
        }
    }

    fn opt_parsed<T, E: fmt::Display>(
        &mut self,
        obj: &Obj<'_>,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<Option<T>> {
        let Some(value) = obj.get(name) else { return Some(None) };
        let text = self.string(obj, name, value)?;
        match parse(&text) {
            Ok(parsed) => Some(Some(parsed)),
            Err(err) => {
                self.error(obj.field_path(name), err.to_string());
                None
            }
        }
    }

    /// A non-negative decimal written as a string (`"1850.00"`).
    fn decimal_string<'a>(
        &mut self,
        path: &dyn Fn() -> String,
        value: &'a Node<'a>,
    ) -> Option<Decimal> {
        match value {
            Node::String(text) => match parse_decimal(text) {
                Ok(amount) if amount.is_sign_negative() && !amount.is_zero() => {
                    self.error(
                        path(),
                        format!("`{text}` is negative; amounts must be zero or more"),
                    );
                    None
                }
                Ok(amount) => Some(amount),
                Err(err) => {
                    self.error(path(), err.to_string());
                    None
                }
            },
            Node::Number(number) => {
                self.error(
                    path(),
                    format!(
                        "write amounts as decimal strings such as \"{number}\", not as JSON numbers, so that no precision is lost"
                    ),
                );
                None
            }
            other => {
                self.error(path(), format!("expected a decimal string, found {}", kind(other)));
                None
            }
        }
    }

    /// A non-negative decimal given as a JSON number or string (technical figures, not money).
    fn figure<'a>(&mut self, path: &dyn Fn() -> String, value: &'a Node<'a>) -> Option<Decimal> {
        match value {
            Node::Number(number) => {
                let text: &str = number;
                match Decimal::from_str_exact(text).or_else(|_| Decimal::from_scientific(text)) {
                    Ok(figure) if figure.is_sign_negative() && !figure.is_zero() => {
                        self.error(path(), format!("{text} is negative"));
                        None
                    }
                    Ok(figure) => Some(figure),
                    Err(_) => {
                        self.error(path(), format!("{text} is not a representable decimal number"));
                        None
                    }
                }
            }
            Node::String(_) => self.decimal_string(path, value),
            other => {
                self.error(path(), format!("expected a number, found {}", kind(other)));
                None
            }
        }
    }

    fn opt_money(
        &mut self,
        obj: &Obj<'_>,
        name: &str,
        currency: Option<Currency>,
    ) -> Option<Option<Money>> {
        let Some(value) = obj.get(name) else { return Some(None) };
        let amount = self.decimal_string(&|| obj.field_path(name), value)?;
        currency.map(|currency| Some(Money::new(amount, currency)))
    }

    fn shipment<'a>(&mut self, value: &'a Node<'a>) -> Option<Shipment> {
        let obj = self.object(value, String::new(), SHIPMENT_FIELDS)?;
        let reference = self.opt_string(&obj, "reference");
        let business_unit = self.opt_string(&obj, "business_unit");
        let client =
            self.required(&obj, "client").and_then(|v| self.client(v, "client".to_owned()));
        let origin = self.req_parsed(&obj, "origin", Country::parse);
        let destination = self.req_parsed(&obj, "destination", Country::parse);
        let subdivision =
            self.opt_parsed(&obj, "destination_subdivision", crate::Subdivision::parse);
        if let (Some(Some(subdivision)), Some(destination)) = (&subdivision, destination)
            && subdivision.country() != destination
        {
            self.error(
                "destination_subdivision".to_owned(),
                format!(
                    "`{subdivision}` is in {}, not in the destination {destination}",
                    subdivision.country()
                ),
            );
        }
        let transport_mode = self.req_parsed(&obj, "transport_mode", TransportMode::parse);
        let incoterm = self.req_parsed(&obj, "incoterm", Incoterm::parse);
        let currency = self.req_parsed(&obj, "currency", Currency::parse);
        let freight = self.opt_money(&obj, "freight", currency);
        let insurance = self.opt_money(&obj, "insurance", currency);
        let purpose = self.req_parsed(&obj, "purpose", Purpose::parse);
        let consignee = match obj.get("consignee") {
            None => Some(None),
            Some(v) => self.party(v, "consignee".to_owned()).map(Some),
        };
        let end_user = match obj.get("end_user") {
            None => Some(None),
            Some(v) => self.party(v, "end_user".to_owned()).map(Some),
        };
        let items = self.required(&obj, "items").and_then(|v| self.items(v, currency));
        let report_currency = self.opt_parsed(&obj, "report_currency", Currency::parse);
        let fx_rates = match obj.get("fx_rates") {
            None => Some(std::collections::BTreeMap::new()),
            Some(v) => self.fx_rates(v, currency),
        };
        if let (Some(mode), Some(term)) = (transport_mode, incoterm)
            && term.is_sea_only()
            && !matches!(mode, TransportMode::Sea)
        {
            self.error(
                "incoterm".to_owned(),
                format!("`{term}` is for sea and inland waterway transport only; this shipment goes by {mode} (use FCA, CPT, CIP, DAP, DPU or DDP)"),
            );
        }
        if let (Some(origin), Some(destination)) = (origin, destination)
            && origin == destination
        {
            self.error(
                "destination".to_owned(),
                format!("`{destination}` is also the origin: preclear assesses an import into the destination from another country; a move within {destination} needs no import clearance"),
            );
            return None;
        }
        Some(Shipment {
            reference: reference?.unwrap_or_default(),
            business_unit: business_unit?,
            client: client?,
            origin: origin?,
            destination: destination?,
            destination_subdivision: subdivision?,
            transport_mode: transport_mode?,
            incoterm: incoterm?,
            currency: currency?,
            freight: freight?,
            insurance: insurance?,
            purpose: purpose?,
            consignee: consignee?,
            end_user: end_user?,
            items: items?,
            fx_rates: fx_rates?,
            report_currency: report_currency?,
        })
    }

    /// `fx_rates`: `{"BRL": "5.4325"}`, units of each currency per one unit of the request's.
    fn fx_rates<'a>(
        &mut self,
        value: &'a Node<'a>,
        currency: Option<Currency>,
    ) -> Option<std::collections::BTreeMap<Currency, Decimal>> {
        const MAX_RATES: usize = 50;
        let Node::Object(map) = value else {
            self.error("fx_rates".to_owned(), format!("expected an object such as {{\"BRL\": \"5.4325\"}} (units of that currency per one unit of the request's currency), found {}", kind(value)));
            return None;
        };
        if map.len() > MAX_RATES {
            self.error(
                "fx_rates".to_owned(),
                format!("has {} rates; the limit is {MAX_RATES}", map.len()),
            );
            return None;
        }
        let mut rates = std::collections::BTreeMap::new();
        let mut ok = true;
        for (code, rate) in map {
            let code: &str = code;
            let path = format!("fx_rates.{code}");
            let parsed = match Currency::parse(code) {
                Ok(parsed) => parsed,
                Err(err) => {
                    self.error(path, err.to_string());
                    ok = false;
                    continue;
                }
            };
            if Some(parsed) == currency {
                self.error(path, "is the request's own currency; a rate to itself is 1".to_owned());
                ok = false;
                continue;
            }
            match self.decimal_string(&|| path.clone(), rate) {
                Some(rate) if rate > Decimal::ZERO => {
                    rates.insert(parsed, rate);
                }
                Some(_) => {
                    self.error(path, "must be greater than zero".to_owned());
                    ok = false;
                }
                None => ok = false,
            }
        }
        ok.then_some(rates)
    }

    fn client<'a>(&mut self, value: &'a Node<'a>, path: String) -> Option<Client> {
        let obj = self.object(value, path, CLIENT_FIELDS)?;
        let name = self.req_string(&obj, "name");
        let country = self.req_parsed(&obj, "country", Country::parse);
        let local = match self.required(&obj, "local_entity_in_destination") {
            Some(Node::Bool(flag)) => Some(*flag),
            Some(other) => {
                self.error(
                    obj.field_path("local_entity_in_destination"),
                    format!("expected true or false, found {}", kind(other)),
                );
                None
            }
            None => None,
        };
        Some(Client { name: name?, country: country?, local_entity_in_destination: local? })
    }

    fn party<'a>(&mut self, value: &'a Node<'a>, path: String) -> Option<Party> {
        let obj = self.object(value, path, PARTY_FIELDS)?;
        let name = self.req_string(&obj, "name");
        let country = self.req_parsed(&obj, "country", Country::parse);
        let address = self.opt_string(&obj, "address");
        Some(Party { name: name?, country: country?, address: address? })
    }

    fn items<'a>(&mut self, value: &'a Node<'a>, currency: Option<Currency>) -> Option<Vec<Item>> {
        let Node::Array(values) = value else {
            self.error("items".to_owned(), format!("expected an array, found {}", kind(value)));
            return None;
        };
        if values.is_empty() {
            self.error("items".to_owned(), "must list at least one item");
            return None;
        }
        if values.len() > MAX_ITEMS {
            self.error(
                "items".to_owned(),
                format!("has {} items; the limit is {MAX_ITEMS}", values.len()),
            );
            return None;
        }
        let mut items = Vec::with_capacity(values.len());
        let mut complete = true;
        for (idx, value) in values.iter().enumerate() {
            match self.item(value, format!("items[{idx}]"), currency) {
                Some(item) => items.push(item),
                None => complete = false,
            }
        }
        complete.then_some(items)
    }

    fn item<'a>(
        &mut self,
        value: &'a Node<'a>,
        path: String,
        currency: Option<Currency>,
    ) -> Option<Item> {
        let obj = self.object(value, path, ITEM_FIELDS)?;
        let description = self.req_string(&obj, "description");
        let category = self.req_parsed(&obj, "category", Category::parse);
        let hs_code = self.opt_parsed(&obj, "hs_code", HsCode::parse);
        let manufacturer = self.opt_string(&obj, "manufacturer");
        let model = self.opt_string(&obj, "model");
        let country_of_origin = self.req_parsed(&obj, "country_of_origin", Country::parse);
        let condition = self.req_parsed(&obj, "condition", Condition::parse);
        let quantity = self.required(&obj, "quantity").and_then(|v| self.quantity(&obj, v));
        let unit_value = self
            .required(&obj, "unit_value")
            .and_then(|v| self.decimal_string(&|| obj.field_path("unit_value"), v))
            .and_then(|amount| currency.map(|currency| Money::new(amount, currency)));
        let unit_weight_kg = match obj.get("unit_weight_kg") {
            None => Some(None),
            Some(v) => self.figure(&|| obj.field_path("unit_weight_kg"), v).map(Some),
        };
        let radio = match obj.get("radio") {
            None => Some(None),
            Some(v) => self.radio(&obj, v).map(Some),
        };
        let encryption = self.opt_parsed(&obj, "encryption", Encryption::parse);
        let eccn = self.opt_parsed(&obj, "eccn", Eccn::parse);
        let battery = match obj.get("battery") {
            None => Some(None),
            Some(v) => self.battery(v, obj.field_path("battery")).map(Some),
        };
        let gpu = match obj.get("gpu") {
            None => Some(None),
            Some(v) => self.gpu(v, obj.field_path("gpu")).map(Some),
        };
        let serials = self.serials(&obj);
        Some(Item {
            description: description?,
            category: category?,
            hs_code: hs_code?,
            manufacturer: manufacturer?,
            model: model?,
            country_of_origin: country_of_origin?,
            condition: condition?,
            quantity: quantity?,
            unit_value: unit_value?,
            unit_weight_kg: unit_weight_kg?,
            radio: radio?,
            encryption: encryption?,
            eccn: eccn?,
            battery: battery?,
            gpu: gpu?,
            serials: serials?,
        })
    }

    fn quantity<'a>(&mut self, obj: &Obj<'_>, value: &'a Node<'a>) -> Option<u32> {
        let path = || obj.field_path("quantity");
        let Node::Number(number) = value else {
            self.error(path(), format!("expected a whole number, found {}", kind(value)));
            return None;
        };
        // As serde_json's `as_i64` under `arbitrary_precision`: the digits read as an i64.
        match number.parse::<i64>().ok() {
            Some(n) if n >= 1 => match u32::try_from(n) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.error(path(), format!("{n} is too large; the limit is {}", u32::MAX));
                    None
                }
            },
            Some(n) => {
                self.error(
                    path(),
                    format!("{n} is not a positive quantity; it must be at least 1"),
                );
                None
            }
            None => {
                self.error(path(), format!("{number} is not a whole number of units"));
                None
            }
        }
    }

    fn radio<'a>(&mut self, obj: &Obj<'_>, value: &'a Node<'a>) -> Option<RadioSet> {
        let path = || obj.field_path("radio");
        let Node::Array(values) = value else {
            self.error(
                path(),
                format!("expected an array of radio technologies, found {}", kind(value)),
            );
            return None;
        };
        let mut set = RadioSet::EMPTY;
        let mut ok = true;
        for (idx, value) in values.iter().enumerate() {
            let parsed = match value {
                Node::String(text) => Radio::parse(text),
                other => Err(format!("expected a string, found {}", kind(other))),
            };
            match parsed {
                Ok(radio) => set.insert(radio),
                Err(message) => {
                    self.error(format!("{}[{idx}]", path()), message);
                    ok = false;
                }
            }
        }
        ok.then_some(set)
    }

    fn battery<'a>(&mut self, value: &'a Node<'a>, path: String) -> Option<Battery> {
        let obj = self.object(value, path, BATTERY_FIELDS)?;
        let chemistry = self.req_parsed(&obj, "chemistry", BatteryChemistry::parse);
        let packing = self.req_parsed(&obj, "packing", BatteryPacking::parse);
        let wh = self.required(&obj, "wh").and_then(|v| self.figure(&|| obj.field_path("wh"), v));
        Some(Battery { chemistry: chemistry?, packing: packing?, wh: wh? })
    }

    fn gpu<'a>(&mut self, value: &'a Node<'a>, path: String) -> Option<Gpu> {
        let obj = self.object(value, path, GPU_FIELDS)?;
        let tpp =
            self.required(&obj, "tpp").and_then(|v| self.figure(&|| obj.field_path("tpp"), v));
        let density = match obj.get("performance_density") {
            None => Some(None),
            Some(v) => self.figure(&|| obj.field_path("performance_density"), v).map(Some),
        };
        Some(Gpu { tpp: tpp?, performance_density: density? })
    }

    fn serials(&mut self, obj: &Obj<'_>) -> Option<Vec<String>> {
        let Some(value) = obj.get("serials") else { return Some(Vec::new()) };
        let path = obj.field_path("serials");
        let Node::Array(values) = value else {
            self.error(path, format!("expected an array of strings, found {}", kind(value)));
            return None;
        };
        let mut serials = Vec::with_capacity(values.len());
        let mut ok = true;
        for (idx, value) in values.iter().enumerate() {
            match value {
                Node::String(text) if !text.trim().is_empty() => serials.push(text.to_string()),
                Node::String(_) => {
                    self.error(format!("{path}[{idx}]"), "must not be empty");
                    ok = false;
                }
                other => {
                    self.error(
                        format!("{path}[{idx}]"),
                        format!("expected a string, found {}", kind(other)),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(serials)
    }
}

fn kind(value: &Node<'_>) -> &'static str {
    match value {
        Node::Null => "null",
        Node::Bool(_) => "a boolean",
        Node::Number(_) => "a number",
        Node::String(_) => "a string",
        Node::Array(_) => "an array",
        Node::Object(_) => "an object",
    }
}
