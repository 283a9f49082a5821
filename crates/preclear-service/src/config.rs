//! Configuration: built-in defaults, overridden by an optional TOML file, overridden by the
//! environment and flags (the shell resolves those two; see `preclear serve --help`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use preclear_store::StoreOptions;
use serde::Deserialize;

use crate::throttle::ThrottlePolicy;

/// The default address: this machine only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The default request body limit: 16 MiB (a 10,000-line request is about 8 MB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// How long a web sign-in lasts by default: a working day.
pub const DEFAULT_SESSION_HOURS: u32 = 12;
/// How often an instance looks for a newly deployed KB, by default: a deploy reaches every
/// instance within this many seconds (the target is 10).
pub const DEFAULT_KB_POLL_SECONDS: u64 = 5;
/// How long a client may take to send a request's headers, by default, in seconds.
pub const DEFAULT_HEADER_READ_SECONDS: u64 = 10;
/// How long a client may take to send a request's body, by default, in seconds.
pub const DEFAULT_BODY_READ_SECONDS: u64 = 60;
/// How many client connections may be open at once, by default.
pub const DEFAULT_MAX_CLIENT_CONNECTIONS: usize = 1024;
/// How many password and key verifications may wait for a hashing worker, by default.
pub const DEFAULT_HASH_QUEUE: usize = 32;
/// The default name of the provider organisation made on first start.
pub const DEFAULT_PROVIDER: &str = "IOR Provider";

/// The optional TOML file. Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `listen = "127.0.0.1:8080"`.
    pub listen: Option<String>,
    /// `database_url = "postgres://…"` or `"sqlite:/path/preclear.db"`.
    pub database_url: Option<String>,
    /// `data_dir = "/var/lib/preclear"`: where the default SQLite file lives.
    pub data_dir: Option<PathBuf>,
    /// `max_body_bytes = 16777216`.
    pub max_body_bytes: Option<usize>,
    /// `sqlite_sync = "normal" | "full"`.
    pub sqlite_sync: Option<String>,
    /// `max_connections = 8`.
    pub max_connections: Option<u32>,
    /// `batch_size = 256`: how many writes may share one transaction.
    pub batch_size: Option<usize>,
    /// `provider_name = "IOR Provider"`: the organisation made on first start.
    pub provider_name: Option<String>,
    /// `session_hours = 12`: how long a web sign-in lasts.
    pub session_hours: Option<u32>,
    /// `secure_cookies = true`: mark the session cookie `Secure` (set it when users reach
    /// preclear over HTTPS, as they should beyond this machine).
    pub secure_cookies: Option<bool>,
    /// `kb_dir = "/etc/preclear/kb"`: start with this KB directory instead of the bundled KB.
    pub kb_dir: Option<PathBuf>,
    /// `kb_poll_seconds = 5`: how often to look for a newly deployed KB (1 to 10).
    pub kb_poll_seconds: Option<u64>,
    /// `list_max_age_days = 7`: how many days after its publication a restricted-party list
    /// counts as current; screening against an older one warns (1 to 365).
    pub list_max_age_days: Option<u32>,
    /// `[list_max_age_days_per_list]` with `"un-xml" = 1`: a limit of its own for a list, by
    /// format name (1 to 365).
    pub list_max_age_days_per_list: Option<std::collections::BTreeMap<String, u32>>,
    /// `header_read_seconds = 10`: how long a client may take to send a request's headers
    /// (and how long a kept-alive connection may stay idle waiting for its next request).
    pub header_read_seconds: Option<u64>,
    /// `body_read_seconds = 60`: how long a client may take to send a request's body.
    pub body_read_seconds: Option<u64>,
    /// `max_client_connections = 1024`: client connections open at once; more wait to be
    /// accepted.
    pub max_client_connections: Option<usize>,
    /// `hash_workers = 2`: threads that verify passwords and keys (default: half the cores, at
    /// least one, so that a flood of sign-ins leaves the other half for serving).
    pub hash_workers: Option<usize>,
    /// `hash_queue = 32`: verifications that may wait for a worker; beyond, 503 at once.
    pub hash_queue: Option<usize>,
    /// `throttle_names = { free_failures = 5, base_seconds = 1, max_seconds = 900 }`: failed
    /// sign-ins per user name and failed keys per prefix.
    pub throttle_names: Option<ThrottlePolicy>,
    /// `throttle_addresses = { free_failures = 20, base_seconds = 1, max_seconds = 900 }`:
    /// failures per client address.
    pub throttle_addresses: Option<ThrottlePolicy>,
    /// `client_address = "peer"` (the connection's address) or `"x-forwarded-for"` (the last
    /// address a reverse proxy of yours appended; only behind such a proxy).
    pub client_address: Option<String>,
    /// `metrics = "authenticated"` (a provider operator's or admin's key), `"public"` or
    /// `"off"`: who may read `/metrics`.
    pub metrics: Option<String>,
}

