//! Positions and great-circle distances on a sphere of the Earth's mean radius, 6,371 km (the
//! radius the sea network's own tools use, so that distances compare).

#![allow(
    clippy::float_arithmetic,
    reason = "positions and distances on a sphere, not money: distances leave this module as whole metres"
)]

use serde::Serialize;

/// The Earth's mean radius in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_000.0;

/// A position in degrees (WGS 84 longitude and latitude).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Point {
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

impl Point {
    /// A point.
    pub fn new(lon: f64, lat: f64) -> Point {
        Point { lon, lat }
    }
}

/// A node's identity: its position in millionths of a degree, with longitudes past the
/// antimeridian folded back (the sea-lane file draws some lanes to 190.85° E, the same place as
/// 169.15° W) and 180° E the same as 180° W.
pub fn micro_key(point: [f64; 2]) -> (i64, i64) {
    // The files give at most six decimals; rounding to a millionth makes equal points equal.
    #[allow(clippy::cast_possible_truncation, reason = "coordinates are within ±400 degrees")]
    let micro = |degrees: f64| (degrees * 1_000_000.0).round() as i64;
    let mut lon = micro(point[0]);
    if lon > 180_000_000 {
        lon -= 360_000_000;
    }
    if lon == 180_000_000 {
        lon = -180_000_000;
    }
    (lon, micro(point[1]))
}

/// The point of a [`micro_key`].
pub fn from_micro(key: (i64, i64)) -> Point {
    #[allow(clippy::cast_precision_loss, reason = "millionths of a degree fit an f64")]
    Point::new(key.0 as f64 / 1e6, key.1 as f64 / 1e6)
}

/// The great-circle distance between two points, in whole metres (haversine).
pub fn metres(a: Point, b: Point) -> u32 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    let central = 2.0 * h.sqrt().min(1.0).asin();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "at most half the Earth's circumference, about 20,015 km"
    )]
    let m = (central * EARTH_RADIUS_M).round() as u32;
    m
}

/// The point on the unit sphere.
pub fn unit_vector(p: Point) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// A lower bound of [`metres`] between two points of the unit sphere: the straight chord
/// through the Earth, rounded down (a chord is never longer than its arc).
pub fn chord_metres_floor(a: [f64; 3], b: [f64; 3]) -> u64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    let chord = (dx * dx + dy * dy + dz * dz).sqrt() * EARTH_RADIUS_M;
    // Less one metre against the rounding of the edges' lengths to whole metres.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "at most the Earth's diameter"
    )]
    let m = (chord.floor() as u64).saturating_sub(1);
    m
}

/// A lower bound of [`metres`]: the distance along a meridian between the two latitudes.
pub fn metres_of_latitude(a: Point, b: Point) -> u32 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "at most half a meridian"
    )]
    let m = ((a.lat - b.lat).abs().to_radians() * EARTH_RADIUS_M).floor() as u32;
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_great_circles_on_the_mean_sphere() {
        // One degree of a meridian is 111.195 km on a 6,371 km sphere.
        assert_eq!(metres(Point::new(0.0, 0.0), Point::new(0.0, 1.0)), 111_195);
        // Across the antimeridian the short way.
        assert_eq!(metres(Point::new(179.5, 0.0), Point::new(-179.5, 0.0)), 111_195);
        // Antipodes: half the circumference.
        assert_eq!(metres(Point::new(0.0, 0.0), Point::new(180.0, 0.0)), 20_015_087);
        let (a, b) = (Point::new(4.4, 51.9), Point::new(103.8, 1.3));
        assert!(metres_of_latitude(a, b) <= metres(a, b));
        assert!(chord_metres_floor(unit_vector(a), unit_vector(b)) <= u64::from(metres(a, b)));
    }
}
