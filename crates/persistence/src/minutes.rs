//! A meeting's record: agenda items and their working papers, minutes and their reviews,
//! decisions.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tashbeek_domain::meeting::{AgendaItemInput, MeetingOrganization, WorkingPaper};
use tashbeek_domain::minutes::{DecisionMethod, MinutesReview, MinutesStatus, ReviewVerdict};
use tashbeek_domain::{AgendaItemId, DecisionId, MeetingId, MinutesId, OrganizationId, UserId};

use crate::error::DbResult;
use crate::schema::{
    agenda_items, decisions, documents, meeting_participants, meetings, minutes, minutes_reviews, organizations,
    working_papers,
};
use crate::{from_db_time, new_id, DbConn};

/// Documents that are working papers have this owner kind (`documents.owner_kind`).
pub const OWNER_AGENDA_ITEM: &str = "agenda_item";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = agenda_items)]
pub struct AgendaItemRow {
    pub id: AgendaItemId,
    pub meeting_id: MeetingId,
    pub position: i32,
    pub title: String,
    pub presenter_id: Option<OrganizationId>,
    pub duration_minutes: Option<i32>,
    pub created_at: NaiveDateTime,
}

pub fn agenda_version(conn: &mut DbConn, meeting: &str) -> DbResult<i64> {
    Ok(meetings::table.find(meeting).select(meetings::agenda_version).first(conn)?)
}

pub fn agenda_rows(conn: &mut DbConn, meeting: &str) -> DbResult<Vec<AgendaItemRow>> {
    Ok(agenda_items::table
        .filter(agenda_items::meeting_id.eq(meeting))
        .order(agenda_items::position)
        .select(AgendaItemRow::as_select())
        .load(conn)?)
}

pub fn agenda_item(conn: &mut DbConn, id: &str) -> DbResult<Option<AgendaItemRow>> {
    Ok(agenda_items::table.find(id).select(AgendaItemRow::as_select()).first(conn).optional()?)
}

/// How many papers each of these items holds.
pub fn paper_counts(conn: &mut DbConn, items: &[AgendaItemId]) -> DbResult<Vec<(AgendaItemId, i64)>> {
    Ok(working_papers::table
        .filter(working_papers::agenda_item_id.eq_any(items.to_vec()))
        .group_by(working_papers::agenda_item_id)
        .select((working_papers::agenda_item_id, diesel::dsl::count_star()))
        .load(conn)?)
}

