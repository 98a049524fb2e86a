//! A meeting's record over HTTP (agenda, minutes, decisions) and networks' offices; the
//! operations are `tashbeek_app::minutes` and `tashbeek_app::office`.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, put};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use tashbeek_app::{self as app, minutes, office};
use tashbeek_domain::meeting::{Agenda, AgendaInput};
use tashbeek_domain::minutes::{Decision, DecisionInput, Minutes, MinutesInput, ReviewInput};
use tashbeek_domain::office::OfficeTerm;
use tashbeek_domain::{MeetingId, MinutesId, NetworkId, OrganizationId};
use utoipa::IntoParams;

use crate::auth::{Auth, MaybeAuth};
use crate::error::responses::*;
use crate::error::{ApiResult, Problem};
use crate::etag;
use crate::extract::{JsonBody, QueryParams};
use crate::state::AppState;

fn tagged<T: serde::Serialize>(status: StatusCode, version: i64, body: &T) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag::of(version))).json(body)
}

#[utoipa::path(
    tag = "meetings", operation_id = "get_meeting_agenda",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The agenda in order, each item with its presenting organization and working papers; the `ETag` is the agenda's version", body = Agenda, headers(("ETag" = String))),
        (status = 401, response = InvalidToken),
        (status = 404, response = MeetingNotFound),
    )
)]
#[get("/meetings/{id}/agenda")]
pub async fn agenda(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let a = state.db(move |conn| Ok(app::read(conn, env, |ctx| minutes::agenda(ctx, &id))?)).await?;
    Ok(tagged(StatusCode::OK, a.version, &a))
}

#[utoipa::path(
    tag = "meetings", operation_id = "set_meeting_agenda",
    params(("id" = String, Path, description = "Meeting id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body(content = AgendaInput, examples(
        ("ar" = (summary = "جدول الأعمال", value = json!({"items": [
            {"title": "كلمة الافتتاح", "duration_minutes": 15},
            {"title": "ورقة عمل: واقع المنظمات الطوعية بالمحليتين", "duration_minutes": 45},
            {"title": "انتخاب المكتب التمهيدي", "duration_minutes": 30}]}))),
        ("en" = (summary = "Agenda", value = json!({"items": [{"title": "Opening", "duration_minutes": 10}]})))
    )),
    responses(
        (status = 200, description = "The agenda now", body = Agenda, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = MeetingManagersOnly),
        (status = 404, response = MeetingNotFound),
        (status = 409, description = "An item left out still holds working papers (`agenda_item_has_papers`), or the meeting was cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, description = "Invalid items (a title, a duration, an unknown item id or presenting organization), each named by its index", body = Problem, content_type = "application/problem+json"),
        (status = 428, response = IfMatchMissing),
    )
)]
#[put("/meetings/{id}/agenda")]
pub async fn set_agenda(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<MeetingId>,
    body: JsonBody<AgendaInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let expect = etag::expectation(&req)?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let a =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| minutes::set_agenda(ctx, &id, &input, &expect))?)).await?;
    Ok(tagged(StatusCode::OK, a.version, &a))
}

