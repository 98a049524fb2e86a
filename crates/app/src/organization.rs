//! The organization directory's operations: register, read, edit (identity edits of a
//! verified organization go back to review), verification decisions, archive and
//! restore, history, the directory query and duplicate checks.

use tashbeek_domain::organization::{
    ContactVisibility, DuplicateCandidate, Organization, OrganizationCreated, OrganizationInput, OrganizationSummary,
    VerificationEvent, VerificationInput, VerificationStatus,
};
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::user::OrgRole;
use tashbeek_domain::validation::Violation;
use tashbeek_domain::ValidationErrors;
use tashbeek_domain::{OrganizationId, UserId};
use tashbeek_persistence::organization::{self as orgs, OrgRow, Scope, Sort};
use tashbeek_persistence::{reference, user as users, DbError};

use crate::authz;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::{Event, OrgState};
use crate::version::Expect;

/// Which organizations the caller may read: everything for administrators and
/// observers, else the verified ones and the caller's own.
pub fn scope(ctx: &mut Ctx) -> AppResult<Scope> {
    Ok(match ctx.caller.clone() {
        Some(c) if c.reads_all() => Scope::All,
        Some(c) => Scope::VerifiedAnd(users::org_ids_of(ctx.conn, &c.id)?),
        None => Scope::VerifiedAnd(vec![]),
    })
}

/// Hides what the viewer may not see: contact details marked members-only are for
/// signed-in users.
pub fn present(mut o: Organization, signed_in: bool) -> Organization {
    if !signed_in && o.contact_visibility == ContactVisibility::Members {
        o.contacts = None;
        o.address = None;
    }
    o
}

/// Checks sector codes and area ids against reference data.
/// Refuses unknown sectors and areas (naming each); returns the areas' paths.
fn check_references(ctx: &mut Ctx, input: &OrganizationInput) -> AppResult<Vec<String>> {
    let resolved = reference::resolve(ctx.conn, &input.sectors, &input.areas)?;
    resolved.field_errors(&input.sectors, &input.areas).into_result()?;
    Ok(resolved.area_paths)
}

/// Stores a validated organization with its history and event; makes `admin_user`
/// (when given) its administrator. Possible duplicates are limited to what the caller
/// may read anyway. Used by [`create`] and by sign-up.
pub fn register(
    ctx: &mut Ctx,
    input: &OrganizationInput,
    admin_user: Option<&UserId>,
) -> AppResult<OrganizationCreated> {
    let area_paths = check_references(ctx, input)?;
    let scope = scope(ctx)?;
    let duplicates = orgs::duplicates(ctx.conn, &input.name_keys(), &input.areas, None, &scope)?;
    let actor = ctx.caller.as_ref().map(|c| c.id.clone());
    let row = OrgRow::new(input, actor.as_ref(), ctx.db_now())?;
    orgs::insert(ctx.conn, &row, input, &area_paths)?;
    ctx.record(&row.id, Event::OrganizationCreated(Box::new(input.clone())))?;
    if let Some(u) = admin_user {
        users::add_membership(ctx.conn, u, &row.id, OrgRole::Admin, ctx.db_now())?;
        ctx.record(&row.id, Event::MembershipAdded { user_id: u.clone(), role: OrgRole::Admin, invitation_id: None })?;
    }
    Ok(OrganizationCreated { organization: row.into_domain(), possible_duplicates: duplicates })
}

/// A signed-in writer registers an organization (pending); anyone but a platform
/// administrator becomes its administrator.
pub fn create(ctx: &mut Ctx, input: &OrganizationInput) -> AppResult<OrganizationCreated> {
    let me = authz::writer(ctx)?;
    let admin_user = (!me.is_admin()).then_some(&me.id);
    register(ctx, input, admin_user)
}

