//! Whether a rule's `when`/`unless` conditions hold for a line, in three values: a condition on a
//! fact the request did not give (no `radio` list, no HS code) is undetermined, so that the
//! engine can say "may apply: declare X" instead of guessing.

use preclear_domain::{HsCode, Item, Shipment};
use preclear_kb::{AnyOr, Conditions};

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

/// A line as the rules see it: the item and the HS code the engine settled on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineView<'a> {
    /// The line's 0-based index in the request.
    pub(crate) index: usize,
    pub(crate) item: &'a Item,
    pub(crate) hs: Option<&'a HsCode>,
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
    result
}
