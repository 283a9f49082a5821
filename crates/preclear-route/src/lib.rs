//! Routes on real networks, as a pure capability (no IO, no clock): where a consignment goes,
//! how far, how long and what it emits, leg by leg, and how that changes when a passage or a
//! port closes.
//!
//! - [`Network`]: the sea lanes (Eurostat's MARNET as the `searoute` package ships it, with its
//!   named [`Passage`]s), 3,962 ports by UN/LOCODE and 7,884 airports by IATA code, bundled and
//!   parsed once, with a content version every route names.
//! - [`plan`]: a route for a [`RouteRequest`] — a sea leg on the shortest open path between
//!   two ports (A* on the lane graph), an air leg on the great circle times a routing factor,
//!   road legs for pre- and on-carriage; a closed port moves the cargo to the nearest open port
//!   of the same country. Every figure rests on stated [`Assumption`]s (speeds, dwell times,
//!   routing factors) with their confidence.
//! - [`emissions`]: CO2e per leg from tonne-km and the US EPA factors, with the method stated.

mod geo;
mod network;
mod passage;

pub mod emissions;

use std::collections::BTreeSet;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

pub use geo::{EARTH_RADIUS_M, Point, metres};
pub use network::{AIRPORTS, Airport, MARNET, Network, NetworkError, PORTS, Port};
pub use passage::{PASSAGES, Passage};

/// How the cargo moves on the main leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// By sea, port to port.
    Sea,
    /// By air, airport to airport.
    Air,
    /// By road.
    Road,
}

impl Mode {
    /// `sea`, `air`, `road`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sea => "sea",
            Mode::Air => "air",
            Mode::Road => "road",
        }
    }

    /// Parses `sea`, `air` or `road` (any case).
    pub fn parse(text: &str) -> Option<Mode> {
        match text.trim().to_ascii_lowercase().as_str() {
            "sea" | "ocean" => Some(Mode::Sea),
            "air" => Some(Mode::Air),
            "road" | "truck" => Some(Mode::Road),
            _ => None,
        }
    }
}

/// What to route.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RouteRequest {
    /// Where the cargo starts: a port's UN/LOCODE (`NLRTM`) or an airport's IATA code (`AMS`).
    pub from: String,
    /// Where it goes, likewise.
    pub to: String,
    /// The main leg's mode.
    pub mode: Mode,
    /// Passages (`suez`, `babalmandab`…) and ports (UN/LOCODE) that are closed.
    #[serde(default)]
    pub closed: Vec<String>,
    /// The cargo's gross weight in kg, for emissions; without it emissions are per tonne only.
    /// A decimal as a string (`"1200.5"`) or a number.
    #[serde(default, deserialize_with = "decimal_or_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub weight_kg: Option<Decimal>,
}

/// A decimal given as a string or as a JSON number (read from its text, never through a float).
fn decimal_or_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Decimal>, D::Error> {
    use std::str::FromStr as _;
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    let text = match &value {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::String(text)) => text.trim().to_owned(),
        Some(serde_json::Value::Number(number)) => number.to_string(),
        Some(_) => String::new(),
    };
    Decimal::from_str(&text).map(Some).map_err(|_| {
        serde::de::Error::custom("a decimal number of kg, as a string (\"1200.5\") or a number")
    })
}

/// What is closed: passages and ports. The Northwest Passage is always closed (ice; not a
/// commercial lane), as in the `searoute` package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Closures {
    /// Closed passages.
    pub passages: BTreeSet<Passage>,
    /// Closed ports, by UN/LOCODE.
    pub ports: BTreeSet<String>,
}

impl Closures {
    fn passage_closed(&self, passage: Passage) -> bool {
        passage == Passage::Northwest || self.passages.contains(&passage)
    }

    fn port_closed(&self, locode: &str) -> bool {
        self.ports.contains(locode)
    }
}

/// A field of the request and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteError {
    /// The request field (`from`, `to`, `mode`, `closed[1]`, `weight_kg`).
    pub field: String,
    /// What is wrong, in words a user acts on.
    pub message: String,
}

