//! Networks of organizations. Platform administrators create networks and appoint their
//! coordinators; coordinators edit a network, invite organizations and answer requests
//! to join; each organization's own administrators accept or decline, ask to join, and
//! may leave. Anyone may read a network and its members.

use tashbeek_domain::network::{Network, NetworkCoordinator, NetworkInput, NetworkMember, NetworkMemberStatus};
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::user::GlobalRole;
use tashbeek_domain::validation::Violation;
use tashbeek_domain::ValidationErrors;
use tashbeek_domain::{NetworkId, OrganizationId, UserId};
use tashbeek_persistence::network::{self as networks, NetworkRow};
use tashbeek_persistence::reference;

use crate::authz;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::organization::load_visible;

fn check_area(ctx: &mut Ctx, input: &NetworkInput) -> AppResult<()> {
    if !reference::unknown_areas(ctx.conn, std::slice::from_ref(&input.area))?.is_empty() {
        return Err(ValidationErrors::single("area", Violation::UnknownValue).into());
    }
    Ok(())
}

fn load(ctx: &mut Ctx, id: &NetworkId, lock: bool) -> AppResult<NetworkRow> {
    Ok(if lock { networks::get_for_update(ctx.conn, id)? } else { networks::get(ctx.conn, id)? })
}

fn present(ctx: &mut Ctx, row: NetworkRow) -> AppResult<Network> {
    let count = networks::member_counts(ctx.conn, std::slice::from_ref(&row.id))?.get(&row.id).copied().unwrap_or(0);
    Ok(row.into_domain(count))
}

pub fn create(ctx: &mut Ctx, input: &NetworkInput) -> AppResult<Network> {
    let me = authz::admin(ctx)?;
    check_area(ctx, input)?;
    let row = NetworkRow::new(input, Some(&me.id), ctx.db_now());
    networks::insert(ctx.conn, &row)?;
    ctx.record(&row.id, Event::NetworkCreated(Box::new(input.clone())))?;
    present(ctx, row)
}

pub fn get(ctx: &mut Ctx, id: &NetworkId) -> AppResult<Network> {
    let row = load(ctx, id, false)?;
    present(ctx, row)
}

pub fn update(ctx: &mut Ctx, id: &NetworkId, input: &NetworkInput, expect: &crate::Expect) -> AppResult<Network> {
    let mut row = load(ctx, id, true)?;
    authz::coordinator(ctx, &row.id)?;
    expect.check_required(row.version)?;
    check_area(ctx, input)?;
    let before = row.to_input();
    let expected = row.version;
    row.apply(input);
    row.updated_at = ctx.db_now();
    row.version += 1;
    if !networks::replace(ctx.conn, &row, expected)? {
        return Err(AppError::VersionMismatch);
    }
    ctx.record(&row.id, Event::NetworkUpdated { before: Box::new(before), after: Box::new(input.clone()) })?;
    present(ctx, row)
}

pub fn list(ctx: &mut Ctx, limit: i64, after: Option<&Cursor>) -> AppResult<Page<Network>> {
    let rows = networks::list(ctx.conn, limit + 1, after.map(|c| (c.k.as_str(), c.id.as_str())))?;
    let page = Page::from_rows(rows, limit, |r| Cursor { k: r.sort_name.clone(), id: r.id.to_string() });
    let ids: Vec<NetworkId> = page.items.iter().map(|r| r.id.clone()).collect();
    let counts = networks::member_counts(ctx.conn, &ids)?;
    Ok(page.map(|r| {
        let n = counts.get(&r.id).copied().unwrap_or(0);
        r.into_domain(n)
    }))
}

