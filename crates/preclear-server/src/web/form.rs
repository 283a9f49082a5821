//! The shipment form: a shipment request entered field by field, line by line.
//!
//! Every control is named by the path of its field in the request (`client.name`,
//! `items[2].quantity`), so that the request parser's error paths lead straight back to the
//! control they concern. [`ShipmentForm::to_request`] turns submitted values into the request's
//! JSON (empty controls are "not given"); [`ShipmentForm::from_request`] goes the other way, to
//! show an uploaded or example request in the form. The parser stays the one authority on what
//! is valid: this module only changes the shape, never judges a value.

use std::collections::BTreeMap;

use preclear_domain::{
    BatteryChemistry, BatteryPacking, Category, Condition, Encryption, Incoterm, Purpose, Radio,
    TransportMode,
};
use serde_json::{Map, Value};

/// The most lines the form builds (a longer shipment is uploaded as JSON).
pub(crate) const MAX_FORM_LINES: usize = 200;

/// Submitted values by control name, plus the number of lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ShipmentForm {
    values: BTreeMap<String, String>,
    /// How many item lines the form shows.
    pub lines: usize,
    /// Amounts typed with a decimal comma or thousands separators, by control name: what was
    /// typed (the control now shows the value read).
    typed: BTreeMap<String, String>,
}

/// One choice of a select or a group of checkboxes.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A control as the template draws it.
#[derive(Debug, Clone)]
pub(crate) struct Control {
    /// The request path, used as the control's name.
    pub name: String,
    /// The element id (`f-items-0-quantity`).
    pub id: String,
    pub label: &'static str,
    /// `text`, `select`, `textarea`, `checks` or `date`.
    pub kind: &'static str,
    pub value: String,
    pub choices: Vec<Choice>,
    pub required: bool,
    /// A short help text.
    pub hint: &'static str,
    /// `list` attribute: the id of a datalist.
    pub list: &'static str,
    /// `inputmode` attribute.
    pub inputmode: &'static str,
    /// What the parser said about this field.
    pub error: Option<String>,
    /// How an amount typed in another convention was read (`2.450,00` → 2450.00).
    pub note: Option<String>,
}

/// A group of controls under a heading.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub title: &'static str,
    pub controls: Vec<Control>,
}

/// One item line.
#[derive(Debug, Clone)]
pub(crate) struct LineView {
    pub index: usize,
    pub number: usize,
    pub main: Vec<Control>,
    pub more: Vec<Control>,
    /// Whether the optional details are shown open (they hold a value or an error).
    pub more_open: bool,
}

/// A field error as shown: the control's id (to link to) when one shows it.
#[derive(Debug, Clone)]
pub(crate) struct ShownError {
    /// Where the problem is, in the page's words: the control's label (`Line 1 · Unit value`),
    /// or the request path when no control shows it.
    pub path: String,
    pub message: String,
    pub anchor: Option<String>,
}

const RADIOS: &str = "radio";
const NO_RADIO: &str = "none";

/// The control id of a request path.
pub(crate) fn control_id(path: &str) -> String {
    let mut id = String::from("f-");
    for c in path.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' => id.push(c),
            ']' => {}
            _ => id.push('-'),
        }
    }
    id
}

fn choices<T: Copy>(
    all: &[T],
    spell: impl Fn(T) -> &'static str,
    blank: Option<&str>,
) -> Vec<Choice> {
    let mut list: Vec<Choice> = blank
        .map(|label| Choice { value: String::new(), label: label.to_owned(), selected: false })
        .into_iter()
        .collect();
    list.extend(all.iter().map(|&v| Choice {
        value: spell(v).to_owned(),
        label: spell(v).replace('_', " "),
        selected: false,
    }));
    list
}

/// A control's description, before values and errors are filled in.
struct Spec {
    path: &'static str,
    label: &'static str,
    kind: &'static str,
    required: bool,
    hint: &'static str,
    list: &'static str,
    inputmode: &'static str,
    choices: fn() -> Vec<Choice>,
}

