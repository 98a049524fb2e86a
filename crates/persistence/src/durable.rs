//! Durable SQLite commits without one sync per commit (group commit of the log).
//!
//! With `synchronous = FULL` SQLite syncs the WAL inside every commit, while the writer
//! still holds the database's only write lock: each write waits for its own sync and
//! every other writer waits behind it. Here the connection runs with
//! `synchronous = NORMAL` — a commit appends its frames to the WAL without syncing;
//! checkpoints and WAL resets still sync as under FULL — and a write is acknowledged only
//! once an `fdatasync` of the WAL that *started after its commit* has finished. One sync
//! covers every commit made before it began, so writers that queued meanwhile share it,
//! and the next writer commits while the previous ones wait for the disk. The guarantee
//! for an acknowledged write is FULL's: its commit frame is on stable storage, and
//! recovery replays the WAL up to the last valid commit (sqlite.org/wal.html, "Durability";
//! sqlite.org/pragma.html#pragma_synchronous). Each write stays its own transaction, so
//! a failing one rolls back alone.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use crate::error::{DbError, DbResult};

/// The write-ahead log of one database file and the commits waiting for its sync.
pub struct Wal {
    path: PathBuf,
    state: Mutex<State>,
    synced: Condvar,
}

#[derive(Default)]
struct State {
    /// Commits made so far (tickets handed out).
    committed: u64,
    /// Every commit up to this one is on disk.
    synced: u64,
    syncing: bool,
    /// The directory holding the WAL has been synced once (its entry is durable).
    dir_synced: bool,
    /// Syncs run so far (fewer than commits when writers share them).
    syncs: u64,
}

impl Wal {
    /// A ticket for the commit just made; call while still holding the write lock, so
    /// tickets follow the order of the frames in the log.
    pub fn committed(&self) -> u64 {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.committed += 1;
        s.committed
    }

    /// Returns once the commit of `ticket` is on disk: waits for a sync under way, or
    /// runs one for every commit made so far.
    pub fn sync_through(&self, ticket: u64) -> DbResult<()> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if s.synced >= ticket {
                return Ok(());
            }
            if s.syncing {
                s = self.synced.wait(s).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            s.syncing = true;
            let target = s.committed;
            let with_dir = !s.dir_synced;
            drop(s);
            let result = sync(&self.path, with_dir);
            s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            s.syncing = false;
            if result.is_ok() {
                s.synced = s.synced.max(target);
                s.dir_synced |= with_dir;
                s.syncs += 1;
            }
            self.synced.notify_all();
            result.map_err(|e| DbError::Unavailable(format!("syncing {}: {e}", self.path.display())))?;
        }
    }
}

impl Wal {
    /// Syncs run so far.
    pub fn syncs(&self) -> u64 {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).syncs
    }
}

/// `fdatasync` of the WAL (and once, of its directory). A WAL that is gone was
/// checkpointed into the database file, which SQLite synced before removing it.
fn sync(wal: &Path, with_dir: bool) -> std::io::Result<()> {
    match File::open(wal) {
        Ok(f) => f.sync_data()?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    if with_dir {
        if let Some(dir) = wal.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir)?.sync_all()?;
        }
    }
    Ok(())
}

#[derive(QueryableByName)]
struct DatabaseFile {
    #[diesel(sql_type = Integer)]
    #[allow(dead_code)]
    seq: i32,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    file: String,
}

/// The WAL of the connection's main database, shared by every connection to that
/// file in this process; `None` for a database without a file (in memory).
pub fn wal_of(c: &mut diesel::sqlite::SqliteConnection) -> DbResult<Option<Arc<Wal>>> {
    static WALS: OnceLock<Mutex<HashMap<String, Arc<Wal>>>> = OnceLock::new();
    let files: Vec<DatabaseFile> = diesel::sql_query("PRAGMA database_list").load(c)?;
    let Some(main) = files.into_iter().find(|f| f.name == "main").filter(|f| !f.file.is_empty()) else {
        return Ok(None);
    };
    let mut wals = WALS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    let wal = wals.entry(main.file.clone()).or_insert_with(|| {
        Arc::new(Wal {
            path: PathBuf::from(format!("{}-wal", main.file)),
            state: Default::default(),
            synced: Condvar::new(),
        })
    });
    Ok(Some(wal.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_that_commit_meanwhile_share_a_sync() {
        let dir = std::env::temp_dir().join(format!("tashbeek-wal-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db-wal");
        std::fs::write(&path, b"frames").unwrap();
        let wal = Wal { path, state: Default::default(), synced: Condvar::new() };
        let lock = Mutex::new(());
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..50 {
                        // As `DbConn::write`: the ticket under the write lock, the sync after it.
                        let ticket = {
                            let _writer = lock.lock().unwrap();
                            wal.committed()
                        };
                        wal.sync_through(ticket).unwrap();
                        assert!(wal.state.lock().unwrap().synced >= ticket, "acknowledged before its sync");
                    }
                });
            }
        });
        let syncs = wal.syncs();
        assert!((1..400).contains(&syncs), "400 commits took {syncs} syncs");
        // A WAL that is gone (checkpointed and removed) needs no sync.
        std::fs::remove_dir_all(&dir).unwrap();
        let ticket = wal.committed();
        wal.sync_through(ticket).unwrap();
    }
}
