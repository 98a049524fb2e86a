//! Membership by invitation: an organization's administrators invite an e-mail address
//! and pass on the link; its holder accepts while signed in as that address, or makes
//! the account from the link. Nobody is added without accepting, and inviting answers
//! the same whether or not the address has an account. Tokens reach this layer hashed.

use chrono::Duration;
use tashbeek_domain::invitation::{Invitation, InvitationInput, InvitationPreview, InvitationStatus, INVITATION_DAYS};
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::user::{GlobalRole, Member, OrgRole};
use tashbeek_domain::{InvitationId, OrganizationId, UserId};
use tashbeek_persistence::invitation::{self as invitations, InvitationRow};
use tashbeek_persistence::{new_id, organization as orgs, throttle, user as users};

use crate::authz;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::organization::load_visible;

/// Invitations one organization may issue per hour: inviting makes accounts possible,
/// so it is bounded like signing up.
const MAX_INVITATIONS_PER_HOUR: i64 = 50;

pub fn invalid_link() -> AppError {
    AppError::rejected(
        404,
        "invitation_invalid",
        "رابط الدعوة غير صالح: انتهت صلاحيته أو سُحب أو استُخدم من قبل.",
        "This invitation link is not valid: it expired, was withdrawn or was already used.",
    )
}

fn already_member() -> AppError {
    AppError::conflict("already_member", "هذا الحساب عضو بالفعل.", "This account is already a member.")
}

/// An administrator invites `input.email`; any open invitation of that address to the
/// organization is replaced. `token_hash` is the hash of the link's secret.
pub fn create(
    ctx: &mut Ctx,
    org_id: &OrganizationId,
    input: &InvitationInput,
    token_hash: String,
) -> AppResult<Invitation> {
    load_visible(ctx, org_id, false)?;
    let me = authz::org_admin(ctx, org_id)?;
    if users::is_member_by_email(ctx.conn, org_id, &input.email)? {
        return Err(already_member());
    }
    let now = ctx.db_now();
    let key = format!("invite:{org_id}");
    if let Err(free_at) =
        throttle::reserve(ctx.conn, &[(key.as_str(), MAX_INVITATIONS_PER_HOUR)], Duration::hours(1), now)?
    {
        return Err(AppError::retry_after(free_at, now));
    }
    let replaces = invitations::revoke_pending_for(ctx.conn, org_id, &input.email, now)?;
    let row = InvitationRow {
        id: new_id(),
        organization_id: org_id.clone(),
        email: input.email.clone(),
        role: input.role,
        token_hash,
        invited_by: Some(me.id.clone()),
        created_at: now,
        expires_at: now + Duration::days(INVITATION_DAYS),
        accepted_at: None,
        accepted_by: None,
        revoked_at: None,
    };
    invitations::insert(ctx.conn, &row)?;
    ctx.record(
        org_id,
        Event::InvitationCreated {
            invitation_id: row.id.clone(),
            email: row.email.clone(),
            role: input.role,
            replaces,
        },
    )?;
    Ok(row.into_domain(now))
}

/// An organization's invitations, newest first: for its administrators, platform
/// administrators and observers.
pub fn list(ctx: &mut Ctx, org_id: &OrganizationId, limit: i64, before: Option<&str>) -> AppResult<Page<Invitation>> {
    load_visible(ctx, org_id, false)?;
    let caller = ctx.caller()?.clone();
    if !caller.reads_all() && users::role_in(ctx.conn, &caller.id, org_id)? != Some(OrgRole::Admin) {
        return Err(AppError::Forbidden);
    }
    let now = ctx.db_now();
    let rows = invitations::list(ctx.conn, org_id, limit + 1, before)?;
    Ok(Page::from_rows(rows, limit, |r| Cursor::of_id(&r.id)).map(|r| r.into_domain(now)))
}

