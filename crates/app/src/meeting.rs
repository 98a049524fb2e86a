//! Meetings from invitation to attendance. Platform administrators (coordinators) and
//! the administrators of the organizations that hold a meeting schedule and manage it
//! and record attendance; each invited organization answers for itself, by its own
//! administrators only, until the meeting starts.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::RngCore;
use tashbeek_domain::meeting::{
    AttendanceStats, CheckIn, CheckInMethod, CheckedIn, InvitedPerson, ManualAttendance, Meeting, MeetingInput,
    MeetingInvitation, MeetingInvite, MeetingOrganization, MeetingSummary, MeetingVisibility, OrganizationAttendance,
    Participant, Rsvp, RsvpAnswer, MAX_DAYS, MAX_REPRESENTATIVES,
};
use tashbeek_domain::network::NetworkMemberStatus;
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::user::OrgRole;
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{MeetingId, OrganizationId, ValidationErrors};
use tashbeek_persistence::meeting::{self as meetings, Filter, MeetingRow, ParticipantRow, Scope, SummaryRow};
use tashbeek_persistence::{from_db_time, network as networks, new_id, reference, user as users};

use crate::authz;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::ics::zone;
use crate::organization::load_visible;
use crate::version::Expect;

/// How long after a meeting ends its attendance may still be recorded (from a paper
/// sheet, say).
const LATE_RECORDING_DAYS: i64 = 7;

/// A wall-clock time in `tz` as UTC. A time that the clocks skip (a daylight-saving
/// change) is refused; one they pass twice is the first of the two.
fn to_utc(tz: Tz, local: NaiveDateTime) -> Option<NaiveDateTime> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.naive_utc()),
        LocalResult::None => None,
    }
}

fn local(tz_name: &str, t: NaiveDateTime) -> NaiveDateTime {
    match zone(tz_name) {
        Some(tz) => tz.from_utc_datetime(&t).naive_local(),
        None => t,
    }
}