const fn text(path: &'static str, label: &'static str, required: bool) -> Spec {
    Spec {
        path,
        label,
        kind: "text",
        required,
        hint: "",
        list: "",
        inputmode: "",
        choices: Vec::new,
    }
}

const fn country(path: &'static str, label: &'static str, required: bool) -> Spec {
    Spec {
        path,
        label,
        kind: "text",
        required,
        hint: "ISO code, such as TR",
        list: "countries",
        inputmode: "",
        choices: Vec::new,
    }
}

const fn decimal(
    path: &'static str,
    label: &'static str,
    required: bool,
    hint: &'static str,
) -> Spec {
    Spec {
        path,
        label,
        kind: "text",
        required,
        hint,
        list: "",
        inputmode: "decimal",
        choices: Vec::new,
    }
}

const fn select(
    path: &'static str,
    label: &'static str,
    required: bool,
    choices: fn() -> Vec<Choice>,
) -> Spec {
    Spec { path, label, kind: "select", required, hint: "", list: "", inputmode: "", choices }
}

fn yes_no() -> Vec<Choice> {
    vec![
        Choice { value: String::new(), label: "choose…".into(), selected: false },
        Choice {
            value: "false".into(),
            label: "no: it needs an importer of record".into(),
            selected: false,
        },
        Choice {
            value: "true".into(),
            label: "yes: it has a local entity".into(),
            selected: false,
        },
    ]
}

const SHIPMENT: &[Spec] = &[
    text("reference", "Reference", false),
    text("business_unit", "Business unit", false),
    country("origin", "Origin country", true),
    Spec { list: "markets", ..country("destination", "Destination country", true) },
    Spec {
        hint: "ISO 3166-2, such as BR-SP: where a tax depends on it (Brazil's ICMS); a range when empty",
        ..text("destination_subdivision", "Destination state or province", false)
    },
    select("transport_mode", "Transport mode", true, || {
        choices(TransportMode::ALL, TransportMode::as_str, Some("choose…"))
    }),
    select("incoterm", "Incoterm", true, || {
        choices(Incoterm::ALL, Incoterm::as_str, Some("choose…"))
    }),
    select("purpose", "Purpose", true, || choices(Purpose::ALL, Purpose::as_str, Some("choose…"))),
    Spec {
        hint: "ISO code, such as EUR; every amount is in it",
        list: "currencies",
        ..text("currency", "Currency", true)
    },
    Spec {
        hint: "optional: the landed cost also shown in it, such as USD",
        list: "currencies",
        ..text("report_currency", "Also show in currency", false)
    },
    decimal("freight", "Freight", false, "decimal, such as 1850.00"),
    decimal("insurance", "Insurance", false, "decimal, such as 95.00"),
];

const CLIENT: &[Spec] = &[
    text("client.name", "Client's legal name", true),
    country("client.country", "Client's country", true),
    select("client.local_entity_in_destination", "Local entity in the destination?", true, yes_no),
];

const PARTIES: &[Spec] = &[
    text("consignee.name", "Consignee", false),
    country("consignee.country", "Consignee's country", false),
    text("consignee.address", "Consignee's address", false),
    text("end_user.name", "End user", false),
    country("end_user.country", "End user's country", false),
];

const LINE_MAIN: &[Spec] = &[
    text("description", "Description", true),
    select("category", "Category", true, || {
        choices(Category::ALL, Category::as_str, Some("choose…"))
    }),
    Spec {
        hint: "6 to 12 digits; look it up by words",
        list: "hs-suggestions",
        inputmode: "numeric",
        ..text("hs_code", "HS code", false)
    },
    text("manufacturer", "Manufacturer", false),
    text("model", "Model", false),
    country("country_of_origin", "Country of origin", true),
    select("condition", "Condition", true, || {
        choices(Condition::ALL, Condition::as_str, Some("choose…"))
    }),
    Spec { inputmode: "numeric", hint: "whole units", ..text("quantity", "Quantity", true) },
    decimal("unit_value", "Unit value", true, "decimal, such as 9800.00"),
    decimal("unit_weight_kg", "Unit weight (kg)", false, ""),
    Spec {
        kind: "checks",
        hint: "tick none, or each technology; leave all clear if unknown",
        choices: radio_choices,
        ..text(RADIOS, "Radio", false)
    },
    select("encryption", "Encryption", false, || {
        choices(Encryption::ALL, Encryption::as_str, Some("not declared (unknown)"))
    }),
    Spec { hint: "such as 5A992.c or EAR99", ..text("eccn", "ECCN", false) },
];

