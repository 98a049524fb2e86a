//! Meetings over HTTP; the operations are `tashbeek_app::meeting`. Calendar feeds are
//! iCalendar (`text/calendar`) of what the caller may see.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, put};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tashbeek_app::meeting::{self, ListQuery};
use tashbeek_app::{self as app};
use tashbeek_domain::meeting::{
    AttendanceStats, CheckIn, CheckedIn, ManualAttendance, Meeting, MeetingCancellation, MeetingInput,
    MeetingInvitation, MeetingInvite, MeetingKind, MeetingStatus, MeetingSummary, OrganizationAttendance, Participant,
    Rsvp,
};
use tashbeek_domain::page::{self, Page};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{MeetingId, NetworkId, OrganizationId, ValidationErrors};
use utoipa::IntoParams;

use crate::auth::{Auth, FeedAuth, MaybeAuth};
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::etag;
use crate::extract::{csv_list, JsonBody, QueryParams};
use crate::state::AppState;

/// Most meetings one calendar feed carries.
const FEED_LIMIT: i64 = 500;

fn versioned(status: StatusCode, m: &Meeting) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag::of(m.version))).json(m)
}

/// Meeting filters; `kind` is comma-separated (any matches).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only this network's meetings.
    pub network: Option<NetworkId>,
    /// Only meetings this organization holds or is invited to.
    pub organization: Option<OrganizationId>,
    /// `upcoming` (default: not yet over, soonest first) or `past` (started, newest
    /// first). Ignored when `from` or `to` is given.
    #[param(pattern = "^(upcoming|past)$")]
    pub when: Option<String>,
    /// Meetings not over by this time (RFC 3339), e.g. the first day of a month.
    pub from: Option<DateTime<Utc>>,
    /// Meetings starting before this time (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Kinds, e.g. `forum,workshop`. At most 50 distinct values.
    #[param(value_type = Option<Vec<MeetingKind>>, style = Form, explode = false)]
    pub kind: Option<String>,
    /// Also cancelled meetings.
    pub include_cancelled: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1024, pattern = r"^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

fn query_of(p: &ListParams, e: &mut ValidationErrors) -> ListQuery {
    let mut kinds = Vec::new();
    for k in csv_list("kind", &p.kind, e) {
        match MeetingKind::parse(&k) {
            Some(k) => kinds.push(k),
            None => {
                e.add("kind", Violation::UnknownValue);
                break;
            }
        }
    }
    let past = match p.when.as_deref() {
        None | Some("upcoming") => false,
        Some("past") => true,
        Some(_) => {
            e.add("when", Violation::UnknownValue);
            false
        }
    };
    use chrono::Datelike;
    for (field, t) in [("from", p.from), ("to", p.to)] {
        if t.is_some_and(|t| !tashbeek_domain::meeting::YEARS.contains(&t.year())) {
            e.add(field, Violation::OutOfRange { min: 2000, max: 2100 });
        }
    }
    if let (Some(f), Some(t)) = (p.from, p.to) {
        if t <= f {
            e.add("to", Violation::InvalidFormat("after `from` / بعد from".into()));
        } else if t - f > chrono::Duration::days(400) {
            e.add("to", Violation::InvalidFormat("at most 400 days after `from` / ٤٠٠ يوم على الأكثر".into()));
        }
    }
    ListQuery {
        network: p.network.clone(),
        organization: p.organization.clone(),
        past,
        from: p.from,
        to: p.to,
        kinds,
        include_cancelled: p.include_cancelled.unwrap_or(false),
    }
}

