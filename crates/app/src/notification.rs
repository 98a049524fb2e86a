//! Notifications about recommendations: what the background job makes of the queue and of
//! due dates, and what each person reads. Producing is safe with several instances on one
//! database: the queue is taken row by row (`SKIP LOCKED` on PostgreSQL), the daily scan of
//! due dates is claimed by one job, and every notification has a key it is stored under once.

use chrono::Duration;
use tashbeek_domain::notification::{Notification, NotificationKind, DUE_SOON_DAYS, OVERDUE_LOOKBACK_DAYS};
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::NotificationId;
use tashbeek_persistence::new_id;
use tashbeek_persistence::notification::{self as notes, NotificationRow, Target};

use crate::context::Ctx;
use crate::error::{AppError, AppResult};

/// Parts taken from the queue per transaction.
const BATCH: i64 = 200;

fn rows_for(
    ctx: &mut Ctx,
    targets: &[Target],
    kind: NotificationKind,
    emailed: bool,
) -> AppResult<Vec<NotificationRow>> {
    let now = ctx.db_now();
    let mut rows = vec![];
    for (i, user) in notes::recipients(ctx.conn, targets)? {
        let t = &targets[i];
        let due = t.due_on.map(|d| d.to_string()).unwrap_or_default();
        let dedupe_key = match kind {
            NotificationKind::Assigned => format!("assigned:{}:{user}", t.part_id),
            _ => format!("{}:{}:{user}:{due}", kind.as_str(), t.part_id),
        };
        rows.push(NotificationRow {
            id: new_id(),
            user_id: user,
            kind,
            recommendation_id: t.recommendation_id.clone(),
            part_id: t.part_id.clone(),
            due_on: t.due_on,
            dedupe_key,
            created_at: now,
            read_at: None,
            // Without e-mail, nothing waits to be sent.
            emailed_at: (!emailed).then_some(now),
        });
    }
    Ok(rows)
}

/// One round of the job, in the caller's transaction: tells the addressees of up to
/// [`BATCH`] queued parts, and once a day (the first job to claim the day) of parts due
/// within a week or overdue. Returns how many notifications were new and whether the
/// queue may hold more.
pub fn produce(ctx: &mut Ctx, emailed: bool) -> AppResult<(usize, bool)> {
    let queued = notes::take_queue(ctx.conn, BATCH)?;
    let more = queued.len() as i64 == BATCH;
    let targets = notes::open_targets(ctx.conn, &queued)?;
    let mut rows = rows_for(ctx, &targets, NotificationKind::Assigned, emailed)?;
    let today = ctx.now.date_naive();
    if notes::claim_due_scan(ctx.conn, today)? {
        let soon = notes::due_targets(ctx.conn, today, today + Duration::days(DUE_SOON_DAYS))?;
        rows.extend(rows_for(ctx, &soon, NotificationKind::DueSoon, emailed)?);
        let late =
            notes::due_targets(ctx.conn, today - Duration::days(OVERDUE_LOOKBACK_DAYS), today - Duration::days(1))?;
        rows.extend(rows_for(ctx, &late, NotificationKind::Overdue, emailed)?);
    }
    Ok((notes::insert_new(ctx.conn, &rows)?, more))
}

/// Claims up to `limit` notifications not yet e-mailed, for this instance to send.
pub fn claim_mail(ctx: &mut Ctx, limit: i64) -> AppResult<Vec<notes::Outgoing>> {
    let now = ctx.db_now();
    Ok(notes::claim_unsent(ctx.conn, limit, now)?)
}

/// Marks notifications e-mailed once the SMTP server took them (or refused them for good).
pub fn mark_mailed(ctx: &mut Ctx, ids: &[NotificationId]) -> AppResult<()> {
    let now = ctx.db_now();
    Ok(notes::mark_emailed(ctx.conn, ids, now)?)
}

/// Gives back notifications whose e-mail could not be sent, for the next round.
pub fn unclaim_mail(ctx: &mut Ctx, ids: &[NotificationId]) -> AppResult<()> {
    Ok(notes::unsend(ctx.conn, ids)?)
}

/// The caller's notifications, newest first; only unread ones with `unread`.
pub fn list(ctx: &mut Ctx, unread: bool, limit: i64, after: Option<&Cursor>) -> AppResult<Page<Notification>> {
    let me = ctx.caller()?.id.clone();
    let rows = notes::list(ctx.conn, &me, unread, limit + 1, after.map(|c| c.id.as_str()))?;
    Ok(Page::from_rows(rows, limit, |n| Cursor::of_id(&n.id)))
}

/// How many of the caller's notifications are unread.
pub fn unread(ctx: &mut Ctx) -> AppResult<i64> {
    let me = ctx.caller()?.id.clone();
    Ok(notes::unread_count(ctx.conn, &me)?)
}

/// Marks one of the caller's notifications read (404 for anyone else's).
pub fn read(ctx: &mut Ctx, id: &NotificationId) -> AppResult<()> {
    let me = ctx.caller()?.id.clone();
    let now = ctx.db_now();
    if notes::mark_read(ctx.conn, &me, id, now)? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Marks all of the caller's notifications read.
pub fn read_all(ctx: &mut Ctx) -> AppResult<usize> {
    let me = ctx.caller()?.id.clone();
    let now = ctx.db_now();
    Ok(notes::mark_all_read(ctx.conn, &me, now)?)
}
