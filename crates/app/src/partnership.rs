//! Partnerships that every party confirms. An administrator of one party (or a
//! platform administrator) proposes; each party's own administrators confirm or decline
//! for their organization and nobody else's, not even a platform administrator. The
//! status follows from the answers; amended terms go back to the parties they concern.

use chrono::NaiveDate;
use serde_json::Value;
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::partnership::{
    Partnership, PartnershipAmended, PartnershipEnding, PartnershipHistoryEntry, PartnershipInput, PartnershipRecord,
    PartnershipStatus, PartnershipSummary, PartnershipVerification, PartyAnswer, PartyAnswerKind, PartyState,
    RecordStep, VerifiedParty,
};
use tashbeek_domain::user::OrgRole;
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{OrganizationId, PartnershipId, ValidationErrors};
use tashbeek_persistence::partnership::{self as partnerships, Filter, PartnershipRow, PartyRow, Scope};
use tashbeek_persistence::{audit, chain, reference, user as users};

use crate::authz;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::organization::load_visible;
use crate::version::Expect;

/// The most history entries one partnership shows.
const MAX_HISTORY: i64 = 500;

fn today(ctx: &Ctx) -> NaiveDate {
    ctx.now.date_naive()
}

/// Whether the caller is an administrator of organization `org` (platform roles aside).
pub(crate) fn administers(ctx: &mut Ctx, org: &str) -> AppResult<bool> {
    Ok(match ctx.caller.clone() {
        Some(c) => users::role_in(ctx.conn, &c.id, org)? == Some(OrgRole::Admin),
        None => false,
    })
}

/// Loads a partnership the caller may see, else `NotFound`: public ones for everyone,
/// all for administrators and observers, and those of the caller's own organizations.
pub(crate) fn load_visible_partnership(ctx: &mut Ctx, id: &PartnershipId, lock: bool) -> AppResult<PartnershipRow> {
    let row = if lock { partnerships::get_for_update(ctx.conn, id)? } else { partnerships::get(ctx.conn, id)? };
    if row.public || sees_privately(ctx, &row)? {
        return Ok(row);
    }
    Err(AppError::NotFound)
}

/// Whether the caller sees a partnership's non-public side (its reports under review):
/// administrators, observers and the parties' members.
pub(crate) fn sees_privately(ctx: &mut Ctx, row: &PartnershipRow) -> AppResult<bool> {
    let Some(c) = ctx.caller.clone() else { return Ok(false) };
    if c.reads_all() {
        return Ok(true);
    }
    let own = users::org_ids_of(ctx.conn, &c.id)?;
    let parties = partnerships::party_rows(ctx.conn, &row.id)?;
    Ok(parties.iter().any(|p| own.iter().any(|o| o == p.organization_id.as_str())))
}

fn present(ctx: &mut Ctx, row: PartnershipRow) -> AppResult<Partnership> {
    let parties = partnerships::parties(ctx.conn, &row.id)?;
    Ok(row.into_domain(parties, today(ctx)))
}

/// Amending and ending are for platform administrators and any party's administrators.
fn may_change(ctx: &mut Ctx, parties: &[PartyRow]) -> AppResult<()> {
    if authz::writer(ctx)?.is_admin() {
        return Ok(());
    }
    for p in parties {
        if administers(ctx, &p.organization_id)? {
            return Ok(());
        }
    }
    Err(AppError::Forbidden)
}

/// Checks the parties (organizations the caller can see) and the sectors and areas;
/// returns the areas' paths. Every problem is named by its field.
fn check_references(ctx: &mut Ctx, input: &PartnershipInput) -> AppResult<Vec<String>> {
    let resolved = reference::resolve(ctx.conn, &input.sectors, &input.areas)?;
    let mut e = resolved.field_errors(&input.sectors, &input.areas);
    for (i, p) in input.parties.iter().enumerate() {
        match load_visible(ctx, &p.organization_id, false) {
            Ok(org) if org.archived_at.is_none() => {}
            Ok(_) | Err(AppError::NotFound) => e.add(format!("parties[{i}].organization_id"), Violation::UnknownValue),
            Err(other) => return Err(other),
        }
    }
    e.into_result()?;
    Ok(resolved.area_paths)
}

