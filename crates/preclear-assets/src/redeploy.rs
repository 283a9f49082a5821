//! Where refurbished assets may go: each group of like assets ready for redeployment (same
//! manufacturer, model, category, HS code, ECCN and origin) is assessed with the engine as a
//! refurbished shipment from the hub to each destination, at its valuation — so a destination's
//! used-goods rules (a ban, an import licence, a permit by tariff line) answer before anyone plans
//! the move. Each answer is the engine's verdict and its summary sentence.

use std::collections::BTreeMap;

use jiff::civil::Date;
use preclear_domain::request::parse_shipment_request;
use preclear_kb::Kb;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;

use crate::{Asset, AssetState};

/// The shipment around the redeployed lines.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The client (who owns the assets), as in a shipment request.
    pub client_name: String,
    /// The client's country.
    pub client_country: String,
    /// The hub's country: the origin.
    pub hub_country: String,
    /// The currency the assets are valued in.
    pub currency: String,
    /// The date of the assessments.
    pub as_of: Date,
}

/// Like assets, assessed together.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Group {
    /// Manufacturer.
    pub manufacturer: String,
    /// Model.
    pub model: String,
    /// Category.
    pub category: String,
    /// HS code.
    pub hs_code: String,
    /// ECCN.
    pub eccn: String,
    /// Country of origin.
    pub country_of_origin: String,
}

impl Group {
    /// The group an asset belongs to.
    pub fn of(asset: &Asset) -> Group {
        Group {
            manufacturer: asset.manufacturer.clone(),
            model: asset.model.clone(),
            category: asset.category.clone(),
            hs_code: asset.hs_code.clone().unwrap_or_default(),
            eccn: asset.eccn.clone().unwrap_or_default(),
            country_of_origin: asset.country_of_origin.clone(),
        }
    }
}

/// The mean of the assets' valuations, to the cent; `None` unless every one is valued.
fn mean_value(assets: &[&Asset]) -> Option<Decimal> {
    let values: Option<Vec<Decimal>> =
        assets.iter().map(|a| a.valuation.as_ref().map(|v| v.value)).collect();
    let values = values.filter(|v| !v.is_empty())?;
    Some(
        (values.iter().sum::<Decimal>() / Decimal::from(values.len()))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
    )
}

/// One group's answer for one destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offer {
    /// The destination.
    pub destination: String,
    /// The group.
    pub group: Group,
    /// How many ready assets it holds, and their serials.
    pub serials: Vec<String>,
    /// The engine's verdict (`clearable`, `clearable_with_conditions`, `not_clearable`…).
    pub verdict: String,
    /// Whether they may go (every verdict but `not_clearable` and `blocked`).
    pub allowed: bool,
    /// The engine's sentence for the verdict.
    pub reason: String,
}

/// The groups of the assets ready for redeployment (others are left out).
pub fn groups(assets: &[Asset]) -> BTreeMap<Group, Vec<&Asset>> {
    let mut groups: BTreeMap<Group, Vec<&Asset>> = BTreeMap::new();
    for asset in assets.iter().filter(|a| a.state == AssetState::ReadyForRedeployment) {
        groups.entry(Group::of(asset)).or_default().push(asset);
    }
    groups
}

/// The redeployment view: every group of ready assets against every destination.
pub fn view(kb: &Kb, assets: &[Asset], destinations: &[&str], setup: &Setup) -> Vec<Offer> {
    let mut offers = Vec::new();
    for (group, members) in groups(assets) {
        // The group's unit value: the mean of its valuations (each names its method); ready
        // assets are valued (the lifecycle's guard), so zero only for hand-built lists.
        let unit_value = mean_value(&members).unwrap_or(Decimal::ZERO);
        let serials: Vec<String> = members.iter().map(|a| a.serial.clone()).collect();
        for destination in destinations {
            let (verdict, reason) =
                assess(kb, &group, members.len(), unit_value, destination, setup);
            offers.push(Offer {
                destination: (*destination).to_owned(),
                group: group.clone(),
                serials: serials.clone(),
                allowed: !matches!(verdict.as_str(), "not_clearable" | "blocked" | "invalid"),
                verdict,
                reason,
            });
        }
    }
    offers
}