#[utoipa::path(
    tag = "meetings", operation_id = "list_meetings",
    params(ListParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Meetings you may see (public ones; those of your networks; those your organizations hold or are invited to; all for administrators and observers), soonest first, or newest first with `when=past`", body = Page<MeetingSummary>),
        (status = 400, description = "A parameter is invalid (unknown kind, `to` before `from`, bad cursor, limit out of range)", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = InvalidToken),
    )
)]
#[get("/meetings")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    QueryParams(p): QueryParams<ListParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, cursor) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    let q = query_of(&p, &mut e);
    e.into_result().map_err(ApiError::bad_parameter)?;
    let env = state.env(viewer, &req);
    let page =
        state.db(move |conn| Ok(app::read(conn, env, |ctx| meeting::list(ctx, &q, limit, cursor.as_ref()))?)).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    tag = "meetings", operation_id = "schedule_meeting",
    security(("bearer" = [])),
    request_body(content = MeetingInput, examples(
        ("ar" = (summary = "الاجتماع التأسيسي", value = json!({
            "title": "الاجتماع التأسيسي لتجمع منظمات شندي والمتمة", "kind": "founding_meeting",
            "starts_local": "2026-12-10T10:00", "ends_local": "2026-12-10T13:00", "time_zone": "Africa/Khartoum",
            "venue_name": "قاعة محلية شندي", "area": "SD-RN", "visibility": "public", "capacity": 60}))),
        ("en" = (summary = "A forum of professional associations", value = json!({
            "title": "Professional Associations Forum", "kind": "forum",
            "starts_local": "2026-12-15T09:00", "ends_local": "2026-12-15T14:00", "time_zone": "Asia/Muscat",
            "venue_name": "Ministry of Social Development", "visibility": "invited"})))
    )),
    responses(
        (status = 201, description = "Scheduled", body = Meeting, headers(("ETag" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Coordinators (platform administrators) and administrators of an organizing organization only", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Invalid fields: end before start, an unknown time zone, a time the clocks skip, an unknown network, area or organizer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/meetings")]
pub async fn schedule(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<MeetingInput>,
) -> ApiResult<HttpResponse> {
    let (input, start, end) = body.0.validate()?;
    let env = state.env(Some(actor), &req);
    let m =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| meeting::schedule(ctx, &input, (start, end)))?)).await?;
    Ok(versioned(StatusCode::CREATED, &m))
}

#[utoipa::path(
    tag = "meetings", operation_id = "get_meeting",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The meeting", body = Meeting, headers(("ETag" = String))),
        (status = 401, response = InvalidToken),
        (status = 404, response = MeetingNotFound),
    )
)]
#[get("/meetings/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let m = state.db(move |conn| Ok(app::read(conn, env, |ctx| meeting::get(ctx, &id))?)).await?;
    Ok(versioned(StatusCode::OK, &m))
}

#[utoipa::path(
    tag = "meetings", operation_id = "update_meeting",
    params(("id" = String, Path, description = "Meeting id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body = MeetingInput,
    responses(
        (status = 200, description = "Updated; calendars see a new SEQUENCE", body = Meeting, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = MeetingManagersOnly),
        (status = 404, response = MeetingNotFound),
        (status = 409, description = "The meeting was cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, response = IfMatchMissing),
    )
)]
#[put("/meetings/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<MeetingId>,
    body: JsonBody<MeetingInput>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let (input, start, end) = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let m = state
        .db(move |conn| Ok(app::write(conn, env, |ctx| meeting::update(ctx, &id, &input, (start, end), &expect))?))
        .await?;
    Ok(versioned(StatusCode::OK, &m))
}

#[utoipa::path(
    tag = "meetings", operation_id = "cancel_meeting",
    params(("id" = String, Path, description = "Meeting id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body(content = MeetingCancellation, examples(
        ("ar" = (summary = "تأجيل", value = json!({"reason": "تأجل اللقاء لتزامنه مع موسم الحصاد"}))),
        ("en" = (summary = "Postponed", value = json!({"reason": "Postponed: the hall is unavailable"})))
    )),
    responses(
        (status = 200, description = "Cancelled; the record stays and calendars mark it cancelled", body = Meeting, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = MeetingManagersOnly),
        (status = 404, response = MeetingNotFound),
        (status = 409, description = "Already cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, response = IfMatchMissing),
    )
)]
#[post("/meetings/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<MeetingId>,
    body: JsonBody<MeetingCancellation>,
) -> ApiResult<HttpResponse> {
    let reason = body.0.validate()?.reason;
    let expect = etag::expectation(&req)?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let m = state.db(move |conn| Ok(app::write(conn, env, |ctx| meeting::cancel(ctx, &id, &reason, &expect))?)).await?;
    Ok(versioned(StatusCode::OK, &m))
}

