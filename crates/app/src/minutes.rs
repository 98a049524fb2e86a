//! A meeting's record: its agenda, minutes approved by the organizations that attended
//! (then locked; a correction is a new record linked to the one it corrects), and its
//! decisions, of which an election makes the network's coordination office. The
//! meeting's managers write it; each attending organization reviews for itself.

use tashbeek_domain::meeting::{Agenda, AgendaInput, AgendaItem};
use tashbeek_domain::minutes::{
    Decision, DecisionInput, Minutes, MinutesInput, MinutesStatus, ReviewInput, ReviewVerdict, MAX_DECISIONS,
};
use tashbeek_domain::user::OrgRole;
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{MeetingId, MinutesId, OrganizationId, ValidationErrors};
use tashbeek_persistence::meeting::MeetingRow;
use tashbeek_persistence::minutes::{self as records, DecisionRow, MinutesRow};
use tashbeek_persistence::office::{self as offices, TermRow};
use tashbeek_persistence::{from_db_time, network as networks, new_id, user as users};

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::meeting::{load_visible_meeting, manages, must_manage, organization_of};
use crate::organization::load_visible;
use crate::version::Expect;

/// The agenda with its papers, for whoever sees the meeting.
pub fn agenda(ctx: &mut Ctx, id: &MeetingId) -> AppResult<Agenda> {
    let row = load_visible_meeting(ctx, id, false)?;
    present_agenda(ctx, &row)
}

fn present_agenda(ctx: &mut Ctx, row: &MeetingRow) -> AppResult<Agenda> {
    let items = records::agenda_rows(ctx.conn, &row.id)?;
    let ids: Vec<_> = items.iter().map(|i| i.id.clone()).collect();
    let mut papers = records::papers(ctx.conn, &ids)?;
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        let presenter = match &i.presenter_id {
            Some(p) => organization_of(ctx, p).ok(),
            None => None,
        };
        let mine: Vec<_> = papers.iter().filter(|(item, _)| *item == i.id).map(|(_, p)| p.clone()).collect();
        papers.retain(|(item, _)| *item != i.id);
        out.push(AgendaItem {
            id: i.id,
            position: i.position,
            title: i.title,
            presenter,
            duration_minutes: i.duration_minutes,
            papers: mine,
        });
    }
    Ok(Agenda { items: out, version: records::agenda_version(ctx.conn, &row.id)? })
}

/// Replaces the agenda (its managers, with the agenda's `If-Match`).
pub fn set_agenda(ctx: &mut Ctx, id: &MeetingId, input: &AgendaInput, expect: &Expect) -> AppResult<Agenda> {
    let row = load_visible_meeting(ctx, id, true)?;
    must_manage(ctx, &row)?;
    let version = records::agenda_version(ctx.conn, &row.id)?;
    expect.check_required(version)?;
    if row.cancelled_at.is_some() {
        return Err(crate::meeting::cancelled_conflict());
    }
    let stored = records::agenda_rows(ctx.conn, &row.id)?;
    let mut e = ValidationErrors::default();
    for (n, item) in input.items.iter().enumerate() {
        if item.id.as_ref().is_some_and(|i| !stored.iter().any(|s| &s.id == i)) {
            e.add(format!("items[{n}].id"), Violation::UnknownValue);
        }
        if let Some(p) = &item.presenter_id {
            match load_visible(ctx, p, false) {
                Ok(_) => {}
                Err(AppError::NotFound) => e.add(format!("items[{n}].presenter_id"), Violation::UnknownValue),
                Err(other) => return Err(other),
            }
        }
    }
    e.into_result()?;
    let removed: Vec<_> = stored
        .iter()
        .filter(|s| !input.items.iter().any(|i| i.id.as_ref() == Some(&s.id)))
        .map(|s| s.id.clone())
        .collect();
    if records::paper_counts(ctx.conn, &removed)?.iter().any(|(_, n)| *n > 0) {
        return Err(AppError::conflict(
            "agenda_item_has_papers",
            "لا يُحذف بند عليه أوراق عمل؛ احذف أوراقه أولاً.",
            "An item with working papers cannot be removed; remove its papers first.",
        ));
    }
    if !records::replace_agenda(ctx.conn, &row.id, version, &input.items, ctx.db_now())? {
        return Err(AppError::VersionMismatch);
    }
    ctx.record(&row.id, Event::AgendaSet { items: input.items.clone() })?;
    present_agenda(ctx, &row)
}

