//! The networks as data: the sea-lane graph (nodes, edges with their length and the passage
//! they belong to), the ports and the airports, parsed once from the bundled files; and the
//! shortest sea path between two nodes with some passages closed.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use serde::Deserialize;
use sha2::Digest as _;

use crate::geo::{self, Point};
use crate::passage::Passage;

/// The bundled sea network (MARNET, as the `searoute` package ships it; Apache-2.0).
pub const MARNET: &str = include_str!("../data/marnet_searoute.geojson");
/// The bundled ports (UN/LOCODE, name, coordinates; same package).
pub const PORTS: &str = include_str!("../data/ports.geojson");
/// The bundled airports with an IATA code (from the `airportsdata` package; MIT).
pub const AIRPORTS: &str = include_str!("../data/airports.csv");

/// A port: its UN/LOCODE, name, country and position, and the network node it joins the sea
/// lanes at.
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    /// UN/LOCODE, five characters (`NLRTM`).
    pub locode: String,
    /// Its name (`Rotterdam`).
    pub name: String,
    /// ISO 3166-1 alpha-2, the LOCODE's first two letters.
    pub country: String,
    /// Where it is.
    pub at: Point,
    /// Whether the file marks it a terminal (`t` = 1: 803 ports with scheduled cargo lines),
    /// the ports a closed port's cargo or an inland place's is moved to.
    pub terminal: bool,
}

/// An airport with an IATA code.
#[derive(Debug, Clone, PartialEq)]
pub struct Airport {
    /// IATA code, three letters (`AMS`).
    pub iata: String,
    /// ICAO code, where it has one.
    pub icao: String,
    /// Its name.
    pub name: String,
    /// The city it serves, where known.
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Where it is.
    pub at: Point,
}

/// An edge of the sea graph, stored from one node.
#[derive(Debug, Clone, Copy)]
struct Edge {
    to: u32,
    metres: u32,
    passage: Option<Passage>,
}

/// The networks, parsed and indexed. Build it once ([`Network::bundled`]) and share it: a
/// route query only reads it.
#[derive(Debug)]
pub struct Network {
    nodes: Vec<Point>,
    /// The nodes by latitude, for snapping a place to its nearest node.
    by_latitude: Vec<u32>,
    /// Each node as a point of the unit sphere, for the search's cheap lower bound.
    unit: Vec<[f64; 3]>,
    /// `edges[offsets[n]..offsets[n + 1]]` leave node `n`.
    offsets: Vec<u32>,
    edges: Vec<Edge>,
    ports: Vec<Port>,
    port_index: HashMap<String, usize>,
    airports: Vec<Airport>,
    airport_index: HashMap<String, usize>,
    version: String,
}

/// What is wrong with a network file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkError(pub String);

impl std::fmt::Display for NetworkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NetworkError {}

#[derive(Deserialize)]
struct FeatureCollection<P> {
    features: Vec<Feature<P>>,
}

#[derive(Deserialize)]
struct Feature<P> {
    properties: P,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Geometry {
    // A `Value`, not an untagged enum: the workspace's serde_json keeps numbers' text
    // (arbitrary precision), which untagged enums cannot buffer.
    coordinates: serde_json::Value,
}

enum Coordinates {
    Point([f64; 2]),
    Line(Vec<[f64; 2]>),
    Lines(Vec<Vec<[f64; 2]>>),
}

impl Coordinates {
    fn read(value: &serde_json::Value) -> Option<Coordinates> {
        fn point(value: &serde_json::Value) -> Option<[f64; 2]> {
            match value.as_array()?.as_slice() {
                [lon, lat] => Some([lon.as_f64()?, lat.as_f64()?]),
                _ => None,
            }
        }
        fn line(value: &serde_json::Value) -> Option<Vec<[f64; 2]>> {
            value.as_array()?.iter().map(point).collect()
        }
        let items = value.as_array()?;
        match items.first() {
            Some(first)
                if first
                    .as_array()
                    .is_some_and(|a| a.first().is_some_and(serde_json::Value::is_array)) =>
            {
                items.iter().map(line).collect::<Option<Vec<_>>>().map(Coordinates::Lines)
            }
            Some(first) if first.is_array() => line(value).map(Coordinates::Line),
            _ => point(value).map(Coordinates::Point),
        }
    }
}

#[derive(Deserialize)]
struct LaneProperties {
    passage: Option<String>,
}

#[derive(Deserialize)]
struct PortProperties {
    port: String,
    name: String,
    #[serde(default)]
    t: Option<serde_json::Value>,
}

fn valid(point: [f64; 2]) -> bool {
    point[0].is_finite()
        && point[1].is_finite()
        && (-180.0..=360.0).contains(&point[0])
        && (-90.0..=90.0).contains(&point[1])
}

impl Network {
    /// The bundled networks, parsed once per process.
    pub fn bundled() -> &'static Network {
        static NETWORK: std::sync::OnceLock<Network> = std::sync::OnceLock::new();
        NETWORK.get_or_init(|| {
            // The bundled files are checked by the crate's tests: they parse.
            Network::parse(MARNET, PORTS, AIRPORTS).unwrap_or_else(|_| Network::empty())
        })
    }

