//! Reading the audit log: platform administrators and observers only.

use tashbeek_domain::audit::{AuditEntry, AuditSummary};
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::AuditEntryId;
use tashbeek_persistence::audit::{self, Filter};

use crate::authz;
use crate::context::Ctx;
use crate::error::AppResult;

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