fn not_started() -> AppError {
    AppError::conflict(
        "meeting_not_started",
        "لم يبدأ اللقاء بعد؛ يُكتب المحضر وتُسجَّل القرارات بعد بدايته.",
        "The meeting has not started; minutes and decisions come after its start.",
    )
}

fn locked() -> AppError {
    AppError::conflict(
        "minutes_locked",
        "اعتُمد المحضر فأُقفل؛ للتصحيح أنشئ محضراً مصحِّحاً.",
        "The minutes are approved and locked; write a correction instead.",
    )
}

/// The meeting is one whose record may be written: started and not cancelled.
fn check_held(ctx: &Ctx, row: &MeetingRow) -> AppResult<()> {
    if row.cancelled_at.is_some() {
        return Err(crate::meeting::cancelled_conflict());
    }
    if ctx.db_now() < row.starts_at {
        return Err(not_started());
    }
    Ok(())
}

fn present_minutes(ctx: &mut Ctx, m: MinutesRow) -> AppResult<Minutes> {
    let reviewers = records::attended(ctx.conn, &m.meeting_id)?;
    let reviews = records::reviews(ctx.conn, &m.id)?;
    Ok(Minutes {
        id: m.id,
        meeting_id: m.meeting_id,
        corrects_id: m.corrects_id,
        body: m.body,
        status: m.status,
        required_percent: m.required_percent,
        reviewers,
        reviews,
        circulated_at: m.circulated_at.map(from_db_time),
        approved_at: m.approved_at.map(from_db_time),
        created_at: from_db_time(m.created_at),
        updated_at: from_db_time(m.updated_at),
        version: m.version,
    })
}

/// A meeting's minutes, oldest first: drafts for its managers and readers of everything,
/// circulated and approved ones for whoever sees the meeting.
pub fn minutes(ctx: &mut Ctx, id: &MeetingId) -> AppResult<Vec<Minutes>> {
    let row = load_visible_meeting(ctx, id, false)?;
    let insider = ctx.caller.as_ref().is_some_and(|c| c.reads_all()) || manages(ctx, &row)?;
    let list = records::minutes_of(ctx.conn, &row.id)?;
    list.into_iter().filter(|m| insider || m.status != MinutesStatus::Draft).map(|m| present_minutes(ctx, m)).collect()
}

