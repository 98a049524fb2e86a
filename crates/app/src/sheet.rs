//! Recommendations as a spreadsheet, out and back in: one row per addressee's part, the
//! same columns in the export and the import (XLSX with right-to-left sheets, Arabic
//! headers and dropdowns, or CSV for machines). An import matches rows by reference code,
//! never creates, reports each bad cell by row and column, shows in a dry run what it would
//! change, and stores nothing from a file with errors unless asked to apply the valid rows.
//! Changes go through the same operations as the API, with the importer's permissions.

use std::collections::HashMap;
use std::io::Cursor as IoCursor;

use chrono::NaiveDate;
use tashbeek_domain::page::Cursor;
use tashbeek_domain::recommendation::{
    ImportReport, PartState, Priority, RecommendationStatus, SheetChange, SheetError, StatusChange, UpdateInput,
    MAX_SHEET_ROWS,
};
use tashbeek_domain::RecommendationId;
use tashbeek_persistence::recommendation::{self as recs, PartRow, RecommendationRow};

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::recommendation::{self as recommendation, ListQuery};
use crate::version::Expect;

/// A spreadsheet's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The columns, in order: what the export writes and the import expects.
pub const HEADERS: [&str; 11] = [
    "الرمز المرجعي / code",
    "نص التوصية / text (ar)",
    "الحالة / status",
    "السبب / reason",
    "الأولوية / priority",
    "الموعد / due date",
    "المخاطَب / addressee",
    "حالة الجزء / part state",
    "نسبة الإنجاز / progress %",
    "ملاحظة التقدم / progress note",
    "الإصدار / version",
];
const CODE: usize = 0;
const TEXT: usize = 1;
const STATUS: usize = 2;
const REASON: usize = 3;
const PRIORITY: usize = 4;
const DUE: usize = 5;
const ADDRESSEE: usize = 6;
const PROGRESS: usize = 8;
const NOTE: usize = 9;
const VERSION: usize = 10;

/// What the office part is called in a sheet.
const OFFICE: &str = "مكتب التنسيق / coordination office";

fn status_label(s: RecommendationStatus) -> &'static str {
    match s {
        RecommendationStatus::Proposed => "مقترحة",
        RecommendationStatus::Adopted => "معتمدة",
        RecommendationStatus::Rejected => "مرفوضة",
        RecommendationStatus::Deferred => "مؤجلة",
        RecommendationStatus::InProgress => "قيد التنفيذ",
        RecommendationStatus::Implemented => "منفذة",
        RecommendationStatus::NotImplemented => "تعذر تنفيذها",
    }
}

fn priority_label(p: Priority) -> &'static str {
    match p {
        Priority::Low => "منخفضة",
        Priority::Normal => "عادية",
        Priority::High => "عالية",
        Priority::Urgent => "عاجلة",
    }
}

fn part_label(s: PartState) -> &'static str {
    match s {
        PartState::AwaitingAnswer => "بانتظار الرد",
        PartState::Accepted => "مقبولة",
        PartState::Declined => "معتذَر عنها",
        PartState::AwaitingVerification => "بانتظار التحقق",
        PartState::Implemented => "منفذة",
    }
}

/// A status by its Arabic label or its code.
fn parse_status(s: &str) -> Option<RecommendationStatus> {
    RecommendationStatus::ALL.iter().copied().find(|x| status_label(*x) == s || x.as_str() == s)
}

fn parse_priority(s: &str) -> Option<Priority> {
    Priority::ALL.iter().copied().find(|x| priority_label(*x) == s || x.as_str() == s)
}

/// The name of a part's addressee in a sheet.
fn addressee_name(p: &PartRow, names: &HashMap<tashbeek_domain::OrganizationId, recs::Names>) -> String {
    match &p.organization_id {
        Some(o) => {
            let (ar, en) = names.get(o).cloned().unwrap_or_default();
            ar.or(en).unwrap_or_else(|| o.to_string())
        }
        None => OFFICE.into(),
    }
}

type Row = [String; 11];

