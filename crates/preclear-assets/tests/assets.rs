//! Assets by serial, pure: servers delivered to Brazil become assets; they are decommissioned,
//! recovered to the hub in the Netherlands, graded and valued by a stated method, and offered for
//! redeployment — where each destination's used-goods rules answer, on the bundled KB.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use preclear_assets::lifecycle::{apply, check};
use preclear_assets::redeploy::{Setup, view};
use preclear_assets::valuation::value;
use preclear_assets::{Asset, AssetState, Grade, Method, Move, Purchase, from_request};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

const DAY: i64 = 86_400_000_000;

fn delivered() -> Vec<Asset> {
    let mut request: serde_json::Value =
        serde_json::from_str(include_str!("../../../examples/shapes/refurbished-server.json"))
            .unwrap();
    request["destination"] = json!("BR");
    request["items"][0]["condition"] = json!("new");
    request["items"][0]["serials"] = json!(["SN-1", " SN-2 ", "", "SN-1", "SN-3"]);
    from_request(&request, Uuid::from_u128(7), Uuid::from_u128(1), Some("São Paulo DC"), 0, "ops")
}

#[test]
fn every_serial_of_a_delivery_becomes_one_deployed_asset() {
    let assets = delivered();
    let serials: Vec<&str> = assets.iter().map(|a| a.serial.as_str()).collect();
    assert_eq!(serials, ["SN-1", "SN-2", "SN-3"], "trimmed, empty and repeated serials skipped");
    let first = &assets[0];
    assert_eq!(
        (first.country.as_str(), first.model.as_str(), first.state),
        ("BR", "R740", AssetState::Deployed)
    );
    assert_eq!(first.hs_code.as_deref(), Some("847150"));
    assert_eq!(first.delivered_by, Some(Uuid::from_u128(7)));
    // The same delivery recorded twice gives the same ids.
    assert_eq!(delivered()[2].id, assets[2].id);
    assert_ne!(assets[0].id, assets[1].id);
}

#[test]
fn the_lifecycle_refuses_skipped_steps_and_missing_facts() {
    let mut asset = delivered().remove(0);
    let refused = check(&asset, AssetState::InReturnTransit, &Move::default()).unwrap_err();
    assert!(refused.contains("may move to decommissioned only"), "{refused}");
    apply(&mut asset, AssetState::Decommissioned, Move::default(), DAY, "ops").unwrap();
    apply(&mut asset, AssetState::AwaitingRecovery, Move::default(), 2 * DAY, "ops").unwrap();
    let no_consignment = check(&asset, AssetState::InReturnTransit, &Move::default()).unwrap_err();
    assert!(no_consignment.contains("with a consignment"), "{no_consignment}");
    let back = Move { consignment: Some(Uuid::from_u128(99)), note: None };
    apply(&mut asset, AssetState::InReturnTransit, back, 3 * DAY, "ops").unwrap();
    apply(&mut asset, AssetState::ReceivedAtHub, Move::default(), 10 * DAY, "hub").unwrap();
    assert!(check(&asset, AssetState::Graded, &Move::default()).unwrap_err().contains("no grade"));
    asset.grade = Some(Grade::B);
    apply(&mut asset, AssetState::Graded, Move::default(), 11 * DAY, "hub").unwrap();
    apply(&mut asset, AssetState::Refurbishing, Move::default(), 12 * DAY, "hub").unwrap();
    assert!(
        check(&asset, AssetState::ReadyForRedeployment, &Move::default())
            .unwrap_err()
            .contains("no valuation")
    );
    let purchase = Purchase {
        value: Decimal::from(12_000),
        currency: "USD".into(),
        date: "2022-06-15".parse().unwrap(),
    };
    let method = Method::StraightLine { years: 5, floor_percent: Decimal::from(10) };
    asset.valuation = Some(
        value(&asset.model, Some(&purchase), Grade::B, &method, "2026-12-08".parse().unwrap())
            .unwrap(),
    );
    apply(&mut asset, AssetState::ReadyForRedeployment, Move::default(), 20 * DAY, "hub").unwrap();
    // Time does not run backwards; recycling needs the recycler's handover.
    assert!(
        apply(
            &mut asset,
            AssetState::Sold,
            Move { consignment: None, note: Some("Broker".into()) },
            5 * DAY,
            "hub"
        )
        .is_err()
    );
    assert!(
        check(&asset, AssetState::Recycled, &Move::default())
            .unwrap_err()
            .contains("licensed recycler")
    );
    let history: Vec<&str> = asset.events.iter().map(|e| e.to.as_str()).collect();
    assert_eq!(
        history,
        [
            "deployed",
            "decommissioned",
            "awaiting_recovery",
            "in_return_transit",
            "received_at_hub",
            "graded",
            "refurbishing",
            "ready_for_redeployment"
        ]
    );
    assert_eq!(asset.events[3].consignment, Some(Uuid::from_u128(99)));
}

