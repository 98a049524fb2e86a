//! The append-only audit log. Rows are inserted in the same transaction as the change
//! they describe and never updated.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use tashbeek_domain::audit::{AuditEntry, AuditSummary};

use crate::error::DbResult;
use crate::schema::audit_log;
use crate::{from_db_time, new_key, DbConn};

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub at: DateTime<Utc>,
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<&'a str>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct SummaryRow {
    id: tashbeek_domain::AuditEntryId,
    at: chrono::NaiveDateTime,
    actor_id: Option<tashbeek_domain::UserId>,
    action: String,
    object_type: String,
    object_id: String,
    request_id: Option<String>,
}

impl SummaryRow {
    fn into_summary(self) -> AuditSummary {
        AuditSummary {
            id: self.id,
            at: from_db_time(self.at),
            actor_id: self.actor_id,
            action: self.action,
            object_type: self.object_type,
            object_id: self.object_id,
            request_id: self.request_id,
        }
    }
}

/// Writes one audit row (the same row the bulk loader writes for a change).
pub fn record(conn: &mut DbConn, c: Change<'_>) -> DbResult<()> {
    write(conn, c, false)
}

/// Writes the audit row of an object this write created under a new id: its chain starts
/// here, without looking for a head (see [`crate::chain`]).
pub fn record_new(conn: &mut DbConn, c: Change<'_>) -> DbResult<()> {
    write(conn, c, true)
}

fn write(conn: &mut DbConn, c: Change<'_>, first: bool) -> DbResult<()> {
    let mut row = crate::bulk::AuditRow::from_change(new_key(), c);
    crate::chain::link(conn, &mut row, first)?;
    // Nothing reads it back in the write: on PostgreSQL it goes with the last statement.
    crate::later::insert_later!(conn, audit_log::table, vec![row]);
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
}

/// Newest first, keyset-paginated by id (UUIDv7 is time-ordered).
pub fn list(conn: &mut DbConn, f: &Filter, limit: i64, before_id: Option<&str>) -> DbResult<Vec<AuditSummary>> {
    let mut q = audit_log::table.into_boxed();
    if let Some(t) = &f.object_type {
        q = q.filter(audit_log::object_type.eq(t));
    }
    if let Some(o) = &f.object_id {
        q = q.filter(audit_log::object_id.eq(o));
    }
    if let Some(a) = &f.actor_id {
        q = q.filter(audit_log::actor_id.eq(a));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::action.eq(a));
    }
    if let Some(b) = before_id {
        q = q.filter(audit_log::id.lt(b));
    }
    // The snapshots stay in the table: a page of summaries reads no JSON.
    let rows: Vec<SummaryRow> =
        q.order(audit_log::id.desc()).limit(limit).select(SummaryRow::as_select()).load(conn)?;
    Ok(rows.into_iter().map(SummaryRow::into_summary).collect())
}

/// One entry with its snapshots.
pub fn get(conn: &mut DbConn, id: &tashbeek_domain::AuditEntryId) -> DbResult<AuditEntry> {
    type Snapshot = Option<crate::json::Json<serde_json::Value>>;
    let (row, before, after): (SummaryRow, Snapshot, Snapshot) = audit_log::table
        .find(id)
        .select((SummaryRow::as_select(), audit_log::before_json, audit_log::after_json))
        .first(conn)?;
    let s = row.into_summary();
    Ok(AuditEntry {
        id: s.id,
        at: s.at,
        actor_id: s.actor_id,
        action: s.action,
        object_type: s.object_type,
        object_id: s.object_id,
        before: before.map(crate::json::Json::into_inner),
        after: after.map(crate::json::Json::into_inner),
        request_id: s.request_id,
    })
}

/// The changes of one object by the given actions, oldest first, with what each left
/// (`after`): the history a record shows its own readers. The newest `limit`.
pub fn changes_of(
    conn: &mut DbConn,
    object_type: &str,
    object_id: &str,
    actions: &[&str],
    limit: i64,
) -> DbResult<Vec<(chrono::NaiveDateTime, String, Option<serde_json::Value>)>> {
    let mut rows: Vec<(chrono::NaiveDateTime, String, Option<String>)> = audit_log::table
        .filter(audit_log::object_type.eq(object_type))
        .filter(audit_log::object_id.eq(object_id))
        .filter(audit_log::action.eq_any(actions))
        .order(audit_log::id.desc())
        .limit(limit)
        .select((audit_log::at, audit_log::action, audit_log::after_json))
        .load(conn)?;
    rows.reverse();
    rows.into_iter()
        .map(|(at, action, after)| {
            let after = after
                .map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(|e| crate::DbError::Corrupt(format!("audit snapshot: {e}")))?;
            Ok((at, action, after))
        })
        .collect()
}