fn assess(
    kb: &Kb,
    group: &Group,
    quantity: usize,
    unit_value: Decimal,
    destination: &str,
    setup: &Setup,
) -> (String, String) {
    if destination == setup.hub_country {
        return ("not_applicable".to_owned(), "the hub's own country: no import".to_owned());
    }
    let request = json!({
        "reference": format!("REDEPLOY-{destination}-{}", group.model),
        "client": { "name": setup.client_name, "country": setup.client_country,
                    "local_entity_in_destination": false },
        "origin": setup.hub_country,
        "destination": destination,
        "transport_mode": "air",
        "incoterm": "DAP",
        "currency": setup.currency,
        "purpose": "business_use",
        "consignee": { "name": "Redeployment site", "country": destination, "address": "Site" },
        "items": [{
            "description": format!("Refurbished {} {} {}", group.manufacturer, group.model, group.category),
            "category": group.category,
            "hs_code": group.hs_code,
            "manufacturer": group.manufacturer,
            "model": group.model,
            "country_of_origin": group.country_of_origin,
            "condition": "refurbished",
            "quantity": quantity,
            "unit_value": unit_value.to_string(),
            "radio": [],
            "encryption": "mass_market",
            "eccn": if group.eccn.is_empty() { serde_json::Value::Null } else { json!(group.eccn) },
            "battery": null,
            "gpu": null
        }]
    });
    match parse_shipment_request(&request.to_string()) {
        Ok(shipment) => {
            let assessment = preclear_engine::assess(kb, &shipment, setup.as_of);
            let verdict = serde_json::to_value(assessment.verdict)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            (verdict, assessment.summary)
        }
        Err(errors) => ("invalid".to_owned(), errors.to_string()),
    }
}

/// A recovery order's return shipment: the selected assets, grouped, as one request from the
/// country they are deployed in to the hub, for repair (`return_for_repair`), declared used, at
/// their valuation (else `unvalued_unit_value`, which the caller states). The engine then
/// assesses it in reverse: the deployed country is the origin (its export controls, and a
/// re-export under a regime that follows the goods' origin, such as the EAR), the hub's country
/// the destination.
pub fn return_request(
    assets: &[&Asset],
    setup: &Setup,
    reference: &str,
    unvalued_unit_value: Decimal,
) -> Result<serde_json::Value, String> {
    let Some(first) = assets.first() else {
        return Err("select at least one asset".to_owned());
    };
    let from = first.country.clone();
    if let Some(other) = assets.iter().find(|a| a.country != from) {
        return Err(format!(
            "asset {} is in {}, not {from}: a return consignment leaves one country",
            other.serial, other.country
        ));
    }
    if from == setup.hub_country {
        return Err(format!("the assets are already in the hub's country {from}"));
    }
    let mut lines: BTreeMap<Group, Vec<&Asset>> = BTreeMap::new();
    for asset in assets {
        lines.entry(Group::of(asset)).or_default().push(asset);
    }
    let items: Vec<serde_json::Value> = lines
        .iter()
        .map(|(group, members)| {
            let unit_value = mean_value(members).unwrap_or(unvalued_unit_value);
            json!({
                "description": format!("Used {} {} {} returned for refurbishment", group.manufacturer, group.model, group.category),
                "category": group.category,
                "hs_code": group.hs_code,
                "manufacturer": group.manufacturer,
                "model": group.model,
                "country_of_origin": group.country_of_origin,
                "condition": "used",
                "quantity": members.len(),
                "unit_value": unit_value.to_string(),
                "radio": [],
                "encryption": "mass_market",
                "eccn": if group.eccn.is_empty() { serde_json::Value::Null } else { json!(group.eccn) },
                "battery": null,
                "gpu": null,
                "serials": members.iter().map(|a| a.serial.clone()).collect::<Vec<_>>()
            })
        })
        .collect();
    Ok(json!({
        "reference": reference,
        "client": { "name": setup.client_name, "country": setup.client_country,
                    "local_entity_in_destination": false },
        "origin": from,
        "destination": setup.hub_country,
        "transport_mode": "sea",
        "incoterm": "DAP",
        "currency": setup.currency,
        "purpose": "return_for_repair",
        "consignee": { "name": "Refurbishment hub", "country": setup.hub_country, "address": "Hub" },
        "items": items
    }))
}
