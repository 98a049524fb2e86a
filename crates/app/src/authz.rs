//! Who may do what. Checks use the caller as the context holds them: re-read inside
//! the transaction for writes.

use tashbeek_domain::user::{GlobalRole, OrgRole};
use tashbeek_persistence::{network as networks, user as users};

use crate::context::{Caller, Ctx};
use crate::error::{AppError, AppResult};

/// Anyone signed in who may write at all (observers only read).
pub fn writer(ctx: &Ctx) -> AppResult<Caller> {
    let c = ctx.caller()?;
    if c.role == GlobalRole::Observer {
        return Err(AppError::Forbidden);
    }
    Ok(c.clone())
}

/// Platform administrators only.
pub fn admin(ctx: &Ctx) -> AppResult<Caller> {
    let c = ctx.caller()?;
    if !c.is_admin() {
        return Err(AppError::Forbidden);
    }
    Ok(c.clone())
}

/// Readers of everything: platform administrators and observers.
pub fn reader(ctx: &Ctx) -> AppResult<Caller> {
    let c = ctx.caller()?;
    if !c.reads_all() {
        return Err(AppError::Forbidden);
    }
    Ok(c.clone())
}

/// Platform administrators, or administrators of organization `org_id`.
pub fn org_admin(ctx: &mut Ctx, org_id: &str) -> AppResult<Caller> {
    let c = writer(ctx)?;
    if c.is_admin() || users::role_in(ctx.conn, &c.id, org_id)? == Some(OrgRole::Admin) {
        return Ok(c);
    }
    Err(AppError::Forbidden)
}

/// Whether the caller manages network `network_id`: a platform administrator, or one
/// of its coordinators (read from the database, never from the token).
pub fn coordinates(ctx: &mut Ctx, network_id: &str) -> AppResult<bool> {
    match ctx.caller.clone() {
        Some(c) if c.is_admin() => Ok(true),
        Some(c) if c.role != GlobalRole::Observer => Ok(networks::is_coordinator(ctx.conn, network_id, &c.id)?),
        _ => Ok(false),
    }
}

/// Platform administrators, or coordinators of network `network_id`.
pub fn coordinator(ctx: &mut Ctx, network_id: &str) -> AppResult<Caller> {
    let c = writer(ctx)?;
    if coordinates(ctx, network_id)? {
        return Ok(c);
    }
    Err(AppError::Forbidden)
}

/// Whether the caller sees an organization's non-public side (pending, archived,
/// contacts, full history): administrators, observers and its own members.
pub fn sees_private(ctx: &mut Ctx, org_id: &str) -> AppResult<bool> {
    match ctx.caller.clone() {
        None => Ok(false),
        Some(c) if c.reads_all() => Ok(true),
        Some(c) => Ok(users::role_in(ctx.conn, &c.id, org_id)?.is_some()),
    }
}
