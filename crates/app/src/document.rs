//! Documents attached to records: evidence on a partnership's reports and on progress
//! updates of recommendations, and working papers on a meeting's agenda items (seen by
//! whoever sees the meeting). Whoever may see
//! the record may download its documents; the uploading organization's members add and
//! remove them. The bytes are placed by the caller (see `tashbeek_persistence::files`)
//! inside the transaction that inserts the row.

use tashbeek_domain::document::{Document, MAX_PER_RECORD};
use tashbeek_domain::meeting::WorkingPaper;
use tashbeek_domain::report::ReportStatus;
use tashbeek_domain::{AgendaItemId, MeetingId, OrganizationId};
use tashbeek_domain::{DocumentId, PartnershipId, ReportId};
use tashbeek_persistence::document::{self as documents, DocumentRow, OWNER_REPORT};
use tashbeek_persistence::meeting::MeetingRow;
use tashbeek_persistence::minutes::{self as records, AgendaItemRow, OWNER_AGENDA_ITEM};
use tashbeek_persistence::partnership::PartnershipRow;
use tashbeek_persistence::recommendation::OWNER_UPDATE;
use tashbeek_persistence::report::{self as reports, ReportRow};
use tashbeek_persistence::user as users;

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::meeting::{load_visible_meeting, manages};
use crate::partnership::{load_visible_partnership, sees_privately};

/// An upload's facts, checked against its bytes by the store.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub name: String,
    pub content_type: &'static str,
    pub size: i64,
    pub sha256: String,
}