/// The rows of the recommendations the caller sees that match `q` (at most
/// [`MAX_SHEET_ROWS`]), one per part, in board order.
fn rows_for(ctx: &mut Ctx, q: &ListQuery) -> AppResult<(Vec<Row>, Vec<String>)> {
    let mut q = q.clone();
    q.limit = 200;
    let mut ids: Vec<RecommendationId> = vec![];
    loop {
        let page = recommendation::board(ctx, &q)?;
        ids.extend(page.items.into_iter().map(|r| r.id));
        match page.next_cursor {
            Some(c) if ids.len() < MAX_SHEET_ROWS => q.after = Some(Cursor::decode(&c)?),
            _ => break,
        }
    }
    let mut out = vec![];
    let mut addressees = vec![];
    for chunk in ids.chunks(500) {
        let rows = recs::rows_of(ctx.conn, chunk)?;
        let parts = recs::parts_of(ctx.conn, chunk)?;
        let names = recs::names_for(ctx.conn, &parts)?;
        let mut by_rec: HashMap<&RecommendationId, Vec<&PartRow>> = HashMap::new();
        for p in &parts {
            by_rec.entry(&p.recommendation_id).or_default().push(p);
        }
        for id in chunk {
            if out.len() >= MAX_SHEET_ROWS {
                break;
            }
            let Some(r) = rows.iter().find(|r| &r.id == id) else { continue };
            for p in by_rec.get(id).cloned().unwrap_or_default() {
                let name = addressee_name(p, &names);
                addressees.push(name.clone());
                out.push([
                    r.code.clone(),
                    r.text_ar.clone().or(r.text_en.clone()).unwrap_or_default(),
                    status_label(r.status).into(),
                    r.status_reason.clone().unwrap_or_default(),
                    priority_label(r.priority).into(),
                    r.due_on.map(|d| d.to_string()).unwrap_or_default(),
                    name,
                    part_label(p.state).into(),
                    p.progress.to_string(),
                    String::new(),
                    r.version.to_string(),
                ]);
                if out.len() >= MAX_SHEET_ROWS {
                    break;
                }
            }
        }
    }
    addressees.sort();
    addressees.dedup();
    Ok((out, addressees))
}

fn sheet_error(e: impl std::fmt::Display) -> AppError {
    AppError::Db(tashbeek_persistence::DbError::Corrupt(format!("spreadsheet: {e}")))
}

/// The recommendations matching `q` as a file of `format`.
pub fn export(ctx: &mut Ctx, q: &ListQuery, format: Format) -> AppResult<Vec<u8>> {
    let (rows, addressees) = rows_for(ctx, q)?;
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
            w.write_record(HEADERS).map_err(sheet_error)?;
            for r in &rows {
                w.write_record(r.iter().map(|c| defused(c).into_owned())).map_err(sheet_error)?;
            }
            w.into_inner().map_err(sheet_error)
        }
        Format::Xlsx => xlsx(&rows, &addressees).map_err(sheet_error),
    }
}

/// A CSV cell a spreadsheet program would run as a formula, quoted as text (`'=…`); the
/// import takes the quote off again.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn xlsx(rows: &[Row], addressees: &[String]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DataValidation, Format as Style, Formula, Workbook};
    let mut book = Workbook::new();
    let bold = Style::new().set_bold();
    let last = rows.len().max(1) as u32 + 200;
    {
        let lists = book.add_worksheet();
        lists.set_name("القوائم")?;
        lists.set_right_to_left(true);
        for (i, s) in RecommendationStatus::ALL.iter().enumerate() {
            lists.write_string(i as u32, 0, status_label(*s))?;
        }
        for (i, p) in Priority::ALL.iter().enumerate() {
            lists.write_string(i as u32, 1, priority_label(*p))?;
        }
        for (i, a) in addressees.iter().enumerate() {
            lists.write_string(i as u32, 2, a)?;
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name("التوصيات")?;
    sheet.set_right_to_left(true);
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        sheet.set_column_width(c as u16, if c == TEXT { 60 } else { 22 })?;
    }
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            if (c == PROGRESS || c == VERSION) && !v.is_empty() {
                sheet.write_number(i as u32 + 1, c as u16, v.parse::<f64>().unwrap_or(0.0))?;
            } else {
                sheet.write_string(i as u32 + 1, c as u16, v)?;
            }
        }
    }
    let list = |col: &str, n: usize| Formula::new(format!("='القوائم'!${col}$1:${col}${}", n.max(1)));
    let dv = DataValidation::new().allow_list_formula(list("A", RecommendationStatus::ALL.len()));
    sheet.add_data_validation(1, STATUS as u16, last, STATUS as u16, &dv)?;
    let dv = DataValidation::new().allow_list_formula(list("B", Priority::ALL.len()));
    sheet.add_data_validation(1, PRIORITY as u16, last, PRIORITY as u16, &dv)?;
    if !addressees.is_empty() {
        let dv = DataValidation::new().allow_list_formula(list("C", addressees.len()));
        sheet.add_data_validation(1, ADDRESSEE as u16, last, ADDRESSEE as u16, &dv)?;
    }
    let dv = DataValidation::new().allow_whole_number(rust_xlsxwriter::DataValidationRule::Between(0, 100));
    sheet.add_data_validation(1, PROGRESS as u16, last, PROGRESS as u16, &dv)?;
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

