//! What a partnership did and achieved. A party's members report an activity or an
//! outcome for their organization; every other party's administrators endorse or
//! dispute it. Only reports every other party endorsed are shown to the public.

use std::collections::HashMap;

use tashbeek_domain::document::Document;
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::report::{status_of, Report, ReportInput, ReviewInput, Verdict};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{OrganizationId, PartnershipId, ReportId, ValidationErrors};
use tashbeek_persistence::document::{self as documents, OWNER_REPORT};
use tashbeek_persistence::partnership as partnerships;
use tashbeek_persistence::report::{self as reports, json, ReportRow};
use tashbeek_persistence::{reference, user as users};

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::partnership::{administers, load_visible_partnership, sees_privately};

fn present(ctx: &mut Ctx, row: ReportRow) -> AppResult<Report> {
    let mut reviews = reports::reviews_of(ctx.conn, std::slice::from_ref(&row.id))?;
    let r = reviews.remove(&row.id).unwrap_or_default();
    let docs = evidence(ctx, std::slice::from_ref(&row.id))?.remove(row.id.as_str()).unwrap_or_default();
    Ok(row.into_domain(r, docs))
}

/// The documents of each report in `ids`.
fn evidence(ctx: &mut Ctx, ids: &[ReportId]) -> AppResult<HashMap<String, Vec<Document>>> {
    let owners: Vec<String> = ids.iter().map(ToString::to_string).collect();
    Ok(documents::of_owners(ctx.conn, OWNER_REPORT, &owners)?)
}

/// A party's member reports for their organization on a partnership every party confirmed.
pub fn add(ctx: &mut Ctx, id: &PartnershipId, input: &ReportInput) -> AppResult<Report> {
    let partnership = load_visible_partnership(ctx, id, true)?;
    let me = crate::authz::writer(ctx)?;
    let parties: Vec<OrganizationId> =
        partnerships::party_rows(ctx.conn, &partnership.id)?.into_iter().map(|p| p.organization_id).collect();
    if !parties.contains(&input.reported_by) {
        return Err(ValidationErrors::single("reported_by", Violation::UnknownValue).into());
    }
    // Its own members report for an organization; nobody else, platform administrators included.
    if users::role_in(ctx.conn, &me.id, &input.reported_by)?.is_none() {
        return Err(AppError::Forbidden);
    }
    if partnership.confirmed_at.is_none() {
        return Err(AppError::conflict(
            "not_confirmed",
            "لا تُسجَّل الأنشطة إلا لشراكة أكدها كل أطرافها.",
            "Activities are reported only for a partnership every party confirmed.",
        ));
    }
    let mut e = ValidationErrors::default();
    for (i, p) in input.parties.iter().enumerate() {
        if !parties.contains(p) {
            e.add(format!("parties[{i}]"), Violation::UnknownValue);
        }
    }
    if let Some(a) = &input.area {
        if !reference::unknown_areas(ctx.conn, std::slice::from_ref(a))?.is_empty() {
            e.add("area", Violation::UnknownValue);
        }
    }
    e.into_result()?;
    let now = ctx.db_now();
    let others = parties.iter().filter(|p| **p != input.reported_by).count();
    let row = ReportRow {
        id: tashbeek_persistence::new_id(),
        partnership_id: partnership.id.clone(),
        kind: input.kind,
        reported_by: input.reported_by.clone(),
        happened_on: input.happened_on.ok_or_else(|| ValidationErrors::single("happened_on", Violation::Required))?,
        summary: input.summary.clone(),
        details: input.details.clone(),
        area_id: input.area.clone(),
        party_ids: json(input.parties.clone())?,
        measures: json(input.measures.clone())?,
        links: json(input.links.clone())?,
        status: status_of([], others),
        created_by: Some(me.id.clone()),
        created_at: now,
        updated_at: now,
    };
    reports::insert(ctx.conn, &row)?;
    ctx.record(&partnership.id, Event::ReportAdded { report_id: row.id.clone(), input: Box::new(input.clone()) })?;
    present(ctx, row)
}

/// Another party's administrator endorses or disputes a report (again, to change their verdict).
pub fn review(
    ctx: &mut Ctx,
    id: &PartnershipId,
    report_id: &ReportId,
    org: &OrganizationId,
    input: &ReviewInput,
) -> AppResult<Report> {
    let partnership = load_visible_partnership(ctx, id, true)?;
    let me = crate::authz::writer(ctx)?;
    let row = reports::get(ctx.conn, &partnership.id, report_id)?;
    let parties: Vec<OrganizationId> =
        partnerships::party_rows(ctx.conn, &partnership.id)?.into_iter().map(|p| p.organization_id).collect();
    if !parties.contains(org) {
        return Err(AppError::NotFound);
    }
    if !administers(ctx, org)? {
        return Err(AppError::Forbidden);
    }
    if *org == row.reported_by {
        return Err(AppError::conflict(
            "own_report",
            "لا تراجع جهةٌ ما أبلغت عنه بنفسها؛ تراجعه الأطراف الأخرى.",
            "A party does not review its own report; the other parties do.",
        ));
    }
    let now = ctx.db_now();
    reports::set_review(ctx.conn, &row.id, org, input.verdict, input.comment.as_deref(), &me.id, now)?;
    let reviews = reports::reviews_of(ctx.conn, std::slice::from_ref(&row.id))?.remove(&row.id).unwrap_or_default();
    let verdicts: Vec<Verdict> = reviews
        .iter()
        .filter(|r| parties.contains(&r.organization_id) && r.organization_id != row.reported_by)
        .map(|r| r.verdict)
        .collect();
    let others = parties.iter().filter(|p| **p != row.reported_by).count();
    let status = status_of(verdicts, others);
    if status != row.status {
        reports::set_status(ctx.conn, &row.id, status, now)?;
    }
    ctx.record(
        &partnership.id,
        Event::ReportReviewed {
            report_id: row.id.clone(),
            organization_id: org.clone(),
            verdict: input.verdict,
            comment: input.comment.clone(),
        },
    )?;
    let row = ReportRow { status, updated_at: now, ..row };
    let docs = evidence(ctx, std::slice::from_ref(&row.id))?.remove(row.id.as_str()).unwrap_or_default();
    Ok(row.into_domain(reviews, docs))
}

/// A partnership's reports, newest first: its parties, administrators and observers see
/// every one with its reviews; everyone else only what every other party endorsed.
pub fn list(ctx: &mut Ctx, id: &PartnershipId, limit: i64, after: Option<&Cursor>) -> AppResult<Page<Report>> {
    let partnership = load_visible_partnership(ctx, id, false)?;
    let all = sees_privately(ctx, &partnership)?;
    let rows = reports::list(ctx.conn, &partnership.id, !all, limit + 1, after.map(|c| c.id.as_str()))?;
    let page = Page::from_rows(rows, limit, |r| Cursor { k: String::new(), id: r.id.to_string() });
    let ids: Vec<ReportId> = page.items.iter().map(|r| r.id.clone()).collect();
    let mut reviews = reports::reviews_of(ctx.conn, &ids)?;
    let mut docs = evidence(ctx, &ids)?;
    Ok(page.map(|r| {
        let v = reviews.remove(&r.id).unwrap_or_default();
        let d = docs.remove(r.id.as_str()).unwrap_or_default();
        r.into_domain(v, d)
    }))
}