#[utoipa::path(
    tag = "meetings", operation_id = "list_meeting_minutes",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The meeting's minutes, oldest first (the original, then corrections), with the attending organizations that review them and their reviews. Drafts only for the meeting's managers, administrators and observers", body = Vec<Minutes>),
        (status = 401, response = InvalidToken),
        (status = 404, response = MeetingNotFound),
    )
)]
#[get("/meetings/{id}/minutes")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let found = state.db(move |conn| Ok(app::read(conn, env, |ctx| minutes::minutes(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    tag = "meetings", operation_id = "write_meeting_minutes",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security(("bearer" = [])),
    request_body(content = MinutesInput, examples(
        ("ar" = (summary = "محضر", value = json!({"body": "انعقد الاجتماع التأسيسي بحضور ممثلي المنظمات…", "required_percent": 100}))),
        ("en" = (summary = "Minutes", value = json!({"body": "The founding meeting was held with…"})))
    )),
    responses(
        (status = 201, description = "Written as a draft; after approved minutes, a correction linked to them (`corrects_id`)", body = Minutes, headers(("ETag" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = MeetingManagersOnly),
        (status = 404, response = MeetingNotFound),
        (status = 409, description = "The meeting has not started (`meeting_not_started`) or was cancelled, or it has minutes not yet approved (`minutes_open`: edit them)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/meetings/{id}/minutes")]
pub async fn write(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<MeetingId>,
    body: JsonBody<MinutesInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let m = state.db(move |conn| Ok(app::write(conn, env, |ctx| minutes::write_minutes(ctx, &id, &input))?)).await?;
    Ok(tagged(StatusCode::CREATED, m.version, &m))
}

#[utoipa::path(
    tag = "meetings", operation_id = "edit_meeting_minutes",
    params(("id" = String, Path, description = "Meeting id (UUID)"), ("minutes_id" = String, Path, description = "Minutes id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body = MinutesInput,
    responses(
        (status = 200, description = "Rewritten; reviews given so far are withdrawn", body = Minutes, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = MeetingManagersOnly),
        (status = 404, description = "No such meeting or minutes, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Approved, hence locked (`minutes_locked`): write a correction", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, response = IfMatchMissing),
    )
)]
#[put("/meetings/{id}/minutes/{minutes_id}")]
pub async fn edit(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(MeetingId, MinutesId)>,
    body: JsonBody<MinutesInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let expect = etag::expectation(&req)?;
    let (id, mid) = path.into_inner();
    let env = state.env(Some(actor), &req);
    let m = state
        .db(move |conn| Ok(app::write(conn, env, |ctx| minutes::edit_minutes(ctx, &id, &mid, &input, &expect))?))
        .await?;
    Ok(tagged(StatusCode::OK, m.version, &m))
}

#[utoipa::path(
    tag = "meetings", operation_id = "circulate_meeting_minutes",
    params(("id" = String, Path, description = "Meeting id (UUID)"), ("minutes_id" = String, Path, description = "Minutes id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Circulated to the organizations that attended, each of which approves or comments", body = Minutes, headers(("ETag" = String))),
        (status = 400, response = MalformedIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = MeetingManagersOnly),
        (status = 404, description = "No such meeting or minutes, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already circulated or approved, or no organization's attendance is recorded (`no_attendance`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 428, response = IfMatchMissing),
    )
)]
#[post("/meetings/{id}/minutes/{minutes_id}/circulate")]
pub async fn circulate(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(MeetingId, MinutesId)>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let (id, mid) = path.into_inner();
    let env = state.env(Some(actor), &req);
    let m = state.db(move |conn| Ok(app::write(conn, env, |ctx| minutes::circulate(ctx, &id, &mid, &expect))?)).await?;
    Ok(tagged(StatusCode::OK, m.version, &m))
}

#[utoipa::path(
    tag = "meetings", operation_id = "review_meeting_minutes",
    params(
        ("id" = String, Path, description = "Meeting id (UUID)"),
        ("minutes_id" = String, Path, description = "Minutes id (UUID)"),
        ("organization_id" = String, Path, description = "The reviewing organization (UUID)"),
    ),
    security(("bearer" = [])),
    request_body(content = ReviewInput, examples(
        ("ar" = (summary = "موافقة", value = json!({"verdict": "approved"}))),
        ("en" = (summary = "A comment", value = json!({"verdict": "commented", "comment": "Please add our delegate's name to the list."})))
    )),
    responses(
        (status = 200, description = "Recorded (replacing the organization's earlier review); the minutes lock as `approved` once the required share of attending organizations approved", body = Minutes),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only the organization's own administrators review for it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such meeting or minutes, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not circulated (`not_circulated`), already approved (`minutes_locked`), or the organization did not attend (`not_attending`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
    )
)]
#[put("/meetings/{id}/minutes/{minutes_id}/reviews/{organization_id}")]
pub async fn review(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(MeetingId, MinutesId, OrganizationId)>,
    body: JsonBody<ReviewInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let (id, mid, org) = path.into_inner();
    let env = state.env(Some(actor), &req);
    let m =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| minutes::review(ctx, &id, &mid, &org, &input))?)).await?;
    Ok(HttpResponse::Ok().json(m))
}