impl std::fmt::Display for RouteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for RouteError {}

fn error(field: &str, message: impl Into<String>) -> RouteError {
    RouteError { field: field.to_owned(), message: message.into() }
}

/// A stated assumption a figure rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assumption {
    /// What it sets (`sea_speed_knots`).
    pub name: &'static str,
    /// Its value.
    pub value: Decimal,
    /// Why this value, and where it comes from.
    pub basis: &'static str,
    /// `low`, `medium` or `high`.
    pub confidence: &'static str,
}

/// The speeds, dwell times and routing factors a route uses. [`Assumptions::stated`] gives
/// the defaults with their basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumptions {
    /// Average sea speed, knots.
    pub sea_knots: Decimal,
    /// Days at each port (gate-in to loading, discharge to gate-out), not customs clearance.
    pub port_days: Decimal,
    /// Average air speed over the leg, km/h.
    pub air_kmh: Decimal,
    /// Air distance as a multiple of the great circle.
    pub air_factor: Decimal,
    /// Days at each airport (acceptance to departure, arrival to release), not customs.
    pub airport_days: Decimal,
    /// Road distance as a multiple of the great circle.
    pub road_factor: Decimal,
    /// Road kilometres a day.
    pub road_km_per_day: Decimal,
}

impl Assumptions {
    /// The defaults.
    pub fn stated() -> Assumptions {
        Assumptions {
            sea_knots: Decimal::from(16),
            port_days: Decimal::from(2),
            air_kmh: Decimal::from(800),
            air_factor: Decimal::new(108, 2),
            airport_days: Decimal::from(1),
            road_factor: Decimal::new(13, 1),
            road_km_per_day: Decimal::from(540),
        }
    }

    fn listed(&self, modes: &BTreeSet<Mode>) -> Vec<Assumption> {
        let mut list = Vec::new();
        if modes.contains(&Mode::Sea) {
            list.push(Assumption {
                name: "sea_speed_knots",
                value: self.sea_knots,
                basis: "average speed of container liner services, which slow-steam at about 14-18 knots; a planning figure, not a schedule",
                confidence: "low",
            });
            list.push(Assumption {
                name: "port_days",
                value: self.port_days,
                basis: "days at each port between the terminal gate and the vessel (both ends), excluding customs clearance and waiting for a sailing",
                confidence: "low",
            });
        }
        if modes.contains(&Mode::Air) {
            list.push(Assumption {
                name: "air_speed_kmh",
                value: self.air_kmh,
                basis: "block speed of a freighter or belly-hold flight including climb and descent",
                confidence: "medium",
            });
            list.push(Assumption {
                name: "air_routing_factor",
                value: self.air_factor,
                basis: "flown distance over the great circle: airways, holding and diversions (the UK government's conversion-factor methodology uplifts great-circle distances by 8%)",
                confidence: "medium",
            });
            list.push(Assumption {
                name: "airport_days",
                value: self.airport_days,
                basis: "days at each airport from acceptance to departure or from arrival to release, excluding customs clearance",
                confidence: "low",
            });
        }
        if modes.contains(&Mode::Road) {
            list.push(Assumption {
                name: "road_routing_factor",
                value: self.road_factor,
                basis: "road distance over the great circle (circuity of road networks, about 1.2-1.4)",
                confidence: "low",
            });
            list.push(Assumption {
                name: "road_km_per_day",
                value: self.road_km_per_day,
                basis: "one driver: 9 hours' driving a day at 60 km/h on average",
                confidence: "low",
            });
        }
        list
    }
}

/// A place on a route: a port or an airport.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stop {
    /// UN/LOCODE for a port, IATA code for an airport.
    pub code: String,
    /// `port` or `airport`.
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Where it is.
    pub at: Point,
}

impl Stop {
    fn port(port: &Port) -> Stop {
        Stop {
            code: port.locode.clone(),
            kind: "port",
            name: port.name.clone(),
            country: port.country.clone(),
            at: port.at,
        }
    }