/// Checks the time zone, the times and the references; returns the UTC start and end.
fn check(
    ctx: &mut Ctx,
    input: &MeetingInput,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> AppResult<(NaiveDateTime, NaiveDateTime)> {
    let mut e = ValidationErrors::default();
    let mut times = None;
    match zone(&input.time_zone) {
        None => e.add("time_zone", Violation::UnknownValue),
        Some(tz) => {
            let skipped = || {
                Violation::InvalidFormat("لا وجود لهذا الوقت في هذه المنطقة الزمنية (تقديم الساعة) / this time does not exist in the time zone (clocks go forward)".into())
            };
            match (to_utc(tz, start), to_utc(tz, end)) {
                (None, _) => e.add("starts_local", skipped()),
                (_, None) => e.add("ends_local", skipped()),
                (Some(s), Some(t)) if t <= s => {
                    e.add("ends_local", Violation::InvalidFormat("بعد البداية / after the start".into()))
                }
                (Some(s), Some(t)) if t - s > Duration::days(MAX_DAYS) => e.add(
                    "ends_local",
                    Violation::InvalidFormat(format!("{MAX_DAYS} يوماً على الأكثر / at most {MAX_DAYS} days")),
                ),
                (Some(s), Some(t)) => times = Some((s, t)),
            }
        }
    }
    if let Some(area) = &input.area {
        if !reference::unknown_areas(ctx.conn, std::slice::from_ref(area))?.is_empty() {
            e.add("area", Violation::UnknownValue);
        }
    }
    if let Some(n) = &input.network_id {
        match networks::get(ctx.conn, n) {
            Ok(_) => {}
            Err(tashbeek_persistence::DbError::NotFound) => e.add("network_id", Violation::UnknownValue),
            Err(other) => return Err(other.into()),
        }
    }
    for (i, o) in input.organizers.iter().enumerate() {
        match load_visible(ctx, o, false) {
            Ok(org) if org.archived_at.is_none() => {}
            Ok(_) | Err(AppError::NotFound) => e.add(format!("organizers[{i}]"), Violation::UnknownValue),
            Err(other) => return Err(other),
        }
    }
    e.into_result()?;
    times.ok_or_else(|| AppError::Invalid(ValidationErrors::single("time_zone", Violation::UnknownValue)))
}

/// Whether the caller manages the meeting: a platform administrator, a coordinator of
/// the network that holds it, or an administrator of an organization that holds it.
pub(crate) fn manages(ctx: &mut Ctx, row: &MeetingRow) -> AppResult<bool> {
    let Some(c) = ctx.caller.clone() else { return Ok(false) };
    if c.is_admin() {
        return Ok(true);
    }
    if let Some(n) = &row.network_id {
        if authz::coordinates(ctx, n)? {
            return Ok(true);
        }
    }
    for org in meetings::organizer_ids(ctx.conn, &row.id)? {
        if users::role_in(ctx.conn, &c.id, &org)? == Some(OrgRole::Admin) {
            return Ok(true);
        }
    }
    Ok(false)
}

pub(crate) fn must_manage(ctx: &mut Ctx, row: &MeetingRow) -> AppResult<()> {
    authz::writer(ctx)?;
    if manages(ctx, row)? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// What the caller sees: `None` for readers of everything; else their organizations,
/// the networks those are members of, and the networks they coordinate.
fn scope_of(ctx: &mut Ctx) -> AppResult<Option<Scope>> {
    match ctx.caller.clone() {
        Some(c) if c.reads_all() => Ok(None),
        Some(c) => {
            let orgs = users::org_ids_of(ctx.conn, &c.id)?;
            let networks = networks::networks_of(ctx.conn, &orgs)?;
            let coordinated = networks::coordinated_by(ctx.conn, &c.id)?.into_iter().map(|n| n.to_string()).collect();
            Ok(Some(Scope { orgs, networks, coordinated }))
        }
        None => Ok(Some(Scope::default())),
    }
}

/// Loads a meeting the caller may see, else `NotFound`.
pub(crate) fn load_visible_meeting(ctx: &mut Ctx, id: &MeetingId, lock: bool) -> AppResult<MeetingRow> {
    let row = if lock { meetings::get_for_update(ctx.conn, id)? } else { meetings::get(ctx.conn, id)? };
    if row.visibility == MeetingVisibility::Public {
        return Ok(row);
    }
    match scope_of(ctx)? {
        None => Ok(row),
        Some(scope) if meetings::is_visible(ctx.conn, &row.id, &scope)? => Ok(row),
        Some(_) => Err(AppError::NotFound),
    }
}

fn present(ctx: &mut Ctx, row: MeetingRow) -> AppResult<Meeting> {
    Ok(present_all(ctx, vec![row])?.remove(0))
}

/// Meetings with their organizers and counts, read for all of them at once.
fn present_all(ctx: &mut Ctx, rows: Vec<MeetingRow>) -> AppResult<Vec<Meeting>> {
    let ids: Vec<MeetingId> = rows.iter().map(|r| r.id.clone()).collect();
    let mut organizers = meetings::organizers_of(ctx.conn, &ids)?;
    let counts = meetings::counts_of(ctx.conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let organizers = organizers.remove(&row.id).unwrap_or_default();
            let (invited_count, representatives_count) = counts.get(&row.id).copied().unwrap_or((0, 0));
            meeting(row, organizers, invited_count, representatives_count)
        })
        .collect())
}

fn meeting(
    row: MeetingRow,
    organizers: Vec<MeetingOrganization>,
    invited_count: i64,
    representatives_count: i64,
) -> Meeting {
    Meeting {
        status: row.status(),
        starts_local: local(&row.time_zone, row.starts_at),
        ends_local: local(&row.time_zone, row.ends_at),
        starts_at: from_db_time(row.starts_at),
        ends_at: from_db_time(row.ends_at),
        cancelled_at: row.cancelled_at.map(from_db_time),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        id: row.id,
        title: row.title,
        kind: row.kind,
        description: row.description,
        network_id: row.network_id,
        organizers,
        time_zone: row.time_zone,
        venue_name: row.venue_name,
        venue_address: row.venue_address,
        area: row.area_id,
        online_url: row.online_url,
        visibility: row.visibility,
        capacity: row.capacity,
        cancel_reason: row.cancel_reason,
        invited_count,
        representatives_count,
        version: row.version,
    }
}

fn summary(r: SummaryRow) -> MeetingSummary {
    MeetingSummary {
        status: meetings::status_of(r.cancelled_at),
        starts_local: local(&r.time_zone, r.starts_at),
        starts_at: from_db_time(r.starts_at),
        ends_at: from_db_time(r.ends_at),
        online: r.online_url.is_some(),
        id: r.id,
        title: r.title,
        kind: r.kind,
        network_id: r.network_id,
        time_zone: r.time_zone,
        venue_name: r.venue_name,
        area: r.area_id,
        visibility: r.visibility,
    }
}

