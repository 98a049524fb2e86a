//! What every handler shares: the pool, signing keys, settings and the clock.

use std::sync::Arc;

use actix_web::web;
use chrono::{DateTime, Utc};
use tashbeek_persistence::{DbConn, DbPool};

use crate::auth::JwtKeys;
use crate::error::{ApiError, ApiResult};

/// The one place time comes from, so tests can fix it.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Follows the system clock until [`SettableClock::set`], then stays where it is put:
/// tests check due dates, expiry and `updated_since` at times they choose.
#[derive(Default)]
pub struct SettableClock {
    fixed: std::sync::Mutex<Option<DateTime<Utc>>>,
}

impl SettableClock {
    pub fn set(&self, at: DateTime<Utc>) {
        *self.fixed.lock().unwrap_or_else(|e| e.into_inner()) = Some(at);
    }

    /// Moves a set clock forward (a following one is set to now + `by` first).
    pub fn advance(&self, by: chrono::Duration) {
        let now = self.now();
        self.set(now + by);
    }
}

impl Clock for SettableClock {
    fn now(&self) -> DateTime<Utc> {
        self.fixed.lock().unwrap_or_else(|e| e.into_inner()).unwrap_or_else(Utc::now)
    }
}

/// Tunables read from configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub access_ttl_secs: i64,
    pub refresh_ttl_days: i64,
    /// Argon2id memory cost in KiB (19456 = OWASP's recommendation).
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub login_max_failures_per_account: i64,
    pub login_max_failures_per_address: i64,
    pub login_window_secs: i64,
    /// Sign-ups accepted per client address per `signup_window_secs`.
    pub signup_max_per_address: i64,
    pub signup_window_secs: i64,
    pub body_limit: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Browsers reach the server over HTTPS (usually through a TLS proxy): send
    /// `Strict-Transport-Security`.
    pub https: bool,
    /// The public address of this server for certificates' QR codes (no trailing `/`);
    /// `None`: the address each request came to.
    pub public_url: Option<String>,
    /// Days without a progress update after which an open recommendation is stale.
    pub stale_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            access_ttl_secs: 900,
            refresh_ttl_days: 30,
            argon2_memory_kib: 19456,
            argon2_iterations: 2,
            login_max_failures_per_account: 5,
            login_max_failures_per_address: 30,
            login_window_secs: 900,
            signup_max_per_address: 10,
            signup_window_secs: 3600,
            body_limit: 256 * 1024,
            trust_proxy: false,
            https: false,
            public_url: None,
            stale_days: tashbeek_domain::recommendation::DEFAULT_STALE_DAYS,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub keys: Arc<JwtKeys>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    /// Public organizations by id, for single-record reads (see `cache` for when it is
    /// safe); `None` when configured off.
    pub org_cache: Option<Arc<crate::cache::OrgCache>>,
    /// Who each live session belongs to, for signed-in reads.
    pub session_cache: Option<Arc<crate::cache::SessionCache>>,
    /// Organizations' names for list items (see `tashbeek_app::names` for when it is safe).
    pub names: Arc<tashbeek_app::names::Cache>,
    /// Partnership graph layouts, recomputed when the graph's generation moves.
    pub graph_cache: Arc<tashbeek_app::graph::Cache>,
    /// Uploaded documents' bytes.
    pub files: Arc<tashbeek_persistence::files::FileStore>,
}

impl AppState {
    /// Runs blocking database work on actix's blocking pool, never on the executor.
    pub async fn db<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "blocking task failed");
            ApiError::internal()
        })?
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// What an operation needs from this request: who calls, the time, the request id.
    pub fn env(&self, caller: Option<crate::auth::Actor>, req: &actix_web::HttpRequest) -> tashbeek_app::Env {
        tashbeek_app::Env { caller, now: self.now(), request_id: crate::extract::request_id(req) }
    }

    /// This server's public address (no trailing `/`) for links that leave the API:
    /// certificates' QR codes, calendar entries. `TASHBEEK_PUBLIC_URL` when set; else the
    /// request's host (forwarded headers only behind a trusted proxy).
    pub fn public_base(&self, req: &actix_web::HttpRequest) -> String {
        self.settings.public_url.clone().unwrap_or_else(|| {
            if self.settings.trust_proxy {
                let info = req.connection_info();
                return format!("{}://{}", info.scheme(), info.host());
            }
            // Forwarded headers are the client's to write unless a trusted proxy sets them.
            let host =
                req.headers().get(actix_web::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
            format!("{}://{host}", if self.settings.https { "https" } else { "http" })
        })
    }

    /// Runs `f`, a change to organization `id`, on the blocking pool, and there forgets what
    /// the caches hold of it once the change has committed or failed: even when the request
    /// is dropped meanwhile (its client gone), a committed change is never left unheard.
    pub async fn change_organization<T, F>(&self, id: &str, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
    {
        let state = self.clone();
        let id = id.to_owned();
        self.db(move |conn| {
            let result = f(conn);
            state.organization_changed(&id);
            result
        })
        .await
    }

    /// Forgets a cached organization (its public record, its names).
    fn organization_changed(&self, id: &str) {
        if let Some(cache) = &self.org_cache {
            cache.invalidate(id);
        }
        self.names.forget(id);
    }
}