#[test]
fn the_redeployment_view_asks_each_destination_with_its_used_goods_rules() {
    let kb = preclear_kb_bundle::load().unwrap();
    let mut assets = delivered();
    for asset in &mut assets {
        asset.state = AssetState::ReadyForRedeployment;
        asset.country = "NL".into();
        asset.grade = Some(Grade::A);
        asset.valuation = Some(preclear_assets::Valuation {
            value: Decimal::from(2500),
            currency: "USD".into(),
            grade: Grade::A,
            method: "market-price table by model and grade".into(),
            basis: "R740 grade A: 2500 USD (broker quote, 2026-11-01)".into(),
            on: "2026-12-08".parse().unwrap(),
        });
    }
    // One asset is not ready: it is left out.
    assets[2].state = AssetState::Refurbishing;
    let setup = Setup {
        client_name: "Nordwind Systems GmbH".into(),
        client_country: "DE".into(),
        hub_country: "NL".into(),
        currency: "USD".into(),
        as_of: "2026-12-08".parse().unwrap(),
    };
    let destinations = ["VN", "DE", "NL"];
    let offers = view(&kb, &assets, &destinations, &setup);
    assert_eq!(offers.len(), 3, "one group (R740) × three destinations");
    assert!(offers.iter().all(|o| o.serials == ["SN-1", "SN-2"]));
    let offer = |cc: &str| offers.iter().find(|o| o.destination == cc).unwrap();
    // Germany: the EU imports refurbished servers (conditions at most).
    assert!(offer("DE").allowed, "{:?}", offer("DE"));
    // Viet Nam bans imports of used and refurbished IT products on its list: refused, with
    // the reason.
    let vietnam = offer("VN");
    assert!(!vietnam.allowed, "{vietnam:?}");
    assert_eq!(vietnam.verdict, "not_clearable");
    assert!(vietnam.reason.contains("banned"), "{}", vietnam.reason);
    assert_eq!(offer("NL").verdict, "not_applicable");
}

#[test]
fn a_recovery_order_is_assessed_in_reverse_from_the_deployed_country_to_the_hub() {
    let kb = preclear_kb_bundle::load().unwrap();
    let assets = delivered(); // three R740s deployed in Brazil, made in the US, not yet valued
    let selected: Vec<&Asset> = assets.iter().collect();
    let setup = Setup {
        client_name: "Nordwind Systems GmbH".into(),
        client_country: "DE".into(),
        hub_country: "NL".into(),
        currency: "USD".into(),
        as_of: "2026-12-08".parse().unwrap(),
    };
    let request = preclear_assets::redeploy::return_request(
        &selected,
        &setup,
        "RET-BR-1",
        Decimal::from(800),
    )
    .unwrap();
    assert_eq!(
        (request["origin"].as_str(), request["destination"].as_str()),
        (Some("BR"), Some("NL"))
    );
    assert_eq!(request["purpose"], "return_for_repair");
    assert_eq!(request["items"][0]["condition"], "used");
    assert_eq!(request["items"][0]["quantity"], 3);
    assert_eq!(request["items"][0]["unit_value"], "800", "unvalued assets take the stated value");
    assert_eq!(request["items"][0]["serials"], json!(["SN-1", "SN-2", "SN-3"]));
    let shipment = preclear_domain::request::parse_shipment_request(&request.to_string()).unwrap();
    let assessment = preclear_engine::assess(&kb, &shipment, setup.as_of);
    // In reverse: the export side is Brazil's (the KB has no Brazilian export regime, and says
    // so rather than staying silent); the import side is the hub's, where used equipment must be
    // shown to travel for re-use, not as waste.
    let text = serde_json::to_string(&assessment).unwrap();
    assert!(text.contains("no export-control regime for shipments leaving Brazil"), "{text}");
    assert!(text.contains("re-use and is not waste"), "the WEEE Annex VI evidence");
    // Assets in two countries cannot share a return consignment.
    let mut moved = assets.clone();
    moved[1].country = "MX".into();
    let mixed: Vec<&Asset> = moved.iter().collect();
    assert!(
        preclear_assets::redeploy::return_request(&mixed, &setup, "RET", Decimal::ONE)
            .unwrap_err()
            .contains("leaves one country")
    );
}