#[utoipa::path(
    tag = "meetings", operation_id = "list_meeting_decisions",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The meeting's decisions in order, elections with the office terms they made", body = Vec<Decision>),
        (status = 401, response = InvalidToken),
        (status = 404, response = MeetingNotFound),
    )
)]
#[get("/meetings/{id}/decisions")]
pub async fn decisions(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let found = state.db(move |conn| Ok(app::read(conn, env, |ctx| minutes::decisions(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    tag = "meetings", operation_id = "record_meeting_decision",
    params(("id" = String, Path, description = "Meeting id (UUID)")),
    security(("bearer" = [])),
    request_body(content = DecisionInput, examples(
        ("ar" = (summary = "انتخاب المكتب التمهيدي", value = json!({
            "body": "انتخاب المكتب التمهيدي للتجمع لمدة عام", "method": "vote", "votes_for": 10, "votes_against": 0, "abstentions": 1,
            "election": {"terms": [{"position": "chair", "person_name": "هدى عبد الرحيم", "organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b", "starts_on": "2026-12-10", "ends_on": "2027-12-09"}]}}))),
        ("en" = (summary = "By consensus", value = json!({"body": "Adopt the network's charter", "method": "consensus"})))
    )),
    responses(
        (status = 201, description = "Recorded; an election's terms are the network's office from their first day (terms they replace end the day before)", body = Decision),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = MeetingManagersOnly),
        (status = 404, response = MeetingNotFound),
        (status = 409, description = "The meeting has not started or was cancelled, or its minutes are approved (`minutes_locked`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Invalid fields: vote counts, an election in a meeting without a network, a position filled twice, a person of an organization that is not a member of the network", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/meetings/{id}/decisions")]
pub async fn decide(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<MeetingId>,
    body: JsonBody<DecisionInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let d = state.db(move |conn| Ok(app::write(conn, env, |ctx| minutes::decide(ctx, &id, &input))?)).await?;
    Ok(HttpResponse::Created().json(d))
}

/// The date an office is asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OfficeParams {
    /// The date (default: today).
    #[param(value_type = Option<String>, format = Date)]
    pub on: Option<NaiveDate>,
}

#[utoipa::path(
    tag = "networks", operation_id = "network_office",
    params(("id" = String, Path, description = "Network id (UUID)"), OfficeParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Who held the office's positions on that date, chair first", body = Vec<OfficeTerm>),
        (status = 400, description = "A malformed date", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = InvalidToken),
        (status = 404, response = NetworkNotFound),
    )
)]
#[get("/networks/{id}/office")]
pub async fn office_on(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<NetworkId>,
    QueryParams(p): QueryParams<OfficeParams>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let found = state.db(move |conn| Ok(app::read(conn, env, |ctx| office::on(ctx, &id, p.on))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    tag = "networks", operation_id = "network_office_history",
    params(("id" = String, Path, description = "Network id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Every term the office has had, newest first (at most 500)", body = Vec<OfficeTerm>),
        (status = 401, response = InvalidToken),
        (status = 404, response = NetworkNotFound),
    )
)]
#[get("/networks/{id}/office/history")]
pub async fn office_history(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<NetworkId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let found = state.db(move |conn| Ok(app::read(conn, env, |ctx| office::history(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// A working paper's file name, title and authors.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PaperParams {
    /// The file's name (its last path segment is kept, at most 200 characters).
    #[param(max_length = 1000)]
    pub name: String,
    /// The paper's title.
    #[param(min_length = 1, max_length = 300)]
    pub title: String,
    /// Its authors, as they are to be cited.
    #[param(min_length = 1, max_length = 500)]
    pub authors: String,
}

#[utoipa::path(
    tag = "meetings", operation_id = "add_working_paper",
    params(
        ("id" = String, Path, description = "Meeting id (UUID)"),
        ("item_id" = String, Path, description = "Agenda item id (UUID)"),
        PaperParams,
    ),
    security(("bearer" = [])),
    request_body(
        description = "The file's bytes, with its type in `Content-Type` (the types evidence accepts: PDF, images, office documents). Downloaded with `GET /documents/{id}` by whoever sees the meeting.",
        content(
            (crate::document::FileBytes = "application/pdf"),
            (crate::document::FileBytes = "image/jpeg"),
            (crate::document::FileBytes = "image/png"),
            (crate::document::FileBytes = "image/gif"),
            (crate::document::FileBytes = "image/webp"),
            (crate::document::FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (crate::document::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (crate::document::FileBytes = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            (crate::document::FileBytes = "application/vnd.oasis.opendocument.text"),
            (crate::document::FileBytes = "application/vnd.oasis.opendocument.spreadsheet"),
            (crate::document::FileBytes = "application/vnd.oasis.opendocument.presentation"),
            (crate::document::FileBytes = "application/msword"),
            (crate::document::FileBytes = "application/vnd.ms-excel"),
            (crate::document::FileBytes = "application/vnd.ms-powerpoint"),
        ),
    ),
    responses(
        (status = 201, description = "Attached to the agenda item, filed under its presenting organization (else the meeting's first organizer)", body = tashbeek_domain::meeting::WorkingPaper),
        (status = 400, description = "A missing or invalid `name`, `title` or `authors`", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "The meeting's managers and the members of the presenting organization only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such meeting or agenda item, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The item already holds 10 papers, or has no presenting organization and the meeting no organizer (`no_presenter`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A type that is not accepted, or bytes that are not of the declared type (`type_mismatch`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty file (`errors` names `file`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many uploads at once, or the document store failed: retry after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/meetings/{id}/agenda/{item_id}/papers")]
pub async fn add_paper(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(MeetingId, tashbeek_domain::AgendaItemId)>,
    QueryParams(p): QueryParams<PaperParams>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let mut e = tashbeek_domain::ValidationErrors::default();
    let title = e.line("title", &p.title, 300);
    let authors = e.line("authors", &p.authors, 500);
    e.into_result().map_err(crate::error::ApiError::bad_parameter)?;
    let (id, item) = path.into_inner();
    let ids = (id.clone(), item.clone());
    let paper = crate::document::receive(
        &state,
        &req,
        actor,
        &p.name,
        body,
        move |ctx| app::document::may_add_paper(ctx, &ids.0, &ids.1),
        move |ctx, doc| app::document::add_paper(ctx, &id, &item, &title, &authors, doc),
    )
    .await?;
    Ok(HttpResponse::Created().json(paper))
}
