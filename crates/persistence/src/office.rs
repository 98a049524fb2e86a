//! Networks' coordination offices: terms of people in positions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tashbeek_domain::meeting::MeetingOrganization;
use tashbeek_domain::office::{OfficePosition, OfficeTerm};
use tashbeek_domain::{DecisionId, NetworkId, OfficeTermId, OrganizationId};

use crate::error::DbResult;
use crate::schema::{office_terms, organizations};
use crate::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = office_terms)]
pub struct TermRow {
    pub id: OfficeTermId,
    pub network_id: NetworkId,
    pub position: OfficePosition,
    pub person_name: String,
    pub organization_id: OrganizationId,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub decision_id: Option<DecisionId>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, rows: &[TermRow]) -> DbResult<()> {
    for r in rows {
        diesel::insert_into(office_terms::table).values(r).execute(conn)?;
    }
    Ok(())
}

/// Ends, the day before `starts_on`, the network's terms that began before it and would
/// still run on it (a new office replaces them); returns how many.
pub fn end_before(conn: &mut DbConn, network: &str, starts_on: NaiveDate) -> DbResult<usize> {
    let last_day = starts_on.pred_opt().unwrap_or(starts_on);
    Ok(diesel::update(
        office_terms::table
            .filter(office_terms::network_id.eq(network))
            .filter(office_terms::starts_on.lt(starts_on))
            .filter(office_terms::ends_on.is_null().or(office_terms::ends_on.ge(starts_on))),
    )
    .set(office_terms::ends_on.eq(last_day))
    .execute(conn)?)
}

type Row = (TermRow, Option<String>, Option<String>);

fn present(rows: Vec<Row>) -> Vec<OfficeTerm> {
    rows.into_iter()
        .map(|(t, name_ar, name_en)| OfficeTerm {
            id: t.id,
            position: t.position,
            person_name: t.person_name,
            organization: MeetingOrganization { organization_id: t.organization_id, name_ar, name_en },
            starts_on: t.starts_on,
            ends_on: t.ends_on,
            decision_id: t.decision_id,
        })
        .collect()
}

type Db = <DbConn as diesel::Connection>::Backend;
type Columns = (diesel::dsl::AsSelect<TermRow, Db>, organizations::name_ar, organizations::name_en);
type WithNames = diesel::dsl::Select<diesel::dsl::InnerJoin<office_terms::table, organizations::table>, Columns>;

/// Terms with their organizations' names.
fn with_names() -> WithNames {
    office_terms::table.inner_join(organizations::table).select((
        TermRow::as_select(),
        organizations::name_ar,
        organizations::name_en,
    ))
}

/// Who holds the network's positions on `on`, chair first.
pub fn on(conn: &mut DbConn, network: &str, on: NaiveDate) -> DbResult<Vec<OfficeTerm>> {
    let rows: Vec<Row> = with_names()
        .filter(office_terms::network_id.eq(network))
        .filter(office_terms::starts_on.le(on))
        .filter(office_terms::ends_on.is_null().or(office_terms::ends_on.ge(on)))
        .limit(200)
        .load(conn)?;
    let mut terms = present(rows);
    terms.sort_by_key(|t| (t.position.rank(), t.starts_on));
    Ok(terms)
}

/// Every term the network's office has had, newest first (at most `limit`).
pub fn history(conn: &mut DbConn, network: &str, limit: i64) -> DbResult<Vec<OfficeTerm>> {
    let rows: Vec<Row> = with_names()
        .filter(office_terms::network_id.eq(network))
        .order((office_terms::starts_on.desc(), office_terms::id))
        .limit(limit)
        .load(conn)?;
    let mut terms = present(rows);
    terms.sort_by(|a, b| b.starts_on.cmp(&a.starts_on).then(a.position.rank().cmp(&b.position.rank())));
    Ok(terms)
}

/// The terms a decision made.
pub fn of_decisions(conn: &mut DbConn, decisions: &[DecisionId]) -> DbResult<Vec<OfficeTerm>> {
    let rows: Vec<Row> = with_names().filter(office_terms::decision_id.eq_any(decisions.to_vec())).load(conn)?;
    let mut terms = present(rows);
    terms.sort_by_key(|t| (t.position.rank(), t.starts_on));
    Ok(terms)
}