/// The data rows of a file (the header checked), each with its row number in the file.
fn read(bytes: &[u8], format: Format) -> Result<Vec<(usize, Row)>, SheetError> {
    let bad_file = |message: String| SheetError { row: 1, column: String::new(), message };
    let mut grid: Vec<Vec<String>> = vec![];
    match format {
        Format::Csv => {
            let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
            for rec in r.records() {
                let rec = rec.map_err(|e| bad_file(format!("ملف CSV غير صالح / not a valid CSV file: {e}")))?;
                grid.push(
                    rec.iter()
                        .map(|s| {
                            let s = s.trim();
                            match s.strip_prefix('\'') {
                                Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_owned(),
                                _ => s.to_owned(),
                            }
                        })
                        .collect(),
                );
                if grid.len() > MAX_SHEET_ROWS + 1 {
                    break;
                }
            }
        }
        Format::Xlsx => {
            use calamine::{Data, Reader};
            let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(IoCursor::new(bytes))
                .map_err(|e| bad_file(format!("ملف XLSX غير صالح / not a valid XLSX file: {e}")))?;
            let names = book.sheet_names();
            let name = names.iter().find(|n| n.as_str() == "التوصيات").or(names.first()).cloned();
            let range = name
                .and_then(|n| book.worksheet_range(&n).ok())
                .ok_or_else(|| bad_file("لا ورقة في الملف / the file has no sheet".into()))?;
            for row in range.rows().take(MAX_SHEET_ROWS + 2) {
                grid.push(
                    row.iter()
                        .map(|c| match c {
                            Data::Empty => String::new(),
                            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                            Data::DateTime(d) => d.as_datetime().map(|d| d.date().to_string()).unwrap_or_default(),
                            other => other.to_string().trim().to_owned(),
                        })
                        .collect(),
                );
            }
        }
    }
    let mut lines = grid.into_iter();
    let header: Vec<String> = lines.next().unwrap_or_default();
    let header: Vec<String> = header.into_iter().map(|h| h.trim_start_matches('\u{feff}').to_owned()).collect();
    if header.len() < HEADERS.len() || header.iter().zip(HEADERS).any(|(a, b)| a != b) {
        return Err(bad_file(format!(
            "الصف الأول ليس عناوين التصدير / the first row is not the export's headers: {}",
            HEADERS.join(" | ")
        )));
    }
    let mut out = vec![];
    for (i, cells) in lines.enumerate() {
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if out.len() >= MAX_SHEET_ROWS {
            return Err(SheetError {
                row: i + 2,
                column: String::new(),
                message: format!("أكثر من {MAX_SHEET_ROWS} صف / more than {MAX_SHEET_ROWS} rows"),
            });
        }
        let mut row: Row = Default::default();
        for (c, v) in cells.into_iter().take(HEADERS.len()).enumerate() {
            row[c] = v;
        }
        out.push((i + 2, row));
    }
    Ok(out)
}

/// The recommendation-level values a row states.
#[derive(Debug, Clone, PartialEq)]
struct Terms {
    text: String,
    status: RecommendationStatus,
    reason: String,
    priority: Priority,
    due_on: Option<NaiveDate>,
}

/// What applying a valid row does. `version` is the recommendation's version the row was
/// checked against: the change expects it (a status change after the row's edit, the version
/// the edit left), so a change another user commits meanwhile fails the import instead of
/// being overwritten.
enum Step {
    Edit { id: RecommendationId, version: i64, text: String, priority: Priority, due_on: Option<NaiveDate> },
    Status { id: RecommendationId, version: i64, change: StatusChange },
    Progress { id: RecommendationId, part: tashbeek_domain::PartId, input: UpdateInput },
}

/// A recommendation changed by someone else between the file's check and its application
/// (the same transaction, on PostgreSQL): nothing of the file is stored.
fn changed_meanwhile(e: AppError) -> AppError {
    match e {
        AppError::VersionMismatch => AppError::conflict(
            "changed_during_import",
            "عُدّلت توصية في أثناء الاستيراد فلم يُحفظ شيء من الملف؛ صدّر الملف من جديد.",
            "A recommendation changed while the file was being imported, so nothing was stored; export the file again.",
        ),
        e => e,
    }
}