/// Loads an organization row the caller may see, else `NotFound` — for reads and every
/// operation alike, so no answer reveals that a hidden one exists. `lock` takes the row
/// lock of a change (PostgreSQL).
pub fn load_visible(ctx: &mut Ctx, id: &OrganizationId, lock: bool) -> AppResult<OrgRow> {
    let row = if lock { orgs::get_for_update(ctx.conn, id)? } else { orgs::get(ctx.conn, id)? };
    let public = row.verification_status == VerificationStatus::Verified && row.archived_at.is_none();
    // Only a non-public organization needs the membership lookup.
    if !public && !authz::sees_private(ctx, id)? {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// One organization as the caller may see it.
pub fn get(ctx: &mut Ctx, id: &OrganizationId) -> AppResult<Organization> {
    let org = load_visible(ctx, id, false)?.into_domain();
    Ok(present(org, ctx.caller.is_some()))
}

/// Replaces the profile. Identity edits of a verified organization by its own
/// administrators send it back to review (platform administrators are the reviewers).
pub fn update(
    ctx: &mut Ctx,
    id: &OrganizationId,
    input: &OrganizationInput,
    expect: &Expect,
) -> AppResult<Organization> {
    let mut row = load_visible(ctx, id, true)?;
    let me = authz::org_admin(ctx, id)?;
    expect.check_required(row.version)?;
    let area_paths = check_references(ctx, input)?;
    let before = row.to_input();
    let stored = orgs::Indexed::of(&row);
    let expected = row.version;
    row.apply(input)?;
    let identity = input.identity_changes(&before);
    let back_to_review =
        row.verification_status == VerificationStatus::Verified && !me.is_admin() && !identity.is_empty();
    if back_to_review {
        row.verification_status = VerificationStatus::Pending;
    }
    row.updated_at = ctx.db_now();
    row.version += 1;
    if !orgs::replace(
        ctx.conn,
        &row,
        input,
        expected,
        orgs::links_differ(&before, input).then_some((&before, area_paths.as_slice())),
        &stored,
    )? {
        return Err(AppError::VersionMismatch);
    }
    if back_to_review {
        let fields = identity.join(", ");
        let reason = format!(
            "تغيّرت بيانات الهوية ({fields}) فعادت المنظمة إلى المراجعة. / Identity changed ({fields}): back to review."
        );
        let now = ctx.db_now();
        orgs::add_verification_event(
            ctx.conn,
            &row.id,
            Some(VerificationStatus::Verified),
            VerificationStatus::Pending,
            Some(&reason),
            Some(&me.id),
            now,
        )?;
        ctx.record(&row.id, Event::OrganizationReviewRequired { changed: identity })?;
        tashbeek_persistence::partnership::refresh_public_of(ctx.conn, &row.id, ctx.db_now())?;
    }
    ctx.record(&row.id, Event::OrganizationUpdated { before: Box::new(before), after: Box::new(input.clone()) })?;
    Ok(row.into_domain())
}

fn state_of(row: &OrgRow) -> AppResult<OrgState> {
    Ok(OrgState { verification_status: row.verification_status, archived: row.archived_at.is_some() })
}

/// Stores a status or archive change of `row` (already authorized and checked).
fn save_state(ctx: &mut Ctx, row: &mut OrgRow) -> AppResult<()> {
    let expected = row.version;
    row.updated_at = ctx.db_now();
    row.version += 1;
    if !orgs::update_state(ctx.conn, row, expected)? {
        return Err(AppError::VersionMismatch);
    }
    // Its partnerships are public only while every party is a verified organization.
    tashbeek_persistence::partnership::refresh_public_of(ctx.conn, &row.id, ctx.db_now())?;
    Ok(())
}

/// A platform administrator's verification decision, with its reason in the history.
/// Every decision names the version it was made on (`If-Match`), so an edit made
/// meanwhile is never verified, rejected or suspended unseen.
pub fn decide_verification(
    ctx: &mut Ctx,
    id: &OrganizationId,
    input: VerificationInput,
    expect: Expect,
) -> AppResult<Organization> {
    let mut row = load_visible(ctx, id, true)?;
    let me = authz::admin(ctx)?;
    expect.check_required(row.version)?;
    let before = state_of(&row)?;
    let decision = input.validate(before.verification_status)?;
    row.verification_status = decision.status;
    save_state(ctx, &mut row)?;
    let now = ctx.db_now();
    orgs::add_verification_event(
        ctx.conn,
        &row.id,
        Some(before.verification_status),
        decision.status,
        decision.reason.as_deref(),
        Some(&me.id),
        now,
    )?;
    let after = state_of(&row)?;
    ctx.record(&row.id, Event::OrganizationVerification { before, after, reason: decision.reason })?;
    Ok(row.into_domain())
}

/// Its administrators (or a platform administrator) archive an organization: hidden
/// from the directory, kept with its history.
pub fn archive(ctx: &mut Ctx, id: &OrganizationId, expect: &Expect) -> AppResult<Organization> {
    let mut row = load_visible(ctx, id, true)?;
    authz::org_admin(ctx, id)?;
    expect.check(row.version)?;
    if row.archived_at.is_some() {
        return Err(AppError::conflict(
            "already_archived",
            "المنظمة مؤرشفة بالفعل.",
            "The organization is already archived.",
        ));
    }
    let before = state_of(&row)?;
    row.archived_at = Some(ctx.db_now());
    save_state(ctx, &mut row)?;
    let after = state_of(&row)?;
    ctx.record(&row.id, Event::OrganizationArchived { before, after })?;
    Ok(row.into_domain())
}

/// A platform administrator brings an archived organization back.
pub fn restore(ctx: &mut Ctx, id: &OrganizationId, expect: &Expect) -> AppResult<Organization> {
    let mut row = load_visible(ctx, id, true)?;
    authz::admin(ctx)?;
    expect.check(row.version)?;
    if row.archived_at.is_none() {
        return Err(AppError::conflict("not_archived", "المنظمة ليست مؤرشفة.", "The organization is not archived."));
    }
    let before = state_of(&row)?;
    row.archived_at = None;
    save_state(ctx, &mut row)?;
    let after = state_of(&row)?;
    ctx.record(&row.id, Event::OrganizationRestored { before, after })?;
    Ok(row.into_domain())
}

/// Verification history, oldest first. The public learns when an organization was
/// verified; the previous status, reasons and who decided are for its members,
/// administrators and observers.
pub fn history(ctx: &mut Ctx, id: &OrganizationId) -> AppResult<Vec<VerificationEvent>> {
    load_visible(ctx, id, false)?;
    let mut events = orgs::verification_history(ctx.conn, id)?;
    if !authz::sees_private(ctx, id)? {
        events.retain(|e| e.to_status == VerificationStatus::Verified);
        for e in &mut events {
            e.from_status = None;
            e.reason = None;
            e.actor_id = None;
        }
    }
    Ok(events)
}

/// A directory request, already checked for shape (bounded lists, known values).
#[derive(Debug, Clone)]
pub struct DirectoryQuery {
    pub terms: Vec<String>,
    pub kinds: Vec<String>,
    pub sectors: Vec<String>,
    pub areas: Vec<String>,
    pub statuses: Vec<String>,
    pub needs: Vec<String>,
    pub offers: Vec<String>,
    /// Honoured for administrators and observers only.
    pub include_archived: bool,
    pub updated_since: Option<chrono::NaiveDateTime>,
    pub sort: Sort,
    pub limit: i64,
    pub after: Option<Cursor>,
}

/// One page of the directory as the caller may see it. An unknown sector or area is a
/// field error of the `sector` or `area` parameter.
pub fn list(ctx: &mut Ctx, q: DirectoryQuery) -> AppResult<Page<OrganizationSummary>> {
    let scope = scope(ctx)?;
    if !q.sectors.is_empty() && !reference::resolve(ctx.conn, &q.sectors, &[])?.unknown_sectors.is_empty() {
        return Err(AppError::InvalidParameter(ValidationErrors::single("sector", Violation::UnknownValue)));
    }
    let mut area_subtrees = Vec::new();
    for a in &q.areas {
        match reference::subtree_ids(ctx.conn, a) {
            Ok(ids) => area_subtrees.extend(ids),
            Err(DbError::NotFound) => {
                return Err(AppError::InvalidParameter(ValidationErrors::single("area", Violation::UnknownValue)))
            }
            Err(other) => return Err(other.into()),
        }
    }
    let reads_all = ctx.caller.as_ref().is_some_and(|c| c.reads_all());
    let filter = orgs::Filter {
        scope,
        terms: q.terms,
        kinds: q.kinds,
        sectors: q.sectors,
        areas: q.areas,
        area_subtrees,
        statuses: q.statuses,
        needs: q.needs,
        offers: q.offers,
        include_archived: q.include_archived && reads_all,
        updated_since: q.updated_since,
        sort: q.sort,
    };
    let after = q.after.as_ref().map(|c| (c.k.as_str(), c.id.as_str()));
    let rows = orgs::list(ctx.conn, &filter, q.limit + 1, after)?;
    Ok(Page::from_rows(rows, q.limit, |r| Cursor { k: orgs::sort_key(r, q.sort), id: r.id.to_string() })
        .map(orgs::SummaryRow::into_summary))
}

/// Registered organizations the caller may read whose normalized name is `key` and that
/// share an area with `areas`.
pub fn duplicates(ctx: &mut Ctx, key: String, areas: &[String]) -> AppResult<Vec<DuplicateCandidate>> {
    let scope = scope(ctx)?;
    Ok(orgs::duplicates(ctx.conn, &[key], areas, None, &scope)?)
}
