//! An organization's members: who may see the list, and removing someone (never the
//! last administrator). People join by invitation (`crate::invitation`).

use tashbeek_domain::user::{Member, OrgRole};
use tashbeek_domain::{OrganizationId, UserId};
use tashbeek_persistence::user as users;

use crate::authz;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::organization::load_visible;

/// The members of an organization: for its own members, administrators and observers.
pub fn list(ctx: &mut Ctx, org_id: &OrganizationId) -> AppResult<Vec<Member>> {
    load_visible(ctx, org_id, false)?;
    if !authz::sees_private(ctx, org_id)? {
        return Err(AppError::Forbidden);
    }
    Ok(users::members(ctx.conn, org_id)?)
}

/// An administrator removes a member; the last administrator stays.
pub fn remove(ctx: &mut Ctx, org_id: &OrganizationId, user_id: &UserId) -> AppResult<()> {
    load_visible(ctx, org_id, true)?;
    authz::org_admin(ctx, org_id)?;
    let role = users::role_in(ctx.conn, user_id, org_id)?.ok_or(AppError::NotFound)?;
    if role == OrgRole::Admin && users::count_org_admins(ctx.conn, org_id)? <= 1 {
        return Err(AppError::conflict(
            "last_org_admin",
            "لا يمكن إزالة آخر مدير للمنظمة.",
            "The organization's last administrator cannot be removed.",
        ));
    }
    users::remove_membership(ctx.conn, user_id, org_id)?;
    ctx.record(org_id, Event::MembershipRemoved { user_id: user_id.clone(), role })
}
