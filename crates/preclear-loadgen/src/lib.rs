//! A load generator for the preclear service, and the small HTTP client the service's
//! process-level tests share. `run` keeps `connections` keep-alive connections busy posting one
//! shipment request for a duration, and reports throughput, latency percentiles and the id of
//! every acknowledged (201) assessment.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper::{Method, Request};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// An HTTP/1.1 client with keep-alive.
#[derive(Debug, Clone)]
pub struct Client {
    inner: HyperClient<HttpConnector, Full<Bytes>>,
}

/// A response: status and body text.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub text: String,
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

impl Client {
    /// A client.
    pub fn new() -> Client {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Client {
            inner: HyperClient::builder(TokioExecutor::new())
                .pool_max_idle_per_host(1024)
                .build(connector),
        }
    }

    /// Sends a request; `body` is sent as JSON.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        key: Option<&str>,
        body: Option<Bytes>,
    ) -> anyhow::Result<Reply> {
        let mut request = Request::builder().method(method).uri(url);
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request =
            request.body(Full::new(body.unwrap_or_default())).context("building the request")?;
        let response = self.inner.request(request).await.context("sending the request")?;
        let status = response.status().as_u16();
        let bytes =
            response.into_body().collect().await.context("reading the response")?.to_bytes();
        Ok(Reply { status, text: String::from_utf8_lossy(&bytes).into_owned() })
    }

    /// GET.
    pub async fn get(&self, url: &str, key: &str) -> anyhow::Result<Reply> {
        self.send(Method::GET, url, Some(key), None).await
    }

    /// POST JSON.
    pub async fn post(&self, url: &str, key: &str, body: Bytes) -> anyhow::Result<Reply> {
        self.send(Method::POST, url, Some(key), Some(body)).await
    }
}

/// The PRODUCT.md example request with its one line repeated as `lines` lines of varied
/// hardware (servers, switches with Wi-Fi, SSDs, cables…), as a load test's shipment.
pub fn shipment_request(lines: usize) -> String {
    let mut request: serde_json::Value =
        serde_json::from_str(include_str!("../../../examples/product-example.json"))
            .unwrap_or_default();
    let template = request["items"][0].clone();
    let kinds = [
        ("server", "847150", "1U rack server", "[]"),
        ("switch", "851762", "48-port 25G switch", "[]"),
        ("wireless_access_point", "851762", "Wi-Fi 6 access point", "[\"wifi\",\"bluetooth\"]"),
        ("ssd", "847170", "3.84 TB NVMe SSD", "[]"),
        ("cable", "854442", "DAC cable 3 m", "[]"),
    ];
    let items: Vec<serde_json::Value> = (0..lines)
        .map(|i| {
            let (category, hs, description, radio) = kinds[i % kinds.len()];
            let mut item = template.clone();
            item["category"] = category.into();
            item["hs_code"] = hs.into();
            item["description"] = format!("{description} #{i}").into();
            item["radio"] = serde_json::from_str(radio).unwrap_or_default();
            item["quantity"] = (1 + i % 4).into();
            item["unit_value"] = format!("{}.50", 100 + i * 37).into();
            item
        })
        .collect();
    request["items"] = items.into();
    request.to_string()
}

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// `http://host:port/api/v1/assessments`.
    pub url: String,
    /// The API key.
    pub key: String,
    /// The request body.
    pub body: String,
    /// Concurrent connections.
    pub connections: usize,
    /// How long to run at most.
    pub duration: Duration,
    /// Shared with the caller while the load runs: it counts acknowledgements and can stop the
    /// run early (a test that kills the server after a number of acknowledged writes).
    pub progress: Arc<Progress>,
}

/// A running load's count of acknowledged requests and its stop signal.
#[derive(Debug, Default)]
pub struct Progress {
    acknowledged: AtomicU64,
    stop: AtomicBool,
}

impl Progress {
    /// Requests answered 201 so far.
    pub fn acknowledged(&self) -> u64 {
        self.acknowledged.load(Ordering::Relaxed)
    }

    /// Asks every connection to stop after its request in flight.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// What happened.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    /// Requests answered 201.
    pub acknowledged: u64,
    /// Other answers and transport errors.
    pub errors: u64,
    /// The first error seen, if any.
    pub first_error: Option<String>,
    /// The ids of acknowledged assessments.
    pub ids: Vec<String>,
    /// Latency of each answered request, in microseconds, sorted.
    pub latencies_us: Vec<u64>,
    /// Wall time.
    pub elapsed: Duration,
}

impl LoadReport {
    /// The latency at quantile `permille`/1000, in microseconds.
    pub fn percentile_us(&self, permille: usize) -> u64 {
        if self.latencies_us.is_empty() {
            return 0;
        }
        let last = self.latencies_us.len() - 1;
        let index = (last * permille).div_ceil(1000).min(last);
        self.latencies_us.get(index).copied().unwrap_or_default()
    }

    /// Acknowledged requests per second, to one decimal, as text.
    pub fn throughput(&self) -> String {
        let millis = self.elapsed.as_millis().max(1);
        let per_second_tenths = u128::from(self.acknowledged) * 10_000 / millis;
        format!("{}.{}", per_second_tenths / 10, per_second_tenths % 10)
    }
}

/// Runs the load until `duration` passes or `config.progress` is stopped.
pub async fn run(config: LoadConfig) -> LoadReport {
    let client = Client::new();
    let body = Bytes::from(config.body.clone());
    let started = Instant::now();
    let deadline = started + config.duration;
    let mut tasks = Vec::new();
    for _ in 0..config.connections.max(1) {
        let (client, body, url, key, progress) = (
            client.clone(),
            body.clone(),
            config.url.clone(),
            config.key.clone(),
            config.progress.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut report = LoadReport::default();
            while Instant::now() < deadline && !progress.stopped() {
                let sent = Instant::now();
                match client.post(&url, &key, body.clone()).await {
                    Ok(reply) if reply.status == 201 => {
                        report.acknowledged += 1;
                        progress.acknowledged.fetch_add(1, Ordering::Relaxed);
                        report
                            .latencies_us
                            .push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
                        if let Some(id) = serde_json::from_str::<serde_json::Value>(&reply.text)
                            .ok()
                            .and_then(|v| v["id"].as_str().map(str::to_owned))
                        {
                            report.ids.push(id);
                        }
                    }
                    Ok(reply) => {
                        report.errors += 1;
                        report.first_error.get_or_insert_with(|| {
                            format!("HTTP {}: {}", reply.status, reply.text)
                        });
                    }
                    Err(error) => {
                        report.errors += 1;
                        report.first_error.get_or_insert_with(|| format!("{error:#}"));
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
            report
        }));
    }
    let mut total = LoadReport::default();
    for task in tasks {
        if let Ok(part) = task.await {
            total.acknowledged += part.acknowledged;
            total.errors += part.errors;
            if total.first_error.is_none() {
                total.first_error = part.first_error;
            }
            total.ids.extend(part.ids);
            total.latencies_us.extend(part.latencies_us);
        }
    }
    total.elapsed = started.elapsed();
    total.latencies_us.sort_unstable();
    total
}
