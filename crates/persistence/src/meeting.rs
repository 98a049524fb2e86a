//! Meetings, the organizations that hold them and are invited, and the people who come.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use tashbeek_domain::meeting::{
    AttendanceStats, CheckInMethod, MeetingInput, MeetingInvitation, MeetingKind, MeetingOrganization, MeetingStatus,
    MeetingVisibility, OrganizationAttendance, Participant, RsvpAnswer,
};
use tashbeek_domain::{MeetingId, NetworkId, OrganizationId, ParticipantId, UserId};

use crate::error::DbResult;
use crate::schema::{meeting_invitations, meeting_organizers, meeting_participants, meetings, organizations};
use crate::{from_db_time, new_id, DbConn};

type Db = <DbConn as diesel::Connection>::Backend;
type Predicate = Box<dyn BoxableExpression<meetings::table, Db, SqlType = Bool>>;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = meetings, treat_none_as_null = true)]
pub struct MeetingRow {
    pub id: MeetingId,
    pub title: String,
    pub kind: MeetingKind,
    pub description: Option<String>,
    pub network_id: Option<NetworkId>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub area_id: Option<String>,
    pub online_url: Option<String>,
    pub visibility: MeetingVisibility,
    pub capacity: Option<i32>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl MeetingRow {
    /// A new meeting from checked input and its UTC times.
    pub fn new(
        input: &MeetingInput,
        (starts_at, ends_at): (NaiveDateTime, NaiveDateTime),
        created_by: &UserId,
        now: NaiveDateTime,
    ) -> MeetingRow {
        let mut row = MeetingRow {
            id: new_id(),
            title: String::new(),
            kind: input.kind,
            description: None,
            network_id: None,
            starts_at,
            ends_at,
            time_zone: String::new(),
            venue_name: None,
            venue_address: None,
            area_id: None,
            online_url: None,
            visibility: input.visibility,
            capacity: None,
            cancelled_at: None,
            cancel_reason: None,
            created_by: Some(created_by.clone()),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        row.apply(input, (starts_at, ends_at));
        row
    }

    pub fn apply(&mut self, i: &MeetingInput, (starts_at, ends_at): (NaiveDateTime, NaiveDateTime)) {
        self.title = i.title.clone();
        self.kind = i.kind;
        self.description = i.description.clone();
        self.network_id = i.network_id.clone();
        self.starts_at = starts_at;
        self.ends_at = ends_at;
        self.time_zone = i.time_zone.clone();
        self.venue_name = i.venue_name.clone();
        self.venue_address = i.venue_address.clone();
        self.area_id = i.area.clone();
        self.online_url = i.online_url.clone();
        self.visibility = i.visibility;
        self.capacity = i.capacity;
    }

    pub fn status(&self) -> MeetingStatus {
        status_of(self.cancelled_at)
    }
}

/// A meeting is cancelled once it has a cancellation time; the record stays.
pub fn status_of(cancelled_at: Option<NaiveDateTime>) -> MeetingStatus {
    if cancelled_at.is_some() {
        MeetingStatus::Cancelled
    } else {
        MeetingStatus::Scheduled
    }
}

pub fn insert(conn: &mut DbConn, row: &MeetingRow, organizers: &[OrganizationId]) -> DbResult<()> {
    diesel::insert_into(meetings::table).values(row).execute(conn)?;
    note_span(conn, row.starts_at, row.ends_at)?;
    set_organizers(conn, &row.id, organizers)
}

/// Raises the longest meeting's length to this one's if it is longer.
pub fn note_span(conn: &mut DbConn, starts_at: NaiveDateTime, ends_at: NaiveDateTime) -> DbResult<()> {
    use crate::schema::meeting_span;
    let minutes = (ends_at - starts_at).num_minutes();
    diesel::update(meeting_span::table.filter(meeting_span::longest_minutes.lt(minutes)))
        .set(meeting_span::longest_minutes.eq(minutes))
        .execute(conn)?;
    Ok(())
}

/// The longest meeting ever scheduled, in minutes.
fn longest(conn: &mut DbConn) -> DbResult<i64> {
    use crate::schema::meeting_span;
    Ok(meeting_span::table.select(meeting_span::longest_minutes).first::<i64>(conn).optional()?.unwrap_or(0))
}

fn set_organizers(conn: &mut DbConn, id: &MeetingId, organizers: &[OrganizationId]) -> DbResult<()> {
    diesel::delete(meeting_organizers::table.filter(meeting_organizers::meeting_id.eq(id))).execute(conn)?;
    for o in organizers {
        diesel::insert_into(meeting_organizers::table)
            .values((meeting_organizers::meeting_id.eq(id), meeting_organizers::organization_id.eq(o)))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces the details if the stored version is still `expected`; false when someone
/// changed it first.
pub fn replace(conn: &mut DbConn, row: &MeetingRow, expected: i64, organizers: &[OrganizationId]) -> DbResult<bool> {
    let n = diesel::update(meetings::table.filter(meetings::id.eq(&row.id)).filter(meetings::version.eq(expected)))
        .set(row)
        .execute(conn)?;
    if n == 1 {
        note_span(conn, row.starts_at, row.ends_at)?;
        set_organizers(conn, &row.id, organizers)?;
    }
    Ok(n == 1)
}

pub fn get(conn: &mut DbConn, id: &str) -> DbResult<MeetingRow> {
    Ok(meetings::table.find(id).select(MeetingRow::as_select()).first(conn)?)
}

/// Loads a meeting to change it, locking its row on PostgreSQL: answers of two
/// organizations at one moment are counted against the capacity one after the other.
pub fn get_for_update(conn: &mut DbConn, id: &str) -> DbResult<MeetingRow> {
    match conn {
        DbConn::Pg(c) => Ok(meetings::table.find(id).select(MeetingRow::as_select()).for_update().first(c)?),
        DbConn::Sqlite(_) => get(conn, id),
    }
}

/// The organizers of each of these meetings, in name order.
pub fn organizers_of(conn: &mut DbConn, ids: &[MeetingId]) -> DbResult<HashMap<MeetingId, Vec<MeetingOrganization>>> {
    let rows: Vec<(MeetingId, OrganizationId, Option<String>, Option<String>)> = meeting_organizers::table
        .inner_join(organizations::table)
        .filter(meeting_organizers::meeting_id.eq_any(ids.to_vec()))
        .order((organizations::sort_name, organizations::id))
        .select((
            meeting_organizers::meeting_id,
            meeting_organizers::organization_id,
            organizations::name_ar,
            organizations::name_en,
        ))
        .load(conn)?;
    let mut out: HashMap<MeetingId, Vec<MeetingOrganization>> = HashMap::new();
    for (meeting, organization_id, name_ar, name_en) in rows {
        out.entry(meeting).or_default().push(MeetingOrganization { organization_id, name_ar, name_en });
    }
    Ok(out)
}

pub fn organizer_ids(conn: &mut DbConn, id: &str) -> DbResult<Vec<String>> {
    Ok(meeting_organizers::table
        .filter(meeting_organizers::meeting_id.eq(id))
        .select(meeting_organizers::organization_id)
        .load(conn)?)
}

/// For each of these meetings: how many organizations are invited, and how many
/// representatives those attending announced.
pub fn counts_of(conn: &mut DbConn, ids: &[MeetingId]) -> DbResult<HashMap<MeetingId, (i64, i64)>> {
    let rows: Vec<(MeetingId, RsvpAnswer, i64, Option<i64>)> = meeting_invitations::table
        .filter(meeting_invitations::meeting_id.eq_any(ids.to_vec()))
        .group_by((meeting_invitations::meeting_id, meeting_invitations::answer))
        .select((
            meeting_invitations::meeting_id,
            meeting_invitations::answer,
            diesel::dsl::count_star(),
            diesel::dsl::sum(meeting_invitations::representatives),
        ))
        .load(conn)?;
    let mut out: HashMap<MeetingId, (i64, i64)> = HashMap::new();
    for (meeting, answer, n, reps) in rows {
        let c = out.entry(meeting).or_default();
        c.0 += n;
        if answer == RsvpAnswer::Attending {
            c.1 += reps.unwrap_or(0);
        }
    }
    Ok(out)
}

/// Representatives announced by the organizations attending, other than `except`.
pub fn representatives_besides(conn: &mut DbConn, id: &str, except: &str) -> DbResult<i64> {
    let reps: Option<i64> = meeting_invitations::table
        .filter(meeting_invitations::meeting_id.eq(id))
        .filter(meeting_invitations::answer.eq(RsvpAnswer::Attending))
        .filter(meeting_invitations::organization_id.ne(except))
        .select(diesel::dsl::sum(meeting_invitations::representatives))
        .first(conn)?;
    Ok(reps.unwrap_or(0))
}

/// Which meetings a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub network: Option<NetworkId>,
    pub organization: Option<OrganizationId>,
    /// With `organization`: also the meetings it is invited to (for its own members and
    /// readers of everything; others see only those it holds).
    pub organization_invited: bool,
    /// Meetings still going on at or after this time.
    pub ending_after: Option<NaiveDateTime>,
    /// Meetings that started before this time.
    pub starting_before: Option<NaiveDateTime>,
    pub kinds: Vec<MeetingKind>,
    pub include_cancelled: bool,
    /// Newest first (past meetings), else soonest first.
    pub descending: bool,
    /// `None`: everything (administrators and observers); else what the caller sees.
    pub scope: Option<Scope>,
}

/// What a caller who does not read everything sees of meetings.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Their organizations: meetings those hold or are invited to.
    pub orgs: Vec<String>,
    /// Networks their organizations are members of: those networks' meetings for members.
    pub networks: Vec<String>,
    /// Networks they coordinate: every meeting those networks hold.
    pub coordinated: Vec<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = meetings)]
pub struct SummaryRow {
    pub id: MeetingId,
    pub title: String,
    pub kind: MeetingKind,
    pub network_id: Option<NetworkId>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub venue_name: Option<String>,
    pub area_id: Option<String>,
    pub online_url: Option<String>,
    pub visibility: MeetingVisibility,
    pub cancelled_at: Option<NaiveDateTime>,
}

/// Whether a caller with this scope sees the meeting.
fn visible(scope: &Scope) -> Predicate {
    let mut p: Predicate = Box::new(meetings::visibility.eq(MeetingVisibility::Public));
    if !scope.networks.is_empty() {
        p = Box::new(
            p.or(meetings::visibility
                .eq(MeetingVisibility::Network)
                .and(meetings::network_id.assume_not_null().eq_any(scope.networks.clone()))),
        );
    }
    if !scope.coordinated.is_empty() {
        p = Box::new(p.or(meetings::network_id.assume_not_null().eq_any(scope.coordinated.clone())));
    }
    if !scope.orgs.is_empty() {
        p = Box::new(p.or(invited(&scope.orgs)).or(held_by(&scope.orgs)));
    }
    p
}

/// Meetings any of `orgs` is invited to.
fn invited(orgs: &[String]) -> Predicate {
    let ids = meeting_invitations::table
        .filter(meeting_invitations::organization_id.eq_any(orgs.to_vec()))
        .select(meeting_invitations::meeting_id);
    Box::new(meetings::id.eq_any(ids))
}

/// Meetings any of `orgs` organizes.
fn held_by(orgs: &[String]) -> Predicate {
    let ids = meeting_organizers::table
        .filter(meeting_organizers::organization_id.eq_any(orgs.to_vec()))
        .select(meeting_organizers::meeting_id);
    Box::new(meetings::id.eq_any(ids))
}

/// Whether a caller with this scope sees meeting `id`.
pub fn is_visible(conn: &mut DbConn, id: &str, scope: &Scope) -> DbResult<bool> {
    let n: i64 = meetings::table.filter(meetings::id.eq(id)).filter(visible(scope)).count().get_result(conn)?;
    Ok(n == 1)
}

/// Meetings in time order after `(starts_at, id)`.
pub fn list(
    conn: &mut DbConn,
    f: &Filter,
    limit: i64,
    after: Option<(NaiveDateTime, &str)>,
) -> DbResult<Vec<SummaryRow>> {
    let mut q = meetings::table.into_boxed();
    if let Some(n) = &f.network {
        q = q.filter(meetings::network_id.eq(n.clone()));
    }
    if let Some(o) = &f.organization {
        let own = [o.to_string()];
        q = if f.organization_invited { q.filter(held_by(&own).or(invited(&own))) } else { q.filter(held_by(&own)) };
    }
    if let Some(t) = f.ending_after {
        // No meeting lasts longer than the longest ever scheduled: bounding the start too
        // lets the time index begin just before `t` instead of walking every past meeting.
        let earliest = t - chrono::Duration::minutes(longest(conn)?);
        q = q.filter(meetings::ends_at.ge(t)).filter(meetings::starts_at.ge(earliest));
    }
    if let Some(t) = f.starting_before {
        q = q.filter(meetings::starts_at.lt(t));
    }
    if !f.kinds.is_empty() {
        q = q.filter(meetings::kind.eq_any(f.kinds.clone()));
    }
    if !f.include_cancelled {
        q = q.filter(meetings::cancelled_at.is_null());
    }
    if let Some(scope) = &f.scope {
        q = q.filter(visible(scope));
    }
    if let Some((t, id)) = after {
        let id = id.to_owned();
        q = if f.descending {
            q.filter(meetings::starts_at.lt(t).or(meetings::starts_at.eq(t).and(meetings::id.lt(id))))
        } else {
            q.filter(meetings::starts_at.gt(t).or(meetings::starts_at.eq(t).and(meetings::id.gt(id))))
        };
    }
    q = if f.descending {
        q.order((meetings::starts_at.desc(), meetings::id.desc()))
    } else {
        q.order((meetings::starts_at.asc(), meetings::id.asc()))
    };
    Ok(q.limit(limit).select(SummaryRow::as_select()).load(conn)?)
}

/// Full rows of the meetings with these ids, soonest first.
pub fn rows(conn: &mut DbConn, ids: Vec<MeetingId>) -> DbResult<Vec<MeetingRow>> {
    Ok(meetings::table
        .filter(meetings::id.eq_any(ids))
        .order((meetings::starts_at, meetings::id))
        .select(MeetingRow::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = meeting_invitations)]
pub struct InvitationRow {
    pub meeting_id: MeetingId,
    pub organization_id: OrganizationId,
    pub invited_at: NaiveDateTime,
    pub answer: RsvpAnswer,
    pub representatives: i32,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_by: Option<UserId>,
    pub version: i64,
}

/// Invites the organizations not invited yet; returns those newly invited.
pub fn invite(
    conn: &mut DbConn,
    id: &MeetingId,
    orgs: &[OrganizationId],
    now: NaiveDateTime,
) -> DbResult<Vec<OrganizationId>> {
    let already: Vec<OrganizationId> = meeting_invitations::table
        .filter(meeting_invitations::meeting_id.eq(id))
        .filter(meeting_invitations::organization_id.eq_any(orgs.to_vec()))
        .select(meeting_invitations::organization_id)
        .load(conn)?;
    let new: Vec<OrganizationId> = orgs.iter().filter(|o| !already.contains(o)).cloned().collect();
    for o in &new {
        diesel::insert_into(meeting_invitations::table)
            .values((
                meeting_invitations::meeting_id.eq(id),
                meeting_invitations::organization_id.eq(o),
                meeting_invitations::invited_at.eq(now),
                meeting_invitations::answer.eq(RsvpAnswer::Pending),
                meeting_invitations::representatives.eq(0),
            ))
            .execute(conn)?;
    }
    Ok(new)
}

pub fn invitation(conn: &mut DbConn, id: &str, org: &str) -> DbResult<Option<InvitationRow>> {
    Ok(meeting_invitations::table.find((id, org)).select(InvitationRow::as_select()).first(conn).optional()?)
}

/// Marks an invitation changed (its organizers named people), so an answer prepared
/// before must send the new version.
pub fn bump_invitation(conn: &mut DbConn, id: &str, org: &str) -> DbResult<()> {
    diesel::update(meeting_invitations::table.find((id, org)))
        .set(meeting_invitations::version.eq(meeting_invitations::version + 1))
        .execute(conn)?;
    Ok(())
}

/// Records an answer over version `expected`; false when another answer came first.
#[allow(clippy::too_many_arguments)]
pub fn set_answer(
    conn: &mut DbConn,
    id: &str,
    org: &str,
    expected: i64,
    answer: RsvpAnswer,
    representatives: i32,
    by: &UserId,
    now: NaiveDateTime,
) -> DbResult<bool> {
    let n =
        diesel::update(meeting_invitations::table.find((id, org)).filter(meeting_invitations::version.eq(expected)))
            .set((
                meeting_invitations::answer.eq(answer),
                meeting_invitations::representatives.eq(representatives),
                meeting_invitations::answered_at.eq(now),
                meeting_invitations::answered_by.eq(by),
                meeting_invitations::version.eq(expected + 1),
            ))
            .execute(conn)?;
    Ok(n == 1)
}

/// Invited organizations in name order, with how many of their people checked in.
pub fn invitations(conn: &mut DbConn, id: &str) -> DbResult<Vec<MeetingInvitation>> {
    type Row = (InvitationRow, Option<String>, Option<String>);
    let rows: Vec<Row> = meeting_invitations::table
        .inner_join(organizations::table)
        .filter(meeting_invitations::meeting_id.eq(id))
        .order((organizations::sort_name, organizations::id))
        .limit(5000)
        .select((InvitationRow::as_select(), organizations::name_ar, organizations::name_en))
        .load(conn)?;
    let attended: HashMap<OrganizationId, i64> = meeting_participants::table
        .filter(meeting_participants::meeting_id.eq(id))
        .filter(meeting_participants::checked_in_at.is_not_null())
        .group_by(meeting_participants::organization_id)
        .select((meeting_participants::organization_id, diesel::dsl::count_star()))
        .load::<(OrganizationId, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(r, name_ar, name_en)| MeetingInvitation {
            attended: attended.get(&r.organization_id).copied().unwrap_or(0),
            organization_id: r.organization_id,
            name_ar,
            name_en,
            answer: r.answer,
            representatives: r.representatives,
            invited_at: from_db_time(r.invited_at),
            answered_at: r.answered_at.map(from_db_time),
            version: r.version,
        })
        .collect())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meeting_participants)]
