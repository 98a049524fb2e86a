//! Optimistic concurrency: what a change expects of the stored version (HTTP carries it
//! in `If-Match`), so two coordinators editing one record lose nothing.

use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// No expectation was sent.
    Nothing,
    /// Any version (`If-Match: *`).
    Any,
    /// One of these versions.
    OneOf(Vec<i64>),
}

impl Expect {
    /// For changes of shared records: an expectation must be sent, and hold. Checked once
    /// the record is loaded and the caller authorized, so a record the caller may not see
    /// answers 404 with or without the header.
    pub fn check_required(&self, version: i64) -> AppResult<()> {
        match self {
            Expect::Nothing => Err(AppError::PreconditionRequired),
            e => e.check(version),
        }
    }

    pub fn check(&self, version: i64) -> AppResult<()> {
        match self {
            Expect::OneOf(v) if !v.contains(&version) => Err(AppError::VersionMismatch),
            _ => Ok(()),
        }
    }
}