fn err(row: usize, col: usize, message: impl Into<String>) -> SheetError {
    SheetError { row, column: HEADERS[col].into(), message: message.into() }
}

fn parse_terms(row: usize, r: &Row, errors: &mut Vec<SheetError>) -> Option<Terms> {
    let before = errors.len();
    let status = parse_status(&r[STATUS]);
    if status.is_none() {
        errors.push(err(row, STATUS, format!("حالة غير معروفة / unknown status «{}»", r[STATUS])));
    }
    let priority = parse_priority(&r[PRIORITY]);
    if priority.is_none() {
        errors.push(err(row, PRIORITY, format!("أولوية غير معروفة / unknown priority «{}»", r[PRIORITY])));
    }
    let due_on = if r[DUE].is_empty() {
        None
    } else {
        let d = tashbeek_domain::partnership::iso_date::parse(&r[DUE]);
        if d.is_none() {
            errors.push(err(row, DUE, "تاريخ بصيغة YYYY-MM-DD / a date as YYYY-MM-DD"));
        }
        d
    };
    if r[TEXT].trim().is_empty() {
        errors.push(err(row, TEXT, "مطلوب / required"));
    }
    (errors.len() == before).then(|| Terms {
        text: r[TEXT].clone(),
        status: status.unwrap_or(RecommendationStatus::Proposed),
        reason: r[REASON].clone(),
        priority: priority.unwrap_or(Priority::Normal),
        due_on,
    })
}

