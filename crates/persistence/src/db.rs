//! Connections: the backend is chosen from the URL's scheme, each backend connects
//! through its own `establish` (so a bad password or a down host is reported as
//! such), and migrations are embedded per backend.

use std::path::Path;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::{DbError, DbResult};

/// One connection to either backend; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(diesel::sqlite::SqliteConnection),
    Pg(diesel::pg::PgConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Reads the scheme; anything but `sqlite:` and `postgres(ql):` is refused so a
    /// typo never silently creates an empty SQLite file.
    pub fn from_url(url: &str) -> DbResult<(Backend, String)> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok((Backend::Postgres, url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err(DbError::Unavailable("DATABASE_URL sqlite:// needs a file path".into()));
            }
            return Ok((Backend::Sqlite, path.to_owned()));
        }
        let scheme = url.split(':').next().unwrap_or(url);
        Err(DbError::Unavailable(format!(
            "DATABASE_URL has unknown scheme `{scheme}`; use sqlite://PATH or postgres://USER@HOST/DB"
        )))
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Opens one connection with the backend's own `establish` and per-connection settings.
pub fn establish(url: &str) -> DbResult<DbConn> {
    let (backend, target) = Backend::from_url(url)?;
    match backend {
        Backend::Sqlite => {
            if target != ":memory:" {
                if let Some(dir) = Path::new(&target).parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| DbError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
                }
            }
            let mut c = diesel::sqlite::SqliteConnection::establish(&target)
                .map_err(|e| DbError::Unavailable(format!("sqlite {target}: {e}")))?;
            // NORMAL: commits do not sync inside SQLite; `write` acknowledges a commit
            // only after a shared sync of the WAL covers it (see `durable`). A 4 MB page
            // cache per connection holds the upper index levels a search touches; the file
            // itself stays in the OS cache (8 MB each took peak RSS to 148 MB of 150).
            c.batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                 PRAGMA busy_timeout = 10000; PRAGMA cache_size = -4000; PRAGMA temp_store = MEMORY;",
            )?;
            Ok(DbConn::Sqlite(c))
        }
        Backend::Postgres => {
            let c = diesel::pg::PgConnection::establish(&target)
                .map_err(|e| DbError::Unavailable(format!("postgres: {e}")))?;
            Ok(DbConn::Pg(c))
        }
    }
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Sqlite(_) => Backend::Sqlite,
            DbConn::Pg(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations of this backend; returns how many ran.
    pub fn migrate(&mut self) -> DbResult<usize> {
        let result = match self {
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            DbConn::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS).map(|v| v.len()),
        };
        result.map_err(|e| DbError::Unavailable(format!("migration failed: {e}")))
    }

    /// Runs `f` in a write transaction. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`) so two writers queue on the busy timeout instead of one
    /// failing when it upgrades a read lock.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        let result = self.write_transaction(f);
        crate::user::transaction_ended();
        result
    }

    fn write_transaction<T, E>(&mut self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        match self {
            DbConn::Pg(_) => {
                // Inserts nothing reads back wait and go in one statement before the commit.
                let collecting = crate::later::begin();
                let _end = Ended(collecting);
                let mut out = None;
                let r: Result<(), TxAbort> = self.transaction(|c| match f(c) {
                    Ok(v) => {
                        if let (true, DbConn::Pg(pg)) = (collecting, &mut *c) {
                            crate::later::send(pg)?;
                        }
                        out = Some(Ok(v));
                        Ok(())
                    }
                    Err(e) => {
                        out = Some(Err(e));
                        Err(TxAbort::Rollback)
                    }
                });
                match (r, out) {
                    (Ok(()), Some(v)) => v,
                    (Err(TxAbort::Rollback), Some(v)) => v,
                    (Err(TxAbort::Db(e)), _) => Err(E::from(DbError::from(e))),
                    (_, None) => Err(E::from(DbError::Unavailable("transaction did not run".into()))),
                }
            }
            DbConn::Sqlite(c) => {
                // SQLite has one writer at a time. Queueing writers on a mutex here is fair
                // and immediate, where SQLite's busy handler makes them sleep and retry.
                let writer = SQLITE_WRITER.lock().unwrap_or_else(|e| e.into_inner());
                // Through diesel's transaction manager, so nested transactions (diesel's
                // own batch inserts among them) become savepoints.
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE").map_err(|e| E::from(e.into()))?;
                let mut guard = RollbackGuard { conn: self, done: false };
                let result = f(guard.conn);
                if result.is_ok() {
                    let DbConn::Sqlite(c) = &mut *guard.conn else { unreachable!("matched above") };
                    guard.done = true;
                    if let Err(e) = AnsiTransactionManager::commit_transaction(c) {
                        guard.done = false;
                        return Err(E::from(e.into()));
                    }
                    // The commit is in the WAL but not yet on disk: it is acknowledged
                    // only once a sync covers it, shared with the writers committing
                    // meanwhile (the next one already holds the lock).
                    let wal = crate::durable::wal_of(c).map_err(|e| E::from(e))?;
                    let ticket = wal.as_ref().map(|w| w.committed());
                    drop(writer);
                    if let (Some(w), Some(t)) = (wal, ticket) {
                        w.sync_through(t).map_err(|e| E::from(e))?;
                    }
                }
                result
            }
        }
    }
}

