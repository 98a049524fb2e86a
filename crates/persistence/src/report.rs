//! What parties report a partnership did and achieved, and the other parties' reviews.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tashbeek_domain::report::{Measure, Report, ReportKind, ReportStatus, Review, Verdict};
use tashbeek_domain::{OrganizationId, PartnershipId, ReportId, UserId};

use crate::error::{DbError, DbResult};
use crate::json::Json;
use crate::schema::{partnership_report_reviews as reviews, partnership_reports as reports};
use crate::{from_db_time, DbConn};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reports)]
pub struct ReportRow {
    pub id: ReportId,
    pub partnership_id: PartnershipId,
    pub kind: ReportKind,
    pub reported_by: OrganizationId,
    pub happened_on: NaiveDate,
    pub summary: String,
    pub details: Option<String>,
    pub area_id: Option<String>,
    pub party_ids: Json<Vec<OrganizationId>>,
    pub measures: Json<Vec<Measure>>,
    pub links: Json<Vec<String>>,
    pub status: ReportStatus,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn json<T: serde::Serialize>(v: T) -> DbResult<Json<T>> {
    Json::new(v).map_err(|e| DbError::Corrupt(format!("report document: {e}")))
}

impl ReportRow {
    pub fn into_domain(self, reviews: Vec<Review>, documents: Vec<tashbeek_domain::document::Document>) -> Report {
        Report {
            id: self.id,
            kind: self.kind,
            reported_by: self.reported_by,
            happened_on: Some(self.happened_on),
            summary: self.summary,
            details: self.details,
            area: self.area_id,
            parties: self.party_ids.into_inner(),
            measures: self.measures.into_inner(),
            links: self.links.into_inner(),
            status: self.status,
            reviews,
            documents,
            created_at: from_db_time(self.created_at),
        }
    }
}

pub fn insert(conn: &mut DbConn, row: &ReportRow) -> DbResult<()> {
    diesel::insert_into(reports::table).values(row).execute(conn)?;
    Ok(())
}

/// One report of partnership `partnership_id`.
pub fn get(conn: &mut DbConn, partnership_id: &str, id: &str) -> DbResult<ReportRow> {
    Ok(reports::table
        .find(id)
        .filter(reports::partnership_id.eq(partnership_id))
        .select(ReportRow::as_select())
        .first(conn)?)
}

/// A partnership's reports, newest first, after id `after`; only `endorsed` ones when
/// `endorsed_only`.
pub fn list(
    conn: &mut DbConn,
    partnership_id: &str,
    endorsed_only: bool,
    limit: i64,
    after: Option<&str>,
) -> DbResult<Vec<ReportRow>> {
    let mut q = reports::table.filter(reports::partnership_id.eq(partnership_id)).into_boxed();
    if endorsed_only {
        q = q.filter(reports::status.eq(ReportStatus::Endorsed.as_str()));
    }
    if let Some(a) = after {
        q = q.filter(reports::id.lt(a.to_owned()));
    }
    Ok(q.order(reports::id.desc()).limit(limit).select(ReportRow::as_select()).load(conn)?)
}

/// The reviews of each report in `ids`, in the order they were given.
pub fn reviews_of(conn: &mut DbConn, ids: &[ReportId]) -> DbResult<std::collections::HashMap<ReportId, Vec<Review>>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    type Row = (ReportId, OrganizationId, Verdict, Option<String>, NaiveDateTime);
    let rows: Vec<Row> = reviews::table
        .filter(reviews::report_id.eq_any(ids))
        .order((reviews::report_id, reviews::at))
        .select((reviews::report_id, reviews::organization_id, reviews::verdict, reviews::comment, reviews::at))
        .load(conn)?;
    let mut out: std::collections::HashMap<ReportId, Vec<Review>> = Default::default();
    for (rid, organization_id, verdict, comment, at) in rows {
        out.entry(rid).or_default().push(Review { organization_id, verdict, comment, at: from_db_time(at) });
    }
    Ok(out)
}

/// Records (or replaces) one party's review.
pub fn set_review(
    conn: &mut DbConn,
    report_id: &str,
    org: &str,
    verdict: Verdict,
    comment: Option<&str>,
    by: &str,
    at: NaiveDateTime,
) -> DbResult<()> {
    let n = diesel::update(reviews::table.find((report_id, org)))
        .set((
            reviews::verdict.eq(verdict),
            reviews::comment.eq(comment),
            reviews::reviewed_by.eq(by),
            reviews::at.eq(at),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(reviews::table)
            .values((
                reviews::report_id.eq(report_id),
                reviews::organization_id.eq(org),
                reviews::verdict.eq(verdict),
                reviews::comment.eq(comment),
                reviews::reviewed_by.eq(by),
                reviews::at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A report by its id alone (a document names it without its partnership).
pub fn find(conn: &mut DbConn, id: &str) -> DbResult<ReportRow> {
    Ok(reports::table.find(id).select(ReportRow::as_select()).first(conn)?)
}

/// Deletes every endorsement of a report (its evidence changed); disputes stay.
pub fn withdraw_endorsements(conn: &mut DbConn, report_id: &str) -> DbResult<usize> {
    Ok(diesel::delete(
        reviews::table.filter(reviews::report_id.eq(report_id)).filter(reviews::verdict.eq(Verdict::Endorsed.as_str())),
    )
    .execute(conn)?)
}

pub fn set_status(conn: &mut DbConn, id: &str, status: ReportStatus, at: NaiveDateTime) -> DbResult<()> {
    diesel::update(reports::table.find(id))
        .set((reports::status.eq(status), reports::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// Recomputes the status of every report of a partnership whose parties are now `parties`
/// (an amendment added or removed one): only current parties' verdicts count.
pub fn refresh_statuses(
    conn: &mut DbConn,
    partnership_id: &str,
    parties: &[OrganizationId],
    at: NaiveDateTime,
) -> DbResult<()> {
    let rows: Vec<(ReportId, OrganizationId, ReportStatus)> = reports::table
        .filter(reports::partnership_id.eq(partnership_id))
        .select((reports::id, reports::reported_by, reports::status))
        .load(conn)?;
    let ids: Vec<ReportId> = rows.iter().map(|r| r.0.clone()).collect();
    let all = reviews_of(conn, &ids)?;
    for (id, by, status) in rows {
        let verdicts = all
            .get(&id)
            .map(|v| {
                v.iter()
                    .filter(|r| parties.contains(&r.organization_id) && r.organization_id != by)
                    .map(|r| r.verdict)
                    .collect()
            })
            .unwrap_or_else(Vec::new);
        let others = parties.iter().filter(|p| **p != by).count();
        let mut now = tashbeek_domain::report::status_of(verdicts, others);
        // Removing a party (a disputer, or one yet to answer) never endorses a report.
        if now == ReportStatus::Endorsed && status != ReportStatus::Endorsed {
            now = status;
        }
        if now != status {
            set_status(conn, &id, now, at)?;
        }
    }
    Ok(())
}
