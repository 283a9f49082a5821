//! The service's only reading of the clock. The engine and the store take instants and dates
//! as parameters; the edge decides what "now" is.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use preclear_domain::Date;

/// Now, in microseconds since the Unix epoch.
#[expect(clippy::disallowed_methods, reason = "the service edge reads the clock, once, here")]
pub fn now_micros() -> i64 {
    Timestamp::now().as_microsecond()
}

/// The UTC calendar date of an instant in microseconds.
pub fn date_of(micros: i64) -> Date {
    Timestamp::from_microsecond(micros)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(TimeZone::UTC)
        .date()
}

/// RFC 3339 text of an instant in microseconds.
pub fn rfc3339(micros: i64) -> String {
    Timestamp::from_microsecond(micros).map(|t| t.to_string()).unwrap_or_default()
}

/// Microseconds at the start (00:00 UTC) of a date.
pub fn start_of(date: Date) -> Option<i64> {
    date.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp().as_microsecond())
}