fn party_rows(
    id: &PartnershipId,
    input: &PartnershipInput,
    state_of: impl Fn(&OrganizationId) -> Option<PartyRow>,
) -> Vec<PartyRow> {
    input
        .parties
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let kept = state_of(&p.organization_id);
            PartyRow {
                partnership_id: id.clone(),
                organization_id: p.organization_id.clone(),
                position: i as i32,
                role: p.role,
                contribution: p.contribution.clone(),
                value_kind: p.value.as_ref().map(|v| v.kind),
                value_amount: p.value.as_ref().map(|v| v.amount),
                value_currency: p.value.as_ref().map(|v| v.currency.clone()),
                state: kept.as_ref().map_or(PartyState::Awaiting, |k| k.state),
                answered_at: kept.as_ref().and_then(|k| k.answered_at),
                answered_by: kept.as_ref().and_then(|k| k.answered_by.clone()),
                comment: kept.and_then(|k| k.comment),
            }
        })
        .collect()
}

/// Sets `public` from the stage and the parties' standing in the directory.
fn refresh_public(ctx: &mut Ctx, row: &mut PartnershipRow) -> AppResult<()> {
    row.public = row.confirmed_at.is_some() && partnerships::parties_public(ctx.conn, &row.id)?;
    Ok(())
}

/// Proposes a partnership. An organization administrator proposes for one of the
/// parties (`proposed_by`), whose participation is confirmed by proposing; a platform
/// administrator may propose for none, and then every party confirms.
pub fn propose(ctx: &mut Ctx, input: &PartnershipInput) -> AppResult<Partnership> {
    let me = authz::writer(ctx)?;
    match &input.proposed_by {
        Some(org) => {
            if !administers(ctx, org)? {
                // Also for a platform administrator: acting for a party is its administrators' alone.
                return Err(AppError::Forbidden);
            }
        }
        None if me.is_admin() => {}
        None => return Err(ValidationErrors::single("proposed_by", Violation::Required).into()),
    }
    let area_paths = check_references(ctx, input)?;
    let now = ctx.db_now();
    let mut row = PartnershipRow::new(input, Some(&me.id), now)?;
    let proposer = input.proposed_by.clone();
    let parties = party_rows(&row.id, input, |org| {
        (Some(org) == proposer.as_ref()).then(|| PartyRow {
            partnership_id: row.id.clone(),
            organization_id: org.clone(),
            position: 0,
            role: tashbeek_domain::partnership::PartyRole::Lead,
            contribution: None,
            value_kind: None,
            value_amount: None,
            value_currency: None,
            state: PartyState::Confirmed,
            answered_at: Some(now),
            answered_by: Some(me.id.clone()),
            comment: None,
        })
    });
    row.derive_stage(parties.iter().map(|p| p.state), now);
    // Never public yet: at least one other party has still to confirm.
    partnerships::insert(ctx.conn, &row, &parties, &area_paths)?;
    ctx.record(&row.id, Event::PartnershipProposed(Box::new(input.clone())))?;
    present(ctx, row)
}

/// One partnership as the caller may see it.
pub fn get(ctx: &mut Ctx, id: &PartnershipId) -> AppResult<Partnership> {
    let row = load_visible_partnership(ctx, id, false)?;
    present(ctx, row)
}

fn ended_conflict() -> AppError {
    AppError::conflict("partnership_ended", "انتهت هذه الشراكة.", "This partnership has ended.")
}