    fn empty() -> Network {
        Network {
            nodes: Vec::new(),
            by_latitude: Vec::new(),
            unit: Vec::new(),
            offsets: vec![0],
            edges: Vec::new(),
            ports: Vec::new(),
            port_index: HashMap::new(),
            airports: Vec::new(),
            airport_index: HashMap::new(),
            version: String::new(),
        }
    }

    /// Parses the sea lanes (GeoJSON LineStrings, a `passage` property on the named ones), the
    /// ports (GeoJSON points with `port` = UN/LOCODE and `name`) and the airports (CSV with
    /// `iata,icao,name,city,country,lat,lon`).
    pub fn parse(lanes: &str, ports: &str, airports: &str) -> Result<Network, NetworkError> {
        let lanes: FeatureCollection<LaneProperties> =
            serde_json::from_str(lanes).map_err(|e| NetworkError(format!("sea lanes: {e}")))?;
        let mut ids: HashMap<(i64, i64), u32> = HashMap::new();
        let mut nodes: Vec<Point> = Vec::new();
        let mut pairs: Vec<(u32, u32, Option<Passage>)> = Vec::new();
        let mut node = |point: [f64; 2]| -> Result<u32, NetworkError> {
            if !valid(point) {
                return Err(NetworkError(format!("sea lanes: a point out of range: {point:?}")));
            }
            let key = geo::micro_key(point);
            if let Some(&id) = ids.get(&key) {
                return Ok(id);
            }
            let id = u32::try_from(nodes.len())
                .map_err(|_| NetworkError("sea lanes: too many nodes".to_owned()))?;
            nodes.push(geo::from_micro(key));
            ids.insert(key, id);
            Ok(id)
        };
        for (index, feature) in lanes.features.into_iter().enumerate() {
            let passage = match feature.properties.passage.as_deref() {
                None => None,
                Some(tag) => Some(Passage::from_tag(tag).ok_or_else(|| {
                    NetworkError(format!("sea lanes: feature {index}: unknown passage `{tag}`"))
                })?),
            };
            let lines = match Coordinates::read(&feature.geometry.coordinates) {
                Some(Coordinates::Line(line)) => vec![line],
                Some(Coordinates::Lines(lines)) => lines,
                Some(Coordinates::Point(_)) | None => {
                    return Err(NetworkError(format!(
                        "sea lanes: feature {index} is not a line of [lon, lat] points"
                    )));
                }
            };
            for line in lines {
                for pair in line.windows(2) {
                    let (a, b) = (node(pair[0])?, node(pair[1])?);
                    if a != b {
                        pairs.push((a, b, passage));
                    }
                }
            }
        }
        // Both directions; a pair drawn twice keeps its first passage tag and shorter length.
        let mut adjacency: Vec<Vec<Edge>> = vec![Vec::new(); nodes.len()];
        for (a, b, passage) in pairs {
            let metres = geo::metres(nodes[a as usize], nodes[b as usize]);
            for (from, to) in [(a, b), (b, a)] {
                let list = &mut adjacency[from as usize];
                match list.iter_mut().find(|e| e.to == to) {
                    Some(edge) => {
                        edge.metres = edge.metres.min(metres);
                        edge.passage = edge.passage.or(passage);
                    }
                    None => list.push(Edge { to, metres, passage }),
                }
            }
        }
        let mut offsets = Vec::with_capacity(nodes.len() + 1);
        let mut edges = Vec::new();
        offsets.push(0);
        for list in adjacency {
            edges.extend(list);
            offsets.push(
                u32::try_from(edges.len())
                    .map_err(|_| NetworkError("sea lanes: too many edges".to_owned()))?,
            );
        }

        let ports_file: FeatureCollection<PortProperties> =
            serde_json::from_str(ports).map_err(|e| NetworkError(format!("ports: {e}")))?;
        let mut port_list = Vec::new();
        let mut port_index = HashMap::new();
        for feature in ports_file.features {
            let Some(Coordinates::Point(point)) = Coordinates::read(&feature.geometry.coordinates)
            else {
                return Err(NetworkError(format!(
                    "ports: {} is not a point",
                    feature.properties.port
                )));
            };
            let locode = feature.properties.port.trim().to_ascii_uppercase();
            if !valid(point) {
                return Err(NetworkError(format!("ports: `{locode}` is out of range")));
            }
            // An entry without a whole UN/LOCODE (the file has one, `EG`) cannot be asked for;
            // a code listed twice keeps its first position.
            if locode.len() != 5
                || !locode.bytes().all(|b| b.is_ascii_alphanumeric())
                || port_index.contains_key(&locode)
            {
                continue;
            }
            port_index.insert(locode.clone(), port_list.len());
            let terminal =
                feature.properties.t.as_ref().and_then(serde_json::Value::as_f64) == Some(1.0);
            port_list.push(Port {
                country: locode[..2].to_owned(),
                locode,
                name: feature.properties.name,
                at: Point::new(point[0], point[1]),
                terminal,
            });
        }

        let mut airport_list = Vec::new();
        let mut airport_index = HashMap::new();
        let mut reader = csv::Reader::from_reader(airports.as_bytes());
        for (line, row) in reader.records().enumerate() {
            let row = row.map_err(|e| NetworkError(format!("airports: {e}")))?;
            let field = |i: usize| row.get(i).unwrap_or_default().trim().to_owned();
            let (lat, lon) = (field(5).parse::<f64>(), field(6).parse::<f64>());
            let (Ok(lat), Ok(lon)) = (lat, lon) else {
                return Err(NetworkError(format!("airports: line {}: bad coordinates", line + 2)));
            };
            let iata = field(0).to_ascii_uppercase();
            if iata.len() != 3 || !valid([lon, lat]) {
                return Err(NetworkError(format!("airports: line {}: bad entry", line + 2)));
            }
            airport_index.insert(iata.clone(), airport_list.len());
            airport_list.push(Airport {
                iata,
                icao: field(1),
                name: field(2),
                city: field(3),
                country: field(4),
                at: Point::new(lon, lat),
            });
        }

        let mut hash = sha2::Sha256::new();
        for part in [
            lanes_digest_input(&nodes, &edges),
            ports.as_bytes().to_vec(),
            airports.as_bytes().to_vec(),
        ] {
            hash.update(&part);
        }
        let digest = hash.finalize();
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let mut by_latitude: Vec<u32> =
            (0..offsets.len().saturating_sub(1)).filter_map(|i| u32::try_from(i).ok()).collect();
        by_latitude.sort_by(|a, b| nodes[*a as usize].lat.total_cmp(&nodes[*b as usize].lat));
        let unit = nodes.iter().map(|p| geo::unit_vector(*p)).collect();
        Ok(Network {
            unit,
            by_latitude,
            nodes,
            offsets,
            edges,
            ports: port_list,
            port_index,
            airports: airport_list,
            airport_index,
            version: format!("network-sha256:{hex}"),
        })
    }

