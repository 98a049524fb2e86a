//! Configuration: defaults, then an optional TOML file, then environment variables,
//! then command-line flags. Every key is documented in the README.

use std::path::{Path, PathBuf};
use std::time::Duration;
use tashbeek_http::dashboard::Dashboard;

use anyhow::Context;
use serde::Deserialize;
use tashbeek_http::{ServerOptions, Settings};
use tashbeek_persistence::PoolOptions;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tashbeek.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Everything the server can be told. Field names are the TOML keys; the environment
/// variable is `TASHBEEK_` + the key in capitals (except `DATABASE_URL`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub bind: String,
    pub database_url: String,
    /// HS256 signing key for access tokens; generated and kept in the database when empty.
    pub jwt_secret: Option<String>,
    pub db_pool_size: u32,
    pub db_timeout_secs: u64,
    /// Public organizations kept in memory for single-record reads (SQLite only: with
    /// PostgreSQL other instances may change them). 0 turns the cache off.
    pub org_cache_entries: usize,
    pub cors_origins: Vec<String>,
    pub body_limit_bytes: usize,
    pub access_ttl_secs: i64,
    pub refresh_ttl_days: i64,
    pub argon2_memory_kib: u32,
    pub login_max_failures_per_account: i64,
    pub login_max_failures_per_address: i64,
    /// Sign-ups accepted from one client address per hour.
    pub signup_max_per_address: i64,
    pub workers: Option<usize>,
    pub shutdown_timeout_secs: u64,
    pub trust_proxy: bool,
    /// Browsers reach this server over HTTPS (e.g. through a TLS proxy): send HSTS.
    pub https: bool,
    /// The address the public reaches this server at (`https://tashbeek.example.org`),
    /// printed in certificates' QR codes; unset, the address a request came to.
    pub public_url: Option<String>,
    /// A built dashboard directory to serve at `/` (`TASHBEEK_DASHBOARD_DIR`); an empty
    /// path serves the API alone. `None`: the dashboard compiled into the binary, else
    /// `frontend/dist` when run from a checkout.
    pub dashboard_dir: Option<PathBuf>,
    /// Where uploaded documents are stored (`TASHBEEK_DOCUMENTS_DIR`); by default
    /// `documents/` beside the SQLite file, or `data/documents` with PostgreSQL. Several
    /// instances behind a load balancer must share it (a network mount).
    pub documents_dir: Option<PathBuf>,
    /// The largest document accepted, in bytes (default 10 MiB).
    pub max_upload_bytes: u64,
    /// Minutes between anchors of the audit log (`TASHBEEK_ANCHOR_EVERY_MINUTES`, default
    /// 60; 0: only on demand). An anchor is made only when something was written since.
    pub anchor_every_minutes: u64,
    /// Days without a progress update after which an open recommendation is stale
    /// (`TASHBEEK_STALE_DAYS`, default 30).
    pub stale_days: i64,
    /// Seconds between rounds of the notification job (`TASHBEEK_NOTIFY_EVERY_SECS`,
    /// default 60; 0: no notifications are made by this instance).
    pub notify_every_secs: u64,
    /// An SMTP server for notification e-mails (`TASHBEEK_SMTP_URL`, e.g.
    /// `smtp://user:pass@mail.example.org:587`); none: notifications stay in the dashboard.
    pub smtp_url: Option<String>,
    /// The sender of notification e-mails (`TASHBEEK_MAIL_FROM`).
    pub mail_from: String,
    /// `text` or `json`.
    pub log_format: String,
    /// A tracing filter, e.g. `info` or `tashbeek=debug,actix_web=info`.
    pub log: String,
}

