//! The audit log: reading it (platform administrators and observers), verifying its
//! hash chains, and anchoring it (see `tashbeek_persistence::chain`).

use tashbeek_domain::audit::{Anchor, AuditEntry, AuditSummary, Verification};
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::AuditEntryId;
use tashbeek_persistence::audit::{self, Filter};
use tashbeek_persistence::chain;

use crate::authz;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;

/// One page of changes, newest first, after the entry `before` (its id).
pub fn list(ctx: &mut Ctx, filter: &Filter, limit: i64, before: Option<&str>) -> AppResult<Page<AuditSummary>> {
    authz::reader(ctx)?;
    let items = audit::list(ctx.conn, filter, limit + 1, before)?;
    Ok(Page::from_rows(items, limit, |e| Cursor::of_id(&e.id)))
}

/// One change with its before and after snapshots.
pub fn get(ctx: &mut Ctx, id: &AuditEntryId) -> AppResult<AuditEntry> {
    authz::reader(ctx)?;
    Ok(audit::get(ctx.conn, id)?)
}

/// One walk of the whole log at a time per process: each takes seconds at a million rows.
static WALK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Walks every chain and anchor of the audit log and reports the first broken link.
pub fn verify(ctx: &mut Ctx) -> AppResult<Verification> {
    authz::reader(ctx)?;
    let _one = WALK.lock().unwrap_or_else(|e| e.into_inner());
    Ok(chain::verify(ctx.conn)?)
}

/// Anchors, newest first, after the anchor `before` (its id).
pub fn anchors(ctx: &mut Ctx, limit: i64, before: Option<&str>) -> AppResult<Page<Anchor>> {
    authz::reader(ctx)?;
    let items = chain::anchors(ctx.conn, limit + 1, before)?;
    Ok(Page::from_rows(items, limit, |a| Cursor::of_id(&a.id)))
}

/// The newest anchor, for anyone: the point of an anchor is to be kept by outsiders.
pub fn latest_anchor(ctx: &mut Ctx) -> AppResult<Anchor> {
    chain::latest_anchor(ctx.conn)?.ok_or(AppError::NotFound)
}

/// Anchors everything written so far (platform administrators, in a write); `None`
/// when nothing was written since the newest anchor.
pub fn anchor_now(ctx: &mut Ctx) -> AppResult<Option<Anchor>> {
    authz::admin(ctx)?;
    anchor(ctx, None)
}

/// Anchors as the system when the newest anchor is older than `every` and rows were
/// written since (the server's periodic anchoring; with several instances, one does it).
pub fn anchor_if_due(ctx: &mut Ctx, every: chrono::Duration) -> AppResult<Option<Anchor>> {
    anchor(ctx, Some(every))
}

fn anchor(ctx: &mut Ctx, min_age: Option<chrono::Duration>) -> AppResult<Option<Anchor>> {
    let Some(a) = chain::anchor(ctx.conn, ctx.now, min_age)? else { return Ok(None) };
    ctx.record(&a.id, Event::AuditAnchored { anchor: a.clone() })?;
    Ok(Some(a))
}