/// Replaces the terms. Administrators of any party (or platform administrators) amend;
/// the parties whose terms changed are awaited again, and the answer says which.
pub fn amend(
    ctx: &mut Ctx,
    id: &PartnershipId,
    input: &PartnershipInput,
    expect: &Expect,
) -> AppResult<PartnershipAmended> {
    let mut row = load_visible_partnership(ctx, id, true)?;
    let stored = partnerships::party_rows(ctx.conn, &row.id)?;
    may_change(ctx, &stored)?;
    expect.check_required(row.version)?;
    if row.ended_at.is_some() {
        return Err(ended_conflict());
    }
    if input.proposed_by.is_some() && input.proposed_by != row.proposed_by {
        return Err(ValidationErrors::single(
            "proposed_by",
            Violation::InvalidFormat("لا يتغير بعد الاقتراح / cannot change after the proposal".into()),
        )
        .into());
    }
    let area_paths = check_references(ctx, input)?;
    let before = present(ctx, row.clone())?.to_input();
    let reconfirmation = input.reconfirmation(&before);
    let parties = party_rows(&row.id, input, |org| {
        if reconfirmation.contains(org) {
            return None;
        }
        stored.iter().find(|p| &p.organization_id == org).cloned()
    });
    let expected = row.version;
    let now = ctx.db_now();
    row.apply(input)?;
    if !reconfirmation.is_empty() {
        row.terms_version += 1;
    }
    row.derive_stage(parties.iter().map(|p| p.state), now);
    row.updated_at = now;
    row.version += 1;
    if !partnerships::replace_terms(ctx.conn, &row, expected, &parties, &area_paths)? {
        return Err(AppError::VersionMismatch);
    }
    let ids: Vec<OrganizationId> = parties.iter().map(|p| p.organization_id.clone()).collect();
    tashbeek_persistence::report::refresh_statuses(ctx.conn, &row.id, &ids, now)?;
    let public = row.public;
    refresh_public(ctx, &mut row)?;
    if row.public != public {
        partnerships::update(ctx.conn, &row, row.version)?;
    }
    if public || row.public {
        partnerships::bump_graph(ctx.conn)?;
    }
    ctx.record(
        &row.id,
        Event::PartnershipAmended {
            before: Box::new(before),
            after: Box::new(input.clone()),
            reconfirmation: reconfirmation.clone(),
        },
    )?;
    Ok(PartnershipAmended { partnership: present(ctx, row)?, reconfirmation })
}

/// A party's administrator confirms or declines its own organization's participation in
/// the terms it has seen (`terms_version`). Answers of two parties at one moment both
/// count: the row is locked (PostgreSQL) or writes are serial (SQLite).
pub fn answer(ctx: &mut Ctx, id: &PartnershipId, org: &OrganizationId, answer: &PartyAnswer) -> AppResult<Partnership> {
    let mut row = load_visible_partnership(ctx, id, true)?;
    let me = authz::writer(ctx)?;
    let mut parties = partnerships::party_rows(ctx.conn, &row.id)?;
    let Some(party) = parties.iter_mut().find(|p| &p.organization_id == org) else {
        return Err(AppError::NotFound);
    };
    // Nobody answers for an organization but its own administrators.
    if !administers(ctx, org)? {
        return Err(AppError::Forbidden);
    }
    if row.ended_at.is_some() {
        return Err(ended_conflict());
    }
    if row.stage == PartnershipStatus::Confirmed {
        return Err(AppError::conflict(
            "already_confirmed",
            "أكدت كل الأطراف هذه الشراكة؛ لإيقافها أنهِها مع ذكر السبب.",
            "Every party confirmed this partnership; to stop it, end it with a reason.",
        ));
    }
    if answer.terms_version != row.terms_version {
        return Err(AppError::conflict(
            "terms_changed",
            "تغيّرت شروط الشراكة منذ اطلعت عليها؛ راجعها ثم أجب.",
            "The terms changed since you read them; review them and answer again.",
        ));
    }
    let state = match answer.answer {
        PartyAnswerKind::Confirmed => PartyState::Confirmed,
        PartyAnswerKind::Declined => PartyState::Declined,
    };
    if party.state == state && party.comment.as_deref() == answer.comment.as_deref() {
        return Err(AppError::conflict("already_answered", "سُجّل هذا الرد من قبل.", "This answer is already recorded."));
    }
    let now = ctx.db_now();
    party.state = state;
    partnerships::set_answer(ctx.conn, &row.id, org, state, &me.id, answer.comment.as_deref(), now)?;
    let expected = row.version;
    let was_public = row.public;
    row.derive_stage(parties.iter().map(|p| p.state), now);
    refresh_public(ctx, &mut row)?;
    row.updated_at = now;
    row.version += 1;
    if !partnerships::update(ctx.conn, &row, expected)? {
        return Err(AppError::VersionMismatch);
    }
    ctx.record(
        &row.id,
        Event::PartnershipAnswered {
            organization_id: org.clone(),
            answer: answer.answer,
            comment: answer.comment.clone(),
            terms_version: row.terms_version,
        },
    )?;
    // Last: the graph's one row is held until the commit.
    if was_public || row.public {
        partnerships::bump_graph(ctx.conn)?;
    }
    present(ctx, row)
}

