//! Invitations to join an organization; only a hash of each token is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tashbeek_domain::invitation::{Invitation, InvitationStatus};
use tashbeek_domain::user::OrgRole;
use tashbeek_domain::{InvitationId, OrganizationId, UserId};

use crate::error::DbResult;
use crate::schema::invitations;
use crate::{from_db_time, DbConn};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub role: OrgRole,
    pub token_hash: String,
    pub invited_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub accepted_by: Option<UserId>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl InvitationRow {
    pub fn status(&self, now: NaiveDateTime) -> InvitationStatus {
        match (self.accepted_at, self.revoked_at) {
            (Some(_), _) => InvitationStatus::Accepted,
            (None, Some(_)) => InvitationStatus::Revoked,
            (None, None) if self.expires_at <= now => InvitationStatus::Expired,
            (None, None) => InvitationStatus::Pending,
        }
    }

    pub fn into_domain(self, now: NaiveDateTime) -> Invitation {
        let status = self.status(now);
        Invitation {
            id: self.id,
            organization_id: self.organization_id,
            role: self.role,
            status,
            invited_by: self.invited_by,
            created_at: from_db_time(self.created_at),
            expires_at: from_db_time(self.expires_at),
            accepted_at: self.accepted_at.map(from_db_time),
            email: self.email,
        }
    }
}

pub fn insert(conn: &mut DbConn, row: &InvitationRow) -> DbResult<()> {
    diesel::insert_into(invitations::table).values(row).execute(conn)?;
    Ok(())
}

/// Withdraws the open invitations of `email` to `org_id` (a new one replaces them);
/// returns their ids for the audit log.
pub fn revoke_pending_for(conn: &mut DbConn, org_id: &str, email: &str, now: NaiveDateTime) -> DbResult<Vec<String>> {
    let open = invitations::table
        .filter(invitations::organization_id.eq(org_id))
        .filter(invitations::email.eq(email))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null());
    let ids: Vec<String> = open.select(invitations::id).load(conn)?;
    if !ids.is_empty() {
        diesel::update(invitations::table.filter(invitations::id.eq_any(&ids)))
            .set(invitations::revoked_at.eq(now))
            .execute(conn)?;
    }
    Ok(ids)
}

/// An organization's invitations, newest first, after `before_id`.
pub fn list(conn: &mut DbConn, org_id: &str, limit: i64, before_id: Option<&str>) -> DbResult<Vec<InvitationRow>> {
    let mut q = invitations::table.filter(invitations::organization_id.eq(org_id)).into_boxed();
    if let Some(b) = before_id {
        q = q.filter(invitations::id.lt(b.to_owned()));
    }
    Ok(q.order(invitations::id.desc()).limit(limit).select(InvitationRow::as_select()).load(conn)?)
}

pub fn get(conn: &mut DbConn, org_id: &str, id: &str) -> DbResult<InvitationRow> {
    Ok(invitations::table
        .find(id)
        .filter(invitations::organization_id.eq(org_id))
        .select(InvitationRow::as_select())
        .first(conn)?)
}

pub fn find_by_token_hash(conn: &mut DbConn, hash: &str) -> DbResult<Option<InvitationRow>> {
    Ok(invitations::table
        .filter(invitations::token_hash.eq(hash))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Revokes an invitation still open; false when it was accepted or revoked first.
pub fn revoke(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> DbResult<bool> {
    Ok(diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null()),
    )
    .set(invitations::revoked_at.eq(now))
    .execute(conn)?
        == 1)
}

/// Marks an invitation accepted by `user_id`, only while it is still pending; false
/// when someone accepted, revoked or let it expire first (so a link works once).
pub fn accept(conn: &mut DbConn, id: &str, user_id: &str, now: NaiveDateTime) -> DbResult<bool> {
    Ok(diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null())
            .filter(invitations::expires_at.gt(now)),
    )
    .set((invitations::accepted_at.eq(now), invitations::accepted_by.eq(user_id)))
    .execute(conn)?
        == 1)
}