    /// The content version of the networks (`network-sha256:` and 16 hex digits): every route
    /// names it, as an assessment names its KB.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Nodes and edges (each way counted once) of the sea graph.
    pub fn size(&self) -> (usize, usize) {
        (self.nodes.len(), self.edges.len() / 2)
    }

    /// The port with this UN/LOCODE (any case).
    pub fn port(&self, locode: &str) -> Option<&Port> {
        self.port_index.get(&locode.trim().to_ascii_uppercase()).map(|&i| &self.ports[i])
    }

    /// Every port, in file order.
    pub fn ports(&self) -> &[Port] {
        &self.ports
    }

    /// The airport with this IATA code (any case).
    pub fn airport(&self, iata: &str) -> Option<&Airport> {
        self.airport_index.get(&iata.trim().to_ascii_uppercase()).map(|&i| &self.airports[i])
    }

    /// The nearest terminal port of `country` to `at` that is not closed (any open port of
    /// the country when it has no open terminal), with its distance in metres.
    pub fn nearest_port(
        &self,
        at: Point,
        country: &str,
        closed: &dyn Fn(&str) -> bool,
    ) -> Option<(&Port, u32)> {
        let nearest = |terminals_only: bool| {
            self.ports
                .iter()
                .filter(|p| p.country == country && !closed(&p.locode))
                .filter(|p| p.terminal || !terminals_only)
                .map(|p| (p, geo::metres(at, p.at)))
                .min_by_key(|(p, metres)| (*metres, p.locode.clone()))
        };
        nearest(true).or_else(|| nearest(false))
    }

    /// The sea node nearest to `at`, and the distance to it in metres: outward from `at`'s
    /// latitude in the nodes sorted by latitude, each way until the latitude difference alone
    /// exceeds the best distance found.
    pub(crate) fn snap(&self, at: Point) -> Option<(u32, u32)> {
        let order = &self.by_latitude;
        let start = order.partition_point(|&n| self.nodes[n as usize].lat < at.lat);
        let mut best: Option<(u32, u32)> = None;
        let mut consider = |node: u32| -> bool {
            let point = self.nodes[node as usize];
            if best.is_some_and(|(_, metres)| geo::metres_of_latitude(at, point) > metres) {
                return false;
            }
            let metres = geo::metres(at, point);
            if best.is_none_or(|(b, m)| (metres, node) < (m, b)) {
                best = Some((node, metres));
            }
            true
        };
        let (mut down, mut up) = (start, start);
        let (mut down_open, mut up_open) = (true, true);
        while down_open || up_open {
            if up_open {
                match order.get(up) {
                    Some(&node) => {
                        up_open = consider(node);
                        up += 1;
                    }
                    None => up_open = false,
                }
            }
            if down_open {
                match down.checked_sub(1).and_then(|i| order.get(i).map(|&n| (i, n))) {
                    Some((i, node)) => {
                        down_open = consider(node);
                        down = i;
                    }
                    None => down_open = false,
                }
            }
        }
        best
    }

