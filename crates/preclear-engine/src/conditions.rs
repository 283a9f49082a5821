//! Whether a rule's `when`/`unless` conditions hold for a line, in three values: a condition on a
//! fact the request did not give (no `radio` list, no HS code) is undetermined, so that the
//! engine can say "may apply: declare X" instead of guessing.

use std::cell::RefCell;
use std::collections::HashMap;

use preclear_domain::{HsCode, Item, Shipment};
use preclear_kb::{AnyOr, Conditions};
use rust_decimal::Decimal;

use crate::fx;

/// A three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    Yes,
    No,
    /// Depends on a fact the request does not give; the string names it.
    Maybe(&'static str),
}

impl Tri {
    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Maybe(what), _) | (_, Tri::Maybe(what)) => Tri::Maybe(what),
            (Tri::Yes, Tri::Yes) => Tri::Yes,
        }
    }

    fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            maybe => maybe,
        }
    }

    fn from(flag: bool) -> Tri {
        if flag { Tri::Yes } else { Tri::No }
    }
}

/// A line as the rules see it: the item, the HS code the engine settled on, and the shipment's
/// totals a threshold compares with.
#[derive(Clone, Copy)]
pub(crate) struct LineView<'a> {
    /// The line's 0-based index in the request.
    pub(crate) index: usize,
    pub(crate) item: &'a Item,
    pub(crate) hs: Option<&'a HsCode>,
    /// A trait object, so that a line view stays covariant in its lifetime.
    pub(crate) totals: &'a dyn Thresholds,
}

/// What a threshold condition compares with.
pub(crate) trait Thresholds {
    /// The value of the shipment's lines under the line's HS code (the request's currency);
    /// `None` without an HS code.
    fn code_value(&self, line: usize) -> Option<Decimal>;
    /// The shipment's quantity.
    fn quantity(&self) -> u64;
    /// An amount in the request's currency (the rate remembered), `None` without a rate.
    fn convert(&self, money: preclear_domain::Money) -> Option<Decimal>;
}

impl Thresholds for Totals<'_> {
    fn code_value(&self, line: usize) -> Option<Decimal> {
        self.code_values.get(line).copied().flatten()
    }

    fn quantity(&self) -> u64 {
        self.quantity
    }

    fn convert(&self, money: preclear_domain::Money) -> Option<Decimal> {
        self.fx.borrow_mut().in_request_currency(money)
    }
}

impl std::fmt::Debug for LineView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineView").field("index", &self.index).field("hs", &self.hs).finish()
    }
}

/// What thresholds compare with: per line, the value of the shipment's lines under its HS code
/// (the request's currency); the shipment's quantity; and the converter of the thresholds'
/// amounts (its rates join the landed cost's).
pub(crate) struct Totals<'a> {
    code_values: Vec<Option<Decimal>>,
    quantity: u64,
    pub(crate) fx: RefCell<fx::Converter<'a>>,
}

impl<'a> Totals<'a> {
    /// The totals of `shipment` whose lines have the HS codes `codes` (by line).
    pub(crate) fn new(
        shipment: &'a Shipment,
        codes: &[Option<&HsCode>],
        converter: fx::Converter<'a>,
    ) -> Totals<'a> {
        let mut by_code: HashMap<&str, Decimal> = HashMap::new();
        for (item, code) in shipment.items.iter().zip(codes) {
            if let Some(code) = code {
                *by_code.entry(code.as_str()).or_default() += item.line_value().amount();
            }
        }
        Totals {
            code_values: codes
                .iter()
                .map(|code| code.and_then(|c| by_code.get(c.as_str()).copied()))
                .collect(),
            quantity: shipment.items.iter().map(|item| u64::from(item.quantity)).sum(),
            fx: RefCell::new(converter),
        }
    }
}

/// Whether a rule with these `when` and `unless` applies to the line.
pub(crate) fn applies(
    when: Option<&Conditions>,
    unless: Option<&Conditions>,
    shipment: &Shipment,
    line: LineView<'_>,
) -> Tri {
    let when = when.map_or(Tri::Yes, |conditions| holds(conditions, shipment, line));
    if when == Tri::No {
        return Tri::No;
    }
    let unless = unless.map_or(Tri::Yes, |conditions| holds(conditions, shipment, line).not());
    when.and(unless)
}