pub struct ParticipantRow {
    pub id: ParticipantId,
    pub meeting_id: MeetingId,
    pub organization_id: OrganizationId,
    pub name: String,
    pub title: Option<String>,
    pub check_in_code: String,
    pub added_at: NaiveDateTime,
    pub checked_in_at: Option<NaiveDateTime>,
    pub checked_in_by: Option<UserId>,
    pub check_in_method: Option<CheckInMethod>,
}

impl ParticipantRow {
    /// `show_code`: whether the caller may see the check-in code.
    pub fn into_domain(self, show_code: bool) -> Participant {
        Participant {
            id: self.id,
            organization_id: self.organization_id,
            name: self.name,
            title: self.title,
            check_in_code: show_code.then_some(self.check_in_code),
            checked_in_at: self.checked_in_at.map(from_db_time),
            check_in_method: self.check_in_method,
        }
    }
}

/// A meeting's people (of one organization, when given), checked in first then by name.
pub fn participants(conn: &mut DbConn, id: &str, org: Option<&str>) -> DbResult<Vec<ParticipantRow>> {
    let mut q = meeting_participants::table.filter(meeting_participants::meeting_id.eq(id)).into_boxed();
    if let Some(o) = org {
        q = q.filter(meeting_participants::organization_id.eq(o.to_owned()));
    }
    Ok(q.order((meeting_participants::organization_id, meeting_participants::name, meeting_participants::id))
        .limit(10_000)
        .select(ParticipantRow::as_select())
        .load(conn)?)
}

