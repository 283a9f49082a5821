//! Routes on the bundled network, against published distances and the closures a planner
//! meets: Suez and Bab-el-Mandeb, Panama, a single port.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use std::str::FromStr as _;

use preclear_route::{
    AIRPORTS, Assumptions, MARNET, Mode, Network, PORTS, Passage, Route, RouteRequest, plan,
};
use rust_decimal::Decimal;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn request(from: &str, to: &str, mode: Mode, closed: &[&str]) -> RouteRequest {
    RouteRequest {
        from: from.to_owned(),
        to: to.to_owned(),
        mode,
        closed: closed.iter().map(|c| (*c).to_owned()).collect(),
        weight_kg: Some(dec("12000")),
    }
}

fn route(from: &str, to: &str, mode: Mode, closed: &[&str]) -> Route {
    plan(Network::bundled(), &request(from, to, mode, closed), &Assumptions::stated())
        .unwrap_or_else(|e| panic!("{from}-{to}: {e}"))
}

fn ids(route: &Route) -> Vec<&str> {
    route.passages.iter().map(|p| p.id).collect()
}

/// Within `percent` of `published` km.
fn near(km: Decimal, published: i64, percent: i64) -> bool {
    let published = Decimal::from(published);
    (km - published).abs() * Decimal::from(100) <= published * Decimal::from(percent)
}

#[test]
fn the_bundled_network_parses_whole_and_names_its_version() {
    let network = Network::parse(MARNET, PORTS, AIRPORTS).expect("the bundled files parse");
    let (nodes, edges) = network.size();
    assert!(nodes > 9_000 && edges > 15_000, "{nodes} nodes, {edges} edges");
    assert_eq!(network.port("nlrtm").map(|p| p.name.as_str()), Some("Rotterdam"));
    assert_eq!(network.airport("sin").map(|a| a.country.as_str()), Some("SG"));
    assert!(network.version().starts_with("network-sha256:") && network.version().len() == 31);
    assert_eq!(network.version(), Network::bundled().version(), "one parse, one version");
}

#[test]
fn rotterdam_to_singapore_goes_by_suez_and_round_the_cape_when_suez_closes() {
    let open = route("NLRTM", "SGSIN", Mode::Sea, &[]);
    // Published port-to-port distance: about 8,290 nautical miles (15,350 km) via Suez.
    assert!(near(open.distance_km, 15_350, 3), "{}", open.distance_km);
    assert_eq!(ids(&open), ["gibraltar", "suez", "babalmandab", "malacca"]);
    assert!(open.crosses(Passage::Suez));

    let closed = route("NLRTM", "SGSIN", Mode::Sea, &["suez", "bab-el-mandeb"]);
    // About 11,750 nautical miles (21,760 km) round the Cape of Good Hope.
    assert!(near(closed.distance_km, 21_760, 3), "{}", closed.distance_km);
    assert!(closed.crosses(Passage::SouthAfrica) && !closed.crosses(Passage::Suez));
    assert_eq!(closed.closed, ["suez", "babalmandab"]);
    // The detour costs days and emissions in proportion to the distance.
    let added = closed.transit_days - open.transit_days;
    assert!(added > Decimal::from(8) && added < Decimal::from(11), "{added} days");
    assert!(closed.co2e_kg > open.co2e_kg);
}

#[test]
fn transit_days_are_distance_over_speed_plus_the_dwell_at_both_ports() {
    let r = route("NLRTM", "SGSIN", Mode::Sea, &[]);
    let leg = &r.legs[0];
    // 16 knots = 711.168 km a day; two ports of 2 days each; rounded up to a tenth.
    let expected = leg.distance_km / dec("711.168") + Decimal::from(4);
    assert!(leg.transit_days >= expected && leg.transit_days - expected < dec("0.1"));
    let names: Vec<&str> = r.assumptions.iter().map(|a| a.name).collect();
    assert_eq!(names, ["sea_speed_knots", "port_days"]);
    assert!(r.network_version.starts_with("network-sha256:"));
    // Emissions: 12 t over the distance at the EPA waterborne intensity.
    let tonne_km = leg.distance_km * Decimal::from(12);
    let expected = (tonne_km * dec("0.030824"))
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    assert!((leg.co2e_kg.unwrap() - expected).abs() <= dec("0.1"), "{:?} {expected}", leg.co2e_kg);
}

#[test]
fn a_closed_port_moves_the_sea_leg_to_the_nearest_open_port_of_its_country() {
    let r = route("NLRTM", "SGSIN", Mode::Sea, &["NLRTM"]);
    assert_eq!(r.legs.len(), 2, "a road leg to another Dutch port, then the sea leg");
    assert_eq!(r.legs[0].mode, Mode::Road);
    assert_eq!(r.legs[0].from.code, "NLRTM");
    let port = &r.legs[1].from;
    assert!(port.code.starts_with("NL") && port.code != "NLRTM", "{}", port.code);
    assert!(r.notes[0].starts_with("NLRTM is closed: the sea leg uses"), "{:?}", r.notes);
    assert!(r.calls_at(&port.code));
}

#[test]
fn an_inland_airport_reaches_the_sea_by_road() {
    // Frankfurt to Santos by sea: a road leg to a German port first.
    let r = route("FRA", "BRSSZ", Mode::Sea, &[]);
    assert_eq!(r.legs.iter().map(|l| l.mode).collect::<Vec<_>>(), [Mode::Road, Mode::Sea]);
    assert!(r.legs[1].from.code.starts_with("DE"));
    let names: Vec<&str> = r.assumptions.iter().map(|a| a.name).collect();
    assert!(names.contains(&"road_routing_factor") && names.contains(&"sea_speed_knots"));
}