/// A party's administrator (or a platform administrator) ends a partnership early,
/// saying why. A proposal can be withdrawn the same way.
pub fn end(ctx: &mut Ctx, id: &PartnershipId, ending: &PartnershipEnding, expect: &Expect) -> AppResult<Partnership> {
    let mut row = load_visible_partnership(ctx, id, true)?;
    let parties = partnerships::party_rows(ctx.conn, &row.id)?;
    may_change(ctx, &parties)?;
    expect.check_required(row.version)?;
    if row.ended_at.is_some() {
        return Err(ended_conflict());
    }
    let now = ctx.db_now();
    let expected = row.version;
    row.ended_at = Some(now);
    row.ended_reason = Some(ending.reason.clone());
    row.derive_stage(parties.iter().map(|p| p.state), now);
    row.updated_at = now;
    row.version += 1;
    if !partnerships::update(ctx.conn, &row, expected)? {
        return Err(AppError::VersionMismatch);
    }
    if row.public {
        partnerships::bump_graph(ctx.conn)?;
    }
    ctx.record(&row.id, Event::PartnershipEnded { reason: ending.reason.clone() })?;
    present(ctx, row)
}

/// A partnership list request, already checked for shape.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub organization: Option<OrganizationId>,
    pub areas: Vec<String>,
    pub sectors: Vec<String>,
    pub statuses: Vec<PartnershipStatus>,
    /// Only what awaits an answer from an organization the caller administers.
    pub awaiting_me: bool,
    pub limit: i64,
    pub after: Option<Cursor>,
}

