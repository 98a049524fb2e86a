//! The document store: uploaded bytes on a local disk (or a mount every instance
//! shares) under their SHA-256, one file however many documents name it.
//!
//! Under the root: `objects/ab/<sha256>` the stored files; `tmp/<instance>/` the uploads
//! one running process is receiving, with `tmp/<instance>.lock` locked for the life of
//! that process; `.lock`, the store lock.
//!
//! Files and `documents` rows stay consistent, a crash included:
//! - An upload is written under `tmp/` and synced. Then, holding the store lock, its row
//!   is inserted, the file is moved into `objects/` (the directory synced) and the
//!   transaction commits; the lock is released after the commit. A committed row always
//!   has its file.
//! - A crash before that commit leaves at most a file no row names.
//! - Removing a document commits the row's deletion, then, holding the lock, deletes the
//!   file if no other row names it. A crash in between leaves a file no row names.
//! - When a server starts it takes the lock, deletes the `tmp/` directories of processes
//!   that are gone (their lock is free) and every stored file no row names. Uploads hold
//!   the lock from their insert until after their commit, so the sweep never mistakes a
//!   file moved in but not yet committed for an orphan.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tashbeek_domain::document::ACCEPTED_TYPES;

/// Bytes kept in memory to recognize a file's type (zip-based office documents name
/// their parts within the first few kilobytes).
const HEAD: usize = 256 * 1024;

/// Uploads one process receives at once; more wait for a retry (each holds a temporary
/// file and a 256 KiB head until it is stored).
pub const MAX_UPLOADS: usize = 16;

pub struct FileStore {
    root: PathBuf,
    tmp: PathBuf,
    max_bytes: u64,
    receiving: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// This process's claim on `tmp`: locked until the store is dropped.
    _claim: File,
}

/// Held while rows and files change together (see the module's rules).
pub struct StoreLock(File);

