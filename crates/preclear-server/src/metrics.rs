//! Prometheus metrics, in the text exposition format at `/metrics`: requests by method, route
//! and status; request latency histograms by route; assessments by verdict. Per instance: a
//! Prometheus server scrapes each instance and sums.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in microseconds.
const BUCKETS_MICROS: [u64; 12] = [
    1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
    10_000_000,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS_MICROS.len()],
    count: u64,
    sum_micros: u64,
}

#[derive(Debug, Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    verdicts: BTreeMap<String, u64>,
}

/// The counters of one instance.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

/// Seconds from microseconds, as exact decimal text.
fn seconds(micros: u64) -> String {
    format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
}

impl Metrics {
    /// Records one answered request.
    pub fn request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        if let Ok(mut inner) = self.inner.lock() {
            *inner.requests.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
            let histogram = inner.latency.entry(route.to_owned()).or_default();
            for (bucket, bound) in histogram.buckets.iter_mut().zip(BUCKETS_MICROS) {
                if micros <= bound {
                    *bucket += 1;
                }
            }
            histogram.count += 1;
            histogram.sum_micros = histogram.sum_micros.saturating_add(micros);
        }
    }

    /// Records one stored assessment.
    pub fn assessment(&self, verdict: &str) {
        if let Ok(mut inner) = self.inner.lock() {
            *inner.verdicts.entry(verdict.to_owned()).or_default() += 1;
        }
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let Ok(inner) = self.inner.lock() else { return String::new() };
        let mut out = String::new();
        let _ = writeln!(out, "# HELP preclear_http_requests_total HTTP requests answered.");
        let _ = writeln!(out, "# TYPE preclear_http_requests_total counter");
        for ((method, route, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "preclear_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        let _ = writeln!(
            out,
            "# HELP preclear_http_request_duration_seconds Time to answer, by route."
        );
        let _ = writeln!(out, "# TYPE preclear_http_request_duration_seconds histogram");
        for (route, h) in &inner.latency {
            let route = escape(route);
            for (n, bound) in h.buckets.iter().zip(BUCKETS_MICROS) {
                let _ = writeln!(
                    out,
                    "preclear_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{}\"}} {n}",
                    seconds(bound)
                );
            }
            let _ = writeln!(
                out,
                "preclear_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "preclear_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                seconds(h.sum_micros)
            );
            let _ = writeln!(
                out,
                "preclear_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        let _ = writeln!(out, "# HELP preclear_assessments_total Assessments stored, by verdict.");
        let _ = writeln!(out, "# TYPE preclear_assessments_total counter");
        for (verdict, n) in &inner.verdicts {
            let _ = writeln!(out, "preclear_assessments_total{{verdict=\"{verdict}\"}} {n}");
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_buckets_are_cumulative() {
        let m = Metrics::default();
        m.request("GET", "/healthz", 200, Duration::from_micros(800));
        m.request("GET", "/healthz", 200, Duration::from_millis(30));
        m.assessment("clearable");
        let text = m.render();
        assert!(text.contains(
            "preclear_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(text.contains("bucket{route=\"/healthz\",le=\"0.001000\"} 1"));
        assert!(text.contains("bucket{route=\"/healthz\",le=\"0.050000\"} 2"));
        assert!(text.contains("duration_seconds_sum{route=\"/healthz\"} 0.030800"));
        assert!(text.contains("preclear_assessments_total{verdict=\"clearable\"} 1"));
    }
}
