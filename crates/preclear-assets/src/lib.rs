//! Reverse logistics by serial (issue 23), as a pure capability: no IO, no clock ("now" and
//! "on" are parameters).
//!
//! - [`Asset`]: every serial a consignment delivered, with what it is (make, model, category,
//!   HS code, ECCN, origin), where it is, who owns it, what it was bought for, and its own
//!   guarded lifecycle ([`lifecycle`]): deployed → decommissioned → awaiting recovery → in
//!   return transit → received at the hub → graded → refurbishing → ready for redeployment →
//!   redeployed, sold or recycled.
//! - [`valuation`]: grades with their criteria and valuation by a stated method (straight-line
//!   depreciation with a floor, a market-price table, a residual percentage), every valuation
//!   naming its method and basis.
//! - [`redeploy`]: which ready assets may go to which destinations — each group of like assets
//!   assessed with the engine as a refurbished shipment from the hub, so the destination's
//!   used-goods rules answer before anyone plans the move.

pub mod lifecycle;
pub mod redeploy;
pub mod valuation;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::lifecycle::{AssetEvent, AssetState, Micros, Move};
pub use crate::valuation::{Grade, Method, Purchase, Valuation};

/// A piece of hardware known by its serial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    /// Identifier.
    pub id: Uuid,
    /// The serial number.
    pub serial: String,
    /// The manufacturer.
    pub manufacturer: String,
    /// The model.
    pub model: String,
    /// The hardware category (`server`, `switch`…).
    pub category: String,
    /// HS code as declared when delivered.
    pub hs_code: Option<String>,
    /// ECCN, when known.
    pub eccn: Option<String>,
    /// Country of origin (manufacture).
    pub country_of_origin: String,
    /// The organisation that owns it.
    pub owner_org: Uuid,
    /// The country it is in now (ISO 3166 alpha-2).
    pub country: String,
    /// The site, when known.
    pub site: Option<String>,
    /// The consignment that delivered it.
    pub delivered_by: Option<Uuid>,
    /// What it was bought for.
    pub purchase: Option<Purchase>,
    /// Where it stands.
    pub state: AssetState,
    /// Its grade, once graded.
    pub grade: Option<Grade>,
    /// Its valuation, once valued.
    pub valuation: Option<Valuation>,
    /// Every step, oldest first.
    pub events: Vec<AssetEvent>,
}

/// The most serials one delivered request line may list.
pub const MAX_SERIALS_PER_LINE: usize = 10_000;

/// The assets a delivered consignment's request brings: one per serial of every line, deployed
/// in `country` at `site`, owned by `owner`. Lines without serials bring none (an asset is known
/// by its serial). Serials are trimmed; empty ones and repeats are skipped.
pub fn from_request(
    request: &serde_json::Value,
    consignment: Uuid,
    owner: Uuid,
    site: Option<&str>,
    at: Micros,
    actor: &str,
) -> Vec<Asset> {
    let country = text(request, "destination");
    let mut seen = std::collections::HashSet::new();
    let mut assets = Vec::new();
    let Some(items) = request.get("items").and_then(serde_json::Value::as_array) else {
        return assets;
    };
    for item in items {
        let serials = item.get("serials").and_then(serde_json::Value::as_array);
        for serial in serials.into_iter().flatten().take(MAX_SERIALS_PER_LINE) {
            let Some(serial) = serial.as_str().map(str::trim).filter(|s| !s.is_empty()) else {
                continue;
            };
            if !seen.insert(serial.to_owned()) {
                continue;
            }
            let optional = |key: &str| Some(text(item, key)).filter(|t| !t.is_empty());
            assets.push(Asset {
                id: asset_id(consignment, serial),
                serial: serial.to_owned(),
                manufacturer: text(item, "manufacturer"),
                model: text(item, "model"),
                category: text(item, "category"),
                hs_code: optional("hs_code"),
                eccn: optional("eccn"),
                country_of_origin: text(item, "country_of_origin"),
                owner_org: owner,
                country: country.clone(),
                site: site.map(str::to_owned),
                delivered_by: Some(consignment),
                purchase: None,
                state: AssetState::Deployed,
                grade: None,
                valuation: None,
                events: vec![AssetEvent {
                    from: None,
                    to: AssetState::Deployed,
                    at,
                    actor: actor.to_owned(),
                    consignment: Some(consignment),
                    note: None,
                }],
            });
        }
    }
    assets
}

/// An asset's id: the same consignment and serial always give the same one (a UUID of version
/// 8 whose bits are the SHA-256 of both), so recording a delivery twice makes no second asset.
pub fn asset_id(consignment: Uuid, serial: &str) -> Uuid {
    use sha2::Digest as _;
    let mut hash = sha2::Sha256::new();
    hash.update(consignment.as_bytes());
    hash.update(serial.as_bytes());
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    Uuid::from_bytes(bytes)
}

fn text(value: &serde_json::Value, key: &str) -> String {
    value.get(key).and_then(serde_json::Value::as_str).unwrap_or_default().trim().to_owned()
}