/// Stops the collecting of [`crate::later`] however the write ends (a panic included).
struct Ended(bool);

impl Drop for Ended {
    fn drop(&mut self) {
        if self.0 {
            crate::later::end();
        }
    }
}

/// One SQLite writer per process (SQLite serves a single instance; PostgreSQL serves many).
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

enum TxAbort {
    Rollback,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for TxAbort {
    fn from(e: diesel::result::Error) -> Self {
        TxAbort::Db(e)
    }
}

/// Rolls back an unfinished SQLite transaction, also when the closure panicked, so a
/// pooled connection never goes back to the pool mid-transaction.
struct RollbackGuard<'a> {
    conn: &'a mut DbConn,
    done: bool,
}

impl Drop for RollbackGuard<'_> {
    fn drop(&mut self) {
        if let (false, DbConn::Sqlite(c)) = (self.done, &mut *self.conn) {
            if let Err(e) = AnsiTransactionManager::rollback_transaction(c) {
                tracing::warn!(error = %e, "rollback failed");
            }
        }
    }
}

/// Pool settings from configuration.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions { max_size: 8, connection_timeout: Duration::from_secs(5) }
    }
}

pub struct Manager {
    url: String,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        establish(&self.url)
            .map_err(|e| diesel::r2d2::Error::ConnectionError(ConnectionError::BadConnection(e.to_string())))
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// A pool of connections to one database, shared by all request handlers.
#[derive(Clone)]
pub struct DbPool {
    pool: Pool<Manager>,
    backend: Backend,
}

pub type PooledConn = PooledConnection<Manager>;

impl DbPool {
    /// Connects (failing fast with the real cause), migrates, and builds the pool.
    pub fn connect(url: &str, opts: &PoolOptions, run_migrations: bool) -> DbResult<DbPool> {
        let (backend, _) = Backend::from_url(url)?;
        let mut first = establish(url)?;
        if run_migrations {
            let n = first.migrate()?;
            if n > 0 {
                tracing::info!(migrations = n, backend = backend.name(), "applied migrations");
            }
            let rebuilt = crate::organization::rebuild_search(&mut first)?;
            if rebuilt > 0 {
                tracing::info!(organizations = rebuilt, "rebuilt the search index");
            }
            let chained = crate::chain::chain_existing(&mut first)?;
            if chained > 0 {
                tracing::info!(rows = chained, "chained the audit rows written before the audit chain");
            }
        }
        drop(first);
        let pool = Pool::builder()
            .max_size(opts.max_size)
            .min_idle(Some(1.min(opts.max_size)))
            .connection_timeout(opts.connection_timeout)
            .test_on_check_out(false)
            .build(Manager { url: url.to_owned() })
            .map_err(|e| DbError::Unavailable(e.to_string()))?;
        Ok(DbPool { pool, backend })
    }

    pub fn get(&self) -> DbResult<PooledConn> {
        Ok(self.pool.get()?)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers a trivial query now.
    pub fn ready(&self) -> bool {
        self.pool.get().map(|mut c| c.ping().is_ok()).unwrap_or(false)
    }
}