    /// The node's position.
    pub(crate) fn point(&self, node: u32) -> Point {
        self.nodes[node as usize]
    }

    /// The shortest sea path from node `from` to node `to` avoiding every passage `closed`
    /// says is closed: its nodes (first `from`, last `to`), its length in metres and the
    /// passages it crosses in order; `None` when no open path joins them.
    pub(crate) fn sea_path(
        &self,
        from: u32,
        to: u32,
        closed: &dyn Fn(Passage) -> bool,
    ) -> Option<SeaPath> {
        let count = self.nodes.len();
        let (from_i, to_i) = (from as usize, to as usize);
        if from_i >= count || to_i >= count {
            return None;
        }
        let mut distance = vec![u64::MAX; count];
        let mut previous = vec![u32::MAX; count];
        let mut heap = BinaryHeap::new();
        distance[from_i] = 0;
        // A* with the chord to the target as the bound: shorter than the great circle, so it
        // never overestimates a sea path, and a square root instead of trigonometry.
        let target = self.unit[to_i];
        let bound = |node: u32| geo::chord_metres_floor(self.unit[node as usize], target);
        heap.push(Reverse((bound(from), 0u64, from)));
        while let Some(Reverse((_, here, node))) = heap.pop() {
            if node == to {
                break;
            }
            if here > distance[node as usize] {
                continue;
            }
            let start = self.offsets[node as usize] as usize;
            let end = self.offsets[node as usize + 1] as usize;
            for edge in &self.edges[start..end] {
                if edge.passage.is_some_and(closed) {
                    continue;
                }
                let next = here + u64::from(edge.metres);
                let slot = edge.to as usize;
                if next < distance[slot] {
                    distance[slot] = next;
                    previous[slot] = node;
                    heap.push(Reverse((next + bound(edge.to), next, edge.to)));
                }
            }
        }
        if distance[to_i] == u64::MAX {
            return None;
        }
        let mut nodes = vec![to];
        let mut at = to;
        while at != from {
            at = previous[at as usize];
            nodes.push(at);
        }
        nodes.reverse();
        let mut passages: Vec<Passage> = Vec::new();
        for pair in nodes.windows(2) {
            let start = self.offsets[pair[0] as usize] as usize;
            let end = self.offsets[pair[0] as usize + 1] as usize;
            let passage =
                self.edges[start..end].iter().find(|e| e.to == pair[1]).and_then(|e| e.passage);
            if let Some(passage) = passage
                && passages.last() != Some(&passage)
            {
                passages.push(passage);
            }
        }
        Some(SeaPath { nodes, metres: distance[to_i], passages })
    }
}

/// A path on the sea graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SeaPath {
    pub nodes: Vec<u32>,
    pub metres: u64,
    pub passages: Vec<Passage>,
}

/// The graph's content in a canonical form, for its version hash.
fn lanes_digest_input(nodes: &[Point], edges: &[Edge]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(nodes.len() * 16 + edges.len() * 9);
    for node in nodes {
        bytes.extend_from_slice(&node.lon.to_bits().to_le_bytes());
        bytes.extend_from_slice(&node.lat.to_bits().to_le_bytes());
    }
    for edge in edges {
        bytes.extend_from_slice(&edge.to.to_le_bytes());
        bytes.extend_from_slice(&edge.metres.to_le_bytes());
        bytes.push(edge.passage.map_or(0, |p| p as u8 + 1));
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapping_finds_the_nearest_node_as_a_full_scan_does() {
        let network = Network::bundled();
        let mut points = Vec::new();
        for lat in (-85..=85).step_by(5) {
            for lon in (-180..180).step_by(7) {
                points.push(Point::new(f64::from(lon) + 0.37, f64::from(lat) + 0.21));
            }
        }
        points.extend(network.ports().iter().step_by(37).map(|p| p.at));
        for at in points {
            let scan = (0..network.nodes.len())
                .map(|i| (geo::metres(at, network.nodes[i]), u32::try_from(i).unwrap_or(0)))
                .min()
                .map(|(metres, node)| (node, metres));
            assert_eq!(network.snap(at), scan, "{at:?}");
        }
    }
}