impl Drop for StoreLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// What a sweep removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub orphan_files: usize,
    pub abandoned_uploads: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("larger than {0} bytes")]
    TooLarge(u64),
    #[error("too many uploads at once")]
    Busy,
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl FileStore {
    /// Opens (creating) the store at `root`, accepting files of at most `max_bytes`.
    pub fn open(root: &Path, max_bytes: u64) -> io::Result<FileStore> {
        fs::create_dir_all(root.join("objects"))?;
        fs::create_dir_all(root.join("tmp"))?;
        sync_dir(root)?;
        sync_dir(&root.join("objects"))?;
        let instance = uuid::Uuid::now_v7().simple().to_string();
        // Claimed under the store lock, so no sweep takes the claim for an abandoned one
        // between its creation and its lock.
        let store = store_lock(root)?;
        let claim = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(root.join("tmp").join(format!("{instance}.lock")))?;
        claim.try_lock().map_err(|e| io::Error::other(format!("claiming the upload directory: {e}")))?;
        let tmp = root.join("tmp").join(&instance);
        fs::create_dir_all(&tmp)?;
        drop(store);
        Ok(FileStore { root: root.to_owned(), tmp, max_bytes, receiving: Default::default(), _claim: claim })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Where the file of `sha256` is stored (`None` for anything but 64 hex digits).
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| self.root.join("objects").join(&sha256[..2]).join(sha256))
    }

    /// Starts receiving an upload (`Busy` while [`MAX_UPLOADS`] are being received).
    pub fn begin(&self) -> Result<Upload, UploadError> {
        use std::sync::atomic::Ordering;
        if self.receiving.fetch_add(1, Ordering::SeqCst) >= MAX_UPLOADS {
            self.receiving.fetch_sub(1, Ordering::SeqCst);
            return Err(UploadError::Busy);
        }
        let slot = Slot(self.receiving.clone());
        let path = self.tmp.join(uuid::Uuid::now_v7().simple().to_string());
        let file = OpenOptions::new().write(true).create_new(true).open(&path)?;
        Ok(Upload {
            _slot: slot,
            file,
            temp: Temp(Some(path)),
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
            max: self.max_bytes,
        })
    }

    /// Waits for the store lock (other threads and other processes on the same root).
    pub fn lock(&self) -> io::Result<StoreLock> {
        store_lock(&self.root)
    }

    /// Moves a received file to its place under `objects/` (once per content) and syncs
    /// the directory: call holding the lock, inside the transaction inserting its row.
    pub fn place(&self, _lock: &StoreLock, received: Received) -> io::Result<()> {
        let dest = self.path_of(&received.sha256).ok_or_else(|| io::Error::other("bad digest"))?;
        let dir = dest.parent().ok_or_else(|| io::Error::other("no parent"))?;
        if !dir.exists() {
            fs::create_dir_all(dir)?;
        }
        // The shard's own entry too: an earlier attempt may have made it and died unsynced.
        sync_dir(&self.root.join("objects"))?;
        if dest.exists() {
            return Ok(()); // The same bytes are stored already; `received` removes its copy.
        }
        let mut received = received;
        let from = received.temp.0.take().ok_or_else(|| io::Error::other("already placed"))?;
        fs::rename(&from, &dest)?;
        sync_dir(dir)
    }

    /// Deletes the file of `sha256`: call holding the lock, once no row names it.
    pub fn remove(&self, _lock: &StoreLock, sha256: &str) -> io::Result<()> {
        match self.path_of(sha256).map(fs::remove_file) {
            Some(Err(e)) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Opens the stored file of `sha256` for reading.
    pub fn open_file(&self, sha256: &str) -> io::Result<(File, PathBuf)> {
        let path = self.path_of(sha256).ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        Ok((File::open(&path)?, path))
    }

    /// Removes abandoned uploads and every stored file whose digest `named` (read while
    /// the lock is held) does not return. An entry that cannot be removed is logged and
    /// left for the next start; only stored files' own names (64 hex digits) are touched.
    pub fn sweep<E: From<io::Error>>(&self, named: impl FnOnce() -> Result<HashSet<String>, E>) -> Result<Swept, E> {
        let lock = self.lock()?;
        let mut swept = Swept::default();
        for entry in fs::read_dir(self.root.join("tmp"))?.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "lock") {
                continue;
            }
            let Ok(claim) = OpenOptions::new().write(true).open(&path) else { continue };
            if claim.try_lock().is_err() {
                continue; // A running process (this one included) still receives there.
            }
            let dir = path.with_extension("");
            let files = fs::read_dir(&dir).map(Iterator::count).unwrap_or(0);
            match fs::remove_dir_all(&dir).or_else(|e| if dir.exists() { Err(e) } else { Ok(()) }) {
                Ok(()) => {
                    swept.abandoned_uploads += files;
                    logged(fs::remove_file(&path), &path);
                }
                Err(e) => {
                    logged(Err(e), &dir);
                }
            }
        }
        let named = named()?;
        for shard in fs::read_dir(self.root.join("objects"))?.flatten() {
            let Ok(files) = fs::read_dir(shard.path()) else { continue };
            for file in files.flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                let orphan = self.path_of(&name).is_some() && !named.contains(&name);
                if orphan && logged(fs::remove_file(file.path()), &file.path()) {
                    swept.orphan_files += 1;
                }
            }
        }
        drop(lock);
        Ok(swept)
    }
}

/// Whether `r` succeeded; a failure is logged (the next start tries again).
fn logged(r: io::Result<()>, path: &Path) -> bool {
    r.map_err(|e| tracing::warn!(path = %path.display(), error = %e, "document store: could not remove")).is_ok()
}

fn store_lock(root: &Path) -> io::Result<StoreLock> {
    let f = OpenOptions::new().create(true).truncate(false).write(true).open(root.join(".lock"))?;
    f.lock()?;
    Ok(StoreLock(f))
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// One of the uploads being received, until it is stored or dropped.
struct Slot(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A file under `tmp/`, deleted when dropped unless it was moved into place.
struct Temp(Option<PathBuf>);

impl Drop for Temp {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

/// An upload being received: counted, hashed and written as it arrives.
pub struct Upload {
    _slot: Slot,
    file: File,
    temp: Temp,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    max: u64,
}

impl Upload {
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        self.size += chunk.len() as u64;
        if self.size > self.max {
            return Err(UploadError::TooLarge(self.max));
        }
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk)?;
        Ok(())
    }

    /// Syncs the file to disk and recognizes its type from its bytes.
    pub fn finish(self) -> io::Result<Received> {
        self.file.sync_all()?;
        let sha256 = format!("{:x}", self.hasher.finalize());
        let sniffed = match sniff(&self.head) {
            // Word, Excel and PowerPoint 97–2003 files are told apart by their directory,
            // which may sit anywhere in the file: read from disk, not memory.
            Some("application/x-ole-storage") => {
                File::open(self.temp.0.as_ref().ok_or_else(|| io::Error::other("gone"))?).ok().and_then(ole_type)
            }
            other => other,
        }
        .and_then(|t| ACCEPTED_TYPES.iter().copied().find(|a| *a == t));
        Ok(Received { _slot: self._slot, temp: self.temp, sha256, size: self.size, sniffed })
    }
}

fn sniff(bytes: &[u8]) -> Option<&'static str> {
    infer::get(bytes).map(|t| t.mime_type())
}

