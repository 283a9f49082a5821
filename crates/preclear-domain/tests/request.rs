//! The shipment request parser: the PRODUCT.md example parses; every bad input gets one message
//! per problem naming its field path; no input panics.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly on broken fixtures"
)]

use preclear_domain::request::{RequestErrors, parse_shipment_request};
use preclear_domain::{Category, Incoterm, Radio};
use proptest::prelude::*;
use serde_json::{Value, json};

fn product_example() -> Value {
    json!({
      "reference": "RF-2026-014",
      "client": { "name": "Nordwind Systems GmbH", "country": "DE", "local_entity_in_destination": false },
      "origin": "NL",
      "destination": "TR",
      "transport_mode": "air",
      "incoterm": "DDP",
      "currency": "EUR",
      "freight": "1850.00",
      "insurance": "95.00",
      "purpose": "business_use",
      "consignee": { "name": "Anadolu Veri Merkezi A.S.", "country": "TR", "address": "Istanbul" },
      "end_user": { "name": "Anadolu Veri Merkezi A.S.", "country": "TR" },
      "items": [
        {
          "description": "1U rack server, 2x Xeon Gold 6430, 512 GB RAM, dual 800 W PSU",
          "category": "server",
          "hs_code": "847150",
          "manufacturer": "Dell", "model": "PowerEdge R660", "country_of_origin": "CN",
          "condition": "new",
          "quantity": 10, "unit_value": "9800.00", "unit_weight_kg": "18.2",
          "radio": [], "encryption": "mass_market", "eccn": "5A992.c",
          "battery": null, "gpu": null, "serials": []
        }
      ]
    })
}

fn errors_of(value: &Value) -> Vec<String> {
    match parse_shipment_request(&value.to_string()) {
        Ok(_) => Vec::new(),
        Err(RequestErrors(errors)) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_product_example_parses() {
    let shipment = parse_shipment_request(&product_example().to_string()).unwrap();
    assert_eq!(shipment.destination.as_str(), "TR");
    assert_eq!(shipment.incoterm, Incoterm::Ddp);
    assert_eq!(shipment.freight.unwrap().amount().to_string(), "1850.00");
    let item = &shipment.items[0];
    assert_eq!(item.category, Category::Server);
    assert_eq!(item.line_value().amount().to_string(), "98000.00");
    assert!(item.radio.unwrap().is_empty());
    assert!(item.battery.is_none());
    assert_eq!(item.eccn.as_ref().unwrap().as_str(), "5A992.c");
}

#[test]
fn each_problem_is_reported_with_its_field_path() {
    let mut request = product_example();
    request["destination"] = json!("XX");
    request["currency"] = json!("EURO");
    request["surprise"] = json!(1);
    request["items"][0]["quantity"] = json!(0);
    request["items"][0]["hs_code"] = json!("84715");
    request["items"][0]["unit_value"] = json!("98OO.00");
    request["items"][0]["radio"] = json!(["wifi", "smoke-signals"]);
    let errors = errors_of(&request);
    let expected = [
        "surprise: unknown field",
        "destination: `XX` is not an ISO 3166-1 country code",
        "currency: `EURO` is not a three-letter ISO 4217 currency code",
        "items[0].hs_code: `84715` is not an HS code: it has 5 digits",
        "items[0].quantity: 0 is not a positive quantity",
        "items[0].unit_value: `98OO.00` is not a decimal number",
        "items[0].radio[1]: `smoke-signals` is not a known radio technology",
    ];
    for want in expected {
        assert!(errors.iter().any(|e| e.starts_with(want)), "missing `{want}` in {errors:#?}");
    }
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
}

#[test]
fn money_as_a_json_number_is_refused() {
    let mut request = product_example();
    request["freight"] = json!(1850.5);
    let errors = errors_of(&request);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("freight: write amounts as decimal strings"), "{errors:?}");
}

#[test]
fn negative_quantities_and_amounts_are_refused() {
    let mut request = product_example();
    request["items"][0]["quantity"] = json!(-3);
    request["insurance"] = json!("-1.00");
    let errors = errors_of(&request);
    assert!(errors.iter().any(|e| e.starts_with("items[0].quantity: -3 is not a positive")));
    assert!(errors.iter().any(|e| e.starts_with("insurance: `-1.00` is negative")));
}

#[test]
fn an_empty_item_list_is_refused() {
    let mut request = product_example();
    request["items"] = json!([]);
    assert_eq!(errors_of(&request), vec!["items: must list at least one item"]);
}

#[test]
fn missing_required_fields_are_named() {
    let mut request = product_example();
    request.as_object_mut().unwrap().remove("origin");
    request["items"][0].as_object_mut().unwrap().remove("category");
    request["client"].as_object_mut().unwrap().remove("name");
    let errors = errors_of(&request);
    assert!(errors.contains(&"origin: missing required field".to_owned()), "{errors:?}");
    assert!(errors.contains(&"items[0].category: missing required field".to_owned()));
    assert!(errors.contains(&"client.name: missing required field".to_owned()));
}

#[test]
fn malformed_json_names_line_and_column() {
    let err = parse_shipment_request("{\n  \"origin\": \"NL\",,\n}").unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert!(err.0[0].message.starts_with("malformed JSON at line 2 column"), "{err}");
}

#[test]
fn sea_only_incoterms_are_refused_for_air() {
    let mut request = product_example();
    request["incoterm"] = json!("CIF");
    let errors = errors_of(&request);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("incoterm: `CIF` is for sea and inland waterway transport only"));
}