/// Partnerships the caller may see, newest first, filtered; their parties named from
/// `names`.
pub fn list(ctx: &mut Ctx, names: &crate::names::Cache, q: &ListQuery) -> AppResult<Page<PartnershipSummary>> {
    let mut bad = ValidationErrors::default();
    let resolved = reference::resolve(ctx.conn, &q.sectors, &q.areas)?;
    if !resolved.unknown_sectors.is_empty() {
        bad.add("sector", Violation::UnknownValue);
    }
    if !resolved.unknown_areas.is_empty() {
        bad.add("area", Violation::UnknownValue);
    }
    if !bad.is_empty() {
        return Err(AppError::InvalidParameter(bad));
    }
    let caller = ctx.caller.clone();
    let (scope, awaiting) = match &caller {
        Some(c) if c.reads_all() && !q.awaiting_me => (Scope::All, None),
        Some(c) => {
            let own = users::org_ids_of(ctx.conn, &c.id)?;
            let awaiting =
                if q.awaiting_me { Some(users::org_ids_with_role(ctx.conn, &c.id, OrgRole::Admin)?) } else { None };
            (if c.reads_all() { Scope::All } else { Scope::PublicAnd(own) }, awaiting)
        }
        None if q.awaiting_me => return Err(AppError::Unauthorized),
        None => (Scope::PublicAnd(vec![]), None),
    };
    let filter = Filter {
        organization: q.organization.clone(),
        areas: q.areas.clone(),
        sectors: q.sectors.clone(),
        statuses: q.statuses.clone(),
        country_wide: matches!(resolved.area_paths.as_slice(), [p] if p.split('/').filter(|s| !s.is_empty()).count() == 1),
        awaiting,
        scope,
        today: today(ctx),
    };
    let rows = partnerships::list(ctx.conn, &filter, q.limit + 1, q.after.as_ref().map(|c| c.id.as_str()))?;
    let page = Page::from_rows(rows, q.limit, |r| Cursor { k: String::new(), id: r.id.to_string() });
    let ids: Vec<PartnershipId> = page.items.iter().map(|r| r.id.clone()).collect();
    let mut parties = partnerships::party_summaries(ctx.conn, &ids)?;
    let orgs: Vec<OrganizationId> = parties.values().flatten().map(|p| p.organization_id.clone()).collect();
    let known = names.names(ctx.conn, &orgs)?;
    for p in parties.values_mut().flatten() {
        if let Some((ar, en)) = known.get(&p.organization_id) {
            p.name_ar.clone_from(ar);
            p.name_en.clone_from(en);
        }
    }
    let today = today(ctx);
    Ok(page.map(|r| {
        let p = parties.remove(&r.id).unwrap_or_default();
        r.into_summary(p, today)
    }))
}

/// An organization's partnership record (its profile shows it to everyone who sees it).
/// Outside the organization, its confirmed partnerships are the public ones.
pub fn record(ctx: &mut Ctx, org: &OrganizationId) -> AppResult<PartnershipRecord> {
    load_visible(ctx, org, false)?;
    let inside = crate::authz::sees_private(ctx, org)?;
    Ok(partnerships::record_of(ctx.conn, org, !inside)?)
}

/// A partnership's history, oldest first, for whoever may see it: proposal, answers,
/// amendments and ending (reports have their own reviews). Outside the parties, steps of
/// organizations that are no longer parties are left out, so a public partnership does
/// not name an organization that left it (or was never public).
pub fn history(ctx: &mut Ctx, id: &PartnershipId) -> AppResult<Vec<PartnershipHistoryEntry>> {
    const STEPS: [&str; 4] = ["partnership.propose", "partnership.answer", "partnership.amend", "partnership.end"];
    let row = load_visible_partnership(ctx, id, false)?;
    let inside = sees_privately(ctx, &row)?;
    let current: Vec<OrganizationId> =
        partnerships::party_rows(ctx.conn, &row.id)?.into_iter().map(|p| p.organization_id).collect();
    let changes = audit::changes_of(ctx.conn, "partnership", &row.id, &STEPS, MAX_HISTORY)?;
    let text =
        |v: &Option<Value>, k: &str| v.as_ref().and_then(|v| v.get(k)).and_then(Value::as_str).map(str::to_owned);
    Ok(changes
        .into_iter()
        .map(|(at, action, after)| PartnershipHistoryEntry {
            at: tashbeek_persistence::from_db_time(at),
            organization_id: text(&after, "organization_id")
                .or_else(|| text(&after, "proposed_by"))
                .and_then(|s| OrganizationId::parse(&s)),
            answer: text(&after, "answer").and_then(|s| PartyAnswerKind::parse(&s)),
            comment: text(&after, "comment"),
            reconfirmation: after
                .as_ref()
                .and_then(|v| v.get("reconfirmation"))
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).filter_map(OrganizationId::parse).collect())
                .unwrap_or_default(),
            reason: text(&after, "reason"),
            action,
        })
        .filter(|h| inside || h.organization_id.as_ref().is_none_or(|o| current.contains(o)))
        .map(|mut h| {
            if !inside {
                h.reconfirmation.retain(|o| current.contains(o));
            }
            h
        })
        .collect())
}