    fn airport(airport: &Airport) -> Stop {
        Stop {
            code: airport.iata.clone(),
            kind: "airport",
            name: airport.name.clone(),
            country: airport.country.clone(),
            at: airport.at,
        }
    }
}

/// A passage a leg crosses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PassageRef {
    /// Its identifier (`suez`).
    pub id: &'static str,
    /// Its name (`Suez Canal`).
    pub name: &'static str,
}

/// One leg of a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leg {
    /// How it moves.
    pub mode: Mode,
    /// Where it starts.
    pub from: Stop,
    /// Where it ends.
    pub to: Stop,
    /// Distance in km, to one decimal.
    pub distance_km: Decimal,
    /// Days, to one decimal: moving time plus the dwell at its ends the assumptions state.
    pub transit_days: Decimal,
    /// The passages it crosses, in order.
    pub passages: Vec<PassageRef>,
    /// kg CO2e, when the weight is known.
    pub co2e_kg: Option<Decimal>,
    /// kg CO2e per tonne of cargo.
    pub co2e_kg_per_tonne: Option<Decimal>,
    /// The line it follows (sea legs: the lane vertices; others: the two ends).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<Point>,
    /// The distance in metres, unrounded, for emissions of another weight.
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    metres: u64,
}

/// A planned route.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Route {
    /// The main leg's mode.
    pub mode: Mode,
    /// Where it starts and ends.
    pub from: Stop,
    /// Where it ends.
    pub to: Stop,
    /// The legs, in order.
    pub legs: Vec<Leg>,
    /// Total km, to one decimal.
    pub distance_km: Decimal,
    /// Total days, to one decimal.
    pub transit_days: Decimal,
    /// Every passage crossed, in order.
    pub passages: Vec<PassageRef>,
    /// Total kg CO2e, when the weight is known.
    pub co2e_kg: Option<Decimal>,
    /// Total kg CO2e per tonne.
    pub co2e_kg_per_tonne: Option<Decimal>,
    /// What is closed, as considered: passage ids and port LOCODEs.
    pub closed: Vec<String>,
    /// What the route had to work around (a closed port replaced by another).
    pub notes: Vec<String>,
    /// The figures' assumptions.
    pub assumptions: Vec<Assumption>,
    /// How emissions are computed.
    pub emissions_method: &'static str,
    /// The network's content version.
    pub network_version: String,
}

impl Route {
    /// The same route carrying `weight_kg` (emissions recomputed leg by leg).
    pub fn with_weight(&self, weight_kg: Option<Decimal>) -> Route {
        let mut route = self.clone();
        for leg in &mut route.legs {
            leg.co2e_kg = weight_kg.and_then(|w| emissions::co2e_kg(leg.mode, leg.metres, w));
        }
        route.co2e_kg = route.legs.iter().map(|l| l.co2e_kg).sum::<Option<Decimal>>();
        route
    }

    /// Whether the route crosses `passage`.
    pub fn crosses(&self, passage: Passage) -> bool {
        self.passages.iter().any(|p| p.id == passage.id())
    }

    /// Whether it calls at (starts, ends or changes mode at) the port or airport `code`.
    pub fn calls_at(&self, code: &str) -> bool {
        self.legs.iter().any(|l| l.from.code == code || l.to.code == code)
    }
}

/// Upper bounds on what a request may hold.
pub const MAX_CLOSED: usize = 64;