/// Whether every condition of the table holds.
pub(crate) fn holds(conditions: &Conditions, shipment: &Shipment, line: LineView<'_>) -> Tri {
    let item = line.item;
    let mut result = Tri::Yes;
    let mut check = |tri: Tri| result = result.and(tri);
    if let Some(categories) = &conditions.category {
        check(Tri::from(categories.contains(&item.category)));
    }
    if let Some(prefixes) = &conditions.hs {
        check(match line.hs {
            Some(code) => Tri::from(prefixes.iter().any(|prefix| code.starts_with(prefix))),
            None => Tri::Maybe("the HS code"),
        });
    }
    if let Some(radio) = &conditions.radio {
        check(match (item.radio, radio) {
            (None, _) => Tri::Maybe("the radio technologies (`radio`)"),
            (Some(set), AnyOr::Any) => Tri::from(!set.is_empty()),
            (Some(set), AnyOr::Some(wanted)) => Tri::from(set.intersects(*wanted)),
        });
    }
    if let Some(classes) = &conditions.encryption {
        check(match item.encryption {
            None => Tri::Maybe("the encryption class (`encryption`)"),
            Some(class) => Tri::from(classes.contains(&class)),
        });
    }
    if let Some(battery) = &conditions.battery {
        check(Tri::from(match (&item.battery, battery) {
            (None, _) => false,
            (Some(_), AnyOr::Any) => true,
            (Some(found), AnyOr::Some(chemistries)) => chemistries.contains(&found.chemistry),
        }));
    }
    if let Some(packings) = &conditions.battery_packing {
        check(Tri::from(item.battery.is_some_and(|battery| packings.contains(&battery.packing))));
    }
    if let Some(states) = &conditions.condition {
        check(Tri::from(states.contains(&item.condition)));
    }
    if let Some(purposes) = &conditions.purpose {
        check(Tri::from(purposes.contains(&shipment.purpose)));
    }
    if let Some(modes) = &conditions.transport_mode {
        check(Tri::from(modes.contains(&shipment.transport_mode)));
    }
    if let Some(origins) = &conditions.origin {
        check(Tri::from(origins.contains(&item.country_of_origin)));
    }
    if let Some(from) = &conditions.shipped_from {
        check(Tri::from(from.contains(&shipment.origin)));
    }
    if let Some(wanted) = conditions.gpu {
        check(Tri::from(item.gpu.is_some() == wanted));
    }
    let gpu = item.gpu;
    if let Some(min) = conditions.gpu_tpp_min {
        check(Tri::from(gpu.is_some_and(|gpu| gpu.tpp >= min)));
    }
    if let Some(below) = conditions.gpu_tpp_below {
        check(Tri::from(gpu.is_some_and(|gpu| gpu.tpp < below)));
    }
    if let Some(min) = conditions.gpu_density_min {
        check(match gpu {
            None => Tri::No,
            Some(gpu) => match gpu.performance_density {
                None => Tri::Maybe("the GPU's performance density (`gpu.performance_density`)"),
                Some(density) => Tri::from(density >= min),
            },
        });
    }
    if let Some(below) = conditions.gpu_density_below {
        check(match gpu {
            None => Tri::No,
            Some(gpu) => match gpu.performance_density {
                None => Tri::Maybe("the GPU's performance density (`gpu.performance_density`)"),
                Some(density) => Tri::from(density < below),
            },
        });
    }
    let totals = line.totals;
    if let Some(threshold) = conditions.code_value_above {
        check(match totals.code_value(line.index) {
            None => Tri::Maybe("the HS code"),
            Some(value) => match totals.convert(threshold) {
                Some(limit) => Tri::from(value > limit),
                None => Tri::Maybe("an exchange rate for the threshold's currency (`fx_rates`)"),
            },
        });
    }
    if let Some(units) = conditions.shipment_quantity_at_most {
        check(Tri::from(totals.quantity() <= units));
    }
    result
}
