//! The OpenAPI side of the assessment's closed vocabularies (the `openapi` feature): the string
//! enumeration every [`crate::closed`] set's schema is built with, and the schema of a
//! requirement's kind, whose spellings are the knowledge base's. The tests check the document
//! and that every value the engine writes in the scenario corpus is listed.

use std::borrow::Cow;

use preclear_kb::RequirementKind;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// A string, one of `values`, each listed in the description with its meaning.
pub(crate) fn enumeration<'a>(
    description: &str,
    values: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> RefOr<Schema> {
    let values: Vec<(&str, &str)> = values.into_iter().collect();
    let mut text = description.to_owned();
    text.push('\n');
    for (value, meaning) in &values {
        text.push_str(&format!("\n- `{value}`: {meaning}"));
    }
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(text))
        .enum_values(Some(values.iter().map(|(value, _)| *value)))
        .into()
}

/// The kind of a requirement: the spellings of the knowledge base's [`RequirementKind`], taken
/// from it so that the schema follows the knowledge-base format.
pub(crate) enum RequirementKindValue {}

impl utoipa::PartialSchema for RequirementKindValue {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The kind of a requirement, as the knowledge-base format spells it \
                 (`docs/kb-format.md`).",
            ))
            .enum_values(Some(RequirementKind::ALL.iter().map(|kind| kind.as_str())))
            .into()
    }
}

impl utoipa::ToSchema for RequirementKindValue {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("RequirementKind")
    }
}

