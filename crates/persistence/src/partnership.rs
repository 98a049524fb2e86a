//! Partnerships, their parties, and the sector and area links lists filter by.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tashbeek_domain::organization::VerificationStatus;
use tashbeek_domain::partnership::{
    ContributionKind, ContributionValue, Partnership, PartnershipInput, PartnershipKind, PartnershipRecord,
    PartnershipStatus, PartnershipSummary, Party, PartyRole, PartyState, PartySummary,
};
use tashbeek_domain::{OrganizationId, PartnershipId, UserId};

use crate::error::{DbError, DbResult};
use crate::json::Json;
use crate::later::insert_now;
use crate::schema::{organizations, partnership_areas, partnership_parties, partnership_sectors, partnerships};
use crate::sql::{Bind, Query};
use crate::{from_db_time, new_id, DbConn};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = partnerships, treat_none_as_null = true)]
pub struct PartnershipRow {
    pub id: PartnershipId,
    pub title_ar: Option<String>,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub kind: PartnershipKind,
    pub sector_codes: Json<Vec<String>>,
    pub area_ids: Json<Vec<String>>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub objectives: Json<Vec<String>>,
    pub proposed_by: Option<OrganizationId>,
    pub stage: PartnershipStatus,
    pub public: bool,
    pub confirmed_at: Option<NaiveDateTime>,
    pub first_confirmed_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub ended_reason: Option<String>,
    pub terms_version: i64,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

fn json<T: serde::Serialize>(v: T) -> DbResult<Json<T>> {
    Json::new(v).map_err(|e| DbError::Corrupt(format!("partnership document: {e}")))
}

impl PartnershipRow {
    /// A new proposal with `input`'s terms (validated, references checked).
    pub fn new(input: &PartnershipInput, created_by: Option<&UserId>, now: NaiveDateTime) -> DbResult<Self> {
        let mut row = PartnershipRow {
            id: new_id(),
            title_ar: None,
            title_en: None,
            description: None,
            kind: input.kind,
            sector_codes: Json::default(),
            area_ids: Json::default(),
            starts_on: None,
            ends_on: None,
            objectives: Json::default(),
            proposed_by: input.proposed_by.clone(),
            stage: PartnershipStatus::Proposed,
            public: false,
            confirmed_at: None,
            first_confirmed_at: None,
            ended_at: None,
            ended_reason: None,
            terms_version: 1,
            created_by: created_by.cloned(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        row.apply(input)?;
        Ok(row)
    }

    /// Takes the shared terms of `input` (the parties are rows of their own).
    pub fn apply(&mut self, i: &PartnershipInput) -> DbResult<()> {
        self.title_ar = i.title_ar.clone();
        self.title_en = i.title_en.clone();
        self.description = i.description.clone();
        self.kind = i.kind;
        self.sector_codes = json(i.sectors.clone())?;
        self.area_ids = json(i.areas.clone())?;
        self.starts_on = i.starts_on;
        self.ends_on = i.ends_on;
        self.objectives = json(i.objectives.clone())?;
        Ok(())
    }

    /// Sets the stage from the parties' states (and an ending), keeping the confirmation
    /// times: `confirmed_at` while every party confirms the current terms.
    pub fn derive_stage(&mut self, states: impl IntoIterator<Item = PartyState>, now: NaiveDateTime) {
        let stage = tashbeek_domain::partnership::stage_of(states, self.ended_at.is_some());
        match stage {
            PartnershipStatus::Confirmed => {
                if self.stage != PartnershipStatus::Confirmed || self.confirmed_at.is_none() {
                    self.confirmed_at = Some(now);
                }
                self.first_confirmed_at.get_or_insert(now);
            }
            PartnershipStatus::Ended => {}
            _ => self.confirmed_at = None,
        }
        self.stage = stage;
    }

    pub fn into_domain(self, parties: Vec<Party>, today: NaiveDate) -> Partnership {
        let confirmed_count = parties.iter().filter(|p| p.state == PartyState::Confirmed).count() as i64;
        Partnership {
            status: tashbeek_domain::partnership::status_on(self.stage, self.starts_on, self.ends_on, today),
            id: self.id,
            title_ar: self.title_ar,
            title_en: self.title_en,
            description: self.description,
            kind: self.kind,
            sectors: self.sector_codes.into_inner(),
            areas: self.area_ids.into_inner(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            objectives: self.objectives.into_inner(),
            parties,
            proposed_by: self.proposed_by,
            confirmed_count,
            confirmed_at: self.confirmed_at.map(from_db_time),
            ended_at: self.ended_at.map(from_db_time),
            ended_reason: self.ended_reason,
            terms_version: self.terms_version,
            public: self.public,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
            version: self.version,
        }
    }
}

/// A list item's columns: no description, objectives or reasons.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = partnerships)]
pub struct SummaryRow {
    pub id: PartnershipId,
    pub title_ar: Option<String>,
    pub title_en: Option<String>,
    pub kind: PartnershipKind,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub stage: PartnershipStatus,
    pub confirmed_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl SummaryRow {
    pub fn into_summary(self, parties: Vec<PartySummary>, today: NaiveDate) -> PartnershipSummary {
        PartnershipSummary {
            status: tashbeek_domain::partnership::status_on(self.stage, self.starts_on, self.ends_on, today),
            confirmed_count: parties.iter().filter(|p| p.state == PartyState::Confirmed).count() as i64,
            id: self.id,
            title_ar: self.title_ar,
            title_en: self.title_en,
            kind: self.kind,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            parties,
            confirmed_at: self.confirmed_at.map(from_db_time),
            updated_at: from_db_time(self.updated_at),
            version: self.version,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = partnership_parties)]
pub struct PartyRow {
    pub partnership_id: PartnershipId,
    pub organization_id: OrganizationId,
    pub position: i32,
    pub role: PartyRole,
    pub contribution: Option<String>,
    pub value_kind: Option<ContributionKind>,
    pub value_amount: Option<i64>,
    pub value_currency: Option<String>,
    pub state: PartyState,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_by: Option<UserId>,
    pub comment: Option<String>,
}

impl PartyRow {
    pub fn value(&self) -> Option<ContributionValue> {
        match (self.value_kind, self.value_amount, &self.value_currency) {
            (Some(kind), Some(amount), Some(currency)) => {
                Some(ContributionValue { kind, amount, currency: currency.clone() })
            }
            _ => None,
        }
    }

    fn into_party(self, names: (Option<String>, Option<String>)) -> Party {
        Party {
            value: self.value(),
            organization_id: self.organization_id,
            name_ar: names.0,
            name_en: names.1,
            role: self.role,
            contribution: self.contribution,
            state: self.state,
            answered_at: self.answered_at.map(from_db_time),
            comment: self.comment,
        }
    }
}

/// Every area of `paths` (materialized, `/SD/SD-RN/`) and every area above them, once.
pub(crate) fn area_closure(paths: &[String]) -> Vec<String> {
    let mut out: Vec<String> =
        paths.iter().flat_map(|p| p.split('/').filter(|s| !s.is_empty())).map(str::to_owned).collect();
    out.sort();
    out.dedup();
    out
}

fn write_links(conn: &mut DbConn, row: &PartnershipRow, area_paths: &[String]) -> DbResult<()> {
    let id = row.id.as_str();
    let sectors: Vec<_> = row
        .sector_codes
        .get()
        .iter()
        .map(|c| (partnership_sectors::sector_code.eq(c.as_str()), partnership_sectors::partnership_id.eq(id)))
        .collect();
    insert_now!(conn, partnership_sectors::table, sectors);
    let closure = area_closure(area_paths);
    let areas: Vec<_> = closure
        .iter()
        .map(|a| (partnership_areas::area_id.eq(a.as_str()), partnership_areas::partnership_id.eq(id)))
        .collect();
    insert_now!(conn, partnership_areas::table, areas);
    Ok(())
}

pub fn insert(conn: &mut DbConn, row: &PartnershipRow, parties: &[PartyRow], area_paths: &[String]) -> DbResult<()> {
    diesel::insert_into(partnerships::table).values(row).execute(conn)?;
    insert_now!(conn, partnership_parties::table, parties.to_vec());
    write_links(conn, row, area_paths)
}

/// Replaces the terms (row, parties, links) if the stored version is still `expected`.
pub fn replace_terms(
    conn: &mut DbConn,
    row: &PartnershipRow,
    expected: i64,
    parties: &[PartyRow],
    area_paths: &[String],
) -> DbResult<bool> {
    if !update(conn, row, expected)? {
        return Ok(false);
    }
    let id = row.id.as_str();
    diesel::delete(partnership_parties::table.filter(partnership_parties::partnership_id.eq(id))).execute(conn)?;
    diesel::delete(partnership_sectors::table.filter(partnership_sectors::partnership_id.eq(id))).execute(conn)?;
    diesel::delete(partnership_areas::table.filter(partnership_areas::partnership_id.eq(id))).execute(conn)?;
    insert_now!(conn, partnership_parties::table, parties.to_vec());
    write_links(conn, row, area_paths)?;
    Ok(true)
}

/// Stores the row if its stored version is still `expected`; false when someone changed it first.
pub fn update(conn: &mut DbConn, row: &PartnershipRow, expected: i64) -> DbResult<bool> {
    let n = diesel::update(
        partnerships::table.filter(partnerships::id.eq(&row.id)).filter(partnerships::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

pub fn get(conn: &mut DbConn, id: &str) -> DbResult<PartnershipRow> {
    Ok(partnerships::table.find(id).select(PartnershipRow::as_select()).first(conn)?)
}

/// Loads a partnership to change it, locking its row on PostgreSQL: answers from two
/// parties at the same moment are applied one after the other, and both count.
pub fn get_for_update(conn: &mut DbConn, id: &str) -> DbResult<PartnershipRow> {
    match conn {
        DbConn::Pg(c) => Ok(partnerships::table.find(id).select(PartnershipRow::as_select()).for_update().first(c)?),
        DbConn::Sqlite(_) => get(conn, id),
    }
}

/// The party rows of one partnership, in their stated order.
pub fn party_rows(conn: &mut DbConn, id: &str) -> DbResult<Vec<PartyRow>> {
    Ok(partnership_parties::table
        .filter(partnership_parties::partnership_id.eq(id))
        .order(partnership_parties::position)
        .select(PartyRow::as_select())
        .load(conn)?)
}

/// The parties of one partnership with their organizations' names.
pub fn parties(conn: &mut DbConn, id: &str) -> DbResult<Vec<Party>> {
    let rows: Vec<(PartyRow, Option<String>, Option<String>)> = partnership_parties::table
        .inner_join(organizations::table)
        .filter(partnership_parties::partnership_id.eq(id))
        .order(partnership_parties::position)
        .select((PartyRow::as_select(), organizations::name_ar, organizations::name_en))
        .load(conn)?;
    Ok(rows.into_iter().map(|(p, ar, en)| p.into_party((ar, en))).collect())
}

/// The parties of each partnership in `ids`, for list items, without their names (list
/// items take them from the process's names cache, `tashbeek_app::names`).
pub fn party_summaries(
    conn: &mut DbConn,
    ids: &[PartnershipId],
) -> DbResult<HashMap<PartnershipId, Vec<PartySummary>>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        partnership_id: PartnershipId,
        #[diesel(sql_type = diesel::sql_types::Text)]
        organization_id: OrganizationId,
        #[diesel(sql_type = diesel::sql_types::Text)]
        role: PartyRole,
        #[diesel(sql_type = diesel::sql_types::Text)]
        state: PartyState,
    }
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    // From a covering key (named on SQLite, whose planner prefers the unique one), so a
    // page's hundred-odd parties are read from a compact key that stays cached.
    let mut q =
        Query::new(conn, "SELECT pp.partnership_id, pp.organization_id, pp.role, pp.state FROM partnership_parties pp");
    q.index_hint("partnership_parties_summary").push(" WHERE pp.partnership_id");
    let ids: Vec<String> = ids.iter().map(|i| i.as_str().to_owned()).collect();
    q.any(&ids).push(" ORDER BY pp.partnership_id, pp.position");
    let rows: Vec<Row> = q.load(conn)?;
    let mut out: HashMap<PartnershipId, Vec<PartySummary>> = HashMap::new();
    for r in rows {
        out.entry(r.partnership_id).or_default().push(PartySummary {
            organization_id: r.organization_id,
            name_ar: None,
            name_en: None,
            role: r.role,
            state: r.state,
        });
    }
    Ok(out)
}

/// Records one party's answer.
pub fn set_answer(
    conn: &mut DbConn,
    id: &str,
    org: &str,
    state: PartyState,
    by: &str,
    comment: Option<&str>,
    at: NaiveDateTime,
) -> DbResult<()> {
    diesel::update(partnership_parties::table.find((id, org)))
        .set((
            partnership_parties::state.eq(state),
            partnership_parties::answered_at.eq(at),
            partnership_parties::answered_by.eq(by),
            partnership_parties::comment.eq(comment),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether every party of `id` is a verified organization in the directory (not archived).
pub fn parties_public(conn: &mut DbConn, id: &str) -> DbResult<bool> {
    let hidden: i64 = partnership_parties::table
        .inner_join(organizations::table)
        .filter(partnership_parties::partnership_id.eq(id))
        .filter(
            organizations::verification_status
                .ne(VerificationStatus::Verified.as_str())
                .or(organizations::archived_at.is_not_null()),
        )
        .count()
        .get_result(conn)?;
    Ok(hidden == 0)
}

/// Recomputes `public` for the partnerships of organization `org` (its verification or
/// archive changed, in this transaction); returns how many changed. Each partnership is
/// locked (PostgreSQL, in id order, so two such changes never deadlock) and read again, so
/// an answer or amendment committed meanwhile is not overwritten from a stale read.
pub fn refresh_public_of(conn: &mut DbConn, org: &str, now: NaiveDateTime) -> DbResult<usize> {
    let mut ids: Vec<PartnershipId> = partnership_parties::table
        .filter(partnership_parties::organization_id.eq(org))
        .select(partnership_parties::partnership_id)
        .load(conn)?;
    ids.sort();
    let mut changed = 0;
    for id in ids {
        let row = get_for_update(conn, &id)?;
        let public = row.confirmed_at.is_some() && parties_public(conn, &id)?;
        if public != row.public {
            diesel::update(partnerships::table.find(id.as_str()))
                .set((
                    partnerships::public.eq(public),
                    partnerships::version.eq(row.version + 1),
                    partnerships::updated_at.eq(now),
                ))
                .execute(conn)?;
            changed += 1;
        }
    }
    if changed > 0 {
        bump_graph(conn)?;
    }
    Ok(changed)
}

/// Who may see which partnerships in a list.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Platform administrators and observers.
    All,
    /// The public ones, and those of these organizations (the caller's own).
    PublicAnd(Vec<String>),
}

/// A partnership list request, checked for shape.
#[derive(Debug, Clone)]
pub struct Filter {
    pub organization: Option<OrganizationId>,
    /// Area ids: a partnership in any area below one of them matches.
    pub areas: Vec<String>,
    pub sectors: Vec<String>,
    pub statuses: Vec<PartnershipStatus>,
    /// The one area asked for is a whole country: with one sector, the sector (typically
    /// the fewer partnerships) is walked rather than the country.
    pub country_wide: bool,
    /// Only those where one of these organizations' answer is awaited.
    pub awaiting: Option<Vec<String>>,
    pub scope: Scope,
    pub today: NaiveDate,
}

/// The link a list or the graph walks, with the value asked for.
#[derive(Clone, Copy)]
enum Drive<'a> {
    Organization(&'a str),
    Area(&'a str),
    Sector(&'a str),
}

impl Drive<'_> {
    fn table(self) -> &'static str {
        match self {
            Drive::Organization(_) => "partnership_parties",
            Drive::Area(_) => "partnership_areas",
            Drive::Sector(_) => "partnership_sectors",
        }
    }

    /// ` WHERE d.column = value`: an area or a sector written in as a code (how many rows
    /// it has decides the plan); an organization, one of 100,000 with a few rows each,
    /// bound.
    fn filter(self, q: &mut Query) {
        match self {
            Drive::Organization(org) => q.push(" WHERE d.organization_id = ").text(org),
            Drive::Area(area) => q.push(" WHERE d.area_id = ").code(area),
            Drive::Sector(sector) => q.push(" WHERE d.sector_code = ").code(sector),
        };
    }
}

/// What a list or the graph walks: the rows of a link, or else every partnership; and the
/// areas and sectors each partnership must also have one of.
struct Walk<'a> {
    drive: Option<Drive<'a>>,
    areas: &'a [String],
    sectors: &'a [String],
    /// The key SQLite must read the partnerships by (`INDEXED BY`), where its planner
    /// would pick a worse one.
    partnerships_by: Option<&'static str>,
}

/// ` FROM … WHERE …` of `w`, with `joins` to each partnership (`p`); returns the partnership
/// id of the rows walked. Walking a link (`d`), it is the link's own, so the other links
/// are checked before the partnership's row is read. A link of one value is joined on
/// PostgreSQL, which then walks its key beside the driving one in partnership order (a
/// merge), where a probe for each row walked would read the partnership first; the others
/// are probes (`EXISTS`). Areas and sectors are written in as codes ([`Query::code`]): how
/// many rows a code has decides between merging and probing.
fn from(q: &mut Query, w: &Walk, joins: &str) -> &'static str {
    let pg = q.pg();
    let key = match w.drive {
        Some(d) => {
            q.push(&format!(" FROM {} d JOIN partnerships p", d.table()));
            if let Some(index) = w.partnerships_by {
                q.index_hint(index);
            }
            q.push(" ON p.id = d.partnership_id");
            "d.partnership_id"
        }
        None => {
            q.push(" FROM partnerships p");
            if let Some(index) = w.partnerships_by {
                q.index_hint(index);
            }
            "p.id"
        }
    };
    q.push(joins);
    let links = [("partnership_areas", "area_id", w.areas), ("partnership_sectors", "sector_code", w.sectors)];
    let joined = |values: &[String]| pg && values.len() == 1;
    for (table, column, values) in links {
        if joined(values) {
            q.push(&format!(" JOIN {table} ON {table}.partnership_id = {key} AND {table}.{column} = "));
            q.code(&values[0]);
        }
    }
    match w.drive {
        Some(d) => d.filter(q),
        None => {
            q.push(" WHERE 1 = 1");
        }
    }
    for (table, column, values) in links {
        if !values.is_empty() && !joined(values) {
            q.push(&format!(" AND EXISTS (SELECT 1 FROM {table} x WHERE x.partnership_id = {key} AND x.{column}"));
            q.any(values).push(")");
        }
    }
    key
}

/// ` AND (…)` of `status`: stage `confirmed` is split by the dates into confirmed (not
/// begun), active and completed.
fn status(q: &mut Query, s: PartnershipStatus, today: NaiveDate) {
    let confirmed = "p.stage = 'confirmed'";
    match s {
        PartnershipStatus::Confirmed => {
            q.push(&format!("({confirmed} AND p.starts_on IS NOT NULL AND p.starts_on > "));
            q.bind(Bind::Date(today)).push(")");
        }
        PartnershipStatus::Active => {
            q.push(&format!("({confirmed} AND (p.starts_on IS NULL OR p.starts_on <= "));
            q.bind(Bind::Date(today)).push(") AND (p.ends_on IS NULL OR p.ends_on >= ");
            q.bind(Bind::Date(today)).push("))");
        }
        PartnershipStatus::Completed => {
            q.push(&format!("({confirmed} AND p.ends_on IS NOT NULL AND p.ends_on < "));
            q.bind(Bind::Date(today)).push(")");
        }
        other => {
            q.push("p.stage = ").text(other.as_str());
        }
    }
}

/// Partnerships matching `f`, newest first (ids are time-ordered), after id `after`.
///
/// One link drives the statement: the organization's parties, else the one area (unless a
/// whole country with one sector), else the one sector asked for. Their keys
/// `(organization_id | area_id | sector_code, partnership_id)` hold that link's
/// partnerships newest first, so the statement walks them in order and stops at the
/// page's end, checking every other condition on the way (a dense area: a few rows; a rare
/// one: all of its few). Without such a link it walks the partnerships themselves. Other
/// links are checked as [`from`] says, the inbox's few partnerships are looked up by id.
pub fn list(conn: &mut DbConn, f: &Filter, limit: i64, after: Option<&str>) -> DbResult<Vec<SummaryRow>> {
    let mut q = Query::new(
        conn,
        "SELECT p.id, p.title_ar, p.title_en, p.kind, p.starts_on, p.ends_on, p.stage, p.confirmed_at, \
         p.updated_at, p.version",
    );
    let (mut areas, mut sectors) = (f.areas.as_slice(), f.sectors.as_slice());
    let drive = if let Some(org) = &f.organization {
        Some(Drive::Organization(org.as_str()))
    } else if let ([area], false) = (areas, f.country_wide && matches!(sectors, [_])) {
        areas = &[];
        Some(Drive::Area(area.as_str()))
    } else if let [sector] = sectors {
        sectors = &[];
        Some(Drive::Sector(sector.as_str()))
    } else {
        None
    };
    let key = from(&mut q, &Walk { drive, areas, sectors, partnerships_by: None }, "");
    if let Some(a) = after {
        q.push(&format!(" AND {key} < ")).text(a);
    }
    if let Some(orgs) = &f.awaiting {
        // A few partnerships at most: looked up by id, not probed for along the walk.
        q.push(
            " AND p.stage IN ('proposed', 'declined') AND p.id IN (SELECT x.partnership_id \
                 FROM partnership_parties x WHERE x.state = 'awaiting' AND x.organization_id",
        );
        q.any(orgs).push(")");
    }
    // In one order, so the order asked in does not make another statement.
    let mut statuses = f.statuses.clone();
    statuses.sort_by_key(|s| s.as_str());
    statuses.dedup();
    if let Some((first, rest)) = statuses.split_first() {
        q.push(" AND (");
        status(&mut q, *first, f.today);
        for s in rest {
            q.push(" OR ");
            status(&mut q, *s, f.today);
        }
        q.push(")");
    }
    if let Scope::PublicAnd(own) = &f.scope {
        // A literal, so PostgreSQL's plan may walk the partial key of public partnerships.
        q.push(" AND (p.public = TRUE");
        if !own.is_empty() {
            q.push(
                " OR EXISTS (SELECT 1 FROM partnership_parties x WHERE x.partnership_id = p.id AND x.organization_id",
            );
            q.any(own).push(")");
        }
        q.push(")");
    }
    q.push(&format!(" ORDER BY {key} DESC")).limit(limit);
    q.load(conn)
}

/// An organization's record: partnerships confirmed with it (the public ones only when
/// `public_only`), proposals and how many of those every party confirmed.
pub fn record_of(conn: &mut DbConn, org: &str, public_only: bool) -> DbResult<PartnershipRecord> {
    use partnerships as p;
    let mut confirmed = p::table.into_boxed();
    if public_only {
        confirmed = confirmed.filter(p::public.eq(true));
    }
    let confirmed: i64 = confirmed
        .filter(
            p::id.eq_any(
                partnership_parties::table
                    .filter(partnership_parties::organization_id.eq(org))
                    .select(partnership_parties::partnership_id),
            ),
        )
        .filter(p::confirmed_at.is_not_null())
        .count()
        .get_result(conn)?;
    let proposed: i64 = p::table.filter(p::proposed_by.eq(org)).count().get_result(conn)?;
    let proposed_confirmed: i64 =
        p::table.filter(p::proposed_by.eq(org)).filter(p::first_confirmed_at.is_not_null()).count().get_result(conn)?;
    Ok(PartnershipRecord { confirmed, proposed, proposed_confirmed })
}

/// The graph's generation: it changes with the confirmed, public partnerships.
pub fn graph_generation(conn: &mut DbConn) -> DbResult<i64> {
    use crate::schema::partnership_graph_state as g;
    Ok(g::table.find(1).select(g::generation).first(conn)?)
}

/// Marks the graph changed, in the transaction of the change.
pub fn bump_graph(conn: &mut DbConn) -> DbResult<()> {
    use crate::schema::partnership_graph_state as g;
    diesel::update(g::table.find(1)).set(g::generation.eq(g::generation + 1)).execute(conn)?;
    Ok(())
}

/// The parties of every confirmed public partnership in `areas` (with everything below
/// them) and `sectors`: what the graph is laid out from. Driven by the one area or sector
/// asked for, as lists are.
pub fn graph_parties(
    conn: &mut DbConn,
    areas: &[String],
    sectors: &[String],
) -> DbResult<Vec<(PartnershipId, OrganizationId)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        partnership_id: PartnershipId,
        #[diesel(sql_type = diesel::sql_types::Text)]
        organization_id: OrganizationId,
    }
    let mut q = Query::new(conn, "SELECT pp.partnership_id, pp.organization_id");
    let (drive, areas, sectors) = match (areas, sectors) {
        ([area], _) => (Some(Drive::Area(area.as_str())), &[][..], sectors),
        (_, [sector]) => (Some(Drive::Sector(sector.as_str())), areas, &[][..]),
        _ => (None, areas, sectors),
    };
    // SQLite's planner prefers `partnerships_stage (stage, id)`, which reads each row for
    // `public`: twice the time for a state.
    let walk = Walk { drive, areas, sectors, partnerships_by: Some("partnerships_graph") };
    from(&mut q, &walk, " JOIN partnership_parties pp ON pp.partnership_id = p.id");
    // Literals, as the partial key `partnerships_graph` is written, so both backends use it.
    q.push(" AND p.public = TRUE AND p.stage = 'confirmed'");
    Ok(q.load::<Row>(conn)?.into_iter().map(|r| (r.partnership_id, r.organization_id)).collect())
}

/// An organization's Arabic and English names.
pub type Names = (Option<String>, Option<String>);

/// Names of organizations, by id, read from the `organizations_names` key rather than the
/// rows (with their descriptions and search text): a graph names 300 organizations.
pub fn names_of(conn: &mut DbConn, ids: &[OrganizationId]) -> DbResult<HashMap<OrganizationId, Names>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: OrganizationId,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        name_ar: Option<String>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        name_en: Option<String>,
    }
    let ids: Vec<String> = ids
        .iter()
        .map(|i| i.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Query::new(conn, "SELECT o.id, o.name_ar, o.name_en FROM organizations o");
    q.index_hint("organizations_names").push(" WHERE o.id").any(&ids);
    let rows: Vec<Row> = q.load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id, (r.name_ar, r.name_en))).collect())
}