/// Replaces the agenda if its version is still `expected`: items with an id keep it (and
/// their papers), new ones get one, those left out are deleted. False when someone
/// changed it first.
pub fn replace_agenda(
    conn: &mut DbConn,
    meeting: &MeetingId,
    expected: i64,
    items: &[AgendaItemInput],
    now: NaiveDateTime,
) -> DbResult<bool> {
    let n =
        diesel::update(meetings::table.filter(meetings::id.eq(meeting)).filter(meetings::agenda_version.eq(expected)))
            .set(meetings::agenda_version.eq(expected + 1))
            .execute(conn)?;
    if n != 1 {
        return Ok(false);
    }
    let kept: Vec<AgendaItemId> = items.iter().filter_map(|i| i.id.clone()).collect();
    diesel::delete(
        agenda_items::table.filter(agenda_items::meeting_id.eq(meeting)).filter(agenda_items::id.ne_all(kept)),
    )
    .execute(conn)?;
    for (position, item) in items.iter().enumerate() {
        match &item.id {
            Some(id) => {
                diesel::update(agenda_items::table.find(id))
                    .set((
                        agenda_items::position.eq(position as i32),
                        agenda_items::title.eq(&item.title),
                        agenda_items::presenter_id.eq(&item.presenter_id),
                        agenda_items::duration_minutes.eq(item.duration_minutes),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(agenda_items::table)
                    .values(&AgendaItemRow {
                        id: new_id(),
                        meeting_id: meeting.clone(),
                        position: position as i32,
                        title: item.title.clone(),
                        presenter_id: item.presenter_id.clone(),
                        duration_minutes: item.duration_minutes,
                        created_at: now,
                    })
                    .execute(conn)?;
            }
        }
    }
    Ok(true)
}

/// Working papers of these items, oldest first.
pub fn papers(conn: &mut DbConn, items: &[AgendaItemId]) -> DbResult<Vec<(AgendaItemId, WorkingPaper)>> {
    let rows: Vec<(AgendaItemId, String, String, crate::document::DocumentRow)> = working_papers::table
        .inner_join(documents::table)
        .filter(working_papers::agenda_item_id.eq_any(items.to_vec()))
        .order(documents::created_at)
        .select((
            working_papers::agenda_item_id,
            working_papers::title,
            working_papers::authors,
            crate::document::DocumentRow::as_select(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(item, title, authors, d)| (item, WorkingPaper { document: d.into_domain(), title, authors }))
        .collect())
}

pub fn add_paper(conn: &mut DbConn, document: &str, item: &str, title: &str, authors: &str) -> DbResult<()> {
    diesel::insert_into(working_papers::table)
        .values((
            working_papers::document_id.eq(document),
            working_papers::agenda_item_id.eq(item),
            working_papers::title.eq(title),
            working_papers::authors.eq(authors),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn remove_paper(conn: &mut DbConn, document: &str) -> DbResult<()> {
    diesel::delete(working_papers::table.find(document)).execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = minutes)]
pub struct MinutesRow {
    pub id: MinutesId,
    pub meeting_id: MeetingId,
    pub corrects_id: Option<MinutesId>,
    pub body: String,
    pub status: MinutesStatus,
    pub required_percent: i32,
    pub circulated_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A meeting's minutes, oldest first (the original, then its corrections).
pub fn minutes_of(conn: &mut DbConn, meeting: &str) -> DbResult<Vec<MinutesRow>> {
    Ok(minutes::table
        .filter(minutes::meeting_id.eq(meeting))
        .order((minutes::created_at, minutes::id))
        .limit(100)
        .select(MinutesRow::as_select())
        .load(conn)?)
}

pub fn minutes_get(conn: &mut DbConn, meeting: &str, id: &str) -> DbResult<MinutesRow> {
    Ok(minutes::table
        .filter(minutes::id.eq(id))
        .filter(minutes::meeting_id.eq(meeting))
        .select(MinutesRow::as_select())
        .first(conn)?)
}

pub fn minutes_insert(conn: &mut DbConn, row: &MinutesRow) -> DbResult<()> {
    diesel::insert_into(minutes::table).values(row).execute(conn)?;
    Ok(())
}

/// Saves body, share, status and times if the version is still `expected`.
pub fn minutes_update(conn: &mut DbConn, row: &MinutesRow, expected: i64) -> DbResult<bool> {
    let n = diesel::update(minutes::table.filter(minutes::id.eq(&row.id)).filter(minutes::version.eq(expected)))
        .set((
            minutes::body.eq(&row.body),
            minutes::status.eq(row.status),
            minutes::required_percent.eq(row.required_percent),
            minutes::circulated_at.eq(row.circulated_at),
            minutes::approved_at.eq(row.approved_at),
            minutes::updated_at.eq(row.updated_at),
            minutes::version.eq(row.version),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Organizations at least one of whose people checked in, in name order.
pub fn attended(conn: &mut DbConn, meeting: &str) -> DbResult<Vec<MeetingOrganization>> {
    let rows: Vec<(OrganizationId, Option<String>, Option<String>)> = meeting_participants::table
        .inner_join(organizations::table)
        .filter(meeting_participants::meeting_id.eq(meeting))
        .filter(meeting_participants::checked_in_at.is_not_null())
        .select((meeting_participants::organization_id, organizations::name_ar, organizations::name_en))
        .distinct()
        .load(conn)?;
    let mut list: Vec<MeetingOrganization> = rows
        .into_iter()
        .map(|(organization_id, name_ar, name_en)| MeetingOrganization { organization_id, name_ar, name_en })
        .collect();
    list.sort_by(|a, b| (&a.name_ar, &a.name_en).cmp(&(&b.name_ar, &b.name_en)));
    Ok(list)
}

pub fn reviews(conn: &mut DbConn, minutes_id: &str) -> DbResult<Vec<MinutesReview>> {
    type Row = (OrganizationId, Option<String>, Option<String>, ReviewVerdict, Option<String>, NaiveDateTime);
    let rows: Vec<Row> = minutes_reviews::table
        .inner_join(organizations::table)
        .filter(minutes_reviews::minutes_id.eq(minutes_id))
        .order(minutes_reviews::reviewed_at)
        .select((
            minutes_reviews::organization_id,
            organizations::name_ar,
            organizations::name_en,
            minutes_reviews::verdict,
            minutes_reviews::comment,
            minutes_reviews::reviewed_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(organization_id, name_ar, name_en, verdict, comment, at)| MinutesReview {
            organization: MeetingOrganization { organization_id, name_ar, name_en },
            verdict,
            comment,
            reviewed_at: from_db_time(at),
        })
        .collect())
}

/// Records (or replaces) an organization's review.
pub fn set_review(
    conn: &mut DbConn,
    minutes_id: &str,
    org: &str,
    verdict: ReviewVerdict,
    comment: Option<&str>,
    by: &UserId,
    now: NaiveDateTime,
) -> DbResult<()> {
    diesel::delete(minutes_reviews::table.find((minutes_id, org))).execute(conn)?;
    diesel::insert_into(minutes_reviews::table)
        .values((
            minutes_reviews::minutes_id.eq(minutes_id),
            minutes_reviews::organization_id.eq(org),
            minutes_reviews::verdict.eq(verdict),
            minutes_reviews::comment.eq(comment),
            minutes_reviews::reviewed_by.eq(by),
            minutes_reviews::reviewed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Clears the reviews (the text changed: everyone reads it again).
pub fn clear_reviews(conn: &mut DbConn, minutes_id: &str) -> DbResult<()> {
    diesel::delete(minutes_reviews::table.filter(minutes_reviews::minutes_id.eq(minutes_id))).execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = decisions)]
pub struct DecisionRow {
    pub id: DecisionId,
    pub meeting_id: MeetingId,
    pub position: i32,
    pub body: String,
    pub method: DecisionMethod,
    pub votes_for: Option<i32>,
    pub votes_against: Option<i32>,
    pub abstentions: Option<i32>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

pub fn decisions_of(conn: &mut DbConn, meeting: &str) -> DbResult<Vec<DecisionRow>> {
    Ok(decisions::table
        .filter(decisions::meeting_id.eq(meeting))
        .order(decisions::position)
        .limit(tashbeek_domain::minutes::MAX_DECISIONS)
        .select(DecisionRow::as_select())
        .load(conn)?)
}

pub fn decision_count(conn: &mut DbConn, meeting: &str) -> DbResult<i64> {
    Ok(decisions::table.filter(decisions::meeting_id.eq(meeting)).count().get_result(conn)?)
}

pub fn decision_insert(conn: &mut DbConn, row: &DecisionRow) -> DbResult<()> {
    diesel::insert_into(decisions::table).values(row).execute(conn)?;
    Ok(())
}
