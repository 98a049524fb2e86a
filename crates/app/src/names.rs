//! Organizations' names for list items, kept per process.
//!
//! A page of partnerships names a hundred-odd organizations; reading their names cost
//! PostgreSQL more than everything else the page does (a key lookup each). Names change
//! only with an organization's profile, and every such change reaches [`Cache::forget`]:
//! on this instance once it has committed, from other instances through the change
//! listener (`tashbeek_persistence::changes`). Like the organization cache, this one is
//! used only while no change can go unheard: off on PostgreSQL until the listener hears,
//! and again whenever its link is lost.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::RwLock;

use tashbeek_domain::OrganizationId;
use tashbeek_persistence::partnership::{names_of, Names};
use tashbeek_persistence::{DbConn, DbResult};

/// Names kept at most: a few megabytes. When full, the cache starts over.
pub const CAPACITY: usize = 20_000;

pub struct Cache {
    entries: RwLock<HashMap<OrganizationId, Names>>,
    capacity: usize,
    enabled: AtomicBool,
    /// Bumped by every change: names read while a change committed are not kept.
    generation: AtomicU64,
}

impl Default for Cache {
    fn default() -> Self {
        Cache::new(CAPACITY)
    }
}

impl Cache {
    pub fn new(capacity: usize) -> Cache {
        Cache {
            entries: RwLock::new(HashMap::new()),
            capacity,
            enabled: AtomicBool::new(true),
            generation: AtomicU64::new(0),
        }
    }

    /// The names of `ids` (each once; an unknown id has none), read from the database for
    /// those not kept.
    pub fn names(&self, conn: &mut DbConn, ids: &[OrganizationId]) -> DbResult<HashMap<OrganizationId, Names>> {
        let mut found = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        let seen = self.generation.load(Ordering::Acquire);
        let on = self.enabled.load(Ordering::Acquire);
        {
            let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
            for id in ids {
                match entries.get(id).filter(|_| on) {
                    Some(n) => {
                        found.insert(id.clone(), n.clone());
                    }
                    None => missing.push(id.clone()),
                }
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let read = names_of(conn, &missing)?;
        self.keep(&read, seen);
        found.extend(read);
        Ok(found)
    }

    /// Keeps names read under generation `seen`, unless a change came meanwhile.
    fn keep(&self, read: &HashMap<OrganizationId, Names>, seen: u64) {
        if self.capacity == 0 || read.is_empty() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if self.generation.load(Ordering::Acquire) != seen || !self.enabled.load(Ordering::Acquire) {
            return;
        }
        if entries.len() + read.len() > self.capacity {
            entries.clear();
        }
        for (id, n) in read.iter().take(self.capacity) {
            entries.insert(id.clone(), n.clone());
        }
    }

    /// Called once a change to organization `id` has committed (or failed).
    pub fn forget(&self, id: &str) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(id) = OrganizationId::parse(id) {
            entries.remove(&id);
        }
    }

    /// Turns the cache on or off; either way it starts empty, and reads under way cannot
    /// keep what they read.
    pub fn set_enabled(&self, on: bool) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
        self.enabled.store(on, Ordering::Release);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> OrganizationId {
        OrganizationId::parse(&uuid::Uuid::from_u128(n).to_string()).expect("an id")
    }

    fn names(n: u128) -> HashMap<OrganizationId, Names> {
        HashMap::from([(id(n), (Some(format!("منظمة {n}")), None))])
    }

    #[test]
    fn names_read_while_a_change_committed_are_not_kept() {
        let cache = Cache::new(10);
        let seen = cache.generation.load(Ordering::Acquire);
        cache.forget(id(1).as_str()); // a rename commits while the names are read
        cache.keep(&names(1), seen);
        assert_eq!(cache.len(), 0);
        cache.keep(&names(1), cache.generation.load(Ordering::Acquire));
        assert_eq!(cache.len(), 1);
        cache.forget(id(1).as_str());
        assert_eq!(cache.len(), 0, "a rename is forgotten");
    }

    #[test]
    fn off_keeps_nothing_and_full_starts_over() {
        let cache = Cache::new(3);
        for n in 0..3 {
            cache.keep(&names(n), cache.generation.load(Ordering::Acquire));
        }
        assert_eq!(cache.len(), 3);
        cache.keep(&names(9), cache.generation.load(Ordering::Acquire));
        assert_eq!(cache.len(), 1, "full: starts over with what was read");
        cache.set_enabled(false);
        assert_eq!(cache.len(), 0);
        cache.keep(&names(1), cache.generation.load(Ordering::Acquire));
        assert_eq!(cache.len(), 0, "off keeps nothing");
        cache.set_enabled(true);
        cache.keep(&names(1), cache.generation.load(Ordering::Acquire));
        assert_eq!(cache.len(), 1);
    }
}
