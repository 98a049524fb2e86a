//! Who may do what: every write goes through here. Checks read the caller's current
//! role from the database (inside the write's transaction), so a demoted or disabled
//! account loses its powers at once rather than when its token expires.

use tashbeek_domain::user::{GlobalRole, OrgRole};
use tashbeek_persistence::user as users;
use tashbeek_persistence::DbConn;

use crate::auth::Actor;
use crate::error::{ApiError, ApiResult};

/// The caller as the database knows them now.
pub struct Current {
    pub id: String,
    pub role: GlobalRole,
}

impl Current {
    pub fn is_admin(&self) -> bool {
        self.role == GlobalRole::PlatformAdmin
    }
}

/// Loads the caller; a deleted or disabled account is treated as signed out.
pub fn current(conn: &mut DbConn, actor: &Actor) -> ApiResult<Current> {
    let row = users::get(conn, &actor.id).map_err(|_| ApiError::unauthorized())?;
    if row.disabled {
        return Err(ApiError::unauthorized());
    }
    Ok(Current { role: row.role()?, id: row.id })
}

/// Anyone signed in who may write at all (observers only read).
pub fn writer(conn: &mut DbConn, actor: &Actor) -> ApiResult<Current> {
    let c = current(conn, actor)?;
    if c.role == GlobalRole::Observer {
        return Err(ApiError::forbidden());
    }
    Ok(c)
}

/// Platform administrators only.
pub fn admin(conn: &mut DbConn, actor: &Actor) -> ApiResult<Current> {
    let c = current(conn, actor)?;
    if !c.is_admin() {
        return Err(ApiError::forbidden());
    }
    Ok(c)
}

/// Platform administrators, or administrators of organization `org_id`.
pub fn org_admin(conn: &mut DbConn, actor: &Actor, org_id: &str) -> ApiResult<Current> {
    let c = writer(conn, actor)?;
    if c.is_admin() || users::role_in(conn, &c.id, org_id)? == Some(OrgRole::Admin) {
        return Ok(c);
    }
    Err(ApiError::forbidden())
}

/// Whether `actor` sees an organization's non-public side (pending, archived,
/// contacts for members): admins, observers and its own members.
pub fn sees_private(conn: &mut DbConn, actor: Option<&Actor>, org_id: &str) -> ApiResult<bool> {
    match actor {
        None => Ok(false),
        Some(a) if a.reads_all() => Ok(true),
        Some(a) => Ok(users::role_in(conn, &a.id, org_id)?.is_some()),
    }
}