/// The Office 97–2003 type of a compound file, from its root entry's class (the ids
/// `infer` matches), reading only its allocation tables and directory.
fn ole_type(file: File) -> Option<&'static str> {
    let doc = cfb::CompoundFile::open(file).ok()?;
    match doc.root_entry().clsid().to_string().as_str() {
        "00020810-0000-0000-c000-000000000046" | "00020820-0000-0000-c000-000000000046" => {
            Some("application/vnd.ms-excel")
        }
        "00020906-0000-0000-c000-000000000046" => Some("application/msword"),
        "64818d10-4f9b-11cf-86ea-00aa00b929e8" => Some("application/vnd.ms-powerpoint"),
        _ => None,
    }
}

/// A received upload, on disk under `tmp/` until placed.
pub struct Received {
    _slot: Slot,
    temp: Temp,
    pub sha256: String,
    pub size: u64,
    /// The accepted type the bytes are, if any.
    pub sniffed: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(max: u64) -> (FileStore, PathBuf) {
        let root = std::env::temp_dir().join(format!("tashbeek-files-{}", uuid::Uuid::now_v7().simple()));
        (FileStore::open(&root, max).unwrap(), root)
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

    #[test]
    fn uploads_are_bounded_hashed_recognized_and_stored_once() {
        let (s, root) = store(64);
        let mut u = s.begin().unwrap();
        assert!(matches!(u.write(&[0; 65]), Err(UploadError::TooLarge(64))));
        drop(u);
        let lock = s.lock().unwrap();
        for _ in 0..2 {
            let mut u = s.begin().unwrap();
            u.write(PNG).unwrap();
            let r = u.finish().unwrap();
            assert_eq!(r.sniffed, Some("image/png"));
            let sha = r.sha256.clone();
            s.place(&lock, r).unwrap();
            assert_eq!(fs::read(s.path_of(&sha).unwrap()).unwrap(), PNG);
        }
        drop(lock);
        // Nothing left under tmp/ but this process's claim.
        assert_eq!(fs::read_dir(&s.tmp).unwrap().count(), 0);
        let swept = s.sweep::<io::Error>(|| Ok(HashSet::new())).unwrap();
        assert_eq!(swept, Swept { orphan_files: 1, abandoned_uploads: 0 });
        // Only so many at once; a finished one frees its place.
        let busy: Vec<Upload> = (0..MAX_UPLOADS).map(|_| s.begin().unwrap()).collect();
        assert!(matches!(s.begin(), Err(UploadError::Busy)));
        drop(busy);
        assert!(s.begin().is_ok());
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_sweep_clears_the_uploads_of_processes_that_are_gone_only() {
        let (first, root) = store(1024);
        let mut u = first.begin().unwrap();
        u.write(b"half an upload").unwrap();
        std::mem::forget(u); // Its process "dies" with it under tmp/.
        let second = FileStore::open(&root, 1024).unwrap();
        let mut live = second.begin().unwrap();
        live.write(b"in flight").unwrap();
        assert_eq!(second.sweep::<io::Error>(|| Ok(HashSet::new())).unwrap().abandoned_uploads, 0);
        drop(first); // Its claim is released: what it left is abandoned.
        assert_eq!(second.sweep::<io::Error>(|| Ok(HashSet::new())).unwrap().abandoned_uploads, 1);
        live.write(b" and still writing").unwrap();
        assert!(live.finish().is_ok());
        fs::remove_dir_all(root).unwrap();
    }
}