/// May the caller hold a meeting for these organizers (and network)? Platform
/// administrators always; a network's coordinators for the network, with organizers
/// among its members; others only for organizations they administer, at least one, and
/// in a network only when one of those organizations is a member of it.
fn may_organize(ctx: &mut Ctx, input: &MeetingInput) -> AppResult<()> {
    let me = authz::writer(ctx)?;
    if me.is_admin() {
        return Ok(());
    }
    if let Some(n) = &input.network_id {
        if authz::coordinates(ctx, n)? {
            for (i, o) in input.organizers.iter().enumerate() {
                if networks::status_of(ctx.conn, n, o)? != Some(NetworkMemberStatus::Member)
                    && users::role_in(ctx.conn, &me.id, o)? != Some(OrgRole::Admin)
                {
                    return Err(ValidationErrors::single(format!("organizers[{i}]"), Violation::UnknownValue).into());
                }
            }
            return Ok(());
        }
    }
    if input.organizers.is_empty() {
        return Err(AppError::Forbidden);
    }
    for o in &input.organizers {
        if users::role_in(ctx.conn, &me.id, o)? != Some(OrgRole::Admin) {
            return Err(AppError::Forbidden);
        }
    }
    if let Some(n) = &input.network_id {
        let orgs: Vec<String> = input.organizers.iter().map(|o| o.to_string()).collect();
        if !networks::networks_of(ctx.conn, &orgs)?.iter().any(|m| m == n.as_str()) {
            return Err(ValidationErrors::single("network_id", Violation::UnknownValue).into());
        }
    }
    Ok(())
}

/// Schedules a meeting.
pub fn schedule(
    ctx: &mut Ctx,
    input: &MeetingInput,
    local_times: (NaiveDateTime, NaiveDateTime),
) -> AppResult<Meeting> {
    may_organize(ctx, input)?;
    let me = ctx.caller()?.clone();
    let times = check(ctx, input, local_times.0, local_times.1)?;
    let row = MeetingRow::new(input, times, &me.id, ctx.db_now());
    meetings::insert(ctx.conn, &row, &input.organizers)?;
    ctx.record(&row.id, Event::MeetingScheduled(Box::new(input.clone())))?;
    present(ctx, row)
}

pub fn get(ctx: &mut Ctx, id: &MeetingId) -> AppResult<Meeting> {
    let row = load_visible_meeting(ctx, id, false)?;
    present(ctx, row)
}

pub(crate) fn cancelled_conflict() -> AppError {
    AppError::conflict("meeting_cancelled", "أُلغي هذا اللقاء.", "This meeting was cancelled.")
}

/// Replaces the details (calendars see a new SEQUENCE).
pub fn update(
    ctx: &mut Ctx,
    id: &MeetingId,
    input: &MeetingInput,
    local_times: (NaiveDateTime, NaiveDateTime),
    expect: &Expect,
) -> AppResult<Meeting> {
    let mut row = load_visible_meeting(ctx, id, true)?;
    must_manage(ctx, &row)?;
    // Whoever edits must still be entitled under the new organizers.
    may_organize(ctx, input)?;
    expect.check_required(row.version)?;
    if row.cancelled_at.is_some() {
        return Err(cancelled_conflict());
    }
    let times = check(ctx, input, local_times.0, local_times.1)?;
    let before = present(ctx, row.clone())?.to_input();
    let expected = row.version;
    row.apply(input, times);
    row.updated_at = ctx.db_now();
    row.version += 1;
    if !meetings::replace(ctx.conn, &row, expected, &input.organizers)? {
        return Err(AppError::VersionMismatch);
    }
    ctx.record(&row.id, Event::MeetingUpdated { before: Box::new(before), after: Box::new(input.clone()) })?;
    present(ctx, row)
}

