//! Notifications about recommendations: the queue writes fill, the notifications the job
//! makes of it (each once, by its `dedupe_key`), and what a person reads.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tashbeek_domain::notification::{Notification, NotificationKind};
use tashbeek_domain::recommendation::PartState;
use tashbeek_domain::{NetworkId, NotificationId, OrganizationId, PartId, RecommendationId, UserId};

use crate::error::DbResult;
use crate::schema::{
    job_marks, memberships, network_coordinators, notification_queue, notifications, recommendation_parts,
    recommendations, users,
};
use crate::{from_db_time, new_id, DbConn};

/// Asks the job to tell the addressees of `parts` (adopted, or added to an open recommendation).
pub fn enqueue(conn: &mut DbConn, parts: &[PartId], now: NaiveDateTime) -> DbResult<()> {
    for p in parts {
        diesel::insert_into(notification_queue::table)
            .values((
                notification_queue::id.eq(new_id::<uuid::Uuid>().to_string()),
                notification_queue::part_id.eq(p.as_str()),
                notification_queue::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Takes up to `limit` queued parts out of the queue, oldest first. On PostgreSQL rows
/// another instance is taking are skipped (`SKIP LOCKED`), so two jobs share the queue
/// instead of waiting for each other; on SQLite the write transaction has the file to itself.
pub fn take_queue(conn: &mut DbConn, limit: i64) -> DbResult<Vec<PartId>> {
    let rows: Vec<(String, PartId)> = match conn {
        DbConn::Pg(c) => notification_queue::table
            .order(notification_queue::id)
            .limit(limit)
            .select((notification_queue::id, notification_queue::part_id))
            .for_update()
            .skip_locked()
            .load(c)?,
        DbConn::Sqlite(c) => notification_queue::table
            .order(notification_queue::id)
            .limit(limit)
            .select((notification_queue::id, notification_queue::part_id))
            .load(c)?,
    };
    let ids: Vec<&String> = rows.iter().map(|(id, _)| id).collect();
    diesel::delete(notification_queue::table.filter(notification_queue::id.eq_any(ids))).execute(conn)?;
    Ok(rows.into_iter().map(|(_, p)| p).collect())
}

/// A part someone is to be told about.
#[derive(Debug, Clone, Queryable)]
pub struct Target {
    pub part_id: PartId,
    pub recommendation_id: RecommendationId,
    pub organization_id: Option<OrganizationId>,
    pub network_id: Option<NetworkId>,
    pub due_on: Option<NaiveDate>,
}

/// `parts` that are still to be answered or worked on, of adopted recommendations not closed.
pub fn open_targets(conn: &mut DbConn, parts: &[PartId]) -> DbResult<Vec<Target>> {
    if parts.is_empty() {
        return Ok(vec![]);
    }
    Ok(recommendation_parts::table
        .inner_join(recommendations::table)
        .filter(recommendation_parts::id.eq_any(parts))
        .filter(recommendation_parts::state.eq_any([PartState::AwaitingAnswer, PartState::Accepted]))
        .filter(recommendations::status.eq_any(["adopted", "in_progress"]))
        .select((
            recommendation_parts::id,
            recommendations::id,
            recommendation_parts::organization_id,
            recommendations::network_id,
            recommendations::due_on,
        ))
        .load(conn)?)
}

/// Open parts not done of recommendations due between `from` and `to` (inclusive).
pub fn due_targets(conn: &mut DbConn, from: NaiveDate, to: NaiveDate) -> DbResult<Vec<Target>> {
    Ok(recommendations::table
        .inner_join(recommendation_parts::table)
        .filter(recommendations::status.eq_any(["adopted", "in_progress"]))
        .filter(recommendations::due_on.ge(from))
        .filter(recommendations::due_on.le(to))
        .filter(recommendation_parts::state.eq_any([PartState::AwaitingAnswer, PartState::Accepted]))
        .select((
            recommendation_parts::id,
            recommendations::id,
            recommendation_parts::organization_id,
            recommendations::network_id,
            recommendations::due_on,
        ))
        .load(conn)?)
}

/// Who speaks for each target's addressee: the organization's members, or the network's
/// coordinators for its office; enabled accounts only.
pub fn recipients(conn: &mut DbConn, targets: &[Target]) -> DbResult<Vec<(usize, UserId)>> {
    let mut orgs: Vec<&str> = targets.iter().filter_map(|t| t.organization_id.as_ref().map(|o| o.as_str())).collect();
    let mut nets: Vec<&str> = targets
        .iter()
        .filter(|t| t.organization_id.is_none())
        .filter_map(|t| t.network_id.as_ref().map(|n| n.as_str()))
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    nets.sort_unstable();
    nets.dedup();
    // In chunks: SQLite binds each value of `IN (…)` as its own variable.
    let mut members: Vec<(String, UserId)> = vec![];
    let mut coordinators: Vec<(String, UserId)> = vec![];
    for chunk in orgs.chunks(500) {
        members.extend(
            memberships::table
                .inner_join(users::table)
                .filter(memberships::organization_id.eq_any(chunk))
                .filter(users::disabled.eq(false))
                .select((memberships::organization_id, users::id))
                .load::<(String, UserId)>(conn)?,
        );
    }
    for chunk in nets.chunks(500) {
        coordinators.extend(
            network_coordinators::table
                .inner_join(users::table)
                .filter(network_coordinators::network_id.eq_any(chunk))
                .filter(users::disabled.eq(false))
                .select((network_coordinators::network_id, users::id))
                .load::<(String, UserId)>(conn)?,
        );
    }
    let mut out = vec![];
    for (i, t) in targets.iter().enumerate() {
        let (list, key) = match (&t.organization_id, &t.network_id) {
            (Some(o), _) => (&members, o.as_str()),
            (None, Some(n)) => (&coordinators, n.as_str()),
            (None, None) => continue,
        };
        out.extend(list.iter().filter(|(k, _)| k == key).map(|(_, u)| (i, u.clone())));
    }
    Ok(out)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: NotificationId,
    pub user_id: UserId,
    pub kind: NotificationKind,
    pub recommendation_id: RecommendationId,
    pub part_id: PartId,
    pub due_on: Option<NaiveDate>,
    pub dedupe_key: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
    pub emailed_at: Option<NaiveDateTime>,
}

/// Inserts the notifications not already made (by their `dedupe_key`); how many were new.
pub fn insert_new(conn: &mut DbConn, rows: &[NotificationRow]) -> DbResult<usize> {
    let mut n = 0;
    match conn {
        // One statement per row: SQLite has no round trips, and diesel no multi-row upsert for it.
        DbConn::Sqlite(c) => {
            for row in rows {
                n += diesel::insert_into(notifications::table)
                    .values(row)
                    .on_conflict(notifications::dedupe_key)
                    .do_nothing()
                    .execute(c)?;
            }
        }
        DbConn::Pg(c) => {
            for chunk in rows.chunks(200) {
                n += diesel::insert_into(notifications::table)
                    .values(chunk)
                    .on_conflict(notifications::dedupe_key)
                    .do_nothing()
                    .execute(c)?;
            }
        }
    }
    Ok(n)
}

/// Marks `today`'s scan of due dates as made; false when it already was (by this or another
/// instance): exactly one job scans each day.
pub fn claim_due_scan(conn: &mut DbConn, today: NaiveDate) -> DbResult<bool> {
    let day = today.to_string();
    let n = diesel::update(
        job_marks::table.filter(job_marks::name.eq("recommendation_due_scan")).filter(job_marks::value.lt(&day)),
    )
    .set(job_marks::value.eq(&day))
    .execute(conn)?;
    Ok(n == 1)
}

type ListRow = (
    NotificationId,
    NotificationKind,
    RecommendationId,
    PartId,
    String,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn to_domain(r: ListRow) -> Notification {
    let (id, kind, recommendation_id, part_id, code, text_ar, text_en, due_on, created_at, read_at) = r;
    Notification {
        id,
        kind,
        recommendation_id,
        part_id,
        code,
        text_ar,
        text_en,
        due_on,
        created_at: from_db_time(created_at),
        read_at: read_at.map(from_db_time),
    }
}

macro_rules! shown {
    () => {
        (
            notifications::id,
            notifications::kind,
            notifications::recommendation_id,
            notifications::part_id,
            recommendations::code,
            recommendations::text_ar,
            recommendations::text_en,
            notifications::due_on,
            notifications::created_at,
            notifications::read_at,
        )
    };
}

/// A person's notifications, newest first, after id `after`; only unread ones with `unread`.
pub fn list(
    conn: &mut DbConn,
    user: &str,
    unread: bool,
    limit: i64,
    after: Option<&str>,
) -> DbResult<Vec<Notification>> {
    let mut q =
        notifications::table.inner_join(recommendations::table).filter(notifications::user_id.eq(user)).into_boxed();
    if unread {
        q = q.filter(notifications::read_at.is_null());
    }
    if let Some(a) = after {
        q = q.filter(notifications::id.lt(a.to_owned()));
    }
    let rows: Vec<ListRow> = q.order(notifications::id.desc()).limit(limit).select(shown!()).load(conn)?;
    Ok(rows.into_iter().map(to_domain).collect())
}

/// How many of a person's notifications are unread.
pub fn unread_count(conn: &mut DbConn, user: &str) -> DbResult<i64> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Marks one of `user`'s notifications read (already read stays as it was); false when
/// it is not theirs.
pub fn mark_read(conn: &mut DbConn, user: &str, id: &str, now: NaiveDateTime) -> DbResult<bool> {
    let mine = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user))
        .select(notifications::id)
        .first::<String>(conn)
        .optional()?
        .is_some();
    if mine {
        diesel::update(notifications::table.filter(notifications::id.eq(id)).filter(notifications::read_at.is_null()))
            .set(notifications::read_at.eq(now))
            .execute(conn)?;
    }
    Ok(mine)
}

/// Marks all of `user`'s notifications read; how many were unread.
pub fn mark_all_read(conn: &mut DbConn, user: &str, now: NaiveDateTime) -> DbResult<usize> {
    Ok(diesel::update(
        notifications::table.filter(notifications::user_id.eq(user)).filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(now))
    .execute(conn)?)
}

/// An e-mail to send: the notification, its recipient's address and name.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: NotificationId,
    pub email: String,
    pub display_name: String,
    pub notification: Notification,
}

/// How long a claim on a notification's e-mail holds: an instance that claimed it and died
/// before sending leaves it to another instance after this long. Far longer than sending a
/// batch takes, so a live sender is never raced.
pub const EMAIL_CLAIM_MINUTES: i64 = 15;

/// Claims up to `limit` notifications not yet e-mailed and not claimed by a live sender
/// (skipping those another instance is claiming right now on PostgreSQL). The caller marks
/// each one [`mark_emailed`] once sent, or gives it back with [`unsend`].
pub fn claim_unsent(conn: &mut DbConn, limit: i64, now: NaiveDateTime) -> DbResult<Vec<Outgoing>> {
    let expired = now - chrono::Duration::minutes(EMAIL_CLAIM_MINUTES);
    let claimable = notifications::emailed_at
        .is_null()
        .and(notifications::email_claimed_at.is_null().or(notifications::email_claimed_at.lt(expired)));
    let ids: Vec<String> = match conn {
        DbConn::Pg(c) => notifications::table
            .filter(claimable)
            .order(notifications::id)
            .limit(limit)
            .select(notifications::id)
            .for_update()
            .skip_locked()
            .load(c)?,
        DbConn::Sqlite(c) => notifications::table
            .filter(claimable)
            .order(notifications::id)
            .limit(limit)
            .select(notifications::id)
            .load(c)?,
    };
    if ids.is_empty() {
        return Ok(vec![]);
    }
    diesel::update(notifications::table.filter(notifications::id.eq_any(&ids)))
        .set(notifications::email_claimed_at.eq(now))
        .execute(conn)?;
    let rows: Vec<(ListRow, String, String)> = notifications::table
        .inner_join(recommendations::table)
        .inner_join(users::table)
        .filter(notifications::id.eq_any(&ids))
        .select((shown!(), users::email, users::display_name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(r, email, display_name)| {
            let notification = to_domain(r);
            Outgoing { id: notification.id.clone(), email, display_name, notification }
        })
        .collect())
}

/// Marks claimed notifications e-mailed (sent, or refused for good): no instance sends them
/// again.
pub fn mark_emailed(conn: &mut DbConn, ids: &[NotificationId], now: NaiveDateTime) -> DbResult<()> {
    diesel::update(notifications::table.filter(notifications::id.eq_any(ids)))
        .set(notifications::emailed_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Gives claimed notifications back to the mailer (their send failed for a passing reason).
pub fn unsend(conn: &mut DbConn, ids: &[NotificationId]) -> DbResult<()> {
    diesel::update(notifications::table.filter(notifications::id.eq_any(ids)))
        .set(notifications::email_claimed_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
    Ok(())
}