const LINE_MORE: &[Spec] = &[
    select("battery.chemistry", "Battery chemistry", false, || {
        choices(BatteryChemistry::ALL, BatteryChemistry::as_str, Some("no battery"))
    }),
    select("battery.packing", "Battery packing", false, || {
        choices(BatteryPacking::ALL, BatteryPacking::as_str, Some("no battery"))
    }),
    decimal("battery.wh", "Battery energy (Wh)", false, ""),
    decimal("gpu.tpp", "GPU total processing performance (TPP)", false, ""),
    decimal("gpu.performance_density", "GPU performance density", false, ""),
    Spec { kind: "textarea", hint: "one per line", ..text("serials", "Serial numbers", false) },
];

fn radio_choices() -> Vec<Choice> {
    let mut list =
        vec![Choice { value: NO_RADIO.into(), label: "no radio".into(), selected: false }];
    list.extend(Radio::ALL.iter().map(|r| Choice {
        value: r.as_str().into(),
        label: r.as_str().into(),
        selected: false,
    }));
    list
}

impl ShipmentForm {
    /// An empty form with `lines` lines.
    pub(crate) fn empty(lines: usize) -> ShipmentForm {
        ShipmentForm {
            values: BTreeMap::new(),
            lines: lines.clamp(1, MAX_FORM_LINES),
            typed: BTreeMap::new(),
        }
    }

    /// The form as submitted: control names and values (a checkbox group repeats its name).
    /// Names that are not controls of the form are ignored, and so are lines beyond
    /// [`MAX_FORM_LINES`].
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> ShipmentForm {
        let mut form = ShipmentForm::empty(1);
        let mut lines = 1;
        for (name, value) in pairs {
            let value = value.replace("\r\n", "\n");
            if let Some((index, field)) = item_path(name) {
                if index >= MAX_FORM_LINES || !is_line_field(field) {
                    continue;
                }
                lines = lines.max(index + 1);
                if field == RADIOS {
                    let key = format!("items[{index}].radio.{value}");
                    form.values.insert(key, "on".into());
                    continue;
                }
            } else if !is_top_field(name) {
                continue;
            }
            form.values.insert(name.clone(), value);
        }
        if let Some(n) = pairs.iter().find(|(k, _)| k == "lines").and_then(|(_, v)| v.parse().ok())
        {
            lines = lines.max(n);
        }
        form.lines = lines.clamp(1, MAX_FORM_LINES);
        form
    }

    /// A value, or empty.
    pub(crate) fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// Adds an empty line at the end.
    pub(crate) fn add_line(&mut self) {
        self.lines = (self.lines + 1).min(MAX_FORM_LINES);
    }

    /// Removes line `index`, moving the later lines up.
    pub(crate) fn remove_line(&mut self, index: usize) {
        if self.lines <= 1 || index >= self.lines {
            return;
        }
        let old = std::mem::take(&mut self.values);
        for (name, value) in old {
            match item_path(&name) {
                Some((i, _)) if i == index => {}
                Some((i, field)) if i > index => {
                    self.values.insert(format!("items[{}].{field}", i - 1), value);
                }
                _ => {
                    self.values.insert(name, value);
                }
            }
        }
        self.lines -= 1;
    }