#[cfg(all(test, feature = "openapi"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

    use std::path::{Path, PathBuf};

    use preclear_domain::Date;
    use preclear_domain::request::{parse_shipment_request, parse_shipment_value};
    use preclear_kb::{Holder, NeededBefore, RecoveryMechanism, Scope};
    use serde_json::{Value, json};
    use utoipa::OpenApi;

    use crate::{Severity, Verdict};

    /// A named change to a JSON document.
    type Change = (&'static str, fn(&mut Value));

    /// An OpenAPI document with the assessment and the shipment request, as a server would
    /// publish them.
    #[derive(OpenApi)]
    #[openapi(components(schemas(crate::Assessment, preclear_domain::openapi::ShipmentRequest)))]
    struct ApiDoc;

    fn document() -> Value {
        serde_json::from_str(&ApiDoc::openapi().to_json().unwrap()).unwrap()
    }

    fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
        let schema = &doc["components"]["schemas"][name];
        assert!(schema.is_object(), "no schema `{name}`");
        schema
    }

    /// The schema a `$ref` points to (or the schema itself).
    fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(reference) => {
                let name = reference.strip_prefix("#/components/schemas/").unwrap();
                resolve(doc, schema_of(doc, name))
            }
            None => schema,
        }
    }

    fn schema_of<'a>(doc: &'a Value, name: &str) -> &'a Value {
        schema(doc, name)
    }

    /// A property's schema with `null` (of an optional field) taken away.
    fn property<'a>(doc: &'a Value, object: &str, name: &str) -> &'a Value {
        let property = &schema(doc, object)["properties"][name];
        assert!(property.is_object(), "no property `{object}.{name}`");
        let property = match property["oneOf"].as_array() {
            Some(branches) => branches.iter().find(|branch| branch["type"] != "null").unwrap(),
            None => property,
        };
        resolve(doc, property)
    }

    fn is_string(schema: &Value) -> bool {
        schema["type"] == "string" || schema["type"] == json!(["string", "null"])
    }

    #[test]
    fn the_document_describes_the_assessment_and_the_request() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");

        let assessment = schema(&doc, "Assessment");
        let required = assessment["required"].as_array().unwrap();
        for field in ["verdict", "summary", "as_of", "landed_cost", "lines", "earliest_ship_date"] {
            assert!(required.contains(&json!(field)), "`{field}` is not required");
        }
        let verdict = property(&doc, "Assessment", "verdict");
        assert_eq!(verdict["type"], "string");
        assert_eq!(
            verdict["enum"],
            json!([
                "clearable",
                "clearable_with_conditions",
                "not_clearable",
                "ior_not_suitable",
                "not_assessable"
            ])
        );
        assert!(verdict["description"].as_str().unwrap().contains("`ior_not_suitable`: "));
        assert_eq!(property(&doc, "Assessment", "as_of")["format"], "date");
        let ship_date = property(&doc, "Assessment", "earliest_ship_date");
        assert_eq!(
            (&ship_date["type"], &ship_date["format"]),
            (&json!(["string", "null"]), &json!("date"))
        );
        assert_eq!(property(&doc, "Finding", "severity")["enum"][0], "blocker");
        assert_eq!(property(&doc, "Assessment", "origin")["pattern"], "^[A-Z]{2}$");
        assert_eq!(property(&doc, "LandedCost", "currency")["pattern"], "^[A-Z]{3}$");
        assert_eq!(property(&doc, "LineResult", "hs_code")["pattern"], "^[0-9]{6,12}$");
        assert_eq!(property(&doc, "LineLevy", "rate")["type"], "string");
        assert_eq!(
            property(&doc, "RequirementResult", "confidence")["enum"],
            json!(["high", "medium", "low", "unknown"])
        );
        assert_eq!(
            property(&doc, "LandedCost", "valuation_basis")["enum"],
            json!(["CIF", "FOB", "unknown"])
        );
        // Amounts are decimal strings, in the assessment as in the request.
        for (object, field) in [
            ("LandedCost", "goods_value"),
            ("LandedCost", "freight"),
            ("LandedCost", "total"),
            ("Charge", "amount"),
            ("LineResult", "value"),
            ("LineResult", "duty"),
            ("LineLevy", "amount"),
            ("ShipmentRequest", "freight"),
            ("ShipmentRequest", "insurance"),
            ("Item", "unit_value"),
        ] {
            assert!(is_string(property(&doc, object, field)), "{object}.{field} is not a string");
        }
        assert_eq!(property(&doc, "Item", "unit_value")["pattern"], r"^[0-9]+(\.[0-9]+)?$");

        let request = schema(&doc, "ShipmentRequest");
        assert_eq!(request["additionalProperties"], false);
        let items = &request["properties"]["items"];
        assert_eq!(items["type"], "array");
        assert_eq!(items["minItems"], 1);
        assert_eq!(items["items"]["$ref"], "#/components/schemas/Item");
        let required = request["required"].as_array().unwrap();
        assert!(required.contains(&json!("items")) && !required.contains(&json!("freight")));
        assert!(!required.contains(&json!("business_unit")));
        assert!(is_string(property(&doc, "ShipmentRequest", "business_unit")));
        assert_eq!(property(&doc, "ShipmentRequest", "incoterm")["enum"][6], "DDP");
        assert_eq!(request["examples"][0]["items"][0]["unit_value"], "9800.00");
        let figure = property(&doc, "Gpu", "tpp");
        assert_eq!(figure["oneOf"][0]["type"], "number");

        // Every reference resolves.
        let text = doc.to_string();
        for reference in text.split("\"$ref\":\"").skip(1) {
            let name = reference.split('"').next().unwrap();
            schema(&doc, name.strip_prefix("#/components/schemas/").unwrap());
        }
    }

    /// Lists every variant of a field-less enum, and fails to compile when one is missing.
    macro_rules! every {
        ($ty:ident: $($variant:ident),+) => {{
            let _exhaustive = |value: $ty| match value { $($ty::$variant)|+ => () };
            [$($ty::$variant),+]
        }};
    }

    #[test]
    fn every_spelling_of_the_vocabularies_is_listed() {
        let doc = document();
        let listed = |name: &str| -> Vec<String> {
            schema(&doc, name)["enum"]
                .as_array()
                .unwrap()
                .iter()
                .map(|value| value.as_str().unwrap().to_owned())
                .collect()
        };
        let same = |name: &str, spellings: Vec<&str>| assert_eq!(listed(name), spellings, "{name}");
        same(
            "Verdict",
            every!(Verdict: Clearable, ClearableWithConditions, NotClearable, IorNotSuitable, NotAssessable)
                .map(Verdict::as_str)
                .to_vec(),
        );
        same(
            "Severity",
            every!(Severity: Blocker, Condition, Warning, Info).map(Severity::as_str).to_vec(),
        );
        same(
            "RequirementScope",
            every!(Scope: Shipment, Model, Importer).map(Scope::as_str).to_vec(),
        );
        same(
            "RequirementHolder",
            every!(Holder: Importer, Manufacturer, ImporterOrManufacturer, LocalEntity, Exporter, Anyone)
                .map(Holder::as_str)
                .to_vec(),
        );
        same(
            "NeededBefore",
            every!(NeededBefore: Departure, Arrival, Clearance).map(NeededBefore::as_str).to_vec(),
        );
        same(
            "Payer",
            vec![crate::levies::payer(true).as_str(), crate::levies::payer(false).as_str()],
        );
        same(
            "RequirementStatus",
            crate::RequirementStatus::ALL.iter().map(|v| v.as_str()).collect(),
        );
        same("HsBasis", crate::HsBasis::ALL.iter().map(|v| v.as_str()).collect());
        same("ValuationBasis", vec!["CIF", "FOB", "unknown"]);
        same(
            "Recovery",
            every!(RecoveryMechanism: Deduction, PostponedAccounting, Deferment, Refund, Registration, None)
                .map(RecoveryMechanism::as_str)
                .to_vec(),
        );
        for name in [
            "Verdict",
            "Severity",
            "RequirementStatus",
            "RequirementSide",
            "RequirementScope",
            "RequirementHolder",
            "NeededBefore",
            "EccnBasis",
            "ValuationBasis",
            "HsBasis",
            "Payer",
            "RateSource",
            "ImporterStructure",
            "Recovery",
        ] {
            let description = schema(&doc, name)["description"].as_str().unwrap();
            for spelling in listed(name) {
                assert!(description.contains(&format!("`{spelling}`: ")), "{name}: {spelling}");
            }
        }
    }

    /// Checks `value` against `schema`: the subset of JSON Schema the document uses (`$ref`,
    /// `oneOf`, `type`, `enum`, `format: date`, `pattern` for the patterns it knows, bounds,
    /// `required`, `properties`, `items`). A property the schema does not declare is an error,
    /// so that a serialised field missing from the schema is found.
    fn check(doc: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
        if let Some(reference) = schema["$ref"].as_str() {
            let name = reference.strip_prefix("#/components/schemas/").unwrap();
            return check(doc, schema_of(doc, name), value, path, errors);
        }
        if let Some(branches) = schema["oneOf"].as_array() {
            let matching = branches
                .iter()
                .filter(|branch| {
                    let mut branch_errors = Vec::new();
                    check(doc, branch, value, path, &mut branch_errors);
                    branch_errors.is_empty()
                })
                .count();
            if matching != 1 {
                errors.push(format!("{path}: {value} matches {matching} branches of {schema}"));
            }
            return;
        }
        let types: Vec<&str> = match &schema["type"] {
            Value::String(name) => vec![name.as_str()],
            Value::Array(names) => names.iter().map(|name| name.as_str().unwrap()).collect(),
            _ => panic!("{path}: schema without a type: {schema}"),
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !types.iter().any(|&name| name == actual || (name == "number" && actual == "integer")) {
            errors.push(format!("{path}: {value} is not of type {types:?}"));
            return;
        }
        if let Some(values) = schema["enum"].as_array()
            && !values.contains(value)
        {
            errors.push(format!("{path}: {value} is not one of {values:?}"));
        }
        match value {
            Value::String(text) => {
                if schema["format"] == "date"
                    && text.parse::<Date>().map(|date| date.to_string()).ok().as_ref() != Some(text)
                {
                    errors.push(format!("{path}: `{text}` is not a YYYY-MM-DD date"));
                }
                if let Some(pattern) = schema["pattern"].as_str()
                    && !matches_pattern(pattern, text)
                {
                    errors.push(format!("{path}: `{text}` does not match `{pattern}`"));
                }
            }
            Value::Number(number) => {
                let number = number.as_f64().unwrap();
                if schema["minimum"].as_f64().is_some_and(|minimum| number < minimum)
                    || schema["maximum"].as_f64().is_some_and(|maximum| number > maximum)
                {
                    errors.push(format!("{path}: {number} is out of bounds in {schema}"));
                }
            }
            Value::Array(elements) => {
                if schema["minItems"].as_u64().is_some_and(|min| (elements.len() as u64) < min) {
                    errors.push(format!("{path}: fewer than {} items", schema["minItems"]));
                }
                for (idx, element) in elements.iter().enumerate() {
                    check(doc, &schema["items"], element, &format!("{path}[{idx}]"), errors);
                }
            }
            Value::Object(fields) => {
                for required in schema["required"].as_array().into_iter().flatten() {
                    let name = required.as_str().unwrap();
                    if !fields.contains_key(name) {
                        errors.push(format!("{path}.{name}: missing required property"));
                    }
                }
                for (name, field) in fields {
                    match schema["properties"].get(name) {
                        Some(property) => {
                            check(doc, property, field, &format!("{path}.{name}"), errors)
                        }
                        // A map (`fx_rates`): every value has the one schema.
                        None if schema["additionalProperties"].is_object() => check(
                            doc,
                            &schema["additionalProperties"],
                            field,
                            &format!("{path}.{name}"),
                            errors,
                        ),
                        None => errors.push(format!("{path}.{name}: not in the schema")),
                    }
                }
            }
            Value::Null | Value::Bool(_) => {}
        }
    }

    /// The patterns of the document, checked without a regex engine. An unknown pattern fails,
    /// so that a new one gets a check here.
    fn matches_pattern(pattern: &str, text: &str) -> bool {
        let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        let upper =
            |text: &str, n: usize| text.len() == n && text.bytes().all(|b| b.is_ascii_uppercase());
        match pattern {
            "^[A-Z]{2}$" => upper(text, 2),
            "^[A-Z]{3}$" => upper(text, 3),
            "^[0-9]{6,12}$" => digits(text) && (6..=12).contains(&text.len()),
            r"^[0-9]+(\.[0-9]+)?$" => match text.split_once('.') {
                Some((units, fraction)) => digits(units) && digits(fraction),
                None => digits(text),
            },
            r"\S" => text.chars().any(|ch| !ch.is_whitespace()),
            r"^[. ]*([0-9][. ]*){6,12}$" => {
                text.chars().all(|ch| ch.is_ascii_digit() || ch == '.' || ch == ' ')
                    && (6..=12).contains(&text.chars().filter(char::is_ascii_digit).count())
            }
            "^[A-Z]{2}-[A-Z0-9]{1,3}$" => match text.split_once('-') {
                Some((country, part)) => {
                    upper(country, 2)
                        && (1..=3).contains(&part.len())
                        && part.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                }
                None => false,
            },
            r"^(EAR99|[0-9][A-E][0-9]{3}(\.[A-Za-z0-9]+)*)$" => {
                preclear_domain::Eccn::parse(text).is_ok()
            }
            _ => panic!("no check for the pattern `{pattern}`"),
        }
    }

    fn validate(doc: &Value, name: &str, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        check(doc, schema(doc, name), value, "", &mut errors);
        errors
    }

    fn scenario_files() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
        let mut files = Vec::new();
        let mut pending = vec![root];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|ext| ext == "json") {
                    files.push(path);
                }
            }
        }
        files.sort();
        files
    }

    /// Every request of the scenario corpus and the examples conforms to the request schema, and
    /// every assessment of them to the assessment schema: the schemas describe what is really
    /// accepted and written.
    #[test]
    fn real_requests_and_assessments_conform_to_the_schemas() {
        let doc = document();
        let kb = preclear_kb_bundle::load().unwrap();
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut cases: Vec<(String, Value, Date)> = Vec::new();
        let mut example_files = vec![examples.join("product-example.json")];
        example_files.extend(
            std::fs::read_dir(examples.join("shapes")).unwrap().map(|entry| entry.unwrap().path()),
        );
        for file in example_files {
            let request = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            cases.push((file.display().to_string(), request, "2026-11-21".parse().unwrap()));
        }
        let files = scenario_files();
        assert!(files.len() >= 10, "expected the scenario corpus, found {} files", files.len());
        for file in files {
            let scenario: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            let as_of = scenario["as_of"].as_str().unwrap().parse().unwrap();
            cases.push((file.display().to_string(), scenario["request"].clone(), as_of));
        }
        let mut verdicts = std::collections::BTreeSet::new();
        let mut failures = Vec::new();
        let mut assessments = Vec::new();
        for (name, request, as_of) in &cases {
            for error in validate(&doc, "ShipmentRequest", request) {
                failures.push(format!("{name}: request{error}"));
            }
            let shipment = parse_shipment_value(request).unwrap();
            let assessment = serde_json::to_value(crate::assess(&kb, &shipment, *as_of)).unwrap();
            verdicts.insert(assessment["verdict"].as_str().unwrap().to_owned());
            for error in validate(&doc, "Assessment", &assessment) {
                failures.push(format!("{name}: assessment{error}"));
            }
            assessments.push(assessment);
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(verdicts.len(), 5, "the corpus should show every verdict: {verdicts:?}");

        // And the check has teeth: an assessment unlike the contract fails it.
        let changes: [Change; 5] = [
            ("unknown verdict", |a| a["verdict"] = json!("maybe")),
            ("amount as a number", |a| a["landed_cost"]["total"] = json!(1)),
            ("undeclared field", |a| a["lines"][0]["extra"] = json!(true)),
            ("date in another format", |a| a["as_of"] = json!("21/11/2026")),
            ("missing field", |a| a["timeline"].as_object_mut().unwrap().clear()),
        ];
        for (what, change) in changes {
            let mut assessment = assessments[0].clone();
            change(&mut assessment);
            assert!(!validate(&doc, "Assessment", &assessment).is_empty(), "{what}: accepted");
        }
    }

    /// The request schema refuses what the parser refuses, for the rules it can express.
    #[test]
    fn the_request_schema_refuses_invalid_requests() {
        let doc = document();
        let example: Value =
            serde_json::from_str(include_str!("../../../examples/product-example.json")).unwrap();
        assert!(validate(&doc, "ShipmentRequest", &example).is_empty());
        let mut business_unit = example.clone();
        business_unit["business_unit"] = json!("EMEA hardware");
        assert_eq!(validate(&doc, "ShipmentRequest", &business_unit), Vec::<String>::new());
        assert!(parse_shipment_request(&business_unit.to_string()).is_ok());
        let changes: [Change; 11] = [
            ("freight as a number", |r| r["freight"] = json!(1850.00)),
            ("unknown field", |r| r["items"][0]["serial"] = json!(["A1"])),
            ("lower-case country", |r| r["client"]["country"] = json!("de")),
            ("unknown transport mode", |r| r["transport_mode"] = json!("ship")),
            ("fractional quantity", |r| r["items"][0]["quantity"] = json!(2.5)),
            ("zero quantity", |r| r["items"][0]["quantity"] = json!(0)),
            ("no items", |r| r["items"] = json!([])),
            ("missing client", |r| r["client"] = Value::Null),
            ("amount with a thousands separator", |r| {
                r["items"][0]["unit_value"] = json!("9,800.00")
            }),
            ("short HS code", |r| r["items"][0]["hs_code"] = json!("8471")),
            ("blank business unit", |r| r["business_unit"] = json!("  ")),
        ];
        for (what, change) in changes {
            let mut request = example.clone();
            change(&mut request);
            let text = request.to_string();
            assert!(parse_shipment_request(&text).is_err(), "{what}: the parser accepts it");
            assert!(
                !validate(&doc, "ShipmentRequest", &request).is_empty(),
                "{what}: the schema accepts it"
            );
        }
    }
}
