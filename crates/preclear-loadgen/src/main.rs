//! `preclear-loadgen`: drives `POST /api/v1/assessments` (or another `--path`, such as
//! `/api/v1/comparisons?destinations=…`) and prints throughput and latency.
//! See docs/BENCHMARKS.md for the runs recorded.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use preclear_loadgen::{LoadConfig, run, shipment_request};

/// Load generator for the preclear service.
#[derive(Debug, Parser)]
#[command(name = "preclear-loadgen", version, about)]
struct Args {
    /// The service's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// An API key that may submit assessments.
    #[arg(long, env = "PRECLEAR_API_KEY")]
    key: String,
    /// Concurrent connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Seconds to run.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Seconds of warm-up before measuring (not counted).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Lines in the generated shipment.
    #[arg(long, default_value_t = 20)]
    lines: usize,
    /// Post this request file instead of the generated shipment.
    #[arg(long)]
    request: Option<PathBuf>,
    /// The path and query to post to (e.g. `/api/v1/comparisons?destinations=BR,IN,TR`).
    #[arg(long, default_value = "/api/v1/assessments")]
    path: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let body = match &args.request {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading `{}`", path.display()))?,
        None => shipment_request(args.lines),
    };
    let config = LoadConfig {
        url: format!("{}{}", args.url.trim_end_matches('/'), args.path),
        key: args.key,
        body,
        connections: args.connections,
        duration: Duration::from_secs(args.warmup),
        progress: Default::default(),
    };
    if args.warmup > 0 {
        run(config.clone()).await;
    }
    let report = run(LoadConfig {
        duration: Duration::from_secs(args.seconds),
        progress: Default::default(),
        ..config
    })
    .await;
    let ms = |us: u64| format!("{}.{:03} ms", us / 1000, us % 1000);
    println!("connections      {}", args.connections);
    println!("duration         {:?}", report.elapsed);
    println!("acknowledged     {}", report.acknowledged);
    println!("errors           {}", report.errors);
    println!("throughput       {} assessments/s", report.throughput());
    println!("latency p50      {}", ms(report.percentile_us(500)));
    println!("latency p90      {}", ms(report.percentile_us(900)));
    println!("latency p99      {}", ms(report.percentile_us(990)));
    println!("latency max      {}", ms(report.latencies_us.last().copied().unwrap_or_default()));
    if let Some(error) = &report.first_error {
        println!("first error      {error}");
    }
    Ok(())
}