/// Reads `bytes` and applies what changes, unless `dry_run`, or unless rows have errors
/// and `apply_valid` is not set. The report says what changes (or would), row by row.
pub fn import(
    ctx: &mut Ctx,
    bytes: &[u8],
    format: Format,
    dry_run: bool,
    apply_valid: bool,
) -> AppResult<ImportReport> {
    crate::authz::writer(ctx)?;
    let rows = match read(bytes, format) {
        Ok(r) => r,
        Err(e) => return Ok(ImportReport { rows: 0, unchanged: 0, changes: vec![], errors: vec![e], applied: false }),
    };
    let mut errors: Vec<SheetError> = vec![];
    let mut changes: Vec<SheetChange> = vec![];
    let mut steps: Vec<(usize, Step)> = vec![];
    let mut unchanged = 0;
    // Per code: the stored recommendation, its parts and names, and the terms its first row
    // stated (`None` once a row of it failed: its terms are not applied).
    type Known = (RecommendationRow, Vec<PartRow>, HashMap<tashbeek_domain::OrganizationId, recs::Names>, bool);
    let mut known: HashMap<String, Option<Known>> = HashMap::new();
    let mut first_terms: HashMap<String, (usize, Terms)> = HashMap::new();
    for (n, r) in &rows {
        let n = *n;
        let code = r[CODE].clone();
        if code.is_empty() {
            errors.push(err(n, CODE, "مطلوب / required"));
            continue;
        }
        if !known.contains_key(&code) {
            let found = match recs::by_code(ctx.conn, &code)? {
                Some(row) => match recommendation::visible_for_sheet(ctx, &row.id) {
                    Ok((row, manages)) => {
                        let parts = recs::parts(ctx.conn, &row.id)?;
                        let names = recs::names_for(ctx.conn, &parts)?;
                        Some((row, parts, names, manages))
                    }
                    Err(AppError::NotFound) => None,
                    Err(other) => return Err(other),
                },
                None => None,
            };
            known.insert(code.clone(), found);
        }
        let Some(Some((rec, parts, names, manages))) = known.get(&code) else {
            errors.push(err(n, CODE, format!("رمز غير معروف / unknown code «{code}»")));
            continue;
        };
        let Some(terms) = parse_terms(n, r, &mut errors) else { continue };
        let mut row_changed = false;
        // The recommendation's own terms: stated by its first row, repeated by the others.
        match first_terms.get(&code) {
            Some((first, t)) if *t != terms => {
                errors.push(err(
                    n,
                    STATUS,
                    format!("يخالف الصف {first} للتوصية نفسها / differs from row {first} of the same recommendation"),
                ));
                continue;
            }
            Some(_) => {}
            None => {
                first_terms.insert(code.clone(), (n, terms.clone()));
                let stored_text = rec.text_ar.clone().or(rec.text_en.clone()).unwrap_or_default();
                let mut diffs: Vec<(&str, String, String)> = vec![];
                if terms.text != stored_text {
                    diffs.push(("text_ar", stored_text, terms.text.clone()));
                }
                if terms.priority != rec.priority {
                    diffs.push(("priority", rec.priority.as_str().into(), terms.priority.as_str().into()));
                }
                if terms.due_on != rec.due_on {
                    let show = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
                    diffs.push(("due_on", show(rec.due_on), show(terms.due_on)));
                }
                let status_changes = terms.status != rec.status;
                if status_changes {
                    diffs.push(("status", rec.status.as_str().into(), terms.status.as_str().into()));
                }
                if !diffs.is_empty() {
                    if !manages {
                        errors.push(err(
                            n,
                            STATUS,
                            "لا يغيّر بنود التوصية إلا من يديرها / only its managers change the recommendation",
                        ));
                        continue;
                    }
                    if r[VERSION] != rec.version.to_string() {
                        errors.push(err(
                            n,
                            VERSION,
                            format!(
                                "عُدّلت التوصية بعد التصدير (الإصدار الآن {}) / changed since the export (now version {})",
                                rec.version, rec.version
                            ),
                        ));
                        continue;
                    }
                    let closed = matches!(
                        rec.status,
                        RecommendationStatus::Rejected
                            | RecommendationStatus::Implemented
                            | RecommendationStatus::NotImplemented
                    );
                    let edits_terms = diffs.iter().any(|(f, _, _)| *f != "status");
                    if closed && edits_terms {
                        errors.push(err(n, STATUS, "أُغلقت التوصية فلا تُعدَّل / the recommendation is closed"));
                        continue;
                    }
                    if edits_terms {
                        let mut input = recommendation::input_of(rec, parts);
                        input.text_ar = Some(terms.text.clone());
                        input.text_en = None;
                        input.priority = Some(terms.priority);
                        input.due_on = terms.due_on;
                        if let Err(v) = input.validate() {
                            let field = v.0.first().map(|(f, _)| f.as_str()).unwrap_or("text_ar");
                            let col = if field == "due_on" { DUE } else { TEXT };
                            errors.push(err(n, col, "قيمة غير صالحة / an invalid value"));
                            continue;
                        }
                    }
                    if status_changes {
                        if terms.status == RecommendationStatus::Implemented
                            && !parts
                                .iter()
                                .filter(|p| p.state != PartState::Declined)
                                .all(|p| p.state == PartState::Implemented)
                        {
                            errors.push(err(
                                n,
                                STATUS,
                                "لم يُتحقق من تنفيذ كل الأجزاء / not every part is verified implemented",
                            ));
                            continue;
                        }
                        if !rec.status.may_become(terms.status) {
                            errors.push(err(
                                n,
                                STATUS,
                                format!(
                                    "لا تنتقل من «{}» إلى «{}» / cannot move from {} to {}",
                                    status_label(rec.status),
                                    status_label(terms.status),
                                    rec.status.as_str(),
                                    terms.status.as_str()
                                ),
                            ));
                            continue;
                        }
                        if terms.status.needs_reason() && terms.reason.trim().is_empty() {
                            errors.push(err(n, REASON, "مطلوب لهذه الحالة / required for this status"));
                            continue;
                        }
                    }
                    if edits_terms {
                        steps.push((
                            n,
                            Step::Edit {
                                id: rec.id.clone(),
                                version: rec.version,
                                text: terms.text.clone(),
                                priority: terms.priority,
                                due_on: terms.due_on,
                            },
                        ));
                    }
                    if status_changes {
                        let reason = Some(terms.reason.clone()).filter(|s| !s.trim().is_empty());
                        steps.push((
                            n,
                            Step::Status {
                                id: rec.id.clone(),
                                version: rec.version,
                                change: StatusChange { status: terms.status, reason, review_on: None },
                            },
                        ));
                    }
                    for (f, from, to) in diffs {
                        changes.push(SheetChange { row: n, code: code.clone(), field: f.into(), from, to });
                    }
                    row_changed = true;
                }
            }
        }
        // The row's part: its progress, and a note.
        let Some(part) = parts.iter().find(|p| addressee_name(p, names) == r[ADDRESSEE]) else {
            errors.push(err(
                n,
                ADDRESSEE,
                format!("ليس من مخاطَبي التوصية / not an addressee of this recommendation: «{}»", r[ADDRESSEE]),
            ));
            continue;
        };
        let percent = match r[PROGRESS].parse::<i32>() {
            Ok(p) if (0..=100).contains(&p) => p,
            _ => {
                errors.push(err(n, PROGRESS, "عدد صحيح من 0 إلى 100 / a whole number from 0 to 100"));
                continue;
            }
        };
        let note = r[NOTE].trim();
        let new_note =
            !note.is_empty() && recs::last_update(ctx.conn, &part.id)?.map(|(b, _)| b).as_deref() != Some(note);
        if percent != part.progress || new_note {
            if r[VERSION] != rec.version.to_string() {
                errors.push(err(
                    n,
                    VERSION,
                    format!(
                        "تغيّرت التوصية بعد التصدير (الإصدار الآن {0}) / changed since the export (now version {0})",
                        rec.version
                    ),
                ));
                continue;
            }
            let open_after = terms.status.is_open();
            if !recommendation::speaks_for_sheet(ctx, rec, part)? {
                errors.push(err(
                    n,
                    PROGRESS,
                    "لا يبلّغ عن الجزء إلا أعضاء المخاطَب / only the addressee's members report on its part",
                ));
                continue;
            }
            if !open_after || part.state != PartState::Accepted {
                errors.push(err(n, PROGRESS, "يُبلَّغ عن جزء مقبول لتوصية معتمدة / progress is reported on an accepted part of an adopted recommendation"));
                continue;
            }
            let body = Some(r[NOTE].trim().to_owned())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "تحديث من ملف / update from a spreadsheet".into());
            let input = UpdateInput { reported_on: None, percent, body, links: vec![], related: vec![] };
            match input.validate() {
                Ok(input) => {
                    changes.push(SheetChange {
                        row: n,
                        code: code.clone(),
                        field: format!("progress ({})", r[ADDRESSEE]),
                        from: part.progress.to_string(),
                        to: percent.to_string(),
                    });
                    steps.push((n, Step::Progress { id: rec.id.clone(), part: part.id.clone(), input }));
                    row_changed = true;
                }
                Err(_) => {
                    errors.push(err(n, NOTE, "نص غير صالح / invalid text"));
                    continue;
                }
            }
        }
        if !row_changed {
            unchanged += 1;
        }
    }
    let applied = !dry_run && (errors.is_empty() || apply_valid);
    if applied {
        // A recommendation any of whose rows failed keeps its terms and status: its rows
        // disagree, or one of them cannot be applied.
        let bad_rows: std::collections::HashSet<usize> = errors.iter().map(|e| e.row).collect();
        let bad_codes: std::collections::HashSet<&String> =
            rows.iter().filter(|(n, _)| bad_rows.contains(n)).map(|(_, r)| &r[CODE]).collect();
        let code_of: HashMap<usize, &String> = rows.iter().map(|(n, r)| (*n, &r[CODE])).collect();
        // The version each edit left, which the row's status change then expects.
        let mut edited: HashMap<RecommendationId, i64> = HashMap::new();
        for (n, step) in steps {
            let whole_recommendation = !matches!(step, Step::Progress { .. });
            if bad_rows.contains(&n) || (whole_recommendation && code_of.get(&n).is_some_and(|c| bad_codes.contains(c)))
            {
                continue;
            }
            match step {
                Step::Edit { id, version, text, priority, due_on } => {
                    let row = recs::get(ctx.conn, &id)?;
                    let parts = recs::parts(ctx.conn, &id)?;
                    let mut input = recommendation::input_of(&row, &parts);
                    if row.text_ar.is_some() || row.text_en.is_none() {
                        input.text_ar = Some(text);
                    } else {
                        input.text_en = Some(text);
                    }
                    input.priority = Some(priority);
                    input.due_on = due_on;
                    let input = input.validate()?;
                    let after = recommendation::edit(ctx, &id, &input, &Expect::OneOf(vec![version]))
                        .map_err(changed_meanwhile)?;
                    edited.insert(id, after.version);
                }
                Step::Status { id, version, change } => {
                    let version = edited.get(&id).copied().unwrap_or(version);
                    recommendation::set_status(ctx, &id, &change.validate()?, &Expect::OneOf(vec![version]))
                        .map_err(changed_meanwhile)?;
                }
                Step::Progress { id, part, input } => {
                    recommendation::report(ctx, &id, &part, &input)?;
                }
            }
        }
    }
    errors.sort_by_key(|e| e.row);
    Ok(ImportReport { rows: rows.len(), unchanged, changes, errors, applied })
}
