//! Per-process caches: public organizations for single-record reads, and who a signed-in
//! session belongs to.
//!
//! Safe only while this process hears of every write: on SQLite it sees them all (one
//! process per database file; the binary takes a lock on the file to make sure); on
//! PostgreSQL every instance announces its changes and each listens
//! (`tashbeek_persistence::changes`), and the caches are off whenever the listener is not
//! linked. A read on one instance may then trail a change committed on another by the
//! listener's poll interval (milliseconds); on the instance that made the change, never.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use actix_web::web::Bytes;
use tashbeek_domain::user::GlobalRole;

/// A public organization as both kinds of viewer get it, already serialized.
pub struct CachedOrg {
    pub id: String,
    pub version: i64,
    /// What signed-in viewers see.
    pub full: Bytes,
    /// What anonymous visitors see (members-only contacts removed).
    pub public: Bytes,
}

pub struct OrgCache {
    entries: RwLock<HashMap<String, Arc<CachedOrg>>>,
    capacity: usize,
    /// Off while changes might go unheard (PostgreSQL before listening, or link lost).
    enabled: AtomicBool,
    /// Bumped by every invalidation: a read that started before a change committed
    /// must not store what it read.
    generation: AtomicU64,
}

impl OrgCache {
    pub fn new(capacity: usize) -> OrgCache {
        OrgCache {
            entries: RwLock::new(HashMap::new()),
            capacity,
            enabled: AtomicBool::new(true),
            generation: AtomicU64::new(0),
        }
    }

    pub fn get(&self, id: &str) -> Option<Arc<CachedOrg>> {
        if !self.enabled.load(Ordering::Acquire) {
            return None;
        }
        self.entries.read().ok()?.get(id).cloned()
    }

    /// Turns the cache on or off; either way it starts empty, and reads under way
    /// cannot store what they read.
    pub fn set_enabled(&self, on: bool) {
        let mut entries = self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
        self.enabled.store(on, Ordering::Release);
    }

    /// Taken before reading from the database, handed back to [`OrgCache::store`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `org` unless something was invalidated since `seen` (then what was read may
    /// already be stale). When full, drops an arbitrary entry.
    pub fn store(&self, org: Arc<CachedOrg>, seen: u64) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut entries) = self.entries.write() else { return };
        if self.generation.load(Ordering::Acquire) != seen || !self.enabled.load(Ordering::Acquire) {
            return;
        }
        if entries.len() >= self.capacity {
            if let Some(victim) = entries.keys().next().cloned() {
                entries.remove(&victim);
            }
        }
        entries.insert(org.id.clone(), org);
    }

    /// Called after a change to `id` has committed.
    pub fn invalidate(&self, id: &str) {
        let mut entries = self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.remove(id);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }
}

/// The current role behind each live (user, session) pair, so a signed-in read need not
/// ask the database who its caller is. An entry counts only while the accounts
/// generation ([`tashbeek_persistence::user::accounts_generation`]) is the one it was
/// read under: any change to an account or session (role, disabling, password, logout)
/// makes every entry stale at once (on PostgreSQL, changes heard from other instances
/// too). Off, like [`OrgCache`], while changes might go unheard.
pub struct SessionCache {
    entries: RwLock<HashMap<(String, String), (GlobalRole, u64)>>,
    capacity: usize,
    enabled: AtomicBool,
}

impl SessionCache {
    pub fn new(capacity: usize) -> SessionCache {
        SessionCache { entries: RwLock::new(HashMap::new()), capacity, enabled: AtomicBool::new(true) }
    }

    /// Turns the cache on or off; either way it starts empty.
    pub fn set_enabled(&self, on: bool) {
        let mut entries = self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        tashbeek_persistence::user::accounts_changed_elsewhere();
        entries.clear();
        self.enabled.store(on, Ordering::Release);
    }

    pub fn get(&self, user_id: &str, session_id: &str) -> Option<GlobalRole> {
        if !self.enabled.load(Ordering::Acquire) {
            return None;
        }
        let now = tashbeek_persistence::user::accounts_generation();
        let entries = self.entries.read().ok()?;
        // The tuple key needs owned strings; sessions are few, so this stays cheap.
        match entries.get(&(user_id.to_owned(), session_id.to_owned())) {
            Some((role, seen)) if *seen == now => Some(*role),
            _ => None,
        }
    }

    /// Keeps what was read under generation `seen`; when full, starts over.
    pub fn store(&self, user_id: &str, session_id: &str, role: GlobalRole, seen: u64) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut entries) = self.entries.write() else { return };
        if !self.enabled.load(Ordering::Acquire) {
            return;
        }
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert((user_id.to_owned(), session_id.to_owned()), (role, seen));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(n: u128) -> Arc<CachedOrg> {
        Arc::new(CachedOrg {
            id: id(n),
            version: 1,
            full: Bytes::from_static(b"{}"),
            public: Bytes::from_static(b"{}"),
        })
    }

    fn id(n: u128) -> String {
        uuid::Uuid::from_u128(n).to_string()
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let cache = OrgCache::new(10);
        let seen = cache.generation();
        cache.invalidate(&id(1)); // a change commits while the read is under way
        cache.store(org(1), seen);
        assert!(cache.get(&id(1)).is_none());
        cache.store(org(1), cache.generation());
        assert!(cache.get(&id(1)).is_some());
        cache.invalidate(&id(1));
        assert!(cache.get(&id(1)).is_none());
    }

    #[test]
    fn stays_within_capacity() {
        let cache = OrgCache::new(3);
        for n in 0..10 {
            cache.store(org(n), cache.generation());
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get(&id(9)).is_some(), "the newest is kept");
        let off = OrgCache::new(0);
        off.store(org(1), off.generation());
        assert!(off.get(&id(1)).is_none(), "capacity 0 keeps nothing");
    }
}