/// `row`, a report of `p` (a partnership the caller sees), if the caller may see it: an
/// endorsed one, or any one when they see the partnership's private side (as they do
/// when it is not public: they could not have loaded it otherwise).
fn visible_report(ctx: &mut Ctx, p: &PartnershipRow, row: ReportRow) -> AppResult<ReportRow> {
    if row.status == ReportStatus::Endorsed || !p.public || sees_privately(ctx, p)? {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

/// The caller is a member of the reporting organization (the only ones who change its
/// evidence, platform administrators included).
fn reporter(ctx: &mut Ctx, report: &ReportRow) -> AppResult<()> {
    let me = crate::authz::writer(ctx)?;
    match users::role_in(ctx.conn, &me.id, &report.reported_by)? {
        Some(_) => Ok(()),
        None => Err(AppError::Forbidden),
    }
}

/// Evidence changed: what the other parties endorsed is not what they would now see, so
/// their endorsements are withdrawn (disputes stand).
fn reopen(ctx: &mut Ctx, report: &ReportRow) -> AppResult<()> {
    reports::withdraw_endorsements(ctx.conn, &report.id)?;
    if report.status == ReportStatus::Endorsed {
        reports::set_status(ctx.conn, &report.id, ReportStatus::Awaiting, ctx.db_now())?;
    }
    Ok(())
}

/// Whether the caller may attach evidence to a report: checked before an upload is
/// received (and again when it is stored).
pub fn may_attach(ctx: &mut Ctx, id: &PartnershipId, report_id: &ReportId) -> AppResult<()> {
    let p = load_visible_partnership(ctx, id, false)?;
    let report = reports::get(ctx.conn, &p.id, report_id)?;
    let report = visible_report(ctx, &p, report)?;
    reporter(ctx, &report)
}

/// Attaches an upload to a report (by a member of the reporting organization).
pub fn add_to_report(
    ctx: &mut Ctx,
    id: &PartnershipId,
    report_id: &ReportId,
    doc: &NewDocument,
) -> AppResult<Document> {
    let p = load_visible_partnership(ctx, id, true)?;
    let report = reports::get(ctx.conn, &p.id, report_id)?;
    let report = visible_report(ctx, &p, report)?;
    reporter(ctx, &report)?;
    if documents::count_of(ctx.conn, OWNER_REPORT, &report.id)? >= MAX_PER_RECORD as i64 {
        return Err(AppError::conflict(
            "too_many_documents",
            format!("يحمل التقرير {MAX_PER_RECORD} مستندات على الأكثر؛ احذف واحدًا أولًا."),
            format!("A report holds at most {MAX_PER_RECORD} documents; remove one first."),
        ));
    }
    let row = DocumentRow {
        id: tashbeek_persistence::new_id(),
        owner_kind: OWNER_REPORT.into(),
        owner_id: report.id.to_string(),
        organization_id: report.reported_by.clone(),
        name: doc.name.clone(),
        content_type: doc.content_type.into(),
        size: doc.size,
        sha256: doc.sha256.clone(),
        uploaded_by: ctx.caller.as_ref().map(|c| c.id.clone()),
        created_at: ctx.db_now(),
    };
    documents::insert(ctx.conn, &row)?;
    reopen(ctx, &report)?;
    let document = row.into_domain();
    ctx.record(&p.id, Event::DocumentAdded { report_id: report.id.clone(), document: document.clone() })?;
    Ok(document)
}

/// A document the caller may download, else `NotFound`.
pub fn get(ctx: &mut Ctx, id: &DocumentId) -> AppResult<DocumentRow> {
    let row = documents::get(ctx.conn, id)?;
    if row.owner_kind == OWNER_AGENDA_ITEM {
        owner_item(ctx, &row.owner_id, false)?;
    } else if row.owner_kind == OWNER_UPDATE {
        crate::recommendation::evidence_visible(ctx, &row.owner_id)?;
    } else {
        owner_report(ctx, &row, false)?;
    }
    Ok(row)
}

/// The meeting and agenda item of a working paper, if the caller sees the meeting.
fn owner_item(ctx: &mut Ctx, item: &str, lock: bool) -> AppResult<(MeetingRow, AgendaItemRow)> {
    let item = records::agenda_item(ctx.conn, item)?.ok_or(AppError::NotFound)?;
    let meeting = load_visible_meeting(ctx, &item.meeting_id, lock)?;
    Ok((meeting, item))
}

/// Who may change an item's papers: the meeting's managers and the members of the
/// presenting organization. Returns the organization a new paper is filed under (the
/// presenter, else the meeting's first organizer).
fn paper_author(ctx: &mut Ctx, meeting: &MeetingRow, item: &AgendaItemRow) -> AppResult<OrganizationId> {
    let me = crate::authz::writer(ctx)?;
    let manager = manages(ctx, meeting)?;
    let presenter_member = match &item.presenter_id {
        Some(p) => users::role_in(ctx.conn, &me.id, p)?.is_some(),
        None => false,
    };
    if !manager && !presenter_member {
        return Err(AppError::Forbidden);
    }
    let first_organizer = tashbeek_persistence::meeting::organizer_ids(ctx.conn, &meeting.id)?
        .first()
        .and_then(|o| OrganizationId::parse(o));
    item.presenter_id.clone().or(first_organizer).ok_or_else(|| {
        AppError::conflict(
            "no_presenter",
            "حدّد المنظمة التي تقدّم البند أولاً؛ تُنسب ورقة العمل إليها.",
            "Name the item's presenting organization first: the paper is filed under it.",
        )
    })
}

/// Whether the caller may attach a working paper to an item: checked before an upload
/// is received (and again when it is stored).
pub fn may_add_paper(ctx: &mut Ctx, meeting: &MeetingId, item: &AgendaItemId) -> AppResult<()> {
    let (m, i) = owner_item(ctx, item, false)?;
    if &m.id != meeting {
        return Err(AppError::NotFound);
    }
    paper_author(ctx, &m, &i).map(drop)
}

/// Attaches a working paper to an agenda item.
pub fn add_paper(
    ctx: &mut Ctx,
    meeting: &MeetingId,
    item: &AgendaItemId,
    title: &str,
    authors: &str,
    doc: &NewDocument,
) -> AppResult<WorkingPaper> {
    let (m, i) = owner_item(ctx, item, true)?;
    if &m.id != meeting {
        return Err(AppError::NotFound);
    }
    let org = paper_author(ctx, &m, &i)?;
    if documents::count_of(ctx.conn, OWNER_AGENDA_ITEM, &i.id)? >= MAX_PER_RECORD as i64 {
        return Err(AppError::conflict(
            "too_many_documents",
            format!("يحمل البند {MAX_PER_RECORD} أوراق على الأكثر؛ احذف واحدة أولاً."),
            format!("An agenda item holds at most {MAX_PER_RECORD} papers; remove one first."),
        ));
    }
    let row = DocumentRow {
        id: tashbeek_persistence::new_id(),
        owner_kind: OWNER_AGENDA_ITEM.into(),
        owner_id: i.id.to_string(),
        organization_id: org,
        name: doc.name.clone(),
        content_type: doc.content_type.into(),
        size: doc.size,
        sha256: doc.sha256.clone(),
        uploaded_by: ctx.caller.as_ref().map(|c| c.id.clone()),
        created_at: ctx.db_now(),
    };
    documents::insert(ctx.conn, &row)?;
    records::add_paper(ctx.conn, &row.id, &i.id, title, authors)?;
    let document = row.into_domain();
    ctx.record(
        &m.id,
        Event::PaperAdded {
            agenda_item_id: i.id.clone(),
            title: title.to_owned(),
            authors: authors.to_owned(),
            document: document.clone(),
        },
    )?;
    Ok(WorkingPaper { document, title: title.to_owned(), authors: authors.to_owned() })
}

/// The partnership and report a document belongs to, if the caller sees them (`lock`:
/// the partnership's row, to change the report).
fn owner_report(ctx: &mut Ctx, row: &DocumentRow, lock: bool) -> AppResult<(PartnershipRow, ReportRow)> {
    if row.owner_kind != OWNER_REPORT {
        return Err(AppError::NotFound);
    }
    let report = reports::find(ctx.conn, &row.owner_id)?;
    let p = load_visible_partnership(ctx, &report.partnership_id, lock)?;
    let report = visible_report(ctx, &p, report)?;
    Ok((p, report))
}

/// Removes a document (by a member of the organization that reported); returns its row
/// so the caller can delete the bytes once no other document names them.
pub fn remove(ctx: &mut Ctx, id: &DocumentId) -> AppResult<DocumentRow> {
    let row = documents::get(ctx.conn, id)?;
    if row.owner_kind == OWNER_AGENDA_ITEM {
        let (m, i) = owner_item(ctx, &row.owner_id, true)?;
        paper_author(ctx, &m, &i)?;
        records::remove_paper(ctx.conn, &row.id)?;
        documents::delete(ctx.conn, &row.id)?;
        ctx.record(&m.id, Event::PaperRemoved { agenda_item_id: i.id.clone(), document: row.clone().into_domain() })?;
        return Ok(row);
    }
    if row.owner_kind == OWNER_UPDATE {
        crate::recommendation::remove_evidence(ctx, &row)?;
        return Ok(row);
    }
    let (p, report) = owner_report(ctx, &row, true)?;
    reporter(ctx, &report)?;
    documents::delete(ctx.conn, &row.id)?;
    reopen(ctx, &report)?;
    ctx.record(&p.id, Event::DocumentRemoved { report_id: report.id.clone(), document: row.clone().into_domain() })?;
    Ok(row)
}