/// Where a request's client address is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAddress {
    /// The TCP peer.
    Peer,
    /// The last address of `X-Forwarded-For`, appended by a reverse proxy of the deployment.
    ForwardedFor,
}

/// Who may read `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsExposure {
    /// Anyone who reaches the address.
    Public,
    /// A provider operator's or admin's API key.
    Authenticated,
    /// Nobody: the route answers 404.
    Off,
}

/// Limits on connections and on the cost of authentication (see docs/security.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Seconds to send the headers, and to stay idle between requests.
    pub header_read_seconds: u64,
    /// Seconds to send the body.
    pub body_read_seconds: u64,
    /// Connections open at once.
    pub max_client_connections: usize,
    /// Hashing threads.
    pub hash_workers: usize,
    /// Verifications waiting for a thread.
    pub hash_queue: usize,
    /// Failures per user name and key prefix.
    pub throttle_names: ThrottlePolicy,
    /// Failures per client address.
    pub throttle_addresses: ThrottlePolicy,
    /// Where the client's address comes from.
    pub client_address: ClientAddress,
    /// Who reads `/metrics`.
    pub metrics: MetricsExposure,
}

impl FileConfig {
    /// Reads a TOML file; unknown keys are errors.
    pub fn read(path: &Path) -> anyhow::Result<FileConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading configuration file `{}`", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("configuration file `{}` is invalid", path.display()))
    }
}

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Database URL.
    pub database_url: String,
    /// Body size limit.
    pub max_body_bytes: usize,
    /// Pool and SQLite settings.
    pub store: StoreOptions,
    /// How many writes may share one transaction.
    pub batch_size: usize,
    /// The provider organisation made on first start.
    pub provider_name: String,
    /// How long a web sign-in lasts, in hours.
    pub session_hours: u32,
    /// Whether the session cookie is marked `Secure`.
    pub secure_cookies: bool,
    /// A KB directory this instance starts with instead of the bundled KB (`--kb`,
    /// `PRECLEAR_KB`, `kb_dir = "…"`).
    pub kb_dir: Option<PathBuf>,
    /// How often the instance checks the database for a newly deployed KB, in seconds.
    pub kb_poll_seconds: u64,
    /// How many days after its publication each restricted-party list counts as current.
    pub list_max_age: preclear_engine::screening::MaxAge,
    /// Connection limits and the cost of authentication.
    pub limits: Limits,
}

/// Where the default SQLite file lives when nothing says otherwise:
/// `$XDG_DATA_HOME/preclear`, else `$HOME/.local/share/preclear`, else `./preclear-data`.
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("preclear");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(home).join(".local/share/preclear");
    }
    PathBuf::from("preclear-data")
}

/// The SQLite URL of the database file in `data_dir`.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite:{}", data_dir.join("preclear.db").display())
}

/// The values given by the environment or flags (they win over the file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--listen` / `PRECLEAR_LISTEN`.
    pub listen: Option<String>,
    /// `--database-url` / `PRECLEAR_DATABASE_URL`.
    pub database_url: Option<String>,
    /// `--data-dir` / `PRECLEAR_DATA_DIR`.
    pub data_dir: Option<PathBuf>,
    /// `--kb` / `PRECLEAR_KB`.
    pub kb_dir: Option<PathBuf>,
}

