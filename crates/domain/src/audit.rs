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