/// An administrator withdraws an open invitation: its link stops working.
pub fn revoke(ctx: &mut Ctx, org_id: &OrganizationId, invitation_id: &InvitationId) -> AppResult<()> {
    load_visible(ctx, org_id, false)?;
    authz::org_admin(ctx, org_id)?;
    let row = invitations::get(ctx.conn, org_id, invitation_id)?;
    if !invitations::revoke(ctx.conn, &row.id, ctx.db_now())? {
        return Err(AppError::conflict(
            "invitation_closed",
            "هذه الدعوة مقبولة أو مسحوبة بالفعل.",
            "This invitation was already accepted or withdrawn.",
        ));
    }
    ctx.record(org_id, Event::InvitationRevoked { invitation_id: row.id, email: row.email })
}

/// The invitation behind a token hash, while it can still be accepted: pending, its
/// organization not archived, and whoever invited still entitled to (an enabled
/// administrator of it, or a platform administrator) — an administrator removed or
/// disabled since cannot let anyone in through links handed out before.
pub fn open(ctx: &mut Ctx, token_hash: &str) -> AppResult<InvitationRow> {
    let row = invitations::find_by_token_hash(ctx.conn, token_hash)?.ok_or_else(invalid_link)?;
    if row.status(ctx.db_now()) != InvitationStatus::Pending {
        return Err(invalid_link());
    }
    if orgs::get(ctx.conn, &row.organization_id)?.archived_at.is_some() {
        return Err(invalid_link());
    }
    let inviter = match &row.invited_by {
        Some(id) => users::get(ctx.conn, id).ok(),
        None => None,
    };
    let entitled = match inviter {
        Some(u) if !u.disabled => {
            u.role == GlobalRole::PlatformAdmin
                || users::role_in(ctx.conn, &u.id, &row.organization_id)? == Some(OrgRole::Admin)
        }
        _ => false,
    };
    if !entitled {
        return Err(invalid_link());
    }
    Ok(row)
}

/// What a link invites to, shown before accepting.
pub fn preview(ctx: &mut Ctx, token_hash: &str) -> AppResult<InvitationPreview> {
    let inv = open(ctx, token_hash)?;
    let org = orgs::get(ctx.conn, &inv.organization_id)?;
    Ok(InvitationPreview {
        organization_id: org.id,
        organization_name_ar: org.name_ar,
        organization_name_en: org.name_en,
        role: inv.role,
        expires_at: tashbeek_persistence::from_db_time(inv.expires_at),
        email: inv.email,
    })
}

/// The caller accepts: they must be signed in as the invited address.
pub fn accept(ctx: &mut Ctx, token_hash: &str) -> AppResult<Member> {
    let inv = open(ctx, token_hash)?;
    let caller_id = ctx.caller()?.id.clone();
    let me = users::get(ctx.conn, &caller_id).map_err(|_| AppError::Unauthorized)?;
    if me.email != inv.email {
        return Err(AppError::rejected(
            403,
            "invitation_for_another_account",
            "هذه الدعوة لعنوان بريد آخر. سجّل الدخول بالحساب المدعو.",
            "This invitation is for another e-mail address. Sign in as the invited account.",
        ));
    }
    join(ctx, &inv, &me.id)
}

/// Marks the invitation accepted by `user_id` and makes them a member, once.
pub fn join(ctx: &mut Ctx, inv: &InvitationRow, user_id: &UserId) -> AppResult<Member> {
    if users::role_in(ctx.conn, user_id, &inv.organization_id)?.is_some() {
        return Err(already_member());
    }
    if !invitations::accept(ctx.conn, &inv.id, user_id, ctx.db_now())? {
        return Err(invalid_link());
    }
    let role = inv.role;
    users::add_membership(ctx.conn, user_id, &inv.organization_id, role, ctx.db_now())?;
    ctx.record(
        &inv.organization_id,
        Event::MembershipAdded { user_id: user_id.clone(), role, invitation_id: Some(inv.id.clone()) },
    )?;
    users::members(ctx.conn, &inv.organization_id)?
        .into_iter()
        .find(|m| m.user_id == *user_id)
        .ok_or(AppError::NotFound)
}