    /// The request JSON: empty controls are left out (not given), so that the parser names
    /// each missing required field by its path.
    pub(crate) fn to_request(&self) -> Value {
        let mut root = Map::new();
        for spec in SHIPMENT {
            put(&mut root, spec.path, self.value(spec.path));
        }
        for group in ["client", "consignee", "end_user"] {
            let mut object = Map::new();
            for spec in CLIENT.iter().chain(PARTIES).filter(|s| s.path.starts_with(group)) {
                let field = spec.path.get(group.len() + 1..).unwrap_or_default();
                let value = self.value(spec.path);
                if spec.path == "client.local_entity_in_destination" {
                    match value {
                        "true" => object.insert(field.into(), Value::Bool(true)),
                        "false" => object.insert(field.into(), Value::Bool(false)),
                        "" => None,
                        other => object.insert(field.into(), Value::String(other.into())),
                    };
                } else {
                    put(&mut object, field, value);
                }
            }
            if !object.is_empty() || group == "client" {
                root.insert(group.into(), Value::Object(object));
            }
        }
        let items = (0..self.lines).map(|i| Value::Object(self.item(i))).collect();
        root.insert("items".into(), Value::Array(items));
        Value::Object(root)
    }

    fn item(&self, index: usize) -> Map<String, Value> {
        let name = |field: &str| format!("items[{index}].{field}");
        let mut item = Map::new();
        for spec in LINE_MAIN.iter().chain(LINE_MORE) {
            let value = self.value(&name(spec.path));
            match spec.path {
                RADIOS => {
                    let none = !self.value(&name("radio.none")).is_empty();
                    let declared: Vec<Value> = Radio::ALL
                        .iter()
                        .filter(|r| !self.value(&name(&format!("radio.{}", r.as_str()))).is_empty())
                        .map(|r| Value::String(r.as_str().into()))
                        .collect();
                    if none && declared.is_empty() {
                        item.insert("radio".into(), Value::Array(vec![]));
                    } else if none {
                        // Both "no radio" and a technology: let the parser see the contradiction.
                        let mut list = vec![Value::String(NO_RADIO.into())];
                        list.extend(declared);
                        item.insert("radio".into(), Value::Array(list));
                    } else if !declared.is_empty() {
                        item.insert("radio".into(), Value::Array(declared));
                    }
                }
                "quantity" => {
                    let trimmed = value.trim();
                    if let Ok(n) = trimmed.parse::<u64>() {
                        item.insert("quantity".into(), Value::from(n));
                    } else {
                        put(&mut item, "quantity", value);
                    }
                }
                "serials" => {
                    let serials: Vec<Value> = value
                        .lines()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.into()))
                        .collect();
                    if !serials.is_empty() {
                        item.insert("serials".into(), Value::Array(serials));
                    }
                }
                path => {
                    if let Some((object, field)) = path.split_once('.') {
                        if !value.trim().is_empty() {
                            let entry = item
                                .entry(object.to_owned())
                                .or_insert_with(|| Value::Object(Map::new()));
                            if let Value::Object(map) = entry {
                                put(map, field, value);
                            }
                        }
                    } else {
                        put(&mut item, path, value);
                    }
                }
            }
        }
        item
    }

    /// A request shown in the form, as far as the form's controls go (the upload page says
    /// so when a request has more lines than the form takes).
    pub(crate) fn from_request(request: &Value) -> ShipmentForm {
        let mut form = ShipmentForm::empty(1);
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        for spec in SHIPMENT.iter().chain(CLIENT).chain(PARTIES) {
            if let Some(v) = pointer(request, spec.path) {
                form.values.insert(spec.path.into(), text(v));
            }
        }
        if let Some(Value::Array(items)) = request.get("items") {
            form.lines = items.len().clamp(1, MAX_FORM_LINES);
            for (i, item) in items.iter().take(MAX_FORM_LINES).enumerate() {
                for spec in LINE_MAIN.iter().chain(LINE_MORE) {
                    let name = format!("items[{i}].{}", spec.path);
                    match (spec.path, pointer(item, spec.path)) {
                        (RADIOS, Some(Value::Array(list))) => {
                            if list.is_empty() {
                                form.values.insert(format!("{name}.{NO_RADIO}"), "on".into());
                            }
                            for r in list {
                                form.values.insert(format!("{name}.{}", text(r)), "on".into());
                            }
                        }
                        ("serials", Some(Value::Array(list))) => {
                            let joined: Vec<String> = list.iter().map(text).collect();
                            form.values.insert(name, joined.join("\n"));
                        }
                        (_, Some(v)) => {
                            form.values.insert(name, text(v));
                        }
                        (_, None) => {}
                    }
                }
            }
        }
        form
    }

    /// The top-level sections, with values and errors.
    pub(crate) fn sections(&self, errors: &[ShownError]) -> Vec<Section> {
        [("Shipment", SHIPMENT), ("Client", CLIENT), ("Consignee and end user", PARTIES)]
            .into_iter()
            .map(|(title, specs)| Section {
                title,
                controls: specs
                    .iter()
                    .map(|s| self.control(s, s.path.to_owned(), errors))
                    .collect(),
            })
            .collect()
    }

    /// The item lines, with values and errors.
    pub(crate) fn line_views(&self, errors: &[ShownError]) -> Vec<LineView> {
        (0..self.lines)
            .map(|index| {
                let build = |specs: &[Spec]| -> Vec<Control> {
                    specs
                        .iter()
                        .map(|s| self.control(s, format!("items[{index}].{}", s.path), errors))
                        .collect()
                };
                let more = build(LINE_MORE);
                let more_open = more.iter().any(|c| !c.value.is_empty() || c.error.is_some());
                LineView { index, number: index + 1, main: build(LINE_MAIN), more, more_open }
            })
            .collect()
    }

    fn control(&self, spec: &Spec, name: String, errors: &[ShownError]) -> Control {
        let value = self.value(&name).to_owned();
        let mut choices = (spec.choices)();
        for choice in &mut choices {
            choice.selected = if spec.kind == "checks" {
                !self.value(&format!("{name}.{}", choice.value)).is_empty()
            } else {
                choice.value == value
            };
        }
        let id = control_id(&name);
        let note = self
            .typed
            .get(&name)
            .map(|typed| format!("`{typed}` was read as {}", self.value(&name)));
        let error = errors
            .iter()
            .filter(|e| e.anchor.as_deref() == Some(id.as_str()))
            .map(|e| e.message.clone())
            .reduce(|a, b| format!("{a}; {b}"));
        Control {
            id,
            name,
            label: spec.label,
            kind: spec.kind,
            value,
            choices,
            required: spec.required,
            hint: spec.hint,
            list: spec.list,
            inputmode: spec.inputmode,
            note,
            error,
        }
    }

    /// Reads the amounts typed in either convention (`2.450,00`, `2 450,00`, `2,450.00`,
    /// `1,5`) into plain decimals, so that the request holds exact values and the form shows
    /// them back; an amount that could be read two ways (`2,450`) is a problem on its control.
    pub(crate) fn read_amounts(&mut self) -> Vec<(String, String)> {
        let top = SHIPMENT.iter().filter(|s| s.inputmode == "decimal").map(|s| s.path.to_owned());
        let lines = (0..self.lines).flat_map(|i| {
            LINE_MAIN
                .iter()
                .chain(LINE_MORE)
                .filter(|s| s.inputmode == "decimal")
                .map(move |s| format!("items[{i}].{}", s.path))
        });
        let names: Vec<String> = top.chain(lines).collect();
        let mut problems = Vec::new();
        for name in names {
            let Some(typed) = self.values.get(&name).map(|v| v.trim().to_owned()) else { continue };
            if typed.is_empty() || preclear_domain::parse_decimal(&typed).is_ok() {
                continue;
            }
            match preclear_import::typed_number(&typed) {
                preclear_import::TypedNumber::Value(value) => {
                    self.values.insert(name.clone(), value.to_string());
                    self.typed.insert(name, typed);
                }
                preclear_import::TypedNumber::Ambiguous { thousands, decimal } => problems.push((
                    name,
                    format!(
                        "`{typed}` could be {thousands} or {decimal}: write {thousands} (or {thousands},00) for the first, {} for the second",
                        decimal.replace('.', ",")
                    ),
                )),
                // The parser says what is wrong with it, on its control.
                preclear_import::TypedNumber::NotANumber => {}
            }
        }
        problems
    }

    /// A control's label in the page's words: `Line 2 · Unit value`, `Freight`.
    fn label_of(&self, name: &str) -> Option<String> {
        if let Some((index, field)) = item_path(name) {
            let spec = LINE_MAIN.iter().chain(LINE_MORE).find(|s| s.path == field)?;
            return Some(format!("Line {} · {}", index + 1, spec.label));
        }
        SHIPMENT
            .iter()
            .chain(CLIENT)
            .chain(PARTIES)
            .find(|s| s.path == name)
            .map(|s| s.label.to_owned())
    }

    /// Attaches each parser error to the control that shows its field: the control whose name
    /// is the error's path or its nearest enclosing path (`items[0].radio[1]` → the radio
    /// group, `items[0].battery` → the battery chemistry). Errors no control shows (such as
    /// "at least one item") are listed without an anchor.
    pub(crate) fn place_errors(&self, errors: Vec<(String, String)>) -> Vec<ShownError> {
        errors
            .into_iter()
            .map(|(path, message)| {
                let control = self.anchor_for(&path);
                let anchor = control.as_ref().map(|name| control_id(name));
                let path = control.and_then(|name| self.label_of(&name)).unwrap_or(path);
                ShownError { path, message, anchor }
            })
            .collect()
    }

    fn anchor_for(&self, path: &str) -> Option<String> {
        let names: Vec<String> = SHIPMENT
            .iter()
            .chain(CLIENT)
            .chain(PARTIES)
            .map(|s| s.path.to_owned())
            .chain((0..self.lines).flat_map(|i| {
                LINE_MAIN.iter().chain(LINE_MORE).map(move |s| format!("items[{i}].{}", s.path))
            }))
            .collect();
        let mut candidate = path.to_owned();
        loop {
            if names.contains(&candidate) {
                return Some(candidate);
            }
            // An object (`items[0].battery`, `client`): its first control.
            let prefix = format!("{candidate}.");
            if let Some(first) = names.iter().find(|n| n.starts_with(&prefix)) {
                return Some(first.clone());
            }
            let cut = candidate.rfind(['.', '['])?;
            candidate.truncate(cut);
            if candidate.is_empty() {
                return None;
            }
        }
    }
}

