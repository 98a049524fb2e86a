//! The `tashbeek` binary's wiring, as a library so black-box tests start the very
//! same server.

pub mod admin;
pub mod config;
pub mod demo;
pub mod seed;
pub mod sheets;

use std::sync::Arc;

use anyhow::Context;
use base64::Engine;
use rand::RngCore;
use tashbeek_http::auth::JwtKeys;
use tashbeek_http::cache::{OrgCache, SessionCache};
use tashbeek_http::{AppState, SystemClock};
use tashbeek_persistence::files::FileStore;
use tashbeek_persistence::{secrets, to_db_time, Backend, DbPool};

pub use config::Config;

#[cfg(feature = "embed-dashboard")]
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/dashboard.rs"));
}

/// The dashboard compiled into this binary (`--features embed-dashboard`), if it was.
pub fn embedded_dashboard() -> Option<tashbeek_http::dashboard::Dashboard> {
    #[cfg(feature = "embed-dashboard")]
    return Some(tashbeek_http::dashboard::Dashboard::Embedded(embedded::FILES));
    #[cfg(not(feature = "embed-dashboard"))]
    None
}

/// Connects, migrates, and assembles what handlers share.
pub fn build_state(cfg: &Config) -> anyhow::Result<AppState> {
    let pool = DbPool::connect(&cfg.database_url, &cfg.pool(), true).context("opening the database")?;
    let secret = match &cfg.jwt_secret {
        Some(s) => s.clone(),
        None => {
            let mut conn = pool.get()?;
            secrets::get_or_create(&mut conn, "jwt_hs256", to_db_time(chrono::Utc::now()), || {
                let mut b = [0u8; 48];
                rand::thread_rng().fill_bytes(&mut b);
                base64::engine::general_purpose::STANDARD.encode(b)
            })?
        }
    };
    // Only while this process hears of every write (see tashbeek_http::cache): on
    // PostgreSQL they start off and follow the change listener.
    let org_cache = (cfg.org_cache_entries > 0).then(|| Arc::new(OrgCache::new(cfg.org_cache_entries)));
    let session_cache = Arc::new(SessionCache::new(10_000));
    let names = Arc::new(tashbeek_app::names::Cache::default());
    if pool.backend() == Backend::Postgres {
        if let Some(c) = &org_cache {
            c.set_enabled(false);
        }
        session_cache.set_enabled(false);
        names.set_enabled(false);
        listen_for_changes(&cfg.database_url, org_cache.as_ref(), &session_cache, &names)?;
    }
    let session_cache = Some(session_cache);
    let files = open_documents(cfg)?;
    Ok(AppState {
        pool,
        keys: Arc::new(JwtKeys::new(secret.as_bytes())),
        clock: Arc::new(SystemClock),
        settings: Arc::new(cfg.settings()),
        org_cache,
        session_cache,
        names,
        graph_cache: Arc::default(),
        files,
    })
}

/// Opens the document store (without sweeping it: see [`sweep_documents`]).
fn open_documents(cfg: &Config) -> anyhow::Result<Arc<FileStore>> {
    let dir = cfg.documents();
    let files = FileStore::open(&dir, cfg.max_upload_bytes)
        .with_context(|| format!("opening the document store at {}", dir.display()))?;
    Ok(Arc::new(files))
}

