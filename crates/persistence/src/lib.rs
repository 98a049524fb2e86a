//! Storage for Tashbeek on SQLite or PostgreSQL through one diesel schema.
//!
//! Functions take `&mut DbConn` so callers compose them inside one transaction: a
//! change and its audit row commit together or not at all.

pub mod audit;
pub mod bulk;
pub mod chain;
pub mod changes;
pub mod db;
pub mod document;
pub mod durable;
pub mod error;
pub mod files;
pub mod invitation;
pub mod json;
pub mod later;
pub mod meeting;
pub mod minutes;
pub mod network;
pub mod notification;
pub mod office;
pub mod organization;
pub mod partnership;
pub mod recommendation;
pub mod reference;
pub mod report;
pub mod roadmap;
pub mod schema;
pub mod search;
pub mod secrets;
pub(crate) mod sql;
pub mod throttle;
pub mod user;

pub use db::{Backend, DbConn, DbPool, PoolOptions};
pub use error::{DbError, DbResult};

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};

/// A fresh time-ordered id for a record; UUIDv7 keeps keyset pagination and indexes cheap.
pub fn new_id<T: From<uuid::Uuid>>() -> T {
    T::from(uuid::Uuid::now_v7())
}

/// The same for rows without a typed id (sessions, throttle attempts).
pub fn new_key() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Stored timestamps are naive UTC at microsecond precision (what PostgreSQL keeps),
/// so both backends store, compare and page on the very same values.
pub fn to_db_time(t: DateTime<Utc>) -> NaiveDateTime {
    let t = t.naive_utc();
    let micros = t.and_utc().timestamp_subsec_micros();
    t.with_nanosecond(micros * 1000).unwrap_or(t)
}

pub fn from_db_time(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}
