//! Recommendations tracked until implemented. A meeting's managers, or a network's
//! coordinators, record and decide them; each addressee answers for its part, reports
//! progress with evidence and claims it done; a manager who is not of the addressee
//! verifies. Every change rolls the progress up and is audited with the recommendation.

use chrono::{Duration, NaiveDate};
use tashbeek_domain::document::{Document, MAX_PER_RECORD};
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::recommendation::{
    roll_up, AddresseeInput, OwedPart, PartAnswer, PartState, Priority, ProgressUpdate, Recommendation,
    RecommendationInput, RecommendationStatus, RecommendationSummary, RelatedKind, StatusChange, UpdateInput,
    Verification, VerificationVerdict,
};
use tashbeek_domain::user::OrgRole;
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{MeetingId, NetworkId, OrganizationId, PartId, RecommendationId, UpdateId, ValidationErrors};
use tashbeek_persistence::document::{self as documents, DocumentRow};
use tashbeek_persistence::recommendation::{self as recs, PartRow, RecommendationRow, Scope, UpdateRow, OWNER_UPDATE};
use tashbeek_persistence::{
    from_db_time, meeting as meetings, minutes as records, network as networks, new_id, reference, user as users,
};

use crate::authz;
use crate::context::Ctx;
use crate::document::NewDocument;
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::meeting::load_visible_meeting;
use crate::organization::load_visible;
use crate::version::Expect;

fn today(ctx: &Ctx) -> NaiveDate {
    ctx.now.date_naive()
}

/// Whether the caller manages the recommendation: a platform administrator, a
/// coordinator of its network, or a manager of the meeting that produced it.
fn manages(ctx: &mut Ctx, row: &RecommendationRow) -> AppResult<bool> {
    if ctx.caller.as_ref().is_none_or(|c| c.role == tashbeek_domain::user::GlobalRole::Observer) {
        return Ok(false);
    }
    if let Some(n) = &row.network_id {
        if authz::coordinates(ctx, n)? {
            return Ok(true);
        }
    }
    match &row.meeting_id {
        Some(m) => {
            let meeting = meetings::get(ctx.conn, m)?;
            crate::meeting::manages(ctx, &meeting)
        }
        None => Ok(ctx.caller.as_ref().is_some_and(|c| c.is_admin())),
    }
}