/// Cancels a meeting; the record and its answers stay.
pub fn cancel(ctx: &mut Ctx, id: &MeetingId, reason: &str, expect: &Expect) -> AppResult<Meeting> {
    let mut row = load_visible_meeting(ctx, id, true)?;
    must_manage(ctx, &row)?;
    expect.check_required(row.version)?;
    if row.cancelled_at.is_some() {
        return Err(cancelled_conflict());
    }
    let reason = reason.to_owned();
    let expected = row.version;
    let now = ctx.db_now();
    row.cancelled_at = Some(now);
    row.cancel_reason = Some(reason.clone());
    row.updated_at = now;
    row.version += 1;
    let organizers: Vec<OrganizationId> =
        meetings::organizer_ids(ctx.conn, &row.id)?.iter().filter_map(|o| OrganizationId::parse(o)).collect();
    if !meetings::replace(ctx.conn, &row, expected, &organizers)? {
        return Err(AppError::VersionMismatch);
    }
    ctx.record(&row.id, Event::MeetingCancelled { reason })?;
    present(ctx, row)
}

/// Which meetings a list asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub network: Option<tashbeek_domain::NetworkId>,
    pub organization: Option<OrganizationId>,
    /// Past meetings (newest first) instead of those not yet over (soonest first).
    pub past: bool,
    /// Only meetings starting in `[from, to)`, for a month calendar.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub kinds: Vec<tashbeek_domain::meeting::MeetingKind>,
    pub include_cancelled: bool,
}

fn filter_of(ctx: &mut Ctx, q: &ListQuery) -> AppResult<Filter> {
    let now = ctx.db_now();
    let mut f = Filter {
        network: q.network.clone(),
        organization: q.organization.clone(),
        kinds: q.kinds.clone(),
        include_cancelled: q.include_cancelled,
        descending: q.past,
        scope: scope_of(ctx)?,
        ..Filter::default()
    };
    // Which meetings an organization is invited to is its own members' to know (and
    // readers' of everything); others see the meetings it holds.
    if let Some(org) = &q.organization {
        f.organization_invited = match &f.scope {
            None => true,
            Some(scope) => scope.orgs.iter().any(|o| o == org.as_str()),
        };
    }
    match (q.from, q.to) {
        (None, None) if q.past => f.starting_before = Some(now),
        (None, None) => f.ending_after = Some(now),
        (from, to) => {
            f.ending_after = from.map(tashbeek_persistence::to_db_time);
            f.starting_before = to.map(tashbeek_persistence::to_db_time);
        }
    }
    Ok(f)
}

/// Meetings the caller may see, soonest first (or newest first for past ones).
pub fn list(ctx: &mut Ctx, q: &ListQuery, limit: i64, after: Option<&Cursor>) -> AppResult<Page<MeetingSummary>> {
    let f = filter_of(ctx, q)?;
    let after = match after {
        Some(c) => Some((
            NaiveDateTime::parse_from_str(&c.k, "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| {
                AppError::InvalidParameter(ValidationErrors::single(
                    "cursor",
                    Violation::InvalidFormat("cursor".into()),
                ))
            })?,
            c.id.as_str(),
        )),
        None => None,
    };
    let rows = meetings::list(ctx.conn, &f, limit + 1, after)?;
    let page = Page::from_rows(rows, limit, |r| Cursor {
        k: r.starts_at.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
        id: r.id.to_string(),
    });
    Ok(page.map(summary))
}

/// The meetings a calendar feed carries: those not over yet (soonest first, up to
/// `limit`), then those of the last 90 days (newest first, up to a fifth of `limit`);
/// cancelled ones included, so calendars strike them out.
pub fn feed(ctx: &mut Ctx, q: &ListQuery, limit: i64) -> AppResult<Vec<Meeting>> {
    let now = ctx.db_now();
    let mut f = filter_of(ctx, &ListQuery { past: false, from: None, to: None, ..q.clone() })?;
    f.include_cancelled = true;
    let mut ids: Vec<MeetingId> = meetings::list(ctx.conn, &f, limit, None)?.into_iter().map(|r| r.id).collect();
    f.descending = true;
    f.ending_after = Some(now - Duration::days(90));
    f.starting_before = Some(now);
    for r in meetings::list(ctx.conn, &f, limit / 5, None)? {
        if !ids.contains(&r.id) {
            ids.push(r.id);
        }
    }
    let rows = meetings::rows(ctx.conn, ids)?;
    present_all(ctx, rows)
}