#[test]
fn air_legs_are_great_circles_times_the_routing_factor() {
    let r = route("AMS", "SIN", Mode::Air, &[]);
    let great_circle = Decimal::from(preclear_route::metres(
        Network::bundled().airport("AMS").unwrap().at,
        Network::bundled().airport("SIN").unwrap().at,
    )) / Decimal::from(1000);
    let expected = (great_circle * dec("1.08"))
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    assert!((r.distance_km - expected).abs() <= dec("0.1"), "{} vs {expected}", r.distance_km);
    // Air emits about 15 times what sea does per tonne-km.
    let sea = route("NLRTM", "SGSIN", Mode::Sea, &[]);
    let (air_i, sea_i) =
        (r.co2e_kg.unwrap() / r.distance_km, sea.co2e_kg.unwrap() / sea.distance_km);
    assert!(air_i > sea_i * Decimal::from(14) && air_i < sea_i * Decimal::from(17));
    assert!(r.transit_days < Decimal::from(3));
}

#[test]
fn a_route_without_weight_still_gives_emissions_per_tonne() {
    let mut request = request("NLRTM", "USNYC", Mode::Sea, &[]);
    request.weight_kg = None;
    let r = plan(Network::bundled(), &request, &Assumptions::stated()).unwrap();
    assert_eq!(r.co2e_kg, None);
    assert!(r.co2e_kg_per_tonne.is_some_and(|kg| kg > Decimal::ZERO));
}

#[test]
fn bad_requests_name_the_field() {
    let network = Network::bundled();
    let stated = Assumptions::stated();
    let field = |r: RouteRequest| plan(network, &r, &stated).unwrap_err().field;
    assert_eq!(field(request("XXXXX", "SGSIN", Mode::Sea, &[])), "from");
    assert_eq!(field(request("NLRTM", "", Mode::Sea, &[])), "to");
    assert_eq!(field(request("NLRTM", "SGSIN", Mode::Sea, &["suez", "atlantis"])), "closed[1]");
    // Air runs between airports.
    assert_eq!(field(request("NLRTM", "SIN", Mode::Air, &[])), "from");
    let mut heavy = request("NLRTM", "SGSIN", Mode::Sea, &[]);
    heavy.weight_kg = Some(dec("-1"));
    assert_eq!(field(heavy), "weight_kg");
    let error =
        plan(network, &request("NLRTM", "SGSIN", Mode::Sea, &["atlantis"]), &stated).unwrap_err();
    assert!(error.message.contains("suez"), "{error}");
}

#[test]
fn with_every_way_out_closed_there_is_no_route_and_the_error_says_so() {
    // The Mediterranean's three exits: Gibraltar, Suez, the Dardanelles.
    let error = plan(
        Network::bundled(),
        &request("ITGOA", "SGSIN", Mode::Sea, &["gibraltar", "suez", "dardanelles"]),
        &Assumptions::stated(),
    )
    .unwrap_err();
    assert_eq!(error.field, "closed");
    assert!(error.message.starts_with("no open sea route from ITGOA to SGSIN"), "{error}");
}

#[test]
fn the_northwest_passage_is_never_used() {
    // Rotterdam to Vancouver: via Panama, not the Arctic.
    let r = route("NLRTM", "CAVAN", Mode::Sea, &[]);
    assert!(r.crosses(Passage::Panama), "{:?}", ids(&r));
    assert!(!r.crosses(Passage::Northwest));
}

#[test]
fn planning_many_plans_each_lane_once_and_answers_like_one_by_one() {
    let network = Network::bundled();
    let stated = Assumptions::stated();
    let mut requests = Vec::new();
    for (index, to) in
        ["SGSIN", "IDJKT", "VNSGN", "BRSSZ", "XXXXX"].iter().cycle().take(20).enumerate()
    {
        let mut r = request("NLRTM", to, Mode::Sea, &["suez", "babalmandab"]);
        r.weight_kg = Some(Decimal::from(1000 + index * 250));
        requests.push(r);
    }
    let many = preclear_route::plan_many(network, &requests, &stated);
    assert_eq!(many.len(), 20);
    for (request, answer) in requests.iter().zip(&many) {
        let alone = plan(network, request, &stated);
        assert_eq!(answer, &alone, "{} to {}", request.from, request.to);
    }
    assert_eq!(many[4].as_ref().unwrap_err().field, "to");
}

#[test]
fn a_request_reads_its_weight_as_a_decimal_string_or_a_number() {
    for body in [
        r#"{"from": "NLRTM", "to": "SGSIN", "mode": "sea", "weight_kg": "1200.5"}"#,
        r#"{"from": "NLRTM", "to": "SGSIN", "mode": "sea", "weight_kg": 1200.5}"#,
    ] {
        let request: RouteRequest =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(request.weight_kg, Some(dec("1200.5")), "{body}");
    }
    let unknown = serde_json::from_str::<RouteRequest>(
        r#"{"from": "A", "to": "B", "mode": "sea", "via": "x"}"#,
    );
    assert!(unknown.unwrap_err().to_string().contains("unknown field `via`"));
}
