//! The closed vocabularies of the shipment request (PRODUCT.md) and of the knowledge base. Each
//! has one spelling, the one the request and the knowledge-base files use.

use std::fmt;

/// Declares a closed vocabulary: the enum, its spellings, `ALL`, `parse`, `Display` and
/// `Serialize` (as the spelling); with the `openapi` feature, also its schema (a string of one of
/// the spellings, described by the doc comments of the enum and its variants).
macro_rules! vocabulary {
    ($(#[doc = $doc:literal])* $name:ident, $what:literal { $($(#[doc = $vdoc:literal])* $variant:ident => $text:literal,)+ }) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[doc = $vdoc])* $variant,)+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// What the vocabulary is called in messages.
            pub const WHAT: &'static str = $what;

            /// The spelling used in requests and knowledge-base files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// Parses the spelling; the error lists the accepted values.
            pub fn parse(text: &str) -> Result<$name, String> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        "`{}` is not a known {}; expected one of: {}",
                        text, $what, [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::openapi::vocabulary_schema(&[$($doc),*], &[$(($text, &[$($vdoc),*])),+])
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

vocabulary! {
    /// Incoterms 2020: who pays and bears risk for what, and where.
    Incoterm, "Incoterm" {
        /// Ex Works.
        Exw => "EXW",
        /// Free Carrier.
        Fca => "FCA",
        /// Carriage Paid To.
        Cpt => "CPT",
        /// Carriage and Insurance Paid To.
        Cip => "CIP",
        /// Delivered at Place.
        Dap => "DAP",
        /// Delivered at Place Unloaded.
        Dpu => "DPU",
        /// Delivered Duty Paid.
        Ddp => "DDP",
        /// Free Alongside Ship (sea and inland waterway only).
        Fas => "FAS",
        /// Free On Board (sea and inland waterway only).
        Fob => "FOB",
        /// Cost and Freight (sea and inland waterway only).
        Cfr => "CFR",
        /// Cost, Insurance and Freight (sea and inland waterway only).
        Cif => "CIF",
    }
}

impl Incoterm {
    /// Whether the term is one of the four for sea and inland waterway transport only.
    pub fn is_sea_only(self) -> bool {
        matches!(self, Incoterm::Fas | Incoterm::Fob | Incoterm::Cfr | Incoterm::Cif)
    }

    /// Whether the seller pays import duties and taxes at destination (only DDP).
    pub fn seller_pays_import_duties(self) -> bool {
        self == Incoterm::Ddp
    }

    /// Whether the seller pays the main carriage to the destination.
    pub fn seller_pays_main_carriage(self) -> bool {
        !matches!(self, Incoterm::Exw | Incoterm::Fca | Incoterm::Fas | Incoterm::Fob)
    }
}

vocabulary! {
    /// How the goods travel.
    TransportMode, "transport mode" {
        /// Air freight.
        Air => "air",
        /// Sea freight.
        Sea => "sea",
        /// Road.
        Road => "road",
        /// Rail.
        Rail => "rail",
        /// Express courier.
        Courier => "courier",
    }
}

vocabulary! {
    /// Why the goods are imported.
    Purpose, "purpose" {
        /// The importer's or its client's own business use (the usual IOR case).
        BusinessUse => "business_use",
        /// Resale in the destination.
        Resale => "resale",
        /// Sale to consumers in the destination.
        ConsumerSale => "consumer_sale",
        /// Temporary import, to be re-exported.
        TemporaryImport => "temporary_import",
        /// Returned for repair.
        ReturnForRepair => "return_for_repair",
    }
}

vocabulary! {
    /// The condition of the goods.
    Condition, "condition" {
        /// New.
        New => "new",
        /// Refurbished.
        Refurbished => "refurbished",
        /// Used.
        Used => "used",
    }
}

vocabulary! {
    /// A radio technology built into an item.
    Radio, "radio technology" {
        /// Wi-Fi (WLAN).
        Wifi => "wifi",
        /// Bluetooth.
        Bluetooth => "bluetooth",
        /// Cellular (2G–5G).
        Cellular => "cellular",
        /// LoRa.
        Lora => "lora",
        /// Zigbee.
        Zigbee => "zigbee",
        /// Near-field communication.
        Nfc => "nfc",
        /// Satellite navigation receiver.
        Gnss => "gnss",
    }
}

vocabulary! {
    /// The encryption class of an item.
    Encryption, "encryption class" {
        /// No cryptographic functionality.
        None => "none",
        /// Mass-market encryption (e.g. EAR 5A992.c).
        MassMarket => "mass_market",
        /// Controlled encryption (e.g. EAR 5A002).
        Controlled => "controlled",
    }
}

vocabulary! {
    /// The chemistry of a battery.
    BatteryChemistry, "battery chemistry" {
        /// Lithium-ion.
        LiIon => "li-ion",
        /// Lithium metal.
        LiMetal => "li-metal",
        /// Any other chemistry.
        Other => "other",
    }
}

vocabulary! {
    /// How a battery travels with the equipment (IATA packing instructions).
    BatteryPacking, "battery packing" {
        /// Installed in the equipment.
        ContainedInEquipment => "contained_in_equipment",
        /// Packed with, but not installed in, the equipment.
        PackedWithEquipment => "packed_with_equipment",
        /// A battery shipped on its own.
        Standalone => "standalone",
    }
}

vocabulary! {
    /// The hardware category of an item.
    Category, "category" {
        /// Rack or tower server.
        Server => "server",
        /// Storage array.
        StorageArray => "storage_array",
        /// Network switch.
        Switch => "switch",
        /// Router.
        Router => "router",
        /// Wireless access point.
        WirelessAccessPoint => "wireless_access_point",
        /// Firewall appliance.
        Firewall => "firewall",
        /// GPU or AI accelerator card.
        GpuAccelerator => "gpu_accelerator",
        /// Server built around GPUs or accelerators.
        GpuServer => "gpu_server",
        /// Laptop.
        Laptop => "laptop",
        /// Desktop computer.
        Desktop => "desktop",
        /// Mobile phone.
        MobilePhone => "mobile_phone",
        /// IoT tracker or telematics device.
        IotTracker => "iot_tracker",
        /// Uninterruptible power supply.
        Ups => "ups",
        /// Equipment rack or cabinet.
        Rack => "rack",
        /// Cable.
        Cable => "cable",
        /// Solid-state drive.
        Ssd => "ssd",
        /// Network interface card.
        NetworkCard => "network_card",
        /// Power supply unit.
        PowerSupply => "power_supply",
        /// Optical transceiver.
        Transceiver => "transceiver",
        /// Monitor.
        Monitor => "monitor",
        /// Anything else: the HS code must be declared.
        Other => "other",
    }
}

vocabulary! {
    /// How sure the knowledge base is of a fact.
    Confidence, "confidence" {
        /// Official text, or two or more independent consistent sources; recent.
        High => "high",
        /// One reputable secondary source, or an older official one.
        Medium => "medium",
        /// Vendor material, an aggregator or a dated source: indicative only.
        Low => "low",
        /// Not known: the engine asks the operator to confirm.
        Unknown => "unknown",
    }
}

/// A set of [`Radio`] technologies, as a bit set (cheap to copy and to intersect).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RadioSet(u8);

impl RadioSet {
    /// The empty set.
    pub const EMPTY: RadioSet = RadioSet(0);

    fn bit(radio: Radio) -> u8 {
        1 << (radio as u8)
    }

    /// Adds a technology.
    pub fn insert(&mut self, radio: Radio) {
        self.0 |= RadioSet::bit(radio);
    }

    /// Whether the set holds the technology.
    pub fn contains(&self, radio: Radio) -> bool {
        self.0 & RadioSet::bit(radio) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// Whether the two sets share a technology.
    pub fn intersects(&self, other: RadioSet) -> bool {
        self.0 & other.0 != 0
    }

    /// The technologies, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = Radio> + '_ {
        Radio::ALL.iter().copied().filter(|&radio| self.contains(radio))
    }
}

impl FromIterator<Radio> for RadioSet {
    fn from_iter<I: IntoIterator<Item = Radio>>(iter: I) -> RadioSet {
        let mut set = RadioSet::EMPTY;
        for radio in iter {
            set.insert(radio);
        }
        set
    }
}

impl fmt::Debug for RadioSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl serde::Serialize for RadioSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_and_list_choices_on_error() {
        for &category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Ok(category));
        }
        let err = TransportMode::parse("ship").unwrap_err();
        assert!(err.contains("`ship`") && err.contains("air, sea, road, rail, courier"), "{err}");
    }

    #[test]
    fn incoterms_know_who_pays_duty_and_carriage() {
        assert!(Incoterm::Ddp.seller_pays_import_duties());
        assert!(!Incoterm::Dap.seller_pays_import_duties());
        assert!(Incoterm::Cif.is_sea_only());
        assert!(!Incoterm::Fca.seller_pays_main_carriage());
        assert!(Incoterm::Dap.seller_pays_main_carriage());
    }

    #[test]
    fn radio_sets_intersect() {
        let phone: RadioSet = [Radio::Cellular, Radio::Wifi].into_iter().collect();
        let wlan: RadioSet = [Radio::Wifi].into_iter().collect();
        assert!(phone.intersects(wlan));
        assert!(!wlan.contains(Radio::Cellular));
        assert_eq!(phone.iter().collect::<Vec<_>>(), vec![Radio::Wifi, Radio::Cellular]);
    }
}
