//! The append-only record of every change: who, when, what, before and after.

use crate::id::{AuditEntryId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One change as the audit list shows it: who, when, what; the snapshots are in the entry
/// (`GET /audit/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditSummary {
    pub id: AuditEntryId,
    pub at: DateTime<Utc>,
    /// `null` for changes made by the system (migrations, demo data, CLI).
    pub actor_id: Option<UserId>,
    /// e.g. `organization.create`, `organization.verification`, `session.login`.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub request_id: Option<String>,
}

/// One change with the record as it was before and after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: AuditEntryId,
    pub at: DateTime<Utc>,
    /// `null` for changes made by the system (migrations, demo data, CLI).
    pub actor_id: Option<UserId>,
    /// e.g. `organization.create`, `organization.verify`, `user.login`.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

/// What is wrong with the first broken link of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Break {
    /// `content`: the row's hash does not match its content (it was edited). `link`: the
    /// row does not follow its object's previous row (one was removed or reordered).
    /// `unsealed`: hash, sequence or order missing. `anchor`: an anchor no longer matches
    /// the rows it covers (rows before it were rewritten or removed).
    pub kind: String,
    /// The audit row (for `anchor`, the anchor).
    pub id: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// The row's place in its object's chain, from 1.
    pub seq: Option<i64>,
    pub expected: Option<String>,
    pub found: Option<String>,
    /// In words (English), as `tashbeek audit verify` prints it.
    pub detail: String,
}

/// The result of walking every chain of the audit log and every anchor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    /// `true` when no link is broken.
    pub verified: bool,
    /// Rows checked (up to the break).
    pub rows: i64,
    /// Objects whose chains were walked.
    pub objects: i64,
    /// Anchors checked.
    pub anchors: i64,
    pub broken: Option<Break>,
    /// How long the walk took.
    pub milliseconds: i64,
}

/// A hash of the whole audit log up to one row, chained to the anchor before it, to be
/// kept outside Tashbeek: whoever holds it can tell if anything before it was rewritten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Anchor {
    pub id: String,
    pub at: DateTime<Utc>,
    /// Rows covered, from the first.
    pub rows: i64,
    /// SHA-256 (hex).
    pub hash: String,
    pub prev_hash: Option<String>,
}