fn must_manage(ctx: &mut Ctx, row: &RecommendationRow) -> AppResult<()> {
    authz::writer(ctx)?;
    if manages(ctx, row)? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// What a signed-in caller sees: `All` for readers of everything; else what touches their
/// organizations, the meetings they see, the networks those belong to and the networks they
/// coordinate (see [`Scope`]).
pub(crate) fn scope_of(ctx: &mut Ctx) -> AppResult<Scope> {
    let c = ctx.caller()?.clone();
    if c.reads_all() {
        return Ok(Scope::All);
    }
    let orgs = users::org_ids_of(ctx.conn, &c.id)?;
    let nets = networks::networks_of(ctx.conn, &orgs)?;
    let coordinated = networks::coordinated_by(ctx.conn, &c.id)?.into_iter().map(|n| n.to_string()).collect();
    Ok(Scope::Within { orgs, networks: nets, coordinated })
}

/// The recommendation if the caller may see it (404 otherwise, as if it did not exist).
fn load_visible_rec(ctx: &mut Ctx, id: &RecommendationId, lock: bool) -> AppResult<RecommendationRow> {
    let scope = scope_of(ctx)?;
    let row = if lock { recs::get_for_update(ctx.conn, id)? } else { recs::get(ctx.conn, id)? };
    if matches!(scope, Scope::All) || recs::is_visible(ctx.conn, &row.id, &scope)? || manages(ctx, &row)? {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

/// Whether the caller speaks for `part`'s addressee: a member of the organization (its
/// administrators when `admins_only`), or for the office one of the network's coordinators.
fn speaks_for(ctx: &mut Ctx, row: &RecommendationRow, part: &PartRow, admins_only: bool) -> AppResult<bool> {
    let Some(c) = ctx.caller.clone() else { return Ok(false) };
    if c.role == tashbeek_domain::user::GlobalRole::Observer {
        return Ok(false);
    }
    match (&part.organization_id, &row.network_id) {
        (Some(org), _) => {
            let role = users::role_in(ctx.conn, &c.id, org)?;
            Ok(if admins_only { role == Some(OrgRole::Admin) } else { role.is_some() })
        }
        (None, Some(n)) => Ok(networks::is_coordinator(ctx.conn, n, &c.id)?),
        (None, None) => Ok(false),
    }
}

fn present(ctx: &mut Ctx, row: RecommendationRow) -> AppResult<Recommendation> {
    let parts = recs::parts(ctx.conn, &row.id)?;
    let names = recs::names_for(ctx.conn, &parts)?;
    Ok(Recommendation {
        overdue: recs::overdue(row.status, row.due_on, today(ctx)),
        parts: parts.into_iter().map(|p| p.into_domain(&names)).collect(),
        id: row.id,
        code: row.code,
        network_id: row.network_id,
        meeting_id: row.meeting_id,
        agenda_item_id: row.agenda_item_id,
        text_ar: row.text_ar,
        text_en: row.text_en,
        sectors: row.sector_codes.into_inner(),
        areas: row.area_ids.into_inner(),
        priority: row.priority,
        status: row.status,
        status_reason: row.status_reason,
        due_on: row.due_on,
        review_on: row.review_on,
        progress: row.progress,
        last_activity_at: row.last_activity_at.map(from_db_time),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    })
}

/// Checks what `input` refers to and that the caller may record for it; returns the
/// network the recommendation belongs to and the area paths of its areas.
fn check_references(
    ctx: &mut Ctx,
    input: &RecommendationInput,
    stored: Option<&RecommendationRow>,
) -> AppResult<(Option<NetworkId>, Vec<String>)> {
    let mut e = ValidationErrors::default();
    let network = match (&input.meeting_id, stored) {
        (Some(m), None) => {
            let meeting = match load_visible_meeting(ctx, m, false) {
                Ok(row) => row,
                Err(AppError::NotFound) => {
                    return Err(ValidationErrors::single("meeting_id", Violation::UnknownValue).into())
                }
                Err(other) => return Err(other),
            };
            crate::meeting::must_manage(ctx, &meeting)?;
            if input.network_id.as_ref().is_some_and(|n| Some(n) != meeting.network_id.as_ref()) {
                e.add("network_id", Violation::InvalidFormat("شبكة اللقاء / the meeting's network".into()));
            }
            if let Some(item) = &input.agenda_item_id {
                if records::agenda_item(ctx.conn, item)?.is_none_or(|i| i.meeting_id != meeting.id) {
                    e.add("agenda_item_id", Violation::UnknownValue);
                }
            }
            meeting.network_id
        }
        (None, None) => {
            let Some(n) = input.network_id.clone() else {
                return Err(ValidationErrors::single("network_id", Violation::OneOfRequired("meeting_id")).into());
            };
            match networks::get(ctx.conn, &n) {
                Ok(_) => {}
                Err(tashbeek_persistence::DbError::NotFound) => {
                    return Err(ValidationErrors::single("network_id", Violation::UnknownValue).into())
                }
                Err(other) => return Err(other.into()),
            }
            authz::coordinator(ctx, &n)?;
            Some(n)
        }
        (_, Some(s)) => {
            let unchanged = |f: &str, e: &mut ValidationErrors| {
                e.add(f.to_owned(), Violation::InvalidFormat("لا يتغير / cannot change".into()))
            };
            if input.meeting_id.is_some() && input.meeting_id != s.meeting_id {
                unchanged("meeting_id", &mut e);
            }
            if input.network_id.is_some() && input.network_id != s.network_id {
                unchanged("network_id", &mut e);
            }
            if input.agenda_item_id.is_some() && input.agenda_item_id != s.agenda_item_id {
                unchanged("agenda_item_id", &mut e);
            }
            s.network_id.clone()
        }
    };
    for (i, a) in input.addressees.iter().enumerate() {
        match &a.organization_id {
            Some(org) => match load_visible(ctx, org, false) {
                Ok(_) => {}
                Err(AppError::NotFound) => e.add(format!("addressees[{i}].organization_id"), Violation::UnknownValue),
                Err(other) => return Err(other),
            },
            None if network.is_none() => e.add(
                format!("addressees[{i}].office"),
                Violation::InvalidFormat("اللقاء ليس لشبكة / the meeting has no network".into()),
            ),
            None => {}
        }
    }
    let resolved = reference::resolve(ctx.conn, &input.sectors, &input.areas)?;
    if !resolved.unknown_sectors.is_empty() {
        e.add("sectors", Violation::UnknownValue);
    }
    if !resolved.unknown_areas.is_empty() {
        e.add("areas", Violation::UnknownValue);
    }
    if let Some(code) = &input.code {
        if recs::code_taken(ctx.conn, code, stored.map(|s| s.id.as_str()))? {
            e.add("code", Violation::Taken);
        }
    }
    e.into_result()?;
    Ok((network, resolved.area_paths))
}

fn new_part(rec: &RecommendationId, position: usize, a: &AddresseeInput) -> PartRow {
    PartRow {
        id: new_id(),
        recommendation_id: rec.clone(),
        position: position as i32,
        organization_id: a.organization_id.clone(),
        weight: a.weight.unwrap_or(1),
        state: PartState::AwaitingAnswer,
        answer_reason: None,
        answered_at: None,
        progress: 0,
        last_update_at: None,
        completed_at: None,
        verified_at: None,
        verified_by: None,
        verification_comment: None,
        version: 1,
    }
}

/// A reference code for a recommendation recorded without one.
fn generated_code(id: &RecommendationId) -> String {
    let hex: String = id.as_str().chars().filter(|c| *c != '-').collect();
    format!("REC-{}", hex[hex.len() - 12..].to_ascii_uppercase())
}

/// Records a recommendation (proposed) for a meeting its caller manages, or for a
/// network they coordinate.
pub fn create(ctx: &mut Ctx, input: &RecommendationInput) -> AppResult<Recommendation> {
    authz::writer(ctx)?;
    let (network, area_paths) = check_references(ctx, input, None)?;
    let now = ctx.db_now();
    let id: RecommendationId = new_id();
    let row = RecommendationRow {
        code: input.code.clone().unwrap_or_else(|| generated_code(&id)),
        network_id: network,
        meeting_id: input.meeting_id.clone(),
        agenda_item_id: input.agenda_item_id.clone(),
        text_ar: input.text_ar.clone(),
        text_en: input.text_en.clone(),
        sector_codes: recs::json(input.sectors.clone())?,
        area_ids: recs::json(input.areas.clone())?,
        priority: input.priority.unwrap_or(Priority::Normal),
        status: RecommendationStatus::Proposed,
        status_reason: None,
        due_on: input.due_on,
        review_on: None,
        progress: 0,
        last_activity_at: None,
        created_by: ctx.caller.as_ref().map(|c| c.id.clone()),
        created_at: now,
        updated_at: now,
        version: 1,
        id,
    };
    let parts: Vec<PartRow> = input.addressees.iter().enumerate().map(|(i, a)| new_part(&row.id, i, a)).collect();
    recs::insert(ctx.conn, &row, &parts, &area_paths)?;
    let mut recorded = input.clone();
    recorded.code = Some(row.code.clone());
    ctx.record(&row.id, Event::RecommendationCreated(Box::new(recorded)))?;
    present(ctx, row)
}

/// One recommendation with its parts, for whoever may see it.
pub fn get(ctx: &mut Ctx, id: &RecommendationId) -> AppResult<Recommendation> {
    let row = load_visible_rec(ctx, id, false)?;
    present(ctx, row)
}

fn closed() -> AppError {
    AppError::conflict(
        "recommendation_closed",
        "أُغلقت التوصية (رُفضت أو نُفِّذت أو تعذّر تنفيذها)؛ لا تُعدَّل.",
        "The recommendation is closed (rejected, implemented or not implemented); it no longer changes.",
    )
}

fn is_closed(s: RecommendationStatus) -> bool {
    matches!(
        s,
        RecommendationStatus::Rejected | RecommendationStatus::Implemented | RecommendationStatus::NotImplemented
    )
}

/// Rewrites the terms and addressees (its managers, with `If-Match`). Addressees kept keep
/// their parts; new ones are asked; one left out is removed only if it never reported.
pub fn edit(
    ctx: &mut Ctx,
    id: &RecommendationId,
    input: &RecommendationInput,
    expect: &Expect,
) -> AppResult<Recommendation> {
    let mut row = load_visible_rec(ctx, id, true)?;
    must_manage(ctx, &row)?;
    expect.check_required(row.version)?;
    if is_closed(row.status) {
        return Err(closed());
    }
    let (_, area_paths) = check_references(ctx, input, Some(&row))?;
    let stored = recs::parts(ctx.conn, &row.id)?;
    let removed: Vec<PartRow> = stored
        .iter()
        .filter(|p| !input.addressees.iter().any(|a| a.organization_id == p.organization_id))
        .cloned()
        .collect();
    let removed_ids: Vec<PartId> = removed.iter().map(|p| p.id.clone()).collect();
    if recs::update_counts(ctx.conn, &removed_ids)?.values().any(|n| *n > 0) {
        return Err(AppError::conflict(
            "part_has_updates",
            "لا يُحذف مخاطَب أبلغ عن تقدّم في جزئه.",
            "An addressee who has reported progress on its part cannot be removed.",
        ));
    }
    let before = to_input(&row, &stored);
    let expected = row.version;
    row.code = input.code.clone().unwrap_or(row.code);
    row.text_ar = input.text_ar.clone();
    row.text_en = input.text_en.clone();
    row.sector_codes = recs::json(input.sectors.clone())?;
    row.area_ids = recs::json(input.areas.clone())?;
    row.priority = input.priority.unwrap_or(row.priority);
    row.due_on = input.due_on;
    row.updated_at = ctx.db_now();
    row.version += 1;
    recs::delete_parts(ctx.conn, &removed_ids)?;
    let mut added = vec![];
    for (i, a) in input.addressees.iter().enumerate() {
        match stored.iter().find(|p| p.organization_id == a.organization_id) {
            Some(p) => {
                let mut p = p.clone();
                let v = p.version;
                p.position = i as i32;
                p.weight = a.weight.unwrap_or(p.weight);
                p.version += 1;
                recs::update_part(ctx.conn, &p, v)?;
            }
            None => added.push(new_part(&row.id, i, a)),
        }
    }
    recs::insert_parts(ctx.conn, &added)?;
    if row.status.is_open() {
        let ids: Vec<PartId> = added.iter().map(|p| p.id.clone()).collect();
        tashbeek_persistence::notification::enqueue(ctx.conn, &ids, ctx.db_now())?;
    }
    let parts = recs::parts(ctx.conn, &row.id)?;
    row.progress = roll_up(parts.iter().map(|p| (p.weight, p.state, p.progress)));
    if !recs::replace_terms(ctx.conn, &row, expected, &area_paths)? {
        return Err(AppError::VersionMismatch);
    }
    let after = to_input(&row, &parts);
    ctx.record(&row.id, Event::RecommendationEdited { before: Box::new(before), after: Box::new(after) })?;
    present(ctx, row)
}

/// The stored terms as an input (what the audit log compares, and an import edits).
pub(crate) fn input_of(row: &RecommendationRow, parts: &[PartRow]) -> RecommendationInput {
    to_input(row, parts)
}

/// A recommendation the caller sees, and whether they manage it (for an import).
pub(crate) fn visible_for_sheet(ctx: &mut Ctx, id: &RecommendationId) -> AppResult<(RecommendationRow, bool)> {
    let row = load_visible_rec(ctx, id, false)?;
    let manages = manages(ctx, &row)?;
    Ok((row, manages))
}

/// Whether the caller reports for `part` (for an import).
pub(crate) fn speaks_for_sheet(ctx: &mut Ctx, row: &RecommendationRow, part: &PartRow) -> AppResult<bool> {
    speaks_for(ctx, row, part, false)
}

fn to_input(row: &RecommendationRow, parts: &[PartRow]) -> RecommendationInput {
    RecommendationInput {
        code: Some(row.code.clone()),
        meeting_id: row.meeting_id.clone(),
        agenda_item_id: row.agenda_item_id.clone(),
        network_id: row.network_id.clone(),
        text_ar: row.text_ar.clone(),
        text_en: row.text_en.clone(),
        sectors: row.sector_codes.get().clone(),
        areas: row.area_ids.get().clone(),
        priority: Some(row.priority),
        due_on: row.due_on,
        addressees: parts
            .iter()
            .map(|p| AddresseeInput {
                organization_id: p.organization_id.clone(),
                office: p.organization_id.is_none(),
                weight: Some(p.weight),
            })
            .collect(),
    }
}

/// Moves the status (its managers, with `If-Match`). `implemented` needs every part not
/// declined verified.
pub fn set_status(
    ctx: &mut Ctx,
    id: &RecommendationId,
    change: &StatusChange,
    expect: &Expect,
) -> AppResult<Recommendation> {
    let mut row = load_visible_rec(ctx, id, true)?;
    must_manage(ctx, &row)?;
    expect.check_required(row.version)?;
    if !row.status.may_become(change.status) {
        return Err(ValidationErrors::single(
            "status",
            Violation::InvalidTransition { from: row.status.as_str(), to: change.status.as_str() },
        )
        .into());
    }
    if change.status == RecommendationStatus::Implemented {
        let parts = recs::parts(ctx.conn, &row.id)?;
        if !all_implemented(&parts) {
            return Err(AppError::conflict(
                "parts_not_implemented",
                "لم يُتحقَّق بعدُ من تنفيذ كل الأجزاء غير المعتذَر عنها.",
                "Not every part (other than declined ones) is verified implemented yet.",
            ));
        }
    }
    let expected = row.version;
    let from = row.status;
    let now = ctx.db_now();
    row.status = change.status;
    row.status_reason = change.reason.clone();
    if change.status == RecommendationStatus::Adopted {
        let default_review = row.due_on.unwrap_or(today(ctx) + Duration::days(90));
        row.review_on = Some(change.review_on.unwrap_or(default_review));
        row.last_activity_at = Some(now);
    }
    row.updated_at = now;
    row.version += 1;
    if !recs::update(ctx.conn, &row, expected)? {
        return Err(AppError::VersionMismatch);
    }
    if change.status == RecommendationStatus::Adopted {
        // The addressees hear of their parts from the notification job.
        let parts: Vec<PartId> = recs::parts(ctx.conn, &row.id)?.into_iter().map(|p| p.id).collect();
        tashbeek_persistence::notification::enqueue(ctx.conn, &parts, now)?;
    }
    ctx.record(
        &row.id,
        Event::RecommendationStatus {
            from,
            to: row.status,
            reason: change.reason.clone(),
            review_on: row.review_on.filter(|_| change.status == RecommendationStatus::Adopted),
        },
    )?;
    present(ctx, row)
}

fn all_implemented(parts: &[PartRow]) -> bool {
    let counted: Vec<_> = parts.iter().filter(|p| p.state != PartState::Declined).collect();
    !counted.is_empty() && counted.iter().all(|p| p.state == PartState::Implemented)
}

fn load_part(ctx: &mut Ctx, row: &RecommendationRow, part: &PartId) -> AppResult<PartRow> {
    recs::parts(ctx.conn, &row.id)?.into_iter().find(|p| &p.id == part).ok_or(AppError::NotFound)
}

/// The recommendation (locked) and the part an addressee acts on: the caller speaks for the
/// addressee (its administrators only with `admins_only`) and the recommendation is open.
fn addressee_part(
    ctx: &mut Ctx,
    id: &RecommendationId,
    part_id: &PartId,
    admins_only: bool,
) -> AppResult<(RecommendationRow, PartRow)> {
    let row = load_visible_rec(ctx, id, true)?;
    let part = load_part(ctx, &row, part_id)?;
    authz::writer(ctx)?;
    if !speaks_for(ctx, &row, &part, admins_only)? {
        return Err(AppError::Forbidden);
    }
    if !row.status.is_open() {
        return Err(not_open());
    }
    Ok((row, part))
}

fn not_open() -> AppError {
    AppError::conflict(
        "recommendation_not_open",
        "لم تُعتمد التوصية أو أُغلقت؛ لا يُعمل على أجزائها الآن.",
        "The recommendation is not adopted, or is closed: its parts are not worked on now.",
    )
}

fn wrong_state(state: PartState) -> AppError {
    AppError::conflict(
        "part_state",
        format!("لا يصح هذا والجزء في حالة «{}».", state.as_str()),
        format!("Not possible while the part is `{}`.", state.as_str()),
    )
}

/// Saves a part changed from version `expected`, rolls the progress up, and saves the
/// recommendation (moving it from adopted to in progress when `started`, and to
/// implemented when every counted part is).
fn save_part(
    ctx: &mut Ctx,
    row: &mut RecommendationRow,
    part: &PartRow,
    expected: i64,
    started: bool,
) -> AppResult<()> {
    if !recs::update_part(ctx.conn, part, expected)? {
        return Err(AppError::VersionMismatch);
    }
    let parts = recs::parts(ctx.conn, &row.id)?;
    let version = row.version;
    row.progress = roll_up(parts.iter().map(|p| (p.weight, p.state, p.progress)));
    let from = row.status;
    if started && row.status == RecommendationStatus::Adopted {
        row.status = RecommendationStatus::InProgress;
    }
    if row.status.is_open() && all_implemented(&parts) {
        row.status = RecommendationStatus::Implemented;
        row.status_reason = None;
    }
    row.updated_at = ctx.db_now();
    row.version += 1;
    if !recs::update(ctx.conn, row, version)? {
        return Err(AppError::VersionMismatch);
    }
    if from != row.status {
        ctx.record(&row.id, Event::RecommendationStatus { from, to: row.status, reason: None, review_on: None })?;
    }
    Ok(())
}

/// An addressee's administrators (for the office, the network's coordinators) accept or
/// decline its part, once adopted. A declined part may still be accepted; an accepted one
/// may be declined until it reports.
pub fn answer(ctx: &mut Ctx, id: &RecommendationId, part_id: &PartId, a: &PartAnswer) -> AppResult<Recommendation> {
    let (mut row, mut part) = addressee_part(ctx, id, part_id, true)?;
    let reported = recs::update_counts(ctx.conn, std::slice::from_ref(&part.id))?.get(&part.id).copied().unwrap_or(0);
    let allowed = match part.state {
        PartState::AwaitingAnswer | PartState::Declined => true,
        PartState::Accepted => reported == 0,
        _ => false,
    };
    if !allowed {
        return Err(wrong_state(part.state));
    }
    let expected = part.version;
    part.state = if a.accept { PartState::Accepted } else { PartState::Declined };
    part.answer_reason = a.reason.clone();
    part.answered_at = Some(ctx.db_now());
    part.version += 1;
    save_part(ctx, &mut row, &part, expected, false)?;
    ctx.record(
        &row.id,
        Event::PartAnswered {
            part_id: part.id.clone(),
            organization_id: part.organization_id.clone(),
            accept: a.accept,
            reason: a.reason.clone(),
        },
    )?;
    present(ctx, row)
}

/// Checks that each related record exists and is visible to the caller (a roadmap task:
/// one of the recommendation's network).
fn check_related(ctx: &mut Ctx, input: &UpdateInput, network: Option<&NetworkId>) -> AppResult<()> {
    let mut e = ValidationErrors::default();
    for (i, r) in input.related.iter().enumerate() {
        let found = match r.kind {
            RelatedKind::Partnership => match tashbeek_domain::PartnershipId::parse(&r.id) {
                Some(p) => crate::partnership::load_visible_partnership(ctx, &p, false).map(|_| ()),
                None => Err(AppError::NotFound),
            },
            RelatedKind::Meeting => match MeetingId::parse(&r.id) {
                Some(m) => load_visible_meeting(ctx, &m, false).map(|_| ()),
                None => Err(AppError::NotFound),
            },
            RelatedKind::Task => match tashbeek_domain::TaskId::parse(&r.id) {
                Some(t) => match crate::roadmap::visible_task(ctx, &t) {
                    Ok(n) if Some(&n) == network => Ok(()),
                    Ok(_) => Err(AppError::NotFound),
                    Err(e) => Err(e),
                },
                None => Err(AppError::NotFound),
            },
        };
        match found {
            Ok(()) => {}
            Err(AppError::NotFound) => e.add(format!("related[{i}].id"), Violation::UnknownValue),
            Err(other) => return Err(other),
        }
    }
    e.into_result().map_err(Into::into)
}

/// An addressee's member reports dated progress on an accepted part.
pub fn report(
    ctx: &mut Ctx,
    id: &RecommendationId,
    part_id: &PartId,
    input: &UpdateInput,
) -> AppResult<ProgressUpdate> {
    let (mut row, mut part) = addressee_part(ctx, id, part_id, false)?;
    if part.state != PartState::Accepted {
        return Err(wrong_state(part.state));
    }
    let day = input.reported_on.unwrap_or(today(ctx));
    if day > today(ctx) {
        return Err(ValidationErrors::single(
            "reported_on",
            Violation::InvalidFormat("ليس في المستقبل / not in the future".into()),
        )
        .into());
    }
    check_related(ctx, input, row.network_id.as_ref())?;
    let now = ctx.db_now();
    let update = UpdateRow {
        id: new_id(),
        recommendation_id: row.id.clone(),
        part_id: part.id.clone(),
        reported_on: day,
        percent: input.percent,
        body: input.body.clone(),
        links: recs::json(input.links.clone())?,
        related: recs::json(input.related.clone())?,
        created_by: ctx.caller.as_ref().map(|c| c.id.clone()),
        created_at: now,
    };
    recs::insert_update(ctx.conn, &update)?;
    let expected = part.version;
    part.progress = input.percent;
    part.last_update_at = Some(now);
    part.version += 1;
    row.last_activity_at = Some(now);
    save_part(ctx, &mut row, &part, expected, true)?;
    ctx.record(
        &row.id,
        Event::ProgressReported { part_id: part.id.clone(), update_id: update.id.clone(), input: input.clone() },
    )?;
    let names = recs::names_for(ctx.conn, std::slice::from_ref(&part))?;
    Ok(update.into_domain(part.organization_id, &names, vec![]))
}

/// The addressee claims its part done: refused without evidence (a link, a related record
/// or a document on one of its updates). A manager then verifies it.
pub fn complete(ctx: &mut Ctx, id: &RecommendationId, part_id: &PartId) -> AppResult<Recommendation> {
    let (mut row, mut part) = addressee_part(ctx, id, part_id, false)?;
    if part.state != PartState::Accepted {
        return Err(wrong_state(part.state));
    }
    if !recs::has_evidence(ctx.conn, &part.id)? {
        return Err(AppError::rejected(
            422,
            "evidence_required",
            "لا يُعدّ الجزء منفَّذاً دون دليل: أرفق مستنداً أو رابطاً أو سجلاً ينفّذه في أحد تحديثات التقدّم.",
            "A part is implemented only with evidence: attach a document, a link or a record that implements it to a progress update.",
        ));
    }
    let expected = part.version;
    let now = ctx.db_now();
    part.state = PartState::AwaitingVerification;
    part.progress = 100;
    part.completed_at = Some(now);
    part.verification_comment = None;
    part.version += 1;
    save_part(ctx, &mut row, &part, expected, true)?;
    ctx.record(
        &row.id,
        Event::PartCompleted { part_id: part.id.clone(), organization_id: part.organization_id.clone() },
    )?;
    present(ctx, row)
}

/// A manager who does not speak for the addressee confirms a part claimed done, or returns
/// it with a comment. The last confirmation implements the recommendation.
pub fn verify(ctx: &mut Ctx, id: &RecommendationId, part_id: &PartId, v: &Verification) -> AppResult<Recommendation> {
    let mut row = load_visible_rec(ctx, id, true)?;
    let mut part = load_part(ctx, &row, part_id)?;
    must_manage(ctx, &row)?;
    if speaks_for(ctx, &row, &part, false)? {
        return Err(AppError::rejected(
            403,
            "own_part",
            "لا يتحقق المخاطَب من جزئه بنفسه؛ يتحقق منسق أو منظِّم آخر.",
            "An addressee does not verify its own part; another coordinator or organizer does.",
        ));
    }
    if !row.status.is_open() {
        return Err(not_open());
    }
    if part.state != PartState::AwaitingVerification {
        return Err(wrong_state(part.state));
    }
    let expected = part.version;
    let now = ctx.db_now();
    match v.verdict {
        VerificationVerdict::Confirmed => {
            part.state = PartState::Implemented;
            part.verified_at = Some(now);
            part.verified_by = ctx.caller.as_ref().map(|c| c.id.clone());
        }
        VerificationVerdict::Returned => {
            part.state = PartState::Accepted;
            part.completed_at = None;
            // Back to what its addressee last reported: the claim no longer counts in full.
            part.progress = recs::last_update(ctx.conn, &part.id)?.map(|(_, p)| p).unwrap_or(0);
        }
    }
    part.verification_comment = v.comment.clone();
    part.version += 1;
    save_part(ctx, &mut row, &part, expected, false)?;
    ctx.record(
        &row.id,
        Event::PartVerified { part_id: part.id.clone(), verdict: v.verdict, comment: v.comment.clone() },
    )?;
    present(ctx, row)
}

/// A recommendation's progress updates with their evidence, newest first.
pub fn updates(ctx: &mut Ctx, id: &RecommendationId) -> AppResult<Vec<ProgressUpdate>> {
    let row = load_visible_rec(ctx, id, false)?;
    let parts = recs::parts(ctx.conn, &row.id)?;
    let names = recs::names_for(ctx.conn, &parts)?;
    let rows = recs::updates_of(ctx.conn, &row.id)?;
    let ids: Vec<String> = rows.iter().map(|u| u.id.to_string()).collect();
    let mut docs = documents::of_owners(ctx.conn, OWNER_UPDATE, &ids)?;
    Ok(rows
        .into_iter()
        .map(|u| {
            let org = parts.iter().find(|p| p.id == u.part_id).and_then(|p| p.organization_id.clone());
            let d = docs.remove(u.id.as_str()).unwrap_or_default();
            u.into_domain(org, &names, d)
        })
        .collect())
}

/// The update and its part, if the caller may add evidence to it: a member of the
/// addressee organization (office updates carry links, not documents, having no
/// organization to file them under).
fn evidence_target(
    ctx: &mut Ctx,
    id: &RecommendationId,
    update: &UpdateId,
    lock: bool,
) -> AppResult<(RecommendationRow, UpdateRow, OrganizationId)> {
    let row = load_visible_rec(ctx, id, lock)?;
    let u = recs::get_update(ctx.conn, &row.id, update)?;
    let part = load_part(ctx, &row, &u.part_id)?;
    authz::writer(ctx)?;
    let Some(org) = part.organization_id.clone() else {
        return Err(AppError::conflict(
            "office_update",
            "تحديثات مكتب التنسيق تحمل روابط لا مستندات.",
            "Updates of the coordination office carry links, not documents.",
        ));
    };
    if !speaks_for(ctx, &row, &part, false)? {
        return Err(AppError::Forbidden);
    }
    // Evidence is settled once the part is claimed done: what the verifier checks stays put.
    if !row.status.is_open() {
        return Err(not_open());
    }
    if part.state != PartState::Accepted {
        return Err(wrong_state(part.state));
    }
    Ok((row, u, org))
}

/// Whether the caller may attach a document to an update: checked before the upload is
/// received (and again when it is stored).
pub fn may_add_evidence(ctx: &mut Ctx, id: &RecommendationId, update: &UpdateId) -> AppResult<()> {
    evidence_target(ctx, id, update, false).map(|_| ())
}

/// Files an uploaded document as evidence on a progress update.
pub fn add_evidence(ctx: &mut Ctx, id: &RecommendationId, update: &UpdateId, doc: &NewDocument) -> AppResult<Document> {
    let (row, u, org) = evidence_target(ctx, id, update, true)?;
    if documents::count_of(ctx.conn, OWNER_UPDATE, &u.id)? >= MAX_PER_RECORD as i64 {
        return Err(AppError::conflict(
            "too_many_documents",
            format!("يحمل التحديث {MAX_PER_RECORD} مستندات على الأكثر."),
            format!("An update holds at most {MAX_PER_RECORD} documents."),
        ));
    }
    let d = DocumentRow {
        id: new_id(),
        owner_kind: OWNER_UPDATE.into(),
        owner_id: u.id.to_string(),
        organization_id: org,
        name: doc.name.clone(),
        content_type: doc.content_type.into(),
        size: doc.size,
        sha256: doc.sha256.clone(),
        uploaded_by: ctx.caller.as_ref().map(|c| c.id.clone()),
        created_at: ctx.db_now(),
    };
    documents::insert(ctx.conn, &d)?;
    let document = d.into_domain();
    ctx.record(&row.id, Event::EvidenceAdded { update_id: u.id.clone(), document: document.clone() })?;
    Ok(document)
}

/// Removes a document from an update (a member of the addressee, before its part is
/// implemented).
pub(crate) fn remove_evidence(ctx: &mut Ctx, doc: &DocumentRow) -> AppResult<()> {
    let rec: RecommendationId = recs::update_owner(ctx.conn, &doc.owner_id)?;
    let update = UpdateId::parse(&doc.owner_id).ok_or(AppError::NotFound)?;
    let (row, u, _) = evidence_target(ctx, &rec, &update, true)?;
    documents::delete(ctx.conn, &doc.id)?;
    ctx.record(&row.id, Event::EvidenceRemoved { update_id: u.id, document: doc.clone().into_domain() })?;
    Ok(())
}

/// Whether the caller may download evidence filed on update `owner` (they see its
/// recommendation).
pub(crate) fn evidence_visible(ctx: &mut Ctx, owner: &str) -> AppResult<()> {
    let rec: RecommendationId = recs::update_owner(ctx.conn, owner)?;
    load_visible_rec(ctx, &rec, false).map(|_| ())
}

/// A board request, already checked for shape.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub meeting: Option<MeetingId>,
    pub network: Option<NetworkId>,
    pub addressee: Option<OrganizationId>,
    pub office: bool,
    pub statuses: Vec<RecommendationStatus>,
    pub priorities: Vec<Priority>,
    pub sectors: Vec<String>,
    pub areas: Vec<String>,
    pub overdue: bool,
    /// Open with no progress update (nor adoption) in this many days.
    pub stale_days: Option<i64>,
    pub limit: i64,
    pub after: Option<Cursor>,
}

/// How a stale board's cursor writes the last activity of its last row.
const SILENT_KEY: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// The board: recommendations the caller may see, filtered; newest first, except
/// overdue ones (most overdue first) and stale ones (longest without activity first).
/// Addressees are named from `names`.
pub fn list(ctx: &mut Ctx, names: &crate::names::Cache, q: &ListQuery) -> AppResult<Page<RecommendationSummary>> {
    let page = board(ctx, q)?;
    let today = today(ctx);
    let items = recs::summaries(ctx.conn, page.items, today, |c, ids| names.names(c, ids))?;
    Ok(Page { items, next_cursor: page.next_cursor })
}

/// The board's rows, unnamed (see [`list`]).
pub(crate) fn board(ctx: &mut Ctx, q: &ListQuery) -> AppResult<Page<recs::SummaryRow>> {
    let scope = scope_of(ctx)?;
    let resolved = reference::resolve(ctx.conn, &q.sectors, &q.areas)?;
    let mut bad = ValidationErrors::default();
    if !resolved.unknown_sectors.is_empty() {
        bad.add("sector", Violation::UnknownValue);
    }
    if !resolved.unknown_areas.is_empty() {
        bad.add("area", Violation::UnknownValue);
    }
    if !bad.is_empty() {
        return Err(AppError::InvalidParameter(bad));
    }
    let today = today(ctx);
    let filter = recs::Filter {
        meeting: q.meeting.clone(),
        network: q.network.clone(),
        addressee: q.addressee.clone(),
        office: q.office,
        statuses: q.statuses.clone(),
        priorities: q.priorities.clone(),
        sectors: q.sectors.clone(),
        areas: q.areas.clone(),
        overdue_on: q.overdue.then_some(today),
        stale_since: q.stale_days.map(|d| ctx.db_now() - Duration::days(d)),
        scope,
    };
    let order = filter.order();
    let bad_cursor =
        || AppError::InvalidParameter(ValidationErrors::single("cursor", Violation::InvalidFormat("cursor".into())));
    let after = match (&q.after, order) {
        (None, _) => None,
        (Some(c), recs::Order::Newest) => Some(recs::After::Id(c.id.as_str())),
        (Some(c), recs::Order::DueFirst) => {
            let k = tashbeek_domain::partnership::iso_date::parse(&c.k).ok_or_else(bad_cursor)?;
            Some(recs::After::Due(k, c.id.as_str()))
        }
        (Some(c), recs::Order::SilentFirst) => {
            let k = chrono::NaiveDateTime::parse_from_str(&c.k, SILENT_KEY)
                .ok()
                .filter(|t| (1..=9999).contains(&chrono::Datelike::year(t)))
                .ok_or_else(bad_cursor)?;
            Some(recs::After::Silent(k, c.id.as_str()))
        }
    };
    let rows = recs::list(ctx.conn, &filter, q.limit + 1, after)?;
    let page = Page::from_rows(rows, q.limit, |r| match order {
        recs::Order::Newest => Cursor::of_id(&r.id),
        recs::Order::DueFirst => {
            Cursor { k: r.due_on.map(|d| d.to_string()).unwrap_or_default(), id: r.id.to_string() }
        }
        recs::Order::SilentFirst => Cursor {
            k: r.last_activity_at.map(|t| t.format(SILENT_KEY).to_string()).unwrap_or_default(),
            id: r.id.to_string(),
        },
    });
    Ok(page)
}

/// What an organization owes: its open parts, soonest due first. Its members, platform
/// administrators and observers see it.
pub fn owed(
    ctx: &mut Ctx,
    names: &crate::names::Cache,
    org: &OrganizationId,
    limit: i64,
    after: Option<&Cursor>,
) -> AppResult<Page<OwedPart>> {
    let c = ctx.caller()?.clone();
    load_visible(ctx, org, false)?;
    if !c.reads_all() && users::role_in(ctx.conn, &c.id, org)?.is_none() {
        return Err(AppError::NotFound);
    }
    let after = match after {
        Some(cur) => match tashbeek_domain::partnership::iso_date::parse(&cur.k).ok_or(()) {
            Ok(d) => Some((d, cur.id.as_str())),
            Err(()) => {
                return Err(AppError::InvalidParameter(ValidationErrors::single(
                    "cursor",
                    Violation::InvalidFormat("cursor".into()),
                )))
            }
        },
        None => None,
    };
    let rows = recs::owed(ctx.conn, org, limit + 1, after, today(ctx), |c, ids| names.names(c, ids))?;
    let page = Page::from_rows(rows, limit, |(k, p)| Cursor { k: k.to_string(), id: p.recommendation.id.to_string() });
    Ok(page.map(|(_, p)| p))
}
