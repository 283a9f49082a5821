//! The closed vocabularies of the assessment: each a Rust enum whose serde spelling is the
//! contract's (`applies`, `CIF`, `category_default`…), whose meanings are its variants' docs, and
//! whose OpenAPI schema (the `openapi` feature) is built from the same list: one declaration, so
//! the schema, the JSON and the code cannot disagree.

use std::fmt;

/// Declares a closed vocabulary: the enum, its spellings, `ALL`, `as_str`, `Display`, and its
/// OpenAPI schema (a string enumeration whose description lists every value with its meaning).
macro_rules! closed_set {
    (
        $(#[doc = $doc:literal])*
        $name:ident { $($variant:ident = $value:literal => $meaning:literal,)+ }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        pub enum $name {
            $(
                #[doc = $meaning]
                #[serde(rename = $value)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in the order of the contract.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The contract spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::openapi::enumeration(
                    concat!($($doc),*).trim(),
                    [$(($value, $meaning)),+],
                )
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

closed_set! {
    /// Whether a requirement applies.
    RequirementStatus {
        Applies = "applies" => "It applies to the lines listed (or to the shipment as a whole).",
        Possible = "possible" => "It may apply: it depends on a fact the request does not give.",
    }
}

closed_set! {
    /// Which side of the border a requirement belongs to.
    RequirementSide {
        Destination = "destination" => "An import requirement of the destination market.",
        Origin = "origin" => "An export requirement of an origin-side export-control regime.",
    }
}

closed_set! {
    /// For what a requirement is obtained.
    RequirementScope {
        Shipment = "shipment" => "For each shipment.",
        Model = "model" => "Once per product model.",
        Importer = "importer" => "Held by the importer of record.",
    }
}

closed_set! {
    /// Who applies for and holds a requirement.
    RequirementHolder {
        Importer = "importer" => "The importer of record.",
        Manufacturer = "manufacturer" => "The manufacturer.",
        ImporterOrManufacturer = "importer_or_manufacturer" => "The importer or the manufacturer.",
        LocalEntity = "local_entity" => "A legal entity established in the market.",
        Exporter = "exporter" => "The exporter (exporter of record) at origin.",
        Anyone = "anyone" => "Anyone.",
    }
}

closed_set! {
    /// By when a requirement must be in hand.
    NeededBefore {
        Departure = "departure" => "Before the goods leave origin.",
        Arrival = "arrival" => "Before they arrive.",
        Clearance = "clearance" => "Before customs clearance.",
    }
}

closed_set! {
    /// Where an ECCN comes from.
    EccnBasis {
        Declared = "declared" => "The ECCN the request declares.",
        Determined = "determined" => "Determined by the engine from the item's attributes.",
    }
}

closed_set! {
    /// The basis on which the destination values goods for customs.
    ValuationBasis {
        Cif = "CIF" => "Cost, insurance and freight: the declared freight and insurance are added to the goods value.",
        Fob = "FOB" => "Free on board: the goods value alone.",
        Unknown = "unknown" => "Not established (or the market is not covered).",
    }
}

closed_set! {
    /// Where a line's HS code comes from.
    HsBasis {
        Declared = "declared" => "The HS code the request declares.",
        Classified = "classified" => "The classifier's confident reading of the description (the request declares none).",
        CategoryDefault = "category_default" => "The default code of the item's category (the request declares none).",
        None = "none" => "No code could be determined.",
    }
}

closed_set! {
    /// Who pays, under the Incoterm.
    Payer {
        Seller = "seller" => "The seller.",
        Buyer = "buyer" => "The buyer.",
    }
}

closed_set! {
    /// Where an exchange rate comes from.
    RateSource {
        Ecb = "ecb" => "The ECB's euro reference rate.",
        Hmrc = "hmrc" => "HMRC's monthly customs and VAT rate.",
        Request = "request" => "The request's own `fx_rates`.",
    }
}

impl RateSource {
    /// The source's name for people, as reports and quotes print it.
    pub fn title(self) -> &'static str {
        match self {
            RateSource::Ecb => "ECB reference rate",
            RateSource::Hmrc => "HMRC monthly customs rate",
            RateSource::Request => "the request's own rate",
        }
    }
}

closed_set! {
    /// Who imports, as the assessment found it (for the import VAT/GST recovery).
    ImporterStructure {
        ClientLocalEntity = "client_local_entity" => "The client's own entity in the destination.",
        LocalIor = "local_ior" => "A local importer-of-record company (the market allows no non-resident importer).",
        NonResidentIor = "non_resident_ior" => "A non-resident importer of record, which the market allows.",
        Unknown = "unknown" => "Whether a non-resident may import is not established.",
    }
}

closed_set! {
    /// How import VAT/GST comes back to the importer.
    Recovery {
        Deduction = "deduction" => "Paid at import, deducted as input tax in the importer's returns.",
        PostponedAccounting = "postponed_accounting" => "Declared and deducted in the same return, never paid at import.",
        Deferment = "deferment" => "Paid after clearance through a deferment account, then deducted.",
        Refund = "refund" => "Paid, then refunded on a claim.",
        Registration = "registration" => "Recoverable only once the importer registers for VAT in the market, then deducted.",
        None = "none" => "Not recoverable: a cost of the shipment.",
    }
}