/// Writes the minutes after the meeting started; once approved, what is written is a
/// correction linked to the newest approved minutes.
pub fn write_minutes(ctx: &mut Ctx, id: &MeetingId, input: &MinutesInput) -> AppResult<Minutes> {
    let row = load_visible_meeting(ctx, id, true)?;
    must_manage(ctx, &row)?;
    check_held(ctx, &row)?;
    let existing = records::minutes_of(ctx.conn, &row.id)?;
    if existing.iter().any(|m| m.status != MinutesStatus::Approved) {
        return Err(AppError::conflict(
            "minutes_open",
            "للقاء محضر لم يُعتمد بعد؛ عدّله بدلاً من إنشاء آخر.",
            "This meeting has minutes not yet approved; edit them instead.",
        ));
    }
    let now = ctx.db_now();
    let m = MinutesRow {
        id: new_id(),
        meeting_id: row.id.clone(),
        corrects_id: existing.last().map(|m| m.id.clone()),
        body: input.body.clone(),
        status: MinutesStatus::Draft,
        required_percent: input.required_percent.unwrap_or(100),
        circulated_at: None,
        approved_at: None,
        created_by: ctx.caller.as_ref().map(|c| c.id.clone()),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    records::minutes_insert(ctx.conn, &m)?;
    ctx.record(
        &row.id,
        Event::MinutesWritten { minutes_id: m.id.clone(), corrects: m.corrects_id.clone(), input: input.clone() },
    )?;
    present_minutes(ctx, m)
}

fn load_minutes(ctx: &mut Ctx, id: &MeetingId, minutes_id: &MinutesId) -> AppResult<(MeetingRow, MinutesRow)> {
    let row = load_visible_meeting(ctx, id, true)?;
    let m = records::minutes_get(ctx.conn, &row.id, minutes_id)?;
    Ok((row, m))
}

/// Rewrites minutes not yet approved; reviews given so far are withdrawn (everyone
/// reads the new text).
pub fn edit_minutes(
    ctx: &mut Ctx,
    id: &MeetingId,
    minutes_id: &MinutesId,
    input: &MinutesInput,
    expect: &Expect,
) -> AppResult<Minutes> {
    let (row, mut m) = load_minutes(ctx, id, minutes_id)?;
    must_manage(ctx, &row)?;
    expect.check_required(m.version)?;
    if m.status == MinutesStatus::Approved {
        return Err(locked());
    }
    let expected = m.version;
    let before = MinutesInput { body: m.body.clone(), required_percent: Some(m.required_percent) };
    m.body = input.body.clone();
    m.required_percent = input.required_percent.unwrap_or(m.required_percent);
    m.updated_at = ctx.db_now();
    m.version += 1;
    if !records::minutes_update(ctx.conn, &m, expected)? {
        return Err(AppError::VersionMismatch);
    }
    records::clear_reviews(ctx.conn, &m.id)?;
    ctx.record(&row.id, Event::MinutesEdited { minutes_id: m.id.clone(), before, after: input.clone() })?;
    present_minutes(ctx, m)
}

/// Sends draft minutes to the organizations that attended.
pub fn circulate(ctx: &mut Ctx, id: &MeetingId, minutes_id: &MinutesId, expect: &Expect) -> AppResult<Minutes> {
    let (row, mut m) = load_minutes(ctx, id, minutes_id)?;
    must_manage(ctx, &row)?;
    expect.check_required(m.version)?;
    match m.status {
        MinutesStatus::Approved => return Err(locked()),
        MinutesStatus::Circulated => {
            return Err(AppError::conflict(
                "already_circulated",
                "عُمِّم المحضر من قبل.",
                "The minutes are already circulated.",
            ))
        }
        MinutesStatus::Draft => {}
    }
    if records::attended(ctx.conn, &row.id)?.is_empty() {
        return Err(AppError::conflict(
            "no_attendance",
            "لم يُسجَّل حضور أي منظمة؛ سجّل الحضور قبل تعميم المحضر.",
            "No organization's attendance is recorded; record it before circulating the minutes.",
        ));
    }
    let expected = m.version;
    let now = ctx.db_now();
    m.status = MinutesStatus::Circulated;
    m.circulated_at = Some(now);
    m.updated_at = now;
    m.version += 1;
    if !records::minutes_update(ctx.conn, &m, expected)? {
        return Err(AppError::VersionMismatch);
    }
    ctx.record(&row.id, Event::MinutesCirculated { minutes_id: m.id.clone() })?;
    present_minutes(ctx, m)
}

/// An attending organization approves or comments, by its own administrators only; the
/// minutes lock once the required share of attending organizations approved.
pub fn review(
    ctx: &mut Ctx,
    id: &MeetingId,
    minutes_id: &MinutesId,
    org: &OrganizationId,
    input: &ReviewInput,
) -> AppResult<Minutes> {
    let (row, mut m) = load_minutes(ctx, id, minutes_id)?;
    let me = crate::authz::writer(ctx)?;
    if users::role_in(ctx.conn, &me.id, org)? != Some(OrgRole::Admin) {
        return Err(AppError::Forbidden);
    }
    let attended = records::attended(ctx.conn, &row.id)?;
    if !attended.iter().any(|a| &a.organization_id == org) {
        return Err(AppError::conflict(
            "not_attending",
            "لم تحضر منظمتك هذا اللقاء؛ يراجع المحضرَ من حضر.",
            "Your organization did not attend; the minutes are reviewed by those who did.",
        ));
    }
    match m.status {
        MinutesStatus::Approved => return Err(locked()),
        MinutesStatus::Draft => {
            return Err(AppError::conflict(
                "not_circulated",
                "لم يُعمَّم المحضر بعد.",
                "The minutes are not circulated yet.",
            ))
        }
        MinutesStatus::Circulated => {}
    }
    let now = ctx.db_now();
    records::set_review(ctx.conn, &m.id, org, input.verdict, input.comment.as_deref(), &me.id, now)?;
    ctx.record(
        &row.id,
        Event::MinutesReviewed {
            minutes_id: m.id.clone(),
            organization_id: org.clone(),
            verdict: input.verdict,
            comment: input.comment.clone(),
        },
    )?;
    let reviews = records::reviews(ctx.conn, &m.id)?;
    let approvals = attended
        .iter()
        .filter(|a| {
            reviews
                .iter()
                .any(|r| r.organization.organization_id == a.organization_id && r.verdict == ReviewVerdict::Approved)
        })
        .count();
    if approvals * 100 >= m.required_percent as usize * attended.len() {
        let expected = m.version;
        m.status = MinutesStatus::Approved;
        m.approved_at = Some(now);
        m.updated_at = now;
        m.version += 1;
        if !records::minutes_update(ctx.conn, &m, expected)? {
            return Err(AppError::VersionMismatch);
        }
        ctx.record(&row.id, Event::MinutesApproved { minutes_id: m.id.clone(), approvals, attending: attended.len() })?;
    }
    present_minutes(ctx, m)
}

fn present_decisions(ctx: &mut Ctx, rows: Vec<DecisionRow>) -> AppResult<Vec<Decision>> {
    let ids: Vec<_> = rows.iter().map(|d| d.id.clone()).collect();
    let terms = offices::of_decisions(ctx.conn, &ids)?;
    let terms_of = |d: &DecisionRow| -> Vec<_> {
        let made = terms.iter().filter(|t| t.decision_id.as_ref() == Some(&d.id)).cloned();
        made.collect()
    };
    Ok(rows
        .into_iter()
        .map(|d| Decision {
            elected: terms_of(&d),
            id: d.id,
            meeting_id: d.meeting_id,
            position: d.position,
            body: d.body,
            method: d.method,
            votes_for: d.votes_for,
            votes_against: d.votes_against,
            abstentions: d.abstentions,
            created_at: from_db_time(d.created_at),
        })
        .collect())
}

/// A meeting's decisions in order, for whoever sees the meeting.
pub fn decisions(ctx: &mut Ctx, id: &MeetingId) -> AppResult<Vec<Decision>> {
    let row = load_visible_meeting(ctx, id, false)?;
    let rows = records::decisions_of(ctx.conn, &row.id)?;
    present_decisions(ctx, rows)
}

/// Records a decision (its managers, after the start, until the minutes are approved).
/// An election makes its terms the network's office: terms of the network that would
/// still run on a new term's first day end the day before.
pub fn decide(ctx: &mut Ctx, id: &MeetingId, input: &DecisionInput) -> AppResult<Decision> {
    let row = load_visible_meeting(ctx, id, true)?;
    must_manage(ctx, &row)?;
    check_held(ctx, &row)?;
    let minutes = records::minutes_of(ctx.conn, &row.id)?;
    if minutes.last().is_some_and(|m| m.status == MinutesStatus::Approved) {
        return Err(locked());
    }
    let count = records::decision_count(ctx.conn, &row.id)?;
    if count >= MAX_DECISIONS {
        return Err(ValidationErrors::single("body", Violation::TooMany { max: MAX_DECISIONS as usize }).into());
    }
    let now = ctx.db_now();
    let mut terms = vec![];
    if let Some(election) = &input.election {
        let Some(network) = row.network_id.clone() else {
            return Err(ValidationErrors::single(
                "election",
                Violation::InvalidFormat("اللقاء ليس لشبكة / the meeting has no network".into()),
            )
            .into());
        };
        let mut e = ValidationErrors::default();
        for (i, t) in election.terms.iter().enumerate() {
            let member = networks::status_of(ctx.conn, &network, &t.organization_id)?
                == Some(tashbeek_domain::network::NetworkMemberStatus::Member);
            if !member {
                e.add(format!("election.terms[{i}].organization_id"), Violation::UnknownValue);
            }
        }
        e.into_result()?;
        terms = election
            .terms
            .iter()
            .map(|t| TermRow {
                id: new_id(),
                network_id: network.clone(),
                position: t.position,
                person_name: t.person_name.clone(),
                organization_id: t.organization_id.clone(),
                starts_on: t.starts_on,
                ends_on: t.ends_on,
                decision_id: None,
                created_at: now,
            })
            .collect();
    }
    let d = DecisionRow {
        id: new_id(),
        meeting_id: row.id.clone(),
        position: count as i32 + 1,
        body: input.body.clone(),
        method: input.method,
        votes_for: input.votes_for,
        votes_against: input.votes_against,
        abstentions: input.abstentions,
        created_by: ctx.caller.as_ref().map(|c| c.id.clone()),
        created_at: now,
    };
    records::decision_insert(ctx.conn, &d)?;
    if let Some(first) = terms.iter().map(|t| t.starts_on).min() {
        let network = terms[0].network_id.clone();
        offices::end_before(ctx.conn, &network, first)?;
        for t in &mut terms {
            t.decision_id = Some(d.id.clone());
        }
        offices::insert(ctx.conn, &terms)?;
        ctx.record(
            &network,
            Event::OfficeElected {
                meeting_id: row.id.clone(),
                decision_id: d.id.clone(),
                terms: input.election.clone().map(|e| e.terms).unwrap_or_default(),
            },
        )?;
    }
    ctx.record(&row.id, Event::DecisionRecorded { decision_id: d.id.clone(), input: Box::new(input.clone()) })?;
    Ok(present_decisions(ctx, vec![d])?.remove(0))
}