impl Default for Config {
    fn default() -> Self {
        let s = Settings::default();
        Config {
            bind: DEFAULT_BIND.into(),
            database_url: DEFAULT_DATABASE_URL.into(),
            jwt_secret: None,
            db_pool_size: 8,
            db_timeout_secs: 5,
            org_cache_entries: 10_000,
            cors_origins: vec![],
            body_limit_bytes: s.body_limit,
            access_ttl_secs: s.access_ttl_secs,
            refresh_ttl_days: s.refresh_ttl_days,
            argon2_memory_kib: s.argon2_memory_kib,
            login_max_failures_per_account: s.login_max_failures_per_account,
            login_max_failures_per_address: s.login_max_failures_per_address,
            signup_max_per_address: s.signup_max_per_address,
            workers: None,
            shutdown_timeout_secs: 30,
            trust_proxy: false,
            https: false,
            public_url: None,
            dashboard_dir: None,
            documents_dir: None,
            max_upload_bytes: 10 * 1024 * 1024,
            anchor_every_minutes: 60,
            stale_days: tashbeek_domain::recommendation::DEFAULT_STALE_DAYS,
            notify_every_secs: 60,
            smtp_url: None,
            mail_from: "Tashbeek <noreply@tashbeek.invalid>".into(),
            log_format: "text".into(),
            log: "info".into(),
        }
    }
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(key: &str, into: &mut T) -> anyhow::Result<()>
where
    T::Err: std::fmt::Display,
{
    if let Some(v) = env(key) {
        *into = v.trim().parse().map_err(|e| anyhow::anyhow!("{key}={v}: {e}"))?;
    }
    Ok(())
}

impl Config {
    /// Reads the file (if any) and the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut c = match file {
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).with_context(|| format!("reading config file {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("in config file {}", p.display()))?
            }
            None => Config::default(),
        };
        parse("TASHBEEK_BIND", &mut c.bind)?;
        parse("DATABASE_URL", &mut c.database_url)?;
        if let Some(v) = env("TASHBEEK_JWT_SECRET") {
            c.jwt_secret = Some(v);
        }
        parse("TASHBEEK_DB_POOL_SIZE", &mut c.db_pool_size)?;
        parse("TASHBEEK_DB_TIMEOUT_SECS", &mut c.db_timeout_secs)?;
        parse("TASHBEEK_ORG_CACHE_ENTRIES", &mut c.org_cache_entries)?;
        if let Some(v) = env("TASHBEEK_CORS_ORIGINS") {
            c.cors_origins = v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
        }
        parse("TASHBEEK_BODY_LIMIT_BYTES", &mut c.body_limit_bytes)?;
        parse("TASHBEEK_ACCESS_TTL_SECS", &mut c.access_ttl_secs)?;
        parse("TASHBEEK_REFRESH_TTL_DAYS", &mut c.refresh_ttl_days)?;
        parse("TASHBEEK_ARGON2_MEMORY_KIB", &mut c.argon2_memory_kib)?;
        parse("TASHBEEK_LOGIN_MAX_FAILURES_PER_ACCOUNT", &mut c.login_max_failures_per_account)?;
        parse("TASHBEEK_LOGIN_MAX_FAILURES_PER_ADDRESS", &mut c.login_max_failures_per_address)?;
        parse("TASHBEEK_SIGNUP_MAX_PER_ADDRESS", &mut c.signup_max_per_address)?;
        if let Some(v) = env("TASHBEEK_WORKERS") {
            c.workers = Some(v.parse().with_context(|| format!("TASHBEEK_WORKERS={v}"))?);
        }
        parse("TASHBEEK_SHUTDOWN_TIMEOUT_SECS", &mut c.shutdown_timeout_secs)?;
        parse("TASHBEEK_TRUST_PROXY", &mut c.trust_proxy)?;
        parse("TASHBEEK_HTTPS", &mut c.https)?;
        if let Some(v) = env("TASHBEEK_PUBLIC_URL") {
            c.public_url = Some(v.trim().trim_end_matches('/').to_owned());
        }
        if let Ok(v) = std::env::var("TASHBEEK_DASHBOARD_DIR") {
            c.dashboard_dir = Some(v.trim().into());
        }
        if let Some(v) = env("TASHBEEK_DOCUMENTS_DIR") {
            c.documents_dir = Some(v.trim().into());
        }
        parse("TASHBEEK_MAX_UPLOAD_BYTES", &mut c.max_upload_bytes)?;
        parse("TASHBEEK_ANCHOR_EVERY_MINUTES", &mut c.anchor_every_minutes)?;
        parse("TASHBEEK_STALE_DAYS", &mut c.stale_days)?;
        parse("TASHBEEK_NOTIFY_EVERY_SECS", &mut c.notify_every_secs)?;
        if let Some(v) = env("TASHBEEK_SMTP_URL") {
            c.smtp_url = Some(v.trim().to_owned());
        }
        parse("TASHBEEK_MAIL_FROM", &mut c.mail_from)?;
        parse("TASHBEEK_LOG_FORMAT", &mut c.log_format)?;
        if let Some(v) = env("TASHBEEK_LOG").or_else(|| env("RUST_LOG")) {
            c.log = v;
        }
        c.validate()?;
        Ok(c)
    }

    fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.db_pool_size >= 1, "db_pool_size must be at least 1");
        anyhow::ensure!(self.access_ttl_secs >= 30, "access_ttl_secs must be at least 30");
        anyhow::ensure!(self.refresh_ttl_days >= 1, "refresh_ttl_days must be at least 1");
        anyhow::ensure!(self.body_limit_bytes >= 1024, "body_limit_bytes must be at least 1024");
        anyhow::ensure!(self.signup_max_per_address >= 1, "signup_max_per_address must be at least 1");
        anyhow::ensure!(self.max_upload_bytes >= 1024, "max_upload_bytes must be at least 1024");
        anyhow::ensure!((1..=3650).contains(&self.stale_days), "stale_days must be between 1 and 3650");
        anyhow::ensure!(self.argon2_memory_kib >= 8, "argon2_memory_kib must be at least 8");
        anyhow::ensure!(matches!(self.log_format.as_str(), "text" | "json"), "log_format must be text or json");
        if let Some(u) = &self.public_url {
            anyhow::ensure!(
                (u.starts_with("https://") || u.starts_with("http://")) && !u.contains(['?', '#', ' ']),
                "public_url must be an http(s) address without a query, e.g. https://tashbeek.example.org"
            );
        }
        if let Some(s) = &self.jwt_secret {
            anyhow::ensure!(s.len() >= 32, "jwt_secret must be at least 32 characters");
        }
        Ok(())
    }

    pub fn settings(&self) -> Settings {
        Settings {
            access_ttl_secs: self.access_ttl_secs,
            refresh_ttl_days: self.refresh_ttl_days,
            argon2_memory_kib: self.argon2_memory_kib,
            login_max_failures_per_account: self.login_max_failures_per_account,
            login_max_failures_per_address: self.login_max_failures_per_address,
            signup_max_per_address: self.signup_max_per_address,
            body_limit: self.body_limit_bytes,
            trust_proxy: self.trust_proxy,
            https: self.https,
            public_url: self.public_url.as_ref().map(|u| u.trim_end_matches('/').to_owned()),
            stale_days: self.stale_days,
            ..Settings::default()
        }
    }

    /// The notification mailer, when SMTP is configured; a bad address fails the start.
    pub fn mailer(&self) -> anyhow::Result<Option<tashbeek_app::mail::Mailer>> {
        match &self.smtp_url {
            Some(url) => Ok(Some(tashbeek_app::mail::Mailer::new(url, &self.mail_from, self.public_url.clone())?)),
            None => Ok(None),
        }
    }

    /// The document store's directory (see `documents_dir`).
    pub fn documents(&self) -> PathBuf {
        if let Some(d) = &self.documents_dir {
            return d.clone();
        }
        let sqlite = self.database_url.strip_prefix("sqlite://").or_else(|| self.database_url.strip_prefix("sqlite:"));
        match sqlite.map(Path::new).and_then(Path::parent) {
            Some(dir) => dir.join("documents"),
            None => PathBuf::from("data/documents"),
        }
    }

    pub fn pool(&self) -> PoolOptions {
        PoolOptions { max_size: self.db_pool_size, connection_timeout: Duration::from_secs(self.db_timeout_secs) }
    }

    /// The dashboard to serve: the directory named, else the one compiled in, else a
    /// checkout's `frontend/dist`; `None` when there is none (or an empty path was named).
    pub fn dashboard(&self) -> Option<Dashboard> {
        match &self.dashboard_dir {
            Some(dir) if dir.as_os_str().is_empty() => None,
            Some(dir) => Dashboard::dir(dir),
            None => crate::embedded_dashboard().or_else(|| Dashboard::dir(std::path::Path::new("frontend/dist"))),
        }
    }

    pub fn server(&self) -> ServerOptions {
        ServerOptions {
            workers: self.workers,
            cors_origins: self.cors_origins.clone(),
            shutdown_timeout: self.shutdown_timeout_secs,
            dashboard: self.dashboard(),
        }
    }
}