impl Config {
    /// Resolves defaults < file < overrides. Creates the data directory when the database is
    /// the default SQLite file.
    pub fn resolve(file: FileConfig, overrides: Overrides) -> anyhow::Result<Config> {
        let limits = Limits::resolve(&file)?;
        let listen_text = overrides.listen.or(file.listen).unwrap_or_else(|| DEFAULT_LISTEN.into());
        let listen: SocketAddr = listen_text
            .parse()
            .with_context(|| format!("listen address `{listen_text}` is not ADDRESS:PORT"))?;
        let database_url = match overrides.database_url.or(file.database_url) {
            Some(url) => url,
            None => {
                let dir = overrides.data_dir.or(file.data_dir).unwrap_or_else(default_data_dir);
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating data directory `{}`", dir.display()))?;
                sqlite_url(&dir)
            }
        };
        let sqlite_sync_full = match file.sqlite_sync.as_deref() {
            None | Some("normal") => false,
            Some("full") => true,
            Some(other) => bail!("sqlite_sync = `{other}`: expected \"normal\" or \"full\""),
        };
        let batch_size = file.batch_size.unwrap_or(256);
        if batch_size == 0 {
            bail!("batch_size must be at least 1");
        }
        let session_hours = file.session_hours.unwrap_or(DEFAULT_SESSION_HOURS);
        if !(1..=24 * 30).contains(&session_hours) {
            bail!("session_hours = {session_hours}: expected 1 to 720");
        }
        let kb_poll_seconds = file.kb_poll_seconds.unwrap_or(DEFAULT_KB_POLL_SECONDS);
        if !(1..=10).contains(&kb_poll_seconds) {
            bail!("kb_poll_seconds = {kb_poll_seconds}: expected 1 to 10");
        }
        let list_max_age_days =
            file.list_max_age_days.unwrap_or(preclear_engine::screening::DEFAULT_MAX_AGE_DAYS);
        if !(1..=365).contains(&list_max_age_days) {
            bail!("list_max_age_days = {list_max_age_days}: expected 1 to 365");
        }
        let per_list = file.list_max_age_days_per_list.unwrap_or_default();
        for (format, days) in &per_list {
            if let Err(error) = format.parse::<preclear_screening::formats::ListFormat>() {
                bail!("list_max_age_days_per_list.{format}: {error}");
            }
            if !(1..=365).contains(days) {
                bail!("list_max_age_days_per_list.{format} = {days}: expected 1 to 365");
            }
        }
        let list_max_age =
            preclear_engine::screening::MaxAge { default_days: list_max_age_days, per_list };
        Ok(Config {
            limits,
            list_max_age,
            listen,
            database_url,
            max_body_bytes: file.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            store: StoreOptions {
                max_connections: file.max_connections.unwrap_or(8).max(2),
                sqlite_sync_full,
            },
            batch_size,
            provider_name: file.provider_name.unwrap_or_else(|| DEFAULT_PROVIDER.into()),
            session_hours,
            secure_cookies: file.secure_cookies.unwrap_or(false),
            kb_dir: overrides.kb_dir.or(file.kb_dir),
            kb_poll_seconds,
        })
    }
}

