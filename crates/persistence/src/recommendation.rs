//! Recommendations, their addressees' parts, progress updates, and the sector and area
//! links the board filters by.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tashbeek_domain::recommendation::{
    Addressee, OwedPart, Part, PartState, Priority, ProgressUpdate, RecommendationStatus, RecommendationSummary,
    RelatedRecord,
};
use tashbeek_domain::{AgendaItemId, MeetingId, NetworkId, OrganizationId, PartId, RecommendationId, UpdateId, UserId};

use crate::error::{DbError, DbResult};
use crate::json::Json;
use crate::later::insert_now;
use crate::schema::{
    recommendation_areas, recommendation_parts, recommendation_sectors, recommendation_updates, recommendations,
};
use crate::sql::{Bind, Query};
use crate::{from_db_time, DbConn};

/// Documents that are evidence on a progress update have this owner kind.
pub const OWNER_UPDATE: &str = "recommendation_update";

pub fn json<T: serde::Serialize>(v: T) -> DbResult<Json<T>> {
    Json::new(v).map_err(|e| DbError::Corrupt(format!("recommendation document: {e}")))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = recommendations, treat_none_as_null = true)]
pub struct RecommendationRow {
    pub id: RecommendationId,
    pub code: String,
    pub network_id: Option<NetworkId>,
    pub meeting_id: Option<MeetingId>,
    pub agenda_item_id: Option<AgendaItemId>,
    pub text_ar: Option<String>,
    pub text_en: Option<String>,
    pub sector_codes: Json<Vec<String>>,
    pub area_ids: Json<Vec<String>>,
    pub priority: Priority,
    pub status: RecommendationStatus,
    pub status_reason: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub review_on: Option<NaiveDate>,
    pub progress: i32,
    pub last_activity_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// Open and past its due date on `today`.
pub fn overdue(status: RecommendationStatus, due_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    status.is_open() && due_on.is_some_and(|d| d < today)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = recommendation_parts, treat_none_as_null = true)]
pub struct PartRow {
    pub id: PartId,
    pub recommendation_id: RecommendationId,
    pub position: i32,
    pub organization_id: Option<OrganizationId>,
    pub weight: i32,
    pub state: PartState,
    pub answer_reason: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub progress: i32,
    pub last_update_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub verified_at: Option<NaiveDateTime>,
    pub verified_by: Option<UserId>,
    pub verification_comment: Option<String>,
    pub version: i64,
}