/// A network's organizations: everyone sees its members; coordinators and observers
/// also see who was invited, declined or left.
pub fn members(ctx: &mut Ctx, id: &NetworkId) -> AppResult<Vec<NetworkMember>> {
    let row = load(ctx, id, false)?;
    let caller = ctx.caller.clone();
    if caller.as_ref().is_some_and(|c| c.reads_all()) || authz::coordinates(ctx, &row.id)? {
        return Ok(networks::members(ctx.conn, &row.id, true)?);
    }
    // Each organization's members also see their own organization's invitation.
    let own = match &caller {
        Some(c) => tashbeek_persistence::user::org_ids_of(ctx.conn, &c.id)?,
        None => vec![],
    };
    let mut list = networks::members(ctx.conn, &row.id, !own.is_empty())?;
    list.retain(|m| {
        m.status == NetworkMemberStatus::Member
            || (matches!(m.status, NetworkMemberStatus::Invited | NetworkMemberStatus::Requested)
                && own.contains(&m.organization_id.to_string()))
    });
    Ok(list)
}

/// A coordinator invites an organization it can see; answering is the organization's.
pub fn invite(ctx: &mut Ctx, id: &NetworkId, org_id: &OrganizationId) -> AppResult<()> {
    let row = load(ctx, id, true)?;
    authz::coordinator(ctx, &row.id)?;
    let org = load_visible(ctx, org_id, false).map_err(|e| match e {
        AppError::NotFound => ValidationErrors::single("organization_id", Violation::UnknownValue).into(),
        other => other,
    })?;
    match networks::status_of(ctx.conn, &row.id, &org.id)? {
        Some(NetworkMemberStatus::Member) => {
            return Err(AppError::conflict(
                "already_member",
                "المنظمة عضو في الشبكة بالفعل.",
                "The organization is already a member.",
            ))
        }
        Some(NetworkMemberStatus::Invited) => {
            return Err(AppError::conflict(
                "already_invited",
                "المنظمة مدعوة بالفعل.",
                "The organization is already invited.",
            ))
        }
        Some(NetworkMemberStatus::Requested) => {
            return Err(AppError::conflict(
                "already_requested",
                "طلبت المنظمة الانضمام؛ أجب طلبها.",
                "The organization asked to join; answer its request.",
            ))
        }
        _ => {}
    }
    networks::invite(ctx.conn, &row.id, &org.id, NetworkMemberStatus::Invited, ctx.db_now())?;
    ctx.record(&row.id, Event::NetworkMemberInvited { organization_id: org.id })
}

/// An organization's administrators ask to join a network; a coordinator answers.
pub fn request(ctx: &mut Ctx, id: &NetworkId, org_id: &OrganizationId) -> AppResult<()> {
    let row = load(ctx, id, true)?;
    let me = authz::writer(ctx)?;
    let org = load_visible(ctx, org_id, false).map_err(|e| match e {
        AppError::NotFound => ValidationErrors::single("organization_id", Violation::UnknownValue).into(),
        other => other,
    })?;
    // Only the organization asks for itself.
    if tashbeek_persistence::user::role_in(ctx.conn, &me.id, &org.id)? != Some(tashbeek_domain::user::OrgRole::Admin) {
        return Err(AppError::Forbidden);
    }
    if let Some(s @ (NetworkMemberStatus::Member | NetworkMemberStatus::Invited | NetworkMemberStatus::Requested)) =
        networks::status_of(ctx.conn, &row.id, &org.id)?
    {
        return Err(AppError::conflict(
            "already_in_network",
            format!("المنظمة في الشبكة بالفعل ({}).", s.as_str()),
            format!("The organization is already in the network ({}).", s.as_str()),
        ));
    }
    networks::invite(ctx.conn, &row.id, &org.id, NetworkMemberStatus::Requested, ctx.db_now())?;
    ctx.record(&row.id, Event::NetworkJoinRequested { organization_id: org.id })
}