/// Anchors the audit log every `anchor_every_minutes` while the server runs (each
/// instance checks; the first to find an anchor due makes it, the others find it made).
pub fn anchor_periodically(state: &AppState, cfg: &Config) {
    if cfg.anchor_every_minutes == 0 {
        return;
    }
    let every = chrono::Duration::minutes(cfg.anchor_every_minutes as i64);
    let (pool, clock) = (state.pool.clone(), state.clock.clone());
    let tick = std::time::Duration::from_secs((cfg.anchor_every_minutes * 60).clamp(1, 60));
    std::thread::Builder::new()
        .name("audit-anchor".into())
        .spawn(move || loop {
            std::thread::sleep(tick);
            let Ok(mut conn) = pool.get() else { continue };
            let env = tashbeek_app::Env { caller: None, now: clock.now(), request_id: None };
            match tashbeek_app::write(&mut conn, env, |ctx| tashbeek_app::audit::anchor_if_due(ctx, every)) {
                Ok(Some(a)) => tracing::info!(rows = a.rows, hash = %a.hash, "anchored the audit log"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not anchor the audit log"),
            }
        })
        .map(drop)
        .unwrap_or_else(|e| tracing::warn!(error = %e, "no periodic anchoring of the audit log"));
}

/// Runs the notification job every `notify_every_secs` while the server runs: each round
/// drains the queue of newly addressed parts and, once a day, notes due and overdue ones,
/// then e-mails what is new when SMTP is configured. Every instance runs it; the database
/// keeps each notification, and each e-mail, once.
pub fn notify_periodically(state: &AppState, cfg: &Config) -> anyhow::Result<()> {
    let mailer = cfg.mailer()?;
    if cfg.notify_every_secs == 0 {
        return Ok(());
    }
    let (pool, clock) = (state.pool.clone(), state.clock.clone());
    let tick = std::time::Duration::from_secs(cfg.notify_every_secs);
    std::thread::Builder::new()
        .name("notifications".into())
        .spawn(move || loop {
            std::thread::sleep(tick);
            let Ok(mut conn) = pool.get() else { continue };
            if let Err(e) = notify_now(&mut conn, clock.now(), mailer.as_ref()) {
                tracing::warn!(error = %e, "could not make notifications");
            }
        })
        .map(drop)
        .unwrap_or_else(|e| tracing::warn!(error = %e, "no notification job"));
    Ok(())
}

/// Runs the notification job until the queue is empty, then e-mails what no instance has
/// sent yet (with a mailer); how many notifications were new.
pub fn notify_now(
    conn: &mut tashbeek_persistence::DbConn,
    now: chrono::DateTime<chrono::Utc>,
    mailer: Option<&tashbeek_app::mail::Mailer>,
) -> Result<usize, tashbeek_app::AppError> {
    use tashbeek_app::notification as notes;
    let env = || tashbeek_app::Env { caller: None, now, request_id: None };
    let mut total = 0;
    loop {
        let (made, more) = tashbeek_app::write(conn, env(), |ctx| notes::produce(ctx, mailer.is_some()))?;
        total += made;
        if !more {
            break;
        }
    }
    let Some(mailer) = mailer else { return Ok(total) };
    loop {
        let claimed = tashbeek_app::write(conn, env(), |ctx| notes::claim_mail(ctx, 50))?;
        if claimed.is_empty() {
            return Ok(total);
        }
        let (mut done, mut failed) = (vec![], vec![]);
        for o in &claimed {
            match mailer.send(o) {
                Ok(()) => done.push(o.id.clone()),
                Err(e @ tashbeek_app::mail::MailError::Send { permanent: false, .. }) => {
                    tracing::warn!(error = %e, notification = %o.id, "could not e-mail a notification; will retry");
                    failed.push(o.id.clone());
                }
                Err(e) => {
                    tracing::warn!(error = %e, notification = %o.id, "dropped a notification e-mail");
                    done.push(o.id.clone());
                }
            }
        }
        // Marked only now: an instance that dies while sending leaves claims that expire
        // (`EMAIL_CLAIM_MINUTES`), and those e-mails go out from another round.
        if !done.is_empty() {
            tashbeek_app::write(conn, env(), |ctx| notes::mark_mailed(ctx, &done))?;
        }
        if !failed.is_empty() {
            // The server may be down: try again next round rather than now.
            tashbeek_app::write(conn, env(), |ctx| notes::unclaim_mail(ctx, &failed))?;
            return Ok(total);
        }
    }
}

/// Removes what a crash may have left in the document store: uploads of processes that
/// are gone and files no document names. Run by `serve` only, and only on the store of
/// this database: the store keeps the database's id in `database-id` from its first
/// sweep, so a server pointed at another database (a restored copy, a wrong
/// `DATABASE_URL`) refuses to start rather than delete evidence it does not know.
pub fn sweep_documents(state: &AppState) -> anyhow::Result<()> {
    let mut conn = state.pool.get()?;
    let id = secrets::get_or_create(&mut conn, "database_id", to_db_time(chrono::Utc::now()), || {
        uuid::Uuid::now_v7().to_string()
    })?;
    let marker = state.files.root().join("database-id");
    match std::fs::read_to_string(&marker) {
        Ok(stored) if stored.trim() == id => {}
        Ok(stored) => anyhow::bail!(
            "the document store at {} belongs to database {} (this one is {id}); point \
             TASHBEEK_DOCUMENTS_DIR at this database's documents",
            state.files.root().display(),
            stored.trim()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::write(&marker, &id)?,
        Err(e) => return Err(e.into()),
    }
    let swept = state.files.sweep(|| tashbeek_persistence::document::named(&mut conn).map_err(anyhow::Error::from))?;
    if swept != Default::default() {
        tracing::info!(
            orphan_files = swept.orphan_files,
            abandoned_uploads = swept.abandoned_uploads,
            "document store: removed what an interrupted run left"
        );
    }
    Ok(())
}

/// Keeps this instance's caches in step with changes committed by any instance on the
/// same PostgreSQL database; the listener ends when the caches are dropped.
fn listen_for_changes(
    url: &str,
    orgs: Option<&Arc<OrgCache>>,
    sessions: &Arc<SessionCache>,
    names: &Arc<tashbeek_app::names::Cache>,
) -> anyhow::Result<()> {
    use tashbeek_persistence::changes::{listen, Heard};
    let orgs = orgs.map(Arc::downgrade);
    let sessions = Arc::downgrade(sessions);
    let names = Arc::downgrade(names);
    listen(url.to_owned(), move |heard| {
        // Any cache gone: the server is gone, and so is the need to listen.
        let (Some(sessions), Some(names)) = (sessions.upgrade(), names.upgrade()) else { return false };
        let orgs = orgs.as_ref().map(std::sync::Weak::upgrade);
        if matches!(orgs, Some(None)) {
            return false;
        }
        let orgs = orgs.flatten();
        match heard {
            Heard::Listening | Heard::Lost => {
                let on = heard == Heard::Listening;
                if !on {
                    tracing::warn!("lost the change listener's link: caches off until it is back");
                }
                sessions.set_enabled(on);
                names.set_enabled(on);
                if let Some(c) = orgs {
                    c.set_enabled(on);
                }
            }
            Heard::Organization(id) => {
                names.forget(&id);
                if let Some(c) = orgs {
                    c.invalidate(&id);
                }
            }
            Heard::Accounts => tashbeek_persistence::user::accounts_changed_elsewhere(),
        }
        true
    })
    .context("starting the change listener")?;
    Ok(())
}

/// Makes sure one process at a time serves a SQLite database: the writer queue and the
/// organization cache both rely on seeing every write. Hold the returned file for as
/// long as the server runs. Other commands (`admin create`, `migrate`) may still run
/// beside the server.
pub fn lock_for_serving(cfg: &Config) -> anyhow::Result<Option<std::fs::File>> {
    let (backend, target) = Backend::from_url(&cfg.database_url)?;
    if backend != Backend::Sqlite || target == ":memory:" {
        return Ok(None);
    }
    let path = format!("{target}.serve-lock");
    if let Some(dir) = std::path::Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {path}"))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another `tashbeek serve` is already serving {target}; a SQLite database is served by one \
             process (use PostgreSQL to run several instances)"
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("locking {path}")),
    }
}