#[utoipa::path(
    tag = "meetings", operation_id = "list_meeting_invitations",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Invited organizations with their answers and how many of their people checked in: all of them for the meeting's managers, administrators and observers; your own organizations' otherwise", body = Vec<MeetingInvitation>),
        (status = 401, response = InvalidToken),
        (status = 404, response = MeetingNotFound),
    )
)]
#[get("/meetings/{id}/invitations")]
pub async fn invitations(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let found = state.db(move |conn| Ok(app::read(conn, env, |ctx| meeting::invitations(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    tag = "meetings", operation_id = "invite_to_meeting",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security(("bearer" = [])),
    request_body = MeetingInvite,
    responses(
        (status = 200, description = "Invited (organizations invited before keep their answers); all invitations now", body = Vec<MeetingInvitation>),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = MeetingManagersOnly),
        (status = 404, response = MeetingNotFound),
        (status = 409, description = "The meeting was cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "No organizations, more than 200, repeated, or unknown (each named by its index); a person of an organization not in the request, a repeated person, or more than 50 people for one organization (`people`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/meetings/{id}/invitations")]
pub async fn invite(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<MeetingId>,
    body: JsonBody<MeetingInvite>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let found = state.db(move |conn| Ok(app::write(conn, env, |ctx| meeting::invite(ctx, &id, &input))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    tag = "meetings", operation_id = "answer_meeting_invitation",
    params(("id" = String, Path, description = "Meeting id (UUID)"), ("organization_id" = String, Path, description = "The invited organization (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body(content = Rsvp, examples(
        ("ar" = (summary = "نحضر بممثلَين", value = json!({"answer": "attending", "people": [{"name": "هدى عبد الرحيم", "title": "رئيسة الجمعية"}, {"name": "عمر الطيب"}]}))),
        ("en" = (summary = "Declined", value = json!({"answer": "declined"})))
    )),
    responses(
        (status = 200, description = "Answered; the people named get check-in codes (`GET /meetings/{id}/participants`)", body = MeetingInvitation, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only the organization's own administrators answer (not even a coordinator)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such meeting, or the organization is not invited", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The meeting has started (`meeting_started`), was cancelled, or the answer would pass its capacity (`over_capacity`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, description = "Changing an answer already given, or answering once the organizers named people, needs `If-Match` with the invitation's `version`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/meetings/{id}/invitations/{organization_id}")]
pub async fn answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(MeetingId, OrganizationId)>,
    body: JsonBody<Rsvp>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let (rsvp, count) = body.0.validate()?;
    let (id, org) = path.into_inner();
    let env = state.env(Some(actor), &req);
    let inv = state
        .db(move |conn| Ok(app::write(conn, env, |ctx| meeting::answer(ctx, &id, &org, &rsvp, count, &expect))?))
        .await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag::of(inv.version))).json(inv))
}

#[utoipa::path(
    tag = "meetings", operation_id = "list_meeting_participants",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The people organizations send and whether they checked in: all for the meeting's managers, administrators and observers; your own organizations' otherwise. Check-in codes only for the managers and the person's own organization", body = Vec<Participant>),
        (status = 401, response = InvalidToken),
        (status = 404, response = MeetingNotFound),
    )
)]
#[get("/meetings/{id}/participants")]
pub async fn participants(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let found = state.db(move |conn| Ok(app::read(conn, env, |ctx| meeting::participants(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    tag = "meetings", operation_id = "check_in_to_meeting",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security(("bearer" = [])),
    request_body = CheckIn,
    responses(
        (status = 200, description = "Checked in: who, and for which organization", body = CheckedIn),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = MeetingManagersOnly),
        (status = 404, response = MeetingNotFound),
        (status = 409, description = "Already checked in (`already_checked_in`), cancelled, or not the meeting's day (`not_meeting_day`: from its first local day until a week after it)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "An unknown code, or one of another meeting (`errors` names `code`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/meetings/{id}/check-in")]
pub async fn check_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<MeetingId>,
    body: JsonBody<CheckIn>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let done = state.db(move |conn| Ok(app::write(conn, env, |ctx| meeting::check_in(ctx, &id, &input))?)).await?;
    Ok(HttpResponse::Ok().json(done))
}

#[utoipa::path(
    tag = "meetings", operation_id = "record_meeting_attendance",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security(("bearer" = [])),
    request_body = ManualAttendance,
    responses(
        (status = 200, description = "Recorded", body = CheckedIn),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = MeetingManagersOnly),
        (status = 404, response = MeetingNotFound),
        (status = 409, description = "Already checked in, cancelled, or not the meeting's day", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "An organization not invited, an unknown person, or neither a person nor a name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/meetings/{id}/attendance")]
pub async fn record_attendance(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<MeetingId>,
    body: JsonBody<ManualAttendance>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let done =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| meeting::record_attendance(ctx, &id, &input))?)).await?;
    Ok(HttpResponse::Ok().json(done))
}

#[utoipa::path(
    tag = "meetings", operation_id = "meeting_attendance",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Answers and attendance in figures", body = AttendanceStats),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "The meeting's managers, administrators and observers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = MeetingNotFound),
    )
)]
#[get("/meetings/{id}/attendance")]
pub async fn stats(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(viewer): Auth,
    id: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(Some(viewer), &req);
    let s = state.db(move |conn| Ok(app::read(conn, env, |ctx| meeting::stats(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(s))
}

#[utoipa::path(
    tag = "meetings", operation_id = "organization_meeting_attendance",
    params(("id" = String, Path, description = "Organization id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Its attendance at meetings that have started (cancelled ones aside)", body = OrganizationAttendance),
        (status = 401, response = NotSignedIn),
        (status = 404, description = "No such organization, or you are not its member, an administrator or an observer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organizations/{id}/meeting-attendance")]
pub async fn organization_attendance(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(viewer): Auth,
    id: web::Path<OrganizationId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(Some(viewer), &req);
    let s = state.db(move |conn| Ok(app::read(conn, env, |ctx| meeting::organization_attendance(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(s))
}

/// Renders meetings as one iCalendar file (on the blocking pool: a feed is up to 500).
fn render(base: &str, name: &str, found: &[Meeting]) -> String {
    let extras: Vec<(String, String, Option<String>)> = found
        .iter()
        .map(|m| {
            let place: Vec<&str> = [m.venue_name.as_deref(), m.venue_address.as_deref(), m.online_url.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            let place = (!place.is_empty()).then(|| place.join(" — "));
            (format!("{}@tashbeek", m.id.as_str()), format!("{base}/meetings/{}", m.id.as_str()), place)
        })
        .collect();
    let events: Vec<tashbeek_app::ics::IcsEvent> = found
        .iter()
        .zip(&extras)
        .filter_map(|(m, (uid, url, place))| {
            Some(tashbeek_app::ics::IcsEvent {
                uid,
                sequence: m.version - 1,
                summary: &m.title,
                description: m.description.as_deref(),
                location: place.as_deref(),
                url,
                starts_at: m.starts_at,
                ends_at: m.ends_at,
                time_zone: tashbeek_app::ics::zone(&m.time_zone)?,
                cancelled: m.status == MeetingStatus::Cancelled,
                created_at: m.created_at,
                updated_at: m.updated_at,
            })
        })
        .collect();
    tashbeek_app::ics::calendar(name, &events)
}

fn calendar_file(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(body)
}

#[utoipa::path(
    tag = "meetings", operation_id = "meeting_ics",
    params(("id" = String, Path, description = "Meeting id (UUID)"), TokenParam),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The meeting as an iCalendar file: local times with their time zone (VTIMEZONE included), a stable UID, SEQUENCE increasing with each change, STATUS:CANCELLED once cancelled, and a link back to the meeting",
            content((String = "text/calendar"))),
        (status = 400, description = "An unknown or malformed parameter (`token` longer than 100 characters)", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = InvalidFeedToken),
        (status = 404, response = MeetingNotFound),
    )
)]
#[get("/meetings/{id}/calendar.ics")]
pub async fn meeting_ics(
    state: web::Data<AppState>,
    req: HttpRequest,
    FeedAuth(viewer): FeedAuth,
    id: web::Path<MeetingId>,
    _token: QueryParams<TokenParam>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let base = state.public_base(&req);
    let body = state
        .db(move |conn| {
            let m = app::read(conn, env, |ctx| meeting::get(ctx, &id))?;
            Ok(render(&base, &m.title, std::slice::from_ref(&m)))
        })
        .await?;
    Ok(calendar_file(body))
}

/// The filters a feed of meetings honours (as the list's).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    pub network: Option<NetworkId>,
    pub organization: Option<OrganizationId>,
    /// Kinds, e.g. `forum,workshop`. At most 50 distinct values.
    #[param(value_type = Option<Vec<MeetingKind>>, style = Form, explode = false)]
    pub kind: Option<String>,
    /// The secret of your private calendar address (`POST /me/calendar-token`): the feed
    /// then carries what you may see, not only public meetings.
    #[param(max_length = 100)]
    pub token: Option<String>,
}

/// A calendar's only parameter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TokenParam {
    /// The secret of your private calendar address (`POST /me/calendar-token`): the
    /// calendar then carries what you may see, not only what is public.
    #[param(max_length = 100)]
    pub token: Option<String>,
}

async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Option<crate::auth::Actor>,
    name: String,
    q: ListQuery,
) -> ApiResult<HttpResponse> {
    let env = state.env(viewer, &req);
    let base = state.public_base(&req);
    let body = state
        .db(move |conn| {
            let found = app::read(conn, env, |ctx| meeting::feed(ctx, &q, FEED_LIMIT))?;
            Ok(render(&base, &name, &found))
        })
        .await?;
    Ok(calendar_file(body))
}

#[utoipa::path(
    tag = "meetings", operation_id = "meetings_calendar",
    params(FeedParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A subscribable calendar of the meetings you may see that match the filters, from 90 days ago on (at most 500; cancelled ones marked)", content((String = "text/calendar"))),
        (status = 400, description = "An unknown kind, or another unknown or malformed parameter (`token` longer than 100 characters)", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = InvalidFeedToken),
    )
)]
#[get("/meetings/calendar.ics")]
pub async fn calendar(
    state: web::Data<AppState>,
    req: HttpRequest,
    FeedAuth(viewer): FeedAuth,
    QueryParams(p): QueryParams<FeedParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let params = ListParams { network: p.network, organization: p.organization, kind: p.kind, ..Default::default() };
    let q = query_of(&params, &mut e);
    e.into_result().map_err(ApiError::bad_parameter)?;
    feed(state, req, viewer, "تشبيك — اللقاءات / Tashbeek meetings".into(), q).await
}

#[utoipa::path(
    tag = "meetings", operation_id = "network_calendar",
    params(("id" = String, Path, description = "Network id (UUID)"), TokenParam),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The network's meetings you may see, as a subscribable calendar", content((String = "text/calendar"))),
        (status = 400, description = "An unknown or malformed parameter (`token` longer than 100 characters)", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = InvalidFeedToken),
        (status = 404, response = NetworkNotFound),
    )
)]
#[get("/networks/{id}/calendar.ics")]
pub async fn network_calendar(
    state: web::Data<AppState>,
    req: HttpRequest,
    FeedAuth(viewer): FeedAuth,
    id: web::Path<NetworkId>,
    _token: QueryParams<TokenParam>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer.clone(), &req);
    let probe = id.clone();
    let n = state.db(move |conn| Ok(app::read(conn, env, |ctx| app::network::get(ctx, &probe))?)).await?;
    let name = n.name_ar.or(n.name_en).unwrap_or_default();
    let q = ListQuery { network: Some(id), ..Default::default() };
    feed(state, req, viewer, name, q).await
}

#[utoipa::path(
    tag = "meetings", operation_id = "organization_calendar",
    params(("id" = String, Path, description = "Organization id (UUID)"), TokenParam),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Meetings the organization holds or is invited to that you may see, as a subscribable calendar", content((String = "text/calendar"))),
        (status = 400, description = "An unknown or malformed parameter (`token` longer than 100 characters)", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = InvalidFeedToken),
        (status = 404, response = OrganizationNotFound),
    )
)]
#[get("/organizations/{id}/calendar.ics")]
pub async fn organization_calendar(
    state: web::Data<AppState>,
    req: HttpRequest,
    FeedAuth(viewer): FeedAuth,
    id: web::Path<OrganizationId>,
    _token: QueryParams<TokenParam>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer.clone(), &req);
    let probe = id.clone();
    let o = state
        .db(move |conn| Ok(app::read(conn, env, |ctx| tashbeek_app::organization::load_visible(ctx, &probe, false))?))
        .await?;
    let name = o.name_ar.or(o.name_en).unwrap_or_default();
    let q = ListQuery { organization: Some(id), ..Default::default() };
    feed(state, req, viewer, name, q).await
}