/// Invites organizations, and people by name through them; those invited already stay
/// as they are. Named people get their check-in codes at once.
pub fn invite(ctx: &mut Ctx, id: &MeetingId, input: &MeetingInvite) -> AppResult<Vec<MeetingInvitation>> {
    let orgs = &input.organization_ids;
    let row = load_visible_meeting(ctx, id, true)?;
    must_manage(ctx, &row)?;
    if row.cancelled_at.is_some() {
        return Err(cancelled_conflict());
    }
    let mut e = ValidationErrors::default();
    for (i, o) in orgs.iter().enumerate() {
        match load_visible(ctx, o, false) {
            Ok(org) if org.archived_at.is_none() => {}
            Ok(_) | Err(AppError::NotFound) => e.add(format!("organization_ids[{i}]"), Violation::UnknownValue),
            Err(other) => return Err(other),
        }
    }
    e.into_result()?;
    let now = ctx.db_now();
    let new = meetings::invite(ctx.conn, &row.id, orgs, now)?;
    let mut named = Vec::new();
    for o in orgs.iter().filter(|o| input.people.iter().any(|p| &p.organization_id == *o)) {
        let already = meetings::participants(ctx.conn, &row.id, Some(o))?;
        let new: Vec<&InvitedPerson> = input
            .people
            .iter()
            .filter(|p| &p.organization_id == o && !already.iter().any(|a| a.name == p.name))
            .collect();
        // An organization's answer names at most MAX_REPRESENTATIVES: so do its organizers.
        if already.len() + new.len() > MAX_REPRESENTATIVES as usize {
            return Err(
                ValidationErrors::single("people", Violation::TooMany { max: MAX_REPRESENTATIVES as usize }).into()
            );
        }
        for p in &new {
            meetings::add_participant(ctx.conn, &participant(&row.id, o, &p.name, p.title.clone(), now))?;
            named.push((*p).clone());
        }
        if !new.is_empty() {
            // An answer prepared before these people were named must not drop them unseen.
            meetings::bump_invitation(ctx.conn, &row.id, o)?;
        }
    }
    if !new.is_empty() || !named.is_empty() {
        ctx.record(&row.id, Event::MeetingInvited { organization_ids: new, people: named })?;
    }
    Ok(meetings::invitations(ctx.conn, &row.id)?)
}

/// The invited organizations and their answers: for the meeting's managers and readers
/// of everything; others see the invitations of their own organizations.
pub fn invitations(ctx: &mut Ctx, id: &MeetingId) -> AppResult<Vec<MeetingInvitation>> {
    let row = load_visible_meeting(ctx, id, false)?;
    let mut all = meetings::invitations(ctx.conn, &row.id)?;
    if ctx.caller.as_ref().is_some_and(|c| c.reads_all()) || manages(ctx, &row)? {
        return Ok(all);
    }
    let own = match ctx.caller.clone() {
        Some(c) => users::org_ids_of(ctx.conn, &c.id)?,
        None => vec![],
    };
    all.retain(|i| own.iter().any(|o| o == i.organization_id.as_str()));
    Ok(all)
}

/// A person expected at the meeting, with a fresh check-in code.
fn participant(
    meeting: &MeetingId,
    org: &OrganizationId,
    name: &str,
    title: Option<String>,
    now: chrono::NaiveDateTime,
) -> ParticipantRow {
    ParticipantRow {
        id: new_id(),
        meeting_id: meeting.clone(),
        organization_id: org.clone(),
        name: name.to_owned(),
        title,
        check_in_code: new_code(),
        added_at: now,
        checked_in_at: None,
        checked_in_by: None,
        check_in_method: None,
    }
}