impl Limits {
    fn resolve(file: &FileConfig) -> anyhow::Result<Limits> {
        let seconds = |name: &str, value: Option<u64>, default: u64| -> anyhow::Result<u64> {
            let value = value.unwrap_or(default);
            if !(1..=3600).contains(&value) {
                bail!("{name} = {value}: expected 1 to 3600 seconds");
            }
            Ok(value)
        };
        let policy = |name: &str, value: Option<ThrottlePolicy>, default: ThrottlePolicy| {
            let value = value.unwrap_or(default);
            if value.base_seconds == 0 || value.max_seconds < value.base_seconds {
                bail!(
                    "{name}: base_seconds must be at least 1 and max_seconds at least base_seconds"
                );
            }
            if value.max_seconds > 86_400 {
                bail!(
                    "{name}: max_seconds = {}: expected at most 86400 (a day)",
                    value.max_seconds
                );
            }
            Ok(value)
        };
        let client_address = match file.client_address.as_deref() {
            None | Some("peer") => ClientAddress::Peer,
            Some("x-forwarded-for") => ClientAddress::ForwardedFor,
            Some(other) => {
                bail!("client_address = `{other}`: expected \"peer\" or \"x-forwarded-for\"")
            }
        };
        let metrics = match file.metrics.as_deref() {
            None | Some("authenticated") => MetricsExposure::Authenticated,
            Some("public") => MetricsExposure::Public,
            Some("off") => MetricsExposure::Off,
            Some(other) => {
                bail!("metrics = `{other}`: expected \"authenticated\", \"public\" or \"off\"")
            }
        };
        let max_client_connections =
            file.max_client_connections.unwrap_or(DEFAULT_MAX_CLIENT_CONNECTIONS);
        if !(1..=1_000_000).contains(&max_client_connections) {
            bail!("max_client_connections = {max_client_connections}: expected 1 to 1000000");
        }
        // Half the cores (at least one): a flood of sign-ins keeps the other half for serving.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let hash_workers = file.hash_workers.unwrap_or(cores.div_ceil(2));
        if !(1..=64).contains(&hash_workers) {
            bail!("hash_workers = {hash_workers}: expected 1 to 64");
        }
        let hash_queue = file.hash_queue.unwrap_or(DEFAULT_HASH_QUEUE);
        if hash_queue > 10_000 {
            bail!("hash_queue = {hash_queue}: expected at most 10000");
        }
        Ok(Limits {
            header_read_seconds: seconds(
                "header_read_seconds",
                file.header_read_seconds,
                DEFAULT_HEADER_READ_SECONDS,
            )?,
            body_read_seconds: seconds(
                "body_read_seconds",
                file.body_read_seconds,
                DEFAULT_BODY_READ_SECONDS,
            )?,
            max_client_connections,
            hash_workers,
            hash_queue,
            throttle_names: policy("throttle_names", file.throttle_names, ThrottlePolicy::NAME)?,
            throttle_addresses: policy(
                "throttle_addresses",
                file.throttle_addresses,
                ThrottlePolicy::ADDRESS,
            )?,
            client_address,
            metrics,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn flags_beat_the_file_and_the_file_beats_defaults() {
        let file: FileConfig =
            toml::from_str("listen = \"0.0.0.0:9000\"\ndatabase_url = \"sqlite:/tmp/a.db\"\nsqlite_sync = \"full\"").unwrap();
        let config = Config::resolve(file.clone(), Overrides::default()).unwrap();
        assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
        assert!(config.store.sqlite_sync_full);
        let config = Config::resolve(
            file,
            Overrides { listen: Some("127.0.0.1:1".into()), ..Overrides::default() },
        )
        .unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:1");
        assert_eq!(config.database_url, "sqlite:/tmp/a.db");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        assert!(toml::from_str::<FileConfig>("listne = \"x\"").is_err());
        let file = FileConfig {
            sqlite_sync: Some("fast".into()),
            database_url: Some("sqlite:x".into()),
            ..FileConfig::default()
        };
        let error = Config::resolve(file, Overrides::default()).unwrap_err().to_string();
        assert!(error.contains("sqlite_sync"), "{error}");
        let error = Config::resolve(
            FileConfig::default(),
            Overrides { listen: Some("nowhere".into()), ..Overrides::default() },
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("nowhere"), "{error}");
    }

    #[test]
    fn list_freshness_limits_have_a_default_and_limits_of_their_own() {
        let file: FileConfig = toml::from_str(
            "database_url = \"sqlite:x\"\nlist_max_age_days = 3\n[list_max_age_days_per_list]\n\"un-xml\" = 1\n\"bis-dpl-txt\" = 30",
        )
        .unwrap();
        let max_age = Config::resolve(file, Overrides::default()).unwrap().list_max_age;
        assert_eq!((max_age.days("un-xml"), max_age.days("bis-dpl-txt")), (1, 30));
        assert_eq!(max_age.days("ofac-sdn-csv"), 3, "the default");
        let default = Config::resolve(
            toml::from_str("database_url = \"sqlite:x\"").unwrap(),
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(default.list_max_age.days("un-xml"), 7);
        for (bad, named) in [
            ("[list_max_age_days_per_list]\n\"un-json\" = 1", "list_max_age_days_per_list.un-json"),
            ("[list_max_age_days_per_list]\n\"un-xml\" = 0", "expected 1 to 365"),
            ("list_max_age_days = 400", "list_max_age_days = 400"),
        ] {
            let file: FileConfig =
                toml::from_str(&format!("database_url = \"sqlite:x\"\n{bad}")).unwrap();
            let error = Config::resolve(file, Overrides::default()).unwrap_err().to_string();
            assert!(error.contains(named), "{bad}: {error}");
        }
    }

    #[test]
    fn limits_have_defaults_and_are_checked() {
        let file: FileConfig = toml::from_str(
            "database_url = \"sqlite:x\"\nthrottle_names = { free_failures = 2, base_seconds = 3, max_seconds = 60 }\nmetrics = \"public\"\nclient_address = \"x-forwarded-for\"",
        )
        .unwrap();
        let limits = Config::resolve(file, Overrides::default()).unwrap().limits;
        assert_eq!(limits.throttle_names.free_failures, 2);
        assert_eq!(limits.throttle_addresses, ThrottlePolicy::ADDRESS);
        assert_eq!(limits.metrics, MetricsExposure::Public);
        assert_eq!(limits.client_address, ClientAddress::ForwardedFor);
        assert_eq!(limits.header_read_seconds, DEFAULT_HEADER_READ_SECONDS);
        for bad in [
            "header_read_seconds = 0",
            "metrics = \"open\"",
            "client_address = \"forwarded\"",
            "throttle_addresses = { free_failures = 1, base_seconds = 0, max_seconds = 5 }",
            "hash_workers = 0",
        ] {
            let file: FileConfig =
                toml::from_str(&format!("database_url = \"sqlite:x\"\n{bad}")).unwrap();
            let key = bad.split(' ').next().unwrap();
            let error = Config::resolve(file, Overrides::default()).unwrap_err().to_string();
            assert!(error.contains(key), "{bad}: {error}");
        }
    }
}