/// Answers an organization's place in the network: its own administrators accept
/// (`member`) or decline an invitation; a coordinator accepts or declines its request to
/// join. Nobody else answers, and neither answers for the other.
pub fn answer(ctx: &mut Ctx, id: &NetworkId, org_id: &OrganizationId, status: NetworkMemberStatus) -> AppResult<()> {
    let row = load(ctx, id, true)?;
    load_visible(ctx, org_id, false)?;
    let me = authz::writer(ctx)?;
    if !matches!(status, NetworkMemberStatus::Member | NetworkMemberStatus::Declined) {
        return Err(ValidationErrors::single("status", Violation::UnknownValue).into());
    }
    let from = match networks::status_of(ctx.conn, &row.id, org_id)? {
        Some(NetworkMemberStatus::Requested) if authz::coordinates(ctx, &row.id)? => NetworkMemberStatus::Requested,
        Some(NetworkMemberStatus::Requested) => return Err(AppError::Forbidden),
        _ => {
            if tashbeek_persistence::user::role_in(ctx.conn, &me.id, org_id)?
                != Some(tashbeek_domain::user::OrgRole::Admin)
            {
                return Err(AppError::Forbidden);
            }
            NetworkMemberStatus::Invited
        }
    };
    if !networks::set_status(ctx.conn, &row.id, org_id, &[from], status, ctx.db_now())? {
        return Err(AppError::conflict(
            "not_invited",
            "لا دعوة مفتوحة لهذه المنظمة.",
            "There is no open invitation for this organization.",
        ));
    }
    ctx.record(&row.id, Event::NetworkMemberAnswered { organization_id: org_id.to_owned(), status })
}

/// A member leaves (its administrators) or is removed (a coordinator); an open
/// invitation is withdrawn the same way.
pub fn leave(ctx: &mut Ctx, id: &NetworkId, org_id: &OrganizationId) -> AppResult<()> {
    let row = load(ctx, id, true)?;
    load_visible(ctx, org_id, false)?;
    if authz::org_admin(ctx, org_id).is_err() {
        authz::coordinator(ctx, &row.id)?;
    }
    let from = [NetworkMemberStatus::Member, NetworkMemberStatus::Invited, NetworkMemberStatus::Requested];
    if !networks::set_status(ctx.conn, &row.id, org_id, &from, NetworkMemberStatus::Left, ctx.db_now())? {
        return Err(AppError::NotFound);
    }
    ctx.record(&row.id, Event::NetworkMemberLeft { organization_id: org_id.to_owned() })
}

/// A network's coordinators, for anyone signed in.
pub fn coordinators(ctx: &mut Ctx, id: &NetworkId) -> AppResult<Vec<NetworkCoordinator>> {
    ctx.caller()?;
    let row = load(ctx, id, false)?;
    Ok(networks::coordinators(ctx.conn, &row.id)?)
}

/// A platform administrator appoints a coordinator: an enabled account that may write
/// (observers only read).
pub fn appoint(ctx: &mut Ctx, id: &NetworkId, user_id: &UserId) -> AppResult<Vec<NetworkCoordinator>> {
    let row = load(ctx, id, true)?;
    let me = authz::admin(ctx)?;
    let eligible = match tashbeek_persistence::user::get(ctx.conn, user_id) {
        Ok(u) => !u.disabled && u.role != GlobalRole::Observer,
        Err(tashbeek_persistence::DbError::NotFound) => false,
        Err(e) => return Err(e.into()),
    };
    if !eligible {
        return Err(ValidationErrors::single("user_id", Violation::UnknownValue).into());
    }
    if networks::appoint(ctx.conn, &row.id, user_id, &me.id, ctx.db_now())? {
        ctx.record(&row.id, Event::NetworkCoordinatorAppointed { user_id: user_id.clone() })?;
    }
    Ok(networks::coordinators(ctx.conn, &row.id)?)
}

/// A platform administrator ends a coordinator's appointment, or a coordinator steps
/// down.
pub fn dismiss(ctx: &mut Ctx, id: &NetworkId, user_id: &UserId) -> AppResult<()> {
    let row = load(ctx, id, true)?;
    let me = authz::writer(ctx)?;
    if !me.is_admin() && me.id != *user_id {
        return Err(AppError::Forbidden);
    }
    if !networks::dismiss(ctx.conn, &row.id, user_id)? {
        return Err(AppError::NotFound);
    }
    ctx.record(&row.id, Event::NetworkCoordinatorDismissed { user_id: user_id.clone() })
}