fn put(object: &mut Map<String, Value>, field: &str, value: &str) {
    if !value.trim().is_empty() {
        object.insert(field.to_owned(), Value::String(value.trim().to_owned()));
    }
}

fn pointer<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key)).filter(|v| !v.is_null())
}

/// `items[3].unit_value` → `(3, "unit_value")`.
fn item_path(name: &str) -> Option<(usize, &str)> {
    let rest = name.strip_prefix("items[")?;
    let (index, field) = rest.split_once("].")?;
    Some((index.parse().ok()?, field))
}

fn is_top_field(name: &str) -> bool {
    SHIPMENT.iter().chain(CLIENT).chain(PARTIES).any(|s| s.path == name)
}

fn is_line_field(field: &str) -> bool {
    LINE_MAIN.iter().chain(LINE_MORE).any(|s| s.path == field)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn the_product_example_goes_round_the_form_unchanged() {
        let example: Value =
            serde_json::from_str(include_str!("../../../../examples/product-example.json"))
                .unwrap();
        let form = ShipmentForm::from_request(&example);
        let back = form.to_request();
        let parsed = preclear_domain::request::parse_shipment_value(&back).unwrap();
        let original = preclear_domain::request::parse_shipment_value(&example).unwrap();
        assert_eq!(format!("{parsed:?}"), format!("{original:?}"));
    }

    #[test]
    fn empty_controls_are_not_given_and_errors_find_their_control() {
        let form = ShipmentForm::from_pairs(&pairs(&[
            ("origin", "NL"),
            ("items[0].description", "Server"),
            ("items[0].quantity", "ten"),
            ("items[1].radio", "wifi"),
            ("items[1].radio", "none"),
            ("items[1].battery.wh", "40"),
            ("bogus", "x"),
        ]));
        assert_eq!(form.lines, 2);
        let request = form.to_request();
        assert_eq!(request["origin"], "NL");
        assert!(request.get("destination").is_none());
        assert_eq!(request["items"][0]["quantity"], "ten");
        assert_eq!(request["items"][1]["radio"], serde_json::json!(["none", "wifi"]));
        assert_eq!(request["items"][1]["battery"], serde_json::json!({ "wh": "40" }));
        let errors = preclear_domain::request::parse_shipment_value(&request).unwrap_err();
        let shown = form.place_errors(errors.0.into_iter().map(|e| (e.path, e.message)).collect());
        let anchor = |path: &str| {
            shown.iter().find(|e| e.path == path).and_then(|e| e.anchor.clone()).unwrap_or_default()
        };
        // Each problem is named by its control's label, and anchored to the control.
        assert_eq!(anchor("Destination country"), "f-destination");
        assert_eq!(anchor("Line 1 · Quantity"), "f-items-0-quantity");
        assert_eq!(anchor("Client's legal name"), "f-client-name");
        assert!(
            shown
                .iter()
                .any(|e| e.path == "Line 2 · Radio"
                    && e.anchor.as_deref() == Some("f-items-1-radio"))
        );
        assert!(shown.iter().any(|e| e.path.starts_with("Line 2 · Battery")
            && e.anchor.as_deref() == Some("f-items-1-battery-chemistry")));
        assert!(shown.iter().all(|e| !e.path.contains('[')), "no request paths: {shown:?}");
    }

    #[test]
    fn amounts_typed_in_either_convention_are_read_and_noted() {
        let mut form = ShipmentForm::from_pairs(&pairs(&[
            ("freight", "1.850,00"),
            ("insurance", "95"),
            ("items[0].unit_value", "9 800,50"),
            ("items[0].unit_weight_kg", "18,2"),
            ("items[1].unit_value", "2,450"),
            ("items[1].quantity", "1.000"),
        ]));
        let problems = form.read_amounts();
        assert_eq!(form.value("freight"), "1850.00");
        assert_eq!(form.value("insurance"), "95", "a plain decimal is left as typed");
        assert_eq!(form.value("items[0].unit_value"), "9800.50");
        assert_eq!(form.value("items[0].unit_weight_kg"), "18.2");
        assert_eq!(form.value("items[1].quantity"), "1.000", "whole units are not amounts");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "items[1].unit_value");
        assert!(problems[0].1.contains("could be 2450 or 2.450"), "{}", problems[0].1);
        let control = form.control(&LINE_MAIN[0], "items[0].unit_value".into(), &[]);
        assert_eq!(control.note.as_deref(), Some("`9 800,50` was read as 9800.50"));
    }

    #[test]
    fn lines_are_added_and_removed_with_their_values() {
        let mut form = ShipmentForm::from_pairs(&pairs(&[
            ("items[0].description", "a"),
            ("items[1].description", "b"),
            ("items[2].description", "c"),
        ]));
        form.remove_line(1);
        assert_eq!(form.lines, 2);
        assert_eq!(form.value("items[1].description"), "c");
        form.add_line();
        assert_eq!(form.lines, 3);
        assert_eq!(form.value("items[2].description"), "");
        let lines = form.line_views(&[]);
        assert_eq!(lines[1].main[0].value, "c");
        assert_eq!(lines[1].main[0].id, "f-items-1-description");
    }
}