fn new_code() -> String {
    let mut bytes = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An organization's answer, by its own administrators only (not even a coordinator
/// answers for it), until the meeting starts. Named people get check-in codes.
pub fn answer(
    ctx: &mut Ctx,
    id: &MeetingId,
    org: &OrganizationId,
    rsvp: &Rsvp,
    count: i32,
    expect: &Expect,
) -> AppResult<MeetingInvitation> {
    let row = load_visible_meeting(ctx, id, true)?;
    let me = authz::writer(ctx)?;
    if users::role_in(ctx.conn, &me.id, org)? != Some(OrgRole::Admin) {
        return Err(AppError::Forbidden);
    }
    let before = meetings::invitation(ctx.conn, &row.id, org)?.ok_or(AppError::NotFound)?;
    // A first answer needs no version; changing one does, as does answering once the
    // organizers named people: nobody's answer overwrites another's unseen.
    if before.version > 1 {
        expect.check_required(before.version)?;
    } else {
        expect.check(before.version)?;
    }
    if row.cancelled_at.is_some() {
        return Err(cancelled_conflict());
    }
    let now = ctx.db_now();
    if now >= row.starts_at {
        return Err(AppError::conflict(
            "meeting_started",
            "بدأ اللقاء؛ لم يعد الرد ممكناً.",
            "The meeting has started; answers are closed.",
        ));
    }
    let lowering = before.answer == RsvpAnswer::Attending && count <= before.representatives;
    if let (Some(cap), RsvpAnswer::Attending, false) = (row.capacity, rsvp.answer, lowering) {
        let others = meetings::representatives_besides(ctx.conn, &row.id, org)?;
        if others + count as i64 > cap as i64 {
            let left = (cap as i64 - others).max(0);
            return Err(AppError::conflict(
                "over_capacity",
                format!("لا تتسع القاعة؛ بقي {left} مقعداً."),
                format!("Over capacity: {left} places left."),
            ));
        }
    }
    if !meetings::set_answer(ctx.conn, &row.id, org, before.version, rsvp.answer, count, &me.id, now)? {
        return Err(AppError::VersionMismatch);
    }
    // People named before keep their codes (invitations already sent stay good); those
    // no longer named leave, unless they already checked in.
    let named = meetings::participants(ctx.conn, &row.id, Some(org))?;
    let gone: Vec<_> =
        named.iter().filter(|p| !rsvp.people.iter().any(|n| n.name == p.name)).map(|p| p.id.clone()).collect();
    meetings::remove_unchecked(ctx.conn, &gone)?;
    for p in rsvp.people.iter().filter(|n| !named.iter().any(|p| p.name == n.name)) {
        meetings::add_participant(ctx.conn, &participant(&row.id, org, &p.name, p.title.clone(), now))?;
    }
    ctx.record(
        &row.id,
        Event::MeetingAnswered {
            organization_id: org.clone(),
            answer: rsvp.answer,
            representatives: count,
            people: rsvp.people.iter().map(|p| p.name.clone()).collect(),
        },
    )?;
    meetings::invitations(ctx.conn, &row.id)?.into_iter().find(|i| &i.organization_id == org).ok_or(AppError::NotFound)
}

/// A meeting's people: everyone for its managers and readers of everything; the
/// people of one's own organizations otherwise. Codes only to managers and the
/// person's own organization.
pub fn participants(ctx: &mut Ctx, id: &MeetingId) -> AppResult<Vec<Participant>> {
    let row = load_visible_meeting(ctx, id, false)?;
    let manager = manages(ctx, &row)?;
    let reads_all = ctx.caller.as_ref().is_some_and(|c| c.reads_all());
    let own = match ctx.caller.clone() {
        Some(c) => users::org_ids_of(ctx.conn, &c.id)?,
        None => vec![],
    };
    let rows = meetings::participants(ctx.conn, &row.id, None)?;
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let mine = own.iter().any(|o| o == p.organization_id.as_str());
            (manager || reads_all || mine).then(|| p.into_domain(manager || mine))
        })
        .collect())
}

/// Attendance is recorded from the start of the meeting's first local day until a
/// week after it ends.
fn check_recording_window(ctx: &Ctx, row: &MeetingRow) -> AppResult<()> {
    if row.cancelled_at.is_some() {
        return Err(cancelled_conflict());
    }
    let now = ctx.db_now();
    // The first instant of the local day (where clocks skip midnight, the first hour that exists).
    let day = local(&row.time_zone, row.starts_at).date();
    let opens = zone(&row.time_zone)
        .and_then(|tz| (0..3).find_map(|h| day.and_hms_opt(h, 0, 0).and_then(|t| to_utc(tz, t))))
        .unwrap_or(row.starts_at)
        .min(row.starts_at);
    if now < opens || now > row.ends_at + Duration::days(LATE_RECORDING_DAYS) {
        return Err(AppError::conflict(
            "not_meeting_day",
            "يُسجَّل الحضور يوم اللقاء وحتى أسبوع بعده.",
            "Attendance is recorded on the meeting's day and up to a week after it.",
        ));
    }
    Ok(())
}

/// An organization the caller sees, with its names.
pub(crate) fn organization_of(ctx: &mut Ctx, org: &OrganizationId) -> AppResult<MeetingOrganization> {
    let o = load_visible(ctx, org, false)?;
    Ok(MeetingOrganization { organization_id: o.id, name_ar: o.name_ar, name_en: o.name_en })
}