/// Reads `closed`: passages (by any spelling [`Passage::parse`] knows) and ports by UN/LOCODE.
pub fn closures(network: &Network, closed: &[String]) -> Result<Closures, RouteError> {
    if closed.len() > MAX_CLOSED {
        return Err(error("closed", format!("at most {MAX_CLOSED} closures")));
    }
    let mut closures = Closures::default();
    for (index, entry) in closed.iter().enumerate() {
        if let Some(passage) = Passage::parse(entry) {
            closures.passages.insert(passage);
        } else if let Some(port) = network.port(entry) {
            closures.ports.insert(port.locode.clone());
        } else {
            let known: Vec<&str> = PASSAGES.iter().map(|p| p.id()).collect();
            return Err(error(
                &format!("closed[{index}]"),
                format!(
                    "`{}` is neither a passage ({}) nor a port's UN/LOCODE",
                    entry.chars().take(40).collect::<String>(),
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(closures)
}

enum Place<'a> {
    Port(&'a Port),
    Airport(&'a Airport),
}

impl Place<'_> {
    fn at(&self) -> Point {
        match self {
            Place::Port(p) => p.at,
            Place::Airport(a) => a.at,
        }
    }

    fn country(&self) -> &str {
        match self {
            Place::Port(p) => &p.country,
            Place::Airport(a) => &a.country,
        }
    }

    fn stop(&self) -> Stop {
        match self {
            Place::Port(p) => Stop::port(p),
            Place::Airport(a) => Stop::airport(a),
        }
    }
}

fn place<'a>(network: &'a Network, field: &str, code: &str) -> Result<Place<'a>, RouteError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(error(
            field,
            "is empty: give a port's UN/LOCODE (NLRTM) or an airport's IATA code (AMS)",
        ));
    }
    if code.len() == 5 {
        if let Some(port) = network.port(code) {
            return Ok(Place::Port(port));
        }
    } else if code.len() == 3
        && let Some(airport) = network.airport(code)
    {
        return Ok(Place::Airport(airport));
    }
    Err(error(
        field,
        format!(
            "`{}` is not a known port UN/LOCODE (5 characters, NLRTM) or airport IATA code (3 letters, AMS)",
            code.chars().take(40).collect::<String>()
        ),
    ))
}

fn km(metres: u64) -> Decimal {
    (Decimal::from(metres) / Decimal::from(1000))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
}

fn days(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(1, RoundingStrategy::AwayFromZero)
}

fn passage_refs(passages: &[Passage]) -> Vec<PassageRef> {
    passages.iter().map(|p| PassageRef { id: p.id(), name: p.name() }).collect()
}

fn scaled(metres: u32, factor: Decimal) -> u64 {
    let value = (Decimal::from(metres) * factor).round();
    u64::try_from(value).unwrap_or(u64::MAX)
}

struct LegBuilder<'a> {
    assumptions: &'a Assumptions,
    weight_kg: Option<Decimal>,
}

impl LegBuilder<'_> {
    fn leg(
        &self,
        mode: Mode,
        from: Stop,
        to: Stop,
        metres: u64,
        passages: &[Passage],
        path: Vec<Point>,
    ) -> Leg {
        let a = self.assumptions;
        let distance = Decimal::from(metres) / Decimal::from(1000);
        let moving = match mode {
            // Knots are nautical miles (1.852 km) an hour.
            Mode::Sea => distance / (a.sea_knots * Decimal::new(1852, 3) * Decimal::from(24)),
            Mode::Air => distance / (a.air_kmh * Decimal::from(24)),
            Mode::Road => distance / a.road_km_per_day,
        };
        let dwell = match mode {
            Mode::Sea => a.port_days * Decimal::from(2),
            Mode::Air => a.airport_days * Decimal::from(2),
            Mode::Road => Decimal::ZERO,
        };
        let per_tonne = emissions::co2e_kg(mode, metres, Decimal::from(1000));
        let co2e = self.weight_kg.and_then(|w| emissions::co2e_kg(mode, metres, w));
        Leg {
            mode,
            from,
            to,
            distance_km: km(metres),
            transit_days: days(moving + dwell),
            passages: passage_refs(passages),
            co2e_kg: co2e,
            co2e_kg_per_tonne: per_tonne,
            path,
            metres,
        }
    }
}