/// The most steps after a certificate's that its verification page lists.
const MAX_CHANGES_SINCE: usize = 100;

/// A partnership for its certificate, with the hash of its record's newest step (what
/// the certificate carries). Only a partnership every party confirmed has one (an ended
/// one too, saying it ended), and only while its record verifies.
pub fn certificate(ctx: &mut Ctx, id: &PartnershipId) -> AppResult<(Partnership, String)> {
    let row = load_visible_partnership(ctx, id, false)?;
    let p = present(ctx, row)?;
    if !p.has_certificate() {
        return Err(AppError::conflict(
            "not_confirmed",
            "لم تؤكد كل الأطراف هذه الشراكة بعد؛ لا شهادة قبل أن تؤكدها.",
            "Not every party has confirmed this partnership; it has no certificate until they do.",
        ));
    }
    let (intact, steps) = chain::object_chain(ctx.conn, "partnership", p.id.as_str())?;
    let head = steps.last().and_then(|s| s.hash.clone()).filter(|_| intact);
    let Some(hash) = head else {
        return Err(AppError::conflict(
            "record_not_intact",
            "سجل هذه الشراكة لا يجتاز التحقق؛ على مدير المنصة فحص سجل التدقيق قبل إصدار شهادة.",
            "This partnership's record does not verify; a platform administrator must check the audit log before a certificate is issued.",
        ));
    };
    Ok((p, hash))
}

/// What a certificate's verification page shows. Whoever holds a certificate (its hash
/// is one of the record's) sees the partnership it names, public or not; without one,
/// the partnership must be visible to the caller.
pub fn verification(ctx: &mut Ctx, id: &PartnershipId, hash: Option<&str>) -> AppResult<PartnershipVerification> {
    let row = partnerships::get(ctx.conn, id)?;
    let (intact, steps) = chain::object_chain(ctx.conn, "partnership", row.id.as_str())?;
    // Every partnership has at least its proposal: a record without steps lost them.
    let intact = intact && !steps.is_empty();
    let held = hash.and_then(|h| steps.iter().position(|s| s.hash.as_deref() == Some(h)));
    if held.is_none() && !row.public && !sees_privately(ctx, &row)? {
        return Err(AppError::NotFound);
    }
    let (anchor, upto) = chain::latest_anchor_upto(ctx.conn)?.unzip();
    let newest = steps.iter().filter_map(|s| s.n).max();
    let p = present(ctx, row)?;
    let step = |s: &chain::Step| RecordStep { at: tashbeek_persistence::from_db_time(s.at), action: s.action.clone() };
    Ok(PartnershipVerification {
        partnership_id: p.id,
        title_ar: p.title_ar,
        title_en: p.title_en,
        kind: p.kind,
        status: p.status,
        confirmed_at: p.confirmed_at,
        ended_at: p.ended_at,
        ended_reason: p.ended_reason,
        parties: p
            .parties
            .into_iter()
            .map(|x| VerifiedParty {
                organization_id: x.organization_id,
                name_ar: x.name_ar,
                name_en: x.name_en,
                role: x.role,
                state: x.state,
                answered_at: x.answered_at,
            })
            .collect(),
        chain_intact: intact,
        steps: steps.len() as i64,
        hash: steps.last().and_then(|s| s.hash.clone()),
        certificate_hash: hash.map(str::to_owned),
        certificate_issued_from: held.map(|i| tashbeek_persistence::from_db_time(steps[i].at)),
        changes_since: held
            .map_or_else(Vec::new, |i| steps[i + 1..].iter().take(MAX_CHANGES_SINCE).map(step).collect()),
        verified: intact && (hash.is_none() || held.is_some()),
        anchor,
        anchored: matches!((upto, newest), (Some(u), Some(n)) if n <= u),
    })
}