impl PartRow {
    pub fn into_domain(self, names: &HashMap<OrganizationId, Names>) -> Part {
        Part {
            addressee: addressee(self.organization_id, names),
            id: self.id,
            weight: self.weight,
            state: self.state,
            answer_reason: self.answer_reason,
            answered_at: self.answered_at.map(from_db_time),
            progress: self.progress,
            last_update_at: self.last_update_at.map(from_db_time),
            completed_at: self.completed_at.map(from_db_time),
            verified_at: self.verified_at.map(from_db_time),
            verification_comment: self.verification_comment,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = recommendation_updates)]
pub struct UpdateRow {
    pub id: UpdateId,
    pub recommendation_id: RecommendationId,
    pub part_id: PartId,
    pub reported_on: NaiveDate,
    pub percent: i32,
    pub body: String,
    pub links: Json<Vec<String>>,
    pub related: Json<Vec<RelatedRecord>>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

pub use crate::partnership::Names;

fn addressee(org: Option<OrganizationId>, names: &HashMap<OrganizationId, Names>) -> Addressee {
    let (name_ar, name_en) = org.as_ref().and_then(|o| names.get(o).cloned()).unwrap_or_default();
    Addressee { organization_id: org, name_ar, name_en }
}

/// Names of the organizations among `parts`.
pub fn names_for(conn: &mut DbConn, parts: &[PartRow]) -> DbResult<HashMap<OrganizationId, Names>> {
    let ids: Vec<OrganizationId> = parts.iter().filter_map(|p| p.organization_id.clone()).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    crate::partnership::names_of(conn, &ids)
}

fn write_links(conn: &mut DbConn, row: &RecommendationRow, area_paths: &[String]) -> DbResult<()> {
    let id = row.id.as_str();
    let sectors: Vec<_> = row
        .sector_codes
        .get()
        .iter()
        .map(|c| (recommendation_sectors::sector_code.eq(c.as_str()), recommendation_sectors::recommendation_id.eq(id)))
        .collect();
    insert_now!(conn, recommendation_sectors::table, sectors);
    let closure = crate::partnership::area_closure(area_paths);
    let areas: Vec<_> = closure
        .iter()
        .map(|a| (recommendation_areas::area_id.eq(a.as_str()), recommendation_areas::recommendation_id.eq(id)))
        .collect();
    insert_now!(conn, recommendation_areas::table, areas);
    Ok(())
}

pub fn insert(conn: &mut DbConn, row: &RecommendationRow, parts: &[PartRow], area_paths: &[String]) -> DbResult<()> {
    diesel::insert_into(recommendations::table).values(row).execute(conn)?;
    insert_now!(conn, recommendation_parts::table, parts.to_vec());
    write_links(conn, row, area_paths)
}

/// Whether `code` names a recommendation other than `except`.
pub fn code_taken(conn: &mut DbConn, code: &str, except: Option<&str>) -> DbResult<bool> {
    let mut q = recommendations::table.filter(recommendations::code.eq(code)).select(recommendations::id).into_boxed();
    if let Some(id) = except {
        q = q.filter(recommendations::id.ne(id));
    }
    Ok(q.first::<String>(conn).optional()?.is_some())
}

/// The recommendation with reference code `code`.
pub fn by_code(conn: &mut DbConn, code: &str) -> DbResult<Option<RecommendationRow>> {
    Ok(recommendations::table
        .filter(recommendations::code.eq(code))
        .select(RecommendationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Replaces the terms (row and links; parts are the caller's) if the version is still
/// `expected`.
pub fn replace_terms(
    conn: &mut DbConn,
    row: &RecommendationRow,
    expected: i64,
    area_paths: &[String],
) -> DbResult<bool> {
    if !update(conn, row, expected)? {
        return Ok(false);
    }
    let id = row.id.as_str();
    diesel::delete(recommendation_sectors::table.filter(recommendation_sectors::recommendation_id.eq(id)))
        .execute(conn)?;
    diesel::delete(recommendation_areas::table.filter(recommendation_areas::recommendation_id.eq(id))).execute(conn)?;
    write_links(conn, row, area_paths)?;
    Ok(true)
}

/// Stores the row if its version is still `expected`; false when someone changed it first.
pub fn update(conn: &mut DbConn, row: &RecommendationRow, expected: i64) -> DbResult<bool> {
    let n = diesel::update(
        recommendations::table.filter(recommendations::id.eq(&row.id)).filter(recommendations::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

pub fn get(conn: &mut DbConn, id: &str) -> DbResult<RecommendationRow> {
    Ok(recommendations::table.find(id).select(RecommendationRow::as_select()).first(conn)?)
}

/// Loads a recommendation to change it, locking its row on PostgreSQL: two addressees
/// reporting at once roll up one after the other, and both count.
pub fn get_for_update(conn: &mut DbConn, id: &str) -> DbResult<RecommendationRow> {
    match conn {
        DbConn::Pg(c) => {
            Ok(recommendations::table.find(id).select(RecommendationRow::as_select()).for_update().first(c)?)
        }
        DbConn::Sqlite(_) => get(conn, id),
    }
}

/// The rows of these recommendations (in no particular order).
pub fn rows_of(conn: &mut DbConn, ids: &[RecommendationId]) -> DbResult<Vec<RecommendationRow>> {
    Ok(recommendations::table
        .filter(recommendations::id.eq_any(ids))
        .select(RecommendationRow::as_select())
        .load(conn)?)
}

/// The parts of one recommendation, in order.
pub fn parts(conn: &mut DbConn, id: &str) -> DbResult<Vec<PartRow>> {
    Ok(recommendation_parts::table
        .filter(recommendation_parts::recommendation_id.eq(id))
        .order(recommendation_parts::position)
        .select(PartRow::as_select())
        .load(conn)?)
}

/// The parts of several recommendations, in order.
pub fn parts_of(conn: &mut DbConn, ids: &[RecommendationId]) -> DbResult<Vec<PartRow>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(recommendation_parts::table
        .filter(recommendation_parts::recommendation_id.eq_any(ids))
        .order((recommendation_parts::recommendation_id, recommendation_parts::position))
        .select(PartRow::as_select())
        .load(conn)?)
}

pub fn insert_parts(conn: &mut DbConn, parts: &[PartRow]) -> DbResult<()> {
    insert_now!(conn, recommendation_parts::table, parts.to_vec());
    Ok(())
}

/// Deletes parts that have no progress updates, with what was to tell their addressees.
pub fn delete_parts(conn: &mut DbConn, ids: &[PartId]) -> DbResult<()> {
    use crate::schema::{notification_queue, notifications};
    diesel::delete(notification_queue::table.filter(notification_queue::part_id.eq_any(ids))).execute(conn)?;
    diesel::delete(notifications::table.filter(notifications::part_id.eq_any(ids))).execute(conn)?;
    diesel::delete(recommendation_parts::table.filter(recommendation_parts::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

/// Stores a part if its version is still `expected`.
pub fn update_part(conn: &mut DbConn, part: &PartRow, expected: i64) -> DbResult<bool> {
    let n = diesel::update(
        recommendation_parts::table
            .filter(recommendation_parts::id.eq(&part.id))
            .filter(recommendation_parts::version.eq(expected)),
    )
    .set(part)
    .execute(conn)?;
    Ok(n == 1)
}

/// How many progress updates each of these parts has.
pub fn update_counts(conn: &mut DbConn, parts: &[PartId]) -> DbResult<HashMap<PartId, i64>> {
    let rows: Vec<(PartId, i64)> = recommendation_updates::table
        .filter(recommendation_updates::part_id.eq_any(parts))
        .group_by(recommendation_updates::part_id)
        .select((recommendation_updates::part_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn insert_update(conn: &mut DbConn, row: &UpdateRow) -> DbResult<()> {
    diesel::insert_into(recommendation_updates::table).values(row).execute(conn)?;
    Ok(())
}

pub fn get_update(conn: &mut DbConn, recommendation: &str, id: &str) -> DbResult<UpdateRow> {
    Ok(recommendation_updates::table
        .filter(recommendation_updates::id.eq(id))
        .filter(recommendation_updates::recommendation_id.eq(recommendation))
        .select(UpdateRow::as_select())
        .first(conn)?)
}

/// The text and percent of a part's latest progress update.
pub fn last_update(conn: &mut DbConn, part: &str) -> DbResult<Option<(String, i32)>> {
    Ok(recommendation_updates::table
        .filter(recommendation_updates::part_id.eq(part))
        .order((recommendation_updates::created_at.desc(), recommendation_updates::id.desc()))
        .select((recommendation_updates::body, recommendation_updates::percent))
        .first(conn)
        .optional()?)
}

/// The recommendation an update belongs to.
pub fn update_owner(conn: &mut DbConn, update: &str) -> DbResult<RecommendationId> {
    Ok(recommendation_updates::table.find(update).select(recommendation_updates::recommendation_id).first(conn)?)
}

/// A recommendation's updates, newest first (at most 500).
pub fn updates_of(conn: &mut DbConn, recommendation: &str) -> DbResult<Vec<UpdateRow>> {
    Ok(recommendation_updates::table
        .filter(recommendation_updates::recommendation_id.eq(recommendation))
        .order((recommendation_updates::created_at.desc(), recommendation_updates::id.desc()))
        .limit(500)
        .select(UpdateRow::as_select())
        .load(conn)?)
}

/// Whether a part has evidence: a link or related record on one of its updates, or a
/// document on one.
pub fn has_evidence(conn: &mut DbConn, part: &str) -> DbResult<bool> {
    type Evidence = (String, Json<Vec<String>>, Json<Vec<RelatedRecord>>);
    let rows: Vec<Evidence> = recommendation_updates::table
        .filter(recommendation_updates::part_id.eq(part))
        .select((recommendation_updates::id, recommendation_updates::links, recommendation_updates::related))
        .load(conn)?;
    if rows.iter().any(|(_, l, r)| !l.get().is_empty() || !r.get().is_empty()) {
        return Ok(true);
    }
    let ids: Vec<String> = rows.into_iter().map(|(id, _, _)| id).collect();
    Ok(!crate::document::of_owners(conn, OWNER_UPDATE, &ids)?.is_empty())
}

impl UpdateRow {
    pub fn into_domain(
        self,
        addressee_of: Option<OrganizationId>,
        names: &HashMap<OrganizationId, Names>,
        documents: Vec<tashbeek_domain::document::Document>,
    ) -> ProgressUpdate {
        ProgressUpdate {
            id: self.id,
            part_id: self.part_id,
            addressee: addressee(addressee_of, names),
            reported_on: self.reported_on,
            percent: self.percent,
            body: self.body,
            links: self.links.into_inner(),
            related: self.related.into_inner(),
            documents,
            created_at: from_db_time(self.created_at),
        }
    }
}

/// A list item's columns.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = recommendations)]
pub struct SummaryRow {
    pub id: RecommendationId,
    pub code: String,
    pub network_id: Option<NetworkId>,
    pub meeting_id: Option<MeetingId>,
    pub text_ar: Option<String>,
    pub text_en: Option<String>,
    pub priority: Priority,
    pub status: RecommendationStatus,
    pub due_on: Option<NaiveDate>,
    pub progress: i32,
    pub last_activity_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

const SUMMARY: &str = "SELECT r.id, r.code, r.network_id, r.meeting_id, r.text_ar, r.text_en, r.priority, r.status, \
                       r.due_on, r.progress, r.last_activity_at, r.updated_at";

/// Summaries of `rows` with their addressees (from the covering key
/// `recommendation_parts_of`), named by `names` (the process's names cache, or
/// [`crate::partnership::names_of`]).
pub fn summaries(
    conn: &mut DbConn,
    rows: Vec<SummaryRow>,
    today: NaiveDate,
    names: impl FnOnce(&mut DbConn, &[OrganizationId]) -> DbResult<HashMap<OrganizationId, Names>>,
) -> DbResult<Vec<RecommendationSummary>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        recommendation_id: RecommendationId,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        organization_id: Option<OrganizationId>,
    }
    let mut by_rec: HashMap<RecommendationId, Vec<Addressee>> = HashMap::new();
    if !rows.is_empty() {
        let ids: Vec<String> = rows.iter().map(|r| r.id.as_str().to_owned()).collect();
        let mut q = Query::new(conn, "SELECT d.recommendation_id, d.organization_id FROM recommendation_parts d");
        q.index_hint("recommendation_parts_of").push(" WHERE d.recommendation_id");
        q.any(&ids).push(" ORDER BY d.recommendation_id, d.position");
        let parts = q.load::<Row>(conn)?;
        let orgs: Vec<OrganizationId> = parts.iter().filter_map(|r| r.organization_id.clone()).collect();
        let known = if orgs.is_empty() { HashMap::new() } else { names(conn, &orgs)? };
        for r in parts {
            by_rec.entry(r.recommendation_id).or_default().push(addressee(r.organization_id, &known));
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| RecommendationSummary {
            addressees: by_rec.remove(&r.id).unwrap_or_default(),
            overdue: overdue(r.status, r.due_on, today),
            id: r.id,
            code: r.code,
            network_id: r.network_id,
            meeting_id: r.meeting_id,
            text_ar: r.text_ar,
            text_en: r.text_en,
            priority: r.priority,
            status: r.status,
            due_on: r.due_on,
            progress: r.progress,
            last_activity_at: r.last_activity_at.map(from_db_time),
            updated_at: from_db_time(r.updated_at),
        })
        .collect())
}

/// Who may see what: everything, or what touches these organizations and networks.
#[derive(Debug, Clone)]
pub enum Scope {
    All,
    /// Recommendations addressed to these organizations; those of meetings they see (public
    /// ones, their networks' non-invited ones, those they organize or are invited to, every
    /// one of networks they coordinate); and those entered for their networks.
    Within {
        orgs: Vec<String>,
        networks: Vec<String>,
        coordinated: Vec<String>,
    },
}

/// A board request, checked for shape.
#[derive(Debug, Clone)]
pub struct Filter {
    pub meeting: Option<MeetingId>,
    pub network: Option<NetworkId>,
    /// Parts addressed to this organization.
    pub addressee: Option<OrganizationId>,
    /// Parts addressed to a network's office.
    pub office: bool,
    pub statuses: Vec<RecommendationStatus>,
    pub priorities: Vec<Priority>,
    pub sectors: Vec<String>,
    /// Area ids: a recommendation in any area below one of them matches.
    pub areas: Vec<String>,
    /// Open and due before this day.
    pub overdue_on: Option<NaiveDate>,
    /// Open with no activity since this time.
    pub stale_since: Option<NaiveDateTime>,
    pub scope: Scope,
}

/// Open statuses, written as the partial indexes on due date and activity say them (a
/// statement uses those indexes only when it says the same).
const OPEN: &str = "('adopted', 'in_progress')";

/// The order a board lists in: overdue ones most overdue first, stale ones longest silent
/// first (both walk a partial index of open recommendations from its start), any other
/// newest first (ids are time-ordered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Newest,
    DueFirst,
    SilentFirst,
}

impl Filter {
    pub fn order(&self) -> Order {
        if self.overdue_on.is_some() {
            Order::DueFirst
        } else if self.stale_since.is_some() {
            Order::SilentFirst
        } else {
            Order::Newest
        }
    }
}

/// Where the previous page stopped: its last row's sort key (the due date, or the last
/// activity, for [`Order::DueFirst`] and [`Order::SilentFirst`]) and id.
pub enum After<'a> {
    Id(&'a str),
    Due(NaiveDate, &'a str),
    Silent(NaiveDateTime, &'a str),
}

/// Recommendations matching `f` in its [`Order`], after `after`.
///
/// One key drives the statement and is walked in order, stopping at the page's end: the
/// meeting's, the addressee's parts or the network's (few rows, sorted when the order is
/// not theirs), the open recommendations by due date or by last activity, one area's or
/// one sector's links, or one status; without any, the recommendations themselves. Every
/// other condition is checked along the walk, by key. The area, sector or status walked is
/// written in as a code ([`Query::code`]): how many rows it has decides the plan.
pub fn list(conn: &mut DbConn, f: &Filter, limit: i64, after: Option<After>) -> DbResult<Vec<SummaryRow>> {
    let mut q = Query::new(conn, SUMMARY);
    let (mut areas, mut sectors, mut statuses) = (f.areas.as_slice(), f.sectors.as_slice(), f.statuses.as_slice());
    let (mut by_network, mut by_addressee, mut by_due, mut by_activity) = (false, false, false, false);
    let order = f.order();
    let key;
    if let Some(m) = &f.meeting {
        key = "r.id";
        q.push(" FROM recommendations r WHERE r.meeting_id = ").text(m.as_str());
    } else if let Some(org) = &f.addressee {
        key = "d.recommendation_id";
        by_addressee = true;
        q.push(
            " FROM recommendation_parts d JOIN recommendations r ON r.id = d.recommendation_id \
             WHERE d.organization_id = ",
        )
        .text(org.as_str());
    } else if let Some(n) = &f.network {
        key = "r.id";
        by_network = true;
        q.push(" FROM recommendations r WHERE r.network_id = ").text(n.as_str());
    } else if let (Some(day), Order::DueFirst) = (f.overdue_on, order) {
        key = "r.id";
        by_due = true;
        q.push(&format!(" FROM recommendations r WHERE r.status IN {OPEN} AND r.due_on < ")).bind(Bind::Date(day));
    } else if let (Some(t), Order::SilentFirst) = (f.stale_since, order) {
        key = "r.id";
        by_activity = true;
        q.push(&format!(" FROM recommendations r WHERE r.status IN {OPEN} AND r.last_activity_at < "))
            .bind(Bind::Time(t));
    } else if let [area] = areas {
        key = "d.recommendation_id";
        q.push(" FROM recommendation_areas d JOIN recommendations r ON r.id = d.recommendation_id WHERE d.area_id = ")
            .code(area);
        areas = &[];
    } else if let [sector] = sectors {
        key = "d.recommendation_id";
        q.push(
            " FROM recommendation_sectors d JOIN recommendations r ON r.id = d.recommendation_id \
             WHERE d.sector_code = ",
        )
        .code(sector);
        sectors = &[];
    } else if let [status] = statuses {
        key = "r.id";
        q.push(" FROM recommendations r WHERE r.status = ").code(status.as_str());
        statuses = &[];
    } else {
        key = "r.id";
        q.push(" FROM recommendations r WHERE 1 = 1");
    }
    match after {
        Some(After::Id(a)) => {
            q.push(&format!(" AND {key} < ")).text(a);
        }
        Some(After::Due(k, a)) => {
            q.push(" AND (r.due_on, r.id) > (").bind(Bind::Date(k)).push(", ").text(a).push(")");
        }
        Some(After::Silent(k, a)) => {
            q.push(" AND (r.last_activity_at, r.id) > (").bind(Bind::Time(k)).push(", ").text(a).push(")");
        }
        None => {}
    }
    if let (Some(n), false) = (&f.network, by_network) {
        q.push(" AND r.network_id = ").text(n.as_str());
    }
    if let (Some(o), false) = (&f.addressee, by_addressee) {
        q.push(" AND EXISTS (SELECT 1 FROM recommendation_parts x WHERE x.recommendation_id = r.id AND x.organization_id = ")
            .text(o.as_str())
            .push(")");
    }
    if f.office {
        q.push(
            " AND EXISTS (SELECT 1 FROM recommendation_parts x WHERE x.recommendation_id = r.id \
             AND x.organization_id IS NULL)",
        );
    }
    if !areas.is_empty() {
        q.push(" AND EXISTS (SELECT 1 FROM recommendation_areas x WHERE x.recommendation_id = r.id AND x.area_id");
        q.any(areas).push(")");
    }
    if !sectors.is_empty() {
        q.push(
            " AND EXISTS (SELECT 1 FROM recommendation_sectors x WHERE x.recommendation_id = r.id \
             AND x.sector_code",
        );
        q.any(sectors).push(")");
    }
    if !statuses.is_empty() {
        let s: Vec<String> = statuses.iter().map(|s| s.as_str().to_owned()).collect();
        q.push(" AND r.status").any(&s);
    }
    if !f.priorities.is_empty() {
        let p: Vec<String> = f.priorities.iter().map(|s| s.as_str().to_owned()).collect();
        q.push(" AND r.priority").any(&p);
    }
    if let (Some(day), false) = (f.overdue_on, by_due) {
        q.push(&format!(" AND r.status IN {OPEN} AND r.due_on < ")).bind(Bind::Date(day));
    }
    if let (Some(t), false) = (f.stale_since, by_activity) {
        q.push(&format!(" AND r.status IN {OPEN} AND r.last_activity_at < ")).bind(Bind::Time(t));
    }
    scope(&mut q, &f.scope);
    let order_by = match order {
        Order::Newest => format!("{key} DESC"),
        Order::DueFirst => "r.due_on, r.id".to_owned(),
        Order::SilentFirst => "r.last_activity_at, r.id".to_owned(),
    };
    q.push(&format!(" ORDER BY {order_by}")).limit(limit);
    q.load(conn)
}

fn scope(q: &mut Query, scope: &Scope) {
    if let Scope::Within { orgs, networks, coordinated } = scope {
        q.push(" AND (r.network_id").any(coordinated);
        q.push(" OR (r.meeting_id IS NULL AND r.network_id").any(networks).push(")");
        q.push(
            " OR EXISTS (SELECT 1 FROM recommendation_parts x WHERE x.recommendation_id = r.id \
             AND x.organization_id",
        );
        q.any(orgs).push(")");
        // A scalar subquery, looked up by key for each row walked: as `EXISTS`, PostgreSQL
        // hashes every public meeting first, on every request.
        q.push(" OR (SELECT x.visibility = 'public' OR (x.visibility = 'network' AND x.network_id");
        q.any(networks).push(") FROM meetings x WHERE x.id = r.meeting_id)");
        q.push(
            " OR EXISTS (SELECT 1 FROM meeting_organizers x WHERE x.meeting_id = r.meeting_id \
             AND x.organization_id",
        );
        q.any(orgs).push(")");
        q.push(
            " OR EXISTS (SELECT 1 FROM meeting_invitations x WHERE x.meeting_id = r.meeting_id \
             AND x.organization_id",
        );
        q.any(orgs).push("))");
    }
}

/// Whether `scope` lets its holder see recommendation `id`.
pub fn is_visible(conn: &mut DbConn, id: &str, s: &Scope) -> DbResult<bool> {
    Ok(!visible_among(conn, &[id.to_owned()], s)?.is_empty())
}

/// Which of `ids` the scope sees.
pub fn visible_among(conn: &mut DbConn, ids: &[String], s: &Scope) -> DbResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct One {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut q = Query::new(conn, "SELECT r.id FROM recommendations r WHERE r.id");
    q.any(ids);
    scope(&mut q, s);
    Ok(q.load::<One>(conn)?.into_iter().map(|r| r.id).collect())
}

#[derive(QueryableByName)]
struct OwedRow {
    #[diesel(embed)]
    summary: SummaryRow,
    #[diesel(sql_type = diesel::sql_types::Text)]
    part_id: PartId,
    #[diesel(sql_type = diesel::sql_types::Text)]
    part_state: PartState,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    part_progress: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    part_update_at: Option<NaiveDateTime>,
}

/// What `org` owes: its parts not declined nor implemented, of adopted recommendations not
/// closed, soonest due first (no due date last), after `after` (`(due key, recommendation id)`).
pub fn owed(
    conn: &mut DbConn,
    org: &str,
    limit: i64,
    after: Option<(NaiveDate, &str)>,
    today: NaiveDate,
    names: impl FnOnce(&mut DbConn, &[OrganizationId]) -> DbResult<HashMap<OrganizationId, Names>>,
) -> DbResult<Vec<(NaiveDate, OwedPart)>> {
    let never = NaiveDate::MAX.min(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX));
    let due_key = "COALESCE(r.due_on, '9999-12-31')";
    let mut q = Query::new(
        conn,
        &format!(
            "{SUMMARY}, d.id AS part_id, d.state AS part_state, d.progress AS part_progress, \
             d.last_update_at AS part_update_at FROM recommendation_parts d \
             JOIN recommendations r ON r.id = d.recommendation_id WHERE d.organization_id = "
        ),
    );
    q.text(org);
    q.push(&format!(" AND d.state IN ('awaiting_answer', 'accepted', 'awaiting_verification') AND r.status IN {OPEN}"));
    if let Some((k, id)) = after {
        q.push(&format!(" AND ({due_key} > ")).bind(Bind::Date(k));
        q.push(&format!(" OR ({due_key} = ")).bind(Bind::Date(k));
        q.push(" AND r.id > ").text(id).push("))");
    }
    q.push(&format!(" ORDER BY {due_key}, r.id")).limit(limit);
    let rows: Vec<OwedRow> = q.load(conn)?;
    let keys: Vec<NaiveDate> = rows.iter().map(|r| r.summary.due_on.unwrap_or(never)).collect();
    let parts: Vec<_> =
        rows.iter().map(|r| (r.part_id.clone(), r.part_state, r.part_progress, r.part_update_at)).collect();
    let summaries = summaries(conn, rows.into_iter().map(|r| r.summary).collect(), today, names)?;
    Ok(keys
        .into_iter()
        .zip(parts)
        .zip(summaries)
        .map(|((k, (part_id, state, progress, at)), recommendation)| {
            (k, OwedPart { part_id, state, progress, last_update_at: at.map(from_db_time), recommendation })
        })
        .collect())
}