/// Plans the route of `request` on `network` with `assumptions`.
pub fn plan(
    network: &Network,
    request: &RouteRequest,
    assumptions: &Assumptions,
) -> Result<Route, RouteError> {
    let closures = closures(network, &request.closed)?;
    if let Some(weight) = request.weight_kg
        && (weight <= Decimal::ZERO || weight > Decimal::from(10_000_000))
    {
        return Err(error("weight_kg", "must be more than 0 and at most 10,000,000 kg"));
    }
    let from = place(network, "from", &request.from)?;
    let to = place(network, "to", &request.to)?;
    plan_between(network, &from, &to, request.mode, &closures, request.weight_kg, assumptions)
}

fn plan_between(
    network: &Network,
    from: &Place<'_>,
    to: &Place<'_>,
    mode: Mode,
    closures: &Closures,
    weight_kg: Option<Decimal>,
    assumptions: &Assumptions,
) -> Result<Route, RouteError> {
    let builder = LegBuilder { assumptions, weight_kg };
    let mut legs = Vec::new();
    let mut notes = Vec::new();
    let road = |a: Point, b: Point| scaled(metres(a, b), assumptions.road_factor);
    match mode {
        Mode::Road => {
            let metres = road(from.at(), to.at());
            legs.push(builder.leg(
                Mode::Road,
                from.stop(),
                to.stop(),
                metres,
                &[],
                vec![from.at(), to.at()],
            ));
        }
        Mode::Air => {
            let (Place::Airport(a), Place::Airport(b)) = (from, to) else {
                let field = if matches!(from, Place::Airport(_)) { "to" } else { "from" };
                return Err(error(
                    field,
                    "an air route runs between airports: give the airport's IATA code (AMS, SIN)",
                ));
            };
            let metres = scaled(geo::metres(a.at, b.at), assumptions.air_factor);
            legs.push(builder.leg(
                Mode::Air,
                Stop::airport(a),
                Stop::airport(b),
                metres,
                &[],
                vec![a.at, b.at],
            ));
        }
        Mode::Sea => {
            let closed = |locode: &str| closures.port_closed(locode);
            let origin = sea_end(network, from, "from", &closed, &mut notes)?;
            let destination = sea_end(network, to, "to", &closed, &mut notes)?;
            if let Place::Airport(a) = from {
                legs.push(builder.leg(
                    Mode::Road,
                    Stop::airport(a),
                    Stop::port(origin),
                    road(a.at, origin.at),
                    &[],
                    vec![a.at, origin.at],
                ));
            } else if let Place::Port(p) = from
                && p.locode != origin.locode
            {
                legs.push(builder.leg(
                    Mode::Road,
                    Stop::port(p),
                    Stop::port(origin),
                    road(p.at, origin.at),
                    &[],
                    vec![p.at, origin.at],
                ));
            }
            let (Some((start, start_m)), Some((end, end_m))) =
                (network.snap(origin.at), network.snap(destination.at))
            else {
                return Err(error("from", "the sea network is empty"));
            };
            let Some(path) = network.sea_path(start, end, &|p| closures.passage_closed(p)) else {
                let closed: Vec<&str> = closures.passages.iter().map(|p| p.id()).collect();
                return Err(error(
                    "closed",
                    format!(
                        "no open sea route from {} to {} with {} closed",
                        origin.locode,
                        destination.locode,
                        if closed.is_empty() { "nothing".to_owned() } else { closed.join(", ") }
                    ),
                ));
            };
            let mut line = vec![origin.at];
            line.extend(path.nodes.iter().map(|&n| network.point(n)));
            line.push(destination.at);
            let metres = path.metres + u64::from(start_m) + u64::from(end_m);
            legs.push(builder.leg(
                Mode::Sea,
                Stop::port(origin),
                Stop::port(destination),
                metres,
                &path.passages,
                line,
            ));
            if let Place::Airport(a) = to {
                legs.push(builder.leg(
                    Mode::Road,
                    Stop::port(destination),
                    Stop::airport(a),
                    road(destination.at, a.at),
                    &[],
                    vec![destination.at, a.at],
                ));
            } else if let Place::Port(p) = to
                && p.locode != destination.locode
            {
                legs.push(builder.leg(
                    Mode::Road,
                    Stop::port(destination),
                    Stop::port(p),
                    road(destination.at, p.at),
                    &[],
                    vec![destination.at, p.at],
                ));
            }
        }
    }
    let distance_km: Decimal = legs.iter().map(|l| l.distance_km).sum();
    let mut passages = Vec::new();
    for leg in &legs {
        passages.extend(leg.passages.iter().cloned());
    }
    let sum = |get: fn(&Leg) -> Option<Decimal>| -> Option<Decimal> {
        legs.iter().map(get).sum::<Option<Decimal>>()
    };
    let modes: BTreeSet<Mode> = legs.iter().map(|l| l.mode).collect();
    let mut closed: Vec<String> = closures.passages.iter().map(|p| p.id().to_owned()).collect();
    closed.extend(closures.ports.iter().cloned());
    Ok(Route {
        mode,
        from: from.stop(),
        to: to.stop(),
        distance_km,
        transit_days: legs.iter().map(|l| l.transit_days).sum(),
        co2e_kg: sum(|l| l.co2e_kg),
        co2e_kg_per_tonne: sum(|l| l.co2e_kg_per_tonne),
        passages,
        legs,
        closed,
        notes,
        assumptions: assumptions.listed(&modes),
        emissions_method: emissions::METHOD,
        network_version: network.version().to_owned(),
    })
}