/// The door: a coordinator scans a person's invitation code. A code of another
/// meeting, an unknown one or one already used is refused and nothing changes.
pub fn check_in(ctx: &mut Ctx, id: &MeetingId, input: &CheckIn) -> AppResult<CheckedIn> {
    let row = load_visible_meeting(ctx, id, true)?;
    must_manage(ctx, &row)?;
    check_recording_window(ctx, &row)?;
    let person = match meetings::participant_by_code(ctx.conn, &input.code)? {
        Some(p) if p.meeting_id == row.id => p,
        _ => return Err(ValidationErrors::single("code", Violation::UnknownValue).into()),
    };
    let me = ctx.caller()?.clone();
    if !meetings::check_in(ctx.conn, &person.id, &me.id, CheckInMethod::Qr, ctx.db_now())? {
        return Err(already_checked_in(&person.name));
    }
    recorded(ctx, &row, person.id.as_str(), CheckInMethod::Qr)
}

fn already_checked_in(name: &str) -> AppError {
    AppError::conflict(
        "already_checked_in",
        format!("سُجّل حضور {name} من قبل."),
        format!("{name} has already checked in."),
    )
}

fn recorded(ctx: &mut Ctx, row: &MeetingRow, participant: &str, method: CheckInMethod) -> AppResult<CheckedIn> {
    let p = meetings::participant(ctx.conn, participant)?.ok_or(AppError::NotFound)?;
    ctx.record(
        &row.id,
        Event::AttendanceRecorded {
            participant_id: p.id.clone(),
            organization_id: p.organization_id.clone(),
            name: p.name.clone(),
            method,
        },
    )?;
    let organization = organization_of(ctx, &p.organization_id)?;
    Ok(CheckedIn { participant: p.into_domain(true), organization })
}

/// Attendance by hand: a named person ticked off, or a person an invited organization
/// sent who was not named.
pub fn record_attendance(ctx: &mut Ctx, id: &MeetingId, input: &ManualAttendance) -> AppResult<CheckedIn> {
    let row = load_visible_meeting(ctx, id, true)?;
    must_manage(ctx, &row)?;
    check_recording_window(ctx, &row)?;
    if meetings::invitation(ctx.conn, &row.id, &input.organization_id)?.is_none() {
        return Err(ValidationErrors::single("organization_id", Violation::UnknownValue).into());
    }
    let me = ctx.caller()?.clone();
    let now = ctx.db_now();
    let pid = match (&input.participant_id, &input.name) {
        (Some(pid), _) => {
            let person = match meetings::participant(ctx.conn, pid)? {
                Some(p) if p.meeting_id == row.id && p.organization_id == input.organization_id => p,
                _ => return Err(ValidationErrors::single("participant_id", Violation::UnknownValue).into()),
            };
            if !meetings::check_in(ctx.conn, pid, &me.id, CheckInMethod::Manual, now)? {
                return Err(already_checked_in(&person.name));
            }
            pid.clone()
        }
        (None, Some(name)) => {
            let p = ParticipantRow {
                checked_in_at: Some(now),
                checked_in_by: Some(me.id.clone()),
                check_in_method: Some(CheckInMethod::Manual),
                ..participant(&row.id, &input.organization_id, name, input.title.clone(), now)
            };
            meetings::add_participant(ctx.conn, &p)?;
            p.id
        }
        (None, None) => return Err(ValidationErrors::single("participant_id", Violation::OneOfRequired("name")).into()),
    };
    recorded(ctx, &row, pid.as_str(), CheckInMethod::Manual)
}

/// A meeting's attendance in figures, for whoever sees its invitations in full.
pub fn stats(ctx: &mut Ctx, id: &MeetingId) -> AppResult<AttendanceStats> {
    let row = load_visible_meeting(ctx, id, false)?;
    if !(ctx.caller.as_ref().is_some_and(|c| c.reads_all()) || manages(ctx, &row)?) {
        return Err(AppError::Forbidden);
    }
    Ok(meetings::stats(ctx.conn, &row.id)?)
}

/// An organization's attendance over time: for its members, administrators and
/// observers.
pub fn organization_attendance(ctx: &mut Ctx, org: &OrganizationId) -> AppResult<OrganizationAttendance> {
    let o = load_visible(ctx, org, false)?;
    if !crate::authz::sees_private(ctx, o.id.as_str())? {
        return Err(AppError::NotFound);
    }
    Ok(meetings::organization_attendance(ctx.conn, o.id.as_str(), ctx.db_now())?)
}