/// Removes people who have not checked in.
pub fn remove_unchecked(conn: &mut DbConn, ids: &[ParticipantId]) -> DbResult<usize> {
    Ok(diesel::delete(
        meeting_participants::table
            .filter(meeting_participants::id.eq_any(ids.to_vec()))
            .filter(meeting_participants::checked_in_at.is_null()),
    )
    .execute(conn)?)
}

pub fn add_participant(conn: &mut DbConn, row: &ParticipantRow) -> DbResult<()> {
    diesel::insert_into(meeting_participants::table).values(row).execute(conn)?;
    Ok(())
}

pub fn participant(conn: &mut DbConn, id: &str) -> DbResult<Option<ParticipantRow>> {
    Ok(meeting_participants::table.find(id).select(ParticipantRow::as_select()).first(conn).optional()?)
}

pub fn participant_by_code(conn: &mut DbConn, code: &str) -> DbResult<Option<ParticipantRow>> {
    Ok(meeting_participants::table
        .filter(meeting_participants::check_in_code.eq(code))
        .select(ParticipantRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a person present; false when they already were (a code scanned twice).
pub fn check_in(
    conn: &mut DbConn,
    participant: &str,
    by: &UserId,
    method: CheckInMethod,
    now: NaiveDateTime,
) -> DbResult<bool> {
    let n = diesel::update(
        meeting_participants::table
            .filter(meeting_participants::id.eq(participant))
            .filter(meeting_participants::checked_in_at.is_null()),
    )
    .set((
        meeting_participants::checked_in_at.eq(now),
        meeting_participants::checked_in_by.eq(by),
        meeting_participants::check_in_method.eq(method),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A meeting's attendance in figures.
pub fn stats(conn: &mut DbConn, id: &str) -> DbResult<AttendanceStats> {
    let answers: Vec<(RsvpAnswer, i64, Option<i64>)> = meeting_invitations::table
        .filter(meeting_invitations::meeting_id.eq(id))
        .group_by(meeting_invitations::answer)
        .select((
            meeting_invitations::answer,
            diesel::dsl::count_star(),
            diesel::dsl::sum(meeting_invitations::representatives),
        ))
        .load(conn)?;
    let mut s = AttendanceStats::default();
    for (answer, n, reps) in answers {
        s.invited += n;
        match answer {
            RsvpAnswer::Pending => {}
            RsvpAnswer::Attending => {
                s.attending = n;
                s.representatives = reps.unwrap_or(0);
            }
            RsvpAnswer::Declined => s.declined = n,
            RsvpAnswer::Maybe => s.maybe = n,
        }
    }
    s.answered = s.attending + s.declined + s.maybe;
    let present: Vec<(OrganizationId, Option<CheckInMethod>)> = meeting_participants::table
        .filter(meeting_participants::meeting_id.eq(id))
        .filter(meeting_participants::checked_in_at.is_not_null())
        .select((meeting_participants::organization_id, meeting_participants::check_in_method))
        .load(conn)?;
    s.attended_people = present.len() as i64;
    s.checked_in_by_qr = present.iter().filter(|(_, m)| *m == Some(CheckInMethod::Qr)).count() as i64;
    let mut orgs: Vec<&OrganizationId> = present.iter().map(|(o, _)| o).collect();
    orgs.sort();
    orgs.dedup();
    s.attended_organizations = orgs.len() as i64;
    Ok(s)
}

/// One organization's attendance at meetings that started before `now` and were not
/// cancelled.
pub fn organization_attendance(conn: &mut DbConn, org: &str, now: NaiveDateTime) -> DbResult<OrganizationAttendance> {
    let invited: Vec<(RsvpAnswer, i64)> = meeting_invitations::table
        .inner_join(meetings::table)
        .filter(meeting_invitations::organization_id.eq(org))
        .filter(meetings::starts_at.lt(now))
        .filter(meetings::cancelled_at.is_null())
        .group_by(meeting_invitations::answer)
        .select((meeting_invitations::answer, diesel::dsl::count_star()))
        .load(conn)?;
    let mut a = OrganizationAttendance::default();
    for (answer, n) in invited {
        a.invited += n;
        if answer != RsvpAnswer::Pending {
            a.answered += n;
        }
    }
    let present: Vec<MeetingId> = meeting_participants::table
        .inner_join(meetings::table)
        .filter(meeting_participants::organization_id.eq(org))
        .filter(meeting_participants::checked_in_at.is_not_null())
        .filter(meetings::cancelled_at.is_null())
        .select(meeting_participants::meeting_id)
        .load(conn)?;
    a.people = present.len() as i64;
    let mut ids = present;
    ids.sort();
    ids.dedup();
    a.attended = ids.len() as i64;
    Ok(a)
}