#[test]
fn an_import_needs_a_destination_other_than_the_origin() {
    let mut request = product_example();
    request["origin"] = json!("TR");
    let errors = errors_of(&request);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("destination: `TR` is also the origin"), "{errors:?}");
}

#[test]
fn absent_radio_stays_unknown_and_an_empty_list_means_none() {
    let mut request = product_example();
    request["items"][0].as_object_mut().unwrap().remove("radio");
    let shipment = parse_shipment_request(&request.to_string()).unwrap();
    assert_eq!(shipment.items[0].radio, None);
    request["items"][0]["radio"] = json!(["cellular"]);
    let shipment = parse_shipment_request(&request.to_string()).unwrap();
    assert!(shipment.items[0].radio.unwrap().contains(Radio::Cellular));
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "\\PC{0,12}".prop_map(Value::String),
        prop_oneof![Just("EUR"), Just("TR"), Just("847150"), Just("-1"), Just("1e9")]
            .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("items".to_owned()),
                    Just("quantity".to_owned()),
                    Just("unit_value".to_owned()),
                    Just("radio".to_owned()),
                    Just("gpu".to_owned()),
                    "[a-z_]{1,10}"
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_parser_never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = parse_shipment_request(&text);
    }

    #[test]
    fn the_parser_never_panics_on_any_json(value in arbitrary_json()) {
        let _ = parse_shipment_request(&value.to_string());
    }

    /// Replacing any one field of a valid request with arbitrary JSON either still parses or
    /// yields errors that each name a path.
    #[test]
    fn mutating_one_field_gives_located_errors(
        field in prop::sample::select(vec!["origin", "currency", "freight", "items", "client", "incoterm"]),
        item_field in prop::sample::select(vec!["quantity", "unit_value", "hs_code", "gpu", "battery", "radio", "eccn"]),
        replacement in arbitrary_json(),
        in_item in any::<bool>(),
    ) {
        let mut request = product_example();
        if in_item {
            request["items"][0][item_field] = replacement;
        } else {
            request[field] = replacement;
        }
        if let Err(RequestErrors(errors)) = parse_shipment_request(&request.to_string()) {
            prop_assert!(!errors.is_empty());
            for error in errors {
                prop_assert!(!error.path.is_empty() || error.message.contains("JSON"), "{error}");
            }
        }
    }
}

#[test]
fn text_fields_are_bounded_and_free_of_control_characters() {
    let mut value = product_example();
    value["reference"] = json!("RF\u{0}-1");
    value["client"]["name"] = json!("N".repeat(501));
    value["consignee"]["address"] = json!("1 Server Street\nIstanbul");
    value["items"][0]["description"] = json!("Server\u{1b}[31m");
    let errors = errors_of(&value);
    assert!(
        errors.contains(&"reference: contains the control character U+0000; remove it".to_owned()),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"client.name: is 501 characters long; the limit is 500".to_owned()),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.starts_with("items[0].description: contains the control")));
    assert!(
        !errors.iter().any(|e| e.starts_with("consignee.address")),
        "an address may have lines"
    );
}

#[test]
fn the_number_of_items_is_bounded_with_a_clear_error() {
    let mut value = product_example();
    let item = value["items"][0].clone();
    value["items"] = Value::Array(vec![item; preclear_domain::request::MAX_ITEMS + 1]);
    assert_eq!(errors_of(&value), ["items: has 20001 items; the limit is 20000"]);
}

#[test]
fn the_requests_own_exchange_rates_are_read_and_checked() {
    let mut value = product_example();
    value["fx_rates"] = json!({ "BRL": "5.4325", "USD": "1.08" });
    let shipment = parse_shipment_request(&value.to_string()).unwrap();
    assert_eq!(shipment.fx_rates.len(), 2);
    assert_eq!(
        shipment.fx_rates[&preclear_domain::Currency::parse("BRL").unwrap()].to_string(),
        "5.4325"
    );
    let currency = value["currency"].as_str().unwrap().to_owned();
    value["fx_rates"] = json!({ "brl": "5", "USD": 1.08, "JPY": "0", &currency: "1" });
    let errors = errors_of(&value);
    for field in ["fx_rates.brl", "fx_rates.USD", "fx_rates.JPY", &format!("fx_rates.{currency}")] {
        assert!(errors.iter().any(|e| e.starts_with(&format!("{field}:"))), "{field}: {errors:?}");
    }
    value["fx_rates"] = json!(["BRL"]);
    assert!(errors_of(&value)[0].starts_with("fx_rates: expected an object"));
}