/// Plans many requests, each lane (from, to, mode, closures) once: what re-planning a
/// program's consignments after a closure needs. The answers are in the requests' order.
pub fn plan_many(
    network: &Network,
    requests: &[RouteRequest],
    assumptions: &Assumptions,
) -> Vec<Result<Route, RouteError>> {
    /// A lane: from, to, mode and what is closed, normalised.
    type Lane = (String, String, Mode, Vec<String>);
    let mut lanes: std::collections::HashMap<Lane, Result<Route, RouteError>> =
        std::collections::HashMap::new();
    requests
        .iter()
        .map(|request| {
            let mut closed: Vec<String> =
                request.closed.iter().map(|c| c.trim().to_ascii_lowercase()).collect();
            closed.sort();
            closed.dedup();
            let key = (
                request.from.trim().to_ascii_uppercase(),
                request.to.trim().to_ascii_uppercase(),
                request.mode,
                closed,
            );
            let lane = lanes.entry(key).or_insert_with(|| {
                plan(network, &RouteRequest { weight_kg: None, ..request.clone() }, assumptions)
            });
            if let Some(weight) = request.weight_kg
                && (weight <= Decimal::ZERO || weight > Decimal::from(10_000_000))
            {
                return Err(error("weight_kg", "must be more than 0 and at most 10,000,000 kg"));
            }
            lane.as_ref().map(|route| route.with_weight(request.weight_kg)).map_err(Clone::clone)
        })
        .collect()
}

/// The port a sea leg starts or ends at: the place itself when it is an open port; else the
/// nearest open port of its country (a note says why).
fn sea_end<'a>(
    network: &'a Network,
    place: &Place<'a>,
    field: &str,
    closed: &dyn Fn(&str) -> bool,
    notes: &mut Vec<String>,
) -> Result<&'a Port, RouteError> {
    if let Place::Port(port) = place
        && !closed(&port.locode)
    {
        return Ok(port);
    }
    let Some((port, metres)) = network.nearest_port(place.at(), place.country(), closed) else {
        return Err(error(
            field,
            format!("no open port in {} to reach {} by sea", place.country(), place.stop().code),
        ));
    };
    let stop = place.stop();
    let why = match place {
        Place::Port(_) => format!("{} is closed", stop.code),
        Place::Airport(_) => format!("{} is inland or an airport", stop.code),
    };
    notes.push(format!(
        "{why}: the sea leg uses {} ({}), {} km away in a straight line",
        port.locode,
        port.name,
        km(u64::from(metres))
    ));
    Ok(port)
}
